/**
 * The one composition root: builds every adapter from the configuration and wires them into
 * services with `createX(deps)` factories. Nothing else reaches for a global client. The web and
 * worker processes (and the end-to-end tests) all start from here.
 */
import type Redis from 'ioredis';
import { hasTwilioCredentials, type Config } from '../config/config';
import { createConversationProcessor, type ConversationProcessor } from '../conversation/conversation-processor';
import { createResidentLock } from '../shared/resident-lock';
import { createSessionStore, type SessionStore } from '../conversation/session-store';
import { readCheckedContent } from '../flow-engine/checked-content';
import { loadFlows } from '../flow-engine/flow-loader';
import type { LoadedFlows } from '../flow-engine/loaded-flows';
import { createTranslator, type Translator } from '../i18n/translator';
import { createApiTokenService, type ApiTokenService } from '../auth/api-token-auth';
import { createMetrics, type Metrics } from '../observability/metrics';
import { createTicketService } from '../tickets/ticket-service';
import type { TicketActionInput, TicketService } from '../tickets/ticket-service-types';
import type { Ticket } from '../domain/ticket';
import { createNewTicketAlerts, type NewTicketAlerts } from '../alerts/new-ticket-alerts';
import { createResolutionFeedback, type ResolutionFeedback } from '../feedback/resolution-feedback';
import { ASK_FEEDBACK_JOB, ASK_FEEDBACK_RETRY_MS, type AskFeedbackJob } from './maintenance';
import { createOperatorCommandHandler } from '../operators/operator-commands';
import { createOperatorInbound } from '../operators/operator-inbound';
import { createSlaDeadlines } from '../sla/sla-calendar-cache';
import { createSlaScheduler, type SlaScheduler } from '../sla/sla-scheduler';
import { createUserService, type UserService } from '../users/user-service';
import { createLocalityService, type LocalityService } from '../localities/locality-service';
import { createInboundDedupe, type InboundDedupe } from '../messaging/inbound/inbound-dedupe';
import { createIntakeSpool, type IntakeSpool } from '../messaging/inbound/intake-spool';
import { createSendDispatcher, type SendDispatcher } from '../messaging/outbound/send-dispatcher';
import type { Transport } from '../messaging/outbound/transport';
import { createTransportFromConfig } from '../messaging/outbound/transport-factory';
import { createQueues, type Queues } from '../queues/queues';
import { newId } from '../shared/ids';
import { createLogger, type Logger } from '../shared/logger';
import { createRepository } from '../store/create-repository';
import type { Repository } from '../store/repository';
import { CHECKED_CONTENT_FILE, FLOWS_DIR, LOCALES_DIR } from './paths';
import { createOpen311KeyService, type Open311KeyService } from '../open311/open311-keys';
import { createOpen311Intake, type Open311Intake } from '../open311/open311-intake';
import { createSvgChartRenderer, type SvgChartRenderer } from '../charts/svg-chart-renderer';
import { createTransparencyService, type TransparencyService } from '../transparency/transparency-service';
import { createTransparencyRenderer } from '../transparency/transparency-views';
import { createBullmqRedis, createFastFailRedis } from './redis-connections';
import { createRateWindow } from '../abuse/rate-window';
import { createInboundFloodGuard } from '../conversation/inbound-flood-guard';
import { createSendCaps, parseCountryCodes, type SendCaps } from '../messaging/outbound/send-caps';
import { createSendCapAlerts } from '../alerts/send-cap-alerts';
import { createSchedulerRegistry, type SchedulerRegistry } from './scheduler-registry';
import { createBroadcastRunner, type BroadcastRunner } from '../broadcasts/broadcast-runner';
import { createCommitteeRecipients } from '../broadcasts/broadcast-recipients';
import { createIncidentService, type IncidentService } from '../incidents/incident-service';
import { dispatchBroadcast } from '../incidents/incident-worker';
import { createNoticeService, type NoticeService } from '../incidents/notice-service';
import { createOutageClock, type OutageClock } from '../incidents/outage-clock';
import { createIncidentCommandHandler } from '../incidents/incident-commands';
import { createCommitteeService, type CommitteeService } from '../committees/committee-service';
import { createSummaryService, type SummaryService } from '../committees/summary-service';
import { createSummaryOnDemand } from '../committees/summary-on-demand';
import { createPublicationFigures, type PublicationFigures } from '../publication/publication-figures';

