import { randomUUID } from 'node:crypto';
import type { CommitteeMember, CommitteeSummary } from '../../../src/domain/committee';
import { NotFoundError, type Repository } from '../../../src/store/repository';
import { aLocality, aPhone, aTicket, at, expectUniqueViolation, seedOwner } from './store-fixtures';

function aMember(owner: { localityId: string; residentId: string }, overrides: Partial<CommitteeMember> = {}): CommitteeMember {
  return {
    id: randomUUID(),
    localityId: owner.localityId,
    name: 'Juana Mamani',
    phone: aPhone(),
    residentId: owner.residentId,
    language: 'es',
    channel: 'sms',
    status: 'active',
    createdAt: at(0),
    updatedAt: at(0),
    ...overrides,
  };
}

export function figureQueriesContract(repo: () => Repository): void {
  describe('figure queries', () => {
    it('lists lean rows of the tickets created, or resolved, in a period of the given localities only', async () => {
      const owner = await seedOwner(repo());
      const other = await seedOwner(repo());
      const inside = aTicket(owner, { createdAt: at(10), reporterGender: 'man', residentRating: 4, resolvedAt: at(500), status: 'resolved' });
      await repo().commit({
        ticketsCreated: [
          inside,
          aTicket(owner, { createdAt: at(100) }),
          aTicket(owner, { createdAt: at(-5), resolvedAt: at(20), status: 'resolved' }),
          aTicket(other, { createdAt: at(10) }),
        ],
      });
      const created = await repo().listTicketFigureRows({ localityIds: [owner.localityId], by: 'created', from: at(0), to: at(100) });
      expect(created).toEqual([
        {
          localityId: owner.localityId,
          category: inside.category,
          reporterGender: 'man',
          status: 'resolved',
          createdAt: at(10),
          firstResponseAt: null,
          resolvedAt: at(500),
          firstResponseDueAt: null,
          resolutionDueAt: null,
          slaBreachedAt: null,
          residentRating: 4,
        },
      ]);
      const resolved = await repo().listTicketFigureRows({ localityIds: [owner.localityId], by: 'resolved', from: at(0), to: at(100) });
      expect(resolved.map((r) => r.createdAt)).toEqual([at(-5)]);
      await expect(repo().listTicketFigureRows({ localityIds: [], by: 'created', from: at(0), to: at(100) })).resolves.toEqual([]);
    });

    it('counts the open backlog now by status, and as it stood at an instant by times', async () => {
      const owner = await seedOwner(repo());
      await repo().commit({
        ticketsCreated: [
          aTicket(owner, { createdAt: at(10), status: 'open' }),
          aTicket(owner, { createdAt: at(20), status: 'in_progress' }),
          aTicket(owner, { createdAt: at(5), status: 'resolved', resolvedAt: at(50) }),
          aTicket(owner, { createdAt: at(1), status: 'closed', resolvedAt: at(2), closedAt: at(3) }),
        ],
      });
      await expect(repo().openBacklog({ localityIds: [owner.localityId] })).resolves.toEqual({ open: 2, oldestCreatedAt: at(10) });
      await expect(repo().openBacklog({ localityIds: [owner.localityId], at: at(30) })).resolves.toEqual({ open: 3, oldestCreatedAt: at(5) });
      await expect(repo().openBacklog({ localityIds: [] })).resolves.toEqual({ open: 0, oldestCreatedAt: null });
    });

    it('the backlog at an instant counts each ticket once, whichever way it was still open: never resolved, closed later, resolved later', async () => {
      const owner = await seedOwner(repo());
      const other = await seedOwner(repo());
      const t = (createdAt: number, resolvedAt: number | null, closedAt: number | null) =>
        aTicket(owner, {
          createdAt: at(createdAt),
          resolvedAt: resolvedAt === null ? null : at(resolvedAt),
          closedAt: closedAt === null ? null : at(closedAt),
          status: closedAt !== null ? 'closed' : resolvedAt !== null ? 'resolved' : 'open',
        });
      await repo().commit({
        ticketsCreated: [
          t(10, null, null), // still open: counted at 30
          t(12, null, 40), // closed unresolved after 30: counted at 30
          t(13, null, 25), // closed unresolved before 30
          t(8, 30, null), // resolved exactly at 30: counted (resolved "at or after")
          t(9, 29, null), // resolved before 30
          t(7, 35, 28), // closed before 30, resolved later (reopened): closed before, so not counted
          t(6, 35, 45), // resolved and closed after 30: counted once
          t(3, 32, 30), // resolved after 30, closed exactly at 30: counted
          t(30, null, null), // created exactly at 30: not yet
          t(31, null, null),
          aTicket(other, { createdAt: at(1), status: 'open' }),
        ],
      });
      const backlog = (localityIds: string[], minutes: number) => repo().openBacklog({ localityIds, at: at(minutes) });
      await expect(backlog([owner.localityId], 30)).resolves.toEqual({ open: 5, oldestCreatedAt: at(3) });
      await expect(backlog([owner.localityId, other.localityId], 30)).resolves.toEqual({ open: 6, oldestCreatedAt: at(1) });
      await expect(backlog([owner.localityId], 41)).resolves.toEqual({ open: 3, oldestCreatedAt: at(10) });
      await expect(backlog([owner.localityId], 5)).resolves.toEqual({ open: 1, oldestCreatedAt: at(3) });
      await expect(backlog([owner.localityId], 2)).resolves.toEqual({ open: 0, oldestCreatedAt: null });
    });
  });

  describe('committees', () => {
    it('a member reads back by id, by resident and in the locality list; the same phone twice in one locality is refused', async () => {
      const owner = await seedOwner(repo());
      const member = aMember(owner);
      await expect(repo().createCommitteeMember(member)).resolves.toEqual(member);
      await expect(repo().getCommitteeMember(member.id)).resolves.toEqual(member);
      await expect(repo().findCommitteeMembersByResident(owner.residentId)).resolves.toEqual([member]);
      await expectUniqueViolation(repo().createCommitteeMember(aMember(owner, { phone: member.phone })), 'phone');
      const elsewhere = await repo().createLocality(aLocality());
      await repo().createCommitteeMember(aMember({ localityId: elsewhere.id, residentId: owner.residentId }, { phone: member.phone }));
      expect((await repo().listCommitteeMembers({ localityId: owner.localityId })).map((m) => m.id)).toEqual([member.id]);
    });

    it('pausing changes only the status; paused members are left out of the active list; removing deletes', async () => {
      const owner = await seedOwner(repo());
      const a = await repo().createCommitteeMember(aMember(owner, { createdAt: at(1) }));
      const b = await repo().createCommitteeMember(aMember(owner, { createdAt: at(2) }));
      const paused = await repo().updateCommitteeMember(a.id, { status: 'paused', updatedAt: at(9) });
      expect(paused).toEqual({ ...a, status: 'paused', updatedAt: at(9) });
      expect((await repo().listCommitteeMembers({ localityId: owner.localityId, status: 'active' })).map((m) => m.id)).toEqual([b.id]);
      await repo().deleteCommitteeMember(b.id);
      await expect(repo().getCommitteeMember(b.id)).resolves.toBeNull();
      await expect(repo().deleteCommitteeMember(b.id)).rejects.toBeInstanceOf(NotFoundError);
      await expect(repo().updateCommitteeMember('missing', { status: 'paused' })).rejects.toBeInstanceOf(NotFoundError);
    });

    it('a summary is stored once per locality-week: a second insert keeps the first numbers', async () => {
      const locality = await repo().createLocality(aLocality());
      const first: CommitteeSummary = {
        id: randomUUID(),
        localityId: locality.id,
        weekKey: '2025-W27',
        periodFrom: '2025-06-30T05:00:00.000Z',
        periodTo: '2025-07-07T05:00:00.000Z',
        figures: { reports: 3, nested: { a: [1, 2] } },
        computedAt: at(0),
      };
      await expect(repo().insertCommitteeSummaryIfAbsent(first)).resolves.toEqual({ inserted: true, summary: first });
      const second = { ...first, id: randomUUID(), figures: { reports: 4 } };
      await expect(repo().insertCommitteeSummaryIfAbsent(second)).resolves.toEqual({ inserted: false, summary: first });
      const later = { ...first, id: randomUUID(), weekKey: '2025-W28', periodFrom: '2025-07-07T05:00:00.000Z', periodTo: '2025-07-14T05:00:00.000Z' };
      await repo().insertCommitteeSummaryIfAbsent(later);
      await expect(repo().getCommitteeSummary(locality.id, '2025-W27')).resolves.toEqual(first);
      await expect(repo().latestCommitteeSummary(locality.id)).resolves.toEqual(later);
      await expect(repo().getCommitteeSummary(locality.id, '2025-W01')).resolves.toBeNull();
    });

    it('publication settings of a locality are absent by default and read back once set', async () => {
      const locality = await repo().createLocality(aLocality());
      expect(locality.minCellSize).toBeUndefined();
      const updated = await repo().updateLocality(locality.id, { minCellSize: 10, summaryWeekday: 5, summaryHour: 18 });
      expect(updated).toEqual({ ...locality, minCellSize: 10, summaryWeekday: 5, summaryHour: 18 });
    });
  });
}
