/**
 * The operator web console: server-rendered pages that work without JavaScript on a cheap phone
 * over a slow link. Every action is a plain form post, checked by the ticket service (access,
 * lifecycle) and answered with a redirect and a flash message, or with the same page and a
 * clear error when nothing was changed.
 *
 * @example app.use(createConsoleRouter({ ticketService, repo, translator, auth, now, logger }))
 */
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import type { ConsoleAuth } from '../auth/console-auth';
import { CSRF_FIELD } from '../auth/console-auth';
import type { AuthenticatedUser } from '../auth/auth-types';
import type { Language } from '../domain/resident';
import type { Translator } from '../i18n/translator';
import type { Logger } from '../shared/logger';
import type { Repository } from '../store/repository';
import { TicketChangedError } from '../tickets/ticket-errors';
import type { TicketService } from '../tickets/ticket-service-types';
import { REPLY_COUNTER_PATH, replyCounterScript } from './reply-counter-script';
import { isConsoleAction, parseActionForm } from './action-form';
import { classifyError, refusalMessage } from './console-errors';
import { createConsoleRenderer, createConsoleText, type ConsoleText } from './console-views';
import { clearFlash, readFlash, setFlash, type Flash } from './flash-cookie';
import { buildQueuePage } from './queue-page';
import { parseQueueQuery } from './queue-filter';
import { EMPTY_FORM_VALUES, buildTicketPage, type ActionFormValues } from './ticket-page';

export interface ConsoleRouterDeps {
  ticketService: TicketService;
  repo: Repository;
  translator: Translator;
  auth: Pick<ConsoleAuth, 'requireUser' | 'verifyCsrf' | 'csrfTokenFor'>;
  /** ISO-8601 instant; the queue's countdowns are computed from it. */
  now: () => string;
  logger: Logger;
  /** Language of the console's labels (operators in the pilot towns work in Spanish). */
  language?: Language;
  /** Where the eta templates are; defaults to `views/` beside this file. */
  viewsDir?: string;
  /** Issue 9: open incidents shown above the queue (size, age, sectors). */
  incidentPanel?: (user: AuthenticatedUser, text: ConsoleText) => Promise<{ incidentRows: unknown[]; truckAlertHours: number }>;
}

