/**
 * Weekly committee summaries: computed once per locality-week and stored (the first writer's
 * numbers win), then one outbox row per active member whose id is derived from (summary, member,
 * attempt). Two workers, a retried job or a restart writing the same row break the store's
 * unique id and are refused, so a member never gets a second copy; a member whose last attempt
 * failed (not opted out) gets the next attempt, up to {@link MAX_SUMMARY_ATTEMPTS}.
 * Job payloads and logs carry ids only.
 */
import { derivedId } from '../alerts/derived-id';
import type { CommitteeMember, CommitteeSummary } from '../domain/committee';
import type { Locality } from '../domain/locality';
import type { OutboxMessage } from '../domain/message';
import type { Language } from '../domain/resident';
import type { Translator } from '../i18n/translator';
import { newOutboxMessage } from '../messaging/outbound/outbox-message-factory';
import type { SendDispatcher } from '../messaging/outbound/send-dispatcher';
import { InvalidPeriodError, isComplete, isoWeekContaining, isoWeekOfLocalDate, lastCompleteIsoWeek, type AlignedPeriod } from '../publication/aligned-period';
import type { PublicationFigures } from '../publication/publication-figures';
import type { Logger } from '../shared/logger';
import { UniqueViolationError, type Repository } from '../store/repository';
import { computeSummaryFigures, type WeeklySummaryFigures } from './summary-figures';
import { renderSummaryText, type SummaryText } from './summary-text';

export const SUMMARY_KIND = 'committee_summary';
export const MAX_SUMMARY_ATTEMPTS = 3;
const UNREACHED = ['failed', 'undelivered'];

export class FutureWeekError extends Error {
  readonly code = 'future_week';
  constructor(readonly week: string) {
    super(`week ${week} has not ended yet: only past weeks can be summarised (preview the week so far without --week)`);
    this.name = 'FutureWeekError';
  }
}

export interface SummaryServiceDeps {
  repo: Repository;
  figures: PublicationFigures;
  translator: Translator;
  dispatcher: SendDispatcher;
  now: () => string;
  newId: () => string;
  logger: Logger;
  /** `PUBLIC_BASE_URL`; the SMS shows it without the scheme. */
  publicBaseUrl?: string;
}

export interface MemberDelivery {
  memberId: string;
  name: string;
  status: OutboxMessage['status'] | 'not_sent';
  attempts: number;
  errorCode: string | null;
}

