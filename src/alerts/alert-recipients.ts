/**
 * Who hears about a ticket on their own phone. Staff alerts go only to users with a phone
 * number, bound to the ticket's locality (admins too, when they are bound to it):
 *
 * - new tickets: the users on duty;
 * - a resident's "not solved": the assignee, or the users on duty when nobody is assigned;
 * - a missed SLA deadline: the supervisors (and admins) of the locality, or every admin with a
 *   phone when the locality has none, so a breach never goes unheard.
 */
import type { Language } from '../domain/resident';
import type { Ticket } from '../domain/ticket';
import type { User } from '../domain/user';
import type { Repository } from '../store/repository';

/** A user an alert can reach; `language` null: the caller's default staff language. */
export type AlertRecipient = Pick<User, 'id' | 'name' | 'role'> & { phone: string; language: Language | null };

type UserReader = Pick<Repository, 'listUsers'>;

/** Reachable: a phone, and an account that is not disabled. */
function withPhone(user: User): user is User & { phone: string } {
  return typeof user.phone === 'string' && user.phone !== '' && !user.disabledAt;
}

function recipient(user: User & { phone: string }): AlertRecipient {
  return { id: user.id, name: user.name, role: user.role, phone: user.phone, language: user.language ?? null };
}

/** Users of the locality who are on duty and have a phone. */
export async function onDutyRecipients(repo: UserReader, localityId: string): Promise<AlertRecipient[]> {
  const users = await repo.listUsers({ localityId });
  return users.filter((user): user is User & { phone: string } => user.onDuty && withPhone(user)).map(recipient);
}

/** Supervisors and admins of the locality with a phone; all admins with a phone if there are none. */
export async function supervisorRecipients(repo: UserReader, localityId: string): Promise<AlertRecipient[]> {
  const local = (await repo.listUsers({ localityId })).filter(
    (user): user is User & { phone: string } => (user.role === 'supervisor' || user.role === 'admin') && withPhone(user),
  );
  if (local.length > 0) return local.map(recipient);
  const admins = (await repo.listUsers()).filter((user): user is User & { phone: string } => user.role === 'admin' && withPhone(user));
  return admins.map(recipient);
}

/** The assignee when they can be reached and still work in the locality; else the users on duty. */
export async function assigneeOrOnDuty(
  repo: UserReader & Pick<Repository, 'getUser'>,
  ticket: Pick<Ticket, 'assigneeId' | 'localityId'>,
): Promise<AlertRecipient[]> {
  if (ticket.assigneeId) {
    const assignee = await repo.getUser(ticket.assigneeId);
    const inLocality = assignee && (assignee.role === 'admin' || assignee.localityIds.includes(ticket.localityId));
    if (assignee && inLocality && withPhone(assignee)) return [recipient(assignee)];
  }
  return onDutyRecipients(repo, ticket.localityId);
}
