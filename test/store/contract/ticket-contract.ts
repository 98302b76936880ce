import type { Ticket } from '../../../src/domain/ticket';
import type { Repository, TicketFilter } from '../../../src/store/repository';
import { InvalidCursorError } from '../../../src/store/ticket-page';
import { aTicket, aTimelineEntry, allPages, at, rejectionOf, seedOwner, expectUniqueViolation } from './store-fixtures';

export function ticketContract(repo: () => Repository): void {
  describe('tickets', () => {
    it('a ticket with every field filled reads back identically, by id and by reference', async () => {
      const owner = await seedOwner(repo());
      const ticket = aTicket(owner, {
        category: 'quality',
        details: { colour: 'marron', smell: 'a desague', since: 3, anyoneIll: true, note: null },
        sector: 'Barrio Alto',
        location: { lat: -13.1631, lng: -74.2237, label: null },
        channel: 'whatsapp',
        reporterGender: 'another',
        reporterLanguage: 'qu',
        priority: 'urgent',
        status: 'resolved',
        needsOperator: true,
        assigneeId: 'user-1',
        updatedAt: at(90),
        firstResponseAt: at(10),
        acknowledgedAt: at(10),
        resolvedAt: at(80),
        closedAt: at(90),
        reopenCount: 2,
        firstResponseDueAt: at(120),
        resolutionDueAt: at(1440),
        slaBreachedAt: at(121),
        resolutionNote: 'se cambió la válvula',
        residentConfirmedSolved: false,
        residentRating: 4,
      });
      await repo().commit({ ticketsCreated: [ticket] });
      await expect(repo().getTicket(ticket.id)).resolves.toStrictEqual(ticket);
      await expect(repo().findTicketByReference(ticket.reference)).resolves.toStrictEqual(ticket);
    });

    it('a fresh ticket keeps empty details, nulls and false as they were', async () => {
      const ticket = aTicket(await seedOwner(repo()));
      await repo().commit({ ticketsCreated: [ticket] });
      await expect(repo().getTicket(ticket.id)).resolves.toStrictEqual(ticket);
      await expect(repo().getTicket('missing')).resolves.toBeNull();
      await expect(repo().findTicketByReference('0000000')).resolves.toBeNull();
    });

    it('a second ticket with the same reference is refused as a unique violation on reference', async () => {
      const owner = await seedOwner(repo());
      const first = aTicket(owner);
      await repo().commit({ ticketsCreated: [first] });
      await expectUniqueViolation(repo().commit({ ticketsCreated: [aTicket(owner, { reference: first.reference })] }), 'reference');
    });

    it('a ticket update through a unit changes the patched fields only', async () => {
      const ticket = aTicket(await seedOwner(repo()));
      await repo().commit({ ticketsCreated: [ticket] });
      const patch = { status: 'acknowledged', acknowledgedAt: at(5), assigneeId: 'user-2', residentConfirmedSolved: true } as const;
      await repo().commit({ ticketUpdates: [{ id: ticket.id, patch }] });
      await expect(repo().getTicket(ticket.id)).resolves.toEqual({ ...ticket, ...patch });
    });

    describe('listing', () => {
      let a: { localityId: string; residentId: string };
      let b: { localityId: string; residentId: string };
      let t: Record<string, Ticket>;

      beforeEach(async () => {
        a = await seedOwner(repo());
        b = await seedOwner(repo());
        t = {
          aOpenDue3: aTicket(a, { createdAt: at(1), resolutionDueAt: at(300), sector: 'Centro' }),
          aOpenNoDue: aTicket(a, { createdAt: at(2), category: 'leak' }),
          aAckDue1: aTicket(a, { createdAt: at(3), status: 'acknowledged', resolutionDueAt: at(100), assigneeId: 'u1' }),
          aOpenDue1Later: aTicket(a, { createdAt: at(4), resolutionDueAt: at(100), sector: 'Centro' }),
          aClosed: aTicket(a, { createdAt: at(5), status: 'closed', category: 'billing' }),
          bOpenDue2: aTicket(b, { createdAt: at(6), resolutionDueAt: at(200), assigneeId: 'u1' }),
          bOpenNoDue: aTicket(b, { createdAt: at(7), category: 'sewage' }),
        };
        await repo().commit({ ticketsCreated: Object.values(t) });
      });

      const ids = (tickets: Ticket[]): string[] => tickets.map((x) => x.id);

      it('sort "due" puts the earliest resolution deadline first, no deadline last, then oldest', async () => {
        const page = await repo().listTickets({ sort: 'due' });
        expect(ids(page.items)).toEqual(
          ids([t.aAckDue1, t.aOpenDue1Later, t.bOpenDue2, t.aOpenDue3, t.aOpenNoDue, t.aClosed, t.bOpenNoDue] as Ticket[]),
        );
        expect(page.nextCursor).toBeNull();
      });

      it('sort "created" is newest first and "created_asc" oldest first', async () => {
        const all = Object.values(t);
        expect(ids((await repo().listTickets({ sort: 'created' })).items)).toEqual(ids([...all].reverse()));
        expect(ids((await repo().listTickets({ sort: 'created_asc' })).items)).toEqual(ids(all));
      });

      it.each(['due', 'created', 'created_asc'] as const)('pages of sort "%s" cover every ticket exactly once, in order', async (sort) => {
        const whole = (await repo().listTickets({ sort, limit: 100 })).items;
        const pages = await allPages(repo(), { sort, limit: 3 });
        expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
        expect(ids(pages.flat())).toEqual(ids(whole));
      });

      it('filters by locality, status, category, sector, assignee, resident and creation window', async () => {
        const list = async (filter: TicketFilter): Promise<string[]> =>
          ids((await repo().listTickets({ sort: 'created_asc', ...filter })).items);
        expect(await list({ localityIds: [b.localityId] })).toEqual(ids([t.bOpenDue2, t.bOpenNoDue] as Ticket[]));
        expect(await list({ localityIds: [a.localityId], statuses: ['acknowledged', 'closed'] })).toEqual(
          ids([t.aAckDue1, t.aClosed] as Ticket[]),
        );
        expect(await list({ categories: ['leak', 'sewage'] })).toEqual(ids([t.aOpenNoDue, t.bOpenNoDue] as Ticket[]));
        expect(await list({ sector: 'Centro' })).toEqual(ids([t.aOpenDue3, t.aOpenDue1Later] as Ticket[]));
        expect(await list({ assigneeId: 'u1' })).toEqual(ids([t.aAckDue1, t.bOpenDue2] as Ticket[]));
        expect(await list({ assigneeId: null, localityIds: [b.localityId] })).toEqual(ids([t.bOpenNoDue] as Ticket[]));
        expect(await list({ residentId: a.residentId, statuses: ['open'] })).toEqual(
          ids([t.aOpenDue3, t.aOpenNoDue, t.aOpenDue1Later] as Ticket[]),
        );
        expect(await list({ createdFrom: at(3), createdTo: at(5) })).toEqual(ids([t.aAckDue1, t.aOpenDue1Later] as Ticket[]));
      });

      it('an empty list of localities matches no ticket (an operator bound to no town sees nothing)', async () => {
        await expect(repo().listTickets({ localityIds: [] })).resolves.toEqual({ items: [], nextCursor: null });
        const counts = await repo().countTicketsByStatus({ localityIds: [] });
        expect(counts.every((c) => c.count === 0)).toBe(true);
      });

      it('filtered pages stay within the filter across cursors', async () => {
        const pages = await allPages(repo(), { sort: 'due', localityIds: [a.localityId], statuses: ['open'], limit: 2 });
        expect(ids(pages.flat())).toEqual(ids([t.aOpenDue1Later, t.aOpenDue3, t.aOpenNoDue] as Ticket[]));
      });

      it('a cursor from another sort, or one the store never issued, is an InvalidCursorError', async () => {
        const first = await repo().listTickets({ sort: 'created', limit: 2 });
        expect(first.nextCursor).not.toBeNull();
        expect(await rejectionOf(repo().listTickets({ sort: 'due', cursor: first.nextCursor }))).toBeInstanceOf(InvalidCursorError);
        expect(await rejectionOf(repo().listTickets({ cursor: 'not-a-cursor' }))).toBeInstanceOf(InvalidCursorError);
      });

      it('counts tickets per status, every status listed, optionally per locality', async () => {
        expect(await repo().countTicketsByStatus({})).toEqual([
          { status: 'open', count: 5 },
          { status: 'acknowledged', count: 1 },
          { status: 'in_progress', count: 0 },
          { status: 'resolved', count: 0 },
          { status: 'closed', count: 1 },
        ]);
        const forB = await repo().countTicketsByStatus({ localityIds: [b.localityId] });
        expect(forB.find((c) => c.status === 'open')?.count).toBe(2);
        expect(forB.reduce((sum, c) => sum + c.count, 0)).toBe(2);
      });

      it('a changed resolution deadline moves the ticket in the "due" order', async () => {
        await repo().commit({ ticketUpdates: [{ id: t.aOpenNoDue!.id, patch: { resolutionDueAt: at(50) } }] });
        await repo().commit({ ticketUpdates: [{ id: t.aAckDue1!.id, patch: { resolutionDueAt: null } }] });
        const order = ids((await repo().listTickets({ sort: 'due' })).items);
        expect(order[0]).toBe(t.aOpenNoDue!.id);
        expect(order.indexOf(t.aAckDue1!.id)).toBeGreaterThan(order.indexOf(t.aOpenDue3!.id));
      });
    });

    it("a ticket's timeline lists its own entries by time, same-time entries in insertion order", async () => {
      const owner = await seedOwner(repo());
      const ticket = aTicket(owner);
      const other = aTicket(owner);
      const opened = aTimelineEntry(ticket.id, { at: at(0), type: 'opened', data: { via: 'sms', turns: 6 } });
      const handed = aTimelineEntry(ticket.id, { at: at(0), type: 'handed_to_operator', actor: 'system' });
      const replied = aTimelineEntry(ticket.id, {
        at: at(9),
        type: 'replied',
        actor: 'user-7',
        text: 'Mañana llega la cisterna.',
        isPublic: true,
        data: { outboxId: 'o-1', nested: { list: [1, 'dos', null] } },
      });
      const noted = aTimelineEntry(ticket.id, { at: at(4), type: 'note_added', actor: 'user-7', text: 'llamar al JASS' });
      await repo().commit({ ticketsCreated: [ticket, other], timeline: [opened, handed, replied] });
      await repo().commit({ timeline: [noted, aTimelineEntry(other.id)] });
      await expect(repo().listTimeline(ticket.id)).resolves.toStrictEqual([opened, handed, noted, replied]);
      await expect(repo().listTimeline('missing')).resolves.toEqual([]);
    });
  });
}
