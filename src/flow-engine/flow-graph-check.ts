/**
 * Checks that go beyond the schema: every exit leads somewhere, every step is reachable, no
 * loop runs without a question, every text key exists in Spanish and English (Quechua may
 * fall back, with a warning), and every value a text shows is captured somewhere.
 */
import type { Translator } from '../i18n/translator';
import type { Flow, Step, Target } from './flow-schema';
import { ACTION_VARS, BUILTIN_PARAMS, ENGINE_KEYS, HOST_KEYS, HOST_START_VARS, MAIN_FLOW } from './loaded-flows';
import type { Vocabulary } from './vocabulary-schema';

export interface GraphCheckResult {
  problems: string[];
  warnings: string[];
}

const REQUIRED_LANGUAGES = ['es', 'en'] as const;

function stepTargets(step: Step): Target[] {
  return [step.next, ...Object.values(step.on), ...step.routes.map((r) => r.next)];
}

function checkTarget(flows: ReadonlyMap<string, Flow>, flow: Flow, where: string, target: Target, problems: string[]): void {
  if (target === 'end' || target === 'return') return;
  if (target.startsWith('flow:')) {
    const id = target.slice(5);
    if (!flows.has(id)) problems.push(`${where}: exit "${target}" names a flow that does not exist`);
    return;
  }
  if (!flow.steps[target]) problems.push(`${where}: exit "${target}" names a step that does not exist`);
}

function answerKeys(step: Step): string[] | null {
  const ask = step.ask;
  if (!ask) return [];
  const keys = ['skipped'];
  if (ask.expect === 'choice' || ask.expect === 'multi_choice') keys.push(...ask.options.map((o) => o.value));
  else if (ask.expect === 'yes_no') keys.push('true', 'false');
  else return null;
  return keys;
}

function checkFlowGraph(flows: ReadonlyMap<string, Flow>, flow: Flow, problems: string[]): void {
  const id = flow.id;
  if (!flow.steps[flow.start]) problems.push(`${id}: start step "${flow.start}" does not exist`);
  if (flow.giveUp !== 'handoff') checkTarget(flows, flow, `${id} giveUp`, flow.giveUp, problems);
  for (const [stepId, step] of Object.entries(flow.steps)) {
    const where = `${id}/${stepId}`;
    for (const target of stepTargets(step)) checkTarget(flows, flow, where, target, problems);
    const valid = answerKeys(step);
    for (const key of Object.keys(step.on)) {
      if (!step.ask) problems.push(`${where}: "on" needs an ask`);
      else if (valid && !valid.includes(key)) problems.push(`${where}: "on.${key}" is not an answer of this step (${valid.join(', ')})`);
    }
    const ask = step.ask;
    if (ask?.expect === 'choice' && ask.allowText && !ask.options.some((o) => o.value === 'other')) {
      problems.push(`${where}: allowText needs an option with value "other"`);
    }
    if (ask && (ask.expect === 'choice' || ask.expect === 'yes_no') && ask.recheck) {
      // A contradiction is measured with the same strict phrases that answered the question.
      const hasSays = ask.expect === 'choice' ? ask.options.some((o) => o.says) : ask.says !== undefined;
      if (!ask.prefillFrom || !hasSays) problems.push(`${where}: recheck needs prefillFrom and says phrases`);
    }
    if (ask && (ask.save.startsWith('_') || (BUILTIN_PARAMS as readonly string[]).includes(ask.save))) {
      problems.push(`${where}: variable "${ask.save}" is reserved`);
    }
  }
  const seen = new Set<string>();
  const queue = flow.steps[flow.start] ? [flow.start] : [];
  if (flow.giveUp !== 'handoff' && flow.steps[flow.giveUp]) queue.push(flow.giveUp);
  while (queue.length > 0) {
    const stepId = queue.pop()!;
    if (seen.has(stepId)) continue;
    seen.add(stepId);
    const step = flow.steps[stepId];
    if (step) for (const t of stepTargets(step)) if (flow.steps[t]) queue.push(t);
  }
  for (const stepId of Object.keys(flow.steps)) {
    if (!seen.has(stepId)) problems.push(`${id}/${stepId}: step is unreachable from "${flow.start}"`);
  }
}

/** A cycle through steps that never wait for a reply would spin forever. */
function checkSilentLoops(flows: ReadonlyMap<string, Flow>, problems: string[]): void {
  const resolve = (flow: Flow, target: Target): string | null => {
    if (target === 'end' || target === 'return') return null;
    if (target.startsWith('flow:')) {
      const other = flows.get(target.slice(5));
      return other ? `${other.id}/${other.start}` : null;
    }
    return `${flow.id}/${target}`;
  };
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (node: string): boolean => {
    if (state.get(node) === 'done') return false;
    if (state.get(node) === 'visiting') return true;
    state.set(node, 'visiting');
    const [flowId, stepId] = node.split('/') as [string, string];
    const flow = flows.get(flowId);
    const step = flow?.steps[stepId];
    let loop = false;
    if (flow && step && !step.ask) {
      for (const t of stepTargets(step)) {
        const next = resolve(flow, t);
        if (next && visit(next)) loop = true;
      }
    }
    state.set(node, 'done');
    return loop;
  };
  for (const flow of flows.values()) {
    for (const stepId of Object.keys(flow.steps)) {
      if (visit(`${flow.id}/${stepId}`)) problems.push(`${flow.id}/${stepId}: a loop of steps never waits for a reply`);
    }
  }
}

