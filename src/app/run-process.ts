/**
 * Runs the web server, the workers, or both (the embedded default), with a graceful shutdown on
 * SIGTERM/SIGINT: stop taking webhooks, finish jobs in flight, close connections.
 */
import type { Server } from 'node:http';
import { loadConfig } from '../config/config';
import { createHttpApp, createWorkerHttpApp } from '../http/app';
import { createContainer, type Container } from './container';
import { startMaintenanceWorker, startSpoolReplayer } from './maintenance';
import { prepareStore } from './prepare-store';
import { startWorkers } from './workers';

export interface RunProcessOptions {
  web: boolean;
  worker: boolean;
}

interface Closable {
  close(): Promise<void>;
}

export async function runProcess(options: RunProcessOptions): Promise<void> {
  const config = loadConfig();
  const container = createContainer(config, { sqliteInThread: true });
  const { logger } = container;
  await waitForRedis(container);

  const closables: Closable[] = [];
  let shuttingDown = false;
  let server: Server | null = null;

  /** What needs the store: first-start duties, the workers, the schedulers. */
  const startWithStore = async () => {
    await prepareStore(container);
    if (options.worker) {
      closables.push(await startWorkers(container));
      closables.push(await startMaintenanceWorker(container));
      // Every component registered its schedulers above; install them, and again whenever Redis
      // comes back without them (issue 7.1).
      await container.schedulers.installAll();
      closables.push(container.schedulers.watch({ connection: container.bullmqRedis, checkEveryMs: config.SCHEDULER_CHECK_SECONDS * 1000 }));
    }
  };
  // A store that cannot open (disk full, file locked, MongoDB down) must not keep the webhook
  // down (issue 7.7): intake comes up and spools, and the store is tried again until it opens.
  if (await openStore(container)) await startWithStore();
  else closables.push(retryStoreOpen(container, config.STORE_OPEN_RETRY_SECONDS * 1000, startWithStore, () => shuttingDown));

  if (options.web) {
    closables.push(startSpoolReplayer(container));
    const app = createHttpApp(container, { isShuttingDown: () => shuttingDown, requireSchedulers: options.worker });
    server = await listen(app, config.PORT, config.HOST);
    const where = `http://${config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST}:${config.PORT}`;
    logger.info({ url: where, localMode: container.isLocalMode }, 'web server listening');
    console.log(`AguaVoz is listening on ${where}${container.isLocalMode ? '  (local mode: no Twilio account; try `npx aguavoz chat`)' : ''}`);
  } else {
    // A worker alone still answers /healthz, /readyz and /metrics for its orchestrator.
    server = await listen(createWorkerHttpApp(container, { isShuttingDown: () => shuttingDown, requireSchedulers: true }), config.PORT, config.HOST);
    logger.info({ port: config.PORT }, 'worker health and metrics listening');
  }

  const shutdown = async (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info({ signal }, 'shutting down: no new webhooks, finishing jobs in flight');
    const forced = setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, 25_000);
    forced.unref();
    if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
    for (const closable of closables.reverse()) await closable.close().catch((error: Error) => logger.warn({ err: { message: error.message } }, 'close failed'));
    await container.close();
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
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
