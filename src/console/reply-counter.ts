/**
 * What the operator's reply will cost the resident's phone: the reply reaches them wrapped in
 * `notify.operator_reply` and, by SMS, transliterated to GSM-7, so the count is of that final
 * text (Twilio's calculator). Rendered on the server (works without JavaScript, e.g. after a
 * refused form) and kept live while typing by `/console/assets/reply-counter.js`.
 */
import type { Channel, Language } from '../domain/resident';
import { adaptForChannel } from '../i18n/channel-text';
import { isGsm7 } from '../i18n/gsm7';
import { measureSms } from '../i18n/sms-segments';
import type { Translator } from '../i18n/translator';
import type { ConsoleText } from './console-views';

/** Stands for the operator's text in the template the script fills in. */
export const REPLY_PLACEHOLDER = '\u2063TEXT\u2063';

export interface ReplyCounterData {
  channel: Channel;
  /** `notify.operator_reply` in the resident's language with {@link REPLY_PLACEHOLDER} for the text. */
  template: string;
  /** The count of the current draft, e.g. "2 SMS · GSM-7 · 187 caracteres". */
  summary: string;
  /** Labels the script uses (ICU-free, filled by simple replacement). */
  labels: { sms: string; whatsapp: string; adapted: string };
  placeholder: string;
}

export function replyCounter(input: {
  translator: Pick<Translator, 'render'>;
  text: ConsoleText;
  channel: Channel;
  language: Language;
  reference: string;
  draft: string;
}): ReplyCounterData {
  const render = (value: string) => input.translator.render('notify.operator_reply', input.language, { reference: input.reference, text: value });
  const labels = {
    sms: input.text.t('workday.console.counter_sms', { segments: '{segments}', charset: '{charset}', chars: '{chars}' }),
    whatsapp: input.text.t('workday.console.counter_whatsapp', { chars: '{chars}' }),
    adapted: input.text.t('workday.console.counter_adapted', { count: '{count}' }),
  };
  return {
    channel: input.channel,
    template: render(REPLY_PLACEHOLDER),
    summary: summarize(render(input.draft), input.channel, labels),
    labels,
    placeholder: REPLY_PLACEHOLDER,
  };
}

function summarize(message: string, channel: Channel, labels: ReplyCounterData['labels']): string {
  const sent = adaptForChannel(message, channel);
  if (channel === 'whatsapp') return labels.whatsapp.replace('{chars}', String([...sent].length));
  const measure = measureSms(sent);
  const changed = [...message.normalize('NFC')].filter((char) => !isGsm7(char)).length;
  const line = labels.sms
    .replace('{segments}', String(measure.segments))
    .replace('{charset}', measure.encoding)
    .replace('{chars}', String(measure.characters));
  return changed > 0 ? `${line} ${labels.adapted.replace('{count}', String(changed))}` : line;
}
