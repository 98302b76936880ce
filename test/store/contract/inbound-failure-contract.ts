import { AlreadyProcessedError, NotFoundError, type Repository } from '../../../src/store/repository';
import { aPhone, aTicket, aTimelineEntry, anInbound, anOutbox, at, expectUniqueViolation, rejectionOf, seedOwner } from './store-fixtures';

export function inboundFailureContract(repo: () => Repository): void {
  describe('inbound processing failures and dead letters', () => {
    it('a failed attempt is counted with its time and reason, and the message keeps its place in the queue', async () => {
      const fromPhone = aPhone();
      const first = anInbound({ fromPhone, receivedAt: at(1) });
      const second = anInbound({ fromPhone, receivedAt: at(2) });
      for (const m of [first, second]) await repo().insertInboundMessage(m);

      await expect(repo().recordInboundFailure(first.id, { at: at(5), reason: 'Error' })).resolves.toStrictEqual({
        ...first,
        processingFailures: 1,
        lastFailureAt: at(5),
        lastFailureReason: 'Error',
      });
      const again = await repo().recordInboundFailure(first.id, { at: at(6), reason: 'SqliteError:SQLITE_CONSTRAINT_CHECK' });

      expect(again).toMatchObject({ processingFailures: 2, lastFailureAt: at(6), lastFailureReason: 'SqliteError:SQLITE_CONSTRAINT_CHECK' });
      await expect(repo().getInboundMessage(first.id)).resolves.toStrictEqual(again);
      expect((await repo().listUnprocessedInboundFrom(fromPhone)).map((m) => m.id)).toEqual([first.id, second.id]);
      expect((await repo().listUnprocessedInbound({ receivedBefore: at(10), limit: 100 })).map((m) => m.id)).toContain(first.id);
    });

    it('failures recorded at the same time by several workers are each counted', async () => {
      const message = anInbound();
      await repo().insertInboundMessage(message);
      await Promise.all(Array.from({ length: 6 }, (_, i) => repo().recordInboundFailure(message.id, { at: at(i), reason: 'Error' })));
      await expect(repo().getInboundMessage(message.id)).resolves.toMatchObject({ processingFailures: 6 });
    });

    it('a processed message is not counted, and an unknown one is NotFoundError', async () => {
      const message = anInbound();
      await repo().insertInboundMessage(message);
      await repo().commit({ inboundProcessed: { id: message.id, at: at(1), residentId: null, localityId: null } });

      const after = await repo().recordInboundFailure(message.id, { at: at(2), reason: 'Error' });

      expect(after).toStrictEqual({ ...message, processedAt: at(1) });
      expect(await rejectionOf(repo().recordInboundFailure('missing', { at: at(2), reason: 'Error' }))).toBeInstanceOf(NotFoundError);
    });

    it("a dead-lettered message stays readable but leaves the resident's queue and the sweeper, and is no longer counted", async () => {
      const owner = await seedOwner(repo());
      const fromPhone = aPhone();
      const bad = anInbound({ fromPhone, receivedAt: at(1) });
      const later = anInbound({ fromPhone, receivedAt: at(2) });
      for (const m of [bad, later]) await repo().insertInboundMessage(m);
      await repo().recordInboundFailure(bad.id, { at: at(3), reason: 'Error' });

      await repo().commit({ inboundFailed: { id: bad.id, at: at(4), ...owner } });

      const stored = await repo().getInboundMessage(bad.id);
      expect(stored).toStrictEqual({ ...bad, ...owner, processingFailures: 1, lastFailureAt: at(3), lastFailureReason: 'Error', failedAt: at(4) });
      expect((await repo().listUnprocessedInboundFrom(fromPhone)).map((m) => m.id)).toEqual([later.id]);
      expect((await repo().listUnprocessedInbound({ receivedBefore: at(10), limit: 100 })).map((m) => m.id)).not.toContain(bad.id);
      expect((await repo().listInboundByResident(owner.residentId, { limit: 10 })).map((m) => m.id)).toEqual([bad.id]);
      await expect(repo().recordInboundFailure(bad.id, { at: at(5), reason: 'Error' })).resolves.toStrictEqual(stored);
    });

    it('a dead-lettered message cannot then be processed, nor a processed one dead-lettered; the refused unit writes nothing', async () => {
      const owner = await seedOwner(repo());
      const dead = anInbound();
      const done = anInbound();
      for (const m of [dead, done]) await repo().insertInboundMessage(m);
      await repo().commit({ inboundFailed: { id: dead.id, at: at(1), residentId: null, localityId: null } });
      await repo().commit({ inboundProcessed: { id: done.id, at: at(1), residentId: null, localityId: null } });
      const reply = anOutbox({ residentId: owner.residentId });
      const ticket = aTicket(owner);

      const processing = await rejectionOf(repo().commit({ inboundProcessed: { id: dead.id, at: at(2), ...owner }, outbox: [reply] }));
      const deadLettering = await rejectionOf(repo().commit({ inboundFailed: { id: done.id, at: at(2), ...owner }, ticketsCreated: [ticket] }));

      expect(processing).toBeInstanceOf(AlreadyProcessedError);
      expect(deadLettering).toBeInstanceOf(AlreadyProcessedError);
      await expect(repo().getOutbox(reply.id)).resolves.toBeNull();
      await expect(repo().getTicket(ticket.id)).resolves.toBeNull();
      await expect(repo().getInboundMessage(dead.id)).resolves.toMatchObject({ processedAt: null, failedAt: at(1), residentId: null });
      await expect(repo().getInboundMessage(done.id)).resolves.toStrictEqual({ ...done, processedAt: at(1) });
    });

    it('dead-lettering together with its operator ticket is atomic: a taken reference leaves the message pending', async () => {
      const owner = await seedOwner(repo());
      const message = anInbound();
      await repo().insertInboundMessage(message);
      const taken = aTicket(owner);
      await repo().commit({ ticketsCreated: [taken] });
      const ticket = aTicket(owner, { reference: taken.reference, needsOperator: true });

      await expectUniqueViolation(
        repo().commit({ inboundFailed: { id: message.id, at: at(1), ...owner }, ticketsCreated: [ticket], timeline: [aTimelineEntry(ticket.id)] }),
        'reference',
      );

      await expect(repo().getInboundMessage(message.id)).resolves.toStrictEqual(message);
      await expect(repo().getTicket(ticket.id)).resolves.toBeNull();
      expect(await repo().listUnprocessedInboundFrom(message.fromPhone)).toEqual([message]);
    });
  });
}
