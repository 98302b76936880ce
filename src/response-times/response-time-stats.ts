/**
 * Response-time statistics for operators, the REST API and the committee's weekly summary:
 * how many complaints, how fast they were first answered and resolved, how many within the
 * SLA, and how many are still open, per locality, category and reporter gender.
 *
 * Durations are wall-clock minutes from the ticket's creation (what a resident waited), even
 * when the SLA counts business hours; whether the operator kept its business-hours promise is
 * what the within-SLA share says. Resolution time runs to the latest resolution, so a ticket
 * reopened after a bad fix counts the whole wait.
 */
import type { Category, Ticket } from '../domain/ticket';
import { evaluateSla } from '../sla/sla-deadlines';
import { DEFAULT_MIN_GENDER_GROUP_SIZE, type GenderGroup, suppressSmallGenderGroups } from './gender-suppression';
import { nearestRankPercentile } from './nearest-rank-percentile';

export const RESPONSE_TIME_GROUP_KEYS = ['localityId', 'category', 'reporterGender'] as const;
export type ResponseTimeGroupKey = (typeof RESPONSE_TIME_GROUP_KEYS)[number];

export type StatsTicket = Pick<
  Ticket,
  | 'localityId'
  | 'category'
  | 'reporterGender'
  | 'status'
  | 'createdAt'
  | 'firstResponseAt'
  | 'resolvedAt'
  | 'firstResponseDueAt'
  | 'resolutionDueAt'
>;

export interface ResponseTimeStatsInput {
  tickets: readonly StatsTicket[];
  /** Tickets created in [from, to): a cohort, so a week's numbers never change their membership. */
  period: { from: string; to: string };
  /** Judges pending SLAs and open tickets. */
  now: string;
  /** Default: all three, crossed. Without `reporterGender` nothing needs suppressing. */
  groupBy?: readonly ResponseTimeGroupKey[];
  /** Gender cells under this count are suppressed (default 5). */
  minGroupSize?: number;
}

/** `share` = met / (met + breached); pending and no-SLA tickets are left out; null if none. */
export interface SlaShare {
  met: number;
  breached: number;
  share: number | null;
}

export interface DurationStats {
  /** Tickets that have this duration (answered, or resolved). */
  count: number;
  medianMinutes: number | null;
  p90Minutes: number | null;
  withinSla: SlaShare;
}

export interface ResponseTimeGroupStats {
  key: { localityId?: string; category?: Category; reporterGender?: GenderGroup };
  count: number;
  /** Not resolved or closed at `now`. */
  open: number;
  firstResponse: DurationStats;
  resolution: DurationStats;
}

/**
 * @example { unit: 'wall_clock_minutes', percentile: 'nearest_rank', minGroupSize: 5,
 *   total: { key: {}, count: 42, open: 3, firstResponse: { count: 40, medianMinutes: 35, p90Minutes: 180,
 *   withinSla: { met: 36, breached: 4, share: 0.9 } }, resolution: { … } }, groups: [ … ] }
 */
export interface ResponseTimeReport {
  period: { from: string; to: string };
  generatedAt: string;
  unit: 'wall_clock_minutes';
  percentile: 'nearest_rank';
  minGroupSize: number;
  total: ResponseTimeGroupStats;
  groups: ResponseTimeGroupStats[];
}

export class InvalidStatsPeriodError extends Error {
  readonly code = 'invalid_period' as const;
  constructor(message: string) {
    super(message);
    this.name = 'InvalidStatsPeriodError';
  }
}

const MINUTE_MS = 60_000;

/**
 * @throws InvalidStatsPeriodError when the period is not two instants with `from` before `to`.
 */
