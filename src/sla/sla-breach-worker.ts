/**
 * What happens when an SLA job fires: the ticket is read again from the store (the job only
 * carries ids), and if a deadline was missed and no breach is recorded yet, ONE unit of work
 * marks `slaBreachedAt`, adds the `sla_breached` timeline entry and queues the alert SMS to the
 * locality's supervisors. Then the next pending deadline, if any, is scheduled.
 *
 * "Once" holds even when the job runs twice, a rebuilt job fires too, or two workers race: the
 * timeline entry and the alert rows have ids derived from the ticket, so a second commit breaks
 * the store's unique rule and is refused whole. No Redis key is needed for it.
 *
 * The job fires at its deadline, so the ticket is judged at `max(now, dueAt)`: a clock a few
 * milliseconds behind Redis's cannot make a due deadline look pending and drop it.
 */
import { Worker, type ConnectionOptions } from 'bullmq';
import { DateTime } from 'luxon';
import { supervisorRecipients } from '../alerts/alert-recipients';
import { derivedId } from '../alerts/derived-id';
import { staffAlertRows } from '../alerts/staff-alert-rows';
import type { Locality } from '../domain/locality';
import type { Language } from '../domain/resident';
import type { Ticket, TimelineEntry } from '../domain/ticket';
import type { Translator } from '../i18n/translator';
import type { SendDispatcher } from '../messaging/outbound/send-dispatcher';
import { categoryPhrase, sectorLabel } from '../operators/ticket-labels';
import { QUEUE_NAMES } from '../queues/queues';
import type { Logger } from '../shared/logger';
import { UniqueViolationError, type Repository } from '../store/repository';
import { newSlaBreach } from './sla-deadlines';
import type { SlaDeadlineKind, SlaJob, SlaScheduler } from './sla-scheduler';

export const SLA_ALERT_KIND = 'sla_alert';

export interface SlaBreachCheckerDeps {
  repo: Pick<Repository, 'getTicket' | 'getLocality' | 'listUsers' | 'commit'>;
  translator: Pick<Translator, 'render'>;
  dispatcher: Pick<SendDispatcher, 'enqueue'>;
  scheduler: Pick<SlaScheduler, 'schedule'>;
  now: () => string;
  logger: Logger;
  /** Language of staff alerts for users who chose none; default Spanish. */
  staffLanguage?: Language;
  /** Called once per recorded breach (e.g. `metrics.slaBreaches.inc({ category })`). */
  onBreach?: (ticket: Ticket) => void;
}

export type SlaCheckOutcome =
  | { outcome: 'breached'; breachedAt: string; outboxIds: string[] }
  | { outcome: 'already_recorded' }
  | { outcome: 'not_breached'; next: string | null }
  | { outcome: 'ticket_missing' };

export interface SlaBreachChecker {
  check(job: SlaJob): Promise<SlaCheckOutcome>;
}

export function createSlaBreachChecker(deps: SlaBreachCheckerDeps): SlaBreachChecker {
  const language = deps.staffLanguage ?? 'es';

  async function record(ticket: Ticket, breachedAt: string, at: string): Promise<string[]> {
    const kind: SlaDeadlineKind =
      ticket.firstResponseDueAt && Date.parse(ticket.firstResponseDueAt) === Date.parse(breachedAt) ? 'first_response' : 'resolution';
    const locality = await deps.repo.getLocality(ticket.localityId);
    const recipients = await supervisorRecipients(deps.repo, ticket.localityId);
    const entry: TimelineEntry = {
      id: derivedId('sla_breached', ticket.id),
      ticketId: ticket.id,
      at,
      type: 'sla_breached',
      actor: 'system',
      text: null,
      isPublic: false,
      data: { kind, dueAt: breachedAt, supervisorsAlerted: recipients.map((r) => r.id) },
    };
    const rows = staffAlertRows({
      recipients,
      text: (recipient) => breachText(deps.translator, ticket, locality, kind, breachedAt, recipient.language ?? language),
      ticketId: ticket.id,
      locality,
      now: at,
      idFor: (recipient) => derivedId('sla_breach_alert', ticket.id, recipient.id),
      kind: SLA_ALERT_KIND,
    });
    await deps.repo.commit({
      ticketUpdates: [{ id: ticket.id, patch: { slaBreachedAt: breachedAt } }],
      timeline: [entry],
      outbox: rows,
    });
    return rows.map((row) => row.id);
  }

  return {
    async check(job) {
      const ticket = await deps.repo.getTicket(job.ticketId);
      if (!ticket) return { outcome: 'ticket_missing' };
      if (ticket.slaBreachedAt) return { outcome: 'already_recorded' };
      const now = deps.now();
      const judgedAt = Date.parse(now) >= Date.parse(job.dueAt) ? now : job.dueAt;
      const breachedAt = newSlaBreach(ticket, judgedAt);
      if (!breachedAt) {
        const next = await deps.scheduler.schedule(ticket);
        return { outcome: 'not_breached', next: next?.dueAt ?? null };
      }
      let outboxIds: string[];
      try {
        outboxIds = await record(ticket, breachedAt, now);
      } catch (error) {
        if (error instanceof UniqueViolationError) return { outcome: 'already_recorded' };
        throw error;
      }
      deps.logger.warn({ ticketId: ticket.id, localityId: ticket.localityId, breachedAt, supervisors: outboxIds.length }, 'SLA breached');
      deps.onBreach?.(ticket);
      await deps.dispatcher.enqueue(outboxIds);
      return { outcome: 'breached', breachedAt, outboxIds };
    },
  };
}

/** The missed deadline as the town's clock showed it: `14:30` and `28/07`. */
function breachText(
  t: Pick<Translator, 'render'>,
  ticket: Ticket,
  locality: Pick<Locality, 'timeZone'> | null,
  kind: SlaDeadlineKind,
  dueAt: string,
  language: Language,
): string {
  const local = DateTime.fromISO(dueAt, { zone: 'utc' }).setZone(locality?.timeZone ?? 'America/Lima');
  return t.render('sla.breached', language, {
    reference: ticket.reference,
    category: categoryPhrase(t, ticket.category, language),
    sector: sectorLabel(t, ticket.sector, language),
    kind,
    time: local.toFormat('HH:mm'),
    date: local.toFormat('dd/MM'),
  });
}

export interface SlaBreachWorkerOptions {
  /** A BullMQ connection (`maxRetriesPerRequest: null`). */
  connection: ConnectionOptions;
  prefix: string;
  checker: SlaBreachChecker;
  logger: Logger;
  concurrency?: number;
  autorun?: boolean;
}

/** The BullMQ worker on the `sla` queue; a failing check is retried with backoff. */
export function createSlaBreachWorker(options: SlaBreachWorkerOptions): Worker<SlaJob> {
  const worker = new Worker<SlaJob>(QUEUE_NAMES.sla, async (job) => options.checker.check(job.data), {
    connection: options.connection,
    prefix: options.prefix,
    concurrency: options.concurrency ?? 2,
    autorun: options.autorun ?? true,
  });
  worker.on('failed', (job, error) => {
    options.logger.warn({ jobId: job?.id, ticketId: job?.data.ticketId, err: { name: error.name, message: error.message } }, 'SLA job failed');
  });
  worker.on('error', (error) => {
    options.logger.error({ err: { name: error.name, message: error.message } }, 'SLA worker error');
  });
  return worker;
}
