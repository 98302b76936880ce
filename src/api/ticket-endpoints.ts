/**
 * `/tickets`: the operator's queue over HTTP. Everything goes through the ticket service, the
 * same path as the console and SMS commands, so access rules, the lifecycle and the message to
 * the resident are identical whichever door the operator uses.
 *
 * Another locality's ticket answers 404, as if it did not exist: an operator of one town learns
 * nothing about another town's complaints, not even that a given id is taken. Listing never
 * errors on a foreign locality filter; it returns only the caller's tickets (here: none).
 */
import { canAccessLocality } from '../auth/access-policy';
import { ForbiddenError, type AuthenticatedUser } from '../auth/auth-types';
import type { Repository, TicketFilter } from '../store/repository';
import type { Request } from 'express';
import { TicketChangedError } from '../tickets/ticket-errors';
import type { TicketActionInput, TicketService } from '../tickets/ticket-service-types';
import { ApiError } from './api-errors';
import { defineEndpoint, type Endpoint } from './api-endpoint';
import { idParamsSchema } from './common-schemas';
import { toTicketDetailJson, toTicketJson, toTimelineJson } from './ticket-json';
import {
  listTicketsQuerySchema,
  noteBodySchema,
  replyBodySchema,
  ticketDetailSchema,
  ticketPageSchema,
  ticketSchema,
  timelineSchema,
  transitionBodySchema,
  type TransitionBody,
} from './ticket-schemas';
import type { z } from 'zod';

export interface TicketEndpointDeps {
  repo: Repository;
  ticketService: TicketService;
}

const TAGS = ['tickets'];

/** List, read, transition, reply to and annotate tickets. */
export function ticketEndpoints(deps: TicketEndpointDeps): Endpoint[] {
  const { ticketService } = deps;

  /** The service says "forbidden" for another town's ticket; the API says "not found". */
  async function asNotFound<T>(ticketId: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof ForbiddenError) throw new ApiError('not_found', `ticket ${ticketId} not found`);
      throw error;
    }
  }

  /**
   * `If-Match: "<updated_at>"` (the ticket's version, as last read) makes the action conditional:
   * when someone changed the ticket since, 409 `ticket_changed` with the ticket as it is now and
   * what changed, and nothing is stored.
   */
  async function perform(req: Request, user: AuthenticatedUser, ticketId: string, action: TicketActionInput) {
    const expectedVersion = ifMatchVersion(req.get('if-match'));
    return asNotFound(ticketId, async () => {
      try {
        return toTicketJson(await ticketService.perform(user, ticketId, action, { expectedVersion }));
      } catch (error) {
        if (!(error instanceof TicketChangedError)) throw error;
        throw new ApiError('ticket_changed', 'the ticket changed since you read it: nothing was stored; review the changes and try again', {
          reason: 'ticket_changed',
          ticket: toTicketJson(error.ticket),
          changes: toTimelineJson(error.changes, []).items,
        });
      }
    });
  }

  return [
    defineEndpoint({
      method: 'get',
      path: '/tickets',
      operationId: 'listTickets',
      summary: 'List tickets of your localities',
      description:
        'Cursor-paginated: pass `next_cursor` back as `cursor` with the same filters and sort until it is null. ' +
        'Every ticket matching the filters appears exactly once across the pages.',
      tags: TAGS,
      request: { query: listTicketsQuerySchema },
      response: { status: 200, description: 'One page of tickets.', schema: ticketPageSchema },
      errors: [400],
      async handle({ query, user }) {
        const filter = await toTicketFilter(deps.repo, user, query);
        if (!filter) return { items: [], next_cursor: null };
        const page = await ticketService.listQueue(user, filter);
        return { items: page.items.map(toTicketJson), next_cursor: page.nextCursor };
      },
    }),
    defineEndpoint({
      method: 'get',
      path: '/tickets/:id',
      operationId: 'getTicket',
      summary: 'One ticket, with the resident’s masked phone and the actions allowed now',
      tags: TAGS,
      request: { params: idParamsSchema },
      response: { status: 200, description: 'The ticket.', schema: ticketDetailSchema },
      errors: [400, 404],
      async handle({ params, user, res }) {
        const view = await asNotFound(params.id, () => ticketService.getTicketView(user, params.id));
        // The version to send back as If-Match with an action (optimistic concurrency).
        res.set('ETag', `"${view.ticket.updatedAt}"`);
        return toTicketDetailJson(view);
      },
    }),
    defineEndpoint({
      method: 'get',
      path: '/tickets/:id/timeline',
      operationId: 'getTicketTimeline',
      summary: 'The ticket’s timeline and the conversation transcript',
      tags: TAGS,
      request: { params: idParamsSchema },
      response: { status: 200, description: 'Timeline entries and transcript lines, oldest first.', schema: timelineSchema },
      errors: [400, 404],
      async handle({ params, user }) {
        const view = await asNotFound(params.id, () => ticketService.getTicketView(user, params.id));
        return toTimelineJson(view.timeline, view.transcript);
      },
    }),
    defineEndpoint({
      method: 'post',
      path: '/tickets/:id/transitions',
      operationId: 'transitionTicket',
      summary: 'Acknowledge, start, resolve, close, reopen or assign a ticket',
      description:
        'A status change the resident should know about is sent to them by SMS/WhatsApp in their language. ' +
        'An action the current status does not allow answers 409 `invalid_transition` and changes nothing. ' +
        'Send `If-Match` with the ticket’s `updated_at` (its ETag) to act only on the version you read: if someone changed it ' +
        'since, 409 `ticket_changed` with the current ticket and the changes in `details`, and nothing is stored.',
      tags: TAGS,
      request: { params: idParamsSchema, body: transitionBodySchema },
      response: { status: 200, description: 'The updated ticket.', schema: ticketSchema },
      errors: [400, 404, 409],
      async handle({ params, body, user, req }) {
        return perform(req, user, params.id, toAction(body));
      },
    }),
    defineEndpoint({
      method: 'post',
      path: '/tickets/:id/replies',
      operationId: 'replyToTicket',
      summary: 'Send a reply to the resident (free text or a canned reply)',
      tags: TAGS,
      request: { params: idParamsSchema, body: replyBodySchema },
      response: { status: 201, description: 'The reply is queued; the updated ticket.', schema: ticketSchema },
      errors: [400, 404, 409],
      async handle({ params, body, user, req }) {
        return perform(req, user, params.id, { type: 'reply', text: body.text, cannedKey: body.canned_key, publish: body.public });
      },
    }),
    defineEndpoint({
      method: 'post',
      path: '/tickets/:id/notes',
      operationId: 'addTicketNote',
      summary: 'Add an internal note (never sent to the resident)',
      tags: TAGS,
      request: { params: idParamsSchema, body: noteBodySchema },
      response: { status: 201, description: 'The note is stored; the updated ticket.', schema: ticketSchema },
      errors: [400, 404, 409],
      async handle({ params, body, user, req }) {
        return perform(req, user, params.id, { type: 'add_note', text: body.text });
      },
    }),
  ];
}

