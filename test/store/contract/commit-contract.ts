import { AlreadyProcessedError, NotFoundError, type Repository, type UnitOfWork } from '../../../src/store/repository';
import { aResident, aTicket, aTimelineEntry, anInbound, anOutbox, at, expectUniqueViolation, rejectionOf, seedOwner } from './store-fixtures';

export function commitContract(repo: () => Repository): void {
  describe('commit (unit of work)', () => {
    /** A conversation turn that opens a ticket: the shape intake processing commits. */
    async function aTurn(): Promise<{ unit: UnitOfWork; messageId: string; residentId: string }> {
      const owner = await seedOwner(repo());
      const message = anInbound({ residentId: owner.residentId });
      await repo().insertInboundMessage(message);
      const ticket = aTicket(owner);
      const unit: UnitOfWork = {
        inboundProcessed: { id: message.id, at: at(1), residentId: owner.residentId, localityId: owner.localityId },
        residentUpdates: [{ id: owner.residentId, patch: { gender: 'man', genderAskedAt: at(1), updatedAt: at(1) } }],
        ticketsCreated: [ticket],
        ticketUpdates: [{ id: ticket.id, patch: { needsOperator: true } }],
        timeline: [aTimelineEntry(ticket.id, { at: at(1) })],
        outbox: [
          anOutbox({ residentId: owner.residentId, ticketId: ticket.id, createdAt: at(1) }),
          anOutbox({ residentId: owner.residentId, ticketId: ticket.id, createdAt: at(1), body: 'Ref 1234567' }),
        ],
      };
      return { unit, messageId: message.id, residentId: owner.residentId };
    }

    async function expectNothingWritten(unit: UnitOfWork, messageId: string, residentId: string): Promise<void> {
      await expect(repo().getInboundMessage(messageId)).resolves.toMatchObject({ processedAt: null });
      await expect(repo().getResident(residentId)).resolves.toMatchObject({ gender: null });
      for (const ticket of unit.ticketsCreated ?? []) await expect(repo().getTicket(ticket.id)).resolves.toBeNull();
      for (const ticket of unit.ticketsCreated ?? []) await expect(repo().listTimeline(ticket.id)).resolves.toEqual([]);
      for (const message of unit.outbox ?? []) await expect(repo().getOutbox(message.id)).resolves.toBeNull();
      await expect(repo().listUnprocessedInboundFrom((await repo().getInboundMessage(messageId))!.fromPhone)).resolves.toHaveLength(1);
    }

    it('applies every part of a unit: processed mark, resident, ticket, timeline and outbox', async () => {
      const { unit, messageId, residentId } = await aTurn();
      await repo().commit(unit);
      await expect(repo().getInboundMessage(messageId)).resolves.toMatchObject({ processedAt: at(1), residentId });
      await expect(repo().getResident(residentId)).resolves.toMatchObject({ gender: 'man', genderAskedAt: at(1) });
      const ticket = unit.ticketsCreated![0]!;
      await expect(repo().getTicket(ticket.id)).resolves.toEqual({ ...ticket, needsOperator: true });
      await expect(repo().listTimeline(ticket.id)).resolves.toEqual(unit.timeline);
      await expect(repo().listOutboxByResident(residentId, { limit: 10 })).resolves.toEqual([...unit.outbox!].reverse());
    });

    it('a unit whose last write breaks a unique rule leaves nothing written', async () => {
      const { unit, messageId, residentId } = await aTurn();
      const existing = anOutbox();
      await repo().commit({ outbox: [existing] });
      const broken = { ...unit, outbox: [...unit.outbox!, anOutbox({ id: existing.id })] };
      await expectUniqueViolation(repo().commit(broken), 'id');
      await expectNothingWritten(unit, messageId, residentId);
      await repo().commit(unit);
      await expect(repo().getInboundMessage(messageId)).resolves.toMatchObject({ processedAt: at(1) });
    });

    it('a unit creating a ticket with a taken reference leaves nothing written', async () => {
      const { unit, messageId, residentId } = await aTurn();
      const taken = aTicket(await seedOwner(repo()));
      await repo().commit({ ticketsCreated: [taken] });
      const broken = { ...unit, ticketsCreated: [{ ...unit.ticketsCreated![0]!, reference: taken.reference }] };
      await expectUniqueViolation(repo().commit(broken), 'reference');
      await expectNothingWritten(unit, messageId, residentId);
    });

    it('a unit updating a ticket that does not exist fails with NotFoundError and leaves nothing written', async () => {
      const { unit, messageId, residentId } = await aTurn();
      const broken = { ...unit, ticketUpdates: [{ id: 'missing-ticket', patch: { status: 'closed' as const } }] };
      const err = await rejectionOf(repo().commit(broken));
      expect(err).toBeInstanceOf(NotFoundError);
      await expectNothingWritten(unit, messageId, residentId);
    });

    /** Another turn for the same message, as a second worker that lost the resident lock builds it. */
    function aSecondTurn(first: UnitOfWork): UnitOfWork {
      const mark = first.inboundProcessed!;
      const owner = { localityId: mark.localityId!, residentId: mark.residentId! };
      const ticket = aTicket(owner);
      return {
        inboundProcessed: { ...mark, at: at(2) },
        residentUpdates: [{ id: owner.residentId, patch: { gender: 'woman', updatedAt: at(2) } }],
        ticketsCreated: [ticket],
        timeline: [aTimelineEntry(ticket.id, { at: at(2) })],
        outbox: [anOutbox({ residentId: owner.residentId, ticketId: ticket.id, createdAt: at(2) })],
      };
    }

    async function expectOnlyApplied(winner: UnitOfWork, loser: UnitOfWork): Promise<void> {
      const { id: messageId, residentId } = winner.inboundProcessed!;
      await expect(repo().getInboundMessage(messageId)).resolves.toMatchObject({ processedAt: winner.inboundProcessed!.at });
      await expect(repo().getResident(residentId!)).resolves.toMatchObject({ gender: winner.residentUpdates![0]!.patch.gender });
      const { items } = await repo().listTickets({ residentId: residentId! });
      expect(items.map((t) => t.id)).toEqual([winner.ticketsCreated![0]!.id]);
      const lost = loser.ticketsCreated![0]!;
      await expect(repo().listTimeline(lost.id)).resolves.toEqual([]);
      for (const row of loser.outbox!) await expect(repo().getOutbox(row.id)).resolves.toBeNull();
      await expect(repo().listOutboxByResident(residentId!, { limit: 10 })).resolves.toHaveLength(winner.outbox!.length);
    }

    it('a second unit for an already processed message is refused with AlreadyProcessedError and writes nothing of it', async () => {
      const { unit, messageId, residentId } = await aTurn();
      await repo().commit(unit);
      const second = aSecondTurn(unit);

      const err = await rejectionOf(repo().commit(second));

      expect(err).toBeInstanceOf(AlreadyProcessedError);
      expect(err).toMatchObject({ code: 'already_processed', messageId });
      await expectOnlyApplied(unit, second);
      await expect(repo().getResident(residentId)).resolves.toMatchObject({ gender: 'man' });
    });

    it('of two units committed at once for the same message, exactly one is applied', async () => {
      const { unit } = await aTurn();
      const units = [unit, aSecondTurn(unit)];

      const results = await Promise.allSettled(units.map((u) => repo().commit(u)));

      const applied = results.findIndex((r) => r.status === 'fulfilled');
      const refused = results.findIndex((r) => r.status === 'rejected');
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect((results[refused] as PromiseRejectedResult).reason).toBeInstanceOf(AlreadyProcessedError);
      await expectOnlyApplied(units[applied]!, units[refused]!);
    });

    it('marking an unknown message processed fails with NotFoundError', async () => {
      const err = await rejectionOf(
        repo().commit({ inboundProcessed: { id: 'missing', at: at(1), residentId: null, localityId: null }, outbox: [anOutbox()] }),
      );
      expect(err).toBeInstanceOf(NotFoundError);
    });

    it('updating an unknown resident in a unit fails with NotFoundError', async () => {
      const resident = aResident();
      const err = await rejectionOf(repo().commit({ residentUpdates: [{ id: resident.id, patch: { optedOut: true } }] }));
      expect(err).toBeInstanceOf(NotFoundError);
    });

    it('an empty unit is accepted and changes nothing', async () => {
      await expect(repo().commit({})).resolves.toEqual({ incidentLinks: [] });
      await expect(repo().listLocalities()).resolves.toEqual([]);
    });
  });
}
