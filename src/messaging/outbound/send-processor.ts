/**
 * What one send job does with one outbox row. Kept apart from the BullMQ wiring so the rules read
 * in one place:
 *
 * 1. Missing row, a row that already has a MessageSid, or one already in a final status → nothing
 *    is sent (a job retried or re-enqueued after success never sends twice).
 * 2. Resident opted out → row `failed` with `opted_out`, nothing sent (an `opt_out_confirmation`
 *    is the one exception, so STOP on WhatsApp can still be acknowledged).
 * 3. WhatsApp outside the 24-hour window → template or SMS fallback (see `planDelivery`).
 * 4. Row marked `sending` (attempts + 1) before the call, `sent` with the MessageSid after it.
 * 5. Permanent error → `failed` + `errorCode`, no retry (21610 also opts the resident out).
 *    Transient error → back to `queued` with `errorCode` and rethrown for BullMQ to retry with
 *    backoff; on the last attempt the row becomes `failed` instead, so the sweeper leaves it.
 *
 * Crash between the provider call and storing its MessageSid: the row stays `sending` and BullMQ
 * re-runs the stalled job, which sends again. That is a deliberate at-least-once choice: Twilio's
 * Messages API has no idempotency key, and for a complaint channel a duplicate SMS (a few cents)
 * is better than a resident who never gets their reference. It is logged as a warning.
 */
import { UnrecoverableError } from 'bullmq';
import type { OutboxMessage, OutboxStatus } from '../../domain/message';
import type { SendJob } from '../../queues/queues';
import type { Repository } from '../../store/repository';
import type { Logger } from '../../shared/logger';
import { planDelivery, type DeliveryRoute } from './delivery-plan';
import { PermanentSendError, TransientSendError, TWILIO_UNSUBSCRIBED_CODE, type SendResult, type Transport } from './transport';

export interface SendProcessorDeps {
  repo: Repository;
  transport: Transport;
  logger: Logger;
  now: () => Date;
  /** `TWILIO_WHATSAPP_TEMPLATE_SID`; without it, WhatsApp outside the window falls back to SMS. */
  whatsappTemplateSid?: string;
  /** Kinds still sent to an opted-out resident; default `['opt_out_confirmation']`. */
  optOutExemptKinds?: readonly string[];
}

/** The parts of a BullMQ job the processor reads. */
export interface SendJobLike {
  data: SendJob;
  attemptsMade: number;
  opts: { attempts?: number };
}

export type SendOutcome =
  | { outcome: 'sent'; providerSid: string; route: DeliveryRoute }
  | { outcome: 'skipped'; reason: string }
  | { outcome: 'opted_out' };

const FINISHED: readonly OutboxStatus[] = ['sent', 'delivered', 'read', 'undelivered', 'failed'];

export function createSendProcessor(deps: SendProcessorDeps): (job: SendJobLike) => Promise<SendOutcome> {
  const exempt = deps.optOutExemptKinds ?? ['opt_out_confirmation'];
  const stamp = () => deps.now().toISOString();

  return async function processSend(job) {
    const { outboxId } = job.data;
    const row = await deps.repo.getOutbox(outboxId);
    if (!row) {
      deps.logger.warn({ outboxId }, 'send job for an outbox row that does not exist; dropped');
      return { outcome: 'skipped', reason: 'missing' };
    }
    if (row.providerSid || FINISHED.includes(row.status)) {
      return { outcome: 'skipped', reason: `already_${row.status}` };
    }
    if (row.status === 'sending') {
      deps.logger.warn({ outboxId, attempts: row.attempts }, 'previous send attempt left no outcome; sending again (at-least-once)');
    }

    const resident = row.residentId ? await deps.repo.getResident(row.residentId) : null;
    if (resident?.optedOut && !exempt.includes(row.kind)) {
      await deps.repo.updateOutbox(row.id, { status: 'failed', errorCode: 'opted_out', updatedAt: stamp() });
      deps.logger.info({ outboxId, residentId: row.residentId }, 'resident opted out; message not sent');
      return { outcome: 'opted_out' };
    }

    const plan = planDelivery({ message: row, resident, now: deps.now(), whatsappTemplateSid: deps.whatsappTemplateSid });
    await deps.repo.updateOutbox(row.id, {
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
      return failAttempt({ deps, row, job, error, stamp });
    }

    try {
      await deps.repo.updateOutbox(row.id, { status: 'sent', providerSid: result.providerSid, errorCode: null, updatedAt: stamp() });
    } catch (error) {
      deps.logger.error(
        { outboxId, providerSid: result.providerSid, err: { message: (error as Error).message } },
        'message was accepted by the provider but the outbox row could not be updated; not sending again',
      );
      throw new UnrecoverableError(`outbox ${outboxId}: accepted as ${result.providerSid} but not recorded`);
    }
    deps.logger.info({ outboxId, providerSid: result.providerSid, route: plan.route, channel: plan.channel }, 'message sent');
    return { outcome: 'sent', providerSid: result.providerSid, route: plan.route };
  };
}

async function failAttempt(input: {
  deps: SendProcessorDeps;
  row: OutboxMessage;
  job: SendJobLike;
  error: unknown;
  stamp: () => string;
}): Promise<never> {
  const { deps, row, job, error, stamp } = input;
  const outboxId = row.id;
  if (error instanceof PermanentSendError) {
    if (error.code === TWILIO_UNSUBSCRIBED_CODE && row.residentId) {
      await deps.repo.updateResident(row.residentId, { optedOut: true, updatedAt: stamp() });
    }
    await deps.repo.updateOutbox(outboxId, { status: 'failed', errorCode: error.code, updatedAt: stamp() });
    deps.logger.warn({ outboxId, errorCode: error.code }, 'permanent send failure; not retried');
    throw new UnrecoverableError(`outbox ${outboxId}: ${error.message}`);
  }
  const errorCode = error instanceof TransientSendError ? error.code : 'unexpected';
  const isLastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
  await deps.repo.updateOutbox(outboxId, { status: isLastAttempt ? 'failed' : 'queued', errorCode, updatedAt: stamp() });
  deps.logger.warn(
    { outboxId, errorCode, attempt: job.attemptsMade + 1, willRetry: !isLastAttempt },
    isLastAttempt ? 'send failed on the last attempt; giving up' : 'transient send failure; will retry',
  );
  throw error;
}
