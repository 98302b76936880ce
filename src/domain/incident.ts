/**
 * Incidents, broadcasts and planned-cut notices (issue 9).
 *
 * An incident groups the tickets of many residents about one event (a broken main in Barrio
 * Alto). It never replaces the tickets: every resident keeps their own ticket, reference and
 * SLA clock, and the statistics keep counting each ticket. An incident only gives the operator
 * one thing to answer and lets one update reach every linked resident.
 */
import type { Category, GeoPoint } from './ticket';

export const INCIDENT_STATUSES = ['open', 'resolved', 'merged'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

export interface Incident {
  id: string;
  localityId: string;
  category: Category;
  status: IncidentStatus;
  /** Sectors of its tickets (display and notices); empty for a pin-only incident. */
  sectors: string[];
  /** The first WhatsApp pin of a pin-linked incident: later pins within the distance join it. */
  location: GeoPoint | null;
  /**
   * Set while the incident collects new reports automatically: `<locality>|<category>|s:<sector>`
   * or `…|p:<incident id>`. Unique among incidents, so two concurrent first reports of the same
   * sector cannot open two incidents. Cleared when it is resolved, merged, or its window lapsed.
   */
  linkKey: string | null;
  title: string | null;
  /** `system` (automatic linking) or the operator's user id. */
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  /** The newest linked report: a report joins only within the link window after it. */
  lastReportAt: string;
  resolvedAt: string | null;
  resolutionNote: string | null;
  mergedIntoId: string | null;
  /** When supervisors were told that water-truck supply is due (SUNASS: 18 h). */
  truckAlertedAt: string | null;
}

/** An incident with the numbers the console and the API show. */
export interface IncidentSummary extends Incident {
  ticketCount: number;
  openTicketCount: number;
  residentCount: number;
}

export const BROADCAST_KINDS = ['incident_update', 'incident_resolved', 'notice'] as const;
export type BroadcastKind = (typeof BROADCAST_KINDS)[number];

export const BROADCAST_STATUSES = ['pending', 'sending', 'done'] as const;
export type BroadcastStatus = (typeof BROADCAST_STATUSES)[number];

/**
 * One message to many residents. Its outbox rows carry its id and have ids derived from
 * (broadcast, resident), so running it twice never stores a second copy for anyone.
 */
export interface Broadcast {
  id: string;
  localityId: string;
  kind: BroadcastKind;
  incidentId: string | null;
  noticeId: string | null;
  /** The operator's text (the residents get it inside a localized frame). */
  text: string;
  createdBy: string;
  createdAt: string;
  status: BroadcastStatus;
  /** Rows written so far (null until the first run finished). */
  recipientCount: number | null;
  completedAt: string | null;
}

export const NOTICE_KINDS = ['planned_cut', 'water_truck'] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

/** A planned interruption (aviso de corte) or a water-truck schedule for some sectors and a window. */
export interface Notice {
  id: string;
  localityId: string;
  kind: NoticeKind;
  sectors: string[];
  startsAt: string;
  endsAt: string;
  text: string;
  createdBy: string;
  createdAt: string;
  cancelledAt: string | null;
  broadcastId: string | null;
}

/** A resident's AVISOS choice: notices for one sector, or stopped (`sector` null, `active` false). */
export interface NoticeSubscription {
  residentId: string;
  localityId: string;
  sector: string | null;
  active: boolean;
  updatedAt: string;
}
