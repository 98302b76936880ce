/**
 * The data behind `GET /tickets/:id`: everything an operator needs to answer one complaint
 * without calling the resident — the conversation, what the flow captured, the deadlines, and
 * only the actions the ticket's status allows.
 */
import type { AuthenticatedUser } from '../auth/auth-types';
import type { Ticket } from '../domain/ticket';
import type { User } from '../domain/user';
import type { Translator } from '../i18n/translator';
import type { Repository } from '../store/repository';
import type { TicketActionType, TicketService, TicketView } from '../tickets/ticket-service-types';
import { CONSOLE_ACTIONS } from './action-form';
import type { ConsoleText } from './console-views';
import { splitDuration, ticketAge } from './ticket-clock';
import { replyCounter } from './reply-counter';

/** What the operator typed, put back into the forms when an action was refused. */
export interface ActionFormValues {
  reply: { text: string; canned: string };
  resolve: { note: string };
  add_note: { text: string };
  reopen: { reason: string };
}

export const EMPTY_FORM_VALUES: ActionFormValues = {
  reply: { text: '', canned: '' },
  resolve: { note: '' },
  add_note: { text: '' },
  reopen: { reason: '' },
};

export interface TicketPageDeps {
  ticketService: Pick<TicketService, 'getTicketView'>;
  repo: Pick<Repository, 'listUsers' | 'getUser' | 'getLocality'>;
  translator: Pick<Translator, 'keys' | 'render' | 'has'>;
}

/** Longest canned-reply preview in the select; the full text is what the resident gets. */
const CANNED_PREVIEW_CHARS = 70;

