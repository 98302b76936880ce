/**
 * Runs one stored broadcast (an incident update, an incident's resolution, a planned-cut notice):
 * writes one outbox row per recipient and hands them to the send queue, paced for Twilio's rate
 * limits. Every row goes through the ordinary outbox and sender, so opt-outs, the WhatsApp
 * 24-hour window (template or SMS) and colleague 7's outbound caps apply as to any message.
 *
 * Idempotent by construction, so a retry, a restart or two workers never give anyone two copies:
 * each row's id is derived from (broadcast, recipient). A recipient whose row exists is not
 * written again (at most re-enqueued while still `queued`); two runs racing on one recipient
 * collide on that id (and on the derived timeline ids) and the store refuses the second unit
 * whole. The send job's id is the row id, and a sent row is never sent again.
 *
 * An incident update is also each linked ticket's public reply (first response for the
 * statistics). A resolution resolves each resident's open tickets of the incident and asks
 * them once, in the same commit, whether it is fixed: the `resolution_feedback` flow's incident
 * question, prepared by src/feedback (a resident busy in another report gets the notice now and
 * the ordinary question later).
 */
import { derivedId } from '../alerts/derived-id';
import type { Broadcast, Incident } from '../domain/incident';
import type { OutboxMessage } from '../domain/message';
import type { Channel, Resident } from '../domain/resident';
import { phoneChannelOf, type Ticket, type TimelineEntry } from '../domain/ticket';
import type { ResolutionFeedback } from '../feedback/resolution-feedback';
import type { Translator } from '../i18n/translator';
import { incidentPlace } from '../incidents/incident-intake';
import { formatNoticeTime } from '../incidents/notice-time';
import { newOutboxMessage } from '../messaging/outbound/outbox-message-factory';
import type { SendDispatcher } from '../messaging/outbound/send-dispatcher';
import type { Logger } from '../shared/logger';
import { UniqueViolationError, type Repository, type UnitOfWork } from '../store/repository';
import { applyTicketAction } from '../tickets/ticket-lifecycle';
import { chooseSenderNumber } from '../tickets/resident-notice';
import type { CommitteeRecipients } from './broadcast-recipients';

export interface BroadcastRunnerDeps {
  repo: Repository;
  translator: Pick<Translator, 'render'>;
  feedback: Pick<ResolutionFeedback, 'prepareQuestion' | 'saveQuestionSession' | 'askLater'>;
  dispatcher: Pick<SendDispatcher, 'enqueue'>;
  now: () => string;
  logger: Logger;
  /** BROADCAST_MESSAGES_PER_SECOND: rows are handed to the send queue this fast. */
  messagesPerSecond: number;
  committeeRecipients: CommitteeRecipients;
  /** After a ticket is resolved by its incident (metrics, SLA jobs); failures are logged. */
  afterTicketResolved?: (ticket: Ticket) => unknown;
  /** Notice recipients read per page (default 100). */
  pageSize?: number;
}

export interface BroadcastRunResult {
  broadcastId: string;
  /** Recipients that have this broadcast's row (written now or before). */
  recipients: number;
  written: number;
  skipped: number;
}

export interface BroadcastRunner {
  run(broadcastId: string): Promise<BroadcastRunResult | null>;
}

export function copyId(broadcastId: string, recipientKey: string): string {
  return derivedId('broadcast', broadcastId, recipientKey);
}

/** The channel a resident last wrote on: a WhatsApp resident is answered on WhatsApp. */
function residentChannel(resident: Resident): Channel {
  return resident.lastWhatsappInboundAt !== null && resident.lastWhatsappInboundAt >= (resident.lastInboundAt ?? '') ? 'whatsapp' : 'sms';
}

