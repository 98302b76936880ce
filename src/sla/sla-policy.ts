/**
 * How fast a locality promises to answer and to fix each kind of complaint. One default policy,
 * optionally overridden per locality (category by category), with a target per priority.
 * Validated with zod so a typo in a policy stops start-up instead of silently dropping SLAs.
 */
import { z } from 'zod';
import { CATEGORIES, type Category, type Priority } from '../domain/ticket';
import { type BusinessCalendarOptions, businessCalendarSettingsSchema } from './business-calendar';
import { SlaConfigError, describeIssues } from './sla-errors';

/** `hours` are elapsed time; the other two are counted on the locality's business calendar. */
export const SLA_UNITS = ['hours', 'business_hours', 'business_days'] as const;
export type SlaUnit = (typeof SLA_UNITS)[number];

export const slaDurationSchema = z
  .object({ amount: z.number().positive(), unit: z.enum(SLA_UNITS) })
  .refine((d) => d.unit !== 'business_days' || Number.isInteger(d.amount), 'business_days must be a whole number');
export type SlaDuration = z.infer<typeof slaDurationSchema>;

/** @example { "firstResponse": { "amount": 2, "unit": "hours" }, "resolution": { "amount": 24, "unit": "hours" } } */
export const slaTargetSchema = z.object({ firstResponse: slaDurationSchema, resolution: slaDurationSchema });
export type SlaTarget = z.infer<typeof slaTargetSchema>;

/**
 * Targets per priority. A missing `high` uses `normal`; a missing `urgent` halves `normal`
 * (business days rounded up to a whole day).
 */
export const categorySlaSchema = z.object({
  normal: slaTargetSchema,
  high: slaTargetSchema.optional(),
  urgent: slaTargetSchema.optional(),
});
export type CategorySla = z.infer<typeof categorySlaSchema>;

/** A category left out (or `null`) has no SLA: its tickets get no deadlines. */
export const slaPolicySchema = z.object({
  categories: z.partialRecord(z.enum(CATEGORIES), categorySlaSchema.nullable()),
});
export type SlaPolicy = z.infer<typeof slaPolicySchema>;

/**
 * @example { "default": { "categories": { "outage": { "normal": { … } } } },
 *   "calendar": { "weeklyHours": { "mon": [{ "opens": "08:00", "closes": "16:00" }] } },
 *   "localities": { "loc-san-martin": { "categories": { "leak": null }, "calendar": { "extraClosedDates": ["2025-10-09"] } } } }
 */
export const slaPolicyConfigSchema = z.object({
  default: slaPolicySchema,
  /** Business calendar settings shared by all localities (the time zone comes from the locality). */
  calendar: businessCalendarSettingsSchema.optional(),
  /** Keyed by locality id. A category here replaces the default's; `null` removes its SLA. */
  localities: z
    .record(
      z.string(),
      z.object({
        categories: z.partialRecord(z.enum(CATEGORIES), categorySlaSchema.nullable()).optional(),
        calendar: businessCalendarSettingsSchema.optional(),
      }),
    )
    .default({}),
});
export type SlaPolicyConfig = z.infer<typeof slaPolicyConfigSchema>;

const hours = (amount: number): SlaDuration => ({ amount, unit: 'hours' });
const businessDays = (amount: number): SlaDuration => ({ amount, unit: 'business_days' });
const target = (firstResponse: SlaDuration, resolution: SlaDuration): SlaTarget => ({ firstResponse, resolution });

/**
 * Defaults from issue 3 and SUNASS. Outage: 2 h / 24 h, urgent halves them. Quality: 4 h / 48 h,
 * high or urgent (someone ill) 2 h / 24 h. Leak and sewage: 4 h / 48 h, urgent 2 h / 24 h.
 * Billing: acknowledgement within 3 business days and resolution within 15 (SUNASS), whatever
 * the priority. Other: 1 business day / 10 business days.
 */
export const DEFAULT_SLA_POLICY: SlaPolicy = {
  categories: {
    outage: { normal: target(hours(2), hours(24)), urgent: target(hours(1), hours(12)) },
    quality: {
      normal: target(hours(4), hours(48)),
      high: target(hours(2), hours(24)),
      urgent: target(hours(2), hours(24)),
    },
    leak: { normal: target(hours(4), hours(48)), urgent: target(hours(2), hours(24)) },
    sewage: { normal: target(hours(4), hours(48)), urgent: target(hours(2), hours(24)) },
    billing: {
      normal: target(businessDays(3), businessDays(15)),
      high: target(businessDays(3), businessDays(15)),
      urgent: target(businessDays(3), businessDays(15)),
    },
    other: { normal: target(businessDays(1), businessDays(10)) },
  },
};

export const DEFAULT_SLA_CONFIG: SlaPolicyConfig = { default: DEFAULT_SLA_POLICY, localities: {} };

/**
 * Validates a policy configuration (from a file, the environment or the admin console).
 * @throws SlaConfigError naming every offending field.
 */
export function parseSlaPolicyConfig(input: unknown): SlaPolicyConfig {
  const parsed = slaPolicyConfigSchema.safeParse(input);
  if (!parsed.success) throw new SlaConfigError({ what: 'SLA policy', issues: describeIssues(parsed.error.issues) });
  return parsed.data;
}

/** The effective policy of one locality: the default with that locality's categories replaced. */
export function policyForLocality(config: SlaPolicyConfig, localityId: string): SlaPolicy {
  const override = config.localities[localityId]?.categories ?? {};
  return { categories: { ...config.default.categories, ...override } };
}

/** Options for `createBusinessCalendar` for one locality: its own time zone, shared then local settings. */
export function calendarOptionsForLocality(
  config: SlaPolicyConfig,
  locality: { id: string; timeZone: string },
): BusinessCalendarOptions {
  const merged = { ...config.calendar, ...config.localities[locality.id]?.calendar, timeZone: locality.timeZone };
  return Object.fromEntries(Object.entries(merged).filter(([, value]) => value !== undefined)) as BusinessCalendarOptions;
}

/** The target for one ticket, or null when its category has no SLA in this policy. */
export function slaTargetFor(policy: SlaPolicy, ticket: { category: Category; priority: Priority }): SlaTarget | null {
  const category = policy.categories[ticket.category];
  if (!category) return null;
  if (ticket.priority === 'high') return category.high ?? category.normal;
  if (ticket.priority === 'urgent') return category.urgent ?? halve(category.normal);
  return category.normal;
}

function halve(t: SlaTarget): SlaTarget {
  const half = (d: SlaDuration): SlaDuration => ({
    unit: d.unit,
    amount: d.unit === 'business_days' ? Math.max(1, Math.ceil(d.amount / 2)) : d.amount / 2,
  });
  return { firstResponse: half(t.firstResponse), resolution: half(t.resolution) };
}
