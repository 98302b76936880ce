/**
 * Reads `flows/*.yaml` and `flows/vocabulary/*.yaml`, validates them (zod schema + graph
 * checks) and prepares them for the engine. A broken flow stops start-up with every problem
 * listed at once, never one per restart.
 *
 * @example
 *   const flows = loadFlows({ flowsDir: 'flows', translator });
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import type * as Yaml from 'yaml';
import type { z } from 'zod';
import type { Translator } from '../i18n/translator';
import { checkGraph } from './flow-graph-check';
import { flowSchema, type Flow } from './flow-schema';
import { optionsKey, type LoadedFlows } from './loaded-flows';
import { preparePhrase } from './phrase-matcher';
import { prepareVocabulary, prepareWords } from './prepared-vocabulary';
import { NLP_BUILT_MODEL, NLP_CORPUS_DIR } from '../app/paths';
import { loadNlpModel } from '../nlp/nlp-model-store';
import type { NlpModel } from '../nlp/nlp-model';
import { flowsFingerprint, type CheckedFlows } from './checked-content';
import { answersFileSchema, intentsFileSchema, keywordsFileSchema, type Vocabulary } from './vocabulary-schema';

export class FlowValidationError extends Error {
  readonly code = 'flows_invalid';
  constructor(readonly problems: string[]) {
    super(`${problems.length} problem(s) in flows:\n  - ${problems.join('\n  - ')}`);
    this.name = 'FlowValidationError';
  }
}

export interface LoadFlowsOptions {
  flowsDir: string;
  translator: Translator;
  /** Defaults to `<flowsDir>/vocabulary`. */
  vocabularyDir?: string;
  /** An already loaded model; otherwise it is loaded (or trained) from `nlpTrainFile`. */
  nlp?: NlpModel;
  /** Defaults to the repository's `nlp/corpus/train.tsv`. */
  nlpTrainFile?: string;
  /**
   * Flows the build already read and checked (`dist/checked-content.json`): used instead of
   * reading the files when their fingerprint still matches, else ignored.
   */
  checked?: CheckedFlows | null;
}

export interface CollectedFlows {
  flows: Map<string, Flow>;
  vocabulary: Vocabulary | null;
  problems: string[];
  warnings: string[];
}

