import type { Command } from 'commander';
import { describeStore, withStore } from '../app/open-store';
import { LANGUAGES, type Language } from '../domain/resident';
import { ROLES, type ApiToken, type Role } from '../domain/user';
import type { Repository } from '../store/repository';
import { UserInputError } from '../users/user-errors';
import { newId } from '../shared/ids';
import { createApiTokenService } from '../auth/api-token-auth';
import { createUserService, type UpdateUserInput, type UserSummary } from '../users/user-service';

const collect = (value: string, previous: string[]) => [...previous, value];
const now = () => new Date().toISOString();

/** One line per token: what an admin needs to pick the one to revoke, never the token or its hash. */
function tokenLine(token: ApiToken): string {
  const state = token.revokedAt ? `revoked ${token.revokedAt}` : 'active';
  return `${token.id}\t${token.label}\tcreated ${token.createdAt}\tlast used ${token.lastUsedAt ?? 'never'}\t${state}`;
}

/** The service's field names as the flags a technician typed, so an error names what to fix. */
const FLAG_OF_FIELD: Record<string, string> = {
  username: '--username',
  name: '--name',
  role: '--role',
  localityIds: '--locality',
  phone: '--phone',
  password: '--password',
  onDuty: '--on-duty / --off-duty',
  language: '--language',
};

/** Runs a user-service call and rewrites its input errors in terms of the command's flags. */
async function withFlags<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof UserInputError)) throw error;
    throw new UserInputError(
      error.problems.map((problem) => problem.replace(/^([A-Za-z]+)(?=:)/, (field) => FLAG_OF_FIELD[field] ?? field)),
    );
  }
}

async function localityIdsOf(repo: Repository, slugs: string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const slug of slugs) {
    const locality = await repo.findLocalityBySlug(slug);
    if (!locality) throw new Error(`no locality with slug "${slug}" (see: aguavoz locality list)`);
    ids.push(locality.id);
  }
  return ids;
}

function checkLanguage(language: string | undefined): Language | undefined {
  if (language === undefined) return undefined;
  if (!(LANGUAGES as readonly string[]).includes(language)) throw new Error(`--language must be one of ${LANGUAGES.join(', ')}`);
  return language as Language;
}

/** What `user list` and `user update` print after the name (never the phone number itself). */
function describeUser(u: UserSummary, localities: Map<string, string>): string {
  const where = u.localityIds.map((id) => localities.get(id) ?? id).join(', ') || '-';
  const state = [u.onDuty ? 'on duty' : 'off duty', `language: ${u.language ?? 'es'}`, ...(u.disabledAt ? [`DISABLED since ${u.disabledAt}`] : [])];
  return `localities: ${where}\tphone: ${u.phone ? 'yes' : 'no'}\t${state.join('\t')}`;
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
    .option('--language <lang>', `language of the staff texts (alerts, SMS command answers): ${LANGUAGES.join(', ')}`)
    .action(
      async (options: { username: string; name: string; role: string; locality: string[]; phone?: string; password?: string; language?: string }) => {
        if (!(ROLES as readonly string[]).includes(options.role)) {
          throw new Error(`--role must be one of ${ROLES.join(', ')}`);
        }
        const language = checkLanguage(options.language);
        await withStore(async (repo) => {
          const localityIds = await localityIdsOf(repo, options.locality);
          const service = createUserService({ repo, now, newId });
          const { user: created, password } = await withFlags(() =>
            service.addUser({
              username: options.username,
              name: options.name,
              role: options.role as Role,
              localityIds,
              phone: options.phone ?? null,
              password: options.password,
              language,
            }),
          );
          console.log(`added ${created.role} ${created.username}${options.password ? '' : `\npassword (shown once): ${password}`}`);
        });
      },
    );

  user
    .command('update')
    .description("change an account: phone, localities, on-duty status, language, name or role (only what you pass)")
    .argument('<username>')
    .option('--name <name>', 'full name')
    .option('--role <role>', `one of ${ROLES.join(', ')}`)
    .option('--locality <slug>', 'the localities the user works in, replacing the current ones (repeat)', collect, [])
    .option('--phone <phone>', 'E.164 phone for SMS commands and alerts; "none" removes it')
    .option('--on-duty', 'receives new-ticket alerts')
    .option('--off-duty', 'receives no new-ticket alerts')
    .option('--language <lang>', `language of the staff texts: ${LANGUAGES.join(', ')}`)
    .action(
      async (
        username: string,
        options: { name?: string; role?: string; locality: string[]; phone?: string; onDuty?: boolean; offDuty?: boolean; language?: string },
      ) => {
        if (options.onDuty && options.offDuty) throw new Error('choose one of --on-duty and --off-duty');
        if (options.role !== undefined && !(ROLES as readonly string[]).includes(options.role)) {
          throw new Error(`--role must be one of ${ROLES.join(', ')}`);
        }
        const language = checkLanguage(options.language);
        await withStore(async (repo) => {
          const patch: UpdateUserInput = {};
          if (options.name !== undefined) patch.name = options.name;
          if (options.role !== undefined) patch.role = options.role as Role;
          if (options.locality.length > 0) patch.localityIds = await localityIdsOf(repo, options.locality);
          if (options.phone !== undefined) patch.phone = options.phone.trim().toLowerCase() === 'none' ? null : options.phone;
          if (options.onDuty) patch.onDuty = true;
          if (options.offDuty) patch.onDuty = false;
          if (language) patch.language = language;
          if (Object.keys(patch).length === 0) throw new Error('nothing to change: pass at least one option (see: aguavoz user update --help)');
          const updated = await withFlags(() => createUserService({ repo, now, newId }).updateUser(username, patch));
          console.log(`updated ${updated.username}: ${describeUser(updated, new Map((await repo.listLocalities()).map((l) => [l.id, l.slug])))}`);
        });
      },
    );

  user
    .command('disable')
    .description('disable an account: no console (its open sessions end), no API (its tokens are revoked), no SMS commands, no alerts')
    .argument('<username>')
    .action(async (username: string) => {
      await withStore(async (repo) => {
        const { user: found, tokensRevoked, alreadyDisabled } = await createUserService({ repo, now, newId }).disableUser(username);
        console.log(
          alreadyDisabled
            ? `${found.username} was already disabled (since ${found.disabledAt})${tokensRevoked > 0 ? `; revoked ${tokensRevoked} API token(s) left active` : ''}`
            : `disabled ${found.username}: console sessions ended, ${tokensRevoked} API token(s) revoked, no SMS commands or alerts`,
        );
      });
    });

  user
    .command('enable')
    .description('enable a disabled account again (it signs in with its password; revoked API tokens stay revoked)')
    .argument('<username>')
    .action(async (username: string) => {
      await withStore(async (repo) => {
        const { user: found, alreadyEnabled } = await createUserService({ repo, now, newId }).enableUser(username);
        console.log(alreadyEnabled ? `${found.username} is already enabled` : `enabled ${found.username}: issue a new API token if it needs one`);
      });
    });

  user
    .command('list')
    .description('list accounts')
    .action(async () => {
      await withStore(async (repo, config) => {
        console.log(describeStore(config));
        const localities = new Map((await repo.listLocalities()).map((l) => [l.id, l.slug]));
        const users = await createUserService({ repo, now, newId }).listUsers();
        for (const u of users) console.log(`${u.username}\t${u.role}\t${u.name}\t${describeUser(u, localities)}`);
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
