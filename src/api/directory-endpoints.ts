/**
 * `/localities` and `/users`: who works where. Operators see the localities they are bound to;
 * supervisors also see the accounts of their localities' staff; only admins create accounts.
 */
import type { z } from 'zod';
import { canAccessLocality, visibleLocalityIds } from '../auth/access-policy';
import type { AuthenticatedUser } from '../auth/auth-types';
import type { Locality } from '../domain/locality';
import { maskPhone } from '../shared/phone';
import type { Repository } from '../store/repository';
import type { UserService, UserSummary } from '../users/user-service';
import { ApiError } from './api-errors';
import { defineEndpoint, type Endpoint } from './api-endpoint';
import { idParamsSchema } from './common-schemas';
import {
  createdUserSchema,
  createUserBodySchema,
  disabledUserSchema,
  updateUserBodySchema,
  listUsersQuerySchema,
  localityListSchema,
  type localitySchema,
  userListSchema,
  userSchema,
} from './user-schemas';

export interface DirectoryEndpointDeps {
  repo: Repository;
  userService: UserService;
}

/** `GET /localities`, `GET /users` (supervisor, admin), `POST /users` (admin). */
export function directoryEndpoints(deps: DirectoryEndpointDeps): Endpoint[] {
  return [
    defineEndpoint({
      method: 'get',
      path: '/localities',
      operationId: 'listLocalities',
      summary: 'Localities you work in (admins: all)',
      tags: ['localities'],
      response: { status: 200, description: 'The localities.', schema: localityListSchema },
      async handle({ user }) {
        const all = await deps.repo.listLocalities();
        const visible = new Set(visibleLocalityIds(user, all.map((l) => l.id)));
        return { items: all.filter((l) => visible.has(l.id)).map(toLocalityJson) };
      },
    }),
    defineEndpoint({
      method: 'get',
      path: '/users',
      operationId: 'listUsers',
      summary: 'Operator accounts (supervisors: those sharing one of their localities)',
      tags: ['users'],
      roles: ['supervisor'],
      request: { query: listUsersQuerySchema },
      response: { status: 200, description: 'The users, without password hashes.', schema: userListSchema },
      errors: [400, 403],
      async handle({ query, user }) {
        const users = await deps.userService.listUsers({ localityId: query.locality_id, role: query.role });
        return { items: users.filter((u) => isVisibleUser(user, u)).map(toUserJson) };
      },
    }),
    defineEndpoint({
      method: 'post',
      path: '/users',
      operationId: 'createUser',
      summary: 'Create an operator, supervisor or admin account (admins only)',
      tags: ['users'],
      roles: ['admin'],
      request: { body: createUserBodySchema },
      response: { status: 201, description: 'The new user; `password` only when it was generated.', schema: createdUserSchema },
      errors: [400, 403, 409],
      async handle({ body }) {
        const created = await deps.userService.addUser({
          username: body.username,
          name: body.name,
          role: body.role,
          localityIds: body.locality_ids,
          phone: body.phone,
          password: body.password,
          onDuty: body.on_duty,
          language: body.language,
        });
        return { user: toUserJson(created.user), ...(body.password === undefined ? { password: created.password } : {}) };
      },
    }),
    defineEndpoint({
      method: 'patch',
      path: '/users/:id',
      operationId: 'updateUser',
      summary: 'Change an account: phone, localities, on-duty status, language, name or role (admins only)',
      tags: ['users'],
      roles: ['admin'],
      request: { params: idParamsSchema, body: updateUserBodySchema },
      response: { status: 200, description: 'The user after the change.', schema: userSchema },
      errors: [400, 403, 404, 409],
      async handle({ params, body }) {
        const updated = await deps.userService.updateUser(params.id, {
          name: body.name,
          role: body.role,
          localityIds: body.locality_ids,
          phone: body.phone,
          onDuty: body.on_duty,
          language: body.language,
        });
        return toUserJson(updated);
      },
    }),
    defineEndpoint({
      method: 'post',
      path: '/users/:id/disable',
      operationId: 'disableUser',
      summary: 'Disable an account: its console sessions end, its API tokens are revoked, no SMS commands or alerts (admins only)',
      tags: ['users'],
      roles: ['admin'],
      request: { params: idParamsSchema },
      response: { status: 200, description: 'The disabled user.', schema: disabledUserSchema },
      errors: [400, 403, 404],
      async handle({ params, user }) {
        if (params.id === user.id) throw new ApiError('invalid_request', 'you cannot disable your own account');
        const result = await deps.userService.disableUser(params.id);
        return { user: toUserJson(result.user), tokens_revoked: result.tokensRevoked };
      },
    }),
    defineEndpoint({
      method: 'post',
      path: '/users/:id/enable',
      operationId: 'enableUser',
      summary: 'Enable a disabled account again (admins only); revoked tokens stay revoked',
      tags: ['users'],
      roles: ['admin'],
      request: { params: idParamsSchema },
      response: { status: 200, description: 'The user.', schema: userSchema },
      errors: [400, 403, 404],
      async handle({ params }) {
        return toUserJson((await deps.userService.enableUser(params.id)).user);
      },
    }),
  ];
}

/** Admins see everyone; others see accounts sharing at least one of their localities. */
function isVisibleUser(viewer: AuthenticatedUser, other: UserSummary): boolean {
  if (viewer.role === 'admin' || other.id === viewer.id) return true;
  return other.localityIds.some((id) => canAccessLocality(viewer, id));
}

function toLocalityJson(locality: Locality): z.input<typeof localitySchema> {
  return {
    id: locality.id,
    slug: locality.slug,
    name: locality.name,
    time_zone: locality.timeZone,
    sectors: locality.sectors,
    phone_numbers: locality.phoneNumbers,
    is_catch_all: locality.isCatchAll,
    created_at: locality.createdAt,
  };
}

function toUserJson(user: UserSummary): z.input<typeof userSchema> {
  return {
    id: user.id,
    username: user.username,
    name: user.name,
    role: user.role,
    masked_phone: user.phone ? maskPhone(user.phone) : null,
    locality_ids: user.localityIds,
    on_duty: user.onDuty,
    language: user.language ?? 'es',
    disabled_at: user.disabledAt ?? null,
    created_at: user.createdAt,
    updated_at: user.updatedAt,
  };
}
