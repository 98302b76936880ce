/**
 * SLA deadlines for real tickets: the pure SLA module fed with each locality's policy and
 * business calendar. Calendars are built once per locality (and again if its time zone changes),
 * because date-holidays is slow to build and a town's calendar rarely changes.
 *
 * @example
 *   const sla = createSlaDeadlines({ repo });               // DEFAULT_SLA_CONFIG
 *   createConversationProcessor({ …, computeDeadlines: sla.computeDeadlines });
 *   sla.deadlinesFor(ticket, locality) // { firstResponseDueAt: '…', resolutionDueAt: '…' }
 */
import type { Locality } from '../domain/locality';
import type { Ticket } from '../domain/ticket';
import type { Repository } from '../store/repository';
import { createBusinessCalendar, type BusinessCalendar } from './business-calendar';
import { computeDeadlines, deadlinesAfterReopen, type SlaDeadlines } from './sla-deadlines';
import { calendarOptionsForLocality, DEFAULT_SLA_CONFIG, policyForLocality, type SlaPolicyConfig } from './sla-policy';

type DeadlineTicket = Pick<Ticket, 'category' | 'priority' | 'createdAt' | 'localityId'>;

export interface SlaDeadlineService {
  /** The locality's business calendar (cached). */
  calendarFor(locality: Pick<Locality, 'id' | 'timeZone'>): BusinessCalendar;
  /** Both deadlines of a new ticket, counted from its creation in the locality's calendar. */
  deadlinesFor(ticket: DeadlineTicket, locality: Pick<Locality, 'id' | 'timeZone'>): SlaDeadlines;
  /**
   * The conversation processor's `computeDeadlines` hook: loads the ticket's locality; a
   * ticket whose locality is gone gets no deadlines rather than failing the resident's turn.
   */
  computeDeadlines(ticket: DeadlineTicket): Promise<SlaDeadlines>;
  /** The new resolution deadline of a ticket reopened at `reopenedAt` (null: no SLA). */
  resolutionAfterReopen(ticket: DeadlineTicket, reopenedAt: string): Promise<string | null>;
}

export function createSlaDeadlines(deps: {
  repo: Pick<Repository, 'getLocality'>;
  /** Validated policy (`parseSlaPolicyConfig`); default: issue 3's and SUNASS's targets. */
  config?: SlaPolicyConfig;
}): SlaDeadlineService {
  const config = deps.config ?? DEFAULT_SLA_CONFIG;
  const calendars = new Map<string, { timeZone: string; calendar: BusinessCalendar }>();

  function calendarFor(locality: Pick<Locality, 'id' | 'timeZone'>): BusinessCalendar {
    const cached = calendars.get(locality.id);
    if (cached && cached.timeZone === locality.timeZone) return cached.calendar;
    const calendar = createBusinessCalendar(calendarOptionsForLocality(config, locality));
    calendars.set(locality.id, { timeZone: locality.timeZone, calendar });
    return calendar;
  }

  function deadlinesFor(ticket: DeadlineTicket, locality: Pick<Locality, 'id' | 'timeZone'>): SlaDeadlines {
    return computeDeadlines({ ticket, policy: policyForLocality(config, locality.id), calendar: calendarFor(locality) });
  }

  return {
    calendarFor,
    deadlinesFor,
    async computeDeadlines(ticket) {
      const locality = await deps.repo.getLocality(ticket.localityId);
      if (!locality) return { firstResponseDueAt: null, resolutionDueAt: null };
      return deadlinesFor(ticket, locality);
    },
    async resolutionAfterReopen(ticket, reopenedAt) {
      const locality = await deps.repo.getLocality(ticket.localityId);
      if (!locality) return null;
      return deadlinesAfterReopen({
        ticket,
        reopenedAt,
        policy: policyForLocality(config, locality.id),
        calendar: calendarFor(locality),
      }).resolutionDueAt;
    },
  };
}
