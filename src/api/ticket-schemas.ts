/**
 * The ticket resources of the REST API, in snake_case JSON. A ticket never carries the
 * resident's phone number (only a masked form, on the detail view) nor the reporter's gender:
 * gender is reported in aggregate only (`GET /metrics/response-times?group_by=gender`).
 */
import { z } from 'zod';
import { LANGUAGES } from '../domain/resident';
import { CATEGORIES, TICKET_CHANNELS, PRIORITIES, TICKET_STATUSES, TIMELINE_TYPES } from '../domain/ticket';
import { OUTBOX_STATUSES } from '../domain/message';
import { isoInstant, multiValue, nullableInstant, queryInstant, singleString } from './common-schemas';

/** Operator actions the API offers (the console's buttons, the same names). */
export const API_TICKET_ACTIONS = ['acknowledge', 'assign', 'reply', 'add_note', 'start', 'resolve', 'close', 'reopen'] as const;

export const ticketSchema = z
  .object({
    id: z.string(),
    reference: z.string().meta({ example: '4821937', description: 'What the resident types: 6 digits and a check digit.' }),
    locality_id: z.string(),
    resident_id: z.string(),
    category: z.enum(CATEGORIES),
    priority: z.enum(PRIORITIES),
    status: z.enum(TICKET_STATUSES),
    channel: z.enum(TICKET_CHANNELS),
    language: z.enum(LANGUAGES),
    sector: z.string().nullable(),
    location: z.object({ lat: z.number(), lng: z.number(), label: z.string().nullable().optional() }).nullable(),
    details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
    needs_operator: z.boolean(),
    assignee_id: z.string().nullable(),
    created_at: isoInstant,
    updated_at: isoInstant,
    first_response_at: nullableInstant,
    acknowledged_at: nullableInstant,
    resolved_at: nullableInstant,
    closed_at: nullableInstant,
    reopen_count: z.number().int().min(0),
    first_response_due_at: nullableInstant,
    resolution_due_at: nullableInstant,
    sla_breached_at: nullableInstant,
    resolution_note: z.string().nullable(),
    resident_confirmed_solved: z.boolean().nullable(),
    resident_rating: z.number().int().min(1).max(5).nullable(),
  })
  .meta({ id: 'Ticket', description: 'A complaint, without the resident phone number or gender.' });

export const ticketDetailSchema = ticketSchema
  .extend({
    locality_name: z.string(),
    resident: z.object({
      masked_phone: z.string().meta({ example: '•••••••4321' }),
      language: z.enum(LANGUAGES),
      channel: z.enum(TICKET_CHANNELS),
      opted_out: z.boolean(),
    }),
    allowed_actions: z.array(z.enum(API_TICKET_ACTIONS)),
  })
  .meta({ id: 'TicketDetail' });

export const ticketPageSchema = z
  .object({
    items: z.array(ticketSchema),
    next_cursor: z.string().nullable().meta({ description: 'Pass as `cursor` for the next page; null on the last page.' }),
  })
  .meta({ id: 'TicketPage' });

export const timelineEntrySchema = z
  .object({
    id: z.string(),
    at: isoInstant,
    type: z.enum(TIMELINE_TYPES),
    actor: z.string().meta({ description: '`resident`, `system`, or an operator user id.' }),
    text: z.string().nullable(),
    is_public: z.boolean().meta({ description: 'Public entries reached the resident; internal notes did not.' }),
    is_published: z.boolean().meta({ description: 'A reply the operator published as Open311 `status_notes`.' }),
    data: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'TimelineEntry' });

export const transcriptLineSchema = z
  .object({
    direction: z.enum(['in', 'out']),
    at: isoInstant,
    body: z.string(),
    status: z.enum(OUTBOX_STATUSES).nullable(),
  })
  .meta({ id: 'TranscriptLine' });

export const timelineSchema = z
  .object({ items: z.array(timelineEntrySchema), transcript: z.array(transcriptLineSchema) })
  .meta({ id: 'TicketTimeline' });

export const TICKET_SORTS = ['due', 'created', 'created_asc'] as const;

export const listTicketsQuerySchema = z.object({
  status: multiValue(z.enum(TICKET_STATUSES)).meta({ description: 'Repeat or comma-separate: `status=open,acknowledged`.' }),
  category: multiValue(z.enum(CATEGORIES)).meta({ description: 'Repeat or comma-separate.' }),
  sector: singleString.optional(),
  assignee: singleString
    .optional()
    .meta({ description: 'A user id, `me`, or `none` for unassigned tickets.' }),
  locality: singleString
    .optional()
    .meta({ description: 'Locality id or slug; a locality you do not work in gives an empty list.' }),
  created_from: queryInstant.optional().meta({ description: 'Created at or after this instant.' }),
  created_to: queryInstant.optional().meta({ description: 'Created before this instant (exclusive).' }),
  sort: z
    .enum(TICKET_SORTS)
    .default('created')
    .meta({ description: '`due`: earliest SLA deadline first; `created`: newest first; `created_asc`: oldest first.' }),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().min(1).max(1000).optional(),
});

const note = z.string().trim().min(1).max(1600);

/** @example { "action": "resolve", "note": "Se cambió la válvula del reservorio" } */
export const transitionBodySchema = z
  .discriminatedUnion('action', [
    z.object({ action: z.literal('acknowledge') }),
    z.object({ action: z.literal('start') }),
    z.object({ action: z.literal('resolve'), note: note.meta({ description: 'Resolution note, sent to the resident.' }) }),
    z.object({ action: z.literal('close') }),
    z.object({ action: z.literal('reopen'), note: note.optional().meta({ description: 'Why it was reopened.' }) }),
    z.object({
      action: z.literal('assign'),
      assignee_id: z.string().min(1).nullable().meta({ description: 'A user id, or null to unassign.' }),
    }),
  ])
  .meta({ id: 'TransitionRequest' });
export type TransitionBody = z.infer<typeof transitionBodySchema>;

/** Exactly one of `text` (sent as written) or `canned_key` (a canned reply from locales/). */
export const replyBodySchema = z
  .object({
    text: note.optional(),
    canned_key: z
      .string()
      .regex(/^[a-z0-9_.-]{1,100}$/)
      .optional()
      .meta({ description: 'Key of a canned reply in locales/, rendered in the resident’s language.' }),
    public: z
      .boolean()
      .optional()
      .meta({ description: 'Also publish the reply as the request’s `status_notes` in Open311 (never the resident’s data).' }),
  })
  .refine((body) => (body.text === undefined) !== (body.canned_key === undefined), {
    message: 'send exactly one of text or canned_key',
  })
  .meta({ id: 'ReplyRequest' });

export const noteBodySchema = z.object({ text: note }).meta({ id: 'NoteRequest' });
