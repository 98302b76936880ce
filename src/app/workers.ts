/**
 * The queue workers of a worker process: conversations (inbound) and sending.
 */
import { createInboundWorker } from '../conversation/inbound-worker';
import { createSenderWorker } from '../messaging/outbound/sender-worker';
import type { Container } from './container';

export async function startWorkers(container: Container): Promise<{ close(): Promise<void> }> {
  const { bullmqRedis: connection, prefix, logger, repo } = container;
  const inbound = createInboundWorker({ connection, prefix, processor: container.processor, logger });
  const sender = createSenderWorker({
    connection,
    prefix,
    repo,
    transport: container.transport,
    logger,
    now: container.clock,
    whatsappTemplateSid: container.config.TWILIO_WHATSAPP_TEMPLATE_SID,
  });
  return {
    async close() {
      await Promise.all([inbound.close(), sender.close()]);
    },
  };
}
