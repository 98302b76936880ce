/**
 * BullMQ queues, one per kind of work. Job payloads carry ids only, never phone numbers.
 *
 * - `inbound`  `{ messageId }`: process a stored inbound message (jobId = message id, so a
 *   redelivery or a sweeper re-enqueue never runs it twice at once).
 * - `send`     `{ outboxId }`: send one outbox row (jobId = outbox id).
 * - `sla`      `{ ticketId, kind }`: an SLA deadline (delayed job), issue 3.
 * - `alerts`   `{ localityId }`: new-ticket alert digests, issue 3.
 * - `maintenance`: repeatable sweeps (stuck intake, stuck outbox, spool replay).
 * - `incidents` `{ broadcastId }` / `{ incidentId }`: broadcasts to many residents and the
 *   18-hour water-truck alert of outage incidents (delayed), issue 9.
 */
import { Queue, type ConnectionOptions } from 'bullmq';

export const QUEUE_NAMES = {
  inbound: 'inbound',
  send: 'send',
  sla: 'sla',
  alerts: 'alerts',
  maintenance: 'maintenance',
  incidents: 'incidents',
} as const;
export type QueueName = (typeof QUEUE_NAMES)[keyof typeof QUEUE_NAMES];

export interface InboundJob {
  messageId: string;
}
export interface SendJob {
  outboxId: string;
}

export interface Queues {
  inbound: Queue<InboundJob>;
  send: Queue<SendJob>;
  sla: Queue;
  alerts: Queue;
  maintenance: Queue;
  incidents: Queue;
  close(): Promise<void>;
}

/** `prefix` isolates deployments and test files sharing one Redis. */
export function createQueues(options: { connection: ConnectionOptions; prefix: string }): Queues {
  const make = <T>(name: QueueName) => new Queue<T>(name, { connection: options.connection, prefix: options.prefix });
  const queues = {
    inbound: make<InboundJob>(QUEUE_NAMES.inbound),
    send: make<SendJob>(QUEUE_NAMES.send),
    sla: make(QUEUE_NAMES.sla),
    alerts: make(QUEUE_NAMES.alerts),
    maintenance: make(QUEUE_NAMES.maintenance),
    incidents: make(QUEUE_NAMES.incidents),
  };
  return {
    ...queues,
    async close() {
      await Promise.all(Object.values(queues).map((q) => q.close()));
    },
  };
}
