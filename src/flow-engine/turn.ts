/**
 * The mutable scratchpad of one engine turn: the working session and the events emitted so
 * far. Nothing outside the turn is touched; `step` returns a copy of what it holds.
 */
import type { Language } from '../domain/resident';
import type { VarValue } from './answer-parsers';
import type { EngineContext, EngineEvent, Session } from './engine-types';
import type { Flow, Step } from './flow-schema';
import { BUILTIN_PARAMS, type LoadedFlows } from './loaded-flows';

export interface Turn {
  flows: LoadedFlows;
  ctx: EngineContext;
  events: EngineEvent[];
  session: Session | null;
  /** The language guessed from a new resident's first message, for the sessions this turn starts. */
  language?: Language;
}

export class FlowRuntimeError extends Error {
  readonly code = 'flow_runtime';
  constructor(message: string) {
    super(message);
    this.name = 'FlowRuntimeError';
  }
}

const MAX_SECTORS_LISTED = 8;
const MAX_SECTOR_LIST_CHARS = 90;

export function addMinutes(iso: string, minutes: number): string {
  return new Date(Date.parse(iso) + minutes * 60_000).toISOString();
}

export function flowOf(turn: Turn, flowId: string): Flow {
  const flow = turn.flows.flows.get(flowId);
  if (!flow) throw new FlowRuntimeError(`unknown flow "${flowId}"`);
  return flow;
}

export function stepOf(turn: Turn, flowId: string, stepId: string): Step {
  const step = flowOf(turn, flowId).steps[stepId];
  if (!step) throw new FlowRuntimeError(`unknown step "${flowId}/${stepId}"`);
  return step;
}

export function newSession(turn: Turn, flowId: string, vars: Record<string, VarValue>, language?: Language): Session {
  const flow = flowOf(turn, flowId);
  return {
    flowId,
    stepId: flow.start,
    language: language ?? turn.language ?? turn.ctx.resident.language,
    vars: { ...vars },
    retries: 0,
    startedAt: turn.ctx.now,
    lastActivityAt: turn.ctx.now,
    expiresAt: addMinutes(turn.ctx.now, flow.timeoutMinutes ?? turn.ctx.sessionTimeoutMinutes),
    resume: null,
  };
}

/** Every turn that keeps the session refreshes its expiry from ctx.now. */
export function touch(turn: Turn): void {
  const session = turn.session;
  if (!session) return;
  const flow = turn.flows.flows.get(session.flowId);
  session.lastActivityAt = turn.ctx.now;
  session.expiresAt = addMinutes(turn.ctx.now, flow?.timeoutMinutes ?? turn.ctx.sessionTimeoutMinutes);
}

/** The numbered sector list for prompts, or nothing when the town has too many to list in one SMS. */
export function sectorListing(sectors: readonly string[]): { text: string; count: number } {
  if (sectors.length === 0 || sectors.length > MAX_SECTORS_LISTED) return { text: '', count: 0 };
  const text = sectors.map((s, i) => `${i + 1} ${s}`).join(', ');
  return text.length > MAX_SECTOR_LIST_CHARS ? { text: '', count: 0 } : { text, count: sectors.length };
}

function builtin(turn: Turn, name: (typeof BUILTIN_PARAMS)[number]): string {
  switch (name) {
    case 'locality':
      return turn.ctx.locality.name;
    case 'channel':
      return turn.ctx.channel;
    case 'sectors':
      return sectorListing(turn.ctx.locality.sectors).text;
    case 'sectorsShown':
      return sectorListing(turn.ctx.locality.sectors).count > 0 ? 'yes' : 'no';
    case 'resuming':
      return turn.session?.resume ? 'yes' : 'no';
  }
}

function asParam(value: VarValue | undefined): string | number {
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return value;
}

/** Queues a reply with exactly the parameters its text uses (in any language). */
export function send(turn: Turn, key: string, extra: Record<string, VarValue> = {}): void {
  const names = turn.flows.messageArguments.get(key) ?? [];
  const vars = { ...(turn.session?.vars ?? {}), ...extra };
  const params: Record<string, string | number> = {};
  for (const name of names) {
    params[name] = (BUILTIN_PARAMS as readonly string[]).includes(name)
      ? builtin(turn, name as (typeof BUILTIN_PARAMS)[number])
      : asParam(vars[name]);
  }
  turn.events.push({ type: 'reply_queued', key, params });
}
