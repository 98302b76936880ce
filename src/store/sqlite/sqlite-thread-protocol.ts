/**
 * What the main thread and the SQLite store thread say to each other: one call per port method
 * (`{ id, method, args }`, plain objects only), one reply per call. Errors cross as data and are
 * rebuilt as the port's own classes, so `instanceof UniqueViolationError` and friends hold on the
 * main thread exactly as with the in-thread adapter.
 */
import { AlreadyProcessedError, NotFoundError, StaleTicketError, StoreUnavailableError, UniqueViolationError } from '../repository';
import { InvalidCursorError } from '../ticket-page';

export interface ThreadHostOptions {
  path: string;
  logLevel: string;
  busyTimeoutMs?: number;
  intakeBusyTimeoutMs?: number;
}

export interface StoreCall {
  id: number;
  method: string;
  args: unknown[];
}

export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  /** Own fields such as `code`, `field`, `entity`, `id`, `messageId`. */
  fields: Record<string, unknown>;
  cause?: SerializedError;
}

export type StoreReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: SerializedError };

const PORT_ERRORS: Record<string, { prototype: Error }> = {
  UniqueViolationError,
  NotFoundError,
  StoreUnavailableError,
  AlreadyProcessedError,
  StaleTicketError,
  InvalidCursorError,
};

export function serializeStoreError(error: unknown): SerializedError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error), fields: {} };
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(error)) {
    if (key !== 'cause' && (value === null || ['string', 'number', 'boolean'].includes(typeof value))) fields[key] = value;
  }
  return {
    name: error.name,
    message: error.message,
    ...(error.stack !== undefined && { stack: error.stack }),
    fields,
    ...(error.cause !== undefined && { cause: serializeStoreError(error.cause) }),
  };
}

export function deserializeStoreError(data: SerializedError): Error {
  const type = PORT_ERRORS[data.name];
  const error: Error = type ? (Object.create(type.prototype) as Error) : new Error(data.message);
  Object.assign(error, data.fields);
  Object.defineProperty(error, 'message', { value: data.message, writable: true, configurable: true });
  Object.defineProperty(error, 'name', { value: data.name, writable: true, configurable: true });
  if (data.stack !== undefined) Object.defineProperty(error, 'stack', { value: data.stack, writable: true, configurable: true });
  if (data.cause) Object.defineProperty(error, 'cause', { value: deserializeStoreError(data.cause), writable: true, configurable: true });
  return error;
}
