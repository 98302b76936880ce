/**
 * Console pages beside the queue (issue 10): dead-lettered inbound messages with a re-queue
 * button, and, for admins, the accounts (phone, localities, on duty, language, disable/enable).
 * Plain forms, one redirect and a flash after each change, as the ticket pages.
 *
 * @example app.use(createStaffAdminRouter({ repo, userService, inboundQueue, translator, auth, logger }))
 */
import express, { Router, type Request, type Response } from 'express';
import { canAccessLocality } from '../auth/access-policy';
import type { AuthenticatedUser } from '../auth/auth-types';
import type { ConsoleAuth } from '../auth/console-auth';
import { CSRF_FIELD } from '../auth/console-auth';
import { LANGUAGES } from '../domain/resident';
import type { Translator } from '../i18n/translator';
import { requeueInbound, type InboundQueue } from '../messaging/inbound/inbound-enqueuer';
import { maskPhone } from '../shared/phone';
import type { Logger } from '../shared/logger';
import { NotFoundError, type Repository } from '../store/repository';
import { UserInputError } from '../users/user-errors';
import type { UserService } from '../users/user-service';
import { createConsoleRenderer, createConsoleText } from './console-views';

export interface StaffAdminRouterDeps {
  repo: Repository;
  userService: Pick<UserService, 'listUsers' | 'findUser' | 'updateUser' | 'disableUser' | 'enableUser'>;
  inboundQueue: InboundQueue;
  translator: Translator;
  auth: Pick<ConsoleAuth, 'requireUser' | 'verifyCsrf' | 'csrfTokenFor'>;
  logger: Logger;
  viewsDir?: string;
}

const DEAD_LETTER_PAGE = 100;
type Notice = 'requeued' | 'not_dead' | 'saved' | 'disabled' | 'enabled';

