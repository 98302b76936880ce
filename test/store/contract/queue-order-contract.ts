import type { Ticket } from '../../../src/domain/ticket';
import type { Repository } from '../../../src/store/repository';
import { aTicket, allPages, at, seedOwner } from './store-fixtures';

const ids = (tickets: Ticket[]): string[] => tickets.map((x) => x.id);

/** The queue's "due" order: the next open deadline, first response while nobody has answered. */
export function queueOrderContract(repo: () => Repository): void {
  describe('queue order by next open deadline (sort "due")', () => {
    let t: Record<'overdueFirstResponse' | 'imminentFirstResponse' | 'answeredEarlyResolution' | 'answeredLateResolution' | 'noDeadline', Ticket>;

    beforeEach(async () => {
      const owner = await seedOwner(repo());
      t = {
        overdueFirstResponse: aTicket(owner, { createdAt: at(-120), firstResponseDueAt: at(-30), resolutionDueAt: at(2000) }),
        imminentFirstResponse: aTicket(owner, { createdAt: at(0), firstResponseDueAt: at(100), resolutionDueAt: at(1440) }),
        answeredEarlyResolution: aTicket(owner, {
          createdAt: at(-60),
          status: 'acknowledged',
          firstResponseAt: at(-50),
          firstResponseDueAt: at(60),
          resolutionDueAt: at(200),
        }),
        answeredLateResolution: aTicket(owner, { createdAt: at(-90), firstResponseAt: at(-80), firstResponseDueAt: at(30), resolutionDueAt: at(1000) }),
        noDeadline: aTicket(owner, { createdAt: at(-200) }),
      };
      await repo().commit({ ticketsCreated: Object.values(t) });
    });

    it('an unanswered ticket whose first response is due soon, or overdue, sorts above an answered one with an earlier resolution deadline', async () => {
      const { items } = await repo().listTickets({ sort: 'due' });
      expect(ids(items)).toEqual(
        ids([t.overdueFirstResponse, t.imminentFirstResponse, t.answeredEarlyResolution, t.answeredLateResolution, t.noDeadline]),
      );
    });

    it('once a first response is recorded, the ticket moves to its resolution deadline', async () => {
      const answer = { status: 'acknowledged', firstResponseAt: at(10), acknowledgedAt: at(10), updatedAt: at(10) } as const;
      await repo().commit({ ticketUpdates: [{ id: t.imminentFirstResponse.id, patch: answer }] });

      const { items } = await repo().listTickets({ sort: 'due', statuses: ['open', 'acknowledged'] });
      expect(ids(items)).toEqual(
        ids([t.overdueFirstResponse, t.answeredEarlyResolution, t.answeredLateResolution, t.imminentFirstResponse, t.noDeadline]),
      );
    });

    it('a patch of one deadline field moves the ticket, the fields it leaves out keeping their stored values', async () => {
      await repo().commit({ ticketUpdates: [{ id: t.imminentFirstResponse.id, patch: { firstResponseDueAt: at(-60) } }] });
      expect(ids((await repo().listTickets({ sort: 'due', limit: 1 })).items)).toEqual([t.imminentFirstResponse.id]);

      await repo().commit({ ticketUpdates: [{ id: t.answeredLateResolution.id, patch: { firstResponseAt: null, firstResponseDueAt: at(-90) } }] });
      expect(ids((await repo().listTickets({ sort: 'due', limit: 1 })).items)).toEqual([t.answeredLateResolution.id]);
    });
  });

  describe('queue pages by next open deadline', () => {
    it.each([1, 2, 4])('pages of %i cover every ticket exactly once, in order, ties broken by age then id', async (limit) => {
      const owner = await seedOwner(repo());
      const fallsBackToResolution = aTicket(owner, { createdAt: at(9), resolutionDueAt: at(50) });
      const olderTie = aTicket(owner, { createdAt: at(3), firstResponseDueAt: at(100), resolutionDueAt: at(900) });
      const unansweredTie = aTicket(owner, { createdAt: at(5), firstResponseDueAt: at(100), resolutionDueAt: at(900) });
      const answeredTie = aTicket(owner, { createdAt: at(5), firstResponseAt: at(6), firstResponseDueAt: at(20), resolutionDueAt: at(100) });
      const none = aTicket(owner, { createdAt: at(1) });
      const answeredNoResolution = aTicket(owner, { createdAt: at(2), firstResponseAt: at(4), firstResponseDueAt: at(10) });
      await repo().commit({
        ticketsCreated: [none, answeredTie, fallsBackToResolution, answeredNoResolution, unansweredTie, olderTie],
      });
      const sameInstant = [unansweredTie, answeredTie].sort((x, y) => (x.id < y.id ? -1 : 1));
      const expected = ids([fallsBackToResolution, olderTie, ...sameInstant, none, answeredNoResolution]);

      const pages = await allPages(repo(), { sort: 'due', limit });

      expect(pages.every((page) => page.length <= limit)).toBe(true);
      expect(ids(pages.flat())).toEqual(expected);
      expect(ids((await repo().listTickets({ sort: 'due', limit: 100 })).items)).toEqual(expected);
    });
  });
}
