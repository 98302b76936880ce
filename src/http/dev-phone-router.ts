/**
 * Local mode only (no Twilio account): lets `aguavoz chat` read what the local transport "sent" to
 * a phone, straight from the outbox. Every phone the system writes to is readable, whoever it
 * belongs to: a resident's bot replies, a staff member's command answers and alerts, a committee
 * member's summaries. Mounted only without Twilio credentials and answering loopback callers
 * only, because it exposes what was sent to a number.
 *
 * @example GET /dev/phone/messages?phone=%2B51987000999&after=2026-01-01T00:00:00.000Z
 *   // { "messages": [{ "id": "…", "createdAt": "…", "kind": "alert", "body": "Nuevo reclamo …" }],
 *   //   "recipient": "staff", "optedOut": false }
 */
import { Router } from 'express';
import { z } from 'zod';
import type { Repository } from '../store/repository';
import { normalizePhone } from '../shared/phone';
import { isLoopbackAddress } from './loopback';

const querySchema = z.object({
  phone: z.string().min(4),
  after: z.iso.datetime().optional(),
});

/** Newest rows read per poll; a chat polls every second, so this is far more than arrives between polls. */
const FEED_LIMIT = 50;

export const DEV_PHONE_FEED_PATH = '/dev/phone/messages';

export type PhoneRecipient = 'resident' | 'staff' | 'unknown';

export function createDevPhoneRouter(deps: { repo: Pick<Repository, 'findResidentByPhone' | 'findUserByPhone' | 'listOutboxToPhone'> }): Router {
  const router = Router();
  router.get(DEV_PHONE_FEED_PATH, async (req, res, next) => {
    if (!isLoopbackAddress(req.socket.remoteAddress)) {
      res.status(403).json({ error: { code: 'forbidden', message: 'local mode: loopback only' } });
      return;
    }
    const parsed = querySchema.safeParse(req.query);
    const phone = parsed.success ? normalizePhone(parsed.data.phone) : null;
    if (!parsed.success || !phone) {
      res.status(400).json({ error: { code: 'invalid_request', message: 'phone (E.164) is required; after must be ISO-8601' } });
      return;
    }
    try {
      const [rows, user, resident] = await Promise.all([
        deps.repo.listOutboxToPhone(phone, { limit: FEED_LIMIT }),
        deps.repo.findUserByPhone(phone),
        deps.repo.findResidentByPhone(phone),
      ]);
      const after = parsed.data.after;
      const messages = rows
        .filter((row) => !after || row.createdAt > after)
        .sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0))
        .map((row) => ({ id: row.id, createdAt: row.createdAt, channel: row.channel, kind: row.kind, status: row.status, body: row.body }));
      const recipient: PhoneRecipient = user ? 'staff' : resident ? 'resident' : 'unknown';
      res.json({ messages, recipient, optedOut: resident?.optedOut ?? false });
    } catch (error) {
      next(error);
    }
  });
  return router;
}
