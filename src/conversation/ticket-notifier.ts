/**
 * Tells the rest of the app (staff alerts, SLA jobs) about the tickets a committed turn opened or
 * reopened. The turn is already stored, so a failing hook is logged and never undoes or retries it.
 */
import type { Ticket } from '../domain/ticket';
import type { Logger } from '../shared/logger';

export interface TicketNotifierDeps {
  logger: Logger;
  onTicketsOpened?: (tickets: Ticket[]) => unknown;
  onTicketReopened?: (ticket: Ticket) => unknown;
}

export interface TicketNotifier {
  opened(tickets: Ticket[]): Promise<void>;
  reopened(tickets: Ticket[]): Promise<void>;
}

export function createTicketNotifier(deps: TicketNotifierDeps): TicketNotifier {
  return {
    async opened(tickets) {
      if (tickets.length === 0 || !deps.onTicketsOpened) return;
      try {
        await deps.onTicketsOpened(tickets);
      } catch (error) {
        deps.logger.error({ ticketIds: tickets.map((t) => t.id), err: String(error) }, 'onTicketsOpened hook failed');
      }
    },
    async reopened(tickets) {
      if (!deps.onTicketReopened) return;
      for (const ticket of tickets) {
        try {
          await deps.onTicketReopened(ticket);
        } catch (error) {
          deps.logger.error({ ticketId: ticket.id, err: String(error) }, 'onTicketReopened hook failed');
        }
      }
    },
  };
}
