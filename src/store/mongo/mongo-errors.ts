/**
 * Turns mongoose / driver failures into the port's errors: duplicate key (11000) → a unique
 * violation naming the field; anything meaning "no server answers" (network, server selection,
 * a closed client, a primary stepping down, a transaction that stayed transient) → the store is
 * unavailable, so intake spools instead of losing a complaint.
 */
import { AlreadyProcessedError, NotFoundError, StoreUnavailableError, UniqueViolationError } from '../repository';
import { InvalidCursorError } from '../ticket-page';

const PORT_ERRORS = [UniqueViolationError, NotFoundError, StoreUnavailableError, InvalidCursorError, AlreadyProcessedError];

const UNAVAILABLE_NAMES = new Set([
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoPoolClosedError',
  'MongoWaitQueueTimeoutError',
  'MongoOperationTimeoutError',
  'MongoExpiredSessionError',
]);

/** Server codes for "not reachable / not writable right now" (shutdown, step-down, network, disk). */
const UNAVAILABLE_CODES = new Set([6, 7, 89, 91, 189, 9001, 10107, 11600, 11602, 13435, 13436, 14031]);

const UNAVAILABLE_LABELS = ['TransientTransactionError', 'RetryableWriteError', 'ResetPool'];

interface DriverErrorShape {
  name?: string;
  code?: unknown;
  message?: string;
  errmsg?: string;
  keyPattern?: Record<string, unknown>;
  keyValue?: Record<string, unknown>;
  errorLabels?: unknown;
  errorLabelSet?: unknown;
  writeErrors?: Array<{ code?: unknown; errmsg?: string; err?: DriverErrorShape }>;
  hasErrorLabel?: (label: string) => boolean;
}

export function toStoreError(err: unknown): unknown {
  if (PORT_ERRORS.some((type) => err instanceof type)) return err;
  if (typeof err !== 'object' || err === null) return err;
  const e = err as DriverErrorShape;
  const firstWriteError = e.writeErrors?.[0];
  if (e.code === 11000 || firstWriteError?.code === 11000) {
    return new UniqueViolationError(duplicateField(e, firstWriteError));
  }
  if (isUnavailable(e)) {
    return new StoreUnavailableError(`mongodb: ${e.name ?? 'error'}: ${e.message ?? ''}`, err);
  }
  return err;
}

function isUnavailable(e: DriverErrorShape): boolean {
  if (e.name && UNAVAILABLE_NAMES.has(e.name)) return true;
  if (typeof e.code === 'number' && UNAVAILABLE_CODES.has(e.code)) return true;
  if (typeof e.hasErrorLabel === 'function' && UNAVAILABLE_LABELS.some((label) => e.hasErrorLabel?.(label))) return true;
  return e.name === 'MongooseError' && /connect|closed|buffering/i.test(e.message ?? '');
}

/**
 * The field of a duplicate key: from `keyPattern` when the server sends it, else from the
 * message (`… index: reference_1 dup key: { reference: "1234567" }`).
 */
function duplicateField(e: DriverErrorShape, writeError?: { errmsg?: string; err?: DriverErrorShape }): string {
  const pattern = e.keyPattern ?? e.keyValue ?? writeError?.err?.keyPattern ?? writeError?.err?.keyValue;
  const fromPattern = pattern ? Object.keys(pattern)[0] : undefined;
  const message = `${e.errmsg ?? ''} ${e.message ?? ''} ${writeError?.errmsg ?? ''}`;
  const fromMessage = /dup key: \{ ?"?(\w+)"?\s*:/.exec(message)?.[1] ?? /index: (\w+?)_-?1\b/.exec(message)?.[1];
  const field = fromPattern ?? fromMessage ?? 'unknown';
  return field === '_id' ? 'id' : field;
}

/**
 * Runs an upsert that may lose a race on a unique field to a concurrent one (MongoDB then
 * answers 11000): losing is fine, the caller reads the winner's row. Resolves undefined then.
 */
export async function ignoreDuplicate<R>(field: string, write: PromiseLike<R>): Promise<R | undefined> {
  try {
    return await write;
  } catch (err) {
    const mapped = toStoreError(err);
    if (mapped instanceof UniqueViolationError && mapped.field === field) return undefined;
    throw mapped;
  }
}
