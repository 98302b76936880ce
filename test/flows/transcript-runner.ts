/**
 * Runs a conversation transcript (test/flows/transcripts/*.yaml) through the real engine,
 * flows and locales, the way the host does: the session is saved to JSON and reloaded between
 * turns, replies are rendered in the resident's current language and adapted for the channel,
 * and the resident's stored facts (language, gender asked, opted out) follow the events.
 */
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { makeReference } from '../../src/domain/reference';
import { LANGUAGES, type Language } from '../../src/domain/resident';
import { startFlow, step } from '../../src/flow-engine/engine';
import type { EngineContext, EngineEvent, Session, StepResult } from '../../src/flow-engine/engine-types';
import type { LoadedFlows } from '../../src/flow-engine/loaded-flows';
import { adaptForChannel } from '../../src/i18n/channel-text';
import { measureSms } from '../../src/i18n/sms-segments';
import type { Translator } from '../../src/i18n/translator';

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const eventMatcher = z.union([z.string(), z.record(z.string(), z.unknown())]);

const expectations = {
  /** Every reply of the turn, in order: a substring of the rendered text, or `/regex/flags`. */
  replies: z.array(z.string()).optional(),
  /** Every non-reply event of the turn, in order: a type, or an object matched partially. */
  events: z.array(eventMatcher).optional(),
  /** `active` (a question waits) or `ended`; `at: flow/step` pins the question. */
  session: z.enum(['active', 'ended']).optional(),
  at: z.string().optional(),
};

const turnSchema = z.strictObject({
  say: z.string().optional(),
  location: z.strictObject({ lat: z.number(), lng: z.number(), label: z.string().nullable().optional() }).optional(),
  media: z.number().int().optional(),
  /** Minutes since the previous turn (default 1). */
  after: z.number().optional(),
  /** Send `{type:'expiry'}` instead of a message (the host's timer). */
  expiry: z.boolean().optional(),
  /** The host starts a flow (e.g. resolution_feedback) instead of the resident writing. */
  start: z.strictObject({ flow: z.string(), vars: z.record(z.string(), scalar).default({}) }).optional(),
  ...expectations,
});

export const transcriptSchema = z.strictObject({
  name: z.string(),
  channel: z.enum(['sms', 'whatsapp']).default('sms'),
  resident: z
    .strictObject({
      language: z.enum(LANGUAGES).default('es'),
      genderAsked: z.boolean().default(false),
      isFirstContact: z.boolean().default(false),
      optedOut: z.boolean().default(false),
    })
    .default({ language: 'es', genderAsked: false, isFirstContact: false, optedOut: false }),
  locality: z
    .strictObject({ name: z.string(), sectors: z.array(z.string()) })
    .default({ name: 'San Martín', sectors: ['Centro', 'Bellavista', 'Las Flores', 'Alto Perú'] }),
  now: z.string().default('2025-03-03T14:00:00.000Z'),
  sessionTimeoutMinutes: z.number().default(30),
  turns: z.array(turnSchema).min(1),
});
export type Transcript = z.infer<typeof transcriptSchema>;
export type TranscriptTurn = Transcript['turns'][number];

export interface TurnOutcome {
  turn: TranscriptTurn;
  replies: string[];
  replyKeys: string[];
  events: EngineEvent[];
  session: Session | null;
}

export function readTranscript(file: string): Transcript {
  return transcriptSchema.parse(parseYaml(readFileSync(file, 'utf8')));
}

/** `/abc/i` → RegExp; anything else is a substring. */
export function textMatches(text: string, expected: string): boolean {
  const regex = /^\/(.*)\/([a-z]*)$/s.exec(expected);
  return regex ? new RegExp(regex[1]!, regex[2]).test(text) : text.includes(expected);
}

export function eventMatches(event: EngineEvent, expected: string | Record<string, unknown>): boolean {
  if (typeof expected === 'string') return event.type === expected;
  return Object.entries(expected).every(([k, v]) => isDeepStrictEqual((event as unknown as Record<string, unknown>)[k], v));
}

/** References the host would allocate: valid Damm codes from a counter, e.g. 4820176, 4820183. */
export function referenceSequence(): () => string {
  let next = 482017;
  return () => makeReference(String(next++));
}

