/**
 * `/healthz`: the process is up (for restarts). `/readyz`: the store and Redis answer (for load
 * balancers: stop sending webhooks to an instance that cannot store them).
 */
import { Router } from 'express';
import type Redis from 'ioredis';
import type { Repository } from '../store/repository';

export function createHealthRouter(deps: { repo: Repository; redis: Redis; isShuttingDown: () => boolean }): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const checks: Record<string, 'ok' | 'down'> = { store: 'ok', redis: 'ok' };
    await deps.repo.ping().catch(() => {
      checks.store = 'down';
    });
    await deps.redis.ping().catch(() => {
      checks.redis = 'down';
    });
    const ready = !deps.isShuttingDown() && checks.store === 'ok' && checks.redis === 'ok';
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', shuttingDown: deps.isShuttingDown(), checks });
  });
  return router;
}
