/**
 * The queue workers of a worker process: conversations (inbound), sending, SLA deadlines and
 * new-ticket alert digests.
 */
import { createInboundWorker } from '../conversation/inbound-worker';
import { createSenderWorker } from '../messaging/outbound/sender-worker';
import { createResidentLock } from '../shared/resident-lock';
import { createAlertsWorker } from '../alerts/alerts-worker';
import { createSlaBreachChecker, createSlaBreachWorker } from '../sla/sla-breach-worker';
import type { Container } from './container';
import { createIncidentWorker, installIncidentJobs } from '../incidents/incident-worker';

export async function startWorkers(container: Container): Promise<{ close(): Promise<void> }> {
  const { bullmqRedis: connection, prefix, logger, repo } = container;
  const inbound = createInboundWorker({ connection, prefix, processor: container.processor, logger, concurrency: container.config.INBOUND_CONCURRENCY });
  const sender = createSenderWorker({
    connection,
    prefix,
    repo,
    transport: container.transport,
    lock: createResidentLock({ redis: container.redis, prefix, scope: 'send' }),
    logger,
    now: container.clock,
    whatsappTemplateSid: container.config.TWILIO_WHATSAPP_TEMPLATE_SID,
    concurrency: container.config.SEND_CONCURRENCY,
    onSendFailure: ({ code }) => container.metrics.sendFailures.inc({ code }),
    caps: container.sendCaps,
  });
  const slaWorker = createSlaBreachWorker({
    connection,
    prefix,
    logger,
    checker: createSlaBreachChecker({
      repo,
      translator: container.translator,
      dispatcher: container.dispatcher,
      scheduler: container.sla,
      now: container.now,
      logger,
      onBreach: (ticket) => container.metrics.slaBreaches.inc({ category: ticket.category }),
    }),
  });
  const alertsWorker = createAlertsWorker({ connection, prefix, alerts: container.alerts, logger });
  const incidentWorker = createIncidentWorker({ connection, prefix, runner: container.broadcasts, clock: container.outageClock, logger });
  // Deadlines are delayed jobs in Redis; the store is the truth, so rebuild them at start-up and
  // whenever Redis comes back empty (the registry's installers run after every worker started).
  container.schedulers.register({ name: 'sla-deadlines', install: () => container.sla.rebuildFromStore() });
  // Issue 9: outage clocks (18 h water-truck alert) and unfinished broadcasts, from the store.
  container.schedulers.register({
    name: 'incident-jobs',
    install: () => installIncidentJobs({ repo, queue: container.queues.incidents, clock: container.outageClock, logger }),
  });
  return {
    async close() {
      await Promise.all([inbound.close(), sender.close(), slaWorker.close(), alertsWorker.close(), incidentWorker.close()]);
    },
  };
}
