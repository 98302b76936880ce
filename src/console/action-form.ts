/**
 * Turns a console form post (`POST /tickets/:id/actions/<action>`) into a ticket-service action.
 * Forms are plain HTML, so everything arrives as strings; a field the operator left empty is
 * refused here with a message key, before the ticket service is asked for anything.
 */
import type { TicketActionInput, TicketActionType } from '../tickets/ticket-service-types';
import { OPERATOR_ACTIONS } from '../tickets/ticket-transitions';

/** The console offers every operator action; the lifecycle module owns the list. */
export const CONSOLE_ACTIONS = OPERATOR_ACTIONS;

/** Longest text an operator may send or note; a reply longer than this would be many SMS. */
export const MAX_FORM_TEXT = 1600;

export type ParsedActionForm =
  | { ok: true; action: TicketActionInput }
  /** `messageKey` is a `console.*` locale key explaining what is missing. */
  | { ok: false; messageKey: string };

export function isConsoleAction(value: string): value is TicketActionType {
  return (CONSOLE_ACTIONS as readonly string[]).includes(value);
}

function field(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  return typeof value === 'string' ? value.trim() : '';
}

/**
 * @example parseActionForm('resolve', { note: 'Válvula cambiada' }, { userId: 'u1' })
 *   // { ok: true, action: { type: 'resolve', note: 'Válvula cambiada' } }
 * @example parseActionForm('assign', { assignee: 'me' }, { userId: 'u1' })
 *   // { ok: true, action: { type: 'assign', assigneeId: 'u1' } }
 */
export function parseActionForm(
  type: TicketActionType,
  body: Record<string, unknown>,
  options: { userId: string },
): ParsedActionForm {
  const tooLong = (value: string) => value.length > MAX_FORM_TEXT;
  switch (type) {
    case 'acknowledge':
    case 'start':
    case 'close':
      return { ok: true, action: { type } };
    case 'assign': {
      const assignee = field(body, 'assignee');
      if (assignee === '') return { ok: true, action: { type, assigneeId: null } };
      return { ok: true, action: { type, assigneeId: assignee === 'me' ? options.userId : assignee } };
    }
    case 'reply': {
      const text = field(body, 'text');
      const cannedKey = field(body, 'canned');
      if (text === '' && cannedKey === '') return { ok: false, messageKey: 'console.error.reply_empty' };
      if (tooLong(text)) return { ok: false, messageKey: 'console.error.text_too_long' };
      // A checkbox: present only when ticked.
      const publish = field(body, 'publish') !== '' ? { publish: true } : {};
      return { ok: true, action: text !== '' ? { type, text, ...publish } : { type, cannedKey, ...publish } };
    }
    case 'add_note': {
      const text = field(body, 'text');
      if (text === '') return { ok: false, messageKey: 'console.error.note_empty' };
      if (tooLong(text)) return { ok: false, messageKey: 'console.error.text_too_long' };
      return { ok: true, action: { type, text } };
    }
    case 'resolve': {
      const note = field(body, 'note');
      if (note === '') return { ok: false, messageKey: 'console.error.resolution_note_required' };
      if (tooLong(note)) return { ok: false, messageKey: 'console.error.text_too_long' };
      return { ok: true, action: { type, note } };
    }
    case 'reopen': {
      const reason = field(body, 'reason');
      if (tooLong(reason)) return { ok: false, messageKey: 'console.error.text_too_long' };
      return { ok: true, action: reason === '' ? { type } : { type, reason } };
    }
  }
}
