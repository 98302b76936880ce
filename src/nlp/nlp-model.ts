/**
 * The trained reader of residents' messages: which problem (outage, billing, quality, leak,
 * sewage, other) with a calibrated confidence, and which language (es, en, qu). Built from the
 * repository's corpus (never downloaded), it is a pure in-memory object once loaded, so the
 * flow engine can use it without I/O.
 *
 * @example
 *   model.read('no hay agua desde ayer en mi casa')
 *   // → { category: 'outage', confidence: 0.97, language: 'es', languageConfidence: 0.99 }
 */
import { CATEGORIES, type Category } from '../domain/ticket';
import { LANGUAGES, type Language } from '../domain/resident';
import { restoreCalibratedBayes, trainCalibratedBayes, type CalibratedBayes, type SerializedBayes } from './calibrated-bayes';
import { categoryFeatures, languageFeatures, type FeatureVocabulary } from './message-features';
import type { CorpusExample } from './nlp-corpus';
import { CONFIRM_CONFIDENCE } from './routing-policy';

/** Bump when features or the model format change, so cached models are rebuilt. */
export const NLP_MODEL_VERSION = 1;
/** A language guess below this keeps the resident's current language. */
export const LANGUAGE_MIN_CONFIDENCE = 0.7;

export interface MessageReading {
  category: Category;
  /** Calibrated probability of `category` (of `other` when nothing else was likely enough). */
  confidence: number;
  /** Null when the message says too little to tell ("ok", "1"). */
  language: Language | null;
  languageConfidence: number;
}

export interface SerializedNlpModel {
  version: number;
  fingerprint: string;
  category: SerializedBayes;
  language: SerializedBayes;
}

export interface NlpModel {
  read(text: string): MessageReading;
  readonly fingerprint: string;
  toJSON(): SerializedNlpModel;
}

function build(category: CalibratedBayes, language: CalibratedBayes, vocabulary: FeatureVocabulary, fingerprint: string): NlpModel {
  return {
    fingerprint,
    read(text) {
      const features = categoryFeatures(text, vocabulary);
      const scores = features.length > 0 ? category.scores(features) : [];
      const top = scores[0];
      let reading: Pick<MessageReading, 'category' | 'confidence'>;
      if (!top) reading = { category: 'other', confidence: 1 };
      else if (top.label === 'other' || top.confidence >= CONFIRM_CONFIDENCE) reading = { category: top.label as Category, confidence: top.confidence };
      else reading = { category: 'other', confidence: scores.find((s) => s.label === 'other')?.confidence ?? 0 };
      const lf = languageFeatures(text, vocabulary.shorthand);
      const lang = lf.length > 0 ? language.scores(lf)[0] : undefined;
      const known = lang && lang.confidence >= LANGUAGE_MIN_CONFIDENCE;
      return {
        ...reading,
        language: known ? (lang.label as Language) : null,
        languageConfidence: lang?.confidence ?? 0,
      };
    },
    toJSON: () => ({ version: NLP_MODEL_VERSION, fingerprint, category: category.toJSON(), language: language.toJSON() }),
  };
}

export function trainNlpModel(options: { examples: CorpusExample[]; vocabulary: FeatureVocabulary; fingerprint: string }): NlpModel {
  const { examples, vocabulary } = options;
  const category = trainCalibratedBayes(
    examples.filter((e) => (CATEGORIES as readonly string[]).includes(e.category)).map((e) => ({ label: e.category, features: categoryFeatures(e.text, vocabulary) })),
  );
  const language = trainCalibratedBayes(
    examples.filter((e) => (LANGUAGES as readonly string[]).includes(e.language)).map((e) => ({ label: e.language, features: languageFeatures(e.text, vocabulary.shorthand) })),
  );
  return build(category, language, vocabulary, options.fingerprint);
}

export function restoreNlpModel(serialized: SerializedNlpModel, vocabulary: FeatureVocabulary): NlpModel {
  return build(restoreCalibratedBayes(serialized.category), restoreCalibratedBayes(serialized.language), vocabulary, serialized.fingerprint);
}
