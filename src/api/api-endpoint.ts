/**
 * An endpoint is declared once — method, path, zod schemas for params, query, body and response,
 * roles, handler — and that one declaration both mounts the express route and registers the
 * OpenAPI path. The document cannot drift from what the server validates and answers.
 *
 * Responses are parsed with their schema before they are sent: a field the schema does not
 * name (a password hash, a phone) is stripped, and a handler returning the wrong shape is a
 * 500, caught in tests, not a silent contract break.
 */
import type { Request, Response, Router } from 'express';
import type { OpenAPIRegistry, RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import type { AuthenticatedUser } from '../auth/auth-types';
import { hasRole } from '../auth/access-policy';
import type { Role } from '../domain/user';
import { ApiError, requestIssues, type RequestIssue } from './api-errors';
import { errorBodySchema } from './common-schemas';

type AnyObject = z.ZodObject<z.ZodRawShape>;
type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface EndpointContext<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  user: AuthenticatedUser;
  req: Request;
  res: Response;
}

export interface EndpointSpec<
  P extends AnyObject | undefined,
  Q extends AnyObject | undefined,
  B extends z.ZodType | undefined,
  R extends z.ZodType,
> {
  method: 'get' | 'post' | 'patch';
  /** Express-style, relative to the API root: `/tickets/:id`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  /** Roles allowed besides admin (admins pass every role check); omitted: any signed-in user. */
  roles?: Role[];
  request?: { params?: P; query?: Q; body?: B };
  response: { status: 200 | 201; description: string; schema: R };
  /** Error statuses this endpoint can answer besides 401 and 500 (documented with ErrorBody). */
  errors?: Array<400 | 403 | 404 | 409>;
  handle(ctx: EndpointContext<Out<P>, Out<Q>, Out<B>>): Promise<z.input<R>>;
}

/** A declared endpoint with its types erased, so lists of endpoints can be mounted together. */
export interface Endpoint {
  spec: EndpointSpec<AnyObject | undefined, AnyObject | undefined, z.ZodType | undefined, z.ZodType>;
}

/** Declares an endpoint with its handler typed from its schemas. */
export function defineEndpoint<
  P extends AnyObject | undefined = undefined,
  Q extends AnyObject | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
  R extends z.ZodType = z.ZodType,
>(spec: EndpointSpec<P, Q, B, R>): Endpoint {
  return { spec: spec as unknown as Endpoint['spec'] };
}

/** `/tickets/:id/timeline` → `/tickets/{id}/timeline` */
export function toOpenApiPath(expressPath: string): string {
  return expressPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

/** Adds the route: role check, request validation (all parts, issues collected), handler, response validation. */
export function mountEndpoint(router: Router, endpoint: Endpoint): void {
  const { spec } = endpoint;
  router[spec.method](spec.path, async (req, res, next) => {
    try {
      const user = res.locals.user as AuthenticatedUser | undefined;
      if (!user) throw new ApiError('unauthorized', 'an API token is required');
      if (spec.roles && !hasRole(user, spec.roles)) {
        throw new ApiError('forbidden', `only ${['admin', ...spec.roles].join(' or ')} users may do this`);
      }
      const issues: RequestIssue[] = [];
      const parse = <S extends z.ZodType | undefined>(location: RequestIssue['in'], schema: S, value: unknown): Out<S> => {
        if (!schema) return undefined as Out<S>;
        const result = schema.safeParse(value);
        if (result.success) return result.data as Out<S>;
        issues.push(...requestIssues(location, result.error));
        return undefined as Out<S>;
      };
      const params = parse('params', spec.request?.params, req.params);
      const query = parse('query', spec.request?.query, req.query);
      const body = parse('body', spec.request?.body, req.body ?? {});
      if (issues.length > 0) throw new ApiError('invalid_request', 'the request is not valid; see details', issues);

      const result = await spec.handle({ params, query, body, user, req, res });
      const checked = spec.response.schema.safeParse(result);
      if (!checked.success) {
        throw new Error(`response of ${spec.operationId} does not match its schema: ${z.prettifyError(checked.error)}`);
      }
      res.status(spec.response.status).json(checked.data);
    } catch (error) {
      next(error);
    }
  });
}

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid request (`invalid_request`); `details` lists the zod issues.',
  401: 'Missing or invalid API token (`unauthorized`).',
  403: 'Your role does not allow this (`forbidden`).',
  404: 'Not found, or not in your localities (`not_found`).',
  409: 'Not allowed in the ticket’s current status (`invalid_transition`), or a duplicate (`conflict`).',
  500: 'Unexpected failure (`internal`); quote the `x-request-id` header.',
};

/** Adds the path to the OpenAPI registry, with ErrorBody answers for its error statuses, 401 and 500. */
export function registerEndpoint(registry: OpenAPIRegistry, endpoint: Endpoint): void {
  const { spec } = endpoint;
  const errorResponse = (status: number) => ({
    description: ERROR_DESCRIPTIONS[status] ?? 'Error',
    content: { 'application/json': { schema: errorBodySchema } },
  });
  const responses: RouteConfig['responses'] = {
    [spec.response.status]: {
      description: spec.response.description,
      content: { 'application/json': { schema: spec.response.schema } },
    },
  };
  for (const status of [...(spec.errors ?? []), 401, 500]) responses[status] = errorResponse(status);
  const request: NonNullable<RouteConfig['request']> = {};
  if (spec.request?.params) request.params = spec.request.params;
  if (spec.request?.query) request.query = spec.request.query;
  if (spec.request?.body) request.body = { required: true, content: { 'application/json': { schema: spec.request.body } } };

  registry.registerPath({
    method: spec.method,
    path: toOpenApiPath(spec.path),
    operationId: spec.operationId,
    summary: spec.summary,
    ...(spec.description ? { description: spec.description } : {}),
    tags: spec.tags,
    security: [{ bearerAuth: [] }],
    request,
    responses,
  });
}
