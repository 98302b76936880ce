/**
 * Re-enqueues inbound messages that were stored but never processed: Redis was down when the
 * webhook tried to enqueue, a worker died, or a job gave up. Called periodically by the
 * maintenance worker. Processing is idempotent (a processed message is skipped), so sweeping a
 * message whose job is merely slow costs nothing. A dead-lettered message (given up on after
 * repeated failures that were not outages, see inbound-failure-guard) is not listed, so not swept.
 */
import type { Logger } from '../../shared/logger';
import type { Repository } from '../../store/repository';
import { requeueInbound, type InboundQueue } from './inbound-enqueuer';

export interface IntakeSweepResult {
  /** Jobs added or retried. */
  requeued: number;
  /** Messages whose job is still waiting or running. */
  pending: number;
}

export async function sweepStuckIntake(deps: {
  repo: Pick<Repository, 'listUnprocessedInbound'>;
  queue: InboundQueue;
  logger: Logger;
  now: Date;
  /** Only messages received longer ago than this are considered stuck. */
  olderThanSeconds: number;
  limit?: number;
}): Promise<IntakeSweepResult> {
  const receivedBefore = new Date(deps.now.getTime() - deps.olderThanSeconds * 1000).toISOString();
  const stuck = await deps.repo.listUnprocessedInbound({ receivedBefore, limit: deps.limit ?? 200 });
  const result: IntakeSweepResult = { requeued: 0, pending: 0 };
  for (const message of stuck) {
    const outcome = await requeueInbound(deps.queue, message.id);
    if (outcome === 'pending') result.pending += 1;
    else result.requeued += 1;
  }
  if (result.requeued > 0) deps.logger.warn({ ...result }, 'stuck inbound messages re-enqueued');
  return result;
}
