/**
 * Open311 GeoReport v2 (wiki.open311.org/GeoReport_v2), so a municipality's or the regulator's
 * existing tools can list the services, read the requests and file new ones:
 *
 *   GET  /open311/discovery.{json|xml}
 *   GET  /open311/v2/services.{json|xml}
 *   GET  /open311/v2/services/{service_code}.{json|xml}
 *   GET  /open311/v2/requests.{json|xml}   service_request_id, service_code, start_date, end_date, status
 *   POST /open311/v2/requests.{json|xml}   api_key, service_code, lat+long | address_string | address_id, description
 *   GET  /open311/v2/requests/{service_request_id}.{json|xml}
 *
 * `jurisdiction_id` is the locality's slug; it may be left out while only one locality exists.
 * Errors come in the spec's shape with the status as their code (400, 403, 404).
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { XMLBuilder } from 'fast-xml-parser';
import type { Locality } from '../domain/locality';
import type { Ticket } from '../domain/ticket';
import type { Translator } from '../i18n/translator';
import type { Logger } from '../shared/logger';
import type { Repository, TicketFilter } from '../store/repository';
import { Open311Error } from './open311-errors';
import { parseFormat, sendError, sendList, type Open311Format } from './open311-format';
import type { Open311Intake } from './open311-intake';
import type { Open311KeyService } from './open311-keys';
import { MAX_REQUESTS, parseRequestsQuery } from './open311-query';
import { toOpen311Request, type Open311Request } from './open311-request-view';
import { isServiceCode, listServices } from './open311-services';

export interface Open311RouterDeps {
  repo: Repository;
  translator: Pick<Translator, 'render'>;
  keys: Open311KeyService;
  intake: Open311Intake;
  now: () => string;
  logger: Logger;
  /** Absolute base of the links in the discovery document; defaults to the request's host. */
  publicBaseUrl?: string;
}

const PAGE = 100;
const SPEC_URL = 'http://wiki.open311.org/GeoReport_v2';
const CHANGESET = '2026-12-01T00:00:00Z';

type Handler = (req: Request, res: Response, format: Open311Format) => Promise<void>;