export interface ContainerOptions {
  logger?: Logger;
  /** Overrides for tests: a fixed clock, another transport (e.g. Twilio against a fake API). */
  clock?: () => Date;
  transport?: Transport;
  flowsDir?: string;
  localesDir?: string;
  /** The running service puts SQLite in a worker thread (see `sqlite-thread-repository`). */
  sqliteInThread?: boolean;
}

export interface Container {
  config: Config;
  logger: Logger;
  clock: () => Date;
  now: () => string;
  newId: () => string;
  repo: Repository;
  /** Fast-fail connection for the hot path: sessions, locks, dedupe keys, login sessions. */
  redis: Redis;
  /** BullMQ's connection (waits and retries). */
  bullmqRedis: Redis;
  prefix: string;
  queues: Queues;
  translator: Translator;
  flows: LoadedFlows;
  transport: Transport;
  dispatcher: SendDispatcher;
  sessions: SessionStore;
  dedupe: InboundDedupe;
  spool: IntakeSpool;
  processor: ConversationProcessor;
  sla: SlaScheduler;
  alerts: NewTicketAlerts;
  feedback: ResolutionFeedback;
  localities: LocalityService;
  users: UserService;
  apiTokens: ApiTokenService;
  tickets: TicketService;
  metrics: Metrics;
  /** Resident countries and daily SMS caps, applied by the sender to every outbox row (issue 7.3). */
  sendCaps: SendCaps;
  /**
   * Every BullMQ job scheduler and rebuildable delayed job registers its installer here; the
   * worker runs them at start and again whenever Redis comes back empty (issue 7.1).
   */
  schedulers: SchedulerRegistry;
  /** Issue 9: incidents, planned-cut notices, their broadcasts and the outage clock. */
  incidents: IncidentService;
  notices: NoticeService;
  broadcasts: BroadcastRunner;
  outageClock: OutageClock;
  /** Open311 GeoReport v2: client keys and the intake that turns a filed request into a ticket. */
  open311Keys: Open311KeyService;
  open311Intake: Open311Intake;
  /** Server-side SVG charts (a vega worker thread) and the public transparency page (issue 6). */
  charts: SvgChartRenderer;
  transparency: TransparencyService;
  /** Issue 6: published figures (one publication rule), committees and their weekly summaries. */
  publication: PublicationFigures;
  committees: CommitteeService;
  summaries: SummaryService;
  /**
   * Everything that must happen after an operator action is stored (metrics, the resident's
   * "was it solved?" question, SLA jobs). Later wiring adds listeners here.
   */
  ticketChangeListeners: Array<(ticket: Ticket, action: TicketActionInput) => unknown>;
  /** True without Twilio credentials: unsigned loopback webhooks, local transport, dev phone feed. */
  isLocalMode: boolean;
  close(): Promise<void>;
}

