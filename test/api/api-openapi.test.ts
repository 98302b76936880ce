import type { Router } from 'express';
import request from 'supertest';
import { apiEndpoints, createApiRouter } from '../../src/api/api-router';
import { toOpenApiPath } from '../../src/api/api-endpoint';
import { createApiHarness, type ApiHarness } from '../support/api-app';

let h: ApiHarness;
let doc: {
  openapi: string;
  paths: Record<string, Record<string, { parameters?: Array<{ name: string; in: string }>; responses: Record<string, unknown>; security?: unknown; requestBody?: unknown }>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
};

/** Method + path of every route express actually mounted on the API router. */
function mountedRoutes(router: Router): string[] {
  const routes: string[] = [];
  for (const layer of router.stack as Array<{ route?: { path: string; methods: Record<string, boolean> } }>) {
    if (!layer.route) continue;
    for (const [method, on] of Object.entries(layer.route.methods)) if (on) routes.push(`${method} ${layer.route.path}`);
  }
  return routes.sort();
}

function collectRefs(value: unknown, refs: Set<string> = new Set()): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => collectRefs(v, refs));
  else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === '$ref' && typeof v === 'string') refs.add(v);
      else collectRefs(v, refs);
    }
  }
  return refs;
}

beforeAll(async () => {
  h = await createApiHarness({ label: 'api-openapi' });
  doc = (await request(h.app).get('/api/v1/openapi.json').expect(200).expect('Content-Type', /json/)).body;
});

afterAll(async () => {
  await h.close();
});

describe('GET /api/v1/openapi.json', () => {
  it('documents exactly the routes the router serves (besides itself)', () => {
    const router = createApiRouter({
      repo: h.repo,
      ticketService: h.ticketService,
      userService: h.userService,
      tokenService: h.tokenService,
      logger: { error() {} } as never,
      now: () => '2025-07-28T15:00:00.000Z',
      committees: { committees: h.committees, summaries: h.summaries },
    });
    const served = mountedRoutes(router)
      .filter((r) => r !== 'get /openapi.json')
      .map((r) => {
        const [method, path] = r.split(' ');
        return `${method} ${toOpenApiPath(path!)}`;
      });
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`)).sort();
    expect(documented).toEqual(served);
    expect(documented).toEqual(
      [
        'get /tickets',
        'get /tickets/{id}',
        'get /tickets/{id}/timeline',
        'post /tickets/{id}/transitions',
        'post /tickets/{id}/replies',
        'post /tickets/{id}/notes',
        'get /localities',
        'get /users',
        'post /users',
        'patch /users/{id}',
        'post /users/{id}/disable',
        'post /users/{id}/enable',
        'get /metrics/response-times',
        'get /localities/{locality}/committee',
        'post /localities/{locality}/committee',
        'post /localities/{locality}/committee/{member}/{action}',
        'get /localities/{locality}/committee/summaries/{week}/deliveries',
      ].sort(),
    );
  });

  it('is OpenAPI 3.1 with bearer auth and the zod schemas as components, every $ref resolving', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining(['Ticket', 'TicketDetail', 'TicketPage', 'TimelineEntry', 'ErrorBody', 'TransitionRequest', 'User', 'Locality', 'ResponseTimeReport']),
    );
    for (const ref of collectRefs(doc)) {
      const name = ref.replace('#/components/schemas/', '');
      expect(doc.components.schemas).toHaveProperty([name]);
    }
  });

  it('declares each endpoint’s path, query and body from its zod schemas, and its error answers', () => {
    for (const endpoint of apiEndpoints({} as never)) {
      const { spec } = endpoint;
      const operation = doc.paths[toOpenApiPath(spec.path)]![spec.method]!;
      const params = (operation.parameters ?? []).map((p) => `${p.in}:${p.name}`).sort();
      const expected = [
        ...Object.keys(spec.request?.params?.shape ?? {}).map((k) => `path:${k}`),
        ...Object.keys(spec.request?.query?.shape ?? {}).map((k) => `query:${k}`),
      ].sort();
      expect(params).toEqual(expected);
      expect(Boolean(operation.requestBody)).toBe(Boolean(spec.request?.body));
      expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining([String(spec.response.status), '401', '500']));
      expect(operation.security).toEqual([{ bearerAuth: [] }]);
    }
  });

  it('lists the ticket filters, including multi-valued status', () => {
    const list = doc.paths['/tickets']!.get!;
    const status = list.parameters!.find((p) => p.name === 'status') as unknown as { schema: { type: string; items: { enum: string[] } } };
    expect(status.schema.type).toBe('array');
    expect(status.schema.items.enum).toEqual(['open', 'acknowledged', 'in_progress', 'resolved', 'closed']);
    const ticket = doc.components.schemas.Ticket as { properties: Record<string, unknown> };
    expect(Object.keys(ticket.properties)).not.toEqual(expect.arrayContaining(['phone']));
    expect(Object.keys(ticket.properties).some((k) => /phone|gender/.test(k))).toBe(false);
  });
});
