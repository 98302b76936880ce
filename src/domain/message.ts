/**
 * Messages as they cross the edge: the raw inbound message stored before the webhook answers,
 * and the outbox row every outgoing message is sent from.
 */
import type { Channel } from './resident';
import type { GeoPoint } from './ticket';

export interface MediaItem {
  url: string;
  contentType: string | null;
}

export interface InboundMessage {
  id: string;
  /** Twilio's MessageSid: unique; a redelivery with the same sid has no second effect. */
  providerSid: string;
  channel: Channel;
  /** E.164 of the sender (the `whatsapp:` prefix removed; `channel` keeps it). */
  fromPhone: string;
  /** E.164 of the town's number that received it. */
  toPhone: string;
  body: string;
  media: MediaItem[];
  location: GeoPoint | null;
  receivedAt: string;
  /** Set in the same unit of work that applies the message's effects. */
  processedAt: string | null;
  residentId: string | null;
  localityId: string | null;
  /**
   * Failures of processing that were not an outage (a bug, a constraint the turn breaks), counted
   * durably so a message that can never succeed stops being retried. Absent until the first one.
   */
  processingFailures?: number;
  lastFailureAt?: string;
  /** The failing error's class and code, never its message (which may quote the resident). */
  lastFailureReason?: string;
  /**
   * Dead-lettered: given up on after too many such failures. No longer retried and no longer ahead
   * of the resident's later messages; an operator ticket carries its text when one could be opened.
   */
  failedAt?: string;
}

export const OUTBOX_STATUSES = [
  'queued',
  'sending',
  'sent',
  'delivered',
  'read',
  'undelivered',
  'failed',
] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

export interface OutboxMessage {
  id: string;
  residentId: string | null;
  /** Operator or committee recipients have no resident row. */
  userId: string | null;
  ticketId: string | null;
  channel: Channel;
  toPhone: string;
  /** The number to send from (the locality's Twilio number), if known. */
  fromPhone: string | null;
  /** Final text, already adapted to the channel (GSM-7 on SMS). */
  body: string;
  /** Why it was sent, e.g. `flow_reply`, `operator_reply`, `status_change`, `alert`. */
  kind: string;
  status: OutboxStatus;
  providerSid: string | null;
  attempts: number;
  errorCode: string | null;
  createdAt: string;
  updatedAt: string;
  /** The broadcast (incident update, planned-cut notice) this row is one copy of (issue 9). */
  broadcastId?: string;
}
