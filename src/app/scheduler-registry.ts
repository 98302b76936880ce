/**
 * One place that knows every job scheduler and every delayed job rebuilt from the store, so
 * that all of them come back after Redis lost its data (issue 7.1: a failover or a restart
 * without AOF turned off the sweepers and every SLA deadline until the process restarted).
 *
 * Each component registers an idempotent installer (`upsertJobScheduler`, or "rebuild my delayed
 * jobs from the store"): the maintenance sweeps, the SLA deadlines, and later the weekly
 * committee summaries or an incident clock. `installAll()` runs them all and then writes a marker
 * key; a Redis that comes back empty has lost the marker too, which is how the watcher notices
 * (on every reconnect and every `checkEveryMs`) and installs everything again. `/readyz` reports
 * not ready while the marker is missing.
 *
 * @example
 *   container.schedulers.register({ name: 'committee-summary', install: () => queue.upsertJobScheduler('weekly', { pattern: '0 8 * * 1' }) });
 */
import type Redis from 'ioredis';
import type { Logger } from '../shared/logger';

export interface SchedulerInstaller {
  /** For logs, e.g. `maintenance-sweeps`. */
  name: string;
  /** Must be idempotent: it runs at every start and after every Redis data loss. */
  install(): Promise<unknown>;
}

export interface SchedulerWatch {
  close(): Promise<void>;
}

export interface SchedulerRegistry {
  register(installer: SchedulerInstaller): void;
  /** Names registered so far, in order. */
  names(): string[];
  /** Runs every installer (in order; a failure stops and throws) and then sets the marker. */
  installAll(): Promise<void>;
  /** True while the marker is in Redis; false when Redis lost it (or nothing was installed yet). */
  isInstalled(): Promise<boolean>;
  /**
   * Re-installs whenever the marker is missing: checked on each reconnect of `connection` and
   * every `checkEveryMs`. Only processes that run workers watch.
   */
  watch(options: { connection: Pick<Redis, 'on' | 'off'>; checkEveryMs: number }): SchedulerWatch;
}

export function schedulersMarkerKey(prefix: string): string {
  return `${prefix}:schedulers-installed`;
}

export function createSchedulerRegistry(deps: { redis: Pick<Redis, 'get' | 'set'>; prefix: string; logger: Logger; now?: () => Date }): SchedulerRegistry {
  const installers: SchedulerInstaller[] = [];
  const marker = schedulersMarkerKey(deps.prefix);
  const now = deps.now ?? (() => new Date());
  let running: Promise<void> | null = null;

  async function installAll(): Promise<void> {
    for (const installer of installers) {
      try {
        await installer.install();
      } catch (error) {
        deps.logger.warn({ scheduler: installer.name, err: { message: (error as Error).message } }, 'scheduler install failed; will retry');
        throw error;
      }
    }
    await deps.redis.set(marker, now().toISOString());
  }

  /** One install at a time; a check while one runs waits for it. */
  function installOnce(): Promise<void> {
    running ??= installAll().finally(() => {
      running = null;
    });
    return running;
  }

  async function isInstalled(): Promise<boolean> {
    return (await deps.redis.get(marker)) !== null;
  }

  return {
    register(installer) {
      installers.push(installer);
    },
    names: () => installers.map((installer) => installer.name),
    installAll: installOnce,
    isInstalled,
    watch({ connection, checkEveryMs }) {
      let closed = false;
      let checking: Promise<void> | null = null;
      const check = () => {
        if (closed || checking) return;
        checking = (async () => {
          if (await isInstalled()) return;
          deps.logger.warn({ schedulers: installers.map((i) => i.name) }, 'job schedulers missing in Redis (emptied or new Redis): installing them again');
          await installOnce();
          deps.logger.info('job schedulers and SLA deadlines installed again');
        })()
          .catch((error: Error) => deps.logger.warn({ err: { message: error.message } }, 'scheduler check failed; will retry'))
          .finally(() => {
            checking = null;
          });
      };
      const onReady = () => check();
      connection.on('ready', onReady);
      const timer = setInterval(check, checkEveryMs);
      timer.unref();
      return {
        async close() {
          closed = true;
          clearInterval(timer);
          connection.off('ready', onReady);
          await checking;
        },
      };
    },
  };
}
