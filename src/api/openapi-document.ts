/**
 * The OpenAPI 3.1 document of `/api/v1`, generated from the same endpoint declarations (and so
 * the same zod schemas) the router validates with. Served at `/api/v1/openapi.json`.
 */
import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { registerEndpoint, type Endpoint } from './api-endpoint';

export const API_VERSION = '1.0.0';

export type OpenApiDocument = ReturnType<OpenApiGeneratorV31['generateDocument']>;

/** Built once per router, on first request: the endpoints do not change at run time. */
export function buildOpenApiDocument(options: { endpoints: Endpoint[]; serverUrl: string }): OpenApiDocument {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API token (`av_…`), shown once when it is issued.',
  });
  for (const endpoint of options.endpoints) registerEndpoint(registry, endpoint);
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'AguaVoz API',
      version: API_VERSION,
      description:
        'Water and sanitation complaints from residents, worked by local operators. Every error is ' +
        '`{ "error": { "code", "message", "details"? } }`. Tickets never carry the resident phone or gender.',
    },
    servers: [{ url: options.serverUrl }],
    security: [{ bearerAuth: [] }],
  });
}
