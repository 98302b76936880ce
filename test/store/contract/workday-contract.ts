/**
 * What an operator's workday needs from the store (issue 10): the local phone feed for any phone,
 * dead-lettered messages listed and re-queued, a conditional ticket write (version check), a
 * staff member's language and disabled mark, and searching the queue.
 */
import { NotFoundError, StaleTicketError, type Repository } from '../../../src/store/repository';
import { aPhone, aTicket, aTimelineEntry, aUser, anInbound, anOutbox, at, rejectionOf, seedOwner } from './store-fixtures';

export function workdayContract(repo: () => Repository): void {
  describe('operator workday', () => {
    it('lists every row sent to one phone, newest first, whoever the recipient is', async () => {
      const phone = aPhone();
      const staff = anOutbox({ toPhone: phone, userId: 'u-1', kind: 'alert', createdAt: at(1) });
      const command = anOutbox({ toPhone: phone, userId: 'u-1', kind: 'operator_command', createdAt: at(2) });
      const committee = anOutbox({ toPhone: phone, kind: 'committee_summary', createdAt: at(3) });
      const someoneElse = anOutbox({ createdAt: at(4) });
      await repo().commit({ outbox: [staff, command, committee, someoneElse] });

      const rows = await repo().listOutboxToPhone(phone, { limit: 10 });

      expect(rows.map((row) => row.id)).toEqual([committee.id, command.id, staff.id]);
      expect((await repo().listOutboxToPhone(phone, { limit: 2 })).map((row) => row.id)).toEqual([committee.id, command.id]);
    });

    it('lists dead-lettered messages newest failure first, scoped to localities (plus those no town answered)', async () => {
      const a = await seedOwner(repo());
      const b = await seedOwner(repo());
      const inA = anInbound();
      const inB = anInbound();
      const nowhere = anInbound();
      const fine = anInbound();
      for (const m of [inA, inB, nowhere, fine]) await repo().insertInboundMessage(m);
      await repo().commit({ inboundFailed: { id: inA.id, at: at(1), ...a } });
      await repo().commit({ inboundFailed: { id: inB.id, at: at(2), ...b } });
      await repo().commit({ inboundFailed: { id: nowhere.id, at: at(3), residentId: null, localityId: null } });

      expect((await repo().listDeadLetteredInbound({ limit: 10 })).map((m) => m.id)).toEqual([nowhere.id, inB.id, inA.id]);
      expect((await repo().listDeadLetteredInbound({ localityIds: [a.localityId], limit: 10 })).map((m) => m.id)).toEqual([
        nowhere.id,
        inA.id,
      ]);
      expect((await repo().listDeadLetteredInbound({ localityIds: [], limit: 10 })).map((m) => m.id)).toEqual([nowhere.id]);
    });

    it('re-queues a dead-lettered message: pending again with its failure count cleared; other messages are left alone', async () => {
      const owner = await seedOwner(repo());
      const fromPhone = aPhone();
      const bad = anInbound({ fromPhone });
      await repo().insertInboundMessage(bad);
      await repo().recordInboundFailure(bad.id, { at: at(1), reason: 'Error' });
      await repo().commit({ inboundFailed: { id: bad.id, at: at(2), ...owner } });

      const { requeued, message } = await repo().requeueDeadLetteredInbound(bad.id);

      expect(requeued).toBe(true);
      expect(message.failedAt).toBeUndefined();
      expect(message.processingFailures).toBeUndefined();
      expect((await repo().listUnprocessedInboundFrom(fromPhone)).map((m) => m.id)).toEqual([bad.id]);
      expect(await repo().listDeadLetteredInbound({ limit: 10 })).toEqual([]);
      await expect(repo().requeueDeadLetteredInbound(bad.id)).resolves.toMatchObject({ requeued: false });
      expect(await rejectionOf(repo().requeueDeadLetteredInbound('missing'))).toBeInstanceOf(NotFoundError);
    });

    it('refuses a ticket write whose expected version is stale and writes nothing of the unit', async () => {
      const owner = await seedOwner(repo());
      const ticket = aTicket(owner, { updatedAt: at(1) });
      await repo().commit({ ticketsCreated: [ticket] });
      await repo().commit({
        ticketUpdates: [{ id: ticket.id, patch: { status: 'acknowledged', updatedAt: at(2) }, expectedUpdatedAt: at(1) }],
      });
      const note = aTimelineEntry(ticket.id, { type: 'note_added', text: 'tarde' });
      const outbox = anOutbox({ ticketId: ticket.id });

      const error = await rejectionOf(
        repo().commit({
          ticketUpdates: [{ id: ticket.id, patch: { status: 'in_progress', updatedAt: at(3) }, expectedUpdatedAt: at(1) }],
          timeline: [note],
          outbox: [outbox],
        }),
      );

      expect(error).toBeInstanceOf(StaleTicketError);
      expect(await repo().getTicket(ticket.id)).toMatchObject({ status: 'acknowledged', updatedAt: at(2) });
      expect(await repo().listTimeline(ticket.id)).toEqual([]);
      expect(await repo().getOutbox(outbox.id)).toBeNull();
    });

    it("keeps a user's language and disabled mark, and clears them with null", async () => {
      const user = await repo().createUser(aUser({ phone: aPhone() }));
      expect(user.language).toBeUndefined();
      expect(user.disabledAt).toBeUndefined();

      const changed = await repo().updateUser(user.id, { language: 'qu', disabledAt: at(5), updatedAt: at(5) });
      expect(changed).toMatchObject({ language: 'qu', disabledAt: at(5) });
      await expect(repo().getUser(user.id)).resolves.toStrictEqual(changed);

      const cleared = await repo().updateUser(user.id, { language: null, disabledAt: null, updatedAt: at(6) });
      expect(cleared).toStrictEqual({ ...user, updatedAt: at(6) });
    });

    it('searches tickets by reference start, sector and the words the flow captured; every word must match', async () => {
      const owner = await seedOwner(repo());
      const leak = aTicket(owner, { reference: '4820176', sector: 'Barrio Alto', details: { description: 'Fuga grande frente al Mercado', size: 'flood' } });
      const outage = aTicket(owner, { reference: '5930012', sector: 'Centro', details: { since: 'ayer', where: 'jr. Lima 120' } });
      await repo().commit({ ticketsCreated: [leak, outage] });
      const ids = async (text: string) =>
        (await repo().listTickets({ localityIds: [owner.localityId], text, sort: 'created' })).items.map((t) => t.id).sort();

      expect(await ids('4820')).toEqual([leak.id]);
      expect(await ids('barrio')).toEqual([leak.id]);
      expect(await ids('MERCADO fuga')).toEqual([leak.id]);
      expect(await ids('lima')).toEqual([outage.id]);
      expect(await ids('mercado lima')).toEqual([]);
      expect(await ids('flood')).toEqual([leak.id]);
      expect(await ids('description')).toEqual([]);
      expect(await ids('100%')).toEqual([]);
      expect(await ids('')).toEqual([leak.id, outage.id].sort());
    });
  });
}
