/**
 * The words the engine understands outside any one step: global keywords, yes/no/skip answers,
 * SMS shorthand, number words and the report intents of a free first message. They live in
 * `flows/vocabulary/*.yaml` so a town can add its own words without touching code.
 */
import { z } from 'zod';
import { matchWordsSchema } from './flow-schema';

const flowId = z.string().regex(/^[a-z][a-z0-9_]*$/);

export const keywordSchema = z.union([
  z.strictObject({ action: z.enum(['stop', 'start', 'menu', 'help', 'cancel']), words: matchWordsSchema }),
  z.strictObject({
    action: z.literal('open_flow'),
    flow: flowId,
    /** Text after the keyword (`ESTADO 4820176`, `IDIOMA EN`) is fed to the flow's first step as its answer. */
    argument: z.boolean().default(false),
    words: matchWordsSchema,
  }),
]);
export type Keyword = z.infer<typeof keywordSchema>;

export const keywordsFileSchema = z.strictObject({
  _meta: z.unknown().optional(),
  keywords: z.array(keywordSchema).min(1),
});

const weightedPhrase = z.union([z.string().min(1), z.strictObject({ phrase: z.string().min(1), weight: z.number().positive() })]);
export type WeightedPhrase = z.infer<typeof weightedPhrase>;

export const intentsFileSchema = z.strictObject({
  _meta: z.unknown().optional(),
  /** Intent id (a main-menu option value) → phrases per language. */
  intents: z.record(flowId, z.partialRecord(z.enum(['es', 'en', 'qu']), z.array(weightedPhrase))),
});

export const answersFileSchema = z.strictObject({
  _meta: z.unknown().optional(),
  yes: matchWordsSchema,
  no: matchWordsSchema,
  /** "no sé": never a yes or a no; a skip where the step allows it. */
  unknown: matchWordsSchema,
  skip: matchWordsSchema,
  thanks: matchWordsSchema,
  /** Removed before matching, so "buenos días" never answers "since when?". */
  greetings: matchWordsSchema,
  /** Digit → number words, e.g. `"2": [dos, two, iskay]`. */
  numbers: z.record(z.string().regex(/^\d+$/), z.array(z.string().min(1))),
  /** Whole-token rewrites applied before matching, e.g. `xq: porque`. */
  shorthand: z.record(z.string().min(1), z.string()),
  /**
   * Extra rewrites for place names only (sector matching, both the reply and the sector list):
   * "sta" is "está" in a sentence but "Santa" in "sta rosa". Overrides `shorthand`.
   */
  places: z.record(z.string().min(1), z.string()).default({}),
});

export interface Vocabulary {
  keywords: Keyword[];
  intents: z.infer<typeof intentsFileSchema>['intents'];
  answers: z.infer<typeof answersFileSchema>;
}