export function createConsoleRouter(deps: ConsoleRouterDeps): Router {
  const renderer = createConsoleRenderer({ viewsDir: deps.viewsDir });
  const text = createConsoleText(deps.translator, deps.language ?? 'es');
  const parseForm = express.urlencoded({ extended: false, limit: '20kb' });
  const router = Router();

  const userOf = (res: Response) => res.locals.user as AuthenticatedUser;

  function send(req: Request, res: Response, view: string, data: { title: string; [field: string]: unknown }, status = 200): void {
    const html = renderer.render(view, {
      ...data,
      text,
      user: userOf(res),
      csrfField: CSRF_FIELD,
      csrfToken: deps.auth.csrfTokenFor(req),
    });
    res.status(status).set('Cache-Control', 'no-store').type('html').send(html);
  }

  function sendError(req: Request, res: Response, error: unknown): void {
    const { kind, httpStatus } = classifyError(error);
    if (kind === 'unexpected') {
      deps.logger.error({ err: error, path: req.path }, 'console request failed');
    }
    const key = kind === 'forbidden' ? 'forbidden' : kind === 'not_found' ? 'not_found' : 'server';
    const status = kind === 'forbidden' || kind === 'not_found' ? httpStatus : 500;
    send(req, res, 'error', { title: text.t(`console.error.${key}_title`), message: text.t(`console.error.${key}`) }, status);
  }

  async function renderTicket(
    req: Request,
    res: Response,
    options: { status?: number; flash?: string | null; error?: string | null; form?: ActionFormValues; changedEntryIds?: string[] } = {},
  ): Promise<void> {
    const page = await buildTicketPage(deps, {
      user: userOf(res),
      ticketId: String(req.params.id),
      now: new Date(deps.now()),
      text,
      form: options.form,
      changedEntryIds: options.changedEntryIds,
    });
    send(req, res, 'ticket', { ...page, flash: options.flash ?? null, error: options.error ?? null }, options.status);
  }

  router.get('/', (_req, res) => {
    res.redirect(302, '/tickets');
  });

  router.get(REPLY_COUNTER_PATH, replyCounterScript());

  router.get('/tickets', deps.auth.requireUser, async (req: Request, res: Response) => {
    try {
      const page = await buildQueuePage(deps, {
        user: userOf(res),
        query: parseQueueQuery(req.query as Record<string, unknown>),
        now: new Date(deps.now()),
        text,
      });
      const incidents = deps.incidentPanel ? await deps.incidentPanel(userOf(res), text) : { incidentRows: [], truckAlertHours: 18 };
      send(req, res, 'queue', { ...page, ...incidents, title: page.heading, flash: page.notice, error: null });
    } catch (error) {
      sendError(req, res, error);
    }
  });

  router.get('/tickets/:id', deps.auth.requireUser, async (req: Request, res: Response) => {
    const flash = readFlash(req);
    if (flash) clearFlash(res);
    try {
      await renderTicket(req, res, { flash: flash ? flashText(flash, text) : null });
    } catch (error) {
      sendError(req, res, error);
    }
  });

  router.post(
    '/tickets/:id/actions/:action',
    parseForm,
    deps.auth.requireUser,
    deps.auth.verifyCsrf,
    async (req: Request, res: Response, next: NextFunction) => {
      const type = String(req.params.action);
      if (!isConsoleAction(type)) {
        next();
        return;
      }
      const user = userOf(res);
      const ticketId = String(req.params.id);
      const body = (req.body ?? {}) as Record<string, unknown>;
      const form = formValues(type, body);
      try {
        const parsed = parseActionForm(type, body, { userId: user.id });
        if (!parsed.ok) {
          await renderTicket(req, res, { status: 422, error: text.t(parsed.messageKey), form });
          return;
        }
        const version = typeof body.version === 'string' && body.version !== '' ? body.version : undefined;
        const updated = await deps.ticketService.perform(user, ticketId, parsed.action, { expectedVersion: version });
        const [latest] = (await deps.repo.listTimeline(updated.id)).slice(-1);
        deps.logger.info({ userId: user.id, ticketId, action: type }, 'console action');
        setFlash(res, { action: type, unsent: latest?.data.residentNotified === false });
        res.redirect(303, `/tickets/${encodeURIComponent(ticketId)}`);
      } catch (error) {
        const { kind, httpStatus } = classifyError(error);
        if (error instanceof TicketChangedError) {
          // Someone else acted first: nothing was stored; show what changed and keep what was typed.
          deps.logger.info({ userId: user.id, ticketId, action: type, code: kind }, 'console action refused: ticket changed');
          try {
            await renderTicket(req, res, {
              status: httpStatus,
              error: text.t('workday.console.changed', { status: text.t(`console.status.${error.ticket.status}`) }),
              form,
              changedEntryIds: error.changes.map((entry) => entry.id),
            });
          } catch (renderError) {
            sendError(req, res, renderError);
          }
          return;
        }
        if (kind !== 'invalid_transition' && kind !== 'invalid_action') {
          sendError(req, res, error);
          return;
        }
        deps.logger.info({ userId: user.id, ticketId, action: type, code: kind }, 'console action refused');
        try {
          await renderTicket(req, res, { status: httpStatus, error: refusalMessage(error, text), form });
        } catch (renderError) {
          sendError(req, res, renderError);
        }
      }
    },
  );

  router.use('/tickets', deps.auth.requireUser, (req: Request, res: Response) => {
    send(req, res, 'error', { title: text.t('console.error.not_found_title'), message: text.t('console.error.not_found') }, 404);
  });

  return router;
}

function flashText(flash: Flash, text: ConsoleText): string {
  if (!flash.unsent) return text.t(`console.flash.${flash.action}`);
  if (flash.action === 'reply') return text.t('console.flash.reply_unsent');
  return `${text.t(`console.flash.${flash.action}`)} ${text.t('console.flash.not_notified')}`;
}

function formValues(type: string, body: Record<string, unknown>): ActionFormValues {
  const value = (name: string) => (typeof body[name] === 'string' ? (body[name] as string) : '');
  return {
    reply: type === 'reply' ? { text: value('text'), canned: value('canned') } : EMPTY_FORM_VALUES.reply,
    resolve: type === 'resolve' ? { note: value('note') } : EMPTY_FORM_VALUES.resolve,
    add_note: type === 'add_note' ? { text: value('text') } : EMPTY_FORM_VALUES.add_note,
    reopen: type === 'reopen' ? { reason: value('reason') } : EMPTY_FORM_VALUES.reopen,
  };
}

