/**
 * Durable intake of one parsed inbound message, in the order that keeps a complaint from being
 * lost (DESIGN §4): fast dedupe in Redis → store (unique sid) → on any store failure, the local
 * spool → enqueue the `inbound` job. Only when both the store and the spool fail does the
 * caller answer an error (and Twilio, which does not retry SMS webhooks on 5xx, may lose it).
 */
import type { InboundMessage } from '../../domain/message';
import type { Logger } from '../../shared/logger';
import type { Repository } from '../../store/repository';
import { enqueueInbound, type InboundQueue } from './inbound-enqueuer';
import type { InboundDedupe } from './inbound-dedupe';
import type { IntakeSpool } from './intake-spool';
import { withTimeout } from './with-timeout';

/** `stored`: new and queued (or left to the sweeper); `duplicate`: seen before, nothing done. */
export type IntakeOutcome = 'stored' | 'duplicate' | 'spooled';

/** Neither the store nor the spool could keep the message: answer 500, never 200. */
export class IntakeFailedError extends Error {
  readonly code = 'intake_failed';
  constructor(readonly storeError: unknown, readonly spoolError: unknown) {
    super('the inbound message could be neither stored nor spooled');
    this.name = 'IntakeFailedError';
  }
}

export interface InboundIntake {
  accept(message: InboundMessage): Promise<IntakeOutcome>;
}

export interface InboundIntakeDeps {
  repo: Pick<Repository, 'insertInboundMessage'>;
  dedupe: InboundDedupe;
  spool: IntakeSpool;
  queue: InboundQueue;
  logger: Logger;
  /** A store slower than this is treated as down and the message spooled (replay dedupes); default 1 s, Twilio waits 15 s. */
  storeTimeoutMs?: number;
  enqueueTimeoutMs?: number;
}

export function createInboundIntake(deps: InboundIntakeDeps): InboundIntake {
  const storeTimeoutMs = deps.storeTimeoutMs ?? 1000;
  const enqueueTimeoutMs = deps.enqueueTimeoutMs ?? 1000;

  async function enqueue(messageId: string): Promise<void> {
    try {
      await withTimeout('enqueue inbound job', enqueueTimeoutMs, () => enqueueInbound(deps.queue, messageId));
    } catch (error) {
      deps.logger.warn({ messageId, err: describe(error) }, 'inbound job not enqueued; the intake sweeper will retry');
    }
  }

  return {
    async accept(message) {
      const log = { messageId: message.id, providerSid: message.providerSid, channel: message.channel };
      const claim = await deps.dedupe.claim(message.providerSid);
      if (claim === 'duplicate') {
        deps.logger.info(log, 'inbound redelivery ignored (redis dedupe)');
        return 'duplicate';
      }
      if (claim === 'unavailable') deps.logger.warn(log, 'redis dedupe unavailable; relying on the store');

      let storeError: unknown;
      try {
        const result = await withTimeout('store inbound message', storeTimeoutMs, () =>
          deps.repo.insertInboundMessage(message),
        );
        if (!result.inserted) {
          deps.logger.info({ ...log, existingId: result.message.id }, 'inbound redelivery ignored (store dedupe)');
          return 'duplicate';
        }
        await enqueue(message.id);
        return 'stored';
      } catch (error) {
        storeError = error;
      }

      try {
        await deps.spool.append(message);
        deps.logger.error({ ...log, err: describe(storeError) }, 'store unavailable: inbound message spooled');
        return 'spooled';
      } catch (spoolError) {
        deps.logger.fatal(
          { ...log, storeErr: describe(storeError), spoolErr: describe(spoolError) },
          'inbound message could not be stored nor spooled',
        );
        await deps.dedupe.release(message.providerSid);
        throw new IntakeFailedError(storeError, spoolError);
      }
    },
  };
}

function describe(error: unknown): { name: string; message: string; code?: unknown } {
  if (error instanceof Error) return { name: error.name, message: error.message, code: (error as { code?: unknown }).code };
  return { name: 'unknown', message: String(error) };
}
