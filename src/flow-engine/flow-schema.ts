/**
 * The shape of a flow file (`flows/<id>.yaml`). A flow is a graph of steps; a step may run
 * actions (`do`), then either waits for a reply (`ask`) or moves on. Exits name a step of the
 * same flow, another flow (`flow:<id>`), `end`, or `return` (back to the step a keyword
 * interrupted). Flows hold message KEYS only; text lives in `locales/`.
 *
 * @example
 *   id: leak
 *   category: leak
 *   start: where
 *   steps:
 *     where:
 *       ask: { expect: place, prompt: leak.ask_where, reprompt: leak.ask_where_retry, save: where }
 *       next: open
 *     open:
 *       do: [{ open_ticket: { category: leak, details: [where] } }, { send: leak.confirmed }]
 *       next: end
 */
import { z } from 'zod';
import { LANGUAGES } from '../domain/resident';
import { CATEGORIES, PRIORITIES } from '../domain/ticket';

const identifier = z.string().regex(/^[a-z][a-z0-9_]*$/, 'use lower_snake_case');
const messageKey = z.string().regex(/^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/, 'a dotted locale key, e.g. outage.ask_since');
/** `end`, `return`, `flow:<id>` or a step id of the same flow. */
export const targetSchema = z.string().regex(/^(end|return|flow:[a-z][a-z0-9_]*|[a-z][a-z0-9_]*)$/, 'a step id, flow:<id>, end or return');
export type Target = z.infer<typeof targetSchema>;

/** Words per language that select an option; every language is tried, residents mix them. */
export const matchWordsSchema = z.partialRecord(z.enum(LANGUAGES), z.array(z.string().min(1)));
export type MatchWords = z.infer<typeof matchWordsSchema>;

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export type Condition =
  | { var: string; equals?: string | number | boolean | null; in?: (string | number | boolean | null)[]; includes?: string; isSet?: boolean }
  | { resident: 'genderAsked' | 'isFirstContact' }
  | { channel: 'sms' | 'whatsapp' }
  | { not: Condition }
  | { all: Condition[] }
  | { any: Condition[] };

export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.strictObject({
      var: identifier,
      equals: scalar.optional(),
      in: z.array(scalar).optional(),
      /** For multi_choice answers stored as `a,b,c`. */
      includes: z.string().optional(),
      isSet: z.boolean().optional(),
    }),
    z.strictObject({ resident: z.enum(['genderAsked', 'isFirstContact']) }),
    z.strictObject({ channel: z.enum(['sms', 'whatsapp']) }),
    z.strictObject({ not: conditionSchema }),
    z.strictObject({ all: z.array(conditionSchema).min(1) }),
    z.strictObject({ any: z.array(conditionSchema).min(1) }),
  ]),
);

export const optionSchema = z.strictObject({
  value: identifier,
  match: matchWordsSchema.default({}),
  /**
   * Phrases that, anywhere in an earlier free message (`prefillFrom`), mean this option. Stricter
   * than `match`: "calle" answers "whole street or your home?", but "no hay agua en la calle Lima"
   * says nothing about it. When no option of a step has `says`, prefill uses `match`.
   */
  says: matchWordsSchema.optional(),
});
export type ChoiceOption = z.infer<typeof optionSchema>;

const askBase = {
  prompt: messageKey,
  /** Short re-prompt after an invalid reply; repeat the options. Defaults to the prompt. */
  reprompt: messageKey.optional(),
  save: identifier,
  /** Skip words ("0", "saltar", "no sé", "skip") store null and move on. */
  skippable: z.boolean().default(false),
};

const options = z.array(optionSchema).min(2);

/**
 * Text that asks a prefilled question once more when a later answer of the same report
 * contradicts what the first message said (see flows/README.md, "A later answer contradicts the
 * first message"). It may show the value understood so far, e.g. `{scope, select, home {…}}`.
 * Only for choice and yes/no questions answered by `prefillFrom` with `says` phrases.
 */
const recheckKey = messageKey.optional();

