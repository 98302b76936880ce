/**
 * Local mode only (no Twilio account): lets `aguavoz chat` read the replies the local transport
 * "sent" to a phone, straight from the outbox. Mounted only without Twilio credentials and
 * answering loopback callers only, because it exposes what was sent to a number.
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

export function createDevPhoneRouter(deps: { repo: Repository }): Router {
  const router = Router();
  router.get('/dev/phone/messages', async (req, res) => {
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
    const resident = await deps.repo.findResidentByPhone(phone);
    if (!resident) {
      res.json({ messages: [] });
      return;
    }
    const rows = await deps.repo.listOutboxByResident(resident.id, { limit: 50 });
    const after = parsed.data.after;
    const messages = rows
      .filter((row) => !after || row.createdAt > after)
      .sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0))
      .map((row) => ({ id: row.id, createdAt: row.createdAt, channel: row.channel, status: row.status, body: row.body }));
    res.json({ messages });
  });
  return router;
}
