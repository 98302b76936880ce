/**
 * Walks the flow graph: enters steps (running their actions), stops at the next question,
 * reads answers, re-prompts on nonsense and gives up after MAX_RETRIES by handing the resident
 * to an operator — a conversation never loops forever.
 */
import type { GeoPoint } from '../domain/ticket';
import { parseAnswer, prefillAnswer, type ParseContext, type ParsedAnswer, type Reply } from './answer-parsers';
import { evaluateCondition } from './conditions';
import type { EngineEvent } from './engine-types';
import { locationOf, runAction } from './flow-actions';
import {
  askAgain,
  askedAgainStep,
  contradictedOnEntry,
  finishRecheck,
  isRechecking,
  notePrefilled,
  noteSaid,
  recheckContradicted,
  recheckPrompt,
  wasRechecked,
  type RecheckThen,
} from './flow-recheck';
import type { Ask, Step, Target } from './flow-schema';
import { MAX_RETRIES, ENGINE_KEYS, optionsKey } from './loaded-flows';
import { prepareText, startsWithPhrase } from './phrase-matcher';
import type { PreparedVocabulary } from './prepared-vocabulary';
import { FlowRuntimeError, flowOf, sectorListing, send, stepOf, touch, type Turn } from './turn';

const MAX_HOPS = 60;
/** Where the two sectors offered after an ambiguous answer wait for the resident's pick. */
const SECTOR_CANDIDATES_VAR = '_sector_candidates';
/** Text asking which of two close sector names the resident meant. */
const ASK_WHICH_SECTOR_KEY = ENGINE_KEYS.askWhichSector;
const MAX_UNRECOGNIZED_CHARS = 400;

export interface GoToOptions {
  /** Stop at the next question without sending it (its answer is already in hand). */
  quiet?: boolean;
}

/** Prepares a resident's message for matching; a leading greeting ("hola, buenos días") is ignored. */
export function makeReply(text: string, location: GeoPoint | null, mediaCount: number, vocabulary: PreparedVocabulary): Reply {
  let words = prepareText(text, vocabulary.shorthand);
  for (let stripped = true; stripped; ) {
    stripped = false;
    for (const greeting of vocabulary.greetings) {
      if (words.length > greeting.tokens.length && startsWithPhrase(words, greeting)) {
        words = words.slice(greeting.tokens.length);
        stripped = true;
        break;
      }
    }
  }
  return { text, words, location, mediaCount };
}

export function endSession(turn: Turn, reason: Extract<EngineEvent, { type: 'session_ended' }>['reason']): void {
  turn.events.push({ type: 'session_ended', reason });
  turn.session = null;
}

function session(turn: Turn) {
  if (!turn.session) throw new FlowRuntimeError('no session to continue');
  return turn.session;
}

export function currentStep(turn: Turn): Step {
  const s = session(turn);
  return stepOf(turn, s.flowId, s.stepId);
}

function parseContext(turn: Turn, stepId?: string): ParseContext {
  const s = session(turn);
  return {
    vocabulary: turn.flows.vocabulary,
    options: turn.flows.options.get(optionsKey(s.flowId, stepId ?? s.stepId)) ?? [],
    sectors: turn.ctx.locality.sectors,
    listedSectors: sectorListing(turn.ctx.locality.sectors).count,
    nlp: turn.flows.nlp,
    sectorCandidates: typeof s.vars[SECTOR_CANDIDATES_VAR] === 'string' ? String(s.vars[SECTOR_CANDIDATES_VAR]).split('|') : [],
  };
}

/** Sends the current question again (after AYUDA, ESTADO or IDIOMA mid-flow). */
export function promptCurrent(turn: Turn): void {
  const step = currentStep(turn);
  if (step.ask) send(turn, recheckPrompt(turn) ?? step.ask.prompt);
}

function route(turn: Turn, step: Step, answerKey: string | undefined): Target {
  if (answerKey !== undefined && step.on[answerKey]) return step.on[answerKey]!;
  const vars = session(turn).vars;
  for (const r of step.routes) if (evaluateCondition(r.when, vars, turn.ctx)) return r.next;
  return step.next;
}

type Accepted = Extract<ParsedAnswer, { kind: 'answer' | 'skip' }>;

