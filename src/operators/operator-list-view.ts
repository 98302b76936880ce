/**
 * The two read-only answers of the SMS commands: `LISTA` (a page of open tickets, one per line)
 * and `VER <ref>` (one ticket). Pure: the handler passes in the tickets and the clock. Both fit
 * one SMS segment; sector names and the resident's words are shortened when they do not.
 *
 * @example renderTicketList(...) // "7 reclamos abiertos, pag. 1/3:\n4820176 corte Centro 2 h\n…\nMas: LISTA 2"
 */
import type { Language } from '../domain/resident';
import type { Ticket } from '../domain/ticket';
import { toGsm7 } from '../i18n/gsm7';
import { measureSms } from '../i18n/sms-segments';
import type { OperatorCommand } from './operator-command-parser';
import {
  ticketAddress,
  ticketWords,
  ageLabel,
  categoryPhrase,
  categoryWord,
  fitOneSegment,
  sectorLabel,
  ticketSummary,
  type LabelTranslator,
} from './ticket-labels';

type ListCommand = Extract<OperatorCommand, { type: 'list' }>;

/** Sector lengths tried in turn until the page fits one segment; `0` drops the sector. */
const SECTOR_WIDTHS = [Infinity, 16, 10, 6, 0];

export function renderTicketList(input: {
  translator: LabelTranslator;
  language: Language;
  now: string;
  /** Working tickets in all the operator's localities, for the header and page count. */
  total: number;
  pageSize: number;
  command: ListCommand;
  tickets: Ticket[];
}): string {
  const { translator: t, language, command } = input;
  const pages = Math.max(1, Math.ceil(input.total / input.pageSize));
  if (input.total === 0 && input.tickets.length === 0) return t.render('operator.list_empty', language);
  if (input.tickets.length === 0) return t.render('operator.list_past_end', language, { pages });

  const header = t.render('operator.list_header', language, { total: input.total, page: command.page, pages });
  const more =
    command.page < pages ? t.render('workday.list_more', language, { order: command.order, next: command.page + 1 }) : null;
  let text = '';
  for (const width of SECTOR_WIDTHS) {
    const lines = input.tickets.map((ticket) =>
      t
        .render('workday.list_line', language, {
          reference: ticket.reference,
          priority: ticket.priority,
          category: categoryWord(t, ticket.category, language),
          sector: width === 0 ? '' : shorten(sectorLabel(t, ticket.sector, language), width),
          age: ageLabel(t, ticket.createdAt, input.now, language),
        })
        .replace(/ {2,}/g, ' '),
    );
    text = [header, ...lines, ...(more ? [more] : [])].join('\n');
    if (measureSms(toGsm7(text)).segments <= 1) return text;
  }
  return text;
}

/**
 * `VER`: what a field worker needs to go there — status, urgency, category, sector, the address
 * the resident gave (or their WhatsApp pin) and their own words, shortened to fit one segment.
 */
export function renderTicketShow(input: { translator: LabelTranslator; language: Language; now: string; ticket: Ticket }): string {
  const { translator: t, language, ticket } = input;
  const address = ticketAddress(ticket);
  const render = (summary: string, where: string) =>
    t.render('workday.show', language, {
      reference: ticket.reference,
      status: ticket.status,
      priority: ticket.priority,
      category: categoryPhrase(t, ticket.category, language),
      sector: sectorLabel(t, ticket.sector, language),
      age: ageLabel(t, ticket.createdAt, input.now, language),
      hasAddress: where === '' ? 'no' : 'yes',
      address: where,
      summary,
    });
  const summary = ticketWords(ticket);
  const whole = fitOneSegment(summary, (words) => render(words, address));
  if (measureSms(toGsm7(whole)).segments <= 1) return whole;
  // Even without the resident's words it does not fit: shorten the address too.
  return fitOneSegment(address, (where) => render('', where));
}

function shorten(text: string, width: number): string {
  return text.length <= width ? text : text.slice(0, width).trimEnd();
}