function formatIssues(file: string, error: z.ZodError): string[] {
  return error.issues.map((issue) => `${file}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
}

function readYaml(file: string, problems: string[]): unknown {
  try {
    // Loaded here, not at start-up: a checked build never parses YAML (checked-content.ts).
    const { parse } = require('yaml') as typeof Yaml;
    return parse(readFileSync(file, 'utf8'));
  } catch (err) {
    problems.push(`${file}: cannot parse YAML: ${(err as Error).message.split('\n')[0]}`);
    return undefined;
  }
}

function parseFile<T>(file: string, schema: z.ZodType<T>, problems: string[]): T | null {
  if (!existsSync(file)) {
    problems.push(`${file}: missing`);
    return null;
  }
  const raw = readYaml(file, problems);
  if (raw === undefined) return null;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    problems.push(...formatIssues(file, parsed.error));
    return null;
  }
  return parsed.data;
}

function readVocabulary(dir: string, problems: string[]): Vocabulary | null {
  const keywords = parseFile(join(dir, 'keywords.yaml'), keywordsFileSchema, problems);
  const intents = parseFile(join(dir, 'intents.yaml'), intentsFileSchema, problems);
  const answers = parseFile(join(dir, 'answers.yaml'), answersFileSchema, problems);
  if (!keywords || !intents || !answers) return null;
  return { keywords: keywords.keywords, intents: intents.intents, answers };
}

/** Reads and checks everything without throwing; `flows check` prints the result. */
export function collectFlows(options: LoadFlowsOptions): CollectedFlows {
  const problems: string[] = [];
  const flows = new Map<string, Flow>();
  const files = existsSync(options.flowsDir)
    ? readdirSync(options.flowsDir).filter((f) => ['.yaml', '.yml'].includes(extname(f))).sort()
    : [];
  if (files.length === 0) problems.push(`${options.flowsDir}: no flow files (*.yaml)`);
  for (const name of files) {
    const file = join(options.flowsDir, name);
    const flow = parseFile(file, flowSchema, problems);
    if (!flow) continue;
    if (flow.id !== basename(name, extname(name))) problems.push(`${file}: id "${flow.id}" must match the file name`);
    if (flows.has(flow.id)) problems.push(`${file}: flow id "${flow.id}" is used twice`);
    flows.set(flow.id, flow);
  }
  const vocabulary = readVocabulary(options.vocabularyDir ?? join(options.flowsDir, 'vocabulary'), problems);
  const warnings: string[] = [];
  // Graph checks on a half-read set of files would only echo the schema errors.
  if (vocabulary && problems.length === 0) {
    const graph = checkGraph(flows, vocabulary, options.translator);
    problems.push(...graph.problems);
    warnings.push(...graph.warnings);
  }
  return { flows, vocabulary, problems, warnings };
}

/** The build's checked flows, when the files and locales are still the ones it checked. */
function stillChecked(options: LoadFlowsOptions): CheckedFlows | null {
  const { checked } = options;
  if (!checked) return null;
  const fingerprint = flowsFingerprint(options.flowsDir, options.vocabularyDir ?? join(options.flowsDir, 'vocabulary'), options.translator.contentHash);
  return fingerprint === checked.fingerprint ? checked : null;
}

/** Every message key's ICU arguments, in any language. */
function argumentsOfMessages(translator: Translator): Map<string, readonly string[]> {
  const messageArguments = new Map<string, readonly string[]>();
  for (const language of translator.languages) {
    for (const key of translator.keys(language)) {
      if (!messageArguments.has(key)) messageArguments.set(key, translator.argumentNames(key));
    }
  }
  return messageArguments;
}

/** Reads and checks the flows in full, for the build to store (`aguavoz flows build`). */
export function checkFlowsForBuild(options: Omit<LoadFlowsOptions, 'checked'>): CheckedFlows {
  const collected = collectFlows(options);
  if (collected.problems.length > 0 || !collected.vocabulary) throw new FlowValidationError(collected.problems);
  return {
    fingerprint: flowsFingerprint(options.flowsDir, options.vocabularyDir ?? join(options.flowsDir, 'vocabulary'), options.translator.contentHash),
    flows: [...collected.flows],
    vocabulary: collected.vocabulary,
    warnings: collected.warnings,
    messageArguments: [...argumentsOfMessages(options.translator)].map(([key, names]) => [key, [...names]]),
  };
}

/** Loads, validates and prepares every flow; throws FlowValidationError listing all problems. */
export function loadFlows(options: LoadFlowsOptions): LoadedFlows {
  const checked = stillChecked(options);
  const collected: CollectedFlows = checked
    ? { flows: new Map(checked.flows), vocabulary: checked.vocabulary, problems: [], warnings: checked.warnings }
    : collectFlows(options);
  if (collected.problems.length > 0 || !collected.vocabulary) throw new FlowValidationError(collected.problems);
  const vocabulary = prepareVocabulary(collected.vocabulary);
  const prepared = new Map<string, ReturnType<typeof preparePhrase>[][]>();
  const says = new Map<string, ReturnType<typeof preparePhrase>[][]>();
  const words = (w: Parameters<typeof prepareWords>[0] | undefined) => prepareWords(w ?? {}, vocabulary.shorthand);
  for (const flow of collected.flows.values()) {
    for (const [stepId, step] of Object.entries(flow.steps)) {
      const ask = step.ask;
      const key = optionsKey(flow.id, stepId);
      if (ask && (ask.expect === 'choice' || ask.expect === 'multi_choice')) {
        prepared.set(key, ask.options.map((o) => words(o.match)));
        if (ask.options.some((o) => o.says)) says.set(key, ask.options.map((o) => words(o.says)));
      }
      if (ask?.expect === 'yes_no' && ask.says) says.set(key, [words(ask.says.yes), words(ask.says.no)]);
      if (ask?.expect === 'place' && ask.says) says.set(key, [words(ask.says)]);
    }
  }
  const nlp =
    options.nlp ??
    loadNlpModel({ trainFile: options.nlpTrainFile ?? join(NLP_CORPUS_DIR, 'train.tsv'), vocabulary, builtModelFile: NLP_BUILT_MODEL });
  const messageArguments = checked ? new Map<string, readonly string[]>(checked.messageArguments) : argumentsOfMessages(options.translator);
  return { flows: collected.flows, vocabulary, options: prepared, says, nlp, messageArguments, warnings: collected.warnings };
}