function referencedKeys(flows: ReadonlyMap<string, Flow>): Map<string, string> {
  const keys = new Map<string, string>();
  for (const flow of flows.values()) {
    for (const [stepId, step] of Object.entries(flow.steps)) {
      const where = `${flow.id}/${stepId}`;
      if (step.ask) {
        keys.set(step.ask.prompt, where);
        if (step.ask.reprompt) keys.set(step.ask.reprompt, where);
        if ((step.ask.expect === 'choice' || step.ask.expect === 'yes_no') && step.ask.recheck) keys.set(step.ask.recheck, where);
      }
      for (const action of step.do) if ('send' in action) keys.set(action.send, where);
    }
  }
  for (const key of Object.values(ENGINE_KEYS)) if (!keys.has(key)) keys.set(key, 'engine');
  for (const key of HOST_KEYS) if (!keys.has(key)) keys.set(key, 'host');
  return keys;
}

function availableVars(flows: ReadonlyMap<string, Flow>): Set<string> {
  const vars = new Set<string>([...BUILTIN_PARAMS, ...ACTION_VARS, ...HOST_START_VARS]);
  for (const flow of flows.values()) {
    for (const step of Object.values(flow.steps)) {
      const ask = step.ask;
      if (!ask) continue;
      vars.add(ask.save);
      vars.add(`${ask.save}_text`);
      if (ask.expect === 'choice' && ask.classify) {
        vars.add(ask.classify.saveTextAs);
        if (ask.classify.saveMatchAs) vars.add(ask.classify.saveMatchAs);
      }
      if (ask.expect === 'place') ['location_lat', 'location_lng', 'location_label'].forEach((v) => vars.add(v));
    }
  }
  return vars;
}

function checkTexts(flows: ReadonlyMap<string, Flow>, translator: Translator, problems: string[], warnings: string[]): void {
  const keys = referencedKeys(flows);
  const vars = availableVars(flows);
  for (const [key, where] of keys) {
    for (const language of REQUIRED_LANGUAGES) {
      if (!translator.has(key, language)) problems.push(`${where}: text "${key}" is missing in ${language}.json`);
    }
    if (translator.languages.includes('qu') && !translator.has(key, 'qu')) {
      warnings.push(`${where}: text "${key}" is missing in qu.json (draft; Spanish is used)`);
    }
    // Host texts and engine texts get their values from code, not from a flow's variables.
    if (where === 'host' || where === 'engine') continue;
    for (const name of translator.argumentNames(key)) {
      if (!vars.has(name)) problems.push(`${where}: text "${key}" uses {${name}}, which no step captures`);
    }
  }
  const [first, second] = REQUIRED_LANGUAGES;
  for (const key of translator.keys(first)) if (!translator.has(key, second)) problems.push(`locale: "${key}" is in ${first}.json but not in ${second}.json`);
  for (const key of translator.keys(second)) if (!translator.has(key, first)) problems.push(`locale: "${key}" is in ${second}.json but not in ${first}.json`);
}

function checkVocabulary(flows: ReadonlyMap<string, Flow>, vocabulary: Vocabulary, problems: string[], warnings: string[]): void {
  for (const keyword of vocabulary.keywords) {
    if (keyword.action === 'open_flow' && !flows.has(keyword.flow)) {
      problems.push(`vocabulary/keywords: keyword flow "${keyword.flow}" does not exist`);
    }
  }
  const menu = flows.get(MAIN_FLOW);
  const menuValues = new Set(menu ? Object.values(menu.steps).flatMap((s) => (s.ask?.expect === 'choice' ? s.ask.options.map((o) => o.value) : [])) : []);
  for (const intent of Object.keys(vocabulary.intents)) {
    if (!menuValues.has(intent)) warnings.push(`vocabulary/intents: intent "${intent}" is not an option of ${MAIN_FLOW}`);
  }
}

export function checkGraph(flows: ReadonlyMap<string, Flow>, vocabulary: Vocabulary, translator: Translator): GraphCheckResult {
  const problems: string[] = [];
  const warnings: string[] = [];
  if (!flows.has(MAIN_FLOW)) problems.push(`flow "${MAIN_FLOW}" is required (fresh conversations start there)`);
  for (const flow of flows.values()) checkFlowGraph(flows, flow, problems);
  checkSilentLoops(flows, problems);
  checkTexts(flows, translator, problems, warnings);
  checkVocabulary(flows, vocabulary, problems, warnings);
  return { problems, warnings };
}
