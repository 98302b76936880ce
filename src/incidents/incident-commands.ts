/**
 * Incident and notice commands by SMS, for an operator on a basic phone (issue 9). Tickets are
 * named by their 7-digit reference, so no new code is needed for an incident: any of its
 * tickets names it.
 *
 * - `INC 4820176 La cuadrilla llega a las 15:00`: an update to every resident of that incident.
 * - `INCOK 4820176 Se cambió la válvula`: resolve the incident (and its tickets; each resident
 *   is asked once whether it is fixed).
 * - `UNIR 4820176 4820184`: merge the second ticket's incident into the first's.
 * - `SACAR 4820184`: take the ticket out of its incident.
 * - `AVISO Centro y Barrio Alto 14:00 18:00 Cambio de válvula`: a planned-cut notice. The answer
 *   is a PREVIEW (the SMS and how many it reaches); `AVISO SI` sends it, `AVISO NO` drops it.
 *   The draft waits 30 minutes in Redis under the user's id (no phone number in the key).
 *
 * Anything else returns null, so the ordinary ticket commands answer it.
 */
import type Redis from 'ioredis';
import { DateTime } from 'luxon';
import { ForbiddenError, type AuthenticatedUser } from '../auth/auth-types';
import type { OutboxMessage } from '../domain/message';
import type { Translator } from '../i18n/translator';
import { newOutboxMessage } from '../messaging/outbound/outbox-message-factory';
import { OPERATOR_COMMAND_KIND, type OperatorCommandInput, type OperatorCommandResult } from '../operators/operator-commands';
import { normalizeWord } from '../operators/operator-command-parser';
import { isValidReference, normalizeReferenceInput, REFERENCE_DIGITS } from '../domain/reference';
import type { Logger } from '../shared/logger';
import { NotFoundError } from '../store/repository';
import { IncidentActionError, NoticeRefusedError } from './incident-errors';
import { incidentPlace } from './incident-intake';
import type { IncidentService } from './incident-service';
import type { NoticeRequest, NoticeService } from './notice-service';
import { parseNoticeTime } from './notice-time';

export interface IncidentCommandDeps {
  incidents: IncidentService;
  notices: NoticeService;
  redis: Redis;
  prefix: string;
  translator: Pick<Translator, 'render'>;
  now: () => string;
  newId: () => string;
  logger: Logger;
}

const DRAFT_TTL_SECONDS = 30 * 60;
const YES = new Set(['SI', 'YES', 'OK', 'ENVIAR', 'SEND']);
const NO = new Set(['NO', 'DESCARTAR', 'CANCELAR', 'CANCEL']);

type Word = 'update' | 'resolve' | 'merge' | 'detach' | 'notice';
const WORDS: Record<string, Word> = {
  INC: 'update',
  INCIDENTE: 'update',
  INCIDENT: 'update',
  INCOK: 'resolve',
  INCRESUELTO: 'resolve',
  UNIR: 'merge',
  MERGE: 'merge',
  SACAR: 'detach',
  DETACH: 'detach',
  AVISO: 'notice',
  NOTICE: 'notice',
};

/** `AVISO <sectors> <from> <to> <text>`: the sectors are the words before the first time. */
export function parseNoticeCommand(rest: string, options: { timeZone: string; now: string }): Omit<NoticeRequest, 'localityId'> | null {
  const tokens = rest.trim().split(/\s+/).filter(Boolean);
  const today = DateTime.fromISO(options.now, { zone: 'utc' }).setZone(options.timeZone).startOf('day');
  const firstTime = tokens.findIndex((token) => parseNoticeTime(token, { timeZone: options.timeZone, baseDay: today }) !== null);
  if (firstTime < 1 || tokens.length < firstTime + 3) return null;
  const from = parseNoticeTime(tokens[firstTime]!, { timeZone: options.timeZone, baseDay: today });
  let to = parseNoticeTime(tokens[firstTime + 1]!, { timeZone: options.timeZone, baseDay: from!.startOf('day') });
  if (!from || !to) return null;
  if (to <= from && !tokens[firstTime + 1]!.includes('/')) to = to.plus({ days: 1 });
  const sectors = tokens
    .slice(0, firstTime)
    .join(' ')
    .split(/\s*(?:,|\+|\by\b|\band\b)\s*/i)
    .map((s) => s.trim())
    .filter(Boolean);
  return { kind: 'planned_cut', sectors, startsAt: from.toUTC().toISO()!, endsAt: to.toUTC().toISO()!, text: tokens.slice(firstTime + 2).join(' ') };
}

function reference(token: string | undefined): string | null {
  if (!token) return null;
  const value = normalizeReferenceInput(token);
  return REFERENCE_DIGITS.test(value) && isValidReference(value) ? value : null;
}

