/**
 * `POST /webhooks/twilio/messages`: what Twilio calls for every SMS and WhatsApp message to a
 * town's number. Size cap (413) → verify signature (403) → parse (400) → durable intake → 200
 * with empty TwiML. Every 200 means "kept" (stored, or spooled to disk when the store is down).
 *
 * The only 500 is when neither the store nor the spool could keep the message (disk full and
 * store down). Twilio does not retry a messaging webhook that answered 5xx unless the number's
 * webhook URL asks for it with a connection override (e.g. `#rc=2&rt=1000`); otherwise the
 * message is lost for us but stays visible in Twilio's console (error 11200) and message log,
 * and the resident gets no answer. The Redis dedupe key is released first, so a retry is
 * accepted as new.
 */
import { Router, type ErrorRequestHandler, type RequestHandler } from 'express';
import { twilioFormBody } from '../../http/twilio-form-body';
import { verifyTwilioSignature } from '../../http/twilio-webhook-auth';
import { newId } from '../../shared/ids';
import type { Logger } from '../../shared/logger';
import { InvalidInboundMessageError, parseInboundForm } from './inbound-parser';
import { createInboundIntake, type InboundIntakeDeps } from './inbound-intake';

export const INBOUND_WEBHOOK_PATH = '/webhooks/twilio/messages';
export const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

export interface InboundRouterDeps extends InboundIntakeDeps {
  authToken?: string;
  publicBaseUrl?: string;
  /** The signature check, when the host shares one with the status-callback route. */
  verifySignature?: RequestHandler;
  logger: Logger;
  /** Injected for tests; default: the system clock and random UUIDs. */
  clock?: () => Date;
  newId?: () => string;
  /** Bytes; default 64 KB. Twilio's forms are a few KB; anything bigger is not Twilio. */
  bodyLimit?: number;
}

export function createInboundRouter(deps: InboundRouterDeps): Router {
  const clock = deps.clock ?? (() => new Date());
  const makeId = deps.newId ?? newId;
  const intake = createInboundIntake(deps);
  const router = Router();

  router.post(
    INBOUND_WEBHOOK_PATH,
    twilioFormBody({ limit: deps.bodyLimit ?? 64 * 1024 }),
    deps.verifySignature ?? verifyTwilioSignature({ authToken: deps.authToken, publicBaseUrl: deps.publicBaseUrl, logger: deps.logger }),
    async (req, res) => {
      let message;
      try {
        message = parseInboundForm(req.body, { id: makeId(), receivedAt: clock().toISOString() });
      } catch (error) {
        if (!(error instanceof InvalidInboundMessageError)) throw error;
        deps.logger.warn({ issues: error.issues }, 'malformed inbound webhook refused');
        res.status(400).type('text/plain').send(`Bad Request: ${error.issues.join('; ')}`);
        return;
      }
      await intake.accept(message);
      res.status(200).type('text/xml').send(EMPTY_TWIML);
    },
  );

  const onError: ErrorRequestHandler = (error, _req, res, _next) => {
    const status = typeof error?.status === 'number' && error.status >= 400 && error.status < 500 ? error.status : 500;
    if (status === 500) deps.logger.error({ err: { name: error?.name, code: error?.code } }, 'inbound webhook failed');
    else deps.logger.warn({ status, type: error?.type }, 'inbound webhook body refused');
    res.status(status).type('text/plain').send(status === 413 ? 'Payload Too Large' : status === 500 ? 'Internal Server Error' : 'Bad Request');
  };
  router.use(INBOUND_WEBHOOK_PATH, onError);
  return router;
}
