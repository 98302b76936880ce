/**
 * Response-time statistics over HTTP. The numbers come from the pure stats module (nearest-rank
 * percentiles, SLA shares, small gender cells suppressed); this file only loads the caller's
 * tickets for the period and renames fields.
 */
import type { z } from 'zod';
import { canAccessLocality, visibleLocalityIds } from '../auth/access-policy';
import type { AuthenticatedUser } from '../auth/auth-types';
import type { Locality } from '../domain/locality';
import type { Ticket } from '../domain/ticket';
import { minCellSizeOf } from '../publication/publication-figures';
import { genderGroups, snapRequest, type PublishedGroup } from './response-time-publication';
import {
  computeResponseTimeStats,
  type DurationStats,
  type ResponseTimeGroupKey,
  type ResponseTimeGroupStats,
} from '../response-times/response-time-stats';
import type { Repository } from '../store/repository';
import { ApiError } from './api-errors';
import { defineEndpoint, type Endpoint } from './api-endpoint';
import {
  DEFAULT_PERIOD_DAYS,
  MAX_PERIOD_DAYS,
  responseTimeGroupSchema,
  responseTimeReportSchema,
  responseTimesQuerySchema,
  type ResponseTimeGroup,
} from './response-time-schemas';

export interface ResponseTimeEndpointDeps {
  repo: Repository;
  now: () => string;
}

const DAY_MS = 86_400_000;
const LOAD_PAGE_SIZE = 500;

const GROUP_KEYS: Record<ResponseTimeGroup, ResponseTimeGroupKey> = {
  category: 'category',
  gender: 'reporterGender',
  locality: 'localityId',
};

/** @example GET /metrics/response-times?from=2025-07-01T00:00:00Z&to=2025-08-01T00:00:00Z&group_by=gender */
export function responseTimeEndpoints(deps: ResponseTimeEndpointDeps): Endpoint[] {
  return [
    defineEndpoint({
      method: 'get',
      path: '/metrics/response-times',
      operationId: 'getResponseTimes',
      summary: 'First-response and resolution times, SLA share and open count per group',
      description:
        'Tickets created in your localities in the whole ISO weeks (Monday–Sunday in the locality time zone) that ' +
        '[from, to) snaps to: `from` and `to` move back to the Monday that starts their week, and the week in ' +
        'progress is left out, so two requests a millisecond apart get the same answer. Durations are wall-clock ' +
        'minutes from creation; median and p90 use the nearest-rank method. A gender breakdown is per locality ' +
        '(categories × gender): groups under `min_group_size`, and enough others that no subtraction recovers ' +
        'them, come back as `count: null`, `display: "<5"`, exactly like empty groups.',
      tags: ['metrics'],
      request: { query: responseTimesQuerySchema },
      response: { status: 200, description: 'The report.', schema: responseTimeReportSchema },
      errors: [400, 403],
      async handle({ query, user }) {
        const now = deps.now();
        const to = query.to ?? new Date(now).toISOString();
        const from = query.from ?? new Date(Date.parse(to) - DEFAULT_PERIOD_DAYS * DAY_MS).toISOString();
        if (Date.parse(from) >= Date.parse(to)) throw new ApiError('invalid_request', '`from` must be before `to`');
        if (Date.parse(to) - Date.parse(from) > MAX_PERIOD_DAYS * DAY_MS) {
          throw new ApiError('invalid_request', `the period may span at most ${MAX_PERIOD_DAYS} days`);
        }
        const localities = await scopeLocalities(deps.repo, user, query.locality_id);
        const localityIds = localities.map((l) => l.id);
        const groupBy: ResponseTimeGroup[] = [...new Set<ResponseTimeGroup>(query.group_by ?? ['category'])];
        // The publication rule: whole, complete ISO weeks only (see response-time-publication.ts).
        const snapped = snapRequest(localities, { from, to }, now);
        const tickets = await loadTickets(deps.repo, { localityIds, from: snapped.from, to: snapped.to });
        const period = { from: snapped.from, to: snapped.to };
        const withGender = groupBy.includes('gender');
        const report = computeResponseTimeStats({
          tickets,
          period,
          now,
          groupBy: groupBy.filter((group) => group !== 'gender').map((group) => GROUP_KEYS[group]),
        });
        const gender = withGender
          ? genderGroups({ tickets, localities, period: snapped, byCategory: groupBy.includes('category'), byLocality: groupBy.includes('locality'), now })
          : null;
        return {
          period,
          weeks: snapped.weeks.map((w) => w.key),
          time_zone: snapped.timeZone,
          generated_at: report.generatedAt,
          group_by: groupBy,
          unit: report.unit,
          percentile: report.percentile,
          min_group_size: gender?.minGroupSize ?? Math.max(5, ...localities.map(minCellSizeOf)),
          total: toGroupJson(report.total),
          groups: gender ? gender.groups.map(toPublishedJson) : report.groups.map(toGroupJson),
        };
      },
    }),
  ];
}

