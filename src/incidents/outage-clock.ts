/**
 * The outage clock (SUNASS): an outage incident still open `hours` after it began means
 * water-truck supply is due, and the locality's supervisors are told once by SMS.
 *
 * The clock is a BullMQ delayed job per incident (`truck-<incidentId>`, due at `createdAt +
 * hours`), added when an incident appears and rebuilt from the store at every start-up, since
 * Redis is not the truth. When it fires, ONE unit of work stamps `truckAlertedAt` and stores the
 * supervisors' rows with ids derived from (incident, supervisor): a second firing (a rebuild, two
 * workers) is refused by the store and alerts nobody twice.
 *
 * @example job payload: `{ "incidentId": "6b1f…" }`
 */
import type { Queue } from 'bullmq';
import { derivedId } from '../alerts/derived-id';
import { supervisorRecipients } from '../alerts/alert-recipients';
import { staffAlertRows } from '../alerts/staff-alert-rows';
import type { Incident } from '../domain/incident';
import type { Ticket } from '../domain/ticket';
import type { Language } from '../domain/resident';
import type { Translator } from '../i18n/translator';
import type { SendDispatcher } from '../messaging/outbound/send-dispatcher';
import type { Logger } from '../shared/logger';
import { UniqueViolationError, type Repository } from '../store/repository';
import { incidentPlace } from './incident-intake';

export const TRUCK_DUE_JOB = 'incident-truck-due';

export interface TruckDueJob {
  incidentId: string;
}

export interface OutageClockDeps {
  repo: Repository;
  queue: Queue;
  translator: Pick<Translator, 'render'>;
  dispatcher: Pick<SendDispatcher, 'enqueue'>;
  now: () => string;
  logger: Logger;
  /** INCIDENT_TRUCK_ALERT_HOURS (18 by SUNASS). */
  hours: number;
  staffLanguage?: Language;
}

export type TruckCheckOutcome =
  | { outcome: 'alerted'; outboxIds: string[] }
  | { outcome: 'not_due'; dueAt: string }
  | { outcome: 'skipped'; reason: 'missing' | 'not_open' | 'not_outage' | 'already_alerted' };

export interface OutageClock {
  /** Adds the delayed job (idempotent by job id); a no-op for incidents the clock does not watch. */
  schedule(incident: Pick<Incident, 'id' | 'category' | 'status' | 'createdAt' | 'truckAlertedAt'>): Promise<void>;
  /**
   * New tickets: the incident each one was linked to gets its job. A burst links hundreds of
   * reports to one incident; its job is added once a minute at most by this process, not once
   * per report (the job id keeps other processes idempotent, the start-up rebuild covers a loss).
   */
  ticketsOpened(tickets: readonly Pick<Ticket, 'id' | 'category'>[]): Promise<void>;
  /** Start-up: every open outage incident not yet alerted gets its job again. */
  rebuildFromStore(): Promise<{ scheduled: number }>;
  /** What the job does when it fires. */
  check(incidentId: string): Promise<TruckCheckOutcome>;
}

export function createOutageClock(deps: OutageClockDeps): OutageClock {
  const dueAt = (incident: Pick<Incident, 'createdAt'>) => new Date(Date.parse(incident.createdAt) + deps.hours * 3_600_000).toISOString();
  const watched = (incident: Pick<Incident, 'category' | 'status' | 'truckAlertedAt'>) =>
    incident.category === 'outage' && incident.status === 'open' && incident.truckAlertedAt === null;

  async function schedule(incident: Pick<Incident, 'id' | 'category' | 'status' | 'createdAt' | 'truckAlertedAt'>): Promise<void> {
    if (!watched(incident)) return;
    const delay = Math.max(0, Date.parse(dueAt(incident)) - Date.parse(deps.now()));
    const job: TruckDueJob = { incidentId: incident.id };
    await deps.queue.add(TRUCK_DUE_JOB, job, { jobId: `truck-${incident.id}`, delay, removeOnComplete: true, attempts: 5, backoff: { type: 'exponential', delay: 5_000 } });
  }

  /** Incident id → when this process may add its job again (ms since the epoch). */
  const recentlyScheduled = new Map<string, number>();
  const RESCHEDULE_AFTER_MS = 60_000;
  const MEMO_LIMIT = 1_000;

  return {
    schedule,

    async ticketsOpened(tickets) {
      for (const ticket of tickets) {
        // Only outage reports join the incidents this clock watches.
        if (ticket.category !== 'outage') continue;
        const stored = await deps.repo.getTicket(ticket.id);
        if (!stored?.incidentId) continue;
        const nowMs = Date.parse(deps.now());
        if ((recentlyScheduled.get(stored.incidentId) ?? 0) > nowMs) continue;
        const incident = await deps.repo.getIncident(stored.incidentId);
        if (!incident) continue;
        await schedule(incident);
        if (recentlyScheduled.size >= MEMO_LIMIT) recentlyScheduled.clear();
        recentlyScheduled.set(incident.id, nowMs + RESCHEDULE_AFTER_MS);
      }
    },

    async rebuildFromStore() {
      let scheduled = 0;
      for (const incident of await deps.repo.listIncidents({ statuses: ['open'], categories: ['outage'], limit: 10_000 })) {
        if (!watched(incident)) continue;
        await schedule(incident);
        scheduled += 1;
      }
      return { scheduled };
    },

    async check(incidentId) {
      const incident = await deps.repo.getIncident(incidentId);
      if (!incident) return { outcome: 'skipped', reason: 'missing' };
      if (incident.status !== 'open') return { outcome: 'skipped', reason: 'not_open' };
      if (incident.category !== 'outage') return { outcome: 'skipped', reason: 'not_outage' };
      if (incident.truckAlertedAt) return { outcome: 'skipped', reason: 'already_alerted' };
      const now = deps.now();
      if (now < dueAt(incident)) {
        await schedule(incident);
        return { outcome: 'not_due', dueAt: dueAt(incident) };
      }
      const [locality, recipients] = await Promise.all([deps.repo.getLocality(incident.localityId), supervisorRecipients(deps.repo, incident.localityId)]);
      const language = deps.staffLanguage ?? 'es';
      const text = deps.translator.render('incident_staff.truck_due', language, {
        place: incidentPlace(deps.translator, incident, language),
        hours: Math.floor((Date.parse(now) - Date.parse(incident.createdAt)) / 3_600_000),
        count: incident.residentCount,
      });
      const rows = staffAlertRows({
        recipients,
        text,
        ticketId: null,
        locality,
        now,
        idFor: (recipient) => derivedId('incident_truck_due', incident.id, recipient.id),
      });
      try {
        await deps.repo.commit({ incidentUpdates: [{ id: incident.id, patch: { truckAlertedAt: now, updatedAt: now } }], outbox: rows });
      } catch (error) {
        if (error instanceof UniqueViolationError) return { outcome: 'skipped', reason: 'already_alerted' };
        throw error;
      }
      const outboxIds = rows.map((row) => row.id);
      await deps.dispatcher.enqueue(outboxIds);
      deps.logger.warn({ incidentId, localityId: incident.localityId, supervisors: outboxIds.length }, 'outage open past the water-truck limit; supervisors alerted');
      return { outcome: 'alerted', outboxIds };
    },
  };
}
