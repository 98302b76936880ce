/**
 * How well the classifier routes messages it never saw: trained on the training split, scored on
 * the held-out split. A message is routed RIGHT when it goes straight to its own report (or, for
 * a non-complaint, to the menu), WRONG when it goes straight to another report (a wrong crew and
 * deadline), and otherwise CONFIRMED (asked "¿Reporta ...? 1 Sí 2 No") or shown the MENU.
 */
import { CATEGORIES, type Category } from '../domain/ticket';
import type { FeatureVocabulary } from './message-features';
import type { CorpusExample } from './nlp-corpus';
import { trainNlpModel, type NlpModel } from './nlp-model';
import { routeReading } from './routing-policy';

export interface EvaluationReport {
  messages: number;
  routedRight: number;
  routedWrong: number;
  confirmedRight: number;
  confirmedWrong: number;
  menu: number;
  /** Share of messages whose category (after the `other` threshold) is the true one. */
  accuracy: number;
  languageAccuracy: number;
  perCategory: Record<Category, { precision: number; recall: number; support: number }>;
  /** confusion[truth][predicted] */
  confusion: Record<Category, Record<Category, number>>;
  mistakes: { text: string; truth: Category; predicted: Category; confidence: number; band: string }[];
  /** Mean time to read one message, in milliseconds, after loading. */
  msPerMessage: number;
}

export function evaluateModel(model: NlpModel, heldOut: CorpusExample[], clock: () => number): EvaluationReport {
  const zero = () => Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as Record<Category, number>;
  const confusion = Object.fromEntries(CATEGORIES.map((c) => [c, zero()])) as Record<Category, Record<Category, number>>;
  const report = { routedRight: 0, routedWrong: 0, confirmedRight: 0, confirmedWrong: 0, menu: 0 };
  const mistakes: EvaluationReport['mistakes'] = [];
  let correct = 0;
  let languageCorrect = 0;
  const started = clock();
  for (const example of heldOut) {
    const reading = model.read(example.text);
    const routing = routeReading(reading);
    confusion[example.category][reading.category] += 1;
    if (reading.category === example.category) correct += 1;
    if ((reading.language ?? 'es') === example.language) languageCorrect += 1;
    const guessedRight = routing.category === example.category;
    if (routing.band === 'clear') report[guessedRight ? 'routedRight' : 'routedWrong'] += 1;
    else if (routing.band === 'confirm') report[guessedRight ? 'confirmedRight' : 'confirmedWrong'] += 1;
    else if (example.category === 'other') report.routedRight += 1;
    else report.menu += 1;
    if (!guessedRight) mistakes.push({ text: example.text, truth: example.category, predicted: routing.category, confidence: reading.confidence, band: routing.band });
  }
  const msPerMessage = heldOut.length > 0 ? (clock() - started) / heldOut.length : 0;
  const perCategory = Object.fromEntries(
    CATEGORIES.map((c) => {
      const tp = confusion[c][c];
      const predicted = CATEGORIES.reduce((sum, t) => sum + confusion[t][c], 0);
      const support = CATEGORIES.reduce((sum, p) => sum + confusion[c][p], 0);
      return [c, { precision: predicted ? tp / predicted : 0, recall: support ? tp / support : 0, support }];
    }),
  ) as EvaluationReport['perCategory'];
  return {
    messages: heldOut.length,
    ...report,
    accuracy: heldOut.length ? correct / heldOut.length : 0,
    languageAccuracy: heldOut.length ? languageCorrect / heldOut.length : 0,
    perCategory,
    confusion,
    mistakes,
    msPerMessage,
  };
}

/** Trains on `train` only, then scores `heldOut`. */
export function trainAndEvaluate(options: { train: CorpusExample[]; heldOut: CorpusExample[]; vocabulary: FeatureVocabulary; clock: () => number }): EvaluationReport {
  const model = trainNlpModel({ examples: options.train, vocabulary: options.vocabulary, fingerprint: 'evaluation' });
  return evaluateModel(model, options.heldOut, options.clock);
}

const pct = (n: number, of: number) => `${((100 * n) / Math.max(of, 1)).toFixed(1)}%`;

