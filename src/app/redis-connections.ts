/**
 * Two kinds of Redis connection: a "fast-fail" one for the webhook's hot path (sessions, locks,
 * dedupe keys), which errors at once when Redis is down so intake can carry on without it; and
 * BullMQ's, which must wait and retry (`maxRetriesPerRequest: null`, as BullMQ requires).
 */
import Redis from 'ioredis';

export function createFastFailRedis(url: string): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    connectTimeout: 2000,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  });
}

export function createBullmqRedis(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: false });
}
