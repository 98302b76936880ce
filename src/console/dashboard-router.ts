/**
 * `GET /dashboard`: the supervisor's picture of the last 13 weeks, per locality they supervise
 * (admins: any). The public page's charts from the same published figures (gender cells under
 * the publication rule), plus SLA breaches, reopened complaints and complaints per operator.
 * Charts are SVG rendered on the server, each with its numbers in a table: no JavaScript.
 */
import { Router, type Request, type Response } from 'express';
import type { ConsoleAuth } from '../auth/console-auth';
import { CSRF_FIELD } from '../auth/console-auth';
import { requireRole } from '../auth/access-policy';
import type { AuthenticatedUser } from '../auth/auth-types';
import type { Locality } from '../domain/locality';
import type { Translator } from '../i18n/translator';
import type { PublicationFigures } from '../publication';
import type { Logger } from '../shared/logger';
import type { Repository } from '../store/repository';
import { publicSections } from '../transparency/figure-sections';
import type { TransparencyService } from '../transparency/transparency-service';
import { createTransparencyRenderer } from '../transparency/transparency-views';
import { createConsoleRenderer, createConsoleText } from './console-views';
import { dashboardSections } from './dashboard-sections';
import { loadTeamFigures } from './team-figures';

export interface DashboardRouterDeps {
  repo: Repository;
  figures: PublicationFigures;
  transparency: Pick<TransparencyService, 'renderSections'>;
  translator: Translator;
  auth: Pick<ConsoleAuth, 'requireUser' | 'csrfTokenFor'>;
  logger: Logger;
}

export function createDashboardRouter(deps: DashboardRouterDeps): Router {
  const router = Router();
  const renderer = createConsoleRenderer();
  const sectionsRenderer = createTransparencyRenderer();
  const text = createConsoleText(deps.translator, 'es');
  const t = (key: string, params?: Record<string, string | number>) => deps.translator.render(key, 'es', params);

  async function localitiesOf(user: AuthenticatedUser): Promise<Locality[]> {
    const all = await deps.repo.listLocalities();
    return user.role === 'admin' ? all : all.filter((l) => user.localityIds.includes(l.id));
  }

  router.get('/dashboard', deps.auth.requireUser, requireRole('supervisor'), async (req: Request, res: Response) => {
    const user = res.locals.user as AuthenticatedUser;
    const send = (data: Record<string, unknown>, status = 200) =>
      res
        .status(status)
        .set('Cache-Control', 'no-store')
        .type('html')
        .send(renderer.render(data.view as string, { ...data, text, user, csrfField: CSRF_FIELD, csrfToken: deps.auth.csrfTokenFor(req) }));
    try {
      const localities = await localitiesOf(user);
      if (localities.length === 0) {
        send({ view: 'error', title: t('transparency.dashboard.title'), message: t('transparency.dashboard.no_locality') });
        return;
      }
      const wanted = typeof req.query.locality === 'string' ? req.query.locality : localities[0]!.slug;
      const locality = localities.find((l) => l.slug === wanted);
      if (!locality) {
        send({ view: 'error', title: text.t('console.error.not_found_title'), message: text.t('console.error.not_found') }, 404);
        return;
      }
      const series = await deps.figures.weeklySeries(locality, { weeks: 13 });
      const team = await loadTeamFigures(deps.repo, {
        localityId: locality.id,
        weeks: series.weeks.map((w) => w.period),
        unassignedLabel: t('transparency.dashboard.unassigned'),
      });
      const sections = await deps.transparency.renderSections([...publicSections(series, t), ...dashboardSections(series, team, t)]);
      const first = series.weeks[0]!.period;
      const last = series.weeks[series.weeks.length - 1]!.period;
      send({
        view: 'dashboard',
        title: t('transparency.dashboard.title'),
        heading: `${t('transparency.dashboard.title')}: ${locality.name}`,
        intro: t('transparency.dashboard.intro'),
        period: t('transparency.page.period', { from: first.firstDay, to: last.lastDay }),
        localities: localities.map((l) => ({ slug: l.slug, name: l.name })),
        current: locality.slug,
        sectionsHtml: sectionsRenderer.render('figure-sections', { sections, tableCaption: t('transparency.page.table') }),
        flash: null,
        error: null,
      });
    } catch (error) {
      deps.logger.error({ err: error }, 'dashboard failed');
      send({ view: 'error', title: text.t('console.error.server_title'), message: text.t('console.error.server') }, 500);
    }
  });

  return router;
}
