/**
 * Operator commands by SMS, for operators in the field with a basic phone: list my open
 * tickets, show one, reply to the resident, acknowledge, resolve with a note, help. Every action
 * goes through the ticket service, so access rules (only my localities), the lifecycle and the
 * message to the resident (in the resident's language) are exactly the console's.
 *
 * The answer is ready outbox rows addressed to the operator's phone (`userId` set, `residentId`
 * null, kind `operator_command`), plus the same texts in `replies` for logs and tests. Each
 * answer fits one SMS segment: lists show a few tickets per page, free text is shortened.
 *
 * @example
 *   const commands = createOperatorCommandHandler({ repo, ticketService, translator, now, newId, logger });
 *   const { outbox } = await commands.handle({ user, text: 'OK 4820176', channel: 'sms', locality, toPhone });
 *   await repo.commit({ outbox }); await dispatcher.enqueue(outbox.map((row) => row.id));
 */
import { ForbiddenError, type AuthenticatedUser } from '../auth/auth-types';
import type { Locality } from '../domain/locality';
import type { OutboxMessage } from '../domain/message';
import type { Channel, Language } from '../domain/resident';
import type { Ticket, TicketStatus, TimelineType } from '../domain/ticket';
import type { User } from '../domain/user';
import type { Translator } from '../i18n/translator';
import { newOutboxMessage } from '../messaging/outbound/outbox-message-factory';
import type { Logger } from '../shared/logger';
import { NotFoundError, type Repository } from '../store/repository';
import { TicketActionError, TicketChangedError, TicketTransitionError } from '../tickets/ticket-errors';
import type { TicketActionInput, TicketService } from '../tickets/ticket-service-types';
import { parseOperatorCommand, type ListOrder, type OperatorCommand } from './operator-command-parser';
import { renderTicketList, renderTicketShow } from './operator-list-view';

export const OPERATOR_COMMAND_KIND = 'operator_command';

/** Statuses that still need work from the operator (resolved ones wait for the resident). */
export const WORKING_STATUSES: readonly TicketStatus[] = ['open', 'acknowledged', 'in_progress'];

export interface OperatorCommandDeps {
  repo: Pick<Repository, 'listTimeline' | 'countTicketsByStatus'>;
  ticketService: Pick<TicketService, 'listQueue' | 'findTicket' | 'perform'>;
  translator: Pick<Translator, 'render'>;
  now: () => string;
  newId: () => string;
  logger: Logger;
  /** Tickets per `LISTA` page (default 3, what fits one segment with long sector names). */
  listPageSize?: number;
}

export interface OperatorCommandInput {
  user: AuthenticatedUser;
  text: string;
  channel: Channel;
  /** The locality whose number the operator wrote to (null when no locality answers it). */
  locality: Pick<Locality, 'id' | 'phoneNumbers'> | null;
  /** The town number the message arrived on: the answer is sent from it. */
  toPhone?: string | null;
}

export interface OperatorCommandResult {
  command: OperatorCommand['type'];
  /** The answer texts as rendered (before channel adaptation). */
  replies: string[];
  /** Ready rows to the operator's phone; empty when the user has no phone. */
  outbox: OutboxMessage[];
}

export interface OperatorCommandHandler {
  handle(input: OperatorCommandInput): Promise<OperatorCommandResult>;
}

/**
 * The registered user (any role) texting from `phone`, or null. A number that belongs to a user
 * gets operator commands; every other number (residents, committee members, who have no user
 * account) gets the resident conversation.
 */
export async function isOperatorSender(repo: Pick<Repository, 'findUserByPhone'>, phone: string): Promise<User | null> {
  return repo.findUserByPhone(phone);
}

type Say = (key: string, params?: Record<string, string | number>) => string;

const PRIORITY_RANK: Record<Ticket['priority'], number> = { urgent: 0, high: 1, normal: 2 };
/** Ranking loads every working ticket; beyond this many, the rest follow by deadline only. */
const MAX_RANKED_TICKETS = 1000;

