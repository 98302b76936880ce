/**
 * What one send job does. A conversation turn often queues two or three rows for one person at
 * once (the privacy notice, then the question; the resolution notice, then "¿Se resolvió?"), and
 * jobs run in parallel, so sending each row on its own could put the question on a basic phone
 * before the notice. Sending is therefore ordered per recipient, as inbound processing is:
 *
 * - The job for row X takes the recipient's send lock (resident or staff user), then sends every
 *   row of that recipient still `queued` and created at or before X, oldest first, one at a time,
 *   and X last (each with the rules of `outbox-row-sender`). Jobs for rows an earlier drain
 *   already sent find them sent and do nothing.
 * - A later row never goes before an earlier one that is waiting for a retry: a transient failure
 *   of an older row fails this job's attempt (BullMQ retries it with the send backoff), and an
 *   older row already waiting for its own retry defers this job ({@link SendDeferredError}).
 *   Only a row's own job retries it, so its backoff and Retry-After are honoured.
 * - A permanent failure or opt-out settles that row; the drain goes on with the next.
 *
 * The job payload stays `{ outboxId }`; the recipient is read from the row.
 */
import { UnrecoverableError } from 'bullmq';
import type { OutboxMessage } from '../../domain/message';
import type { SendJob } from '../../queues/queues';
import type { OutboxRecipient, Repository } from '../../store/repository';
import type { Logger } from '../../shared/logger';
import { LockTimeoutError, type LockHandle, type ResidentLock } from '../../shared/resident-lock';
import { alreadyHandled, createOutboxRowSender, isWaitingForRetry, type OutboxRowSenderDeps, type RowSendResult } from './outbox-row-sender';
import type { Transport } from './transport';

export interface SendProcessorDeps {
  repo: Repository;
  transport: Transport;
  /** Per-recipient lock with a scope of its own (e.g. `send`), apart from the inbound one. */
  lock: ResidentLock;
  logger: Logger;
  now: () => Date;
  /** `TWILIO_WHATSAPP_TEMPLATE_SID`; without it, WhatsApp outside the window falls back to SMS. */
  whatsappTemplateSid?: string;
  /** Kinds still sent to an opted-out resident; default `['opt_out_confirmation']`. */
  optOutExemptKinds?: readonly string[];
  onSendFailure?: OutboxRowSenderDeps['onSendFailure'];
  caps?: OutboxRowSenderDeps['caps'];
}

/** The parts of a BullMQ job the processor reads. */
export interface SendJobLike {
  data: SendJob;
  attemptsMade: number;
  opts: { attempts?: number };
}

/** What a send job returns: what became of its own row. */
export type SendOutcome = Extract<RowSendResult, { outcome: 'sent' | 'skipped' | 'opted_out' }>;

export type DeferReason = 'recipient_busy' | 'earlier_message_waiting_for_retry' | 'more_earlier_messages';

/**
 * Not this job's turn yet: the recipient's lock stayed taken, or an older message must go first.
 * Not a failure of this message, so the worker delays the job without using up an attempt.
 */
export class SendDeferredError extends Error {
  readonly code = 'send_deferred';
  constructor(readonly reason: DeferReason) {
    super(`send deferred: ${reason}`);
    this.name = 'SendDeferredError';
  }
}

/** Older rows sent by one job at most; more than this is a backlog, drained over several runs. */
const DRAIN_LIMIT = 100;

/** The lock key of a row's recipient (ids only, never a phone number). */
export function sendLockKey(recipient: OutboxRecipient): string {
  return recipient.residentId !== undefined ? `resident:${recipient.residentId}` : `user:${recipient.userId}`;
}

function recipientOf(row: OutboxMessage): OutboxRecipient | null {
  if (row.residentId) return { residentId: row.residentId };
  if (row.userId) return { userId: row.userId };
  return null;
}

export function createSendProcessor(deps: SendProcessorDeps): (job: SendJobLike) => Promise<SendOutcome> {
  const rowSender = createOutboxRowSender(deps);

  /** The job's own row: a failure here is the job's failure. */
  async function sendOwn(row: OutboxMessage, job: SendJobLike): Promise<SendOutcome> {
    const result = await rowSender.send(row, { lastAttempt: job.attemptsMade + 1 >= (job.opts.attempts ?? 1) });
    if (result.outcome === 'failed_permanently') throw new UnrecoverableError(`outbox ${row.id}: ${result.error.message}`);
    if (result.outcome === 'failed_transiently') throw result.error;
    return result;
  }

  /** Under the recipient's lock: the older queued rows first, then the job's own row. */
  async function drainUpTo(own: OutboxMessage, recipient: OutboxRecipient, job: SendJobLike, handle: LockHandle): Promise<SendOutcome> {
    const pending = await deps.repo.listQueuedOutboxFor({ ...recipient, createdAtOrBefore: own.createdAt, limit: DRAIN_LIMIT });
    const ownIndex = pending.findIndex((row) => row.id === own.id);
    const earlier = ownIndex >= 0 ? pending.slice(0, ownIndex) : pending;
    for (const row of earlier) {
      if (isWaitingForRetry(row)) throw new SendDeferredError('earlier_message_waiting_for_retry');
      await handle.extend();
      const result = await rowSender.send(row, { lastAttempt: false });
      if (result.outcome === 'failed_transiently') throw result.error;
    }
    if (ownIndex < 0 && pending.length === DRAIN_LIMIT) throw new SendDeferredError('more_earlier_messages');

    await handle.extend();
    return sendOwn(own, job);
  }

  return async function processSend(job) {
    const { outboxId } = job.data;
    const row = await deps.repo.getOutbox(outboxId);
    if (!row) {
      deps.logger.warn({ outboxId }, 'send job for an outbox row that does not exist; dropped');
      return { outcome: 'skipped', reason: 'missing' };
    }
    const handled = alreadyHandled(row);
    if (handled) return handled;
    const recipient = recipientOf(row);
    if (!recipient) return sendOwn(row, job);

    try {
      return await deps.lock.withLock(sendLockKey(recipient), async (handle) => {
        // Read again under the lock: the drain that held it may have sent this row meanwhile.
        const current = await deps.repo.getOutbox(outboxId);
        if (!current) return { outcome: 'skipped', reason: 'missing' };
        return alreadyHandled(current) ?? drainUpTo(current, recipient, job, handle);
      });
    } catch (error) {
      if (error instanceof LockTimeoutError) throw new SendDeferredError('recipient_busy');
      throw error;
    }
  };
}
