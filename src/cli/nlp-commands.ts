/**
 * `aguavoz classify` (stdin lines → JSON lines, no server), `aguavoz nlp eval` (train on the
 * training split, score the held-out split) and `aguavoz nlp build` (serialize the model so a
 * production start does not retrain it).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { FLOWS_DIR, LOCALES_DIR, NLP_BUILT_MODEL, NLP_CORPUS_DIR } from '../app/paths';
import { loadFlows } from '../flow-engine/flow-loader';
import { createTranslator } from '../i18n/translator';
import { parseCorpus } from '../nlp/nlp-corpus';
import { crossValidateThresholds, formatReport, formatThresholds, trainAndEvaluate } from '../nlp/nlp-evaluation';
import { CLEAR_CONFIDENCE, CONFIRM_CONFIDENCE } from '../nlp/routing-policy';
import { trainNlpModel } from '../nlp/nlp-model';
import { corpusFingerprint } from '../nlp/nlp-model-store';

/** The language printed when a message says too little to tell: the service's default. */
const DEFAULT_LANGUAGE = 'es';

function flows() {
  return loadFlows({ flowsDir: FLOWS_DIR, translator: createTranslator({ localesDir: LOCALES_DIR }) });
}

async function runClassify(): Promise<void> {
  const { nlp } = flows();
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    const reading = nlp.read(line);
    const out = { text: line, category: reading.category, confidence: Number(reading.confidence.toFixed(3)), language: reading.language ?? DEFAULT_LANGUAGE };
    process.stdout.write(`${JSON.stringify(out)}\n`);
  }
}

function runEvaluation(options: { thresholds: boolean }): number {
  const { vocabulary } = flows();
  const trainFile = join(NLP_CORPUS_DIR, 'train.tsv');
  const heldOutFile = join(NLP_CORPUS_DIR, 'held-out.tsv');
  const train = parseCorpus(readFileSync(trainFile, 'utf8'), trainFile);
  if (options.thresholds) {
    const grid = [0.6, 0.7, CLEAR_CONFIDENCE, 0.8, 0.9, 0.95].map((clear) => ({ clear, confirm: CONFIRM_CONFIDENCE }));
    console.log(formatThresholds(crossValidateThresholds({ train, vocabulary, grid })));
    console.log(`(in use: clear ${CLEAR_CONFIDENCE}, confirm ${CONFIRM_CONFIDENCE})\n`);
  }
  const report = trainAndEvaluate({
    train,
    heldOut: parseCorpus(readFileSync(heldOutFile, 'utf8'), heldOutFile),
    vocabulary,
    clock: () => performance.now(),
  });
  console.log(formatReport(report));
  return 0;
}

function runBuild(out: string): void {
  const { vocabulary } = flows();
  const trainFile = join(NLP_CORPUS_DIR, 'train.tsv');
  const corpus = readFileSync(trainFile, 'utf8');
  const model = trainNlpModel({ examples: parseCorpus(corpus, trainFile), vocabulary, fingerprint: corpusFingerprint(corpus, vocabulary) });
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(model.toJSON()));
  console.log(`nlp model ${model.fingerprint} written to ${out}`);
}

export function registerNlpCommands(program: Command): void {
  program
    .command('classify')
    .description('read one message per line on stdin, print {text, category, confidence, language} per line (no server)')
    .action(runClassify);
  const nlp = program.command('nlp').description('the message classifier (corpus in nlp/corpus/)');
  nlp
    .command('eval')
    .description('train on nlp/corpus/train.tsv, print accuracy, precision/recall and confusion on held-out.tsv')
    .option('--thresholds', 'first cross-validate the routing thresholds on the training split', false)
    .action((options: { thresholds: boolean }) => {
      process.exitCode = runEvaluation(options);
    });
  nlp
    .command('build')
    .description('train and serialize the model (npm run build does this)')
    .option('--out <file>', 'where to write it', NLP_BUILT_MODEL)
    .action((options: { out: string }) => runBuild(options.out));
}
