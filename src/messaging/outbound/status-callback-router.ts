/**
 * `POST /webhooks/twilio/status`: Twilio's delivery reports for messages we sent
 * (form-encoded, signed like every Twilio webhook).
 *
 * @example body: `MessageSid=SM0123…&MessageStatus=delivered&ErrorCode=`
 *
 * - bad or missing signature → 403 (the `verifySignature` middleware, after the body is parsed,
 *   since the signature covers the form fields);
 * - no `MessageSid`/`MessageStatus`, a sid that is not Twilio-shaped, or a non-numeric
 *   `ErrorCode` → 400, nothing changes; a body over the limit → 413;
 * - a status that is not news (see `isStatusAdvance`: a late `sent` after `delivered`) → 200,
 *   nothing changes;
 * - an unknown MessageSid → 200 and ignored. Twilio does not retry status callbacks, so an error
 *   code would only add noise to its debugger; unknown sids are normal for messages sent by
 *   another system on the same account, or a report racing the worker storing the sid (the
 *   worker sets `sent` itself, so only Twilio's early `queued`/`sent` reports can be lost there).
 *
 * Updates for one sid are serialised within this process so two reports read-then-write in order.
 * With several web processes two reports for one message arriving within milliseconds could still
 * interleave; that needs a compare-and-set in the store.
 */
import express, { type NextFunction, type Request, type RequestHandler, type Response, type Router } from 'express';
import { twilioFormBody } from '../../http/twilio-form-body';
import type { Repository } from '../../store/repository';
import type { Logger } from '../../shared/logger';
import { fromTwilioStatus, isStatusAdvance } from './delivery-status';
import { STATUS_CALLBACK_PATH } from './status-callback-path';

export interface StatusCallbackRouterOptions {
  repo: Repository;
  /** Express middleware checking `X-Twilio-Signature` (403 when wrong), e.g. `verifyTwilioSignature(…)`. */
  verifySignature: RequestHandler;
  logger: Logger;
  now: () => Date;
  /** Bytes; default 16 KB: a status report is a few hundred bytes. */
  bodyLimit?: number;
}

const TWILIO_SID = /^[A-Z]{2}[0-9a-f]{32}$/i;

export function createStatusCallbackRouter(options: StatusCallbackRouterOptions): Router {
  const router = express.Router();
  const serialise = createKeyedQueue();

  router.post(
    STATUS_CALLBACK_PATH,
    twilioFormBody({ limit: options.bodyLimit ?? 16 * 1024, parameterLimit: 100 }),
    options.verifySignature,
    async (req: Request, res: Response) => {
      const report = parseReport(req.body);
      if (!report) {
        res.status(400).type('text/plain').send('malformed status callback');
        return;
      }
      const next = fromTwilioStatus(report.messageStatus);
      if (!next) {
        options.logger.debug({ providerSid: report.messageSid, messageStatus: report.messageStatus }, 'status report ignored');
        res.status(200).end();
        return;
      }
      await serialise(report.messageSid, async () => {
        const row = await options.repo.findOutboxByProviderSid(report.messageSid);
        if (!row) {
          options.logger.info({ providerSid: report.messageSid, status: next }, 'status report for an unknown message; ignored');
          return;
        }
        if (!isStatusAdvance(row.status, next)) return;
        await options.repo.updateOutbox(row.id, {
          status: next,
          errorCode: report.errorCode ?? row.errorCode,
          updatedAt: options.now().toISOString(),
        });
        options.logger.info({ outboxId: row.id, previousStatus: row.status, status: next, errorCode: report.errorCode }, 'delivery status recorded');
      });
      res.status(200).end();
    },
  );

  router.use(STATUS_CALLBACK_PATH, (error: unknown, _req: Request, res: Response, next: NextFunction) => {
    const status = (error as { status?: unknown }).status;
    const type = (error as { type?: unknown }).type;
    if (typeof type === 'string' && typeof status === 'number' && status >= 400 && status < 500) {
      res.status(status).type('text/plain').send(status === 413 ? 'body too large' : 'malformed status callback');
      return;
    }
    next(error);
  });

  return router;
}

interface StatusReport {
  messageSid: string;
  messageStatus: string;
  errorCode: string | null;
}

function parseReport(body: unknown): StatusReport | null {
  if (!body || typeof body !== 'object') return null;
  const fields = body as Record<string, unknown>;
  const messageSid = fields.MessageSid ?? fields.SmsSid;
  const messageStatus = fields.MessageStatus ?? fields.SmsStatus;
  const errorCode = fields.ErrorCode;
  if (typeof messageSid !== 'string' || !TWILIO_SID.test(messageSid)) return null;
  if (typeof messageStatus !== 'string' || !/^[a-z_]{1,32}$/i.test(messageStatus)) return null;
  if (errorCode !== undefined && (typeof errorCode !== 'string' || !/^\d{0,6}$/.test(errorCode))) return null;
  return { messageSid, messageStatus, errorCode: errorCode ? errorCode : null };
}

/** Runs tasks with the same key one after another. */
function createKeyedQueue(): <T>(key: string, task: () => Promise<T>) => Promise<T> {
  const tails = new Map<string, Promise<unknown>>();
  return async (key, task) => {
    const previous = tails.get(key) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(task);
    tails.set(key, run);
    try {
      return await run;
    } finally {
      if (tails.get(key) === run) tails.delete(key);
    }
  };
}
