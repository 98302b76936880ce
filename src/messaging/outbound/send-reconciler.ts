/**
 * Before re-sending a message whose last attempt has no known outcome, ask the provider whether
 * it already has it (issue 7.6). Two cases leave no outcome: the process died between the
 * provider's call and storing its MessageSid (the row stays `sending`), and the call failed in a
 * way that does not say whether Twilio took the message (a timeout, a reset connection). Measured
 * before: kill -9 with sends in flight gave 4 duplicate SMS in 311; a Twilio that accepted after
 * the client's timeout gave 6.
 *
 * Twilio's Messages API has no idempotency key, so the question is "is there a message to this
 * number, from our number, with this body, created since this row existed?". A match becomes the
 * row's MessageSid and nothing is sent. What remains at-least-once: a provider that cannot be
 * listed (the local transport), WhatsApp template sends (their body is Twilio's rendering), and a
 * message accepted but not yet visible in the list at the moment we ask (see SECURITY.md).
 */
import type { OutboxMessage } from '../../domain/message';
import type { Logger } from '../../shared/logger';
import type { SendResult, Transport } from './transport';

/** Errors after which the provider may or may not have taken the message. */
const AMBIGUOUS_ERROR_CODES = new Set([
  'network_ECONNABORTED',
  'network_ETIMEDOUT',
  'network_ESOCKETTIMEDOUT',
  'network_ECONNRESET',
  'network_EPIPE',
  'network_ERR_SOCKET_CONNECTION_TIMEOUT',
  // Set when the provider could not be asked: the next attempt must ask again, not send blind.
  'unknown_outcome',
]);

/** Provider clocks differ from ours; a message created just before the row's time still counts. */
const CLOCK_SKEW_MS = 60_000;

export function isAmbiguousSendError(code: string | null | undefined): boolean {
  return code !== null && code !== undefined && AMBIGUOUS_ERROR_CODES.has(code);
}

/** The row's last attempt may have reached the provider: it was left `sending`, or failed ambiguously. */
export function needsReconciliation(row: Pick<OutboxMessage, 'status' | 'errorCode'>): boolean {
  return row.status === 'sending' || (row.status === 'queued' && isAmbiguousSendError(row.errorCode));
}

export interface SendReconciler {
  /** The provider's record of this row's message, or null (send it). Throws when the provider cannot be asked. */
  findAlreadySent(row: OutboxMessage, attempt: { body: string; channel: OutboxMessage['channel']; usesTemplate: boolean }): Promise<SendResult | null>;
}

export function createSendReconciler(deps: { transport: Transport; logger: Logger }): SendReconciler {
  return {
    async findAlreadySent(row, attempt) {
      if (!deps.transport.findSent || attempt.usesTemplate) return null;
      const found = await deps.transport.findSent({
        to: row.toPhone,
        from: row.fromPhone,
        channel: attempt.channel,
        body: attempt.body,
        since: new Date(Date.parse(row.createdAt) - CLOCK_SKEW_MS),
      });
      if (found) deps.logger.warn({ outboxId: row.id, providerSid: found.providerSid }, 'the provider already had this message; not sending it again');
      return found;
    },
  };
}
