import { join } from 'node:path';
import { FlowValidationError, loadFlows } from '../../src/flow-engine/flow-loader';
import { checkFlows } from '../../src/flow-engine/flows-check';
import { createTranslator } from '../../src/i18n/translator';
import { makeFixture, VALID_MAIN_MENU, type FixtureDirs } from './flow-fixtures';

const root = join(__dirname, '../..');

describe('checkFlows on the shipped flows', () => {
  it('finds no problem and lists every flow', () => {
    const result = checkFlows({ flowsDir: join(root, 'flows'), localesDir: join(root, 'locales') });
    expect(result.problems).toEqual([]);
    expect(result.flows).toEqual([
      'billing',
      'gender',
      'language',
      'leak',
      'main_menu',
      'notices',
      'outage',
      'quality',
      'resolution_feedback',
      'sewage',
      'status',
    ]);
    expect(result.warnings.every((w) => w.includes('qu.json'))).toBe(true);
  });
});

describe('checks on broken flow files', () => {
  let fixture: FixtureDirs | undefined;
  afterEach(() => fixture?.cleanup());

  function check(flows: Record<string, string>, dropFromEn?: string[]) {
    fixture = makeFixture({ flows, dropFromEn });
    return checkFlows({ flowsDir: fixture.flowsDir, localesDir: fixture.localesDir });
  }

  it('accepts the minimal valid fixture', () => {
    expect(check({ 'main_menu.yaml': VALID_MAIN_MENU }).problems).toEqual([]);
  });

  it('reports a step no exit leads to', () => {
    const flow = `${VALID_MAIN_MENU}  orphan:\n    do: [{ send: fixture.done }]\n    next: end\n`;
    expect(check({ 'main_menu.yaml': flow }).problems).toEqual(['main_menu/orphan: step is unreachable from "choose"']);
  });

  it('reports exits to a missing step and to a missing flow', () => {
    const flow = VALID_MAIN_MENU.replace('next: done', 'next: nowhere').replace('next: end', 'next: flow:ghost');
    expect(check({ 'main_menu.yaml': flow }).problems).toEqual([
      'main_menu/choose: exit "nowhere" names a step that does not exist',
      'main_menu/done: exit "flow:ghost" names a flow that does not exist',
      'main_menu/done: step is unreachable from "choose"',
    ]);
  });

  it('reports a recheck on a question that is not answered from earlier words by says phrases, and a recheck text no locale has', () => {
    const flow = VALID_MAIN_MENU.replace('      save: topic\n', '      save: topic\n      recheck: fixture.recheck\n');
    const problems = check({ 'main_menu.yaml': flow }).problems;
    expect(problems).toContain('main_menu/choose: recheck needs prefillFrom and says phrases');
    expect(problems).toContain('main_menu/choose: text "fixture.recheck" is missing in es.json');
  });

  it('reports a text key missing from a locale', () => {
    const flow = VALID_MAIN_MENU.replace('send: fixture.done', 'send: fixture.nowhere');
    const problems = check({ 'main_menu.yaml': flow }).problems;
    expect(problems).toContain('main_menu/done: text "fixture.nowhere" is missing in es.json');
    expect(problems).toContain('main_menu/done: text "fixture.nowhere" is missing in en.json');
  });

  it('reports a key only English lacks, and a key Spanish has that English does not', () => {
    const problems = check({ 'main_menu.yaml': VALID_MAIN_MENU }, ['done']).problems;
    expect(problems).toEqual([
      'main_menu/done: text "fixture.done" is missing in en.json',
      'locale: "fixture.done" is in es.json but not in en.json',
    ]);
  });

  it('reports schema errors with the file and the path', () => {
    const flow = VALID_MAIN_MENU.replace('expect: choice', 'expect: telepathy');
    const problems = check({ 'main_menu.yaml': flow }).problems;
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/main_menu\.yaml: steps\.choose\.ask\.expect: /);
  });

  it('reports a loop of steps that never waits for a reply', () => {
    const flow = `${VALID_MAIN_MENU.replace('next: end', 'next: again')}  again:\n    do: []\n    next: done\n`;
    expect(check({ 'main_menu.yaml': flow }).problems).toEqual(['main_menu/done: a loop of steps never waits for a reply']);
  });

  it('reports a text that shows a value no step captures', () => {
    fixture = makeFixture({ flows: { 'main_menu.yaml': VALID_MAIN_MENU.replace('send: fixture.done', 'send: status.reply') } });
    const problems = checkFlows({ flowsDir: fixture.flowsDir, localesDir: fixture.localesDir }).problems;
    expect(problems).toEqual(['main_menu/done: text "status.reply" uses {status}, which no step captures']);
  });

  it('reports a file whose id does not match its name', () => {
    const problems = check({ 'other.yaml': VALID_MAIN_MENU }).problems;
    expect(problems).toEqual([`${fixture!.flowsDir}/other.yaml: id "main_menu" must match the file name`]);
  });

  it('requires the main menu, where fresh conversations start', () => {
    const problems = check({ 'other.yaml': VALID_MAIN_MENU.replace('id: main_menu', 'id: other') }).problems;
    expect(problems).toEqual(['flow "main_menu" is required (fresh conversations start there)']);
  });

  it('loadFlows throws one FlowValidationError listing every problem at once', () => {
    const flow = `${VALID_MAIN_MENU.replace('send: fixture.done', 'send: fixture.nowhere')}  orphan:\n    next: end\n`;
    fixture = makeFixture({ flows: { 'main_menu.yaml': flow } });
    const translator = createTranslator({ localesDir: fixture.localesDir });
    let error: unknown;
    try {
      loadFlows({ flowsDir: fixture.flowsDir, translator });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(FlowValidationError);
    expect((error as FlowValidationError).code).toBe('flows_invalid');
    expect((error as FlowValidationError).problems).toEqual([
      'main_menu/orphan: step is unreachable from "choose"',
      'main_menu/done: text "fixture.nowhere" is missing in es.json',
      'main_menu/done: text "fixture.nowhere" is missing in en.json',
    ]);
  });
});