export function createOperatorCommandHandler(deps: OperatorCommandDeps): OperatorCommandHandler {
  const pageSize = deps.listPageSize ?? 3;

  /** Did the resident get the message this action produced? The ticket service records it on the entry. */
  async function residentNotified(ticketId: string, type: TimelineType, userId: string): Promise<boolean> {
    const entries = await deps.repo.listTimeline(ticketId);
    const last = entries.filter((entry) => entry.type === type && entry.actor === userId).pop();
    return last?.data.residentNotified !== false;
  }

  async function perform(
    user: AuthenticatedUser,
    reference: string,
    action: TicketActionInput,
    say: Say,
    answers: { done: string; notSent?: string; entry?: TimelineType },
  ): Promise<string> {
    try {
      const ticket = await deps.ticketService.perform(user, reference, action);
      if (answers.entry && answers.notSent && !(await residentNotified(ticket.id, answers.entry, user.id))) {
        return say(answers.notSent, { reference: ticket.reference });
      }
      return say(answers.done, { reference: ticket.reference });
    } catch (error) {
      return explain(error, reference, action.type, say);
    }
  }

  function explain(error: unknown, reference: string, action: string, say: Say): string {
    // Another locality's ticket is answered like an unknown one: a guessed code reveals nothing.
    if (error instanceof NotFoundError || error instanceof ForbiddenError) return say('operator.not_found', { reference });
    if (error instanceof TicketTransitionError) return say('operator.not_allowed', { reference, action, status: error.status });
    if (error instanceof TicketActionError) return say('operator.invalid_text', { reference });
    // Another operator (or the resident) changed it a moment ago: nothing was stored; say how it is now.
    if (error instanceof TicketChangedError) return say('workday.changed_sms', { reference, status: error.ticket.status });
    throw error;
  }

  async function answer(command: OperatorCommand, user: AuthenticatedUser, say: Say, language: Language): Promise<string> {
    switch (command.type) {
      case 'help':
        return say('operator.help');
      case 'unknown':
        return say('operator.unknown');
      case 'usage':
        return say(`operator.usage.${command.command}`);
      case 'bad_reference':
        return say('operator.bad_reference', { reference: command.reference });
      case 'list': {
        const total = (await deps.repo.countTicketsByStatus({ localityIds: user.role === 'admin' ? undefined : user.localityIds }))
          .filter((row) => WORKING_STATUSES.includes(row.status))
          .reduce((sum, row) => sum + row.count, 0);
        const page = await listPage(user, command.order, command.page);
        return renderTicketList({ translator: deps.translator, language, now: deps.now(), total, pageSize, command, tickets: page });
      }
      case 'show':
        try {
          const ticket = await deps.ticketService.findTicket(user, command.reference);
          return renderTicketShow({ translator: deps.translator, language, now: deps.now(), ticket });
        } catch (error) {
          return explain(error, command.reference, 'show', say);
        }
      case 'acknowledge':
        return perform(user, command.reference, { type: 'acknowledge' }, say, { done: 'operator.acknowledged' });
      case 'reply':
        return perform(user, command.reference, { type: 'reply', text: command.text }, say, {
          done: 'operator.replied',
          notSent: 'operator.replied_not_sent',
          entry: 'replied',
        });
      case 'resolve':
        return perform(user, command.reference, { type: 'resolve', note: command.note }, say, {
          done: 'operator.resolved',
          notSent: 'operator.resolved_not_sent',
          entry: 'resolved',
        });
    }
  }

  /**
   * One page of the operator's working tickets. `oldest`/`newest` page through the store; the
   * default `urgent` ranks every working ticket (a small town has a few dozen at most) by priority,
   * then by the nearest SLA deadline, so an urgent ticket is never on page 2.
   */
  async function listPage(user: AuthenticatedUser, order: ListOrder, pageNumber: number): Promise<Ticket[]> {
    if (order === 'urgent') {
      const all = await workingTickets(user, 'due');
      const ranked = all
        .map((ticket, index) => ({ ticket, index }))
        .sort((a, b) => PRIORITY_RANK[a.ticket.priority] - PRIORITY_RANK[b.ticket.priority] || a.index - b.index)
        .map(({ ticket }) => ticket);
      return ranked.slice((pageNumber - 1) * pageSize, pageNumber * pageSize);
    }
    let cursor: string | null = null;
    for (let page = 1; ; page += 1) {
      const result = await deps.ticketService.listQueue(user, {
        statuses: [...WORKING_STATUSES],
        sort: order === 'oldest' ? 'created_asc' : 'created',
        limit: pageSize,
        cursor,
      });
      if (page === pageNumber) return result.items;
      if (!result.nextCursor) return [];
      cursor = result.nextCursor;
    }
  }

  async function workingTickets(user: AuthenticatedUser, sort: 'due'): Promise<Ticket[]> {
    const tickets: Ticket[] = [];
    let cursor: string | null = null;
    do {
      const result = await deps.ticketService.listQueue(user, { statuses: [...WORKING_STATUSES], sort, limit: 100, cursor });
      tickets.push(...result.items);
      cursor = result.nextCursor;
    } while (cursor && tickets.length < MAX_RANKED_TICKETS);
    return tickets;
  }

  return {
    async handle(input) {
      const command = parseOperatorCommand(input.text);
      // The staff member's own language when they chose one; otherwise that of the command words.
      const language: Language = input.user.language ?? command.language;
      const say: Say = (key, params = {}) => deps.translator.render(key, language, params);
      let text: string;
      try {
        text = await answer(command, input.user, say, language);
      } catch (error) {
        deps.logger.error({ userId: input.user.id, command: command.type, err: error }, 'operator command failed');
        text = say('operator.failed');
      }
      deps.logger.info({ userId: input.user.id, command: command.type }, 'operator command answered');
      const outbox: OutboxMessage[] = [];
      if (input.user.phone) {
        outbox.push(
          newOutboxMessage({
            id: deps.newId(),
            now: deps.now(),
            channel: input.channel,
            toPhone: input.user.phone,
            fromPhone: input.toPhone ?? input.locality?.phoneNumbers[0] ?? null,
            text,
            kind: OPERATOR_COMMAND_KIND,
            userId: input.user.id,
            residentId: null,
          }),
        );
      }
      return { command: command.type, replies: [text], outbox };
    },
  };
}
