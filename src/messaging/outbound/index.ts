/**
 * Outbound messaging: outbox rows → send jobs → transport → status callbacks. What the
 * composition root and the producers of messages need, in one import.
 */
export { newOutboxMessage, type NewOutboxMessageInput } from './outbox-message-factory';
export { createSendDispatcher, type SendDispatcher, type EnqueueOutcome } from './send-dispatcher';
export { createSenderWorker, type SenderWorker, type SenderWorkerOptions } from './sender-worker';
export { createOutboxSweeper, type OutboxSweeper } from './outbox-sweeper';
export { createStatusCallbackRouter } from './status-callback-router';
export { createTransportFromConfig } from './transport-factory';
export { createTwilioTransport } from './twilio-transport';
export { STATUS_CALLBACK_PATH } from './status-callback-path';
export { createLocalTransport, type LocalTransport } from './local-transport';
export { TransientSendError, PermanentSendError, type Transport, type SendRequest, type SendResult } from './transport';
export { isStatusAdvance } from './delivery-status';
