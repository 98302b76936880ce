/**
 * Bounds a call to Redis or the store on the webhook's hot path: Twilio waits about 15 s for an
 * answer, and a hung dependency must turn into a fallback (spool, sweeper) well before that.
 */
export class OperationTimeoutError extends Error {
  readonly code = 'operation_timeout';
  constructor(readonly operation: string, readonly timeoutMs: number) {
    super(`${operation} did not answer within ${timeoutMs} ms`);
    this.name = 'OperationTimeoutError';
  }
}

/** Rejects with OperationTimeoutError after `timeoutMs`; the operation itself keeps running. */
export async function withTimeout<T>(operation: string, timeoutMs: number, work: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new OperationTimeoutError(operation, timeoutMs)), timeoutMs);
  });
  try {
    return await Promise.race([work(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
