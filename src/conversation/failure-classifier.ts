/**
 * Tells an outage from a message that cannot be processed. An outage (the store or Redis not
 * answering, a lock held too long, the network) says nothing about the message: it is retried
 * forever, because giving up would lose a complaint. Anything else (a bug, a constraint the turn
 * breaks) is the message's own failure, counted towards dead-lettering it.
 *
 * Errors are recognised by shape (name, code, message), not `instanceof`: ioredis, BullMQ and the
 * store adapters each throw their own classes, and jest loads some modules once per test file.
 */

/** Our own outage errors (by `name` and by `code`) and ioredis's connection-level ones. */
const TRANSIENT_NAMES = new Set([
  'StoreUnavailableError',
  'LockTimeoutError',
  'LockLostError',
  'OperationTimeoutError',
  'MaxRetriesPerRequestError',
  'AbortError',
  'InterruptError',
  'ClusterAllFailedError',
  'ParserError',
]);
const TRANSIENT_CODES = new Set([
  'store_unavailable',
  'lock_timeout',
  'lock_lost',
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EADDRNOTAVAIL',
]);

/** What ioredis rejects commands with while it has no usable connection (plain `Error`s). */
const REDIS_CONNECTION_MESSAGES =
  /^(Connection is closed\.|Stream isn't writeable|Command timed out|Socket timeout|connect ETIMEDOUT|Ready check failed|Redis connection lost)/;

/** Redis replies meaning "not now" (loading, failover, memory, persistence), not "never". */
const TRANSIENT_REPLIES = /^(LOADING|READONLY|MASTERDOWN|TRYAGAIN|CLUSTERDOWN|BUSY|OOM|NOREPLICAS|MISCONF)\b/;

interface ErrorShape {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  cause?: unknown;
}

/** True when the failure is an outage and the message must simply be retried later. */
export function isTransientFailure(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 5) return false;
  const { name, code, message, cause } = error as ErrorShape;
  if (typeof name === 'string' && TRANSIENT_NAMES.has(name)) return true;
  if (typeof code === 'string' && TRANSIENT_CODES.has(code)) return true;
  if (typeof message === 'string') {
    if (REDIS_CONNECTION_MESSAGES.test(message)) return true;
    if (name === 'ReplyError' && TRANSIENT_REPLIES.test(message)) return true;
  }
  return isTransientFailure(cause, depth + 1);
}

/**
 * A short label for a failure, safe to store and log: the class and code, never the message,
 * which may quote what the resident wrote.
 */
export function failureReason(error: unknown): string {
  if (typeof error !== 'object' || error === null) return typeof error;
  const { name, code } = error as ErrorShape;
  const label = typeof name === 'string' && name !== '' ? name : 'Error';
  const withCode = typeof code === 'string' || typeof code === 'number' ? `${label}:${String(code)}` : label;
  return withCode.slice(0, 120);
}
