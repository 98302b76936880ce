/**
 * The sections of the public page and the supervisor dashboard: for each figure a vega-lite
 * spec and the table of the very numbers it draws (a chart is never published without them).
 * Everything comes from the publication module's weekly figures, so a gender cell hidden there
 * ("<5") is absent from the chart and shown as "<5" in the table — never as a number.
 */
import { CATEGORIES } from '../domain/ticket';
import type { PeriodFigures, PublishedGenderGroup, WeeklySeries } from '../publication';
import { PUBLISHED_GENDER_GROUPS } from '../publication';

export interface FigureTable {
  headers: string[];
  rows: string[][];
}

export interface FigureSection {
  id: string;
  title: string;
  /** One sentence for people: what the chart shows and how to read "<5". */
  note: string;
  spec: object;
  table: FigureTable;
}

export type Label = (key: string, params?: Record<string, string | number>) => string;

const WIDTH = 300;
const HEIGHT = 160;
const COLORS = ['#0b5c7a', '#e07b39', '#5a9e4b', '#b5446e', '#7f6bb3', '#8c8c8c'];

/** "02/11": the Monday that starts the ISO week, in the locality's calendar. */
export function weekLabel(period: PeriodFigures['period']): string {
  const [, month, day] = period.firstDay.split('-');
  return `${day}/${month}`;
}

export function hours(minutes: number | null): string {
  return minutes === null ? '—' : (minutes / 60).toFixed(1);
}

export function percent(share: number | null): string {
  return share === null ? '—' : String(Math.round(share * 100));
}

function base(title: string, values: object[]): Record<string, unknown> {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: WIDTH,
    height: HEIGHT,
    data: { values },
    config: { font: 'sans-serif', axis: { labelFontSize: 10, titleFontSize: 11 }, legend: { orient: 'bottom', columns: 3, labelFontSize: 10, title: null }, view: { stroke: null } },
  };
}

function weekAxis(t: Label) {
  return { field: 'week', type: 'ordinal', sort: null, title: t('transparency.axis.week'), axis: { labelAngle: -60 } };
}

function stackedBars(title: string, t: Label, values: Array<{ week: string; group: string; count: number }>, groups: string[], yTitle: string) {
  return {
    ...base(title, values),
    mark: { type: 'bar', tooltip: false },
    encoding: {
      x: weekAxis(t),
      y: { field: 'count', type: 'quantitative', title: yTitle, stack: 'zero' },
      color: { field: 'group', type: 'nominal', scale: { domain: groups, range: COLORS.slice(0, groups.length) }, title: null },
    },
  };
}

function lines(title: string, t: Label, values: Array<{ week: string; series: string; value: number }>, series: string[], yTitle: string) {
  return {
    ...base(title, values),
    mark: { type: 'line', point: true },
    encoding: {
      x: weekAxis(t),
      y: { field: 'value', type: 'quantitative', title: yTitle },
      color: { field: 'series', type: 'nominal', scale: { domain: series, range: COLORS.slice(0, series.length) }, title: null },
    },
  };
}

function genderLabel(t: Label, g: PublishedGenderGroup): string {
  return t(`transparency.gender.${g}`);
}