export function createOpen311Router(deps: Open311RouterDeps): Router {
  const router = express.Router();
  const body = [express.urlencoded({ extended: false, limit: '32kb' }), express.json({ limit: '32kb' })];
  const services = () => listServices(deps.translator);

  const handle =
    (work: Handler) =>
    async (req: Request, res: Response, _next: NextFunction): Promise<void> => {
      let format: Open311Format = 'json';
      try {
        format = parseFormat(req.params.format as string | undefined);
        await work(req, res, format);
      } catch (error) {
        if (error instanceof Open311Error) {
          sendError(res, format, error);
          return;
        }
        deps.logger.error({ err: error, path: req.path }, 'open311 request failed');
        sendList(res, format, 'errors', 'error', [{ code: 500, description: 'internal error' }], 500);
      }
    };

  async function jurisdiction(value: unknown): Promise<Locality> {
    const slug = typeof value === 'string' ? value.trim() : '';
    if (slug !== '') {
      const locality = await deps.repo.findLocalityBySlug(slug);
      if (!locality) throw new Open311Error(404, `unknown jurisdiction_id "${slug.slice(0, 60)}"`);
      return locality;
    }
    const all = await deps.repo.listLocalities();
    if (all.length === 1) return all[0]!;
    throw new Open311Error(400, `jurisdiction_id is required: one of ${all.map((l) => l.slug).join(', ')}`);
  }

  async function publish(locality: Locality, ticket: Ticket): Promise<Open311Request> {
    const service = services().find((s) => s.service_code === ticket.category) ?? null;
    return toOpen311Request({
      ticket,
      locality,
      agency: deps.translator.render('open311.service.agency', 'es', { locality: locality.name }),
      service,
      timeline: await deps.repo.listTimeline(ticket.id),
    });
  }

  router.get(
    '/open311/discovery.:format',
    handle(async (req, res, format) => {
      const base = deps.publicBaseUrl ?? `${req.protocol}://${req.get('host')}`;
      const endpoint = {
        specification: SPEC_URL,
        url: `${base}/open311/v2`,
        changeset: CHANGESET,
        type: 'production',
        formats: ['text/xml', 'application/json'],
      };
      const doc = { changeset: CHANGESET, contact: 'AguaVoz', key_service: 'aguavoz open311 key add --label <who>', endpoints: [endpoint] };
      if (format === 'json') {
        res.json(doc);
        return;
      }
      const xml = new XMLBuilder({ format: true, indentBy: '  ' }).build({
        discovery: { ...doc, endpoints: { endpoint: { ...endpoint, formats: { format: endpoint.formats } } } },
      });
      res.type('application/xml').send(`<?xml version="1.0" encoding="utf-8"?>\n${xml}`);
    }),
  );

  router.get(
    '/open311/v2/services.:format',
    handle(async (req, res, format) => {
      await jurisdiction(req.query.jurisdiction_id);
      sendList(res, format, 'services', 'service', services() as unknown as Record<string, unknown>[]);
    }),
  );

  router.get(
    '/open311/v2/services/:code.:format',
    handle(async (req, res, format) => {
      await jurisdiction(req.query.jurisdiction_id);
      const code = req.params.code as string;
      if (!isServiceCode(code)) throw new Open311Error(404, `unknown service_code "${code.slice(0, 40)}"`);
      // No service has extra attributes (metadata: false): its definition lists none.
      if (format === 'json') res.json({ service_code: code, attributes: [] });
      else res.type('application/xml').send(`<?xml version="1.0" encoding="utf-8"?>\n<service_definition><service_code>${code}</service_code><attributes></attributes></service_definition>\n`);
    }),
  );

  router.get(
    '/open311/v2/requests.:format',
    handle(async (req, res, format) => {
      const locality = await jurisdiction(req.query.jurisdiction_id);
      const query = parseRequestsQuery(req.query as Record<string, unknown>, deps.now());
      let tickets: Ticket[];
      if (query.ids) {
        const found = await Promise.all(query.ids.slice(0, MAX_REQUESTS).map((id) => deps.repo.getTicket(id)));
        tickets = found.filter((t): t is Ticket => t !== null && t.localityId === locality.id);
      } else {
        tickets = [];
        const filter: TicketFilter = {
          localityIds: [locality.id],
          categories: query.categories,
          statuses: query.statuses,
          createdFrom: query.from,
          createdTo: query.to,
          sort: 'created',
          limit: PAGE,
        };
        let cursor: string | null = null;
        do {
          const page = await deps.repo.listTickets({ ...filter, cursor });
          tickets.push(...page.items);
          cursor = page.nextCursor;
        } while (cursor !== null && tickets.length < MAX_REQUESTS);
        tickets = tickets.slice(0, MAX_REQUESTS);
      }
      const requests = [];
      for (const ticket of tickets) requests.push(await publish(locality, ticket));
      res.set('Cache-Control', 'public, max-age=60');
      sendList(res, format, 'service_requests', 'request', requests as unknown as Record<string, unknown>[]);
    }),
  );

  router.get(
    '/open311/v2/requests/:id.:format',
    handle(async (req, res, format) => {
      const locality = await jurisdiction(req.query.jurisdiction_id);
      const id = req.params.id as string;
      const ticket = await deps.repo.getTicket(id);
      if (!ticket || ticket.localityId !== locality.id) throw new Open311Error(404, `unknown service_request_id "${id.slice(0, 60)}"`);
      sendList(res, format, 'service_requests', 'request', [(await publish(locality, ticket)) as unknown as Record<string, unknown>]);
    }),
  );

  router.post(
    '/open311/v2/requests.:format',
    ...body,
    handle(async (req, res, format) => {
      const fields = (req.body ?? {}) as Record<string, unknown>;
      const apiKey = typeof fields.api_key === 'string' ? fields.api_key : typeof req.query.api_key === 'string' ? req.query.api_key : null;
      const key = await deps.keys.authenticate(apiKey);
      if (!key) throw new Open311Error(403, apiKey ? 'the api_key is not valid' : 'an api_key is required to file a request');
      const locality = await jurisdiction(fields.jurisdiction_id ?? req.query.jurisdiction_id);
      const ticket = await deps.intake.file(locality, fields, { keyId: key.id });
      sendList(res, format, 'service_requests', 'request', [{ service_request_id: ticket.id, service_notice: null, account_id: null }], 201);
    }),
  );

  // A body that is not valid form or JSON data is a 400 in the spec's shape, like any bad field.
  router.use('/open311', (error: unknown, req: Request, res: Response, next: NextFunction) => {
    const status = (error as { status?: unknown }).status;
    if (typeof status !== 'number' || status < 400 || status >= 500) {
      next(error);
      return;
    }
    sendError(res, req.path.endsWith('.xml') ? 'xml' : 'json', new Open311Error(400, 'the request body could not be read'));
  });

  return router;
}
