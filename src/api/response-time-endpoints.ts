/**
 * Response-time statistics over HTTP. The numbers come from the pure stats module (nearest-rank
 * percentiles, SLA shares, small gender cells suppressed); this file only loads the caller's
 * tickets for the period and renames fields.
 */
import type { z } from 'zod';
import { canAccessLocality, visibleLocalityIds } from '../auth/access-policy';
import type { AuthenticatedUser } from '../auth/auth-types';
import type { Ticket } from '../domain/ticket';
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
        'Tickets created in [from, to) in your localities. Durations are wall-clock minutes from creation; ' +
        'median and p90 use the nearest-rank method. Gender groups under `min_group_size` are merged.',
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
        const localityIds = await scopeLocalities(deps.repo, user, query.locality_id);
        const groupBy: ResponseTimeGroup[] = [...new Set<ResponseTimeGroup>(query.group_by ?? ['category'])];
        const tickets = await loadTickets(deps.repo, { localityIds, from, to });
        const report = computeResponseTimeStats({
          tickets,
          period: { from, to },
          now,
          groupBy: groupBy.map((group) => GROUP_KEYS[group]),
        });
        return {
          period: report.period,
          generated_at: report.generatedAt,
          group_by: groupBy,
          unit: report.unit,
          percentile: report.percentile,
          min_group_size: report.minGroupSize,
          total: toGroupJson(report.total),
          groups: report.groups.map(toGroupJson),
        };
      },
    }),
  ];
}

/** An explicit locality the caller does not work in is refused: an empty report would read as "no complaints". */
async function scopeLocalities(repo: Repository, user: AuthenticatedUser, requested: string | undefined): Promise<string[]> {
  if (requested) {
    const locality = (await repo.getLocality(requested)) ?? (await repo.findLocalityBySlug(requested));
    if (!locality) throw new ApiError('not_found', `locality ${requested} not found`);
    if (!canAccessLocality(user, locality.id)) throw new ApiError('forbidden', 'you do not work in this locality');
    return [locality.id];
  }
  const all = await repo.listLocalities();
  return visibleLocalityIds(user, all.map((l) => l.id));
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
  if (group.key.reporterGender !== undefined) key.gender = group.key.reporterGender;
  return {
    key,
    count: group.count,
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