export function publicPageUrl(baseUrl: string | undefined, slug: string): string {
  const host = (baseUrl ?? '').replace(/^https?:\/\//, '').replace(/\/$/, '');
  return `${host}/transparencia/${slug}`;
}

export function createSummaryService(deps: SummaryServiceDeps) {
  const rowId = (summaryId: string, memberId: string, attempt: number) => derivedId(SUMMARY_KIND, summaryId, memberId, String(attempt));

  /** `--week 2026-11-23` (any day of it) or last week; a week not ended yet is refused. */
  function resolveWeek(locality: Locality, week?: string): AlignedPeriod {
    const now = deps.now();
    const period = week ? isoWeekOfLocalDate(week, locality.timeZone) : lastCompleteIsoWeek(now, locality.timeZone);
    if (!isComplete(period, now)) throw new FutureWeekError(week ?? period.key);
    return period;
  }

  /** The stored summary of a complete week, computing and storing it the first time. */
  async function summaryFor(locality: Locality, week: AlignedPeriod): Promise<CommitteeSummary> {
    const stored = await deps.repo.getCommitteeSummary(locality.id, week.key);
    if (stored) return stored;
    const figures = await computeSummaryFigures({ figures: deps.figures, locality, week, mode: 'week', now: deps.now() });
    const { summary } = await deps.repo.insertCommitteeSummaryIfAbsent({
      id: derivedId('summary', locality.id, week.key),
      localityId: locality.id,
      weekKey: week.key,
      periodFrom: week.from,
      periodTo: week.to,
      figures: figures as unknown as Record<string, unknown>,
      computedAt: deps.now(),
    });
    return summary;
  }

  function text(locality: Locality, figures: WeeklySummaryFigures, language: Language, channel: 'sms' | 'whatsapp' = 'sms'): SummaryText {
    return renderSummaryText({
      translator: deps.translator,
      language,
      channel,
      localityName: locality.name,
      figures,
      url: publicPageUrl(deps.publicBaseUrl, locality.slug),
    });
  }

  async function rowsOf(summaryId: string, memberId: string): Promise<OutboxMessage[]> {
    const rows: OutboxMessage[] = [];
    for (let attempt = 1; attempt <= MAX_SUMMARY_ATTEMPTS; attempt += 1) {
      const row = await deps.repo.getOutbox(rowId(summaryId, memberId, attempt));
      if (!row) break;
      rows.push(row);
    }
    return rows;
  }

  return {
    resolveWeek,
    summaryFor,
    text,

    /** The exact SMS of a week (stored or computed now, not stored) or of the week so far. */
    async preview(locality: Locality, options: { week?: string; language: Language; soFar?: boolean }): Promise<SummaryText & { week: string }> {
      if (options.soFar) {
        const current = isoWeekContaining(deps.now(), locality.timeZone);
        const figures = await computeSummaryFigures({ figures: deps.figures, locality, week: current, mode: 'so_far', now: deps.now() });
        return { ...text(locality, figures, options.language), week: current.key };
      }
      const week = resolveWeek(locality, options.week);
      const stored = await deps.repo.getCommitteeSummary(locality.id, week.key);
      const figures = stored
        ? (stored.figures as unknown as WeeklySummaryFigures)
        : await computeSummaryFigures({ figures: deps.figures, locality, week, mode: 'week', now: deps.now() });
      return { ...text(locality, figures, options.language), week: week.key };
    },

    /**
     * Sends a complete week's summary to every active member that has not got it; safe to run
     * any number of times, by any number of workers.
     */
    /** `queued`: rows written now; `skipped`: members already reached, waiting to be sent, or given up on. */
    async send(locality: Locality, week: AlignedPeriod): Promise<{ summary: CommitteeSummary; queued: number; skipped: number }> {
      const summary = await summaryFor(locality, week);
      const figures = summary.figures as unknown as WeeklySummaryFigures;
      const members = await deps.repo.listCommitteeMembers({ localityId: locality.id, status: 'active' });
      const queuedIds: string[] = [];
      let written = 0;
      let skipped = 0;
      for (const member of members) {
        const rows = await rowsOf(summary.id, member.id);
        const last = rows[rows.length - 1];
        const retry = last && UNREACHED.includes(last.status) && last.errorCode !== 'opted_out' && rows.length < MAX_SUMMARY_ATTEMPTS;
        if (last && !retry) {
          // Already queued, sent or delivered — or given up on. A queued row is re-enqueued (no-op if its job exists).
          if (last.status === 'queued') queuedIds.push(last.id);
          skipped += 1;
          continue;
        }
        const row = rowFor(member, locality, summary, figures, rows.length + 1);
        try {
          await deps.repo.commit({ outbox: [row] });
          queuedIds.push(row.id);
          written += 1;
        } catch (error) {
          if (!(error instanceof UniqueViolationError)) throw error;
          skipped += 1; // another worker wrote this very attempt first
        }
      }
      await deps.dispatcher.enqueue(queuedIds);
      deps.logger.info({ localityId: locality.id, week: week.key, queued: written, skipped }, 'committee summary sent');
      return { summary, queued: written, skipped };
    },

    /** Each member's delivery of a week's summary: what admins see in the console and API. */
    async deliveries(locality: Locality, weekKey: string): Promise<MemberDelivery[]> {
      const summary = await deps.repo.getCommitteeSummary(locality.id, weekKey);
      const members = await deps.repo.listCommitteeMembers({ localityId: locality.id });
      return Promise.all(
        members.map(async (member) => {
          const rows = summary ? await rowsOf(summary.id, member.id) : [];
          const last = rows[rows.length - 1];
          return { memberId: member.id, name: member.name, status: last?.status ?? 'not_sent', attempts: rows.length, errorCode: last?.errorCode ?? null };
        }),
      );
    },
  };

  function rowFor(member: CommitteeMember, locality: Locality, summary: CommitteeSummary, figures: WeeklySummaryFigures, attempt: number): OutboxMessage {
    return newOutboxMessage({
      id: rowId(summary.id, member.id, attempt),
      now: deps.now(),
      channel: member.channel,
      toPhone: member.phone,
      fromPhone: locality.phoneNumbers[0] ?? null,
      text: text(locality, figures, member.language, member.channel).text,
      kind: SUMMARY_KIND,
      residentId: member.residentId,
    });
  }
}

export type SummaryService = ReturnType<typeof createSummaryService>;
export { InvalidPeriodError };
