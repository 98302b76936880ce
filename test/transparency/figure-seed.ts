/**
 * Seeds a town's recent weeks for the transparency tests (fixed clock: Wednesday 25 Nov 2026,
 * Lima): the last complete ISO week (16–22 Nov) has 7 women and exactly 1 man — the man is the
 * person the publication rule must protect — and the week before has 6 women and 6 men.
 */
import type { Locality } from '../../src/domain/locality';
import type { Gender } from '../../src/domain/resident';
import type { Category, Ticket } from '../../src/domain/ticket';
import type { Repository } from '../../src/store/repository';
import { seedTicket } from '../support/console-app';

export const NOW = new Date('2026-11-25T15:00:00.000Z');
/** Monday 16 Nov 2026, 10:00 in Lima. */
export const LAST_WEEK_MONDAY = '2026-11-16T15:00:00.000Z';
export const PREVIOUS_WEEK_MONDAY = '2026-11-09T15:00:00.000Z';
export const SEEDED_PHONE_PREFIX = '+5198765';

const HOUR = 3_600_000;

function at(base: string, hours: number): string {
  return new Date(Date.parse(base) + hours * HOUR).toISOString();
}

export async function seedWeeks(repo: Repository, locality: Locality, options: { assigneeId?: string } = {}): Promise<Ticket[]> {
  const seeded: Ticket[] = [];
  let n = 0;
  const add = async (base: string, category: Category, gender: Gender | null, extra: Partial<Ticket> = {}) => {
    n += 1;
    const createdAt = at(base, n);
    seeded.push(
      await seedTicket(repo, {
        locality,
        now: new Date(createdAt),
        ticket: {
          category,
          reporterGender: gender,
          firstResponseAt: at(createdAt, 1 + (n % 3)),
          firstResponseDueAt: at(createdAt, 2),
          resolutionDueAt: at(createdAt, 24),
          status: n % 2 === 0 ? 'resolved' : 'open',
          resolvedAt: n % 2 === 0 ? at(createdAt, 10 + n) : null,
          assigneeId: options.assigneeId ?? null,
          reopenCount: n % 5 === 0 ? 1 : 0,
          details: { description: `Sin agua, llamar al ${SEEDED_PHONE_PREFIX}${String(1000 + n)}` },
          ...extra,
        },
        resident: { phone: `${SEEDED_PHONE_PREFIX}${String(1000 + n)}`, gender },
      }),
    );
  };
  for (let i = 0; i < 7; i += 1) await add(LAST_WEEK_MONDAY, i % 2 === 0 ? 'outage' : 'leak', 'woman');
  await add(LAST_WEEK_MONDAY, 'outage', 'man');
  for (let i = 0; i < 6; i += 1) await add(PREVIOUS_WEEK_MONDAY, 'quality', 'woman');
  for (let i = 0; i < 6; i += 1) await add(PREVIOUS_WEEK_MONDAY, 'sewage', 'man');
  return seeded;
}
