/**
 * `aguavoz chat`: a terminal phone. Each line you type is POSTed to the running server's webhook
 * exactly as Twilio would send it (form-encoded, signed when TWILIO_AUTH_TOKEN is set), and what
 * the system sends to this phone is read back from the local-mode phone feed and printed: a
 * resident's bot replies, and for a staff member's phone the command answers and alerts too.
 *
 * Works interactively (what you type is echoed, messages arriving later are printed above the
 * prompt) and with piped input (one message per line), e.g.
 *   printf 'hola\n1\n' | aguavoz chat --from +51911111111
 */
import { randomBytes } from 'node:crypto';
import { clearLine, createInterface, cursorTo } from 'node:readline';
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
  input?: NodeJS.ReadableStream & { isTTY?: boolean };
  output?: NodeJS.WritableStream;
  /** How often the interactive chat looks for messages that arrive later (default 1 s). */
  pollMs?: number;
}

interface FeedMessage {
  id: string;
  createdAt: string;
  body: string;
}

interface Feed {
  messages: FeedMessage[];
  recipient?: 'resident' | 'staff' | 'unknown';
  optedOut?: boolean;
}

/** The server could not be reached at all (not started, wrong port): said plainly, no stack trace. */
export class ChatServerUnreachableError extends Error {
  readonly code = 'server_unreachable';
  constructor(readonly url: string) {
    super(
      `cannot reach the AguaVoz server at ${url}. Start it in another terminal with \`npm start\` ` +
        '(or point the chat elsewhere with --url; the port is PORT, 3000 by default).',
    );
    this.name = 'ChatServerUnreachableError';
  }
}

const WEBHOOK_PATH = '/webhooks/twilio/messages';
const PROMPT = '> ';

export async function runChat(options: ChatOptions): Promise<void> {
  const input = options.input ?? process.stdin;
  const out = options.output ?? process.stdout;
  const interactive = Boolean(input.isTTY);
  const seen = new Set<string>();
  let since = new Date().toISOString();
  let feedMissingSaid = false;
  let staffSaid = false;

  const rl = createInterface({ input, output: interactive ? out : undefined, terminal: interactive, prompt: PROMPT });
  // At once: piped lines read while the server check below runs would be lost otherwise.
  const lines = rl[Symbol.asyncIterator]();
  /** Prints above the prompt without losing what the person is typing. */
  const print = (line: string) => {
    if (interactive) {
      clearLine(out, 0);
      cursorTo(out, 0);
    }
    out.write(`${line}\n`);
  };
  const prompt = () => {
    if (interactive) rl.prompt(true);
  };

  print(`Phone ${options.from} → ${options.to} via ${options.whatsapp ? 'WhatsApp' : 'SMS'} at ${options.url}`);
  if (!(await isReachable(options.url))) {
    if (!interactive) {
      rl.close();
      throw new ChatServerUnreachableError(options.url);
    }
    print(`${new ChatServerUnreachableError(options.url).message}\nYou can type anyway: each message is sent once the server answers.`);
  }
  if (interactive) print('Type a message and press Enter (Ctrl+D to quit).');

  const readFeed = async (): Promise<Feed | null> => {
    const feed = await fetchFeed(options, since).catch(() => null);
    if (feed === 'missing') {
      if (!feedMissingSaid) print('  (the server has a Twilio account: replies go to the real phone, not here)');
      feedMissingSaid = true;
      return null;
    }
    if (feed?.recipient === 'staff' && !staffSaid) {
      staffSaid = true;
      print('  (this phone belongs to a staff account: its messages are operator commands; type AYUDA for the list)');
    }
    return feed;
  };
  const fresh = (feed: Feed | null) => {
    const messages = (feed?.messages ?? []).filter((m) => !seen.has(m.id));
    for (const message of messages) seen.add(message.id);
    return messages;
  };
  const printReplies = (replies: FeedMessage[]) => {
    for (const reply of replies) {
      print(`< ${reply.body.replace(/\n/g, '\n  ')}`);
      if (reply.createdAt > since) since = reply.createdAt;
    }
  };

  // Interactive: operator replies, alerts and status changes arrive at any time, so keep listening.
  let listening = interactive;
  let busy = false;
  const listener = interactive
    ? (async () => {
        while (listening) {
          await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 1000));
          if (!listening || busy) continue;
          const replies = fresh(await readFeed());
          if (replies.length > 0) {
            printReplies(replies);
            prompt();
          }
        }
      })()
    : null;

  prompt();
  try {
    for (;;) {
      const next = await lines.next();
      if (next.done) break;
      const text = next.value;
      if (text.trim() === '') {
        prompt();
        continue;
      }
      if (!interactive) print(`> ${text}`);
      busy = true;
      try {
        const sent = await sendAsTwilio(options, text).then(
          () => true,
          (error: unknown) => {
            if (!(error instanceof ChatServerUnreachableError)) throw error;
            if (!interactive) throw error;
            print(`  (not sent: ${error.message} Type it again once the server is up.)`);
            return false;
          },
        );
        if (sent) {
          const { replies, last } = await waitForReplies(options.waitMs, readFeed, fresh);
          printReplies(replies);
          if (replies.length === 0) {
            const why = last?.optedOut
              ? '  (no reply: this phone opted out with BAJA, so nothing more is sent to it; send ALTA to receive messages again)'
              : feedMissingSaid
                ? null
                : '  (no reply yet: is the worker running? Anything that arrives later is printed here.)';
            if (why && (!interactive || last?.optedOut)) print(why);
          }
        }
      } finally {
        busy = false;
      }
      prompt();
    }
  } finally {
    listening = false;
    await listener;
    rl.close();
  }
}

