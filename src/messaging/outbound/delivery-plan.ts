/**
 * How one outbox row actually goes out. WhatsApp allows free-form text only within 24 hours of
 * the person's last message to us; outside it, Twilio refuses free text (error 63016), so the
 * reply goes as the approved template (ContentSid, the text as variable 1) when one is configured,
 * otherwise by SMS with the text re-adapted to GSM-7. Pure: the clock comes in as `now`.
 */
import type { OutboxMessage } from '../../domain/message';
import type { Channel, Resident } from '../../domain/resident';
import { adaptForChannel } from '../../i18n/channel-text';

export const WHATSAPP_WINDOW_MS = 24 * 60 * 60 * 1000;

export type DeliveryRoute = 'as_stored' | 'whatsapp_template' | 'sms_fallback';

export interface DeliveryPlan {
  route: DeliveryRoute;
  channel: Channel;
  body: string;
  contentSid?: string;
  /** e.g. `{"1":"Su reclamo 4821 fue atendido."}` */
  contentVariables?: string;
}

export interface PlanDeliveryInput {
  message: Pick<OutboxMessage, 'channel' | 'body'>;
  /** Null for operator/committee recipients: no known window, so they are treated as outside it. */
  resident: Pick<Resident, 'lastWhatsappInboundAt'> | null;
  now: Date;
  whatsappTemplateSid?: string;
}

export function planDelivery(input: PlanDeliveryInput): DeliveryPlan {
  const { message } = input;
  if (message.channel !== 'whatsapp' || isInsideWhatsappWindow(input.resident?.lastWhatsappInboundAt ?? null, input.now)) {
    return { route: 'as_stored', channel: message.channel, body: message.body };
  }
  if (input.whatsappTemplateSid) {
    return {
      route: 'whatsapp_template',
      channel: 'whatsapp',
      body: message.body,
      contentSid: input.whatsappTemplateSid,
      contentVariables: JSON.stringify({ '1': asTemplateVariable(message.body) }),
    };
  }
  return { route: 'sms_fallback', channel: 'sms', body: adaptForChannel(message.body, 'sms') };
}

export function isInsideWhatsappWindow(lastWhatsappInboundAt: string | null, now: Date): boolean {
  if (!lastWhatsappInboundAt) return false;
  const last = Date.parse(lastWhatsappInboundAt);
  if (Number.isNaN(last)) return false;
  return now.getTime() - last < WHATSAPP_WINDOW_MS;
}

/** WhatsApp rejects template variables with new lines, tabs or more than 4 spaces in a row. */
function asTemplateVariable(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
