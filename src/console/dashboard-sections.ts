/**
 * The supervisor dashboard's own sections, drawn like the public page's: SLA breaches per week,
 * reopened complaints, and complaints per operator over the 13 weeks.
 */
import type { WeeklySeries } from '../publication';
import { weekLabel, percent, type FigureSection, type Label } from '../transparency/figure-sections';
import type { TeamFigures } from './team-figures';

function barSpec(title: string, values: Array<{ x: string; y: number }>, xTitle: string, yTitle: string, horizontal = false): object {
  const x = { field: 'x', type: 'ordinal', sort: null, title: xTitle, axis: { labelAngle: horizontal ? 0 : -60 } };
  const y = { field: 'y', type: 'quantitative', title: yTitle };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: 300,
    height: horizontal ? Math.max(60, values.length * 22) : 160,
    data: { values },
    mark: { type: 'bar', color: '#0b5c7a' },
    encoding: horizontal ? { y: x, x: y } : { x, y },
    config: { font: 'sans-serif', axis: { labelFontSize: 10, titleFontSize: 11 }, view: { stroke: null } },
  };
}

export function dashboardSections(series: WeeklySeries, team: TeamFigures, t: Label): FigureSection[] {
  const week = t('transparency.axis.week');
  const breachesName = t('transparency.dashboard.breaches_series');
  const reopenName = t('transparency.dashboard.reopen_series');
  return [
    {
      id: 'sla-breaches',
      title: t('transparency.dashboard.breaches'),
      note: t('transparency.dashboard.breaches_note'),
      spec: barSpec(t('transparency.dashboard.breaches'), series.weeks.filter((w) => w.slaBreaches > 0).map((w) => ({ x: weekLabel(w.period), y: w.slaBreaches })), week, breachesName),
      table: { headers: [week, breachesName], rows: series.weeks.map((w) => [weekLabel(w.period), String(w.slaBreaches)]) },
    },
    {
      id: 'reopen-rate',
      title: t('transparency.dashboard.reopen'),
      note: t('transparency.dashboard.reopen_note'),
      spec: barSpec(t('transparency.dashboard.reopen'), team.reopens.filter((r) => r.reopened > 0).map((r) => ({ x: weekLabel(r.period), y: r.reopened })), week, reopenName),
      table: {
        headers: [week, reopenName, t('transparency.column.total'), t('transparency.dashboard.reopen_share')],
        rows: team.reopens.map((r) => [weekLabel(r.period), String(r.reopened), String(r.created), percent(r.share)]),
      },
    },
    {
      id: 'per-operator',
      title: t('transparency.dashboard.per_operator'),
      note: t('transparency.dashboard.per_operator_note'),
      spec: barSpec(t('transparency.dashboard.per_operator'), team.perOperator.map((o) => ({ x: o.name, y: o.assigned })), t('transparency.dashboard.operator'), t('transparency.dashboard.assigned'), true),
      table: {
        headers: [t('transparency.dashboard.operator'), t('transparency.dashboard.assigned'), t('transparency.dashboard.resolved')],
        rows: team.perOperator.map((o) => [o.name, String(o.assigned), String(o.resolved)]),
      },
    },
  ];
}
