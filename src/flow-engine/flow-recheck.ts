/**
 * A later answer that contradicts the first message (issue 8 §5). Questions answered from the
 * first message (`prefillFrom`) are skipped; when a later reply of the same report says another
 * option of one of them, that question is asked once, explicitly ("Antes nos dijo: solo su casa.
 * ¿Es solo su casa o toda la calle? …", the step's `recheck` text), and its answer is taken:
 * - a question already skipped is asked right after the contradicting reply, and the flow then
 *   goes on where it was going;
 * - a question not reached yet is asked (instead of skipped) when the flow reaches it, and goes
 *   on along its own exits.
 * Each question is asked again at most once per report, so a conversation never loops on a
 * resident who keeps changing their mind.
 *
 * What counts as a contradiction (flows/README.md says the same for flow authors):
 * - only questions that were answered from the first message and declare `recheck` (choice and
 *   yes/no questions with `says` phrases);
 * - only the resident's own words in a later reply of the same flow (an answer, or a remark that
 *   answers nothing); a bare number or a skip says nothing about other questions;
 * - read with that question's own `says` phrases, the strict reading that answered it from the
 *   first message: a reply that names another option (and not two options equally) contradicts.
 *   Saying the same again, or adding a detail, is not a contradiction.
 *
 * State lives in the session's `_`-prefixed variables (never copied to a ticket), so it survives
 * the JSON round-trip between turns like everything else in the session.
 */
import { readNumber, prefillAnswer, type ParseContext, type Reply, type VarValue } from './answer-parsers';
import type { Target } from './flow-schema';
import { optionsKey } from './loaded-flows';
import { FlowRuntimeError, flowOf, send, touch, type Turn } from './turn';

/** `flow/step|flow/step`: questions answered from the first message, in the order they were filled. */
const PREFILLED_VAR = '_prefilled';
/** Questions already asked again: never a second time. */
const RECHECKED_VAR = '_rechecked';
/** Contradicted questions waiting for their turn (one reply may contradict two). */
const PENDING_VAR = '_recheck_pending';
/** The question being asked again right now. */
const RECHECKING_VAR = '_recheck';
/** Where the flow goes once it is answered: a target, or `ask:<step>` to ask that question again. */
const THEN_VAR = '_recheck_then';
/** The resident's own words in this flow's replies so far, for questions not reached yet. */
const SAID_VAR = '_said';
const SAID_FLOW_VAR = '_said_flow';
const MAX_SAID_CHARS = 500;
const ASK_AGAIN = 'ask:';

/** Where the flow continues after a re-asked question: a normal exit, or back to an unanswered question. */
export type RecheckThen = Target | `ask:${string}`;

export function askAgain(stepId: string): RecheckThen {
  return `${ASK_AGAIN}${stepId}`;
}

/** The step to ask again without entering it, when `then` says so. */
export function askedAgainStep(then: RecheckThen): string | null {
  return then.startsWith(ASK_AGAIN) ? then.slice(ASK_AGAIN.length) : null;
}

function list(value: VarValue | undefined): string[] {
  return typeof value === 'string' && value !== '' ? value.split('|') : [];
}

function vars(turn: Turn): Record<string, VarValue> {
  if (!turn.session) throw new FlowRuntimeError('a recheck without a session');
  return turn.session.vars;
}

function add(turn: Turn, name: string, key: string): void {
  const v = vars(turn);
  const items = list(v[name]);
  if (!items.includes(key)) v[name] = [...items, key].join('|');
}

function position(turn: Turn): string {
  const s = turn.session!;
  return optionsKey(s.flowId, s.stepId);
}

/** Records that the current question was answered from the first message. */
export function notePrefilled(turn: Turn): void {
  add(turn, PREFILLED_VAR, position(turn));
}

/** True while the current question is being asked again. */
export function isRechecking(turn: Turn): boolean {
  return turn.session !== null && vars(turn)[RECHECKING_VAR] === position(turn);
}

/** The text that asks the current question again, or null when it is asked normally. */
export function recheckPrompt(turn: Turn): string | null {
  if (!isRechecking(turn)) return null;
  const s = turn.session!;
  const ask = flowOf(turn, s.flowId).steps[s.stepId]?.ask;
  return ask && (ask.expect === 'choice' || ask.expect === 'yes_no') ? (ask.recheck ?? null) : null;
}

/**
 * Ends the re-asking of the current question; returns where the flow was going, or null when the
 * question was asked where it stands (it follows its own exits).
 */
export function finishRecheck(turn: Turn): RecheckThen | null {
  const v = vars(turn);
  const then = typeof v[THEN_VAR] === 'string' ? (v[THEN_VAR] as RecheckThen) : null;
  delete v[RECHECKING_VAR];
  delete v[THEN_VAR];
  return then;
}

/** True when the current question was asked again already: its answer stands, it is not asked a third time. */
export function wasRechecked(turn: Turn): boolean {
  return list(vars(turn)[RECHECKED_VAR]).includes(position(turn));
}