/**
 * False only when the connection itself fails (nothing listens there, a wrong host). A server
 * that is slow to answer, as on a busy machine, is there: the chat goes on, and a message it cannot
 * deliver still ends in {@link ChatServerUnreachableError}.
 */
async function isReachable(url: string): Promise<boolean> {
  try {
    await fetch(new URL('/healthz', url), { signal: AbortSignal.timeout(3000) });
    return true;
  } catch (error) {
    return (error as { name?: unknown } | null)?.name === 'TimeoutError';
  }
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
  let response: Response;
  try {
    response = await fetch(`${options.url.replace(/\/$/, '')}${WEBHOOK_PATH}`, {
      method: 'POST',
      headers,
      body: new URLSearchParams(params).toString(),
    });
  } catch {
    throw new ChatServerUnreachableError(options.url);
  }
  if (!response.ok) {
    throw new Error(`the server answered ${response.status} ${await response.text()}`);
  }
}

/** Messages to this phone after `since`; 'missing' when the server has no local phone feed (Twilio mode). */
async function fetchFeed(options: ChatOptions, since: string): Promise<Feed | 'missing'> {
  const url = new URL('/dev/phone/messages', options.url);
  url.searchParams.set('phone', options.from);
  url.searchParams.set('after', since);
  const response = await fetch(url);
  if (response.status === 404) return 'missing';
  if (!response.ok) throw new Error(`phone feed answered ${response.status}`);
  return (await response.json()) as Feed;
}

/** Polls the phone feed until replies stop arriving for a moment (or `waitMs` passes). */
async function waitForReplies(
  waitMs: number,
  readFeed: () => Promise<Feed | null>,
  fresh: (feed: Feed | null) => FeedMessage[],
): Promise<{ replies: FeedMessage[]; last: Feed | null }> {
  const collected: FeedMessage[] = [];
  const deadline = Date.now() + waitMs;
  let lastArrival = 0;
  let last: Feed | null = null;
  while (Date.now() < deadline) {
    const feed = await readFeed();
    if (feed === null) return { replies: collected, last };
    last = feed;
    const replies = fresh(feed);
    collected.push(...replies);
    if (replies.length > 0) lastArrival = Date.now();
    if (collected.length > 0 && Date.now() - lastArrival > 700) break;
    // An opted-out phone gets no answer: say so at once rather than after the whole wait.
    if (collected.length === 0 && feed.optedOut && Date.now() > deadline - waitMs + 1500) break;
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  return { replies: collected, last };
}