function split(text: string): { head: string; rest: string } {
  const match = /^(\S+)\s*([\s\S]*)$/.exec(text.trim());
  return match ? { head: match[1]!, rest: match[2]!.trim() } : { head: '', rest: '' };
}

export function createIncidentCommandHandler(deps: IncidentCommandDeps) {
  const draftKey = (userId: string) => `${deps.prefix}:notice-draft:${userId}`;

  async function answer(word: Word, rest: string, input: OperatorCommandInput, say: (key: string, params?: Record<string, string | number>) => string): Promise<string> {
    const user: AuthenticatedUser = input.user;
    const place = (incident: { sectors: string[] }) => incidentPlace(deps.translator, incident, 'es');
    try {
      switch (word) {
        case 'update': {
          const { head, rest: text } = split(rest);
          const ref = reference(head);
          if (!ref || text === '') return say('incident_staff.help');
          const incident = await deps.incidents.findByTicket(user, ref);
          await deps.incidents.postUpdate(user, incident.id, text);
          return say('incident_staff.update_sent', { place: place(incident), count: incident.residentCount });
        }
        case 'resolve': {
          const { head, rest: note } = split(rest);
          const ref = reference(head);
          if (!ref || note === '') return say('incident_staff.help');
          const incident = await deps.incidents.findByTicket(user, ref);
          await deps.incidents.resolve(user, incident.id, note);
          return say('incident_staff.resolved', { place: place(incident), count: incident.openTicketCount });
        }
        case 'merge': {
          const [a, b] = rest.split(/\s+/).map((token) => reference(token));
          if (!a || !b) return say('incident_staff.help');
          const target = await deps.incidents.findByTicket(user, a);
          const source = await deps.incidents.findByTicket(user, b);
          const merged = await deps.incidents.merge(user, target.id, source.id);
          return say('incident_staff.merged', { place: place(merged), count: merged.ticketCount });
        }
        case 'detach': {
          const ref = reference(rest.split(/\s+/)[0]);
          if (!ref) return say('incident_staff.help');
          await deps.incidents.detach(user, ref);
          return say('incident_staff.detached', { reference: ref });
        }
        case 'notice':
          return await noticeCommand(rest, input, say);
      }
    } catch (error) {
      if (error instanceof IncidentActionError) return say('incident_staff.refused', { reason: error.reason, reference: split(rest).head });
      if (error instanceof NoticeRefusedError) return say('notice_staff.refused', { reason: error.reason, detail: error.detail });
      // Another locality's ticket is answered like an unknown one: a guessed code reveals nothing.
      if (error instanceof NotFoundError || error instanceof ForbiddenError) return say('operator.not_found', { reference: split(rest).head });
      throw error;
    }
  }

  async function noticeCommand(rest: string, input: OperatorCommandInput, say: (key: string, params?: Record<string, string | number>) => string): Promise<string> {
    const user = input.user;
    const word = normalizeWord(rest.trim());
    if (YES.has(word) || NO.has(word)) {
      const stored = await deps.redis.get(draftKey(user.id));
      if (!stored) return say('notice_staff.refused', { reason: 'no_draft', detail: '' });
      await deps.redis.del(draftKey(user.id));
      if (NO.has(word)) return say('notice_staff.discarded');
      const { preview } = await deps.notices.send(user, JSON.parse(stored) as NoticeRequest);
      return say('notice_staff.sent', { count: preview.total });
    }
    const localityId = input.locality?.id ?? user.localityIds[0];
    if (!localityId) return say('notice_staff.refused', { reason: 'bad_format', detail: '' });
    const timeZone = (input.locality as { timeZone?: string } | null)?.timeZone ?? 'America/Lima';
    const parsed = parseNoticeCommand(rest, { timeZone, now: deps.now() });
    if (!parsed) return say('notice_staff.refused', { reason: 'bad_format', detail: '' });
    const preview = await deps.notices.preview(user, { ...parsed, localityId });
    await deps.redis.set(draftKey(user.id), JSON.stringify(preview.request), 'EX', DRAFT_TTL_SECONDS);
    return say('notice_staff.preview', { count: preview.total, text: preview.sms });
  }

  return {
    /** Null when the message is not an incident or notice command. */
    async handle(input: OperatorCommandInput): Promise<OperatorCommandResult | null> {
      const { head, rest } = split(input.text);
      const word = WORDS[normalizeWord(head).replace(/[.:,;!]+$/, '')];
      if (!word) return null;
      const say = (key: string, params: Record<string, string | number> = {}) => deps.translator.render(key, 'es', params);
      let text: string;
      try {
        text = await answer(word, rest, input, say);
      } catch (error) {
        deps.logger.error({ userId: input.user.id, command: word, err: error }, 'incident command failed');
        text = say('operator.failed');
      }
      deps.logger.info({ userId: input.user.id, command: `incident_${word}` }, 'incident command answered');
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
      return { command: 'unknown', replies: [text], outbox };
    },
  };
}
