/**
 * The REST API, mounted by the composition root at `/api/v1`:
 *
 *   app.use('/api/v1', createApiRouter({ repo, ticketService, userService, tokenService, logger, now }));
 *
 * Every endpoint needs `Authorization: Bearer av_…` except `GET /openapi.json`. Requests and
 * responses are validated with zod; errors are `{ "error": { "code", "message", "details"? } }`.
 */
import express, { Router } from 'express';
import type { ApiTokenService } from '../auth/api-token-auth';
import { requireApiToken } from '../auth/api-token-auth';
import type { Logger } from '../shared/logger';
import type { Repository } from '../store/repository';
import type { TicketService } from '../tickets/ticket-service-types';
import type { UserService } from '../users/user-service';
import { mountEndpoint, type Endpoint } from './api-endpoint';
import { apiErrorHandler, apiNotFoundHandler } from './api-errors';
import { committeeEndpoints, type CommitteeEndpointDeps } from './committee-endpoints';
import { directoryEndpoints } from './directory-endpoints';
import type { OpenApiDocument } from './openapi-document';
import { responseTimeEndpoints } from './response-time-endpoints';
import { ticketEndpoints } from './ticket-endpoints';
import { incidentEndpoints, type IncidentEndpointDeps } from './incident-endpoints';

export const API_BASE_PATH = '/api/v1';

export interface ApiRouterDeps {
  repo: Repository;
  ticketService: TicketService;
  userService: UserService;
  tokenService: ApiTokenService;
  logger: Logger;
  /** ISO-8601 instant; the default period of the statistics ends here. */
  now: () => string;
  /** Committees and summary deliveries (issue 6); their endpoints are mounted when given. */
  committees?: CommitteeEndpointDeps;
  /** `servers[0].url` of the OpenAPI document; default `/api/v1`. */
  serverUrl?: string;
  /** Issue 9: `/incidents` and `/notices` (absent in harnesses that do not build them). */
  incidents?: IncidentEndpointDeps;
}

/** Every endpoint of the API, in the order of the OpenAPI document. */
export function apiEndpoints(deps: ApiRouterDeps): Endpoint[] {
  return [
    ...ticketEndpoints({ repo: deps.repo, ticketService: deps.ticketService }),
    ...directoryEndpoints({ repo: deps.repo, userService: deps.userService }),
    ...responseTimeEndpoints({ repo: deps.repo, now: deps.now }),
    ...(deps.incidents ? incidentEndpoints(deps.incidents) : []),
    ...(deps.committees ? committeeEndpoints(deps.committees) : []),
  ];
}

/** Mount at {@link API_BASE_PATH}; see the module comment for what it serves. */
export function createApiRouter(deps: ApiRouterDeps): Router {
  const endpoints = apiEndpoints(deps);
  let document: OpenApiDocument | null = null;
  const router = Router();

  router.get('/openapi.json', async (_req, res) => {
    // Loaded on the first request: the generator and its zod walker cost ~16 ms of every start-up.
    const { buildOpenApiDocument } = await import('./openapi-document');
    document ??= buildOpenApiDocument({ endpoints, serverUrl: deps.serverUrl ?? API_BASE_PATH });
    res.json(document);
  });
  router.use(requireApiToken({ tokenService: deps.tokenService, repo: deps.repo }));
  router.use(express.json({ limit: '64kb' }));
  for (const endpoint of endpoints) mountEndpoint(router, endpoint);
  router.use(apiNotFoundHandler);
  router.use(apiErrorHandler({ logger: deps.logger }));
  return router;
}