export function computeResponseTimeStats(input: ResponseTimeStatsInput): ResponseTimeReport {
  const fromMs = Date.parse(input.period.from);
  const toMs = Date.parse(input.period.to);
  if (Number.isNaN(fromMs) || Number.isNaN(toMs) || fromMs >= toMs) {
    throw new InvalidStatsPeriodError(`invalid period: ${input.period.from} – ${input.period.to}`);
  }
  const k = input.minGroupSize ?? DEFAULT_MIN_GENDER_GROUP_SIZE;
  const groupBy = RESPONSE_TIME_GROUP_KEYS.filter((key) => (input.groupBy ?? RESPONSE_TIME_GROUP_KEYS).includes(key));
  const inPeriod = input.tickets.filter((t) => {
    const created = Date.parse(t.createdAt);
    return created >= fromMs && created < toMs;
  });

  const strata = new Map<string, { key: ResponseTimeGroupStats['key']; tickets: StatsTicket[] }>();
  for (const ticket of inPeriod) {
    const key: ResponseTimeGroupStats['key'] = {};
    if (groupBy.includes('localityId')) key.localityId = ticket.localityId;
    if (groupBy.includes('category')) key.category = ticket.category;
    const id = JSON.stringify([key.localityId, key.category]);
    const stratum = strata.get(id) ?? { key, tickets: [] };
    stratum.tickets.push(ticket);
    strata.set(id, stratum);
  }

  const groups: ResponseTimeGroupStats[] = [];
  for (const { key, tickets } of strata.values()) {
    if (!groupBy.includes('reporterGender')) {
      groups.push(groupStats(key, tickets, input.now));
      continue;
    }
    const byGender = new Map<Exclude<GenderGroup, 'suppressed'>, StatsTicket[]>();
    for (const ticket of tickets) {
      const gender = ticket.reporterGender ?? 'not_recorded';
      byGender.set(gender, [...(byGender.get(gender) ?? []), ticket]);
    }
    for (const [gender, cell] of suppressSmallGenderGroups(byGender, k)) {
      groups.push(groupStats({ ...key, reporterGender: gender }, cell, input.now));
    }
  }
  groups.sort(compareKeys);

  return {
    period: { from: input.period.from, to: input.period.to },
    generatedAt: input.now,
    unit: 'wall_clock_minutes',
    percentile: 'nearest_rank',
    minGroupSize: k,
    total: groupStats({}, inPeriod, input.now),
    groups,
  };
}

function groupStats(key: ResponseTimeGroupStats['key'], tickets: readonly StatsTicket[], now: string): ResponseTimeGroupStats {
  const evaluations = tickets.map((t) => evaluateSla(t, now));
  const minutesTo = (field: 'firstResponseAt' | 'resolvedAt') =>
    tickets.flatMap((t) => (t[field] ? [(Date.parse(t[field]) - Date.parse(t.createdAt)) / MINUTE_MS] : []));
  const duration = (values: number[], outcomes: string[]): DurationStats => ({
    count: values.length,
    medianMinutes: nearestRankPercentile(values, 50),
    p90Minutes: nearestRankPercentile(values, 90),
    withinSla: share(outcomes),
  });
  return {
    key,
    count: tickets.length,
    open: tickets.filter((t) => t.status !== 'resolved' && t.status !== 'closed').length,
    firstResponse: duration(minutesTo('firstResponseAt'), evaluations.map((e) => e.firstResponse)),
    resolution: duration(minutesTo('resolvedAt'), evaluations.map((e) => e.resolution)),
  };
}

function share(outcomes: readonly string[]): SlaShare {
  const met = outcomes.filter((o) => o === 'met').length;
  const breached = outcomes.filter((o) => o === 'breached').length;
  return { met, breached, share: met + breached > 0 ? met / (met + breached) : null };
}

const GENDER_ORDER: readonly GenderGroup[] = ['woman', 'man', 'another', 'undisclosed', 'not_recorded', 'suppressed'];

function compareKeys(a: ResponseTimeGroupStats, b: ResponseTimeGroupStats): number {
  return (
    (a.key.localityId ?? '').localeCompare(b.key.localityId ?? '') ||
    (a.key.category ?? '').localeCompare(b.key.category ?? '') ||
    GENDER_ORDER.indexOf(a.key.reporterGender ?? 'woman') - GENDER_ORDER.indexOf(b.key.reporterGender ?? 'woman')
  );
}
