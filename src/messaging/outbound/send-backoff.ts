/**
 * Retry timing for send jobs: exponential from the job's `backoff.delay`, with a little jitter
 * so a Twilio outage does not end in every queued reply retrying in the same second, and never
 * sooner than the `Retry-After` Twilio gave with a 429. BullMQ's built-in `exponential` cannot
 * see the error, hence a custom type that the sender worker registers.
 */
import type { BackoffStrategy, MinimalJob } from 'bullmq';
import { TransientSendError } from './transport';

/** The `backoff.type` of send jobs; only the sender worker knows it. */
export const SEND_BACKOFF_TYPE = 'outbound-send';
/** With 10 s doubling, 8 attempts cover about 20 minutes of Twilio trouble. */
export const DEFAULT_SEND_ATTEMPTS = 8;
export const DEFAULT_SEND_BACKOFF_MS = 10_000;
export const MAX_SEND_BACKOFF_MS = 30 * 60_000;

function baseDelayMs(job: Pick<MinimalJob, 'opts'> | undefined): number {
  const configured = job?.opts.backoff;
  return typeof configured === 'number' ? configured : (configured?.delay ?? DEFAULT_SEND_BACKOFF_MS);
}

export const sendBackoffStrategy: BackoffStrategy = (attemptsMade, _type, error, job) => {
  const base = baseDelayMs(job);
  const exponential = base * 2 ** Math.max(attemptsMade - 1, 0);
  const jittered = Math.round(exponential * (1 + Math.random() * 0.2));
  const retryAfter = error instanceof TransientSendError && error.retryAfterMs !== null ? error.retryAfterMs : 0;
  return Math.min(Math.max(jittered, retryAfter), MAX_SEND_BACKOFF_MS);
};

/**
 * How long a job waits when it is not yet its turn (an earlier message to the same person is
 * being sent or waits for its retry): the first retry delay, jittered, without doubling, since
 * the job itself has not failed.
 */
export function sendDeferDelayMs(job: Pick<MinimalJob, 'opts'>): number {
  return Math.round(baseDelayMs(job) * (1 + Math.random() * 0.2));
}
