/**
 * The imperative `do:` actions of a step (open_ticket, record_gender, ...), each turning the
 * captured variables into past-tense events for the host.
 */
import { GENDERS, LANGUAGES, type Gender, type Language } from '../domain/resident';
import { PRIORITIES, type GeoPoint, type Priority, type TicketDetails } from '../domain/ticket';
import type { VarValue } from './answer-parsers';
import { evaluateCondition } from './conditions';
import type { Action } from './flow-schema';
import { FlowRuntimeError, send, type Turn } from './turn';

type OpenTicket = Extract<Action, { open_ticket: unknown }>['open_ticket'];

/** Genders that are recorded; anything else (4 "prefer not to say", a skip) is a decline. */
const RECORDED_GENDERS: readonly Gender[] = GENDERS.filter((g) => g !== 'undisclosed');

function vars(turn: Turn): Record<string, VarValue> {
  if (!turn.session) throw new FlowRuntimeError('an action ran without a session');
  return turn.session.vars;
}

export function locationOf(v: Record<string, VarValue>): GeoPoint | null {
  const lat = v.location_lat;
  const lng = v.location_lng;
  if (typeof lat !== 'number' || typeof lng !== 'number') return null;
  const label = v.location_label;
  return { lat, lng, label: typeof label === 'string' ? label : null };
}

function raise(current: Priority, candidate: Priority): Priority {
  return PRIORITIES.indexOf(candidate) > PRIORITIES.indexOf(current) ? candidate : current;
}

function openTicket(turn: Turn, spec: OpenTicket): void {
  const v = vars(turn);
  let priority = spec.priority;
  for (const rule of spec.escalate) {
    if (evaluateCondition(rule.when, v, turn.ctx)) priority = raise(priority, rule.priority);
  }
  const details: TicketDetails = {};
  for (const name of spec.details) details[name] = v[name] ?? null;
  const reference = turn.ctx.newReference();
  v.reference = reference;
  turn.events.push({
    type: 'ticket_opened',
    reference,
    category: spec.category,
    priority,
    details,
    sector: typeof v.sector === 'string' ? v.sector : null,
    location: locationOf(v),
    needsOperator: false,
  });
}

function recordGender(turn: Turn, name: string): void {
  const v = vars(turn);
  const value = v[name];
  if (typeof value === 'string' && (RECORDED_GENDERS as readonly string[]).includes(value)) {
    turn.events.push({ type: 'gender_recorded', gender: value as Gender });
    v.gender_outcome = 'recorded';
  } else {
    turn.events.push({ type: 'gender_declined' });
    v.gender_outcome = 'declined';
  }
}

export function changeLanguage(turn: Turn, language: Language): void {
  if (!turn.session) throw new FlowRuntimeError('set_language ran without a session');
  turn.session.language = language;
  turn.events.push({ type: 'language_changed', language });
}

export function runAction(turn: Turn, action: Action): void {
  if ('send' in action) return send(turn, action.send);
  if ('open_ticket' in action) return openTicket(turn, action.open_ticket);
  if ('record_gender' in action) return recordGender(turn, action.record_gender.var);
  if ('set_language' in action) {
    const value = vars(turn)[action.set_language.var];
    if (typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value)) changeLanguage(turn, value as Language);
    return;
  }
  if ('request_status' in action) {
    const value = vars(turn)[action.request_status.var];
    if (typeof value === 'string' && value !== '') turn.events.push({ type: 'status_requested', reference: value });
    return;
  }
  if ('set_notices' in action) {
    const sector = vars(turn)[action.set_notices.sector];
    turn.events.push({ type: 'notices_changed', sector: typeof sector === 'string' && sector !== '' ? sector : null });
    return;
  }
  const v = vars(turn);
  const spec = action.record_feedback;
  const solved = v[spec.solved];
  const rating = v[spec.rating];
  turn.events.push({
    type: 'resolution_feedback',
    reference: String(v[spec.reference] ?? ''),
    solved: typeof solved === 'boolean' ? solved : null,
    rating: typeof rating === 'number' ? rating : null,
  });
}