/** `"2025-07-28T15:00:00.000Z"`, `W/"…"` or bare: the version; `*` or none: unconditional. */
function ifMatchVersion(header: string | undefined): string | undefined {
  const value = header?.trim().replace(/^W\//, '').replace(/^"(.*)"$/, '$1');
  return value && value !== '*' ? value : undefined;
}

function toAction(body: TransitionBody): TicketActionInput {
  switch (body.action) {
    case 'resolve':
      return { type: 'resolve', note: body.note };
    case 'reopen':
      return { type: 'reopen', reason: body.note };
    case 'assign':
      return { type: 'assign', assigneeId: body.assignee_id };
    default:
      return { type: body.action };
  }
}

/** Null when the filter cannot match anything the user may see (a foreign or unknown locality). */
async function toTicketFilter(
  repo: Repository,
  user: AuthenticatedUser,
  query: z.output<typeof listTicketsQuerySchema>,
): Promise<TicketFilter | null> {
  const filter: TicketFilter = { sort: query.sort, limit: query.limit, cursor: query.cursor ?? null };
  if (query.status) filter.statuses = query.status;
  if (query.category) filter.categories = query.category;
  if (query.sector) filter.sector = query.sector;
  if (query.created_from) filter.createdFrom = query.created_from;
  if (query.created_to) filter.createdTo = query.created_to;
  if (query.assignee) {
    filter.assigneeId = query.assignee === 'none' ? null : query.assignee === 'me' ? user.id : query.assignee;
  }
  if (query.locality) {
    const locality = (await repo.getLocality(query.locality)) ?? (await repo.findLocalityBySlug(query.locality));
    if (!locality || !canAccessLocality(user, locality.id)) return null;
    filter.localityIds = [locality.id];
  }
  return filter;
}