/** A bare number ("2") or an empty reply says nothing about other questions. */
function saysSomething(turn: Turn, reply: Reply): boolean {
  return reply.words.length > 0 && readNumber(reply.words, turn.flows.vocabulary) === null;
}

/** Keeps the resident's words of a reply in this flow, for the questions it has not reached yet. */
export function noteSaid(turn: Turn, reply: Reply): void {
  if (!saysSomething(turn, reply)) return;
  const v = vars(turn);
  const flowId = turn.session!.flowId;
  const before = v[SAID_FLOW_VAR] === flowId && typeof v[SAID_VAR] === 'string' ? `${v[SAID_VAR]} | ` : '';
  v[SAID_FLOW_VAR] = flowId;
  v[SAID_VAR] = `${before}${reply.text.trim()}`.slice(-MAX_SAID_CHARS);
}

/** What `text` says for the question `stepId` of the current flow by its `says` phrases, or undefined. */
function reading(turn: Turn, stepId: string, text: string, words: Reply['words'], contextFor: (stepId: string) => ParseContext): VarValue | undefined {
  const key = optionsKey(turn.session!.flowId, stepId);
  const ask = flowOf(turn, turn.session!.flowId).steps[stepId]?.ask;
  if (!ask || (ask.expect !== 'choice' && ask.expect !== 'yes_no') || !ask.recheck) return undefined;
  const says = turn.flows.says.get(key);
  return says ? prefillAnswer(ask, text, words, says, contextFor(stepId)) : undefined;
}

/**
 * The current question was just answered from the first message (`value`): true, and it is asked
 * now with its recheck text instead of skipped, when what the resident wrote since in this flow
 * says another option.
 */
export function contradictedOnEntry(turn: Turn, value: VarValue, words: (text: string) => Reply['words'], contextFor: (stepId: string) => ParseContext): boolean {
  const s = turn.session!;
  const said = s.vars[SAID_FLOW_VAR] === s.flowId ? s.vars[SAID_VAR] : null;
  if (typeof said !== 'string' || said === '' || wasRechecked(turn)) return false;
  const later = reading(turn, s.stepId, said, words(said), contextFor);
  if (later === undefined || later === value) return false;
  const ask = flowOf(turn, s.flowId).steps[s.stepId]!.ask!;
  // The text shows what the first message said ("Antes nos dijo: solo su casa").
  s.vars[ask.save] = value;
  add(turn, RECHECKED_VAR, position(turn));
  s.vars[RECHECKING_VAR] = position(turn);
  return true;
}

/** Prefilled questions of the current flow that `reply` contradicts, in the order they were filled. */
function contradicted(turn: Turn, reply: Reply, contextFor: (stepId: string) => ParseContext): string[] {
  if (!saysSomething(turn, reply)) return [];
  const s = turn.session!;
  const flow = flowOf(turn, s.flowId);
  const settled = new Set([...list(s.vars[RECHECKED_VAR]), ...list(s.vars[PENDING_VAR])]);
  const found: string[] = [];
  for (const key of list(s.vars[PREFILLED_VAR])) {
    const [flowId, stepId] = key.split('/') as [string, string];
    if (flowId !== s.flowId || stepId === s.stepId || settled.has(key)) continue;
    const ask = flow.steps[stepId]?.ask;
    const value = reading(turn, stepId, reply.text, reply.words, contextFor);
    if (ask && value !== undefined && value !== s.vars[ask.save]) found.push(key);
  }
  return found;
}

/**
 * Called after a reply at the current question, with where the flow would go next. When the reply
 * (or an earlier one still waiting) contradicts a question answered from the first message, that
 * question is asked again now and true is returned; `then` is kept for when it is answered.
 * Nothing is re-asked from inside another flow (IDIOMA mid-report): the report's own questions
 * wait until the resident is back in it.
 */
export function recheckContradicted(turn: Turn, reply: Reply | null, then: RecheckThen, contextFor: (stepId: string) => ParseContext): boolean {
  const s = turn.session;
  if (!s) return false;
  if (reply) for (const key of contradicted(turn, reply, contextFor)) add(turn, PENDING_VAR, key);
  const pending = list(s.vars[PENDING_VAR]);
  const next = pending.find((key) => key.startsWith(`${s.flowId}/`));
  if (!next) return false;
  const rest = pending.filter((key) => key !== next);
  if (rest.length > 0) s.vars[PENDING_VAR] = rest.join('|');
  else delete s.vars[PENDING_VAR];
  add(turn, RECHECKED_VAR, next);
  s.vars[RECHECKING_VAR] = next;
  s.vars[THEN_VAR] = then;
  s.stepId = next.split('/')[1]!;
  s.retries = 0;
  touch(turn);
  const prompt = recheckPrompt(turn);
  if (!prompt) throw new FlowRuntimeError(`step "${next}" has no recheck text`);
  send(turn, prompt);
  return true;
}
