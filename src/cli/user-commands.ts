import type { Command } from 'commander';
import { withStore } from '../app/open-store';
import { ROLES, type Role } from '../domain/user';
import { newId } from '../shared/ids';
import { createApiTokenService } from '../auth/api-token-auth';
import { createUserService } from '../users/user-service';

const collect = (value: string, previous: string[]) => [...previous, value];

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
    .description('set a new generated password and print it once')
    .argument('<username>')
    .action(async (username: string) => {
      await withStore(async (repo) => {
        const { password } = await createUserService({ repo, now: () => new Date().toISOString(), newId }).resetPassword(username);
        console.log(`new password for ${username} (shown once): ${password}`);
      });
    });

  user
    .command('token')
    .description('issue a REST API token for an account; prints it once')
    .argument('<username>')
    .option('--label <label>', 'what the token is for', 'api')
    .action(async (username: string, options: { label: string }) => {
      await withStore(async (repo) => {
        const now = () => new Date().toISOString();
        const found = await createUserService({ repo, now, newId }).findUser(username);
        if (!found) throw new Error(`no account "${username}" (see: aguavoz user list)`);
        const { token } = await createApiTokenService({ repo, now, newId }).issueToken(found.id, options.label);
        console.log(`API token for ${username} (shown once; send it as "Authorization: Bearer <token>"):\n${token}`);
      });
    });
}