export const askSchema = z.discriminatedUnion('expect', [
  z.strictObject({
    ...askBase,
    expect: z.literal('choice'),
    options,
    /** Free text is classified by the vocabulary's intents; an intent equal to an option value selects it. */
    classify: z
      .strictObject({
        saveTextAs: identifier,
        /** Saves how sure the classifier was: `clear` (skip the menu), `confirm` (ask), null (a number or option word). */
        saveMatchAs: identifier.optional(),
      })
      .optional(),
    /** Unmatched text (3+ letters) selects `other` and is kept in `<save>_text`. */
    allowText: z.boolean().default(false),
    /** Answer from a variable captured earlier (e.g. the first message) when its words match one option. */
    prefillFrom: identifier.optional(),
    recheck: recheckKey,
  }),
  z.strictObject({ ...askBase, expect: z.literal('multi_choice'), options, prefillFrom: identifier.optional() }),
  z.strictObject({
    ...askBase,
    expect: z.literal('yes_no'),
    /** Answer from earlier free text when it contains one of `says.yes` / `says.no` (and not both). */
    prefillFrom: identifier.optional(),
    says: z.strictObject({ yes: matchWordsSchema.default({}), no: matchWordsSchema.default({}) }).optional(),
    recheck: recheckKey,
  }),
  z.strictObject({ ...askBase, expect: z.literal('number'), min: z.number().int(), max: z.number().int() }),
  z.strictObject({
    ...askBase,
    expect: z.literal('digits'),
    minLength: z.number().int().min(1),
    maxLength: z.number().int().min(1),
  }),
  z.strictObject({ ...askBase, expect: z.literal('text'), minLength: z.number().int().min(1).default(2) }),
  /** Matched against ctx.locality.sectors, by number or fuzzily by name; skipped when the locality has none. */
  z.strictObject({ ...askBase, expect: z.literal('sector'), prefillFrom: identifier.optional() }),
  /** A WhatsApp location pin or a written address; the pin goes to `location_lat/lng/label`. */
  z.strictObject({
    ...askBase,
    expect: z.literal('place'),
    /** Earlier free text counts as the address when it contains one of `says` ("jr.", "frente al"). */
    prefillFrom: identifier.optional(),
    says: matchWordsSchema.optional(),
  }),
  /** A ticket reference with a valid check digit. */
  z.strictObject({ ...askBase, expect: z.literal('reference') }),
]);
export type Ask = z.infer<typeof askSchema>;

export const actionSchema = z.union([
  z.strictObject({ send: messageKey }),
  z.strictObject({
    open_ticket: z.strictObject({
      category: z.enum(CATEGORIES),
      priority: z.enum(PRIORITIES).default('normal'),
      /** Every matching rule may raise the priority; the highest wins. */
      escalate: z.array(z.strictObject({ when: conditionSchema, priority: z.enum(PRIORITIES) })).default([]),
      /** Variables copied into the ticket's details. */
      details: z.array(identifier).default([]),
    }),
  }),
  z.strictObject({ record_gender: z.strictObject({ var: identifier }) }),
  z.strictObject({ set_language: z.strictObject({ var: identifier }) }),
  z.strictObject({ request_status: z.strictObject({ var: identifier }) }),
  z.strictObject({
    record_feedback: z.strictObject({ reference: identifier, solved: identifier, rating: identifier }),
  }),
  /** AVISOS (issue 9): planned-cut notices for the sector in `var`; an unset/null sector stops them. */
  z.strictObject({ set_notices: z.strictObject({ sector: identifier }) }),
]);
export type Action = z.infer<typeof actionSchema>;

export const stepSchema = z.strictObject({
  do: z.array(actionSchema).default([]),
  ask: askSchema.optional(),
  /** After an answer: option value (or `true`/`false`, `skipped`) → target. */
  on: z.record(z.string(), targetSchema).default({}),
  routes: z.array(z.strictObject({ when: conditionSchema, next: targetSchema })).default([]),
  next: targetSchema,
});
export type Step = z.infer<typeof stepSchema>;

export const flowSchema = z.strictObject({
  id: identifier,
  /** The ticket category used when this flow hands the resident to an operator. */
  category: z.enum(CATEGORIES).default('other'),
  /** What happens after repeated invalid replies: `handoff` (ticket for an operator) or a target. */
  giveUp: z.union([z.literal('handoff'), targetSchema]).default('handoff'),
  /** Overrides ctx.sessionTimeoutMinutes while in this flow (e.g. a question asked days later). */
  timeoutMinutes: z.number().int().min(1).optional(),
  start: identifier,
  steps: z.record(identifier, stepSchema),
});
export type Flow = z.infer<typeof flowSchema>;
