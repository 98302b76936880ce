/**
 * The transport used when no Twilio account is configured, so the whole system runs on a laptop:
 * nothing reaches a real phone. Each message is kept in a small in-memory ring buffer (for tests
 * and debugging) and announced with one log line that masks the number and carries no text: an
 * outbound body can quote what a resident wrote (a staff alert copies their description, with
 * names and phone numbers), so only its length is logged. `aguavoz chat` reads replies from the
 * store's outbox rows, not from here, so it also works across processes.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from '../../shared/logger';
import { maskPhone } from '../../shared/phone';
import type { SendRequest, SendResult, Transport } from './transport';

export interface LocalSentMessage extends SendRequest {
  providerSid: string;
  sentAt: string;
}

export interface LocalTransport extends Transport {
  /** Newest last; at most `capacity` messages. Holds full numbers: memory only, never logged. */
  recent(): LocalSentMessage[];
}

export interface LocalTransportOptions {
  logger: Logger;
  now?: () => Date;
  /** Ring buffer size; default 200. */
  capacity?: number;
}

export function createLocalTransport(options: LocalTransportOptions): LocalTransport {
  const now = options.now ?? (() => new Date());
  const capacity = options.capacity ?? 200;
  const buffer: LocalSentMessage[] = [];

  return {
    name: 'local',
    async send(request: SendRequest): Promise<SendResult> {
      const providerSid = `LOCAL${randomBytes(16).toString('hex')}`;
      buffer.push({ ...request, providerSid, sentAt: now().toISOString() });
      if (buffer.length > capacity) buffer.splice(0, buffer.length - capacity);
      options.logger.info(
        {
          transport: 'local',
          outboxId: request.outboxId,
          channel: request.channel,
          toMasked: maskPhone(request.to),
          providerSid,
          contentSid: request.contentSid,
          chars: request.body.length,
        },
        `LOCAL transport, NOT sent to any phone: ${request.channel} to ${maskPhone(request.to)}`,
      );
      return { providerSid, status: 'sent' };
    },
    recent: () => buffer.map((message) => ({ ...message })),
  };
}