/** Weekly reports by category, by gender, response-time trends, share within SLA, backlog. */
export function publicSections(series: WeeklySeries, t: Label): FigureSection[] {
  const weeks = series.weeks;
  const k = series.minCellSize;
  const categoryNames = CATEGORIES.map((c) => t(`console.category.${c}`));

  const byCategory: FigureSection = {
    id: 'reports-by-category',
    title: t('transparency.section.by_category'),
    note: t('transparency.note.by_category'),
    spec: stackedBars(
      t('transparency.section.by_category'),
      t,
      weeks.flatMap((w) => CATEGORIES.flatMap((c, i) => (w.reports.byCategory[c] > 0 ? [{ week: weekLabel(w.period), group: categoryNames[i]!, count: w.reports.byCategory[c] }] : []))),
      categoryNames,
      t('transparency.axis.reports'),
    ),
    table: {
      headers: [t('transparency.axis.week'), ...categoryNames, t('transparency.column.total')],
      rows: weeks.map((w) => [weekLabel(w.period), ...CATEGORIES.map((c) => String(w.reports.byCategory[c])), String(w.reports.total)]),
    },
  };

  const genderNames = PUBLISHED_GENDER_GROUPS.map((g) => genderLabel(t, g));
  const byGender: FigureSection = {
    id: 'reports-by-gender',
    title: t('transparency.section.by_gender'),
    note: t('transparency.note.by_gender', { k }),
    spec: stackedBars(
      t('transparency.section.by_gender'),
      t,
      // Hidden cells (value null) are left out of the chart: it draws only what the table shows.
      weeks.flatMap((w) =>
        PUBLISHED_GENDER_GROUPS.flatMap((g, i) => {
          const cell = w.reports.byGender.all.cells[g];
          return cell.value !== null ? [{ week: weekLabel(w.period), group: genderNames[i]!, count: cell.value }] : [];
        }),
      ),
      genderNames,
      t('transparency.axis.reports'),
    ),
    table: {
      headers: [t('transparency.axis.week'), ...genderNames, t('transparency.column.total')],
      rows: weeks.map((w) => [weekLabel(w.period), ...PUBLISHED_GENDER_GROUPS.map((g) => w.reports.byGender.all.cells[g].display), w.reports.byGender.all.total.display]),
    },
  };

  const trend = (id: string, field: 'firstResponse' | 'resolution'): FigureSection => {
    const median = t('transparency.series.median');
    const p90 = t('transparency.series.p90');
    return {
      id,
      title: t(`transparency.section.${field === 'firstResponse' ? 'first_response' : 'resolution'}`),
      note: t('transparency.note.trend'),
      spec: lines(
        t(`transparency.section.${field === 'firstResponse' ? 'first_response' : 'resolution'}`),
        t,
        weeks.flatMap((w) => {
          const f = w[field];
          const points = [];
          if (f.medianMinutes !== null) points.push({ week: weekLabel(w.period), series: median, value: Number(hours(f.medianMinutes)) });
          if (f.p90Minutes !== null) points.push({ week: weekLabel(w.period), series: p90, value: Number(hours(f.p90Minutes)) });
          return points;
        }),
        [median, p90],
        t('transparency.axis.hours'),
      ),
      table: {
        headers: [t('transparency.axis.week'), median, p90, 'n'],
        rows: weeks.map((w) => [weekLabel(w.period), hours(w[field].medianMinutes), hours(w[field].p90Minutes), String(w[field].n)]),
      },
    };
  };

  const firstSeries = t('transparency.series.first_response');
  const resolutionSeries = t('transparency.series.resolution');
  const sla: FigureSection = {
    id: 'within-sla',
    title: t('transparency.section.sla'),
    note: t('transparency.note.sla'),
    spec: lines(
      t('transparency.section.sla'),
      t,
      weeks.flatMap((w) => {
        const points = [];
        if (w.firstResponse.withinSla.share !== null) points.push({ week: weekLabel(w.period), series: firstSeries, value: Number(percent(w.firstResponse.withinSla.share)) });
        if (w.resolution.withinSla.share !== null) points.push({ week: weekLabel(w.period), series: resolutionSeries, value: Number(percent(w.resolution.withinSla.share)) });
        return points;
      }),
      [firstSeries, resolutionSeries],
      '%',
    ),
    table: {
      headers: [t('transparency.axis.week'), `${firstSeries} %`, 'n', `${resolutionSeries} %`, 'n'],
      rows: weeks.map((w) => {
        const n = (s: { met: number; breached: number }) => String(s.met + s.breached);
        return [weekLabel(w.period), percent(w.firstResponse.withinSla.share), n(w.firstResponse.withinSla), percent(w.resolution.withinSla.share), n(w.resolution.withinSla)];
      }),
    },
  };

  const backlogName = t('transparency.series.backlog');
  const backlog: FigureSection = {
    id: 'backlog',
    title: t('transparency.section.backlog'),
    note: t('transparency.note.backlog', { open: series.backlogNow.open }),
    spec: stackedBars(
      t('transparency.section.backlog'),
      t,
      weeks.filter((w) => w.backlog.open > 0).map((w) => ({ week: weekLabel(w.period), group: backlogName, count: w.backlog.open })),
      [backlogName],
      t('transparency.axis.reports'),
    ),
    table: {
      headers: [t('transparency.axis.week'), backlogName],
      rows: weeks.map((w) => [weekLabel(w.period), String(w.backlog.open)]),
    },
  };

  return [byCategory, byGender, trend('first-response', 'firstResponse'), trend('resolution', 'resolution'), sla, backlog];
}
