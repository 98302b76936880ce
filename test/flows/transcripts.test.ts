/**
 * Every transcript under test/flows/transcripts runs through the real engine, flows and
 * locales, with the session saved to JSON and reloaded between turns. Then: every flow and
 * every question of every flow must have been reached by some transcript.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadFlows } from '../../src/flow-engine/flow-loader';
import { createTranslator } from '../../src/i18n/translator';
import { checkTurn, readTranscript, runTranscript } from './transcript-runner';

const root = join(__dirname, '../..');
const translator = createTranslator({ localesDir: join(root, 'locales') });
const flows = loadFlows({ flowsDir: join(root, 'flows'), translator });
const dir = join(__dirname, 'transcripts');
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();

describe('conversation transcripts', () => {
  it.each(files)('%s plays as written', (file) => {
    const transcript = readTranscript(join(dir, file));
    const outcomes = runTranscript(transcript, { flows, translator });
    const problems = outcomes.flatMap((o, i) => checkTurn(o, i, transcript.channel));
    expect(problems).toEqual([]);
  });
});

describe('transcript coverage', () => {
  /** `flow/step` of every question a transcript waited at (every transcript is run here, so the
   *  coverage does not depend on the tests above having run first). */
  const visited = new Set<string>();
  beforeAll(() => {
    for (const file of files) {
      for (const o of runTranscript(readTranscript(join(dir, file)), { flows, translator })) {
        if (o.session) visited.add(`${o.session.flowId}/${o.session.stepId}`);
      }
    }
  });

  it('every flow in flows/ is exercised by at least one transcript', () => {
    const covered = new Set([...visited].map((v) => v.split('/')[0]));
    const missing = [...flows.flows.keys()].filter((id) => !covered.has(id));
    expect(missing).toEqual([]);
  });

  it('every question of every flow is reached by at least one transcript', () => {
    const missing: string[] = [];
    for (const flow of flows.flows.values()) {
      for (const [stepId, step] of Object.entries(flow.steps)) {
        if (step.ask && !visited.has(`${flow.id}/${stepId}`)) missing.push(`${flow.id}/${stepId}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
