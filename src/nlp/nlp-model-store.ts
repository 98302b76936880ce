/**
 * Gets the NLP model without ever downloading anything: a model serialized by `npm run build`
 * (`dist/nlp-model.json`) is used when it was built from exactly this corpus, shorthand and intent
 * phrases; otherwise the model is trained from the corpus at start-up (about a second) and kept in
 * memory for the life of the process. A trained model is also serialized to a cache file named by
 * its fingerprint (`<tmpdir>/aguavoz-nlp/`), so the next process (a worker, a test file) restores
 * it instead of training again; the cache is best-effort and never required.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FeatureVocabulary } from './message-features';
import { parseCorpus } from './nlp-corpus';
import { NLP_MODEL_VERSION, restoreNlpModel, trainNlpModel, type NlpModel, type SerializedNlpModel } from './nlp-model';

export interface LoadNlpModelOptions {
  /** `nlp/corpus/train.tsv`. The held-out file is never read here. */
  trainFile: string;
  vocabulary: FeatureVocabulary;
  /** A serialized model to reuse when its fingerprint matches. */
  builtModelFile?: string;
  /** Where trained models are cached by fingerprint; null disables the cache. */
  cacheDir?: string | null;
}

const DEFAULT_CACHE_DIR = join(tmpdir(), 'aguavoz-nlp');

function writeCache(dir: string, model: NlpModel): void {
  try {
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${model.fingerprint}.json`);
    const partial = `${file}.${process.pid}.tmp`;
    writeFileSync(partial, JSON.stringify(model.toJSON()));
    renameSync(partial, file);
  } catch {
    // A read-only or full disk only costs the next process a retraining.
  }
}

const memo = new Map<string, NlpModel>();

/** Changes whenever anything the model was built from changes: corpus, shorthand, intent phrases. */
export function corpusFingerprint(corpus: string, vocabulary: FeatureVocabulary): string {
  const table = [...vocabulary.shorthand.entries()].sort(([a], [b]) => a.localeCompare(b));
  const intents = vocabulary.intents.map((i) => [i.id, i.phrases.map((p) => [p.tokens.map((t) => t.text).join(' '), p.weight])]);
  return createHash('sha256').update(`${NLP_MODEL_VERSION}\n${JSON.stringify(table)}\n${JSON.stringify(intents)}\n${corpus}`).digest('hex').slice(0, 16);
}

function readBuilt(file: string | undefined, fingerprint: string, vocabulary: FeatureVocabulary): NlpModel | null {
  if (!file || !existsSync(file)) return null;
  try {
    const serialized = JSON.parse(readFileSync(file, 'utf8')) as SerializedNlpModel;
    return serialized.version === NLP_MODEL_VERSION && serialized.fingerprint === fingerprint ? restoreNlpModel(serialized, vocabulary) : null;
  } catch {
    return null;
  }
}

export function loadNlpModel(options: LoadNlpModelOptions): NlpModel {
  const corpus = readFileSync(options.trainFile, 'utf8');
  const fingerprint = corpusFingerprint(corpus, options.vocabulary);
  const cached = memo.get(fingerprint);
  if (cached) return cached;
  const cacheDir = options.cacheDir === undefined ? DEFAULT_CACHE_DIR : options.cacheDir;
  const cacheFile = cacheDir ? join(cacheDir, `${fingerprint}.json`) : undefined;
  let model = readBuilt(options.builtModelFile, fingerprint, options.vocabulary) ?? readBuilt(cacheFile, fingerprint, options.vocabulary);
  if (!model) {
    model = trainNlpModel({ examples: parseCorpus(corpus, options.trainFile), vocabulary: options.vocabulary, fingerprint });
    if (cacheDir) writeCache(cacheDir, model);
  }
  memo.set(fingerprint, model);
  return model;
}
