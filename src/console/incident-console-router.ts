/**
 * The console's incident and notice pages (issue 9), plain HTML forms like the rest of the
 * console: the incidents list (also a panel on the queue page), one incident with its tickets,
 * its broadcasts and their delivery counts, and the actions (update, resolve, merge, split, add,
 * remove); and planned-cut notices with a preview (the SMS and how many it reaches) before the
 * operator confirms. Every action goes through the incident or notice service; a refusal renders
 * the page again with the reason and changes nothing.
 */
import express, { Router, type Request, type Response } from 'express';
import { DateTime } from 'luxon';
import type { ConsoleAuth } from '../auth/console-auth';
import { CSRF_FIELD } from '../auth/console-auth';
import type { AuthenticatedUser } from '../auth/auth-types';
import { NOTICE_KINDS, type IncidentSummary } from '../domain/incident';
import type { Locality } from '../domain/locality';
import type { Translator } from '../i18n/translator';
import { IncidentActionError, NoticeRefusedError } from '../incidents/incident-errors';
import type { IncidentService } from '../incidents/incident-service';
import type { NoticeRequest, NoticeService } from '../incidents/notice-service';
import type { Logger } from '../shared/logger';
import type { Repository } from '../store/repository';
import { classifyError } from './console-errors';
import { createConsoleRenderer, createConsoleText, type ConsoleText } from './console-views';
import { userLocalities } from './queue-page';
import { ticketAge } from './ticket-clock';

export interface IncidentConsoleDeps {
  incidents: IncidentService;
  notices: NoticeService;
  repo: Repository;
  translator: Translator;
  auth: Pick<ConsoleAuth, 'requireUser' | 'verifyCsrf' | 'csrfTokenFor'>;
  now: () => string;
  logger: Logger;
  /** INCIDENT_TRUCK_ALERT_HOURS: rows older than this are marked. */
  truckAlertHours: number;
  viewsDir?: string;
}

export interface IncidentRow {
  id: string;
  title: string;
  size: number;
  open: string;
  age: string;
  sectors: string;
  truckDue: boolean;
}

/** The rows the queue page's panel and the incidents page show: size, age and sectors. */
export function incidentRows(incidents: IncidentSummary[], options: { now: Date; text: ConsoleText; truckAlertHours: number }): IncidentRow[] {
  const { text, now } = options;
  return incidents.map((incident) => {
    const sectors = incident.sectors.length > 0 ? incident.sectors.join(', ') : '—';
    return {
      id: incident.id,
      title: incident.title ?? text.t('incident_console.row', { category: text.t(`console.category.${incident.category}`), sectors }),
      size: incident.ticketCount,
      open: text.t('incident_console.open_tickets', { open: incident.openTicketCount, total: incident.ticketCount }),
      age: text.duration(ticketAge(incident, now)),
      sectors,
      truckDue: incident.category === 'outage' && now.getTime() - Date.parse(incident.createdAt) >= options.truckAlertHours * 3_600_000,
    };
  });
}

const INCIDENT_ACTIONS = ['update', 'resolve', 'merge', 'split', 'attach', 'detach'] as const;
type IncidentAction = (typeof INCIDENT_ACTIONS)[number];

