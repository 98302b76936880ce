/**
 * The committee part of the storage port (members and stored weekly summaries), kept apart from
 * `repository.ts` so the port stays readable; `Repository` extends it.
 */
import type { CommitteeMember, CommitteeSummary, MemberStatus } from '../domain/committee';

export interface CommitteeStore {
  /** UniqueViolationError('phone') when the locality already has a member with this phone. */
  createCommitteeMember(member: CommitteeMember): Promise<CommitteeMember>;
  getCommitteeMember(id: string): Promise<CommitteeMember | null>;
  /** Oldest first. */
  listCommitteeMembers(filter: { localityId?: string; status?: MemberStatus }): Promise<CommitteeMember[]>;
  /** Memberships of one phone (a person may sit on two towns' committees). */
  findCommitteeMembersByResident(residentId: string): Promise<CommitteeMember[]>;
  updateCommitteeMember(id: string, patch: Partial<Pick<CommitteeMember, 'name' | 'language' | 'channel' | 'status' | 'updatedAt'>>): Promise<CommitteeMember>;
  /** NotFoundError for an unknown id. */
  deleteCommitteeMember(id: string): Promise<void>;
  /**
   * Stores the summary unless one exists for the same locality and week; returns the stored one
   * either way, so two workers computing the same week end up sending the same numbers.
   */
  insertCommitteeSummaryIfAbsent(summary: CommitteeSummary): Promise<{ inserted: boolean; summary: CommitteeSummary }>;
  getCommitteeSummary(localityId: string, weekKey: string): Promise<CommitteeSummary | null>;
  /** The most recent week stored for the locality. */
  latestCommitteeSummary(localityId: string): Promise<CommitteeSummary | null>;
}
