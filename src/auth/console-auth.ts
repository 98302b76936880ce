/**
 * Console sign-in: the login form, Redis-backed sessions in an httpOnly SameSite cookie, CSRF
 * synchronizer tokens for every form, and login throttling per IP and username, per IP across
 * usernames, with known devices let through (see `login-throttle`; kept in Redis so it holds
 * across web processes).
 *
 * @example
 *   const auth = createConsoleAuth({ repo, redis, keyPrefix: 'aguavoz', userService, logger, now, secureCookies: true });
 *   app.use(auth.router);
 *   app.use('/tickets', auth.requireUser, auth.verifyCsrf, ticketsRouter);
 *   // in a form: <input type="hidden" name="_csrf" value="${auth.csrfTokenFor(req)}">
 */
import { timingSafeEqual } from 'node:crypto';
import cookieParser from 'cookie-parser';
import express, { Router, type CookieOptions, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type Redis from 'ioredis';
import { createLoginThrottle } from './login-throttle';
import type { Logger } from '../shared/logger';
import type { Repository } from '../store/repository';
import type { UserService } from '../users/user-service';
import { renderForbiddenPage, renderLoginPage } from './login-page';
import { wantsJson } from './request-kind';
import { createSessionStore, type ConsoleSession } from './session-store';

export const SESSION_COOKIE = 'av_session';
export const CSRF_FIELD = '_csrf';
export const CSRF_HEADER = 'x-csrf-token';

export interface ConsoleAuthDeps {
  repo: Repository;
  /** Any ioredis client; sessions and rate-limit counters live under `keyPrefix`. */
  redis: Redis;
  keyPrefix: string;
  userService: Pick<UserService, 'signIn' | 'toAuthenticatedUser'>;
  logger: Logger;
  now: () => string;
  /** Adds `Secure` to the cookie; true whenever the console is served over HTTPS. */
  secureCookies: boolean;
  /** Failed logins allowed per IP and username in the window (default 10 per 15 minutes). */
  loginRateLimit?: { limit: number; windowMs: number };
  /** Failed logins allowed per IP across all usernames (default 30 per 15 minutes; `LOGIN_FAILURES_PER_IP`). */
  loginIpRateLimit?: { limit: number; windowMs: number };
  /** Idle timeout of a session (default 12 h). */
  idleTimeoutSeconds?: number;
}

export interface ConsoleAuth {
  /** GET /login, POST /login, POST /logout. */
  router: Router;
  /** Sets `res.locals.user` (and `res.locals.csrfToken`), or redirects to /login (401 JSON for API-style requests). */
  requireUser: RequestHandler;
  /** After `requireUser`: refuses a POST/PUT/PATCH/DELETE without this session's token with 403. */
  verifyCsrf: RequestHandler;
  /** The token to put in a form's hidden `_csrf` input; only after `requireUser`. */
  csrfTokenFor(req: Request): string;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const DEFAULT_LOGIN_RATE_LIMIT = { limit: 10, windowMs: 15 * 60 * 1000 };
const DEFAULT_LOGIN_IP_RATE_LIMIT = { limit: 30, windowMs: 15 * 60 * 1000 };

/** Only same-site paths, so `?next=` cannot send a fresh login to another site. */
function safeNext(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 2000) return undefined;
  return /^\/(?![/\\])/.test(value) ? value : undefined;
}

function bodyString(req: Request, field: string): string {
  const value = (req.body as Record<string, unknown> | undefined)?.[field];
  return typeof value === 'string' ? value : '';
}

function sameToken(sent: string, expected: string): boolean {
  const a = Buffer.from(sent);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * A login form posted from another site (login CSRF). The form itself has no session yet to
 * carry a token, so the browser's `Origin` header is checked instead; clients that send none
 * (curl, tests) are not browsers and cannot be tricked into posting.
 */
function isCrossOrigin(req: Request): boolean {
  const origin = req.get('origin');
  if (!origin) return false;
  try {
    return new URL(origin).host !== req.get('host');
  } catch {
    return true;
  }
}

export function createConsoleAuth(deps: ConsoleAuthDeps): ConsoleAuth {
  const sessions = createSessionStore({
    redis: deps.redis,
    keyPrefix: deps.keyPrefix,
    now: deps.now,
    idleTimeoutSeconds: deps.idleTimeoutSeconds,
  });
  const resolved = new WeakMap<Request, { id: string; session: ConsoleSession }>();
  const parseCookies = cookieParser();
  const parseForm = express.urlencoded({ extended: false, limit: '20kb' });
  const cookieOptions: CookieOptions = { httpOnly: true, sameSite: 'lax', secure: deps.secureCookies, path: '/' };

  const run = (middleware: RequestHandler, req: Request, res: Response) =>
    new Promise<void>((resolve, reject) => {
      void middleware(req, res, (error?: unknown) => (error ? reject(error) : resolve()));
    });

  function sessionIdOf(req: Request): string | undefined {
    const value = (req.cookies as Record<string, unknown> | undefined)?.[SESSION_COOKIE];
    return typeof value === 'string' && value ? value : undefined;
  }

  /**
   * The session and its (freshly read) user, or null; clears a cookie that no longer works. A
   * session opened before the user's last password reset is ended here.
   */
  async function loadSession(req: Request, res: Response) {
    await run(parseCookies, req, res);
    const id = sessionIdOf(req);
    if (!id) return null;
    const session = await sessions.touch(id);
    const user = session ? await deps.repo.getUser(session.userId) : null;
    if (!session || !user || user.disabledAt || session.sessionVersion !== (user.sessionVersion ?? 0)) {
      if (session) {
        await sessions.destroy(id);
        deps.logger.info({ userId: session.userId }, 'console session ended: account reset, disabled or removed');
      }
      res.clearCookie(SESSION_COOKIE, cookieOptions);
      return null;
    }
    return { id, session, user: deps.userService.toAuthenticatedUser(user) };
  }

  function refuseCsrf(req: Request, res: Response): void {
    deps.logger.warn({ method: req.method, path: req.path }, 'console form refused: missing or wrong CSRF token');
    if (wantsJson(req)) {
      res.status(403).json({ error: { code: 'csrf_invalid', message: 'missing or wrong CSRF token' } });
      return;
    }
    res.status(403).type('html').send(renderForbiddenPage());
  }

  const throttle = createLoginThrottle({
    redis: deps.redis,
    keyPrefix: deps.keyPrefix,
    logger: deps.logger,
    perIpAndUsername: deps.loginRateLimit ?? DEFAULT_LOGIN_RATE_LIMIT,
    perIp: deps.loginIpRateLimit ?? DEFAULT_LOGIN_IP_RATE_LIMIT,
    cookieOptions,
    onLimited: (req, res) => {
      res
        .status(429)
        .type('html')
        .send(renderLoginPage({ problem: 'tooMany', username: bodyString(req, 'username'), next: safeNext(req.body?.next) }));
    },
  });

  const router = Router();

  router.get('/login', async (req, res) => {
    const next = safeNext(req.query.next);
    res.set('Cache-Control', 'no-store');
    if (await loadSession(req, res)) {
      res.redirect(303, next ?? '/');
      return;
    }
    res.type('html').send(renderLoginPage({ next }));
  });

  router.post('/login', parseForm, (req: Request, res: Response, next: NextFunction) => {
    if (isCrossOrigin(req)) {
      refuseCsrf(req, res);
      return;
    }
    next();
  }, ...throttle.middlewares, async (req: Request, res: Response) => {
    const username = bodyString(req, 'username');
    const password = bodyString(req, 'password');
    const next = safeNext(req.body?.next);
    res.set('Cache-Control', 'no-store');
    const signedIn = username && password ? await deps.userService.signIn(username, password) : null;
    if (!signedIn) {
      deps.logger.info('console login refused');
      res.status(401).type('html').send(renderLoginPage({ problem: 'invalid', username, next }));
      return;
    }
    await run(parseCookies, req, res);
    const previous = sessionIdOf(req);
    if (previous) await sessions.destroy(previous);
    const { id } = await sessions.create(signedIn.user.id, signedIn.sessionVersion);
    deps.logger.info({ userId: signedIn.user.id }, 'console login');
    await throttle.rememberDevice(req, res, username);
    res.cookie(SESSION_COOKIE, id, cookieOptions);
    res.redirect(303, next ?? '/');
  });

  router.post('/logout', parseForm, async (req: Request, res: Response) => {
    const current = await loadSession(req, res);
    if (current) {
      if (!sameToken(bodyString(req, CSRF_FIELD) || (req.get(CSRF_HEADER) ?? ''), current.session.csrfToken)) {
        refuseCsrf(req, res);
        return;
      }
      await sessions.destroy(current.id);
      deps.logger.info({ userId: current.user.id }, 'console logout');
    }
    res.clearCookie(SESSION_COOKIE, cookieOptions);
    res.redirect(303, '/login');
  });

  const requireUser: RequestHandler = async (req, res, next) => {
    try {
      const current = await loadSession(req, res);
      if (!current) {
        if (wantsJson(req)) {
          res.status(401).json({ error: { code: 'unauthorized', message: 'sign in first' } });
        } else {
          const back = req.method === 'GET' ? `?next=${encodeURIComponent(req.originalUrl)}` : '';
          res.redirect(303, `/login${back}`);
        }
        return;
      }
      resolved.set(req, { id: current.id, session: current.session });
      res.locals.user = current.user;
      res.locals.csrfToken = current.session.csrfToken;
      next();
    } catch (error) {
      next(error);
    }
  };

  const verifyCsrf: RequestHandler = async (req, res, next) => {
    try {
      if (SAFE_METHODS.has(req.method)) {
        next();
        return;
      }
      await run(parseForm, req, res);
      const current = resolved.get(req);
      const sent = bodyString(req, CSRF_FIELD) || (req.get(CSRF_HEADER) ?? '');
      if (!current || !sent || !sameToken(sent, current.session.csrfToken)) {
        refuseCsrf(req, res);
        return;
      }
      next();
    } catch (error) {
      next(error);
    }
  };

  return {
    router,
    requireUser,
    verifyCsrf,
    csrfTokenFor(req) {
      const current = resolved.get(req);
      if (!current) throw new Error('csrfTokenFor: requireUser must run before rendering a form');
      return current.session.csrfToken;
    },
  };
}