export function createIncidentConsoleRouter(deps: IncidentConsoleDeps): Router {
  const renderer = createConsoleRenderer({ viewsDir: deps.viewsDir });
  const text = createConsoleText(deps.translator, 'es');
  const parseForm = express.urlencoded({ extended: true, limit: '20kb' });
  const router = Router();
  const userOf = (res: Response) => res.locals.user as AuthenticatedUser;

  function send(req: Request, res: Response, view: string, data: { title: string; [field: string]: unknown }, status = 200): void {
    const html = renderer.render(view, { flash: null, error: null, truckAlertHours: deps.truckAlertHours, ...data, text, user: userOf(res), csrfField: CSRF_FIELD, csrfToken: deps.auth.csrfTokenFor(req) });
    res.status(status).set('Cache-Control', 'no-store').type('html').send(html);
  }

  function sendError(req: Request, res: Response, error: unknown): void {
    const { kind, httpStatus } = classifyError(error);
    if (kind === 'unexpected') deps.logger.error({ err: error, path: req.path }, 'console request failed');
    const key = kind === 'forbidden' ? 'forbidden' : kind === 'not_found' ? 'not_found' : 'server';
    send(req, res, 'error', { title: text.t(`console.error.${key}_title`), message: text.t(`console.error.${key}`) }, kind === 'forbidden' || kind === 'not_found' ? httpStatus : 500);
  }

  function refusal(error: unknown): string | null {
    if (error instanceof IncidentActionError) return text.t('incident_console.refused', { reason: deps.translator.render('incident_staff.refused', 'es', { reason: error.reason, reference: '' }) });
    if (error instanceof NoticeRefusedError) return deps.translator.render('notice_staff.refused', 'es', { reason: error.reason, detail: error.detail });
    return null;
  }

  async function renderIncident(req: Request, res: Response, id: string, options: { status?: number; error?: string | null; flash?: string | null } = {}) {
    const user = userOf(res);
    const view = await deps.incidents.view(user, id);
    const others = (await deps.incidents.list(user)).filter((i) => i.id !== id && i.localityId === view.incident.localityId);
    const now = new Date(deps.now());
    const [row] = incidentRows([view.incident], { now, text, truckAlertHours: deps.truckAlertHours });
    send(
      req,
      res,
      'incident',
      {
        title: row!.title,
        row,
        incident: view.incident,
        tickets: view.tickets.map((t) => ({ id: t.id, reference: t.reference, sector: t.sector ?? '—', status: text.t(`console.status.${t.status}`), age: text.duration(ticketAge(t, now)) })),
        broadcasts: view.broadcasts.map((b) => ({
          at: text.time(b.createdAt, 'America/Lima'),
          text: b.text,
          line: text.t('incident_console.delivery', {
            kind: b.kind,
            sent: b.delivery.sent + b.delivery.delivered + b.delivery.read,
            delivered: b.delivery.delivered + b.delivery.read,
            failed: b.delivery.failed + b.delivery.undelivered,
            queued: b.delivery.queued + b.delivery.sending,
          }),
        })),
        others: incidentRows(others, { now, text, truckAlertHours: deps.truckAlertHours }),
        isOpen: view.incident.status === 'open',
        flash: options.flash ?? null,
        error: options.error ?? null,
      },
      options.status,
    );
  }

  router.get('/incidents', deps.auth.requireUser, async (req, res) => {
    try {
      const rows = incidentRows(await deps.incidents.list(userOf(res)), { now: new Date(deps.now()), text, truckAlertHours: deps.truckAlertHours });
      send(req, res, 'incidents', { title: text.t('incident_console.title'), rows, flash: req.query.ok ? text.t('incident_console.done') : null });
    } catch (error) {
      sendError(req, res, error);
    }
  });

  router.post('/incidents', parseForm, deps.auth.requireUser, deps.auth.verifyCsrf, async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const codes = String(body.tickets ?? '').split(/[\s,;]+/).filter(Boolean);
    try {
      const created = await deps.incidents.create(userOf(res), codes);
      res.redirect(303, `/incidents/${encodeURIComponent(created.id)}?ok=1`);
    } catch (error) {
      const reason = refusal(error);
      if (!reason) return sendError(req, res, error);
      const rows = incidentRows(await deps.incidents.list(userOf(res)), { now: new Date(deps.now()), text, truckAlertHours: deps.truckAlertHours });
      send(req, res, 'incidents', { title: text.t('incident_console.title'), rows, error: reason }, 422);
    }
  });

  router.get('/incidents/:id', deps.auth.requireUser, async (req, res) => {
    try {
      await renderIncident(req, res, String(req.params.id), { flash: req.query.ok ? text.t('incident_console.done') : null });
    } catch (error) {
      sendError(req, res, error);
    }
  });

  router.post('/incidents/:id/actions/:action', parseForm, deps.auth.requireUser, deps.auth.verifyCsrf, async (req, res) => {
    const id = String(req.params.id);
    const action = String(req.params.action) as IncidentAction;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const field = (name: string) => (typeof body[name] === 'string' ? (body[name] as string) : '');
    const list = (name: string) => ([] as unknown[]).concat(body[name] ?? []).map(String).filter(Boolean);
    const user = userOf(res);
    try {
      if (!INCIDENT_ACTIONS.includes(action)) throw Object.assign(new Error('unknown action'), { code: 'not_found' });
      let target = id;
      if (action === 'update') await deps.incidents.postUpdate(user, id, field('text'));
      if (action === 'resolve') await deps.incidents.resolve(user, id, field('note'));
      if (action === 'merge') await deps.incidents.merge(user, id, field('source'));
      if (action === 'split') target = (await deps.incidents.split(user, id, list('tickets'))).id;
      if (action === 'attach') await deps.incidents.attach(user, id, field('ticket'));
      if (action === 'detach') await deps.incidents.detach(user, field('ticket'));
      deps.logger.info({ userId: user.id, incidentId: id, action }, 'console incident action');
      res.redirect(303, `/incidents/${encodeURIComponent(target)}?ok=1`);
    } catch (error) {
      const reason = refusal(error);
      if (!reason) return sendError(req, res, error);
      try {
        await renderIncident(req, res, id, { status: 422, error: reason });
      } catch (renderError) {
        sendError(req, res, renderError);
      }
    }
  });

  // Planned-cut notices: form → preview (nothing sent) → confirm.
  async function noticeForm(req: Request, res: Response, options: { status?: number; error?: string | null; values?: Partial<NoticeForm>; flash?: string | null } = {}) {
    const user = userOf(res);
    const localities = await userLocalities(deps.repo, user);
    const notices = (await Promise.all(localities.map((l) => deps.notices.list(user, l.id)))).flat();
    const rows = await Promise.all(
      notices.map(async ({ notice, broadcast }) => {
        const view = broadcast ? await deps.incidents.deliveryOf(broadcast) : null;
        return {
          sectors: notice.sectors.join(', '),
          window: `${text.time(notice.startsAt, 'America/Lima')} – ${text.time(notice.endsAt, 'America/Lima')}`,
          text: notice.text,
          line: view
            ? text.t('incident_console.delivery', { kind: 'notice', sent: view.delivery.sent + view.delivery.delivered + view.delivery.read, delivered: view.delivery.delivered + view.delivery.read, failed: view.delivery.failed + view.delivery.undelivered, queued: view.delivery.queued + view.delivery.sending })
            : '',
        };
      }),
    );
    send(
      req,
      res,
      'notices',
      {
        title: text.t('incident_console.notices'),
        localities: localities.map((l) => ({ id: l.id, name: l.name, sectors: l.sectors })),
        kinds: NOTICE_KINDS.map((kind) => ({ value: kind, label: text.t(`incident_console.kind_${kind}`) })),
        values: { localityId: localities[0]?.id ?? '', kind: 'planned_cut', sectors: [], from: '', to: '', text: '', ...options.values },
        rows,
        error: options.error ?? null,
        flash: options.flash ?? null,
      },
      options.status,
    );
  }

  interface NoticeForm {
    localityId: string;
    kind: string;
    sectors: string[];
    from: string;
    to: string;
    text: string;
  }

  function readNoticeForm(body: Record<string, unknown>): NoticeForm {
    const field = (name: string) => (typeof body[name] === 'string' ? (body[name] as string) : '');
    return { localityId: field('locality'), kind: field('kind') || 'planned_cut', sectors: ([] as unknown[]).concat(body.sectors ?? []).map(String), from: field('from'), to: field('to'), text: field('text') };
  }

  /** `datetime-local` values are the locality's wall clock. */
  function toRequest(form: NoticeForm, localities: Locality[]): NoticeRequest {
    const zone = localities.find((l) => l.id === form.localityId)?.timeZone ?? 'America/Lima';
    const instant = (value: string) => DateTime.fromISO(value, { zone }).toUTC().toISO() ?? '';
    return { localityId: form.localityId, kind: (NOTICE_KINDS as readonly string[]).includes(form.kind) ? (form.kind as NoticeRequest['kind']) : 'planned_cut', sectors: form.sectors, startsAt: instant(form.from), endsAt: instant(form.to), text: form.text };
  }

  router.get('/notices', deps.auth.requireUser, async (req, res) => {
    try {
      await noticeForm(req, res, { flash: req.query.ok ? text.t('incident_console.done') : null });
    } catch (error) {
      sendError(req, res, error);
    }
  });

  router.post('/notices/:step', parseForm, deps.auth.requireUser, deps.auth.verifyCsrf, async (req, res) => {
    const step = String(req.params.step);
    const form = readNoticeForm((req.body ?? {}) as Record<string, unknown>);
    const user = userOf(res);
    try {
      const request = toRequest(form, await userLocalities(deps.repo, user));
      if (step === 'preview') {
        const preview = await deps.notices.preview(user, request);
        send(req, res, 'notice-preview', { title: text.t('incident_console.notice_preview_title'), preview, form });
        return;
      }
      if (step !== 'send') throw Object.assign(new Error('unknown step'), { code: 'not_found' });
      await deps.notices.send(user, request);
      res.redirect(303, '/notices?ok=1');
    } catch (error) {
      const reason = refusal(error);
      if (!reason) return sendError(req, res, error);
      try {
        await noticeForm(req, res, { status: 422, error: text.t('incident_console.notice_refused', { reason }), values: form });
      } catch (renderError) {
        sendError(req, res, renderError);
      }
    }
  });

  return router;
}