function applyAnswer(turn: Turn, step: Step & { ask: Ask }, parsed: Accepted): Target {
  const s = session(turn);
  s.retries = 0;
  delete s.vars[SECTOR_CANDIDATES_VAR];
  if (parsed.kind === 'skip') {
    s.vars[step.ask.save] = null;
    return route(turn, step, 'skipped');
  }
  s.vars[step.ask.save] = parsed.value;
  Object.assign(s.vars, parsed.extra);
  return route(turn, step, String(parsed.value));
}

function autoAnswer(turn: Turn, ask: Ask): Accepted | null {
  if (ask.expect === 'sector' && turn.ctx.locality.sectors.length === 0) return { kind: 'skip' };
  if (!('prefillFrom' in ask) || !ask.prefillFrom) return null;
  const s = session(turn);
  if (wasRechecked(turn)) {
    // Asked again after a contradiction: that answer stands.
    const kept = s.vars[ask.save] ?? null;
    return kept === null ? { kind: 'skip' } : { kind: 'answer', value: kept, extra: {} };
  }
  const source = s.vars[ask.prefillFrom];
  if (typeof source !== 'string' || source === '') return null;
  const wordsOf = (text: string) => makeReply(text, null, 0, turn.flows.vocabulary).words;
  const says = turn.flows.says.get(optionsKey(s.flowId, s.stepId)) ?? null;
  const value = prefillAnswer(ask, source, wordsOf(source), says, parseContext(turn));
  if (value === undefined) return null;
  notePrefilled(turn);
  // A later reply already said otherwise: ask it (once, with its recheck text) instead of skipping it.
  if (contradictedOnEntry(turn, value, wordsOf, (stepId) => parseContext(turn, stepId))) return null;
  return { kind: 'answer', value, extra: {} };
}

/** Runs the current step's actions, then either stops at its question or names the next target. */
function enterStep(turn: Turn, options: GoToOptions): Target | null {
  const step = currentStep(turn);
  for (const action of step.do) runAction(turn, action);
  if (!step.ask) return route(turn, step, undefined);
  const auto = autoAnswer(turn, step.ask);
  if (auto) return applyAnswer(turn, step as Step & { ask: Ask }, auto);
  if (!options.quiet) send(turn, recheckPrompt(turn) ?? step.ask.prompt);
  return null;
}

function hop(turn: Turn, target: Target, options: GoToOptions): Target | null {
  const s = session(turn);
  if (target === 'end') {
    endSession(turn, 'completed');
    return null;
  }
  if (target === 'return') {
    const resume = s.resume;
    if (!resume || !turn.flows.flows.get(resume.flowId)?.steps[resume.stepId]?.ask) return 'end';
    s.flowId = resume.flowId;
    s.stepId = resume.stepId;
    s.retries = 0;
    s.resume = null;
    touch(turn);
    promptCurrent(turn);
    return null;
  }
  if (target.startsWith('flow:')) {
    const flowId = target.slice('flow:'.length);
    s.flowId = flowId;
    s.stepId = flowOf(turn, flowId).start;
  } else {
    s.stepId = target;
  }
  s.retries = 0;
  touch(turn);
  return enterStep(turn, options);
}

/** Follows exits until a question waits for the resident or the conversation ends. */
export function goTo(turn: Turn, target: Target, options: GoToOptions = {}): void {
  let next: Target | null = target;
  for (let hops = 0; next !== null; hops++) {
    if (hops > MAX_HOPS) throw new FlowRuntimeError(`flow loop without a question near "${session(turn).flowId}"`);
    next = hop(turn, next, options);
  }
}

/** Enters a step as `goTo` does, starting at the current session position. */
export function enterCurrent(turn: Turn, options: GoToOptions = {}): void {
  const next = enterStep(turn, options);
  if (next !== null) goTo(turn, next, options);
}