export function createContainer(config: Config, options: ContainerOptions = {}): Container {
  const logger = options.logger ?? createLogger({ level: config.LOG_LEVEL });
  const clock = options.clock ?? (() => new Date());
  const now = () => clock().toISOString();
  const prefix = config.REDIS_PREFIX;

  const repo = createRepository({
    sqlitePath: config.SQLITE_PATH,
    mongodbUri: config.MONGODB_URI,
    logger,
    ...(options.sqliteInThread && { sqliteThread: { logLevel: config.LOG_LEVEL } }),
  });
  const redis = createFastFailRedis(config.REDIS_URL);
  const bullmqRedis = createBullmqRedis(config.REDIS_URL);
  for (const [name, connection] of [['redis', redis], ['bullmq-redis', bullmqRedis]] as const) {
    connection.on('error', (error: Error) => logger.warn({ connection: name, err: { message: error.message } }, 'redis connection error'));
  }
  const queues = createQueues({ connection: bullmqRedis, prefix });
  // Without a listener BullMQ prints every connection error of a queue to stderr while Redis is away.
  for (const [name, queue] of [['inbound', queues.inbound], ['send', queues.send], ['sla', queues.sla], ['alerts', queues.alerts], ['maintenance', queues.maintenance]] as const) {
    queue.on('error', (error: Error) => logger.warn({ queue: name, err: { message: error.message } }, 'queue connection error'));
  }

  // What the build checked is trusted while unchanged (start-up under 1 s, issue 11).
  const checked = readCheckedContent(CHECKED_CONTENT_FILE);
  const translator = createTranslator({ localesDir: options.localesDir ?? LOCALES_DIR, trustedLocaleHashes: checked?.localeHashes });
  const flows = loadFlows({ flowsDir: options.flowsDir ?? FLOWS_DIR, translator, checked: checked?.flows });
  const transport = options.transport ?? createTransportFromConfig({ config, logger, defaultFromPhone: config.TWILIO_FROM_NUMBER });
  const dispatcher = createSendDispatcher({ queue: queues.send, logger });
  const sessions = createSessionStore({ redis, prefix });
  const dedupe = createInboundDedupe({ redis, prefix });
  const spool = createIntakeSpool({ dir: config.SPOOL_DIR });
  const lock = createResidentLock({ redis, prefix });

  const metrics = createMetrics();
  metrics.observeQueues(queues);
  const feedback = createResolutionFeedback({
    repo,
    sessions,
    flows,
    translator,
    dispatcher,
    now,
    newId,
    sessionTimeoutMinutes: config.SESSION_TIMEOUT_MINUTES,
    logger,
    // A resident busy with another report is asked again later by the maintenance worker.
    askLater: async (ticket, attempt) => {
      const job: AskFeedbackJob = { ticketId: ticket.id, attempt };
      await queues.maintenance.add(ASK_FEEDBACK_JOB, job, {
        delay: ASK_FEEDBACK_RETRY_MS,
        jobId: `${ASK_FEEDBACK_JOB}-${ticket.id}-${attempt}`,
        removeOnComplete: true,
      });
    },
  });
  const ticketChangeListeners: Container['ticketChangeListeners'] = [];
  const tickets = createTicketService({
    repo,
    translator,
    dispatcher,
    now,
    newId,
    logger,
    // A resolution's notice carries the "was it solved?" question (one SMS, issue 8 §7).
    resolutionFeedback: feedback,
    onTicketChanged: async (ticket, action) => {
      for (const listener of ticketChangeListeners) await listener(ticket, action);
    },
  });

  const slaDeadlines = createSlaDeadlines({ repo });
  const sla = createSlaScheduler({ repo, slaQueue: queues.sla, logger, now, deadlines: slaDeadlines });
  const alerts = createNewTicketAlerts({
    repo,
    alertsQueue: queues.alerts,
    redis,
    translator,
    dispatcher,
    now,
    newId,
    logger,
    digestSeconds: config.ALERT_DIGEST_SECONDS,
  });
  ticketChangeListeners.push(
    (ticket, action) => metrics.onTicketChanged(ticket, action),
    (ticket, action) => sla.ticketChanged(ticket, action),
  );
  // --- Issue 9: incidents, notices, broadcasts, outage clock -------------------------------
  const toIncidentQueue = (broadcastId: string) => dispatchBroadcast(queues.incidents, broadcastId);
  const incidents = createIncidentService({ repo, translator, now, newId, logger, dispatchBroadcast: toIncidentQueue });
  // Planned-cut notices also reach the locality's active committee members (issue 6).
  const committeeRecipients = createCommitteeRecipients(repo);
  const notices = createNoticeService({
    repo,
    translator,
    now,
    newId,
    logger,
    maxWindowHours: config.NOTICE_MAX_WINDOW_HOURS,
    committeeRecipients,
    dispatchBroadcast: toIncidentQueue,
  });
  const outageClock = createOutageClock({
    repo,
    queue: queues.incidents,
    translator,
    dispatcher,
    now,
    logger,
    hours: config.INCIDENT_TRUCK_ALERT_HOURS,
  });
  const broadcasts = createBroadcastRunner({
    repo,
    translator,
    feedback,
    dispatcher,
    now,
    logger,
    messagesPerSecond: config.BROADCAST_MESSAGES_PER_SECOND,
    committeeRecipients,
    // What an operator's resolve triggers, minus the ordinary question (the broadcast asked it).
    afterTicketResolved: async (ticket) => {
      const action = { type: 'resolve', note: ticket.resolutionNote ?? '' } as const;
      metrics.onTicketChanged(ticket, action);
      await sla.ticketChanged(ticket, action);
    },
  });
  const ticketCommands = createOperatorCommandHandler({ repo, ticketService: tickets, translator, now, newId, logger });
  const incidentCommands = createIncidentCommandHandler({ incidents, notices, redis, prefix, translator, now, newId, logger });
  // -------------------------------------------------------------------------------------------

  const operatorInbound = createOperatorInbound({
    repo,
    commands: {
      handle: async (input) => (await incidentCommands.handle(input)) ?? ticketCommands.handle(input),
    },
    dispatcher,
    logger,
    now,
    translator,
    newId,
  });

  // --- Abuse limits (issue 7.2, 7.3): per-sender windows in Redis, caps in the send path. ---
  const statusLookupWindow = createRateWindow({ redis, prefix, name: 'status-lookups', limit: config.STATUS_LOOKUPS_PER_HOUR, windowSeconds: 3600 });
  const inboundFlood = createInboundFloodGuard({
    window: createRateWindow({ redis, prefix, name: 'inbound', limit: config.INBOUND_LIMIT_PER_NUMBER, windowSeconds: config.INBOUND_LIMIT_WINDOW_SECONDS }),
  });
  const sendCaps = createSendCaps({
    redis,
    prefix,
    repo,
    allowedCountryCodes: parseCountryCodes(config.RESIDENT_COUNTRY_CODES),
    perRecipientDaily: config.SMS_DAILY_CAP_PER_RECIPIENT,
    perLocalityDaily: config.SMS_DAILY_CAP_PER_LOCALITY,
    now: clock,
    onCapHit: createSendCapAlerts({ repo, translator, dispatcher, logger, now }),
  });
  // Every new ticket, from a conversation or from Open311, gets the same metrics, alerts and SLA jobs.
  const onTicketsOpened = async (opened: Ticket[]) => {
    for (const ticket of opened) metrics.ticketsOpened.inc({ category: ticket.category });
    await alerts.ticketsOpened(opened);
    await sla.ticketsOpened(opened);
    await outageClock.ticketsOpened(opened).catch((error: unknown) => logger.warn({ err: { message: (error as Error).message } }, 'outage clock not started; the start-up rebuild starts it'));
  };

  // Committees and publication (issue 6).
  const publication = createPublicationFigures({ repo, now });
  const committees = createCommitteeService({ repo, translator, dispatcher, now, newId });
  const summaries = createSummaryService({ repo, figures: publication, translator, dispatcher, now, newId, logger, publicBaseUrl: config.PUBLIC_BASE_URL });
  const summaryOnDemand = createSummaryOnDemand({ repo, summaries, translator, dispatcher, redis, prefix, newId });

  const processor = createConversationProcessor({
    statusLookups: { allow: async (residentId, messageId) => (await statusLookupWindow.hit(residentId, messageId)).allowed },
    inboundFlood,
    repo,
    sessions,
    lock,
    flows,
    translator,
    dispatcher,
    logger,
    sessionTimeoutMinutes: config.SESSION_TIMEOUT_MINUTES,
    clock,
    newId,
    operatorInbound,
    summaryOnDemand,
    computeDeadlines: slaDeadlines.computeDeadlines,
    resolutionAfterReopen: slaDeadlines.resolutionAfterReopen,
    onTicketsOpened,
    onTicketReopened: (ticket) => sla.schedule(ticket),
    onDeadLettered: (event) => metrics.inboundDeadLettered.inc({ ticket: event.ticketIds.length > 0 ? 'opened' : 'none' }),
    // Issue 9: reports of one sector (or pins close together) join one open incident.
    incidents: {
      categories: config.INCIDENT_CATEGORIES,
      windowMinutes: config.INCIDENT_LINK_WINDOW_MINUTES,
      maxDistanceMeters: config.INCIDENT_LINK_DISTANCE_METERS,
    },
  });

  // Server-side SVG charts and the public transparency page (issue 6).
  const charts = createSvgChartRenderer();
  const transparency = createTransparencyService({ repo, figures: publication, charts, translator, renderer: createTransparencyRenderer(), now });

  return {
    publication,
    committees,
    summaries,
    config,
    logger,
    clock,
    now,
    newId,
    repo,
    redis,
    bullmqRedis,
    prefix,
    queues,
    translator,
    flows,
    transport,
    dispatcher,
    sessions,
    dedupe,
    spool,
    processor,
    sla,
    alerts,
    feedback,
    localities: createLocalityService({ repo, now, newId }),
    users: createUserService({ repo, now, newId }),
    apiTokens: createApiTokenService({ repo, now, newId }),
    tickets,
    metrics,
    sendCaps,
    schedulers: createSchedulerRegistry({ redis, prefix, logger }),
    incidents,
    notices,
    broadcasts,
    outageClock,
    // Open311 (issue 6)
    charts,
    transparency,
    open311Keys: createOpen311KeyService({ repo, now, newId }),
    open311Intake: createOpen311Intake({
      repo,
      now,
      newId,
      logger,
      computeDeadlines: slaDeadlines.computeDeadlines,
      onTicketsOpened,
    }),
    ticketChangeListeners,
    isLocalMode: !hasTwilioCredentials(config),
    async close() {
      await queues.close().catch(() => undefined);
      await charts.close().catch(() => undefined);
      redis.disconnect();
      bullmqRedis.disconnect();
      await repo.close();
    },
  };
}
