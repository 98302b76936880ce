/**
 * What an operator (console, REST API, SMS command) or a resident can do to a ticket. The zod
 * schema is the single source: the REST API validates request bodies with it and generates its
 * OpenAPI document from it, and the types below are inferred from it.
 */
import { z } from 'zod';

/** Actions an operator takes (console, REST API, SMS commands). */
export const OPERATOR_ACTIONS = ['acknowledge', 'assign', 'reply', 'add_note', 'start', 'resolve', 'close', 'reopen'] as const;
export type OperatorActionType = (typeof OPERATOR_ACTIONS)[number];

/** Every action: the operators' and `record_feedback`, which only comes from the resident's answers. */
export const TICKET_ACTION_TYPES = [...OPERATOR_ACTIONS, 'record_feedback'] as const;
export type TicketActionType = (typeof TICKET_ACTION_TYPES)[number];

const text = z.string().trim().min(1).max(1600);

/**
 * @example { "type": "resolve", "note": "Se cambió la válvula del reservorio" }
 * @example { "type": "record_feedback", "solved": false, "rating": 2 }
 */
export const ticketActionSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('acknowledge') }),
  /** `assigneeId: null` unassigns. */
  z.object({ type: z.literal('assign'), assigneeId: z.string().min(1).nullable() }),
  /**
   * A public reply: it is sent to the resident in their channel. `publish: true` also makes its
   * text the request's public `status_notes` in Open311 (the operator decides, reply by reply).
   */
  z.object({ type: z.literal('reply'), text, publish: z.boolean().optional() }),
  /** Internal: the resident never sees it. */
  z.object({ type: z.literal('add_note'), text }),
  z.object({ type: z.literal('start') }),
  z.object({ type: z.literal('resolve'), note: text }),
  z.object({ type: z.literal('close') }),
  z.object({ type: z.literal('reopen'), reason: text.nullable().optional() }),
  /** The resident's answers after resolution; `solved: false` also reopens the ticket. */
  z.object({
    type: z.literal('record_feedback'),
    solved: z.boolean().nullable().optional(),
    rating: z.number().int().min(1).max(5).nullable().optional(),
  }),
]);
export type TicketAction = z.infer<typeof ticketActionSchema>;

/** What every action needs from its caller: time and ids are passed in, never read here. */
export interface TicketActionContext {
  /** ISO-8601 instant of the action. */
  now: string;
  /** `resident`, `system`, or the operator's user id. */
  actor: string;
  newId: () => string;
}
