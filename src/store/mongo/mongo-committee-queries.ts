/**
 * Committee members and stored weekly summaries in MongoDB, matching the SQLite adapter: a unique
 * index on (locality, phone) for members, on (locality, week) for summaries; the summary insert
 * is an upsert with `$setOnInsert`, so the first writer's numbers are the week's numbers.
 */
import type { CommitteeMember, CommitteeSummary, MemberStatus } from '../../domain/committee';
import { NotFoundError, UniqueViolationError } from '../repository';
import { definedPatch } from '../store-patch';
import { create, updateAndRead } from './mongo-access';
import { many, one, toDoc, type StoreModels } from './mongo-models';

const MEMBER_IMMUTABLE = ['id', 'localityId', 'phone', 'residentId', 'createdAt'];

export async function createCommitteeMember(m: StoreModels, member: CommitteeMember): Promise<CommitteeMember> {
  if (await m.CommitteeMember.exists({ localityId: member.localityId, phone: member.phone })) throw new UniqueViolationError('phone');
  try {
    return await create<CommitteeMember>(m.CommitteeMember, toDoc(member));
  } catch (error) {
    if ((error as { code?: unknown }).code === 11000) throw new UniqueViolationError('phone');
    throw error;
  }
}

export function getCommitteeMember(m: StoreModels, id: string): Promise<CommitteeMember | null> {
  return one<CommitteeMember>(m.CommitteeMember.findById(id));
}

export function listCommitteeMembers(m: StoreModels, filter: { localityId?: string; status?: MemberStatus }): Promise<CommitteeMember[]> {
  const query: Record<string, unknown> = {};
  if (filter.localityId !== undefined) query.localityId = filter.localityId;
  if (filter.status !== undefined) query.status = filter.status;
  return many<CommitteeMember>(m.CommitteeMember.find(query).sort({ createdAt: 1, _id: 1 }));
}

export function findCommitteeMembersByResident(m: StoreModels, residentId: string): Promise<CommitteeMember[]> {
  return many<CommitteeMember>(m.CommitteeMember.find({ residentId }).sort({ createdAt: 1, _id: 1 }));
}

export function updateCommitteeMember(m: StoreModels, id: string, patch: Partial<CommitteeMember>): Promise<CommitteeMember> {
  return updateAndRead<CommitteeMember>(m.CommitteeMember, 'committee member', id, definedPatch(patch, MEMBER_IMMUTABLE));
}

export async function deleteCommitteeMember(m: StoreModels, id: string): Promise<void> {
  const result = await m.CommitteeMember.deleteOne({ _id: id });
  if (result.deletedCount === 0) throw new NotFoundError('committee member', id);
}

export async function insertCommitteeSummaryIfAbsent(
  m: StoreModels,
  summary: CommitteeSummary,
): Promise<{ inserted: boolean; summary: CommitteeSummary }> {
  const { _id, ...rest } = toDoc(summary);
  try {
    const result = await m.CommitteeSummary.updateOne(
      { localityId: summary.localityId, weekKey: summary.weekKey },
      { $setOnInsert: { _id, ...rest } },
      { upsert: true },
    );
    const stored = (await getCommitteeSummary(m, summary.localityId, summary.weekKey))!;
    return { inserted: result.upsertedCount === 1, summary: stored };
  } catch (error) {
    // Two upserts racing on the unique index: the loser reads the winner's row.
    if ((error as { code?: unknown }).code !== 11000) throw error;
    return { inserted: false, summary: (await getCommitteeSummary(m, summary.localityId, summary.weekKey))! };
  }
}

export function getCommitteeSummary(m: StoreModels, localityId: string, weekKey: string): Promise<CommitteeSummary | null> {
  return one<CommitteeSummary>(m.CommitteeSummary.findOne({ localityId, weekKey }));
}

export function latestCommitteeSummary(m: StoreModels, localityId: string): Promise<CommitteeSummary | null> {
  return one<CommitteeSummary>(m.CommitteeSummary.findOne({ localityId }).sort({ periodFrom: -1 }));
}
