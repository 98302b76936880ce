/**
 * The classifier is trained on nlp/corpus/train.tsv only and scored on nlp/corpus/held-out.tsv,
 * which no training or tuning code reads (it was written and committed before the classifier
 * existed). The targets are issue 8's.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CATEGORIES } from '../../src/domain/ticket';
import { parseCorpus } from '../../src/nlp/nlp-corpus';
import { trainAndEvaluate, type EvaluationReport } from '../../src/nlp/nlp-evaluation';
import { flows } from '../flow-engine/engine-support';

const corpusDir = join(__dirname, '../../nlp/corpus');
const read = (name: string) => parseCorpus(readFileSync(join(corpusDir, name), 'utf8'), name);
const train = read('train.tsv');
const heldOut = read('held-out.tsv');

let report: EvaluationReport;
beforeAll(() => {
  report = trainAndEvaluate({ train, heldOut, vocabulary: flows.vocabulary, clock: () => performance.now() });
});

describe('held-out evaluation of the message classifier', () => {
  it('the held-out split shares no message with the training split and has every category and language', () => {
    const trained = new Set(train.map((e) => e.text.toLowerCase()));
    expect(heldOut.filter((e) => trained.has(e.text.toLowerCase())).map((e) => e.text)).toEqual([]);
    expect(new Set(heldOut.map((e) => e.category))).toEqual(new Set(CATEGORIES));
    expect(new Set(heldOut.map((e) => e.language))).toEqual(new Set(['es', 'en', 'qu']));
    expect(train.length).toBeGreaterThanOrEqual(600);
  });

  it('routes at least 92% of held-out messages straight to the right report (or the menu for non-complaints)', () => {
    expect(report.routedRight / report.messages).toBeGreaterThanOrEqual(0.92);
  });

  it('sends at most 3% of held-out messages straight to a wrong report', () => {
    expect(report.routedWrong / report.messages).toBeLessThanOrEqual(0.03);
  });

  it.each(CATEGORIES)('recall of %s on held-out messages is at least 85%', (category) => {
    expect(report.perCategory[category].recall).toBeGreaterThanOrEqual(0.85);
  });

  it('guesses the language of held-out messages (es, en, qu) at least 95% of the time', () => {
    expect(report.languageAccuracy).toBeGreaterThanOrEqual(0.95);
  });

  it('the counts add up: every message is routed right, wrong, confirmed or shown the menu', () => {
    const { routedRight, routedWrong, confirmedRight, confirmedWrong, menu, messages } = report;
    expect(routedRight + routedWrong + confirmedRight + confirmedWrong + menu).toBe(messages);
    const confusionTotal = CATEGORIES.reduce((sum, t) => sum + CATEGORIES.reduce((s, p) => s + report.confusion[t][p], 0), 0);
    expect(confusionTotal).toBe(messages);
  });
});
