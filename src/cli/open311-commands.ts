/**
 * `aguavoz open311 key add|list|revoke`: keys for the Open311 clients (a municipality's or the
 * regulator's tool) that file requests. The key is printed once; only its hash is stored.
 */
import type { Command } from 'commander';
import { withStore } from '../app/open-store';
import type { Open311Key } from '../domain/open311-key';
import { createOpen311KeyService } from '../open311/open311-keys';
import { newId } from '../shared/ids';

const now = () => new Date().toISOString();

function keyLine(key: Open311Key): string {
  const state = key.revokedAt ? `revoked ${key.revokedAt}` : 'active';
  return `${key.id}\t${key.label}\tcreated ${key.createdAt}\tlast used ${key.lastUsedAt ?? 'never'}\t${state}`;
}

export function registerOpen311Commands(program: Command): void {
  const open311 = program.command('open311').description('Open311 GeoReport v2 clients');
  const key = open311.command('key').description('keys that let an Open311 client file requests');

  key
    .command('add')
    .description('issue a key; it is printed once and stored hashed')
    .requiredOption('--label <who>', 'who holds it, e.g. "Municipalidad de Pangoa"')
    .action(async (options: { label: string }) => {
      if (options.label.trim() === '') throw new Error('--label must name who holds the key');
      await withStore(async (repo) => {
        const { key: secret, record } = await createOpen311KeyService({ repo, now, newId }).issue(options.label);
        console.log(`Open311 key for "${record.label}" (id ${record.id}). Shown only now; send it as api_key:`);
        console.log(secret);
      });
    });

  key
    .command('list')
    .description('list keys (id, label, created, last used, state), never the key itself')
    .action(async () => {
      await withStore(async (repo) => {
        const keys = await createOpen311KeyService({ repo, now, newId }).list();
        if (keys.length === 0) console.log('no Open311 keys yet (aguavoz open311 key add --label <who>)');
        for (const k of keys) console.log(keyLine(k));
      });
    });

  key
    .command('revoke <id>')
    .description('refuse a key from now on (it stays listed as revoked)')
    .action(async (id: string) => {
      await withStore(async (repo) => {
        const { record, alreadyRevoked } = await createOpen311KeyService({ repo, now, newId }).revoke(id);
        console.log(alreadyRevoked ? `already revoked on ${record.revokedAt}` : `revoked ${record.id} (${record.label})`);
      });
    });
}
