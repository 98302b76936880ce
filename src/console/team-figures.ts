/**
 * Internal figures for the supervisor dashboard that the public page does not carry: reopened
 * complaints per week and complaints per operator over the dashboard's weeks. They name staff,
 * never residents, and are not broken down by gender, so the publication rule has nothing to
 * protect here; gender figures on the dashboard come from the publication module like the page's.
 */
import type { Ticket } from '../domain/ticket';
import type { AlignedPeriod } from '../publication';
import type { Repository } from '../store/repository';

export interface WeekReopens {
  period: AlignedPeriod;
  created: number;
  /** Created in the week and reopened at least once since. */
  reopened: number;
  share: number | null;
}

export interface OperatorLoad {
  /** null: not assigned to anyone. */
  userId: string | null;
  name: string;
  assigned: number;
  resolved: number;
}

export interface TeamFigures {
  reopens: WeekReopens[];
  perOperator: OperatorLoad[];
}

type TeamTicket = Pick<Ticket, 'createdAt' | 'reopenCount' | 'assigneeId' | 'status'>;

/** Pure: the tickets created in `weeks` (any order) and the staff names. */
export function computeTeamFigures(input: { tickets: readonly TeamTicket[]; weeks: readonly AlignedPeriod[]; names: ReadonlyMap<string, string>; unassignedLabel: string }): TeamFigures {
  const reopens = input.weeks.map((period) => {
    const created = input.tickets.filter((t) => t.createdAt >= period.from && t.createdAt < period.to);
    const reopened = created.filter((t) => t.reopenCount > 0).length;
    return { period, created: created.length, reopened, share: created.length > 0 ? reopened / created.length : null };
  });
  const first = input.weeks[0]?.from ?? '';
  const last = input.weeks[input.weeks.length - 1]?.to ?? '';
  const loads = new Map<string | null, OperatorLoad>();
  for (const t of input.tickets) {
    if (t.createdAt < first || t.createdAt >= last) continue;
    const load = loads.get(t.assigneeId) ?? {
      userId: t.assigneeId,
      name: t.assigneeId === null ? input.unassignedLabel : (input.names.get(t.assigneeId) ?? t.assigneeId),
      assigned: 0,
      resolved: 0,
    };
    load.assigned += 1;
    if (t.status === 'resolved' || t.status === 'closed') load.resolved += 1;
    loads.set(t.assigneeId, load);
  }
  const perOperator = [...loads.values()].sort((a, b) => Number(a.userId === null) - Number(b.userId === null) || b.assigned - a.assigned || a.name.localeCompare(b.name));
  return { reopens, perOperator };
}

/** Reads the tickets created in the weeks (cursor pages of 100) and the locality's staff. */
export async function loadTeamFigures(
  repo: Pick<Repository, 'listTickets' | 'listUsers'>,
  input: { localityId: string; weeks: readonly AlignedPeriod[]; unassignedLabel: string },
): Promise<TeamFigures> {
  const tickets: Ticket[] = [];
  if (input.weeks.length > 0) {
    let cursor: string | null = null;
    do {
      const page = await repo.listTickets({
        localityIds: [input.localityId],
        createdFrom: input.weeks[0]!.from,
        createdTo: input.weeks[input.weeks.length - 1]!.to,
        sort: 'created_asc',
        limit: 100,
        cursor,
      });
      tickets.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor !== null);
  }
  const users = await repo.listUsers({});
  return computeTeamFigures({ tickets, weeks: input.weeks, names: new Map(users.map((u) => [u.id, u.name])), unassignedLabel: input.unassignedLabel });
}
