import type { Command } from 'commander';
import { describeStore, withStore } from '../app/open-store';
import { createLocalityService } from '../localities/locality-service';
import { newId } from '../shared/ids';

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerLocalityCommands(program: Command): void {
  const locality = program.command('locality').description('towns served and the Twilio numbers that route to them');

  locality
    .command('add')
    .description('add a locality')
    .requiredOption('--slug <slug>', 'short id, e.g. san-martin')
    .requiredOption('--name <name>', 'display name, e.g. "San Martin de Pangoa"')
    .option('--tz <zone>', 'IANA time zone', 'America/Lima')
    .option('--sector <name>', 'a sector or neighbourhood (repeat)', collect, [])
    .option('--number <phone>', 'a Twilio number that routes here, E.164 (repeat)', collect, [])
    .option('--catch-all', 'also answer numbers no other locality claims', false)
    .action(async (options: { slug: string; name: string; tz: string; sector: string[]; number: string[]; catchAll: boolean }) => {
      await withStore(async (repo) => {
        const service = createLocalityService({ repo, now: () => new Date().toISOString(), newId });
        const created = await service.add({
          slug: options.slug,
          name: options.name,
          timeZone: options.tz,
          sectors: options.sector,
          phoneNumbers: options.number,
          isCatchAll: options.catchAll,
        });
        console.log(`added ${created.slug}: ${created.name} (${created.sectors.length} sectors, numbers: ${created.phoneNumbers.join(', ') || 'none'})`);
      }, { create: true });
    });

  locality
    .command('list')
    .description('list localities')
    .action(async () => {
      await withStore(async (repo, config) => {
        console.log(describeStore(config));
        const all = await createLocalityService({ repo, now: () => new Date().toISOString(), newId }).list();
        if (all.length === 0) console.log('no localities yet (the first `aguavoz start` seeds a demo one)');
        for (const l of all) {
          console.log(`${l.slug}\t${l.name}\t${l.timeZone}\tnumbers: ${l.phoneNumbers.join(', ') || '-'}${l.isCatchAll ? '\t(catch-all)' : ''}\tsectors: ${l.sectors.join(', ')}`);
        }
      });
    });
}
