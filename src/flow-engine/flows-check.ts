/**
 * `aguavoz flows check`: validates flows, vocabulary and locales together and reports every
 * problem (fatal) and warning (e.g. Quechua draft texts falling back to Spanish).
 */
import { createTranslator, LocaleFileError } from '../i18n/translator';
import { collectFlows } from './flow-loader';

export interface FlowsCheckResult {
  problems: string[];
  /** Ids of the flows that were read, sorted. */
  flows: string[];
  warnings: string[];
}

export function checkFlows(options: { flowsDir: string; localesDir: string; vocabularyDir?: string }): FlowsCheckResult {
  let translator;
  try {
    translator = createTranslator({ localesDir: options.localesDir });
  } catch (err) {
    if (err instanceof LocaleFileError) return { problems: [err.message], flows: [], warnings: [] };
    throw err;
  }
  const collected = collectFlows({ flowsDir: options.flowsDir, translator, vocabularyDir: options.vocabularyDir });
  return { problems: collected.problems, flows: [...collected.flows.keys()].sort(), warnings: collected.warnings };
}
