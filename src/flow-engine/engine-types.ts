/**
 * The contract between the pure flow engine and its host (the conversation worker, the
 * transcript tests, `aguavoz chat`'s local mode). The engine is
 * `(flows, session, input, ctx) → { session, events }`: no I/O, no clock, no randomness;
 * time and ids come in through `ctx`. This is nyaruka/goflow's model: session in, events out.
 */
import type { Channel, Gender, Language } from '../domain/resident';
import type { Category, GeoPoint, Priority, TicketDetails } from '../domain/ticket';

/** What woke the engine up. */
export type EngineInput =
  | { type: 'message'; text: string; location?: GeoPoint | null; mediaCount?: number }
  /** The conversation sat idle past its expiry; the host sends this before the next message. */
  | { type: 'expiry' };

/** Conversation state, stored by the host between turns (Redis) and fully JSON-serializable. */
export interface Session {
  flowId: string;
  stepId: string;
  language: Language;
  /** Values captured so far, keyed by the flow's variable names. */
  vars: Record<string, string | number | boolean | null>;
  /** Invalid replies at the current step; reset when the step changes. */
  retries: number;
  startedAt: string;
  lastActivityAt: string;
  /** After this instant the host must feed `{type:'expiry'}` before the next message. */
  expiresAt: string;
  /**
   * Where to go back after a keyword interrupted a flow (IDIOMA, GENERO, ESTADO mid-report):
   * the interrupted step is asked again. Absent or null when nothing was interrupted.
   */
  resume?: { flowId: string; stepId: string } | null;
}

/** What the host knows about the resident and the town; read-only to the engine. */
export interface EngineContext {
  /** ISO-8601 UTC instant of this turn. */
  now: string;
  channel: Channel;
  resident: {
    language: Language;
    gender: Gender | null;
    /** True when the gender question was already asked (answered or declined). */
    genderAsked: boolean;
    /** True on the first message ever from this number: show the privacy notice. */
    isFirstContact: boolean;
    optedOut: boolean;
  };
  locality: { name: string; sectors: string[] };
  /** Idle time after which a conversation expires, in minutes (default 30). */
  sessionTimeoutMinutes: number;
  /** A fresh ticket reference (6 digits + check digit), allocated by the host. */
  newReference(): string;
}

/** Past-tense facts the host persists and acts on. */
export type EngineEvent =
  /** A message to send: a locale key and its parameters, rendered by the host per channel. */
  | { type: 'reply_queued'; key: string; params: Record<string, string | number> }
  | {
      type: 'ticket_opened';
      reference: string;
      category: Category;
      priority: Priority;
      details: TicketDetails;
      sector: string | null;
      location: GeoPoint | null;
      /** The flow gave up after repeated invalid replies: an operator must follow up. */
      needsOperator: boolean;
    }
  | { type: 'gender_recorded'; gender: Gender }
  /** Asked and skipped: we do not ask again, and store no gender. */
  | { type: 'gender_declined' }
  | { type: 'language_changed'; language: Language }
  | { type: 'privacy_notice_shown' }
  | { type: 'opted_out' }
  | { type: 'opted_in' }
  /** `ESTADO <ref>`: the host looks the ticket up and answers with its status. */
  | { type: 'status_requested'; reference: string }
  /** The resident answered the post-resolution question (issue 3). */
  | { type: 'resolution_feedback'; reference: string; solved: boolean | null; rating: number | null }
  /** AVISOS (issue 9): planned-cut notices for this sector from now on; null stops them. */
  | { type: 'notices_changed'; sector: string | null }
  | { type: 'session_expired' }
  | { type: 'session_ended'; reason: 'completed' | 'cancelled' | 'handed_to_operator' | 'opted_out' };

export interface StepResult {
  /** Null when the conversation ended (the next message starts from the main menu). */
  session: Session | null;
  events: EngineEvent[];
}
