import type { Command } from 'commander';
import { withStore } from '../app/open-store';
import { ROLES, type ApiToken, type Role } from '../domain/user';
import { newId } from '../shared/ids';
import { createApiTokenService } from '../auth/api-token-auth';
import { createUserService } from '../users/user-service';

const collect = (value: string, previous: string[]) => [...previous, value];
const now = () => new Date().toISOString();

/** One line per token: what an admin needs to pick the one to revoke, never the token or its hash. */
function tokenLine(token: ApiToken): string {
  const state = token.revokedAt ? `revoked ${token.revokedAt}` : 'active';
  return `${token.id}\t${token.label}\tcreated ${token.createdAt}\tlast used ${token.lastUsedAt ?? 'never'}\t${state}`;
}

export function registerUserCommands(program: Command): void {
  const user = program.command('user').description('operator, supervisor and admin accounts');

  user
    .command('add')
    .description('add an account; prints its password once')
    .requiredOption('--username <name>', 'login name')
    .requiredOption('--name <name>', 'full name')
    .option('--role <role>', `one of ${ROLES.join(', ')}`, 'operator')
    .option('--locality <slug>', 'a locality the user works in (repeat)', collect, [])
    .option('--phone <phone>', 'E.164 phone for SMS commands and alerts')
    .option('--password <password>', 'initial password (generated when omitted)')
    .action(async (options: { username: string; name: string; role: string; locality: string[]; phone?: string; password?: string }) => {
      if (!(ROLES as readonly string[]).includes(options.role)) {
        throw new Error(`--role must be one of ${ROLES.join(', ')}`);
      }
      await withStore(async (repo) => {
        const localityIds: string[] = [];
        for (const slug of options.locality) {
          const locality = await repo.findLocalityBySlug(slug);
          if (!locality) throw new Error(`no locality with slug "${slug}" (see: aguavoz locality list)`);
          localityIds.push(locality.id);
        }
        const service = createUserService({ repo, now: () => new Date().toISOString(), newId });
        const { user: created, password } = await service.addUser({
          username: options.username,
          name: options.name,
          role: options.role as Role,
          localityIds,
          phone: options.phone ?? null,
          password: options.password,
        });
        console.log(`added ${created.role} ${created.username}${options.password ? '' : `\npassword (shown once): ${password}`}`);
      });
    });

  user
    .command('list')
    .description('list accounts')
    .action(async () => {
      await withStore(async (repo) => {
        const localities = new Map((await repo.listLocalities()).map((l) => [l.id, l.slug]));
        const users = await createUserService({ repo, now: () => new Date().toISOString(), newId }).listUsers();
        for (const u of users) {
          const where = u.localityIds.map((id) => localities.get(id) ?? id).join(', ') || '-';
          console.log(`${u.username}\t${u.role}\t${u.name}\tlocalities: ${where}\tphone: ${u.phone ? 'yes' : 'no'}`);
        }
      });
    });

  user
    .command('reset-password')
    .description("set a new generated password and print it once; ends the account's console sessions")
    .argument('<username>')
    .action(async (username: string) => {
      await withStore(async (repo) => {
        const { password } = await createUserService({ repo, now, newId }).resetPassword(username);
        console.log(`new password for ${username} (shown once): ${password}`);
        console.log(`console sessions of ${username} are ended: they must log in again with the new password`);
      });
    });

  user
    .command('token')
    .description('issue a REST API token for an account; prints it once')
    .argument('<username>')
    .option('--label <label>', 'what the token is for', 'api')
    .action(async (username: string, options: { label: string }) => {
      await withStore(async (repo) => {
        const found = await createUserService({ repo, now, newId }).findUser(username);
        if (!found) throw new Error(`no account "${username}" (see: aguavoz user list)`);
        const { token, record } = await createApiTokenService({ repo, now, newId }).issueToken(found.id, options.label);
        console.log(`API token for ${username} (shown once; send it as "Authorization: Bearer <token>"):\n${token}`);
        console.log(`token id: ${record.id} (to revoke it: aguavoz user revoke-token ${record.id})`);
      });
    });

  user
    .command('tokens')
    .description("list an account's API tokens: id, label, created, last used, revoked (never the token)")
    .argument('<username>')
    .action(async (username: string) => {
      await withStore(async (repo) => {
        const found = await createUserService({ repo, now, newId }).findUser(username);
        if (!found) throw new Error(`no account "${username}" (see: aguavoz user list)`);
        const tokens = await createApiTokenService({ repo, now, newId }).listTokens(found.id);
        if (tokens.length === 0) console.log(`no API tokens for ${username}`);
        for (const token of tokens) console.log(tokenLine(token));
      });
    });

  user
    .command('revoke-token')
    .description('revoke an API token by its id (see: aguavoz user tokens <username>); refused from the next request on')
    .argument('<token-id>')
    .action(async (tokenId: string) => {
      await withStore(async (repo) => {
        const { record, alreadyRevoked } = await createApiTokenService({ repo, now, newId }).revokeToken(tokenId.trim());
        const owner = (await repo.getUser(record.userId))?.username ?? record.userId;
        console.log(
          alreadyRevoked
            ? `API token ${record.id} ("${record.label}") of ${owner} was already revoked at ${record.revokedAt}`
            : `revoked API token ${record.id} ("${record.label}") of ${owner}: requests with it are refused from now on`,
        );
      });
    });
}
