/**
 * The pure conversation engine: `(flows, session, input, ctx) → { session, events }`.
 * No I/O, no clock, no randomness: time is ctx.now, references come from ctx.newReference().
 * The session it returns is a fresh plain object that survives a JSON round-trip.
 *
 * @example
 *   const { session, events } = step(flows, null, { type: 'message', text: 'no hay agua' }, ctx);
 *   // events: [{ type: 'reply_queued', key: 'outage.ask_scope', params: {} }]
 */
import type { VarValue } from './answer-parsers';
import { readNumber } from './answer-parsers';
import type { EngineContext, EngineInput, Session, StepResult } from './engine-types';
import {
  answerCurrent,
  endSession,
  enterCurrent,
  goTo,
  makeReply,
  promptCurrent,
  tryAnswerCurrent,
} from './flow-runner';
import { detectKeyword, type DetectedKeyword } from './keyword-detector';
import { ENGINE_KEYS, MAIN_FLOW, type LoadedFlows } from './loaded-flows';
import { containsPhrase } from './phrase-matcher';
import type { Reply } from './answer-parsers';
import { newSession, send, touch, type Turn } from './turn';

const MAX_THANKS_WORDS = 4;

function result(turn: Turn): StepResult {
  return {
    session: turn.session ? (JSON.parse(JSON.stringify(turn.session)) as Session) : null,
    events: turn.events,
  };
}

function isExpired(session: Session, now: string): boolean {
  return Date.parse(session.expiresAt) < Date.parse(now);
}

/** True when the session points at a question that still exists in the loaded flows. */
function isResumable(flows: LoadedFlows, session: Session): boolean {
  return Boolean(flows.flows.get(session.flowId)?.steps[session.stepId]?.ask);
}

function isThanks(turn: Turn, reply: Reply): boolean {
  return (
    reply.words.length > 0 &&
    reply.words.length <= MAX_THANKS_WORDS &&
    turn.flows.vocabulary.thanks.some((p) => containsPhrase(reply.words, p))
  );
}

/** Fewer letters than this is not worth keeping as the resident's own words ("ok", "?"). */
const MIN_DESCRIPTION_LETTERS = 6;

/**
 * A message outside any conversation: a report in free words goes straight to its flow (or is
 * confirmed first when the classifier is less sure); anything else gets the menu. Either way the
 * resident's words are kept as `description`, so the ticket shows what they wrote.
 */
function startFresh(turn: Turn, reply: Reply): void {
  if (isThanks(turn, reply)) {
    send(turn, ENGINE_KEYS.welcome);
    return;
  }
  turn.session = newSession(turn, MAIN_FLOW, {});
  const isBareNumber = readNumber(reply.words, turn.flows.vocabulary) !== null;
  if (!isBareNumber && reply.words.length > 0 && tryAnswerCurrent(turn, reply)) return;
  const letters = (reply.text.match(/\p{L}/gu) ?? []).length;
  if (!isBareNumber && letters >= MIN_DESCRIPTION_LETTERS) turn.session.vars.description = reply.text.trim().replace(/\s+/g, ' ').slice(0, 500);
  enterCurrent(turn);
}

/**
 * A new resident's language is guessed from their first message ("mana yaku kanchu" → qu) and
 * every reply follows it, the privacy notice included; IDIOMA still changes it at any time.
 */
function detectLanguage(turn: Turn, text: string): void {
  if (!turn.ctx.resident.isFirstContact) return;
  const language = turn.flows.nlp.read(text).language;
  if (!language || language === turn.ctx.resident.language) return;
  turn.language = language;
  turn.events.push({ type: 'language_changed', language });
}

function openKeywordFlow(turn: Turn, flowId: string, argument: string | null): void {
  const previous = turn.session;
  if (previous && isResumable(turn.flows, previous)) {
    const resume = previous.flowId === flowId ? (previous.resume ?? null) : (previous.resume ?? { flowId: previous.flowId, stepId: previous.stepId });
    turn.session = { ...previous, vars: { ...previous.vars }, resume };
  } else {
    turn.session = newSession(turn, flowId, {});
  }
  if (argument === null || argument === '') {
    goTo(turn, `flow:${flowId}`);
    return;
  }
  goTo(turn, `flow:${flowId}`, { quiet: true });
  if (turn.session && isResumable(turn.flows, turn.session)) {
    answerCurrent(turn, makeReply(argument, null, 0, turn.flows.vocabulary));
  }
}

