/**
 * Oversight committees (comités de vigilancia, JASS boards, juntas vecinales): residents elected
 * to watch the water service of their town. Each member gets the weekly SMS summary in their
 * language. A member's phone is personal data like a resident's: never in logs or job payloads.
 * A member is also a resident (`residentId`) so that BAJA/STOP, WhatsApp windows and the local
 * outbox feed work for them exactly as for anyone.
 */
import type { Channel, Language } from './resident';

export const MEMBER_STATUSES = ['active', 'paused'] as const;
export type MemberStatus = (typeof MEMBER_STATUSES)[number];

export interface CommitteeMember {
  id: string;
  localityId: string;
  name: string;
  /** E.164. */
  phone: string;
  residentId: string;
  language: Language;
  channel: Channel;
  status: MemberStatus;
  createdAt: string;
  updatedAt: string;
}

/**
 * One locality-week's summary figures, computed once and stored: every member, every retry and
 * every worker reads the same numbers. `figures` is the JSON of `WeeklySummaryFigures`.
 */
export interface CommitteeSummary {
  id: string;
  localityId: string;
  /** ISO week, e.g. `2026-W48`. */
  weekKey: string;
  periodFrom: string;
  periodTo: string;
  figures: Record<string, unknown>;
  computedAt: string;
}