export function runTranscript(transcript: Transcript, deps: { flows: LoadedFlows; translator: Translator }): TurnOutcome[] {
  const resident = { ...transcript.resident, gender: null };
  const newReference = referenceSequence();
  let now = Date.parse(transcript.now);
  let stored: string | null = null;
  const outcomes: TurnOutcome[] = [];
  for (const turn of transcript.turns) {
    now += (turn.after ?? 1) * 60_000;
    const ctx: EngineContext = {
      now: new Date(now).toISOString(),
      channel: transcript.channel,
      resident: { ...resident },
      locality: transcript.locality,
      sessionTimeoutMinutes: transcript.sessionTimeoutMinutes,
      newReference,
    };
    const session = stored === null ? null : (JSON.parse(stored) as Session);
    let result: StepResult;
    if (turn.start) result = startFlow(deps.flows, turn.start.flow, turn.start.vars, ctx);
    else if (turn.expiry) result = step(deps.flows, session, { type: 'expiry' }, ctx);
    else {
      result = step(
        deps.flows,
        session,
        { type: 'message', text: turn.say ?? '', location: turn.location ?? null, mediaCount: turn.media ?? 0 },
        ctx,
      );
    }
    stored = result.session === null ? null : JSON.stringify(result.session);
    const replies: string[] = [];
    const replyKeys: string[] = [];
    let language: Language = resident.language;
    for (const event of result.events) {
      if (event.type === 'reply_queued') {
        replies.push(adaptForChannel(deps.translator.render(event.key, language, event.params), transcript.channel));
        replyKeys.push(event.key);
      }
      if (event.type === 'language_changed') language = event.language;
      if (event.type === 'gender_recorded' || event.type === 'gender_declined') resident.genderAsked = true;
      if (event.type === 'privacy_notice_shown') resident.isFirstContact = false;
      if (event.type === 'opted_out') resident.optedOut = true;
      if (event.type === 'opted_in') resident.optedOut = false;
    }
    resident.language = language;
    outcomes.push({ turn, replies, replyKeys, events: result.events, session: result.session });
  }
  return outcomes;
}

/** Human-readable problems of one turn; empty when it matches its expectations. */
export function checkTurn(outcome: TurnOutcome, index: number, channel: Transcript['channel']): string[] {
  const { turn, replies, events, session } = outcome;
  const label = `turn ${index + 1} (${turn.say !== undefined ? JSON.stringify(turn.say) : turn.start ? `start ${turn.start.flow}` : 'expiry'})`;
  const problems: string[] = [];
  const shown = `\n      got replies: ${JSON.stringify(replies)}\n      got events: ${JSON.stringify(events.filter((e) => e.type !== 'reply_queued'))}`;
  if (turn.replies) {
    if (turn.replies.length !== replies.length) problems.push(`${label}: expected ${turn.replies.length} replies, got ${replies.length}${shown}`);
    turn.replies.forEach((expected, i) => {
      const got = replies[i];
      if (got !== undefined && !textMatches(got, expected)) problems.push(`${label}: reply ${i + 1} should match ${JSON.stringify(expected)}${shown}`);
    });
  }
  if (turn.events) {
    const facts = events.filter((e) => e.type !== 'reply_queued');
    if (facts.length !== turn.events.length) problems.push(`${label}: expected ${turn.events.length} events, got ${facts.length}${shown}`);
    turn.events.forEach((expected, i) => {
      const got = facts[i];
      if (got && !eventMatches(got, expected)) problems.push(`${label}: event ${i + 1} should match ${JSON.stringify(expected)}${shown}`);
    });
  }
  if (turn.session === 'ended' && session !== null) problems.push(`${label}: session should have ended, is at ${session.flowId}/${session.stepId}`);
  if (turn.session === 'active' && session === null) problems.push(`${label}: session should be active, ended`);
  if (turn.at && (session === null || `${session.flowId}/${session.stepId}` !== turn.at)) {
    problems.push(`${label}: session should wait at ${turn.at}, is at ${session ? `${session.flowId}/${session.stepId}` : 'nothing'}`);
  }
  if (channel === 'sms') {
    for (const reply of replies) if (measureSms(reply).segments > 2) problems.push(`${label}: reply over 2 SMS segments: ${reply}`);
  }
  return problems;
}
