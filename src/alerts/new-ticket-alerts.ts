/**
 * New-ticket alerts to the on-duty staff of a locality, by SMS. A burst (a main pipe bursts and
 * twenty neighbours write) must become ONE digest per person, not twenty texts, so alerts wait
 * `digestSeconds` to gather:
 *
 * 1. `ticketsOpened` adds the ticket ids to the locality's pending set in Redis and, in the same
 *    Lua call, opens a window if none is open (the window id is `<startMs>.<first ticket id>`).
 *    It then adds a delayed `alerts` job with the deterministic jobId `digest-<locality>-<window>`
 *    due at the window's end; every ticket of the window adds the same jobId, a no-op in BullMQ,
 *    so a failed add is repaired by the next ticket.
 * 2. The job takes the pending ids atomically (moved to a per-window "taken" set, so a retry sees
 *    the same ids) and closes the window; a ticket arriving later opens the next one.
 * 3. One ticket → "Nuevo reclamo 4820176: Corte de agua, Barrio Alto. <words>"; several →
 *    "5 reclamos nuevos: 3 corte, 2 fuga. Escriba LISTA". Tickets already acknowledged (or
 *    further) by then are left out: somebody is on them.
 *
 * Outbox ids are derived from (window, user), so a job retried after its commit writes nothing
 * twice. Job payloads carry ids only: `{ "localityId": "…", "windowId": "1753714800000.6b1f…" }`.
 */
import type { Queue } from 'bullmq';
import type Redis from 'ioredis';
import type { Language } from '../domain/resident';
import type { Ticket } from '../domain/ticket';
import type { Translator } from '../i18n/translator';
import { withTimeout } from '../messaging/inbound/with-timeout';
import type { SendDispatcher } from '../messaging/outbound/send-dispatcher';
import type { Logger } from '../shared/logger';
import { UniqueViolationError, type Repository } from '../store/repository';
import { onDutyRecipients } from './alert-recipients';
import { digestAlertText, newTicketAlertText } from './alert-texts';
import { derivedId } from './derived-id';
import { staffAlertRows } from './staff-alert-rows';

export const DIGEST_JOB_NAME = 'digest';

export interface DigestJob {
  localityId: string;
  windowId: string;
}

export interface NewTicketAlertsDeps {
  repo: Pick<Repository, 'getTicket' | 'getLocality' | 'listUsers' | 'commit'>;
  /** The `alerts` queue. */
  alertsQueue: Queue;
  /** Holds the pending sets and windows, under the queue's prefix (any ioredis client). */
  redis: Redis;
  translator: Pick<Translator, 'render'>;
  dispatcher: Pick<SendDispatcher, 'enqueue'>;
  now: () => string;
  newId: () => string;
  logger: Logger;
  /** How long a window gathers tickets before the alert goes out (`ALERT_DIGEST_SECONDS`). */
  digestSeconds: number;
  /** Language of staff alerts for users who chose none; default Spanish. */
  staffLanguage?: Language;
  /** How long `ticketsOpened` waits for Redis before giving up on the alert (default 2 s). */
  scheduleTimeoutMs?: number;
}

export interface DigestOutcome {
  tickets: number;
  recipients: number;
  outboxIds: string[];
}

export interface NewTicketAlerts {
  /** Call after the tickets are stored. Never throws: a lost alert must not fail a resident's turn. */
  ticketsOpened(tickets: Array<Pick<Ticket, 'id' | 'localityId'>>): Promise<void>;
  /** The job's work (called by the alerts worker). */
  sendDigest(job: DigestJob): Promise<DigestOutcome>;
}

/** A day: a window whose job was lost is abandoned and its tickets join the next window. */
const WINDOW_TTL_MS = 24 * 3600 * 1000;

const OPEN_WINDOW_SCRIPT = `
local current = redis.call('GET', KEYS[2])
if not current then
  current = ARGV[1]
  redis.call('SET', KEYS[2], current, 'PX', ARGV[2])
end
for i = 3, #ARGV do redis.call('SADD', KEYS[1], ARGV[i]) end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return current`;

const TAKE_WINDOW_SCRIPT = `
local current = redis.call('GET', KEYS[2])
if (not current) or current == ARGV[1] then
  if redis.call('EXISTS', KEYS[1]) == 1 then
    redis.call('SUNIONSTORE', KEYS[3], KEYS[3], KEYS[1])
    redis.call('DEL', KEYS[1])
  end
  if current then redis.call('DEL', KEYS[2]) end
  redis.call('PEXPIRE', KEYS[3], ARGV[2])
end
return redis.call('SMEMBERS', KEYS[3])`;

