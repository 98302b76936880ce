/**
 * `/committees/:slug` in the console: a locality's oversight committee for admins and the
 * supervisors of that locality — members (phones masked), each one's delivery status of last
 * week's summary, add (welcome SMS), pause, resume, remove. Plain HTML forms, no JavaScript.
 */
import express, { Router, type Request, type Response } from 'express';
import { canAccessLocality, requireRole } from '../auth/access-policy';
import type { AuthenticatedUser } from '../auth/auth-types';
import { CSRF_FIELD, type ConsoleAuth } from '../auth/console-auth';
import type { CommitteeService } from '../committees/committee-service';
import type { SummaryService } from '../committees/summary-service';
import type { Locality } from '../domain/locality';
import type { Translator } from '../i18n/translator';
import { lastCompleteIsoWeek } from '../publication/aligned-period';
import type { Logger } from '../shared/logger';
import { maskPhone } from '../shared/phone';
import { createConsoleRenderer, createConsoleText } from './console-views';

export interface CommitteeConsoleDeps {
  auth: ConsoleAuth;
  committees: CommitteeService;
  summaries: SummaryService;
  translator: Translator;
  logger: Logger;
  now: () => string;
  viewsDir?: string;
}

export function createCommitteeConsoleRouter(deps: CommitteeConsoleDeps): Router {
  const renderer = createConsoleRenderer({ viewsDir: deps.viewsDir });
  const text = createConsoleText(deps.translator, 'es');
  const parseForm = express.urlencoded({ extended: false, limit: '10kb' });
  const router = Router();
  const guard = [deps.auth.requireUser, requireRole('supervisor')];

  async function scoped(req: Request, res: Response): Promise<Locality | null> {
    const user = res.locals.user as AuthenticatedUser;
    const locality = await deps.committees.locality(String(req.params.slug)).catch(() => null);
    if (!locality || !canAccessLocality(user, locality.id)) {
      const status = locality ? 403 : 404;
      const key = locality ? 'forbidden' : 'not_found';
      res.status(status).type('html').send(renderer.render('error', page(req, res, { title: text.t(`console.error.${key}_title`), message: text.t(`console.error.${key}`) })));
      return null;
    }
    return locality;
  }

  function page(req: Request, res: Response, data: Record<string, unknown>) {
    return { ...data, text, user: res.locals.user, csrfField: CSRF_FIELD, csrfToken: deps.auth.csrfTokenFor(req) };
  }

  async function show(req: Request, res: Response, locality: Locality, extra: { status?: number; error?: string; flash?: string; form?: Record<string, string> } = {}) {
    const week = lastCompleteIsoWeek(deps.now(), locality.timeZone);
    const deliveries = new Map((await deps.summaries.deliveries(locality, week.key)).map((d) => [d.memberId, d]));
    const members = (await deps.committees.list(locality.id)).map((m) => {
      const d = deliveries.get(m.id);
      return {
        ...m,
        maskedPhone: maskPhone(m.phone),
        delivery: !d || d.status === 'not_sent' ? text.t('console_committee.not_sent') : `${d.status}${d.attempts > 1 ? ` (${d.attempts})` : ''}`,
      };
    });
    const html = renderer.render('committee', page(req, res, { title: text.t('console_committee.title', { locality: locality.name }), locality, members, week: week.key, form: extra.form ?? { name: '', phone: '' }, error: extra.error, flash: extra.flash }));
    res.status(extra.status ?? 200).set('Cache-Control', 'no-store').type('html').send(html);
  }

  router.get('/committees/:slug', ...guard, async (req, res) => {
    const locality = await scoped(req, res);
    if (locality) await show(req, res, locality, { flash: req.query.done === 'added' ? text.t('console_committee.added') : req.query.done ? text.t('console_committee.changed') : undefined });
  });

  router.post('/committees/:slug/members', parseForm, ...guard, deps.auth.verifyCsrf, async (req, res) => {
    const locality = await scoped(req, res);
    if (!locality) return;
    const body = (req.body ?? {}) as Record<string, string>;
    try {
      await deps.committees.add(locality.id, { name: body.name ?? '', phone: body.phone ?? '', language: body.language as 'es', channel: body.channel as 'sms' });
      res.redirect(303, `/committees/${locality.slug}?done=added`);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (code !== 'invalid_committee_member') throw error;
      await show(req, res, locality, { status: 422, error: (error as Error).message, form: { name: body.name ?? '', phone: body.phone ?? '' } });
    }
  });

  router.post('/committees/:slug/members/:member/:action', parseForm, ...guard, deps.auth.verifyCsrf, async (req, res) => {
    const locality = await scoped(req, res);
    if (!locality) return;
    const member = String(req.params.member);
    const action = String(req.params.action);
    if (action === 'remove') await deps.committees.remove(locality.id, member);
    else if (action === 'pause' || action === 'resume') await deps.committees.setStatus(locality.id, member, action === 'pause' ? 'paused' : 'active');
    else {
      res.status(404).end();
      return;
    }
    deps.logger.info({ userId: (res.locals.user as AuthenticatedUser).id, memberId: member, action }, 'committee member changed');
    res.redirect(303, `/committees/${locality.slug}?done=${action}`);
  });

  return router;
}