export async function buildTicketPage(
  deps: TicketPageDeps,
  options: {
    user: AuthenticatedUser;
    ticketId: string;
    now: Date;
    text: ConsoleText;
    form?: ActionFormValues;
    /** Ids of the timeline entries written since the version the operator acted on (a refused action). */
    changedEntryIds?: string[];
  },
) {
  const { user, now, text } = options;
  const view = await deps.ticketService.getTicketView(user, options.ticketId);
  const { ticket } = view;
  const [locality, users] = await Promise.all([
    deps.repo.getLocality(ticket.localityId),
    deps.repo.listUsers({ localityId: ticket.localityId }),
  ]);
  const zone = locality?.timeZone ?? 'America/Lima';
  const names = await actorNames(deps.repo, users, view);
  const allowed = Object.fromEntries(CONSOLE_ACTIONS.map((a) => [a, view.allowedActions.includes(a)])) as Record<
    TicketActionType,
    boolean
  >;
  const language = text.label(`console.language.${view.resident.language}`, view.resident.language);
  const channel = text.label(`console.channel.${view.resident.channel}`, view.resident.channel);

  return {
    title: text.t('console.ticket.title', { reference: ticket.reference }),
    /** Sent back with every action: the version the operator is looking at. */
    version: ticket.updatedAt,
    related: {
      tickets: view.related.tickets.map((other) => ({
        href: `/tickets/${encodeURIComponent(other.id)}`,
        label: text.t('workday.console.related_ticket', {
          reference: other.reference,
          category: text.t(`console.category.${other.category}`),
          status: text.t(`console.status.${other.status}`),
          created: text.time(other.createdAt, zone),
        }),
      })),
      note: view.related.hiddenMessages > 0 ? text.t('workday.console.related_hidden', { count: view.related.hiddenMessages }) : null,
    },
    counter: replyCounter({
      translator: deps.translator,
      text,
      // An Open311 ticket has no phone: its replies are counted as SMS would be.
      channel: view.resident.channel === 'open311' ? 'sms' : view.resident.channel,
      language: view.resident.language,
      reference: ticket.reference,
      draft: options.form?.reply.text ?? '',
    }),
    localityName: view.localityName,
    ticket: {
      id: ticket.id,
      reference: ticket.reference,
      category: text.t(`console.category.${ticket.category}`),
      status: text.t(`console.status.${ticket.status}`),
      priority: text.t(`console.priority.${ticket.priority}`),
      priorityMark: ticket.priority !== 'normal',
      sector: ticket.sector ?? '—',
      location: ticket.location
        ? {
            text: ticket.location.label ?? `${ticket.location.lat.toFixed(5)}, ${ticket.location.lng.toFixed(5)}`,
            href: `https://www.openstreetmap.org/?mlat=${ticket.location.lat}&mlon=${ticket.location.lng}#map=18/${ticket.location.lat}/${ticket.location.lng}`,
          }
        : null,
      assignee: ticket.assigneeId ? (names.get(ticket.assigneeId) ?? ticket.assigneeId) : text.t('console.queue.unassigned'),
      created: text.time(ticket.createdAt, zone),
      age: text.t('console.queue.age_value', { duration: text.duration(ticketAge(ticket, now)) }),
      needsOperator: ticket.needsOperator,
      reopened: ticket.reopenCount > 0 ? text.t('console.ticket.reopened', { count: ticket.reopenCount }) : null,
      resolutionNote: ticket.resolutionNote,
      feedback: feedbackText(ticket, text),
    },
    resident: {
      maskedPhone: view.resident.maskedPhone,
      language,
      channel,
      optedOut: view.resident.optedOut,
    },
    details: Object.entries(ticket.details)
      .flatMap(([key, value]) => (value === null || value === '' ? [] : [[key, value] as const]))
      .map(([key, value]) => ({
        label: text.label(`console.detail.${key}`, key),
        value: detailValue(value, text),
      })),
    deadlines: deadlineRows(ticket, { now, text, zone }),
    breachedAt: ticket.slaBreachedAt ? text.t('console.ticket.sla_breached', { at: text.time(ticket.slaBreachedAt, zone) }) : null,
    transcript: view.transcript.map((line) => ({
      direction: line.direction,
      who: text.t(line.direction === 'in' ? 'console.ticket.from_resident' : 'console.ticket.to_resident'),
      at: text.time(line.at, zone),
      body: line.body,
      status: line.status ? text.label(`console.delivery.${line.status}`, line.status) : null,
    })),
    timeline: view.timeline.map((entry) => ({
      at: text.time(entry.at, zone),
      type: text.label(`console.timeline.${entry.type}`, entry.type),
      actor:
        entry.actor === 'resident' || entry.actor === 'system'
          ? text.t(`console.actor.${entry.actor}`)
          : (names.get(entry.actor) ?? text.t('console.actor.operator')),
      text: entry.text,
      isPublic: entry.isPublic,
      notice:
        entry.data.residentNotified === true
          ? text.t('console.ticket.notified')
          : entry.data.residentNotified === false
            ? text.t('console.ticket.not_notified')
            : null,
    })),
    changes: view.timeline
      .filter((entry) => options.changedEntryIds?.includes(entry.id))
      .map((entry) =>
        text.t('workday.console.change_line', {
          at: text.time(entry.at, zone),
          actor:
            entry.actor === 'resident' || entry.actor === 'system'
              ? text.t(`console.actor.${entry.actor}`)
              : (names.get(entry.actor) ?? text.t('console.actor.operator')),
          change: text.label(`console.timeline.${entry.type}`, entry.type),
          text: entry.text ?? '',
        }),
      ),
    allowed,
    noActions: !CONSOLE_ACTIONS.some((a) => allowed[a]),
    users: users
      .filter((u) => u.role !== 'admin' || u.id === ticket.assigneeId)
      .map((u) => ({ id: u.id, name: u.name, selected: u.id === ticket.assigneeId })),
    canned: cannedReplies(deps.translator, view),
    replyNote: text.t('console.action.reply_language', { language, channel }),
    form: options.form ?? EMPTY_FORM_VALUES,
  };
}