export function createNewTicketAlerts(deps: NewTicketAlertsDeps): NewTicketAlerts {
  const language = deps.staffLanguage ?? 'es';
  const digestMs = Math.max(0, deps.digestSeconds) * 1000;
  const prefix = deps.alertsQueue.opts.prefix ?? 'bull';
  const keys = {
    pending: (localityId: string) => `${prefix}:alerts-pending:${localityId}`,
    window: (localityId: string) => `${prefix}:alerts-window:${localityId}`,
    taken: (localityId: string, windowId: string) => `${prefix}:alerts-taken:${localityId}:${windowId}`,
  };

  async function openWindow(localityId: string, ticketIds: string[]): Promise<void> {
    const nowMs = Date.parse(deps.now());
    const client = deps.redis;
    const windowId = String(
      await client.eval(OPEN_WINDOW_SCRIPT, 2, keys.pending(localityId), keys.window(localityId), `${nowMs}.${ticketIds[0]}`, WINDOW_TTL_MS, ...ticketIds),
    );
    const startMs = Number(windowId.split('.')[0]);
    const job: DigestJob = { localityId, windowId };
    await deps.alertsQueue.add(DIGEST_JOB_NAME, job, {
      jobId: `digest-${localityId}-${windowId}`,
      delay: Math.max(0, startMs + digestMs - nowMs),
      attempts: 5,
      backoff: { type: 'exponential', delay: 1000 },
      removeOnComplete: true,
      removeOnFail: { age: 7 * 24 * 3600, count: 1000 },
    });
  }

  return {
    async ticketsOpened(tickets) {
      const byLocality = new Map<string, string[]>();
      for (const ticket of tickets) byLocality.set(ticket.localityId, [...(byLocality.get(ticket.localityId) ?? []), ticket.id]);
      for (const [localityId, ticketIds] of byLocality) {
        try {
          await withTimeout('new-ticket alert scheduling', deps.scheduleTimeoutMs ?? 2000, () => openWindow(localityId, ticketIds));
        } catch (error) {
          deps.logger.error({ localityId, ticketIds, err: error }, 'new-ticket alert not scheduled');
        }
      }
    },

    async sendDigest({ localityId, windowId }) {
      const client = deps.redis;
      const takenKey = keys.taken(localityId, windowId);
      const ids = (await client.eval(TAKE_WINDOW_SCRIPT, 3, keys.pending(localityId), keys.window(localityId), takenKey, windowId, WINDOW_TTL_MS)) as string[];
      const loaded = await Promise.all(ids.map((id) => deps.repo.getTicket(id)));
      const tickets = loaded
        .filter((ticket): ticket is Ticket => ticket !== null && ticket.status === 'open')
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
      const recipients = tickets.length > 0 ? await onDutyRecipients(deps.repo, localityId) : [];
      if (recipients.length === 0) {
        await client.del(takenKey);
        if (tickets.length > 0) deps.logger.warn({ localityId, tickets: tickets.length }, 'new tickets but nobody on duty with a phone');
        return { tickets: tickets.length, recipients: 0, outboxIds: [] };
      }
      const single = tickets.length === 1 ? tickets[0]! : null;
      const rows = staffAlertRows({
        recipients,
        text: (recipient) =>
          single
            ? newTicketAlertText(deps.translator, single, recipient.language ?? language)
            : digestAlertText(deps.translator, tickets, recipient.language ?? language),
        ticketId: single?.id ?? null,
        locality: await deps.repo.getLocality(localityId),
        now: deps.now(),
        idFor: (recipient) => derivedId('new_ticket_alert', windowId, recipient.id),
      });
      try {
        await deps.repo.commit({ outbox: rows });
      } catch (error) {
        if (!(error instanceof UniqueViolationError)) throw error;
        deps.logger.info({ localityId, windowId }, 'digest already stored by an earlier attempt');
      }
      const outboxIds = rows.map((row) => row.id);
      await deps.dispatcher.enqueue(outboxIds);
      await client.del(takenKey);
      deps.logger.info({ localityId, tickets: tickets.length, recipients: recipients.length }, 'new-ticket alert queued');
      return { tickets: tickets.length, recipients: recipients.length, outboxIds };
    },
  };
}
