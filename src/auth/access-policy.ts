/**
 * Who may see what. Operators and supervisors see only the localities they are bound to;
 * admins see every locality. Every entry point (console, REST API, SMS commands, ticket
 * service) asks these functions rather than comparing roles itself.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Role } from '../domain/user';
import { ForbiddenError, type AuthenticatedUser } from './auth-types';
import { wantsJson } from './request-kind';

type LocalityScopedUser = Pick<AuthenticatedUser, 'role' | 'localityIds'>;

/** @example canAccessLocality({ role: 'operator', localityIds: ['a'] }, 'b') // false */
export function canAccessLocality(user: LocalityScopedUser, localityId: string): boolean {
  return user.role === 'admin' || user.localityIds.includes(localityId);
}

/** Throws {@link ForbiddenError} when the user may not touch the locality's data. */
export function assertLocalityAccess(user: LocalityScopedUser, localityId: string): void {
  if (!canAccessLocality(user, localityId)) throw new ForbiddenError();
}

/**
 * The localities whose data the user may list, in the order of `allLocalityIds`.
 *
 * @example visibleLocalityIds({ role: 'operator', localityIds: ['b', 'x'] }, ['a', 'b']) // ['b']
 */
export function visibleLocalityIds(user: LocalityScopedUser, allLocalityIds: readonly string[]): string[] {
  if (user.role === 'admin') return [...allLocalityIds];
  const own = new Set(user.localityIds);
  return allLocalityIds.filter((id) => own.has(id));
}

/** True when the user has one of `roles`; admins pass every role check. */
export function hasRole(user: Pick<AuthenticatedUser, 'role'>, roles: readonly Role[]): boolean {
  return user.role === 'admin' || roles.includes(user.role);
}

/**
 * Express middleware placed after `requireUser` / `requireApiToken`: lets through users with one
 * of `roles` (admins always), answers 403 otherwise — JSON for API clients, a short HTML page
 * for the console.
 *
 * @example router.post('/users', requireRole('admin'), createUserHandler)
 */
export function requireRole(...roles: Role[]): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const user = res.locals.user as AuthenticatedUser | undefined;
    if (user && hasRole(user, roles)) {
      next();
      return;
    }
    const status = user ? 403 : 401;
    const code = user ? 'forbidden' : 'unauthorized';
    const message = user ? 'your role does not allow this action' : 'sign in first';
    if (wantsJson(req)) {
      res.status(status).json({ error: { code, message } });
      return;
    }
    res
      .status(status)
      .type('html')
      .send(`<!doctype html><meta charset="utf-8"><title>${status}</title><p>${message}</p><p><a href="/">&larr;</a></p>`);
  };
}