/** Hands the conversation to a human: a ticket flagged for an operator, and a reply that says so. */
export function handoff(turn: Turn): void {
  const s = session(turn);
  const flow = flowOf(turn, s.flowId);
  const details: Record<string, string | number | boolean | null> = {};
  for (const [name, value] of Object.entries(s.vars)) if (!name.startsWith('_')) details[name] = value;
  details.unrecognized_replies = s.vars._unrecognized ?? null;
  const reference = turn.ctx.newReference();
  s.vars.reference = reference;
  turn.events.push({
    type: 'ticket_opened',
    reference,
    category: flow.category,
    priority: 'normal',
    details,
    sector: typeof s.vars.sector === 'string' ? s.vars.sector : null,
    location: locationOf(s.vars),
    needsOperator: true,
  });
  send(turn, ENGINE_KEYS.handoff);
  endSession(turn, 'handed_to_operator');
}

function fail(turn: Turn, reply: Reply, ask: Ask): void {
  const s = session(turn);
  s.retries += 1;
  const seen = typeof s.vars._unrecognized === 'string' ? `${s.vars._unrecognized} | ` : '';
  s.vars._unrecognized = `${seen}${reply.text.trim()}`.slice(-MAX_UNRECOGNIZED_CHARS);
  if (s.retries < MAX_RETRIES) {
    touch(turn);
    send(turn, ask.reprompt ?? ask.prompt);
    return;
  }
  if (isRechecking(turn)) {
    // No usable answer to the question asked again: what the first message said stands.
    s.retries = 0;
    const then = finishRecheck(turn);
    continueAfterRecheck(turn, null, then ?? route(turn, currentStep(turn), String(s.vars[ask.save])));
    return;
  }
  s.vars[ask.save] = null;
  const flow = flowOf(turn, s.flowId);
  if (flow.giveUp === 'handoff') return handoff(turn);
  s.retries = 0;
  goTo(turn, flow.giveUp);
}

/**
 * Continues after a reply: first any question of the first message that the reply contradicts
 * (asked again once, see flow-recheck.ts), then `then`.
 */
function continueAfterRecheck(turn: Turn, reply: Reply | null, then: RecheckThen): void {
  if (recheckContradicted(turn, reply, then, (stepId) => parseContext(turn, stepId))) return;
  const again = askedAgainStep(then);
  if (again === null) return goTo(turn, then as Target);
  // Back to the question the contradicting remark interrupted, without entering it anew.
  const s = session(turn);
  s.stepId = again;
  s.retries = 0;
  touch(turn);
  promptCurrent(turn);
}

/** Answers the current question; an invalid reply is re-prompted and counted toward the give-up limit. */
export function answerCurrent(turn: Turn, reply: Reply): void {
  const step = currentStep(turn);
  if (!step.ask) throw new FlowRuntimeError(`step "${session(turn).stepId}" does not wait for a reply`);
  const parsed = parseAnswer(step.ask, reply, parseContext(turn));
  noteSaid(turn, reply);
  if (parsed.kind === 'invalid') {
    // A remark that answers nothing here ("¡es toda la calle!") may still contradict the first message.
    const s = session(turn);
    if (!isRechecking(turn) && recheckContradicted(turn, reply, askAgain(s.stepId), (stepId) => parseContext(turn, stepId))) return;
    return fail(turn, reply, step.ask);
  }
  touch(turn);
  if (parsed.kind === 'ambiguous') {
    // Not a failure: the answer fits two sectors, so the resident picks one ("1 Barrio Alto 2 Alto Perú").
    session(turn).vars[SECTOR_CANDIDATES_VAR] = parsed.candidates.join('|');
    send(turn, ASK_WHICH_SECTOR_KEY, { first: parsed.candidates[0], second: parsed.candidates[1] });
    return;
  }
  const rechecking = isRechecking(turn);
  const next = applyAnswer(turn, step as Step & { ask: Ask }, parsed);
  // A question asked again goes on where the flow was going, not along its own exits.
  continueAfterRecheck(turn, parsed.kind === 'answer' ? reply : null, (rechecking ? finishRecheck(turn) : null) ?? next);
}

/** Tries the reply on the current question; false (and nothing changed) when it does not fit. */
export function tryAnswerCurrent(turn: Turn, reply: Reply): boolean {
  const step = currentStep(turn);
  if (!step.ask) return false;
  const parsed = parseAnswer(step.ask, reply, parseContext(turn));
  if (parsed.kind === 'invalid' || parsed.kind === 'ambiguous') return false;
  goTo(turn, applyAnswer(turn, step as Step & { ask: Ask }, parsed));
  return true;
}
