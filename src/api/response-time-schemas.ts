/**
 * `GET /metrics/response-times`: what an oversight committee asks — how many complaints, how
 * fast they were first answered and resolved, how many within the SLA, how many still open —
 * per locality, category or reporter gender. Gender groups smaller than `min_group_size` are
 * merged into a `suppressed` group by the stats module, so no count points at one person.
 */
import { z } from 'zod';
import { CATEGORIES } from '../domain/ticket';
import { isoInstant, multiValue, queryInstant, singleString } from './common-schemas';

export const RESPONSE_TIME_GROUPS = ['category', 'gender', 'locality'] as const;
export type ResponseTimeGroup = (typeof RESPONSE_TIME_GROUPS)[number];

export const GENDER_GROUPS = ['woman', 'man', 'another', 'undisclosed', 'not_recorded'] as const;

/** The longest period one request may ask for; a year covers every committee report. */
export const MAX_PERIOD_DAYS = 366;
export const DEFAULT_PERIOD_DAYS = 30;

export const responseTimesQuerySchema = z.object({
  from: queryInstant.optional().meta({ description: `Start; snapped back to the Monday 00:00 of its ISO week (default: ${DEFAULT_PERIOD_DAYS} days before \`to\`).` }),
  to: queryInstant.optional().meta({ description: 'End (exclusive); snapped back to the Monday 00:00 of its week, never past the current week (default: now).' }),
  locality_id: singleString.optional().meta({ description: 'One locality (id or slug); default: all of yours.' }),
  group_by: multiValue(z.enum(RESPONSE_TIME_GROUPS)).meta({
    description: 'One or more of category, gender, locality (comma-separated or repeated); default: category.',
  }),
});

const slaShareSchema = z.object({
  met: z.number().int().min(0),
  breached: z.number().int().min(0),
  share: z.number().min(0).max(1).nullable().meta({ description: 'met / (met + breached); pending and no-SLA tickets left out.' }),
});

const durationSchema = z.object({
  count: z.number().int().min(0).meta({ description: 'Tickets that have this duration (answered, or resolved).' }),
  median_minutes: z.number().nullable(),
  p90_minutes: z.number().nullable(),
  within_sla: slaShareSchema,
});

export const responseTimeGroupSchema = z
  .object({
    key: z.object({
      locality_id: z.string().optional(),
      category: z.enum(CATEGORIES).optional(),
      gender: z.enum(GENDER_GROUPS).optional(),
    }),
    count: z.number().int().min(0).nullable().meta({ description: 'null for a suppressed or empty gender group (shown as `display`).' }),
    display: z.string().meta({ description: 'The count as text, or `<5` (the threshold) for a suppressed or empty gender group.' }),
    open: z.number().int().min(0).nullable().meta({ description: 'Not resolved or closed now; null when suppressed.' }),
    first_response: durationSchema.nullable(),
    resolution: durationSchema.nullable(),
  })
  .meta({ id: 'ResponseTimeGroup' });

export const responseTimeReportSchema = z
  .object({
    period: z.object({ from: isoInstant, to: isoInstant }).meta({ description: 'The whole ISO weeks actually reported on.' }),
    weeks: z.array(z.string()).meta({ description: 'ISO weeks covered, e.g. `2025-W28`.' }),
    time_zone: z.string().meta({ description: 'The localities’ time zone the weeks are counted in.' }),
    generated_at: isoInstant,
    group_by: z.array(z.enum(RESPONSE_TIME_GROUPS)),
    unit: z.literal('wall_clock_minutes'),
    percentile: z.literal('nearest_rank').meta({ description: 'Median and p90 are values some ticket really took.' }),
    min_group_size: z.number().int().min(1).meta({ description: 'Gender groups smaller than this are suppressed (per-locality setting, default 5).' }),
    total: responseTimeGroupSchema,
    groups: z.array(responseTimeGroupSchema),
  })
  .meta({ id: 'ResponseTimeReport' });
