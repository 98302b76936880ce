/**
 * Counts Twilio webhooks by outcome at the edge, from the status the route answered, so the
 * webhook code itself stays free of metrics: 200 → received (by channel), 403 → bad signature,
 * 400 → malformed, 413 → too large, 5xx → error.
 */
import type { RequestHandler } from 'express';
import type { Metrics } from './metrics';

const REJECTION_BY_STATUS: Record<number, string> = { 400: 'malformed', 403: 'bad_signature', 413: 'too_large' };

export function countTwilioWebhooks(metrics: Pick<Metrics, 'webhookReceived' | 'webhookRejected'>): RequestHandler {
  return (req, res, next) => {
    if (!req.path.startsWith('/webhooks/twilio/')) {
      next();
      return;
    }
    res.on('finish', () => {
      if (res.statusCode === 200) {
        const from = String((req.body as Record<string, unknown> | undefined)?.From ?? '');
        const channel = req.path.endsWith('/status') ? 'status' : from.startsWith('whatsapp:') ? 'whatsapp' : 'sms';
        metrics.webhookReceived.inc({ channel });
      } else {
        metrics.webhookRejected.inc({ reason: REJECTION_BY_STATUS[res.statusCode] ?? (res.statusCode >= 500 ? 'error' : `http_${res.statusCode}`) });
      }
    });
    next();
  };
}
