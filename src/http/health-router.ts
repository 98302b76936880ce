/**
 * `/healthz`: the process is up (for restarts). `/readyz`: the store and Redis answer, and (in a
 * process that runs workers) the job schedulers and SLA deadlines are installed in Redis, so a
 * Redis that came back empty is not reported ready until they are back (issue 7.1). A web-only
 * process shows the schedulers' state without failing on it: a worker elsewhere installs them,
 * and taking every web instance out of the load balancer would refuse Twilio's webhooks.
 */
import { Router } from 'express';
import type Redis from 'ioredis';
import type { Repository } from '../store/repository';

export interface HealthRouterDeps {
  repo: Repository;
  redis: Redis;
  isShuttingDown: () => boolean;
  schedulers?: { isInstalled(): Promise<boolean> };
  /** True where this process installs the schedulers: missing ones make it not ready. */
  requireSchedulers?: boolean;
}

export function createHealthRouter(deps: HealthRouterDeps): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const checks: Record<string, 'ok' | 'down' | 'missing'> = { store: 'ok', redis: 'ok' };
    await deps.repo.ping().catch(() => {
      checks.store = 'down';
    });
    await deps.redis.ping().catch(() => {
      checks.redis = 'down';
    });
    if (deps.schedulers) {
      checks.schedulers = checks.redis === 'ok' && (await deps.schedulers.isInstalled().catch(() => false)) ? 'ok' : 'missing';
    }
    const schedulersOk = !deps.requireSchedulers || checks.schedulers === 'ok';
    const ready = !deps.isShuttingDown() && checks.store === 'ok' && checks.redis === 'ok' && schedulersOk;
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', shuttingDown: deps.isShuttingDown(), checks });
  });
  return router;
}
