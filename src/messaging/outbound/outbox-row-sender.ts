/**
 * What trying to send one outbox row means, whichever job does it (the row's own job or a job
 * draining the recipient's older rows first, see `send-processor`). The rules read in one place:
 *
 * 1. A row that already has a MessageSid, or is in a final status, is not sent again (a job
 *    retried or re-enqueued after success never sends twice).
 * 2. Resident opted out → row `failed` with `opted_out`, nothing sent (an `opt_out_confirmation`
 *    is the one exception, so STOP on WhatsApp can still be acknowledged).
 * 3. WhatsApp outside the 24-hour window → template or SMS fallback (see `planDelivery`).
 * 4. Row marked `sending` (attempts + 1) before the call, `sent` with the MessageSid after it.
 * 5. Permanent error → `failed` + `errorCode`, never retried (21610 also opts the resident out).
 *    Transient error → back to `queued` with `errorCode` (the mark of a row waiting for a retry),
 *    or `failed` when the caller says this was the last attempt, so the sweeper leaves it.
 *
 * Send errors come back as results, not exceptions: the caller decides what they mean for its job.
 *
 * Crash between the provider call and storing its MessageSid (the row stays `sending`), or a
 * call that failed without saying whether Twilio took the message (timeout, reset): before
 * sending again, `send-reconciler` asks Twilio whether it already has the message, and a match
 * becomes the row's MessageSid (issue 7.6). Where the provider cannot be asked, sending stays
 * at-least-once: for a complaint channel a duplicate SMS is better than a lost reference.
 */
import { UnrecoverableError } from 'bullmq';
import type { OutboxMessage, OutboxStatus } from '../../domain/message';
import type { Repository } from '../../store/repository';
import type { Logger } from '../../shared/logger';
import { planDelivery, type DeliveryRoute } from './delivery-plan';
import type { SendCaps } from './send-caps';
import { createSendReconciler, isAmbiguousSendError, needsReconciliation } from './send-reconciler';
import { PermanentSendError, TransientSendError, TWILIO_UNSUBSCRIBED_CODE, type SendResult, type Transport } from './transport';

export interface OutboxRowSenderDeps {
  repo: Pick<Repository, 'getResident' | 'updateResident' | 'updateOutbox'>;
  transport: Transport;
  logger: Logger;
  now: () => Date;
  /** `TWILIO_WHATSAPP_TEMPLATE_SID`; without it, WhatsApp outside the window falls back to SMS. */
  whatsappTemplateSid?: string;
  /** Kinds still sent to an opted-out resident; default `['opt_out_confirmation']`. */
  optOutExemptKinds?: readonly string[];
  /** Told of every failed attempt (e.g. the `send_failures_total` metric), by error code. */
  onSendFailure?: (failure: { code: string; permanent: boolean }) => void;
  /** Resident countries and daily caps (issue 7.3); none = no limit. */
  caps?: SendCaps;
}

/** What happened to the row; the first three are also what a send job returns. */
export type RowSendResult =
  | { outcome: 'sent'; providerSid: string; route: DeliveryRoute }
  | { outcome: 'skipped'; reason: string }
  | { outcome: 'opted_out' }
  | { outcome: 'failed_permanently'; error: PermanentSendError }
  | { outcome: 'failed_transiently'; error: unknown };

export interface OutboxRowSender {
  /** `lastAttempt`: a transient failure marks the row `failed` instead of leaving it `queued`. */
  send(row: OutboxMessage, options: { lastAttempt: boolean }): Promise<RowSendResult>;
}

const FINISHED: readonly OutboxStatus[] = ['sent', 'delivered', 'read', 'undelivered', 'failed'];

/** Why the row must not be sent again, or null when it may be. */
export function alreadyHandled(row: OutboxMessage): { outcome: 'skipped'; reason: string } | null {
  return row.providerSid || FINISHED.includes(row.status) ? { outcome: 'skipped', reason: `already_${row.status}` } : null;
}

/** Queued again after a transient failure: its own job retries it after the backoff. */
export function isWaitingForRetry(row: OutboxMessage): boolean {
  return row.status === 'queued' && row.errorCode !== null;
}