/** The text `npm run eval:nlp` prints. */
export function formatReport(r: EvaluationReport): string {
  const lines = [
    `held-out messages: ${r.messages}`,
    `routed right:   ${pct(r.routedRight, r.messages)} (${r.routedRight})   straight to the right report, or the menu for a non-complaint`,
    `routed wrong:   ${pct(r.routedWrong, r.messages)} (${r.routedWrong})   straight to another report`,
    `confirmed:      ${pct(r.confirmedRight + r.confirmedWrong, r.messages)} (${r.confirmedRight} right guess, ${r.confirmedWrong} wrong guess)`,
    `menu:           ${pct(r.menu, r.messages)} (${r.menu})`,
    `right after confirmation: ${pct(r.routedRight + r.confirmedRight, r.messages)}`,
    `category accuracy: ${pct(r.accuracy * r.messages, r.messages)}   language accuracy: ${pct(r.languageAccuracy * r.messages, r.messages)}`,
    `time per message: ${r.msPerMessage.toFixed(3)} ms`,
    '',
    'category   precision  recall  support',
    ...CATEGORIES.map((c) => `${c.padEnd(10)} ${pct(r.perCategory[c].precision * 100, 100).padStart(9)} ${pct(r.perCategory[c].recall * 100, 100).padStart(7)} ${String(r.perCategory[c].support).padStart(8)}`),
    '',
    `confusion (rows: truth, columns: predicted)`,
    `${''.padEnd(10)}${CATEGORIES.map((c) => c.slice(0, 7).padStart(8)).join('')}`,
    ...CATEGORIES.map((t) => `${t.padEnd(10)}${CATEGORIES.map((p) => String(r.confusion[t][p]).padStart(8)).join('')}`),
  ];
  if (r.mistakes.length > 0) {
    lines.push('', 'not routed to their own report:');
    for (const m of r.mistakes) lines.push(`  ${m.truth} → ${m.predicted} (${m.band}, ${m.confidence.toFixed(2)}): ${m.text}`);
  }
  return lines.join('\n');
}

export interface ThresholdRow {
  clear: number;
  confirm: number;
  routedRight: number;
  routedWrong: number;
  confirmed: number;
  menu: number;
}

/**
 * 5-fold cross-validation on the TRAINING split only, for choosing the routing thresholds
 * without looking at the held-out split: each message is read by a model that never saw it.
 */
export function crossValidateThresholds(options: {
  train: CorpusExample[];
  vocabulary: FeatureVocabulary;
  grid: { clear: number; confirm: number }[];
  folds?: number;
}): ThresholdRow[] {
  const folds = options.folds ?? 5;
  const readings: { truth: Category; category: Category; confidence: number }[] = [];
  for (let fold = 0; fold < folds; fold++) {
    const model = trainNlpModel({ examples: options.train.filter((_, i) => i % folds !== fold), vocabulary: options.vocabulary, fingerprint: `cv${fold}` });
    options.train.forEach((e, i) => {
      if (i % folds === fold) readings.push({ truth: e.category, ...model.read(e.text) });
    });
  }
  return options.grid.map(({ clear, confirm }) => {
    const row: ThresholdRow = { clear, confirm, routedRight: 0, routedWrong: 0, confirmed: 0, menu: 0 };
    for (const r of readings) {
      const band = r.category === 'other' ? 'unclear' : r.confidence >= clear ? 'clear' : r.confidence >= confirm ? 'confirm' : 'unclear';
      if (band === 'clear') row[r.category === r.truth ? 'routedRight' : 'routedWrong'] += 1;
      else if (band === 'confirm') row.confirmed += 1;
      else if (r.truth === 'other') row.routedRight += 1;
      else row.menu += 1;
    }
    const n = readings.length;
    return { ...row, routedRight: row.routedRight / n, routedWrong: row.routedWrong / n, confirmed: row.confirmed / n, menu: row.menu / n };
  });
}

export function formatThresholds(rows: ThresholdRow[]): string {
  const p = (x: number) => `${(100 * x).toFixed(1)}%`.padStart(7);
  return [
    'routing thresholds, 5-fold cross-validation on the training split (held-out not used):',
    ' clear confirm   right   wrong confirm    menu',
    ...rows.map((r) => `${r.clear.toFixed(2).padStart(6)} ${r.confirm.toFixed(2).padStart(7)} ${p(r.routedRight)} ${p(r.routedWrong)} ${p(r.confirmed)} ${p(r.menu)}`),
  ].join('\n');
}