export function createStaffAdminRouter(deps: StaffAdminRouterDeps): Router {
  const renderer = createConsoleRenderer({ viewsDir: deps.viewsDir });
  const text = createConsoleText(deps.translator, 'es');
  const parseForm = express.urlencoded({ extended: true, limit: '20kb' });
  const router = Router();
  const userOf = (res: Response) => res.locals.user as AuthenticatedUser;

  function send(req: Request, res: Response, view: string, data: { title: string; [field: string]: unknown }, status = 200): void {
    const html = renderer.render(view, { flash: null, error: null, ...data, text, user: userOf(res), csrfField: CSRF_FIELD, csrfToken: deps.auth.csrfTokenFor(req) });
    res.status(status).set('Cache-Control', 'no-store').type('html').send(html);
  }
  const notFound = (req: Request, res: Response) =>
    send(req, res, 'error', { title: text.t('console.error.not_found_title'), message: text.t('console.error.not_found') }, 404);
  const notice = (req: Request): Notice | null => {
    const value = req.query.done;
    return value === 'requeued' || value === 'not_dead' || value === 'saved' || value === 'disabled' || value === 'enabled' ? value : null;
  };

  router.get('/dead-letters', deps.auth.requireUser, async (req, res, next) => {
    try {
      const user = userOf(res);
      const messages = (await deps.repo.listDeadLetteredInbound({ localityIds: user.role === 'admin' ? undefined : user.localityIds, limit: DEAD_LETTER_PAGE }))
        // A message no town answered may be anyone's: only admins see those.
        .filter((m) => user.role === 'admin' || (m.localityId !== null && canAccessLocality(user, m.localityId)));
      const done = notice(req);
      send(req, res, 'dead-letters', {
        title: text.t('workday.console.dead_title'),
        flash: done === 'requeued' ? text.t('workday.console.dead_requeued') : null,
        error: done === 'not_dead' ? text.t('workday.console.dead_not_dead') : null,
        messages: messages.map((m) => ({
          id: m.id,
          from: maskPhone(m.fromPhone),
          channel: m.channel,
          body: m.body,
          received: text.time(m.receivedAt, 'America/Lima'),
          failed: text.time(m.failedAt ?? null, 'America/Lima'),
          failures: m.processingFailures ?? 0,
          reason: m.lastFailureReason ?? '—',
        })),
      });
    } catch (error) {
      next(error);
    }
  });

  router.post('/dead-letters/:id/requeue', parseForm, deps.auth.requireUser, deps.auth.verifyCsrf, async (req, res, next) => {
    try {
      const user = userOf(res);
      const message = await deps.repo.getInboundMessage(String(req.params.id));
      const allowed = message && (user.role === 'admin' || (message.localityId !== null && canAccessLocality(user, message.localityId)));
      if (!message || !allowed) {
        notFound(req, res);
        return;
      }
      const { requeued } = await deps.repo.requeueDeadLetteredInbound(message.id);
      // The message is pending again before its job exists: if queuing fails, the sweeper finds it.
      if (requeued) await requeueInbound(deps.inboundQueue, message.id);
      deps.logger.info({ userId: user.id, messageId: message.id, requeued }, 'dead-lettered message re-queued from the console');
      res.redirect(303, `/dead-letters?done=${requeued ? 'requeued' : 'not_dead'}`);
    } catch (error) {
      if (error instanceof NotFoundError) {
        notFound(req, res);
        return;
      }
      next(error);
    }
  });

  const adminOnly = (req: Request, res: Response, next: () => void) => {
    if (userOf(res).role !== 'admin') {
      send(req, res, 'error', { title: text.t('console.error.forbidden_title'), message: text.t('console.error.forbidden') }, 403);
      return;
    }
    next();
  };

  async function renderUsers(req: Request, res: Response, options: { status?: number; error?: string | null } = {}) {
    const [users, localities] = await Promise.all([deps.userService.listUsers(), deps.repo.listLocalities()]);
    const done = notice(req);
    send(
      req,
      res,
      'users',
      {
        title: text.t('workday.console.users_title'),
        flash: done === 'saved' ? text.t('workday.console.users_saved') : done === 'enabled' ? text.t('workday.console.users_enabled_done') : done === 'disabled' ? text.t('workday.console.users_disabled_done', { count: Number(req.query.tokens ?? 0) }) : null,
        error: options.error ?? null,
        languages: LANGUAGES,
        localities: localities.map((l) => ({ id: l.id, name: l.name })),
        users: users.map((u) => ({
          id: u.id,
          username: u.username,
          name: u.name,
          role: text.t(`workday.console.role_${u.role}`),
          isSelf: u.id === userOf(res).id,
          localityIds: u.localityIds,
          localityNames: u.localityIds.map((id) => localities.find((l) => l.id === id)?.name ?? id).join(', ') || '—',
          phone: u.phone ?? '',
          maskedPhone: u.phone ? maskPhone(u.phone) : text.t('workday.console.users_phone_none'),
          onDuty: u.onDuty,
          language: u.language ?? 'es',
          state: u.disabledAt ? text.t('workday.console.users_disabled', { at: text.time(u.disabledAt, 'America/Lima') }) : text.t('workday.console.users_active'),
          disabled: Boolean(u.disabledAt),
        })),
      },
      options.status,
    );
  }

  router.get('/users', deps.auth.requireUser, adminOnly, async (req, res, next) => {
    try {
      await renderUsers(req, res);
    } catch (error) {
      next(error);
    }
  });

  router.post('/users/:id', parseForm, deps.auth.requireUser, deps.auth.verifyCsrf, adminOnly, async (req, res, next) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const id = String(req.params.id);
    try {
      const found = await deps.userService.findUser(id);
      if (!found) {
        notFound(req, res);
        return;
      }
      const intent = typeof body.intent === 'string' ? body.intent : 'save';
      if (intent === 'disable') {
        if (found.id === userOf(res).id) {
          await renderUsers(req, res, { status: 422, error: text.t('workday.console.users_self') });
          return;
        }
        const { tokensRevoked } = await deps.userService.disableUser(found.id);
        res.redirect(303, `/users?done=disabled&tokens=${tokensRevoked}`);
        return;
      }
      if (intent === 'enable') {
        await deps.userService.enableUser(found.id);
        res.redirect(303, '/users?done=enabled');
        return;
      }
      const localityIds = ([] as unknown[]).concat(body.localityIds ?? []).filter((v): v is string => typeof v === 'string');
      const language = typeof body.language === 'string' ? body.language : undefined;
      await deps.userService.updateUser(found.id, {
        phone: typeof body.phone === 'string' ? body.phone : undefined,
        localityIds,
        onDuty: body.onDuty === 'on',
        language: (LANGUAGES as readonly string[]).includes(language ?? '') ? (language as (typeof LANGUAGES)[number]) : undefined,
      });
      deps.logger.info({ userId: userOf(res).id, changedUserId: found.id }, 'account changed from the console');
      res.redirect(303, '/users?done=saved');
    } catch (error) {
      if (error instanceof UserInputError || (error as { code?: string }).code === 'phone_taken') {
        const problems = error instanceof UserInputError ? error.problems.join('; ') : (error as Error).message;
        await renderUsers(req, res, { status: 422, error: text.t('workday.console.users_invalid', { problems }) }).catch(next);
        return;
      }
      next(error);
    }
  });

  return router;
}
