/**
 * Console login throttling (issue 7.8), in Redis so it holds across web processes:
 *
 * - **per IP and username** (10 failures / 15 min): guessing one account's password;
 * - **per IP, across usernames** (`LOGIN_FAILURES_PER_IP`, 30 / 15 min): password spraying, one
 *   guess at many accounts;
 * - **known devices**: a successful login leaves a random, httpOnly `av_device` cookie tied to
 *   that username (a Redis key holds its hash, 180 days). A login for that username from that
 *   device skips both limits above, so an attacker who trips them (or who shares the office's
 *   proxy IP) cannot lock the real user out of a correct login from the phone or PC they used
 *   before; it has a limit of its own (10 failures / 15 min per device) so a stolen cookie is no
 *   free pass. A new device still waits out the lock-out.
 *
 * The client IP is `req.ip`, which follows `TRUST_PROXY`: behind a reverse proxy set it, or every
 * client shares the proxy's IP bucket. Successful logins are not counted.
 */
import { createHash, randomBytes } from 'node:crypto';
import cookieParser from 'cookie-parser';
import type { CookieOptions, Request, RequestHandler, Response } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import type Redis from 'ioredis';
import { RedisStore, type RedisReply } from 'rate-limit-redis';
import type { Logger } from '../shared/logger';

export const DEVICE_COOKIE = 'av_device';
const DEVICE_TTL_SECONDS = 180 * 24 * 3600;

export interface LoginLimit {
  limit: number;
  windowMs: number;
}

export interface LoginThrottleOptions {
  redis: Redis;
  keyPrefix: string;
  logger: Logger;
  perIpAndUsername: LoginLimit;
  perIp: LoginLimit;
  perKnownDevice?: LoginLimit;
  cookieOptions: CookieOptions;
  /** Answers a throttled request (the login page with "too many tries", 429). */
  onLimited: (req: Request, res: Response) => void;
}

export interface LoginThrottle {
  /** Run before checking the password, in this order. */
  middlewares: RequestHandler[];
  /** After a successful login: this device is now known for this username. */
  rememberDevice(req: Request, res: Response, username: string): Promise<void>;
}

function usernameOf(req: Request): string {
  const value = (req.body as Record<string, unknown> | undefined)?.username;
  return typeof value === 'string' ? value.trim().toLowerCase().slice(0, 64) : '';
}

function hash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function createLoginThrottle(options: LoginThrottleOptions): LoginThrottle {
  const parseCookies = cookieParser();
  const deviceKey = (token: string) => `${options.keyPrefix}:known-device:${hash(token)}`;
  const store = (name: string) =>
    new RedisStore({
      prefix: `${options.keyPrefix}:${name}:`,
      sendCommand: (command: string, ...args: string[]) => options.redis.call(command, ...args) as Promise<RedisReply>,
    });
  const known = (res: Response) => res.locals.knownDevice === true;
  const deviceToken = (req: Request): string | undefined => {
    const value = (req.cookies as Record<string, unknown> | undefined)?.[DEVICE_COOKIE];
    return typeof value === 'string' && /^[A-Za-z0-9_-]{20,100}$/.test(value) ? value : undefined;
  };

  const recognizeDevice: RequestHandler = (req, res, next) => {
    parseCookies(req, res, () => {
      const token = deviceToken(req);
      const username = usernameOf(req);
      if (!token || !username) {
        next();
        return;
      }
      options.redis
        .get(deviceKey(token))
        .then((stored) => {
          res.locals.knownDevice = stored === username;
          next();
        })
        .catch(next);
    });
  };

  const limiter = (name: string, limit: LoginLimit, keyGenerator: (req: Request) => string, skip: (req: Request, res: Response) => boolean) =>
    rateLimit({
      windowMs: limit.windowMs,
      limit: limit.limit,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      skipSuccessfulRequests: true,
      keyGenerator,
      skip,
      store: store(name),
      handler: (req, res) => {
        options.logger.warn({ limit: name }, 'console login rate limit reached');
        options.onLimited(req, res);
      },
    });

  const ip = (req: Request) => ipKeyGenerator(req.ip ?? 'unknown');
  return {
    middlewares: [
      recognizeDevice,
      limiter('login-limit-ip', options.perIp, ip, (_req, res) => known(res)),
      // The key of the original per-IP-and-username limiter, kept so existing counters still count.
      limiter('login-limit', options.perIpAndUsername, (req) => `${ip(req)}|${usernameOf(req)}`, (_req, res) => known(res)),
      limiter('login-limit-device', options.perKnownDevice ?? { limit: 10, windowMs: 15 * 60_000 }, (req) => hash(deviceToken(req) ?? ''), (_req, res) => !known(res)),
    ],
    async rememberDevice(req, res, username) {
      const name = username.trim().toLowerCase().slice(0, 64);
      const current = deviceToken(req);
      if (current && (await options.redis.get(deviceKey(current))) === name) return;
      const token = randomBytes(32).toString('base64url');
      await options.redis.set(deviceKey(token), name, 'EX', DEVICE_TTL_SECONDS);
      res.cookie(DEVICE_COOKIE, token, { ...options.cookieOptions, maxAge: DEVICE_TTL_SECONDS * 1000 });
    },
  };
}
