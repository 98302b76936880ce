/**
 * Reads what an operator types on a basic phone: `LISTA`, `VER 4820176`, `RESP 4820176 Mañana
 * llega el técnico`, `OK 4820176`, `RESUELTO 4820176 Se cambió la válvula`, `AYUDA`, or their
 * English twins (`LIST`, `SHOW`, `REPLY`, `ACK`, `RESOLVE`, `HELP`). Pure: no store, no clock.
 *
 * Command words ignore case and accents; the reply or note keeps exactly what was typed. The
 * language of the command word picks the language of the answer, so an operator who writes
 * `SHOW` is answered in English.
 *
 * @example parseOperatorCommand('resp 482-0176 Mañana llega el técnico')
 *   // { type: 'reply', reference: '4820176', text: 'Mañana llega el técnico', language: 'es' }
 */
import { isValidReference, normalizeReferenceInput, REFERENCE_DIGITS } from '../domain/reference';

export type CommandLanguage = 'es' | 'en';
/** `urgent` (the default): highest priority first, then the nearest SLA deadline. */
export type ListOrder = 'urgent' | 'newest' | 'oldest';

/** Commands that name a ticket; used to pick the usage hint when the reference is missing. */
export type TicketCommandType = 'show' | 'reply' | 'acknowledge' | 'resolve';

export type OperatorCommand =
  | { type: 'list'; order: ListOrder; page: number; language: CommandLanguage }
  | { type: 'show'; reference: string; language: CommandLanguage }
  | { type: 'reply'; reference: string; text: string; language: CommandLanguage }
  | { type: 'acknowledge'; reference: string; language: CommandLanguage }
  | { type: 'resolve'; reference: string; note: string; language: CommandLanguage }
  | { type: 'help'; language: CommandLanguage }
  /** The command word is known but its reference or text is missing: answer with its usage. */
  | { type: 'usage'; command: TicketCommandType; language: CommandLanguage }
  /** A reference that fails the check digit (a typo): never look it up. */
  | { type: 'bad_reference'; reference: string; language: CommandLanguage }
  | { type: 'unknown'; language: CommandLanguage };

type CommandWord = { command: 'list' | 'help' | TicketCommandType; language: CommandLanguage };

/** Normalized command words (upper case, no accents). */
const COMMAND_WORDS: Readonly<Record<string, CommandWord>> = {
  LISTA: { command: 'list', language: 'es' },
  LISTAR: { command: 'list', language: 'es' },
  LIST: { command: 'list', language: 'en' },
  VER: { command: 'show', language: 'es' },
  SHOW: { command: 'show', language: 'en' },
  RESP: { command: 'reply', language: 'es' },
  RESPONDER: { command: 'reply', language: 'es' },
  RESPUESTA: { command: 'reply', language: 'es' },
  REPLY: { command: 'reply', language: 'en' },
  OK: { command: 'acknowledge', language: 'es' },
  RECIBIDO: { command: 'acknowledge', language: 'es' },
  ACK: { command: 'acknowledge', language: 'en' },
  RESUELTO: { command: 'resolve', language: 'es' },
  RESOLVER: { command: 'resolve', language: 'es' },
  RESOLVE: { command: 'resolve', language: 'en' },
  RESOLVED: { command: 'resolve', language: 'en' },
  AYUDA: { command: 'help', language: 'es' },
  HELP: { command: 'help', language: 'en' },
  '?': { command: 'help', language: 'es' },
};

const OLDEST_WORDS = new Set(['VIEJOS', 'VIEJO', 'ANTIGUOS', 'ANTIGUO', 'OLD', 'OLDEST']);
const NEWEST_WORDS = new Set(['NUEVOS', 'RECIENTES', 'NEW', 'NEWEST']);

/** Upper case without accents; `ñ` becomes `N`, which no command word needs to tell apart. */
export function normalizeWord(word: string): string {
  return word.normalize('NFD').replace(/\p{M}/gu, '').toUpperCase();
}

/** Splits off the first whitespace-separated token, keeping the rest exactly as typed. */
function splitFirst(text: string): { head: string; rest: string } {
  const trimmed = text.trim();
  const match = /^(\S+)\s*([\s\S]*)$/.exec(trimmed);
  return match ? { head: match[1]!, rest: match[2]!.trim() } : { head: '', rest: '' };
}

/**
 * The reference is the next token; a typed space inside it (`482 017637`, `482 0176`) is
 * accepted when the two tokens together make a reference's length.
 */
function takeReference(rest: string): { raw: string; reference: string; rest: string } | null {
  const first = splitFirst(rest);
  if (first.head === '') return null;
  const single = normalizeReferenceInput(first.head);
  if (REFERENCE_DIGITS.test(single)) return { raw: first.head, reference: single, rest: first.rest };
  const second = splitFirst(first.rest);
  const joined = normalizeReferenceInput(`${first.head}${second.head}`);
  if (/^\d+$/.test(single) && REFERENCE_DIGITS.test(joined)) return { raw: joined, reference: joined, rest: second.rest };
  if (/\d/.test(single) && /^[#\d.\-_/]+$/.test(first.head)) return { raw: first.head, reference: single, rest: first.rest };
  return null;
}

export function parseOperatorCommand(text: string): OperatorCommand {
  const { head, rest } = splitFirst(text);
  const word = COMMAND_WORDS[normalizeWord(head).replace(/[.:,;!]+$/, '')];
  if (!word) return { type: 'unknown', language: 'es' };
  const { language } = word;

  switch (word.command) {
    case 'help':
      return { type: 'help', language };
    case 'list':
      return parseList(rest, language);
    default: {
      const command = word.command;
      const ref = takeReference(rest);
      if (!ref) return { type: 'usage', command, language };
      if (!isValidReference(ref.reference)) return { type: 'bad_reference', reference: ref.reference, language };
      if (command === 'show') return { type: 'show', reference: ref.reference, language };
      if (command === 'acknowledge') return { type: 'acknowledge', reference: ref.reference, language };
      if (ref.rest === '') return { type: 'usage', command, language };
      return command === 'reply'
        ? { type: 'reply', reference: ref.reference, text: ref.rest, language }
        : { type: 'resolve', reference: ref.reference, note: ref.rest, language };
    }
  }
}

/**
 * `LISTA` (most urgent first), `LISTA VIEJOS`, `LISTA NUEVOS`, `LISTA 2`, `LISTA VIEJOS 2`;
 * anything else after LISTA is ignored.
 */
function parseList(rest: string, language: CommandLanguage): OperatorCommand {
  let order: ListOrder = 'urgent';
  let page = 1;
  for (const token of rest.split(/\s+/).filter(Boolean).slice(0, 2)) {
    const normalized = normalizeWord(token);
    if (OLDEST_WORDS.has(normalized)) order = 'oldest';
    else if (NEWEST_WORDS.has(normalized)) order = 'newest';
    else if (/^\d{1,3}$/.test(normalized)) page = Math.max(1, Number(normalized));
  }
  return { type: 'list', order, page, language };
}