export function createOutboxRowSender(deps: OutboxRowSenderDeps): OutboxRowSender {
  const exempt = deps.optOutExemptKinds ?? ['opt_out_confirmation'];
  const stamp = () => deps.now().toISOString();
  const reconciler = createSendReconciler({ transport: deps.transport, logger: deps.logger });

  async function recordSent(row: OutboxMessage, result: SendResult, route: DeliveryRoute, channel: OutboxMessage['channel']): Promise<RowSendResult> {
    const outboxId = row.id;
    try {
      await deps.repo.updateOutbox(outboxId, { status: 'sent', providerSid: result.providerSid, errorCode: null, updatedAt: stamp() });
    } catch (error) {
      deps.logger.error(
        { outboxId, providerSid: result.providerSid, err: { message: (error as Error).message } },
        'message was accepted by the provider but the outbox row could not be updated; not sending again',
      );
      throw new UnrecoverableError(`outbox ${outboxId}: accepted as ${result.providerSid} but not recorded`);
    }
    deps.logger.info({ outboxId, providerSid: result.providerSid, route, channel }, 'message sent');
    return { outcome: 'sent', providerSid: result.providerSid, route };
  }

  async function recordFailure(row: OutboxMessage, error: unknown, lastAttempt: boolean): Promise<RowSendResult> {
    const outboxId = row.id;
    if (error instanceof PermanentSendError) {
      if (error.code === TWILIO_UNSUBSCRIBED_CODE && row.residentId) {
        await deps.repo.updateResident(row.residentId, { optedOut: true, updatedAt: stamp() });
      }
      await deps.repo.updateOutbox(outboxId, { status: 'failed', errorCode: error.code, updatedAt: stamp() });
      deps.onSendFailure?.({ code: error.code, permanent: true });
      deps.logger.warn({ outboxId, errorCode: error.code }, 'permanent send failure; not retried');
      return { outcome: 'failed_permanently', error };
    }
    const errorCode = error instanceof TransientSendError ? error.code : 'unexpected';
    await deps.repo.updateOutbox(outboxId, { status: lastAttempt ? 'failed' : 'queued', errorCode, updatedAt: stamp() });
    deps.onSendFailure?.({ code: errorCode, permanent: false });
    deps.logger.warn(
      { outboxId, errorCode, attempts: row.attempts + 1, willRetry: !lastAttempt },
      lastAttempt ? 'send failed on the last attempt; giving up' : 'transient send failure; will retry',
    );
    return { outcome: 'failed_transiently', error };
  }

  return {
    async send(row, options) {
      const outboxId = row.id;
      const handled = alreadyHandled(row);
      if (handled) return handled;
      if (row.status === 'sending') {
        deps.logger.warn({ outboxId, attempts: row.attempts }, 'previous send attempt left no outcome; asking the provider before sending again');
      }

      const resident = row.residentId ? await deps.repo.getResident(row.residentId) : null;
      if (resident?.optedOut && !exempt.includes(row.kind)) {
        await deps.repo.updateOutbox(outboxId, { status: 'failed', errorCode: 'opted_out', updatedAt: stamp() });
        deps.logger.info({ outboxId, residentId: row.residentId }, 'resident opted out; message not sent');
        return { outcome: 'opted_out' };
      }

      const verdict = deps.caps ? await deps.caps.check(row) : { allowed: true as const };
      if (!verdict.allowed) {
        await deps.repo.updateOutbox(outboxId, { status: 'failed', errorCode: verdict.reason, updatedAt: stamp() });
        deps.logger.warn({ outboxId, reason: verdict.reason }, 'message not sent: country not allowed or daily cap reached');
        return { outcome: 'skipped', reason: verdict.reason };
      }

      const plan = planDelivery({ message: row, resident, now: deps.now(), whatsappTemplateSid: deps.whatsappTemplateSid });
      const attempt = { body: plan.body, channel: plan.channel, usesTemplate: Boolean(plan.contentSid) };
      if (needsReconciliation(row)) {
        let found: SendResult | null;
        try {
          found = await reconciler.findAlreadySent(row, attempt);
        } catch {
          const unknown = new TransientSendError({ code: 'unknown_outcome', message: 'could not ask the provider whether it already has the message' });
          return recordFailure(row, unknown, options.lastAttempt);
        }
        if (found) return recordSent(row, found, plan.route, plan.channel);
      }
      await deps.repo.updateOutbox(outboxId, {
        status: 'sending',
        attempts: row.attempts + 1,
        channel: plan.channel,
        body: plan.body,
        updatedAt: stamp(),
      });

      let result: SendResult;
      try {
        result = await deps.transport.send({
          to: row.toPhone,
          from: row.fromPhone,
          body: plan.body,
          channel: plan.channel,
          contentSid: plan.contentSid,
          contentVariables: plan.contentVariables,
          outboxId,
        });
      } catch (error) {
        // A timeout may hide an accepted message: ask now, and (if unknown) again before the retry.
        if (error instanceof TransientSendError && isAmbiguousSendError(error.code)) {
          const found = await reconciler.findAlreadySent(row, attempt).catch(() => null);
          if (found) return recordSent(row, found, plan.route, plan.channel);
        }
        return recordFailure(row, error, options.lastAttempt);
      }
      return recordSent(row, result, plan.route, plan.channel);
    },
  };
}
