/**
 * Queue depths are read from Redis when Prometheus scrapes, not pushed by workers: a stuck or
 * dead worker cannot report its own backlog, but the queue in Redis still shows it.
 */

/** The job states an operator acts on: a growing `waiting` or `failed` means sends are stuck. */
export const QUEUE_DEPTH_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;
export type QueueDepthState = (typeof QUEUE_DEPTH_STATES)[number];

/** The part of a BullMQ `Queue` the collector reads. */
export interface QueueLike {
  name: string;
  getJobCounts(...types: QueueDepthState[]): Promise<Record<string, number>>;
}

/**
 * Queues to observe: an array of BullMQ queues, or the `Queues` object of src/queues/queues.ts
 * (its non-queue members such as `close` are skipped).
 */
export type QueueSource = Iterable<QueueLike> | object;

/** Picks the queue-like members of a {@link QueueSource}. */
export function toQueueList(source: QueueSource): QueueLike[] {
  const values: unknown[] = isIterable(source) ? Array.from(source) : Object.values(source as Record<string, unknown>);
  return values.filter(isQueueLike);
}

export interface QueueDepthReading {
  queue: string;
  counts: Record<QueueDepthState, number> | null;
}

/**
 * Reads every queue's job counts, each bounded by `timeoutMs`: a scrape while Redis is down must
 * answer quickly (BullMQ connections otherwise wait for Redis forever). A queue that cannot be
 * read comes back with `counts: null`.
 */
export async function readQueueDepths(queues: QueueLike[], options: { timeoutMs: number }): Promise<QueueDepthReading[]> {
  return Promise.all(
    queues.map(async (queue): Promise<QueueDepthReading> => {
      try {
        const raw = await withTimeout(queue.getJobCounts(...QUEUE_DEPTH_STATES), options.timeoutMs);
        const counts = Object.fromEntries(QUEUE_DEPTH_STATES.map((state) => [state, raw[state] ?? 0])) as Record<
          QueueDepthState,
          number
        >;
        return { queue: queue.name, counts };
      } catch {
        return { queue: queue.name, counts: null };
      }
    }),
  );
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function isIterable(value: unknown): value is Iterable<unknown> {
  return typeof (value as { [Symbol.iterator]?: unknown })?.[Symbol.iterator] === 'function';
}

function isQueueLike(value: unknown): value is QueueLike {
  const candidate = value as Partial<QueueLike> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.name === 'string' &&
    typeof candidate.getJobCounts === 'function'
  );
}
