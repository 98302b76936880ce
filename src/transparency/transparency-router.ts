/**
 * Public routes, no login: `/transparencia` (the localities), `/transparencia/<slug>` (the page)
 * and `/transparencia/<slug>.csv`. `?lang=en` switches the labels (Spanish by default). Pages are
 * cacheable by any proxy for five minutes.
 */
import express, { type Request, type Response, type Router } from 'express';
import type { Language } from '../domain/resident';
import type { Logger } from '../shared/logger';
import { TransparencyRangeError, type TransparencyService } from './transparency-service';

const CACHE = 'public, max-age=300';

function language(req: Request): Language {
  return req.query.lang === 'en' ? 'en' : 'es';
}

export function createTransparencyRouter(deps: { service: TransparencyService; logger: Logger }): Router {
  const router = express.Router();
  const { service } = deps;
  const text = (req: Request) => service.labels(language(req));

  const fail = (res: Response, error: unknown) => {
    deps.logger.error({ err: error }, 'transparency page failed');
    res.status(500).type('text/plain').send('error');
  };

  router.get('/transparencia', async (req, res) => {
    try {
      res.set('Cache-Control', CACHE).type('html').send(await service.index(language(req)));
    } catch (error) {
      fail(res, error);
    }
  });

  router.get('/transparencia/:slug.csv', async (req, res) => {
    const slug = req.params.slug as string;
    try {
      const range = {
        from: typeof req.query.desde === 'string' ? req.query.desde : undefined,
        to: typeof req.query.hasta === 'string' ? req.query.hasta : undefined,
      };
      const csv = await service.csv(slug, language(req), range);
      if (csv === null) {
        res.status(404).type('text/plain').send(text(req)('transparency.error.not_found', { slug: slug.slice(0, 60) }));
        return;
      }
      res
        .set('Cache-Control', CACHE)
        .set('Content-Disposition', `attachment; filename="aguavoz-${slug}.csv"`)
        .type('text/csv; charset=utf-8')
        .send(csv);
    } catch (error) {
      if (error instanceof TransparencyRangeError) {
        res.status(400).type('text/plain').send(text(req)('transparency.error.bad_range'));
        return;
      }
      fail(res, error);
    }
  });

  router.get('/transparencia/:slug', async (req, res) => {
    const slug = req.params.slug as string;
    try {
      const html = await service.page(slug, language(req));
      if (html === null) {
        const t = text(req);
        res.status(404).type('html').send(service.layout(language(req), t('transparency.page.index_title'), `<p>${escapeHtml(t('transparency.error.not_found', { slug: slug.slice(0, 60) }))}</p>`));
        return;
      }
      res.set('Cache-Control', CACHE).type('html').send(html);
    } catch (error) {
      fail(res, error);
    }
  });

  return router;
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
