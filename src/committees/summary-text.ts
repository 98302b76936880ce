/**
 * The weekly summary as one SMS: at most 2 GSM-7 segments (aim for 1), measured with
 * sms-segments-calculator after transliteration. Parts are added in order of importance and the
 * least important are dropped until it fits — say less rather than split into three. The equity
 * alert and the footer (RESUMEN and the public page) are never dropped.
 *
 * @example (es) "AguaVoz Demo 23/11-29/11: 14 reclamos (6 corte, 3 fuga). 9 resueltos, 5 abiertos
 *   (el mas antiguo de 4 d). 1a respuesta 2 h, solucion 20 h. 4 sem: mujeres 3 h, hombres 1 h.
 *   ALERTA: a las mujeres se les responde mas lento. Mas: RESUMEN agua.pe/transparencia/demo"
 */
import type { Language } from '../domain/resident';
import type { Channel } from '../domain/resident';
import { adaptForChannel } from '../i18n/channel-text';
import { MAX_BOT_SMS_SEGMENTS, measureSms } from '../i18n/sms-segments';
import type { Translator } from '../i18n/translator';
import type { WeeklySummaryFigures } from './summary-figures';

const CATEGORY_ORDER = ['outage', 'quality', 'leak', 'sewage', 'billing', 'other'] as const;

export interface SummaryText {
  text: string;
  segments: number;
  encoding: string;
}

/** `2026-11-23` → `23/11`. */
const dayMonth = (date: string) => `${date.slice(8, 10)}/${date.slice(5, 7)}`;

export function formatDuration(t: Translator, language: Language, minutes: number | null): string {
  if (minutes === null) return t.render('committee_summary.no_data', language);
  if (minutes < 60) return t.render('committee_summary.duration', language, { unit: 'minutes', amount: Math.round(minutes) });
  if (minutes < 48 * 60) return t.render('committee_summary.duration', language, { unit: 'hours', amount: Math.round(minutes / 60) });
  return t.render('committee_summary.duration', language, { unit: 'days', amount: Math.round(minutes / 1440) });
}

export function renderSummaryText(input: {
  translator: Translator;
  language: Language;
  channel: Channel;
  localityName: string;
  figures: WeeklySummaryFigures;
  /** The public page's short URL, e.g. `agua.example.pe/transparencia/demo`. */
  url: string;
}): SummaryText {
  const { translator: t, language, figures: f } = input;
  const r = (key: string, params: Record<string, string | number> = {}) => t.render(`committee_summary.${key}`, language, params);
  const duration = (m: number | null) => formatDuration(t, language, m);
  const categories = CATEGORY_ORDER.filter((c) => (f.byCategory[c] ?? 0) > 0)
    .sort((a, b) => (f.byCategory[b] ?? 0) - (f.byCategory[a] ?? 0))
    .slice(0, 3)
    .map((c) => r('category_part', { count: f.byCategory[c]!, category: c }));
  const header = (withBreakdown: boolean) =>
    r(f.mode === 'week' ? 'header' : 'so_far', {
      locality: input.localityName,
      first: dayMonth(f.firstDay),
      last: dayMonth(f.lastDay),
      total: f.total,
      breakdown: withBreakdown && categories.length > 0 ? ` (${categories.join(', ')})` : '',
    });
  const oldest = f.oldestOpenMinutes !== null && f.open > 0 ? r('oldest', { age: duration(f.oldestOpenMinutes) }) : '';
  const parts: Array<{ id: string; text: string; optional: boolean }> = [
    { id: 'resolved_open', text: r('resolved_open', { resolved: f.resolved, open: f.open, oldest }), optional: false },
    ...(f.firstResponseMedianMinutes !== null || f.resolutionMedianMinutes !== null
      ? [{ id: 'times', text: r('times', { firstResponse: duration(f.firstResponseMedianMinutes), resolution: duration(f.resolutionMedianMinutes) }), optional: true }]
      : []),
    ...(f.comparison && f.comparison.verdict !== 'too_few'
      ? [
          {
            id: 'gender',
            text: r('gender', { women: duration(f.comparison.womenMedianMinutes), men: duration(f.comparison.menMedianMinutes) }),
            optional: true,
          },
          { id: 'equity', text: r('equity', { verdict: f.comparison.verdict }), optional: false },
        ]
      : []),
    ...(f.slaShare !== null ? [{ id: 'sla', text: r('sla', { share: `${Math.round(f.slaShare * 100)}%`, breaches: f.slaBreaches }), optional: true }] : []),
    ...(f.ratingAverage !== null
      ? [{ id: 'rating', text: r('rating', { rating: f.ratingAverage.toFixed(1).replace('.', language === 'en' ? '.' : ',') }), optional: true }]
      : []),
  ];
  const footer = r('footer', { url: input.url });
  // Least important first out: rating, the category breakdown, SLA, times, the gender medians.
  const dropOrder = ['rating', 'breakdown', 'sla', 'times', 'gender'];
  const dropped = new Set<string>();
  const compose = () =>
    adaptForChannel(
      header(!dropped.has('breakdown')) + parts.filter((p) => !dropped.has(p.id)).map((p) => p.text).join('') + footer,
      input.channel,
    );
  let text = compose();
  for (const id of dropOrder) {
    if (measureSms(text).segments <= MAX_BOT_SMS_SEGMENTS) break;
    dropped.add(id);
    text = compose();
  }
  const measure = measureSms(text);
  return { text, segments: measure.segments, encoding: measure.encoding };
}