export function createBroadcastRunner(deps: BroadcastRunnerDeps): BroadcastRunner {
  const spacingMs = 1000 / deps.messagesPerSecond;
  const pageSize = deps.pageSize ?? 100;

  interface Progress {
    recipients: number;
    written: number;
    skipped: number;
    enqueued: number;
  }

  async function enqueue(progress: Progress, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await deps.dispatcher.enqueue(ids, { spacingMs, firstDelayMs: progress.enqueued * spacingMs });
    progress.enqueued += ids.length;
  }

  /** An existing copy: counted, and re-enqueued if it still waits to be sent. */
  async function existing(rowId: string, progress: Progress): Promise<boolean> {
    const row = await deps.repo.getOutbox(rowId);
    if (!row) return false;
    progress.recipients += 1;
    if (row.status === 'queued') await enqueue(progress, [row.id]);
    return true;
  }

  /** Commits one recipient's unit; a unit refused on a derived id means another run did it. */
  async function commitOnce(unit: UnitOfWork, rowIds: string[], progress: Progress): Promise<void> {
    try {
      await deps.repo.commit(unit);
    } catch (error) {
      if (!(error instanceof UniqueViolationError)) throw error;
      deps.logger.info({ field: error.field }, 'broadcast copy already written by another run');
      progress.recipients += rowIds.length > 0 ? 1 : 0;
      return;
    }
    if (rowIds.length > 0) {
      progress.recipients += 1;
      progress.written += 1;
      await enqueue(progress, rowIds);
    } else {
      progress.skipped += 1;
    }
  }

  function ticketsByResident(tickets: Ticket[]): Map<string, Ticket[]> {
    const byResident = new Map<string, Ticket[]>();
    for (const ticket of tickets) byResident.set(ticket.residentId, [...(byResident.get(ticket.residentId) ?? []), ticket]);
    return byResident;
  }

  const unfinished = (t: Ticket) => t.status !== 'resolved' && t.status !== 'closed';

  async function residentRow(b: Broadcast, resident: Resident, tickets: Ticket[], text: string, kind: string, at: string): Promise<OutboxMessage> {
    const [locality, recent] = await Promise.all([deps.repo.getLocality(b.localityId), deps.repo.listInboundByResident(resident.id, { limit: 20 })]);
    const latest = tickets.at(-1);
    const channel = (latest && phoneChannelOf(latest)) ?? residentChannel(resident);
    return {
      ...newOutboxMessage({
        id: copyId(b.id, resident.id),
        now: at,
        channel,
        toPhone: resident.phone,
        fromPhone: chooseSenderNumber(locality, recent, channel),
        text,
        kind,
        residentId: resident.id,
        ticketId: tickets[0]?.id ?? null,
      }),
      broadcastId: b.id,
    };
  }

  /** Lifecycle action on each ticket, with timeline ids derived from (broadcast, ticket). */
  function actOnTickets(b: Broadcast, tickets: Ticket[], action: Parameters<typeof applyTicketAction>[1], at: string) {
    const ticketUpdates: NonNullable<UnitOfWork['ticketUpdates']> = [];
    const timeline: TimelineEntry[] = [];
    const updated: Ticket[] = [];
    for (const ticket of tickets) {
      let n = 0;
      const result = applyTicketAction(ticket, action, { now: at, actor: b.createdBy, newId: () => derivedId('broadcast_timeline', b.id, ticket.id, String(n++)) });
      ticketUpdates.push({ id: ticket.id, patch: result.patch });
      timeline.push(...result.timeline.map((entry) => ({ ...entry, data: { ...entry.data, incidentId: b.incidentId, broadcastId: b.id } })));
      updated.push({ ...ticket, ...result.patch });
    }
    return { ticketUpdates, timeline, updated };
  }

  async function runIncidentUpdate(b: Broadcast, incident: Incident, progress: Progress): Promise<void> {
    const byResident = ticketsByResident((await deps.repo.listIncidentTickets(incident.id)).filter(unfinished));
    for (const [residentId, tickets] of byResident) {
      const rowId = copyId(b.id, residentId);
      if (await existing(rowId, progress)) continue;
      const resident = await deps.repo.getResident(residentId);
      if (!resident || resident.optedOut) {
        progress.skipped += 1;
        continue;
      }
      const at = deps.now();
      const text = deps.translator.render('incident.update', resident.language, {
        category: incident.category,
        place: incidentPlace(deps.translator, incident, resident.language),
        text: b.text,
      });
      const acted = actOnTickets(b, tickets, { type: 'reply', text: b.text }, at);
      const row = await residentRow(b, resident, tickets, text, 'incident_update', at);
      await commitOnce({ ticketUpdates: acted.ticketUpdates, timeline: acted.timeline, outbox: [row] }, [row.id], progress);
    }
  }

  async function runIncidentResolution(b: Broadcast, incident: Incident, progress: Progress): Promise<void> {
    const byResident = ticketsByResident((await deps.repo.listIncidentTickets(incident.id)).filter(unfinished));
    for (const [residentId, tickets] of byResident) {
      const rowId = copyId(b.id, residentId);
      if (await existing(rowId, progress)) continue;
      const at = deps.now();
      const acted = actOnTickets(b, tickets, { type: 'resolve', note: b.text }, at);
      const resident = await deps.repo.getResident(residentId);
      const rows: OutboxMessage[] = [];
      let askLaterTicket: Ticket | null = null;
      if (resident && !resident.optedOut) {
        const first = acted.updated[0]!;
        const place = incidentPlace(deps.translator, incident, resident.language);
        const question = await deps.feedback.prepareQuestion(first, {
          vars: { incident_place: place, incident_note: b.text, incident_category: incident.category },
          firstOutboxId: rowId,
          now: at,
        });
        if (question.outcome === 'ready') {
          await deps.feedback.saveQuestionSession(question);
          rows.push(...question.rows.slice(0, 1).map((row) => ({ ...row, broadcastId: b.id })));
        } else if (question.outcome === 'busy') {
          const text = deps.translator.render('incident.resolved_later', resident.language, {
            category: incident.category,
            place,
            note: b.text,
            reference: first.reference,
          });
          rows.push(await residentRow(b, resident, [first], text, 'incident_resolved', at));
          askLaterTicket = first;
        }
      }
      await commitOnce({ ticketUpdates: acted.ticketUpdates, timeline: acted.timeline, outbox: rows }, rows.map((r) => r.id), progress);
      if (askLaterTicket) await deps.feedback.askLater(askLaterTicket);
      for (const ticket of acted.updated) {
        try {
          await deps.afterTicketResolved?.(ticket);
        } catch (error) {
          deps.logger.error({ ticketId: ticket.id, err: error }, 'after-resolution hook failed');
        }
      }
    }
  }

  async function runNotice(b: Broadcast, progress: Progress): Promise<void> {
    const notice = b.noticeId ? await deps.repo.getNotice(b.noticeId) : null;
    if (!notice) throw new Error(`broadcast ${b.id} names no stored notice`);
    const locality = await deps.repo.getLocality(notice.localityId);
    const timeZone = locality?.timeZone ?? 'America/Lima';
    const render = (language: Resident['language']) =>
      deps.translator.render('notice.broadcast', language, {
        kind: notice.kind,
        sectors: notice.sectors.join(', '),
        from: formatNoticeTime(notice.startsAt, timeZone, language),
        to: formatNoticeTime(notice.endsAt, timeZone, language),
        text: notice.text,
      });
    const fromPhone = locality?.phoneNumbers[0] ?? null;
    let after: string | null = null;
    for (;;) {
      const page = await deps.repo.listNoticeRecipients({ localityId: notice.localityId, sectors: notice.sectors, afterResidentId: after, limit: pageSize });
      if (page.length === 0) break;
      after = page.at(-1)!.id;
      const at = deps.now();
      const rows = page.map((resident) => ({
        ...newOutboxMessage({ id: copyId(b.id, resident.id), now: at, channel: residentChannel(resident), toPhone: resident.phone, fromPhone, text: render(resident.language), kind: 'notice', residentId: resident.id }),
        broadcastId: b.id,
      }));
      await writeIfAbsent(rows, progress);
    }
    const committee = await deps.committeeRecipients(notice.localityId);
    const at = deps.now();
    const committeeRows = committee.map((member) => ({
      ...newOutboxMessage({ id: copyId(b.id, `committee:${member.id}`), now: at, channel: 'sms', toPhone: member.phone, fromPhone, text: render(member.language), kind: 'notice' }),
      broadcastId: b.id,
    }));
    await writeIfAbsent(committeeRows, progress);
  }

  /** Notice copies carry no ticket change: a page goes in one commit, rows already there are kept. */
  async function writeIfAbsent(rows: OutboxMessage[], progress: Progress): Promise<void> {
    if (rows.length === 0) return;
    const before = await Promise.all(rows.map((row) => deps.repo.getOutbox(row.id)));
    await deps.repo.commit({ outboxIfAbsent: rows });
    const after = await Promise.all(rows.map((row) => deps.repo.getOutbox(row.id)));
    progress.recipients += rows.length;
    progress.written += before.filter((row) => row === null).length;
    await enqueue(progress, after.filter((row): row is OutboxMessage => row?.status === 'queued').map((row) => row.id));
  }

  return {
    async run(broadcastId) {
      const b = await deps.repo.getBroadcast(broadcastId);
      if (!b) {
        deps.logger.warn({ broadcastId }, 'broadcast job for an unknown broadcast ignored');
        return null;
      }
      const progress: Progress = { recipients: 0, written: 0, skipped: 0, enqueued: 0 };
      if (b.status === 'done') return { broadcastId, recipients: b.recipientCount ?? 0, written: 0, skipped: 0 };
      if (b.status === 'pending') await deps.repo.commit({ broadcastUpdates: [{ id: b.id, patch: { status: 'sending' } }] });
      if (b.kind === 'notice') {
        await runNotice(b, progress);
      } else {
        const incident = b.incidentId ? await deps.repo.getIncident(b.incidentId) : null;
        if (!incident) throw new Error(`broadcast ${b.id} names no stored incident`);
        if (b.kind === 'incident_update') await runIncidentUpdate(b, incident, progress);
        else await runIncidentResolution(b, incident, progress);
      }
      const recipients = Math.max(progress.recipients, (await deps.repo.countOutboxByBroadcast(b.id)).reduce((sum, c) => sum + c.count, 0));
      await deps.repo.commit({ broadcastUpdates: [{ id: b.id, patch: { status: 'done', recipientCount: recipients, completedAt: deps.now() } }] });
      deps.logger.info({ broadcastId, kind: b.kind, recipients, written: progress.written, skipped: progress.skipped }, 'broadcast written and queued');
      return { broadcastId, recipients, written: progress.written, skipped: progress.skipped };
    },
  };
}