function handleKeyword(turn: Turn, detected: DetectedKeyword): void {
  const keyword = detected.keyword;
  switch (keyword.action) {
    case 'start':
      turn.events.push({ type: 'opted_in' });
      send(turn, ENGINE_KEYS.optedIn);
      if (turn.session) {
        touch(turn);
        promptCurrent(turn);
      }
      return;
    case 'menu':
      turn.session = newSession(turn, MAIN_FLOW, {}, turn.session?.language ?? turn.language);
      enterCurrent(turn);
      return;
    case 'help':
      send(turn, ENGINE_KEYS.help);
      if (turn.session) {
        touch(turn);
        promptCurrent(turn);
      }
      return;
    case 'cancel':
      send(turn, ENGINE_KEYS.cancelled);
      if (turn.session) endSession(turn, 'cancelled');
      return;
    case 'stop':
      return;
    case 'open_flow':
      openKeywordFlow(turn, keyword.flow, keyword.argument ? detected.argument : null);
      return;
  }
}

function handleMessage(turn: Turn, input: Extract<EngineInput, { type: 'message' }>): void {
  const vocabulary = turn.flows.vocabulary;
  const reply = makeReply(input.text ?? '', input.location ?? null, input.mediaCount ?? 0, vocabulary);
  const keyword = detectKeyword(input.text ?? '', reply.words, vocabulary);

  if (turn.ctx.resident.optedOut) {
    // Only ALTA/START re-subscribes; nothing else may be sent to an opted-out number.
    if (keyword?.keyword.action === 'start') {
      turn.session = null;
      turn.events.push({ type: 'opted_in' });
      send(turn, ENGINE_KEYS.optedIn);
    }
    return;
  }
  if (keyword?.keyword.action === 'stop') {
    turn.events.push({ type: 'opted_out' });
    send(turn, ENGINE_KEYS.optedOut);
    if (turn.session) endSession(turn, 'opted_out');
    return;
  }
  if (turn.ctx.resident.isFirstContact) {
    detectLanguage(turn, input.text ?? '');
    turn.events.push({ type: 'privacy_notice_shown' });
    send(turn, ENGINE_KEYS.privacyNotice);
  }
  if (keyword) return handleKeyword(turn, keyword);
  if (turn.session && isResumable(turn.flows, turn.session)) return answerCurrent(turn, reply);
  turn.session = null;
  startFresh(turn, reply);
}

/**
 * One turn of a resident's conversation. An expired session (or `{type:'expiry'}` from the host)
 * emits `session_expired`, tells the resident politely, and the message starts a new conversation.
 */
export function step(flows: LoadedFlows, session: Session | null, input: EngineInput, ctx: EngineContext): StepResult {
  const turn: Turn = {
    flows,
    ctx,
    events: [],
    session: session ? (JSON.parse(JSON.stringify(session)) as Session) : null,
  };
  if (turn.session && (input.type === 'expiry' || isExpired(turn.session, ctx.now))) {
    turn.session = null;
    turn.events.push({ type: 'session_expired' });
    if (!ctx.resident.optedOut) send(turn, ENGINE_KEYS.expired);
  }
  if (input.type === 'message') handleMessage(turn, input);
  return result(turn);
}

/**
 * Starts a flow the host initiates, e.g. `resolution_feedback` with `{ reference }` after an
 * operator resolves a ticket. Nothing is sent to an opted-out resident.
 */
export function startFlow(flows: LoadedFlows, flowId: string, vars: Record<string, VarValue>, ctx: EngineContext): StepResult {
  const turn: Turn = { flows, ctx, events: [], session: null };
  if (ctx.resident.optedOut) return result(turn);
  turn.session = newSession(turn, flowId, vars);
  enterCurrent(turn);
  return result(turn);
}
