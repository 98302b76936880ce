/**
 * The public transparency page, its CSV and the index of localities. Figures come only from the
 * publication module (`createPublicationFigures`), charts from the SVG renderer, so the page
 * needs no JavaScript and shows nothing the publication rule did not let out. A page is cached
 * for `cacheSeconds` per locality, language and week: the weeks it shows only change on Mondays,
 * and the backlog line may lag by that much.
 */
import { DateTime } from 'luxon';
import type { SvgChartRenderer } from '../charts/svg-chart-renderer';
import type { Language } from '../domain/resident';
import type { Locality } from '../domain/locality';
import type { Translator } from '../i18n/translator';
import { isoWeekOfLocalDate, lastCompleteIsoWeek, shiftPeriod, type AlignedPeriod, type PublicationFigures } from '../publication';
import type { Repository } from '../store/repository';
import type { ConsoleRenderer } from '../console/console-views';
import { figuresCsv } from './figures-csv';
import { publicSections, type FigureSection, type Label } from './figure-sections';

export const MAX_CSV_WEEKS = 53;

export interface RenderedSection extends FigureSection {
  svg: string;
}

export class TransparencyRangeError extends Error {
  readonly code = 'invalid_range' as const;
  constructor(message: string) {
    super(message);
    this.name = 'TransparencyRangeError';
  }
}

export interface TransparencyServiceDeps {
  repo: Pick<Repository, 'listLocalities' | 'findLocalityBySlug'>;
  figures: PublicationFigures;
  charts: SvgChartRenderer;
  translator: Pick<Translator, 'render'>;
  renderer: ConsoleRenderer;
  now: () => string;
  cacheSeconds?: number;
}

export function createTransparencyService(deps: TransparencyServiceDeps) {
  const cacheMs = (deps.cacheSeconds ?? 300) * 1000;
  const cache = new Map<string, { at: number; html: string }>();
  const labels = (language: Language): Label => (key, params) => deps.translator.render(key, language, params);

  async function renderSections(sections: FigureSection[]): Promise<RenderedSection[]> {
    const rendered: RenderedSection[] = [];
    for (const section of sections) rendered.push({ ...section, svg: await deps.charts.render(section.spec) });
    return rendered;
  }

  function localDate(iso: string, timeZone: string): string {
    return DateTime.fromISO(iso, { zone: 'utc' }).setZone(timeZone).toFormat('dd/MM/yyyy HH:mm');
  }

  async function pageBody(locality: Locality, language: Language): Promise<{ title: string; body: string }> {
    const t = labels(language);
    const series = await deps.figures.weeklySeries(locality, { weeks: 13 });
    const sections = await renderSections(publicSections(series, t));
    const first = series.weeks[0]!.period;
    const last = series.weeks[series.weeks.length - 1]!.period;
    const title = t('transparency.page.title', { locality: locality.name });
    const oldest = series.backlogNow.oldestCreatedAt;
    const body = deps.renderer.render('transparency', {
      heading: title,
      intro: t('transparency.page.intro', { timeZone: locality.timeZone }),
      period: t('transparency.page.period', { from: first.firstDay, to: last.lastDay }),
      openNow: `${t('transparency.page.open_now', { open: series.backlogNow.open })}${oldest ? ` ${t('transparency.page.oldest_open', { date: localDate(oldest, locality.timeZone).slice(0, 10) })}` : ''}`,
      generated: t('transparency.page.generated', { at: localDate(series.generatedAt, locality.timeZone) }),
      rule: t('transparency.page.rule', { k: series.minCellSize }),
      csvUrl: `/transparencia/${locality.slug}.csv`,
      csvLabel: t('transparency.page.csv'),
      open311Url: `/open311/v2/requests.json?jurisdiction_id=${encodeURIComponent(locality.slug)}`,
      open311Label: t('transparency.page.open311'),
      allLabel: t('transparency.page.all_localities'),
      tableCaption: t('transparency.page.table'),
      sections,
    });
    return { title, body };
  }

  function layout(language: Language, title: string, body: string): string {
    return deps.renderer.render('public-layout', { language, title, headerTitle: labels(language)('transparency.page.index_title'), body });
  }

  /** The weeks a CSV covers: `desde`/`hasta` local days snapped to whole ISO weeks, default the page's 13. */
  function csvWeeks(locality: Locality, range: { from?: string; to?: string }): AlignedPeriod[] {
    const lastComplete = lastCompleteIsoWeek(deps.now(), locality.timeZone);
    let last = lastComplete;
    let first = shiftPeriod(lastComplete, -12);
    try {
      if (range.to) last = isoWeekOfLocalDate(range.to, locality.timeZone);
      if (range.from) first = isoWeekOfLocalDate(range.from, locality.timeZone);
    } catch {
      throw new TransparencyRangeError('bad date');
    }
    // Never the week in progress: its figures change with every new report.
    if (last.from > lastComplete.from) last = lastComplete;
    const weeks: AlignedPeriod[] = [];
    for (let week = first; week.from <= last.from; week = shiftPeriod(week, 1)) {
      weeks.push(week);
      if (weeks.length > MAX_CSV_WEEKS) throw new TransparencyRangeError('too many weeks');
    }
    if (weeks.length === 0) throw new TransparencyRangeError('empty range');
    return weeks;
  }

  return {
    labels,
    renderSections,

    /** The whole page, or null for an unknown slug. */
    async page(slug: string, language: Language): Promise<string | null> {
      const locality = await deps.repo.findLocalityBySlug(slug);
      if (!locality) return null;
      // The weeks shown change on Monday: a cached page never outlives its week.
      const key = `${locality.id}|${language}|${lastCompleteIsoWeek(deps.now(), locality.timeZone).key}`;
      const hit = cache.get(key);
      const now = Date.parse(deps.now());
      if (hit && now - hit.at < cacheMs) return hit.html;
      const { title, body } = await pageBody(locality, language);
      const html = layout(language, title, body);
      cache.set(key, { at: now, html });
      return html;
    },

    async index(language: Language): Promise<string> {
      const t = labels(language);
      const localities = (await deps.repo.listLocalities()).map((l) => ({ slug: l.slug, name: l.name }));
      const body = deps.renderer.render('transparency-index', {
        heading: t('transparency.page.index_title'),
        intro: t('transparency.page.index_intro'),
        empty: t('transparency.page.index_empty'),
        localities,
      });
      return layout(language, t('transparency.page.index_title'), body);
    },

    /** The CSV, or null for an unknown slug; {@link TransparencyRangeError} for a bad range. */
    async csv(slug: string, language: Language, range: { from?: string; to?: string }): Promise<string | null> {
      const locality = await deps.repo.findLocalityBySlug(slug);
      if (!locality) return null;
      const weeks = await deps.figures.periodsFigures(locality, csvWeeks(locality, range));
      return figuresCsv({
        locality,
        weeks,
        minCellSize: weeks[0]?.minCellSize ?? 5,
        generatedAt: deps.now(),
        t: labels(language),
      });
    },

    layout,
  };
}

export type TransparencyService = ReturnType<typeof createTransparencyService>;
