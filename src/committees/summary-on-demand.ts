/**
 * RESUMEN / SUMMARY / WILLAKUY (Quechua draft, to be reviewed with the other Quechua words):
 * a committee member gets the latest stored weekly summary, or the week so far when none is
 * stored yet; any other resident gets the public version of the same numbers (the same text:
 * it carries no personal data and obeys the publication rule), at most once a day — a second
 * request that day gets a short "already sent today". The message is marked processed and
 * answered in one commit, like an operator command, and never enters the resident flow.
 */
import type { Locality } from '../domain/locality';
import type { InboundMessage } from '../domain/message';
import type { Resident } from '../domain/resident';
import type Redis from 'ioredis';
import type { Translator } from '../i18n/translator';
import { newOutboxMessage } from '../messaging/outbound/outbox-message-factory';
import type { SendDispatcher } from '../messaging/outbound/send-dispatcher';
import type { Repository } from '../store/repository';
import type { SummaryService } from './summary-service';
import type { WeeklySummaryFigures } from './summary-figures';

export const SUMMARY_KEYWORDS = ['resumen', 'summary', 'willakuy'] as const;
export const ON_DEMAND_KIND = 'committee_summary_on_demand';
const PUBLIC_LIMIT_SECONDS = 24 * 3600;

/** Whole message only, accents, case and punctuation ignored. */
export function isSummaryKeyword(body: string): boolean {
  const word = body
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z]/g, '');
  return (SUMMARY_KEYWORDS as readonly string[]).includes(word);
}

export interface SummaryOnDemandDeps {
  repo: Pick<Repository, 'findCommitteeMembersByResident' | 'latestCommitteeSummary' | 'commit'>;
  summaries: SummaryService;
  translator: Translator;
  dispatcher: Pick<SendDispatcher, 'enqueue'>;
  redis: Pick<Redis, 'set'>;
  prefix: string;
  newId: () => string;
}

export function createSummaryOnDemand(deps: SummaryOnDemandDeps) {
  return {
    /** Null when the message is not the keyword (or the resident opted out): the flow runs as usual. */
    async handle(message: InboundMessage, resident: Resident, locality: Locality, at: Date): Promise<{ outboxIds: string[] } | null> {
      if (resident.optedOut || !isSummaryKeyword(message.body)) return null;
      const isMember = (await deps.repo.findCommitteeMembersByResident(resident.id)).some((m) => m.localityId === locality.id && m.status === 'active');
      let text: string;
      if (!isMember && !(await firstToday(resident.id, locality.id))) {
        text = deps.translator.render('committee_summary.public_limit', resident.language);
      } else {
        const stored = await deps.repo.latestCommitteeSummary(locality.id);
        const weekIsCurrent = stored && stored.periodTo > new Date(at.getTime() - 7 * 24 * 3600_000).toISOString();
        text =
          stored && weekIsCurrent
            ? deps.summaries.text(locality, stored.figures as unknown as WeeklySummaryFigures, resident.language, message.channel).text
            : (await deps.summaries.preview(locality, { language: resident.language, soFar: true })).text;
      }
      const row = newOutboxMessage({
        id: deps.newId(),
        now: at.toISOString(),
        channel: message.channel,
        toPhone: resident.phone,
        fromPhone: message.toPhone,
        text,
        kind: ON_DEMAND_KIND,
        residentId: resident.id,
      });
      await deps.repo.commit({
        inboundProcessed: { id: message.id, at: at.toISOString(), residentId: resident.id, localityId: locality.id },
        residentUpdates: [{ id: resident.id, patch: { lastInboundAt: message.receivedAt, updatedAt: at.toISOString(), ...(message.channel === 'whatsapp' ? { lastWhatsappInboundAt: message.receivedAt } : {}) } }],
        outbox: [row],
      });
      await deps.dispatcher.enqueue([row.id]);
      return { outboxIds: [row.id] };
    },
  };

  async function firstToday(residentId: string, localityId: string): Promise<boolean> {
    const key = `${deps.prefix}:summary-on-demand:${localityId}:${residentId}`;
    return (await deps.redis.set(key, '1', 'EX', PUBLIC_LIMIT_SECONDS, 'NX')) === 'OK';
  }
}

export type SummaryOnDemand = ReturnType<typeof createSummaryOnDemand>;
