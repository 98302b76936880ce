/**
 * natural's naive Bayes classifier with a calibrated confidence. Naive Bayes multiplies one
 * probability per word as if words were independent, so its raw posteriors are far too sure of
 * themselves ("0.9999" for a coin toss). Dividing the log-scores by a temperature T, chosen by
 * cross-validation on the training split (lowest log-loss), makes "confidence 0.8" mean "right
 * about 8 times in 10" — which is what the routing thresholds rely on.
 */
import { BayesClassifier } from './natural-parts';

export interface Labelled {
  label: string;
  features: string[];
}

export interface Scored {
  label: string;
  confidence: number;
}

/** Temperatures tried by calibration; 1 is the raw naive Bayes posterior. */
const TEMPERATURES = [1, 1.5, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20];
const FOLDS = 5;
/**
 * Count given to a known feature never seen with a class. natural's default (1) let one unseen
 * word sink a class; 0.3 gave the best cross-validated accuracy on the training split
 * (0.05: 87.2%, 0.3: 87.8%, 1: 86.0%, 2: 84.6%).
 */
const SMOOTHING = 0.3;
const FLOOR = 1e-300;

export interface CalibratedBayes {
  /** Every label with its calibrated probability, best first. */
  scores(features: string[]): Scored[];
  readonly temperature: number;
  toJSON(): SerializedBayes;
}

export interface SerializedBayes {
  temperature: number;
  classifier: Record<string, unknown>;
}

/**
 * natural's classifier turns a message into a 0/1 vector by scanning every known feature with
 * `indexOf` (about 3 ms a message here); this subclass looks features up in an index built once,
 * which gives the same vector in microseconds.
 */
class IndexedBayesClassifier extends BayesClassifier {
  private index: Map<string, number> | null = null;

  override textToFeatures(observation: string | string[]): number[] {
    if (typeof observation === 'string') return super.textToFeatures(observation);
    if (!this.index) {
      this.index = new Map(Object.keys(this.features).map((f, i) => [f, i]));
    }
    const vector = new Array<number>(this.index.size).fill(0);
    for (const token of observation) {
      const at = this.index.get(token);
      if (at !== undefined) vector[at] = 1;
    }
    return vector;
  }

  /**
   * The same arithmetic as natural's (apparatus) `probabilityOfClass`, over the features present
   * only instead of the whole vocabulary: microseconds instead of a millisecond a message.
   */
  override getClassifications(observation: string | string[]): { label: string; value: number }[] {
    if (typeof observation === 'string') return super.getClassifications(observation) as { label: string; value: number }[];
    if (!this.index) this.index = new Map(Object.keys(this.features).map((f, i) => [f, i]));
    const present = [...new Set(observation.flatMap((token) => this.index!.get(token) ?? []))];
    const bayes = this.classifier as unknown as {
      classFeatures: Record<string, Record<number, number>>;
      classTotals: Record<string, number>;
      totalExamples: number;
      smoothing: number;
    };
    return Object.keys(bayes.classFeatures)
      .map((label) => {
        let log = 0;
        for (const i of present) log += Math.log((bayes.classFeatures[label]![i] || bayes.smoothing) / bayes.classTotals[label]!);
        return { label, value: (bayes.classTotals[label]! / bayes.totalExamples) * Math.exp(log) };
      })
      .sort((a, b) => b.value - a.value);
  }

  override addDocument(text: string | string[], classification: string): void {
    this.index = null;
    super.addDocument(text, classification);
  }

  toJSON(): Record<string, unknown> {
    const { index: _index, ...rest } = this as unknown as Record<string, unknown>;
    return rest;
  }
}

function fit(examples: Labelled[]): BayesClassifier {
  const classifier = new IndexedBayesClassifier(undefined, SMOOTHING);
  for (const e of examples) if (e.features.length > 0) classifier.addDocument(e.features, e.label);
  classifier.train();
  return classifier;
}

function scoresOf(classifier: BayesClassifier, features: string[], temperature: number): Scored[] {
  const raw = classifier.getClassifications(features);
  const logs = raw.map((c) => Math.log(Math.max(c.value, FLOOR)) / temperature);
  const max = Math.max(...logs);
  const exps = logs.map((l) => Math.exp(l - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return raw.map((c, i) => ({ label: String(c.label), confidence: exps[i]! / sum })).sort((a, b) => b.confidence - a.confidence);
}

function wrap(classifier: BayesClassifier, temperature: number): CalibratedBayes {
  return {
    temperature,
    scores: (features) => scoresOf(classifier, features, temperature),
    toJSON: () => ({ temperature, classifier: JSON.parse(JSON.stringify(classifier)) as Record<string, unknown> }),
  };
}

/** Raw cross-validated scores (at T = 1) of every training example, for calibration. */
function crossValidatedLogs(examples: Labelled[]): { truth: string; raw: { label: string; log: number }[] }[] {
  const out: { truth: string; raw: { label: string; log: number }[] }[] = [];
  for (let fold = 0; fold < FOLDS; fold++) {
    const classifier = fit(examples.filter((_, i) => i % FOLDS !== fold));
    examples.forEach((e, i) => {
      if (i % FOLDS !== fold) return;
      const raw = classifier.getClassifications(e.features).map((c) => ({ label: String(c.label), log: Math.log(Math.max(c.value, FLOOR)) }));
      out.push({ truth: e.label, raw });
    });
  }
  return out;
}

function logLoss(cv: ReturnType<typeof crossValidatedLogs>, temperature: number): number {
  let loss = 0;
  for (const { truth, raw } of cv) {
    const logs = raw.map((r) => r.log / temperature);
    const max = Math.max(...logs);
    const sum = logs.reduce((a, l) => a + Math.exp(l - max), 0);
    const own = raw.findIndex((r) => r.label === truth);
    const p = own < 0 ? FLOOR : Math.exp(logs[own]! - max) / sum;
    loss -= Math.log(Math.max(p, 1e-12));
  }
  return loss / cv.length;
}

/** Trains on every example; the temperature comes from 5-fold cross-validation on the same examples. */
export function trainCalibratedBayes(examples: Labelled[]): CalibratedBayes {
  const cv = crossValidatedLogs(examples);
  let best = { temperature: 1, loss: Infinity };
  for (const t of TEMPERATURES) {
    const loss = logLoss(cv, t);
    if (loss < best.loss) best = { temperature: t, loss };
  }
  return wrap(fit(examples), best.temperature);
}

export function restoreCalibratedBayes(serialized: SerializedBayes): CalibratedBayes {
  const classifier = BayesClassifier.restore(serialized.classifier);
  Object.setPrototypeOf(classifier, IndexedBayesClassifier.prototype);
  return wrap(classifier, serialized.temperature);
}