/** Canned replies are `canned.*` keys, previewed in the language the resident will get them in. */
export function cannedReplies(translator: TicketPageDeps['translator'], view: Pick<TicketView, 'ticket' | 'resident' | 'localityName'>) {
  const keys = translator.keys('es').filter((key) => key.startsWith('canned.'));
  return keys.map((key) => {
    let preview: string;
    try {
      preview = translator.render(key, view.resident.language, { reference: view.ticket.reference, locality: view.localityName });
    } catch {
      preview = key;
    }
    return { key, preview: preview.length > CANNED_PREVIEW_CHARS ? `${preview.slice(0, CANNED_PREVIEW_CHARS - 1)}…` : preview };
  });
}

async function actorNames(repo: TicketPageDeps['repo'], users: User[], view: TicketView): Promise<Map<string, string>> {
  const names = new Map(users.map((u) => [u.id, u.name]));
  const missing = new Set(
    [view.ticket.assigneeId, ...view.timeline.map((e) => e.actor)].filter(
      (id): id is string => !!id && id !== 'resident' && id !== 'system' && !names.has(id),
    ),
  );
  const found = await Promise.all([...missing].map((id) => repo.getUser(id)));
  for (const user of found) if (user) names.set(user.id, user.name);
  return names;
}

function detailValue(value: string | number | boolean, text: ConsoleText): string {
  if (typeof value === 'boolean') return text.t(value ? 'console.common.yes' : 'console.common.no');
  const raw = String(value);
  // Choice answers are option values (`home`), multi-choice ones `colour,smell`.
  if (!/^[a-z][a-z0-9_]*(,[a-z][a-z0-9_]*)*$/.test(raw)) return raw;
  return raw
    .split(',')
    .map((part) => text.label(`console.detail_value.${part}`, part))
    .join(', ');
}

function feedbackText(ticket: Ticket, text: ConsoleText): string | null {
  if (ticket.residentConfirmedSolved === null && ticket.residentRating === null) return null;
  const parts: string[] = [];
  if (ticket.residentConfirmedSolved !== null) {
    parts.push(text.t(ticket.residentConfirmedSolved ? 'console.ticket.feedback_solved' : 'console.ticket.feedback_not_solved'));
  }
  if (ticket.residentRating !== null) parts.push(text.t('console.ticket.feedback_rating', { rating: ticket.residentRating }));
  return parts.join(' · ');
}

function deadlineRows(ticket: Ticket, ctx: { now: Date; text: ConsoleText; zone: string }) {
  const { text, now, zone } = ctx;
  const rows: Array<{ label: string; at: string; state: 'met' | 'overdue' | 'pending'; note: string }> = [];
  const add = (labelKey: string, dueAt: string | null, doneAt: string | null) => {
    if (!dueAt) return;
    const due = Date.parse(dueAt);
    const done = doneAt ? Date.parse(doneAt) : null;
    let state: 'met' | 'overdue' | 'pending';
    let note: string;
    if (done !== null) {
      state = done <= due ? 'met' : 'overdue';
      note = text.t(state === 'met' ? 'console.deadline.met' : 'console.deadline.missed', { at: text.time(doneAt, zone) });
    } else if (now.getTime() > due) {
      state = 'overdue';
      note = text.t('console.deadline.overdue', { duration: text.duration(splitDuration(now.getTime() - due)) });
    } else {
      state = 'pending';
      note = text.t('console.deadline.left', { duration: text.duration(splitDuration(due - now.getTime())) });
    }
    rows.push({ label: text.t(labelKey), at: text.time(dueAt, zone), state, note });
  };
  add('console.ticket.first_response_due', ticket.firstResponseDueAt, ticket.firstResponseAt);
  add('console.ticket.resolution_due', ticket.resolutionDueAt, ticket.resolvedAt);
  return rows;
}

export type TicketPageData = Awaited<ReturnType<typeof buildTicketPage>>;
