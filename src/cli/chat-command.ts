/**
 * `aguavoz chat`: a terminal phone. Each line you type is POSTed to the running server's webhook
 * exactly as Twilio would send it (form-encoded, signed when TWILIO_AUTH_TOKEN is set), and the
 * bot's replies are read back from the local-mode outbox feed and printed.
 *
 * Works interactively and with piped input (one message per line), e.g.
 *   printf 'hola\n1\n' | aguavoz chat --from +51911111111
 */
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import twilio from 'twilio';

export interface ChatOptions {
  url: string;
  from: string;
  to: string;
  whatsapp: boolean;
  authToken?: string;
  /** Base URL Twilio would sign against (PUBLIC_BASE_URL); defaults to `url`. */
  publicBaseUrl?: string;
  /** How long to wait for the bot's replies after each message. */
  waitMs: number;
  output?: NodeJS.WritableStream;
}

interface FeedMessage {
  id: string;
  createdAt: string;
  body: string;
}

const WEBHOOK_PATH = '/webhooks/twilio/messages';

export async function runChat(options: ChatOptions): Promise<void> {
  const out = options.output ?? process.stdout;
  const print = (line: string) => out.write(`${line}\n`);
  const interactive = Boolean(process.stdin.isTTY);
  const seen = new Set<string>();
  let since = new Date().toISOString();

  print(`Phone ${options.from} → ${options.to} via ${options.whatsapp ? 'WhatsApp' : 'SMS'} at ${options.url}`);
  print(interactive ? 'Type a message and press Enter (Ctrl+D to quit).' : '');

  const rl = createInterface({ input: process.stdin, terminal: interactive });
  const printReplies = (replies: FeedMessage[]) => {
    for (const reply of replies) {
      print(`< ${reply.body.replace(/\n/g, '\n  ')}`);
      if (reply.createdAt > since) since = reply.createdAt;
    }
  };

  // Interactive: operator replies and status changes arrive at any time, so keep listening.
  let listening = true;
  const listener = interactive
    ? (async () => {
        while (listening) {
          await new Promise((resolve) => setTimeout(resolve, 1000));
          if (!listening) break;
          const fresh = await fetchNew(options, since, seen).catch(() => []);
          if (fresh.length > 0) {
            out.write('\r');
            printReplies(fresh);
            out.write('> ');
          }
        }
      })()
    : null;

  const lines = rl[Symbol.asyncIterator]();
  if (interactive) out.write('> ');
  for (;;) {
    const next = await lines.next();
    if (next.done) break;
    const text = next.value;
    if (text.trim() === '') {
      if (interactive) out.write('> ');
      continue;
    }
    if (!interactive) print(`> ${text}`);
    await sendAsTwilio(options, text);
    const replies = await waitForReplies(options, since, seen);
    printReplies(replies);
    if (replies.length === 0 && !interactive) print('  (no reply yet: is the worker running? replies go to a real phone when Twilio is configured)');
    if (interactive) out.write('> ');
  }
  listening = false;
  await listener;
  rl.close();
}

async function sendAsTwilio(options: ChatOptions, body: string): Promise<void> {
  const prefix = options.whatsapp ? 'whatsapp:' : '';
  const params: Record<string, string> = {
    MessageSid: `SM${randomBytes(16).toString('hex')}`,
    AccountSid: `AC${'0'.repeat(32)}`,
    From: `${prefix}${options.from}`,
    To: `${prefix}${options.to}`,
    Body: body,
    NumMedia: '0',
    NumSegments: '1',
    ApiVersion: '2010-04-01',
  };
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (options.authToken) {
    const signedUrl = `${(options.publicBaseUrl ?? options.url).replace(/\/$/, '')}${WEBHOOK_PATH}`;
    headers['x-twilio-signature'] = twilio.getExpectedTwilioSignature(options.authToken, signedUrl, params);
  }
  const response = await fetch(`${options.url.replace(/\/$/, '')}${WEBHOOK_PATH}`, {
    method: 'POST',
    headers,
    body: new URLSearchParams(params).toString(),
  });
  if (!response.ok) {
    throw new Error(`the server answered ${response.status} ${await response.text()}`);
  }
}

/** New messages to this phone since `since` that were not printed yet (marks them seen). */
async function fetchNew(options: ChatOptions, since: string, seen: Set<string>): Promise<FeedMessage[]> {
  const url = new URL('/dev/phone/messages', options.url);
  url.searchParams.set('phone', options.from);
  url.searchParams.set('after', since);
  const response = await fetch(url);
  if (response.status === 404) return [];
  const { messages } = (await response.json()) as { messages: FeedMessage[] };
  const fresh = messages.filter((m) => !seen.has(m.id));
  for (const message of fresh) seen.add(message.id);
  return fresh;
}

/** Polls the local outbox feed until replies stop arriving for a moment. */
async function waitForReplies(options: ChatOptions, since: string, seen: Set<string>): Promise<FeedMessage[]> {
  const collected: FeedMessage[] = [];
  const deadline = Date.now() + options.waitMs;
  let lastArrival = 0;
  while (Date.now() < deadline) {
    const fresh = await fetchNew(options, since, seen).catch(() => null);
    if (fresh === null) return collected;
    collected.push(...fresh);
    if (fresh.length > 0) lastArrival = Date.now();
    if (collected.length > 0 && Date.now() - lastArrival > 700) break;
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  return collected;
}
