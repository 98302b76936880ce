/**
 * The texts of staff alerts, each in one SMS segment: a single new ticket (with the resident's
 * words, shortened to fit), a digest of a burst, and a reopened ticket. Pure.
 *
 * @example newTicketAlertText(t, ticket, 'es') // "Nuevo reclamo 4820176: Corte de agua, Barrio Alto. no hay agua desde ayer"
 * @example digestAlertText(t, tickets, 'es')   // "5 reclamos nuevos: 3 corte, 2 fuga. Escriba LISTA"
 */
import type { Language } from '../domain/resident';
import type { Category, Ticket } from '../domain/ticket';
import {
  categoryPhrase,
  categoryWord,
  fitOneSegment,
  sectorLabel,
  ticketSummary,
  type LabelTranslator,
} from '../operators/ticket-labels';

type AlertTicket = Pick<Ticket, 'reference' | 'category' | 'sector' | 'priority' | 'details' | 'location'>;

export function newTicketAlertText(t: LabelTranslator, ticket: AlertTicket, language: Language): string {
  return fitOneSegment(ticketSummary(ticket), (summary) =>
    t.render('alert.new_ticket', language, {
      reference: ticket.reference,
      category: categoryPhrase(t, ticket.category, language),
      sector: sectorLabel(t, ticket.sector, language),
      priority: ticket.priority,
      summary,
    }),
  );
}

/** Counts per category, most frequent first (ties in the domain's category order). */
export function digestAlertText(t: LabelTranslator, tickets: Array<Pick<Ticket, 'category'>>, language: Language): string {
  const counts = new Map<Category, number>();
  for (const ticket of tickets) counts.set(ticket.category, (counts.get(ticket.category) ?? 0) + 1);
  const breakdown = [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([category, count]) => t.render('alert.digest_part', language, { count, category: categoryWord(t, category, language) }))
    .join(', ');
  return t.render('alert.digest', language, { count: tickets.length, breakdown });
}

export function reopenedAlertText(t: LabelTranslator, ticket: AlertTicket, language: Language): string {
  return t.render('alert.reopened', language, {
    reference: ticket.reference,
    category: categoryPhrase(t, ticket.category, language),
    sector: sectorLabel(t, ticket.sector, language),
  });
}
