/**
 * The order a message's status may move in. Twilio's status callbacks arrive out of order (a
 * late `sent` after `delivered` is common), so a status is only ever replaced by a later one:
 *
 *     queued → sending → sent → delivered → read
 *                          ↘ undelivered | failed
 *
 * - `undelivered`, `failed` and `read` are final: nothing replaces them.
 * - `undelivered`/`failed` may replace `queued`, `sending` or `sent`, never `delivered`: a
 *   carrier receipt saying the phone got the message outranks a later contradicting report.
 * - In our rows `sent` means "Twilio accepted it" (set by the sender worker with the MessageSid);
 *   Twilio's own `queued`/`accepted`/`sending` callbacks rank below it and change nothing.
 */
import type { OutboxStatus } from '../../domain/message';

const PROGRESS: readonly OutboxStatus[] = ['queued', 'sending', 'sent', 'delivered', 'read'];
const FAILURES: readonly OutboxStatus[] = ['undelivered', 'failed'];

/** True when `next` is news: moving there keeps the status moving forward. */
export function isStatusAdvance(current: OutboxStatus, next: OutboxStatus): boolean {
  if (current === next || FAILURES.includes(current) || current === 'read') return false;
  if (FAILURES.includes(next)) return PROGRESS.indexOf(current) < PROGRESS.indexOf('delivered');
  return PROGRESS.indexOf(next) > PROGRESS.indexOf(current);
}

const TWILIO_TO_OUTBOX: Record<string, OutboxStatus> = {
  accepted: 'queued',
  scheduled: 'queued',
  queued: 'queued',
  sending: 'sending',
  sent: 'sent',
  delivered: 'delivered',
  read: 'read',
  undelivered: 'undelivered',
  failed: 'failed',
  canceled: 'failed',
};

/** Twilio's `MessageStatus` → ours; null for words that say nothing about an outgoing message. */
export function fromTwilioStatus(messageStatus: string): OutboxStatus | null {
  return TWILIO_TO_OUTBOX[messageStatus.trim().toLowerCase()] ?? null;
}
