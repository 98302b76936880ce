/**
 * Runs the web server, the workers, or both (the embedded default), with a graceful shutdown on
 * SIGTERM/SIGINT: stop taking webhooks, finish jobs in flight, close connections.
 *
 * `startService` is the whole start-up without the process-level parts (environment, signals,
 * `process.exit`), so the integration tests boot exactly what `aguavoz start` boots
 * (test/support/service-harness.ts). New start-up wiring goes in `startService`, never in
 * `runProcess`, or the tests cannot see it.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig, type Config } from '../config/config';
import { createHttpApp, createWorkerHttpApp } from '../http/app';
import { createContainer, type Container, type ContainerOptions } from './container';
import { startMaintenanceWorker, startSpoolReplayer, type MaintenanceOptions } from './maintenance';
import { prepareStore } from './prepare-store';
import { startWorkers } from './workers';

export interface RunProcessOptions {
  web: boolean;
  worker: boolean;
}

export interface StartServiceOptions extends RunProcessOptions {
  /** Test seams of the composition root (clock, transport); production passes none. */
  container?: ContainerOptions;
  /** Sweep and replay periods; production uses the defaults of maintenance.ts. */
  maintenance?: MaintenanceOptions;
  /** Port to listen on; default `config.PORT` (tests pass 0 for a free port). */
  port?: number;
  /** Milliseconds to wait for Redis at start-up. */
  redisTimeoutMs?: number;
}

export interface StopOptions {
  /**
   * Keep serving this long with `/readyz` answering 503 before the server closes, so a load
   * balancer moves away first. Default 0.
   */
  drainMs?: number;
}

export interface RunningService {
  container: Container;
  server: Server;
  /** `http://127.0.0.1:<port>` (or the host it listens on). */
  url: string;
  isShuttingDown(): boolean;
  /** Readiness off, stop taking requests, finish jobs in flight, close every connection. */
  stop(options?: StopOptions): Promise<void>;
}

interface Closable {
  close(): Promise<void>;
}

