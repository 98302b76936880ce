/**
 * `/transparencia/<slug>.csv`: the page's figures in long form (one number per row), with the
 * date range and a data dictionary in `#` comment lines at the top (read by pandas'
 * `comment='#'`, R's `comment.char`, and shown as a note in a spreadsheet). Gender cells carry
 * the publication rule's display (`<5` for hidden and empty alike), never the hidden number.
 */
import { CATEGORIES } from '../domain/ticket';
import { PUBLISHED_GENDER_GROUPS, type PeriodFigures } from '../publication';
import type { Label } from './figure-sections';
import { hours, percent } from './figure-sections';

export interface FiguresCsvInput {
  locality: { slug: string; name: string; timeZone: string };
  weeks: readonly PeriodFigures[];
  minCellSize: number;
  generatedAt: string;
  t: Label;
}

function cell(value: string): string {
  return /[",\n#]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function figuresCsv(input: FiguresCsvInput): string {
  const { t, weeks, locality } = input;
  const k = input.minCellSize;
  const first = weeks[0]?.period.firstDay ?? '';
  const last = weeks[weeks.length - 1]?.period.lastDay ?? '';
  const comments = [
    t('transparency.csv.title', { locality: locality.name }),
    t('transparency.csv.range', { from: first, to: last, timeZone: locality.timeZone, at: input.generatedAt }),
    t('transparency.csv.rule', { k }),
    t('transparency.csv.dictionary'),
    ...['col_locality', 'col_week', 'col_from', 'col_to', 'col_measure', 'col_group', 'col_value'].map((key) => `  ${t(`transparency.csv.${key}`, { k })}`),
    ...['m_reports', 'm_first_median', 'm_resolution_median', 'm_sla', 'm_backlog', 'm_breaches'].map((key) => `  ${t(`transparency.csv.${key}`)}`),
  ].map((line) => `# ${line}`);

  const rows: string[][] = [];
  for (const w of weeks) {
    const row = (measure: string, group: string, value: string) => rows.push([locality.slug, w.period.key, w.period.firstDay, w.period.lastDay, measure, group, value]);
    for (const c of CATEGORIES) row('reports', c, String(w.reports.byCategory[c]));
    for (const g of PUBLISHED_GENDER_GROUPS) row('reports', g, w.reports.byGender.all.cells[g].display);
    row('reports', 'total', String(w.reports.total));
    for (const [name, f] of [['first_response', w.firstResponse], ['resolution', w.resolution]] as const) {
      row(`${name}_median_h`, 'total', hours(f.medianMinutes));
      row(`${name}_p90_h`, 'total', hours(f.p90Minutes));
      row(`${name}_n`, 'total', String(f.n));
      row(`within_sla_${name}_pct`, 'total', percent(f.withinSla.share));
      row(`within_sla_${name}_n`, 'total', String(f.withinSla.met + f.withinSla.breached));
    }
    row('open_at_week_end', 'total', String(w.backlog.open));
    row('sla_breaches', 'total', String(w.slaBreaches));
  }
  const header = ['locality', 'week', 'from', 'to', 'measure', 'group', 'value'];
  return [...comments, header.join(','), ...rows.map((r) => r.map(cell).join(','))].join('\n') + '\n';
}
