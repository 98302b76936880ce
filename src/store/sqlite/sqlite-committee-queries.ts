/**
 * Committee members and stored weekly summaries in SQLite. A summary is inserted with
 * `ON CONFLICT DO NOTHING` on (locality, week): the first writer's numbers are the week's numbers.
 */
import type { CommitteeMember, CommitteeSummary, MemberStatus } from '../../domain/committee';
import { NotFoundError, UniqueViolationError } from '../repository';
import type { SqliteAccess } from './sqlite-access';
import { COMMITTEE_MEMBERS, COMMITTEE_SUMMARIES, insertSql, toRow } from './sqlite-tables';

const MEMBER_IMMUTABLE = ['id', 'localityId', 'phone', 'residentId', 'createdAt'];

export function createCommitteeMember(a: SqliteAccess, member: CommitteeMember): CommitteeMember {
  if (a.statement('SELECT 1 FROM committee_members WHERE locality_id = ? AND phone = ?').get(member.localityId, member.phone)) {
    throw new UniqueViolationError('phone');
  }
  a.insert(COMMITTEE_MEMBERS, member);
  return a.one(COMMITTEE_MEMBERS, 'id = ?', member.id) as CommitteeMember;
}

export function getCommitteeMember(a: SqliteAccess, id: string): CommitteeMember | null {
  return a.one(COMMITTEE_MEMBERS, 'id = ?', id);
}

export function listCommitteeMembers(a: SqliteAccess, filter: { localityId?: string; status?: MemberStatus }): CommitteeMember[] {
  const clauses: string[] = [];
  const params: unknown[] = [];
  if (filter.localityId !== undefined) {
    clauses.push('locality_id = ?');
    params.push(filter.localityId);
  }
  if (filter.status !== undefined) {
    clauses.push('status = ?');
    params.push(filter.status);
  }
  const where = clauses.length > 0 ? `WHERE ${clauses.join(' AND ')} ` : '';
  return a.many(COMMITTEE_MEMBERS, `${where}ORDER BY created_at, id`, ...params);
}

export function findCommitteeMembersByResident(a: SqliteAccess, residentId: string): CommitteeMember[] {
  return a.many(COMMITTEE_MEMBERS, 'WHERE resident_id = ? ORDER BY created_at, id', residentId);
}

export function updateCommitteeMember(a: SqliteAccess, id: string, patch: Partial<CommitteeMember>): CommitteeMember {
  return a.updateAndRead(COMMITTEE_MEMBERS, id, patch, MEMBER_IMMUTABLE);
}

export function deleteCommitteeMember(a: SqliteAccess, id: string): void {
  if (a.statement('DELETE FROM committee_members WHERE id = ?').run(id).changes === 0) throw new NotFoundError('committee member', id);
}

export function insertCommitteeSummaryIfAbsent(a: SqliteAccess, summary: CommitteeSummary): { inserted: boolean; summary: CommitteeSummary } {
  const sql = insertSql(COMMITTEE_SUMMARIES, ' ON CONFLICT DO NOTHING');
  const inserted = a.statement(sql).run(toRow(COMMITTEE_SUMMARIES, summary)).changes === 1;
  return { inserted, summary: getCommitteeSummary(a, summary.localityId, summary.weekKey)! };
}

export function getCommitteeSummary(a: SqliteAccess, localityId: string, weekKey: string): CommitteeSummary | null {
  return a.one(COMMITTEE_SUMMARIES, 'locality_id = ? AND week_key = ?', localityId, weekKey);
}

export function latestCommitteeSummary(a: SqliteAccess, localityId: string): CommitteeSummary | null {
  return a.one(COMMITTEE_SUMMARIES, 'locality_id = ? ORDER BY period_from DESC', localityId);
}