export async function startService(config: Config, options: StartServiceOptions): Promise<RunningService> {
  // The store thread is opt-in (SQLITE_STORE_THREAD): see README, "Performance and scale-out".
  const container = createContainer(config, { sqliteInThread: config.SQLITE_STORE_THREAD, ...options.container });
  await waitForRedis(container, options.redisTimeoutMs);

  const closables: Closable[] = [];
  let shuttingDown = false;
  let stopping: Promise<void> | null = null;
  const isShuttingDown = () => shuttingDown;

  /** What needs the store besides intake: the workers and their schedulers. */
  const startWorkersWithStore = async () => {
    if (!options.worker) return;
    closables.push(await startWorkers(container));
    closables.push(await startMaintenanceWorker(container, options.maintenance));
    // Every component registered its schedulers above; install them, and again whenever Redis
    // comes back without them (issue 7.1).
    await container.schedulers.installAll();
    closables.push(container.schedulers.watch({ connection: container.bullmqRedis, checkEveryMs: config.SCHEDULER_CHECK_SECONDS * 1000 }));
  };
  // A store that cannot open (disk full, file locked, MongoDB down) must not keep the webhook
  // down (issue 7.7): intake comes up and spools, and the store is tried again until it opens.
  const storeOpen = await openStore(container);
  if (storeOpen) await prepareStore(container);
  else {
    closables.push(
      retryStoreOpen(container, config.STORE_OPEN_RETRY_SECONDS * 1000, async () => {
        await prepareStore(container);
        await startWorkersWithStore();
      }, isShuttingDown),
    );
  }

  // The server listens before the workers start: intake needs only the store, Redis and the
  // queue (a message accepted now waits in its queue for the worker, ~50 ms away), and a
  // restart answers Twilio sooner (issue 11). /readyz stays 503 until the schedulers are in.
  let server: Server;
  if (options.web) {
    closables.push(startSpoolReplayer(container, options.maintenance));
    server = await listen(createHttpApp(container, { isShuttingDown, requireSchedulers: options.worker }), options.port ?? config.PORT, config.HOST);
  } else {
    // A worker alone still answers /healthz, /readyz and /metrics for its orchestrator.
    server = await listen(createWorkerHttpApp(container, { isShuttingDown, requireSchedulers: true }), options.port ?? config.PORT, config.HOST);
  }
  if (storeOpen) {
    try {
      await startWorkersWithStore();
    } catch (error) {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      throw error;
    }
  }
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST}:${port}`;

  async function stop(stopOptions: StopOptions = {}): Promise<void> {
    shuttingDown = true;
    if (stopOptions.drainMs) await new Promise((resolve) => setTimeout(resolve, stopOptions.drainMs));
    await new Promise<void>((resolve) => server.close(() => resolve()));
    for (const closable of closables.reverse()) await closable.close().catch((error: Error) => container.logger.warn({ err: { message: error.message } }, 'close failed'));
    await container.close();
  }

  return {
    container,
    server,
    url,
    isShuttingDown,
    stop(stopOptions) {
      stopping ??= stop(stopOptions);
      return stopping;
    },
  };
}

export async function runProcess(options: RunProcessOptions): Promise<void> {
  const config = loadConfig();
  const service = await startService(config, options);
  const { logger, isLocalMode } = service.container;
  if (options.web) {
    logger.info({ url: service.url, localMode: isLocalMode }, 'web server listening');
    console.log(`AguaVoz is listening on ${service.url}${isLocalMode ? '  (local mode: no Twilio account; try `npx aguavoz chat`)' : ''}`);
  } else {
    logger.info({ port: config.PORT }, 'worker health and metrics listening');
  }

  let signalled = false;
  const shutdown = async (signal: string) => {
    if (signalled) return;
    signalled = true;
    logger.info({ signal }, 'shutting down: no new webhooks, finishing jobs in flight');
    const forced = setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, 25_000);
    forced.unref();
    await service.stop();
    logger.info('stopped');
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

/** True once the store is open; false (logged) when it cannot open now. */
async function openStore(container: Container): Promise<boolean> {
  try {
    await container.repo.init();
    return true;
  } catch (error) {
    const { code, message } = error as { code?: unknown; message?: string };
    container.logger.error(
      { err: { code, message }, spoolDir: container.config.SPOOL_DIR },
      'the store cannot open: webhooks are answered and spooled, and the store is tried again',
    );
    console.error(`The store cannot open (${message}). Intake spools to ${container.config.SPOOL_DIR} until it opens.`);
    return false;
  }
}

function retryStoreOpen(container: Container, everyMs: number, onOpen: () => Promise<void>, stopped: () => boolean): Closable {
  let timer: NodeJS.Timeout | null = null;
  let current: Promise<void> | null = null;
  const attempt = async () => {
    if (stopped()) return;
    try {
      await container.repo.init();
    } catch {
      timer = setTimeout(() => void (current = attempt()), everyMs);
      return;
    }
    container.logger.warn('the store opened: starting the workers; the spool is replayed');
    await onOpen().catch((error: Error) => container.logger.error({ err: { message: error.message } }, 'start after the store opened failed'));
  };
  timer = setTimeout(() => void (current = attempt()), everyMs);
  return {
    async close() {
      if (timer) clearTimeout(timer);
      await current;
    },
  };
}

function listen(app: ReturnType<typeof createHttpApp | typeof createWorkerHttpApp>, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, () => resolve(server));
    server.once('error', reject);
  });
}

/** The fast-fail Redis connection refuses commands until it is ready: wait for it at start-up. */
async function waitForRedis(container: Container, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await container.redis.ping();
      return;
    } catch (error) {
      if (Date.now() > deadline) {
        throw new Error(`Redis at ${container.config.REDIS_URL} does not answer. Start it, e.g.: redis-server --daemonize yes`);
      }
      // The fast-fail connection refuses commands until it is connected (no offline queue), so
      // the first ping of every start fails while the socket is still opening. Waiting for
      // 'ready' instead of a fixed pause took 200 ms off every start-up (issue 11).
      await untilReadyOr(container.redis, 200);
    }
  }
}

/** Resolves when `redis` reports 'ready', or after `ms`, whichever comes first. */
function untilReadyOr(redis: Container['redis'], ms: number): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      redis.off('ready', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    redis.once('ready', done);
  });
}