/** An explicit locality the caller does not work in is refused: an empty report would read as "no complaints". */
async function scopeLocalities(repo: Repository, user: AuthenticatedUser, requested: string | undefined): Promise<Locality[]> {
  if (requested) {
    const locality = (await repo.getLocality(requested)) ?? (await repo.findLocalityBySlug(requested));
    if (!locality) throw new ApiError('not_found', `locality ${requested} not found`);
    if (!canAccessLocality(user, locality.id)) throw new ApiError('forbidden', 'you do not work in this locality');
    return [locality];
  }
  const all = await repo.listLocalities();
  const visible = new Set(visibleLocalityIds(user, all.map((l) => l.id)));
  return all.filter((l) => visible.has(l.id));
}

function toPublishedJson(group: PublishedGroup): z.input<typeof responseTimeGroupSchema> {
  if (!('hidden' in group)) return toGroupJson(group);
  const { key } = toGroupJson({ ...emptyStats(), key: group.key });
  return { key, count: null, display: group.display, open: null, first_response: null, resolution: null };
}

function emptyStats(): ResponseTimeGroupStats {
  const duration = { count: 0, medianMinutes: null, p90Minutes: null, withinSla: { met: 0, breached: 0, share: null } };
  return { key: {}, count: 0, open: 0, firstResponse: duration, resolution: duration };
}

async function loadTickets(repo: Repository, options: { localityIds: string[]; from: string; to: string }): Promise<Ticket[]> {
  if (options.localityIds.length === 0) return [];
  const tickets: Ticket[] = [];
  let cursor: string | null = null;
  do {
    const page = await repo.listTickets({
      localityIds: options.localityIds,
      createdFrom: options.from,
      createdTo: options.to,
      sort: 'created_asc',
      limit: LOAD_PAGE_SIZE,
      cursor,
    });
    tickets.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return tickets;
}

function toGroupJson(group: ResponseTimeGroupStats): z.input<typeof responseTimeGroupSchema> {
  const key: z.input<typeof responseTimeGroupSchema>['key'] = {};
  if (group.key.localityId !== undefined) key.locality_id = group.key.localityId;
  if (group.key.category !== undefined) key.category = group.key.category;
  if (group.key.reporterGender !== undefined) key.gender = group.key.reporterGender as Exclude<typeof group.key.reporterGender, 'suppressed'>;
  return {
    key,
    count: group.count,
    display: String(group.count),
    open: group.open,
    first_response: toDurationJson(group.firstResponse),
    resolution: toDurationJson(group.resolution),
  };
}

function toDurationJson(stats: DurationStats) {
  return {
    count: stats.count,
    median_minutes: stats.medianMinutes,
    p90_minutes: stats.p90Minutes,
    within_sla: stats.withinSla,
  };
}
