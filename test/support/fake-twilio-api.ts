/**
 * A local stand-in for Twilio's REST API, over real HTTP (node:http): the only part of the system
 * the tests fake. It speaks `POST /2010-04-01/Accounts/:AccountSid/Messages.json` (form-encoded,
 * Basic auth), records every request, answers like Twilio (201 + a Message resource, sid `SM…`,
 * status `queued`) and can be scripted per call: 429 with Retry-After, 5xx, a 4xx with Twilio's
 * error JSON, or a dropped connection. Point the app at it with `TWILIO_API_BASE_URL=baseUrl`.
 *
 * `messages` is what reached "the resident's phone": console and browser tests read it.
 *
 * It also lists messages like Twilio (`GET …/Messages.json?To=&From=&PageSize=`, newest first),
 * which the sender asks before re-sending a message whose outcome it does not know, and can
 * accept a message but answer late (`{ acceptAfterMs }`, or `answerEveryRequestAfterMs`), as a
 * Twilio that took the message after the client had timed out, or a process killed mid-send.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface FakeTwilioRequest {
  method: string;
  path: string;
  accountSid: string | null;
  /** Decoded Basic auth user name (the account sid the client authenticated with). */
  authUser: string | null;
  authorization: string | null;
  to: string | null;
  from: string | null;
  body: string | null;
  contentSid: string | null;
  contentVariables: string | null;
  statusCallback: string | null;
  messagingServiceSid: string | null;
  params: Record<string, string>;
  /** As received (lower-case names), e.g. `user-agent`, `content-type`. */
  headers: IncomingHttpHeaders;
  /** Which TCP connection carried it: 1 for the first one accepted, 2 for the next, … (keep-alive reuse). */
  connectionId: number;
  /** What the fake answered. */
  responseStatus: number;
  receivedAt: Date;
}

export interface FakeTwilioMessage {
  sid: string;
  dateCreated: Date;
  to: string;
  from: string | null;
  body: string | null;
  contentSid: string | null;
  contentVariables: string | null;
  statusCallback: string | null;
}

export type FakeTwilioScript =
  | { status: 429; retryAfterSeconds?: number }
  | { status: 500 | 502 | 503 }
  | { status: 400 | 401 | 403 | 404; code: number; message?: string }
  | { drop: true }
  /** Accept and keep the message, but answer only after this long (the client may time out first). */
  | { acceptAfterMs: number };

export interface FakeTwilioApi {
  baseUrl: string;
  port: number;
  requests: FakeTwilioRequest[];
  messages: FakeTwilioMessage[];
  /** Scripts the next request(s); each call queues one response, consumed in order. */
  failNext(script: FakeTwilioScript): void;
  /** Resolves once at least `count` requests were received. */
  waitForRequests(count: number, timeoutMs?: number): Promise<FakeTwilioRequest[]>;
  /** Every accepted message is answered this late (0 = at once), e.g. to kill the sender mid-send. */
  answerEveryRequestAfterMs: number;
  /** Stops listening (clients get ECONNREFUSED) while keeping the port for `resume()`. */
  pause(): Promise<void>;
  resume(): Promise<void>;
  close(): Promise<void>;
}

const MESSAGES_PATH = /^\/2010-04-01\/Accounts\/(AC[0-9a-fA-F]{32})\/Messages\.json$/;

/** Twilio's list filters: `To`, `From` (exact), newest first, `PageSize` (default 50). */
function listMessages(messages: FakeTwilioMessage[], query: URLSearchParams): FakeTwilioMessage[] {
  const to = query.get('To');
  const from = query.get('From');
  const pageSize = Math.min(Number(query.get('PageSize') ?? 50) || 50, 1000);
  return messages
    .filter((m) => (to === null || m.to === to) && (from === null || m.from === from))
    .slice()
    .reverse()
    .slice(0, pageSize);
}

export async function startFakeTwilioApi(options: { port?: number } = {}): Promise<FakeTwilioApi> {
  const requests: FakeTwilioRequest[] = [];
  const messages: FakeTwilioMessage[] = [];
  const scripts: FakeTwilioScript[] = [];
  const sockets = new Set<Socket>();
  const waiters: Array<() => void> = [];
  const connectionIds = new WeakMap<Socket, number>();
  let connections = 0;

  const server: Server = createServer((req, res) => {
    void handle(req, res);
  });
  server.on('connection', (socket) => {
    connections += 1;
    connectionIds.set(socket, connections);
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://fake-twilio.local');
    const params = Object.fromEntries(new URLSearchParams(raw));
    const authorization = req.headers.authorization ?? null;
    const match = MESSAGES_PATH.exec(url.pathname);
    const record: FakeTwilioRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      accountSid: match?.[1] ?? null,
      authUser: decodeBasicUser(authorization),
      authorization,
      to: params.To ?? null,
      from: params.From ?? null,
      body: params.Body ?? null,
      contentSid: params.ContentSid ?? null,
      contentVariables: params.ContentVariables ?? null,
      statusCallback: params.StatusCallback ?? null,
      messagingServiceSid: params.MessagingServiceSid ?? null,
      params,
      headers: req.headers,
      connectionId: connectionIds.get(req.socket) ?? 0,
      responseStatus: 0,
      receivedAt: new Date(),
    };
    requests.push(record);
    waiters.splice(0).forEach((wake) => wake());

    if (!match || (req.method !== 'POST' && req.method !== 'GET')) {
      return answer(res, record, 404, twilioError(20404, 'The requested resource was not found', 404));
    }
    if (!authorization || record.authUser !== match[1]) {
      return answer(res, record, 401, twilioError(20003, 'Authenticate', 401));
    }
    if (req.method === 'GET') {
      const page = listMessages(messages, url.searchParams).map((m) => messageResource(match[1] ?? '', m));
      return answer(res, record, 200, {
        messages: page,
        page: 0,
        page_size: page.length,
        first_page_uri: `${url.pathname}?${url.searchParams.toString()}`,
        next_page_uri: null,
        previous_page_uri: null,
        uri: `${url.pathname}?${url.searchParams.toString()}`,
        start: 0,
        end: Math.max(page.length - 1, 0),
      });
    }
    const next = scripts.shift();
    const late = next && 'acceptAfterMs' in next ? next.acceptAfterMs : null;
    const script = next && 'acceptAfterMs' in next ? undefined : next;
    if (script && 'drop' in script) {
      record.responseStatus = -1;
      req.socket.destroy();
      return;
    }
    if (script?.status === 429) {
      const headers = script.retryAfterSeconds !== undefined ? { 'Retry-After': String(script.retryAfterSeconds) } : undefined;
      return answer(res, record, 429, twilioError(20429, 'Too Many Requests', 429), headers);
    }
    if (script && (script.status === 500 || script.status === 502 || script.status === 503)) {
      return answer(res, record, script.status, twilioError(20500, 'Internal Server Error', script.status));
    }
    if (script && 'code' in script) {
      return answer(res, record, script.status, twilioError(script.code, script.message ?? defaultMessage(script.code), script.status));
    }
    if (!record.to || (!record.body && !record.contentSid) || (!record.from && !record.messagingServiceSid)) {
      return answer(res, record, 400, twilioError(21604, "A 'To', 'From' and 'Body' or 'ContentSid' are required", 400));
    }
    const message: FakeTwilioMessage = {
      sid: `SM${randomBytes(16).toString('hex')}`,
      dateCreated: new Date(),
      to: record.to,
      from: record.from,
      body: record.body,
      contentSid: record.contentSid,
      contentVariables: record.contentVariables,
      statusCallback: record.statusCallback,
    };
    messages.push(message);
    const lateMs = late ?? api.answerEveryRequestAfterMs;
    if (lateMs > 0) await new Promise((resolve) => setTimeout(resolve, lateMs));
    if (res.destroyed || res.socket?.destroyed) {
      record.responseStatus = -1;
      return;
    }
    return answer(res, record, 201, messageResource(match[1] ?? '', message));
  }

  await listen(server, options.port ?? 0);
  const port = (server.address() as AddressInfo).port;

  const api: FakeTwilioApi = {
    baseUrl: `http://127.0.0.1:${port}`,
    port,
    requests,
    messages,
    answerEveryRequestAfterMs: 0,
    failNext: (script) => {
      scripts.push(script);
    },
    async waitForRequests(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (requests.length < count) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`fake Twilio API: expected ${count} requests, got ${requests.length}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return requests.slice();
    },
    async pause() {
      await stop(server, sockets);
    },
    async resume() {
      await listen(server, port);
    },
    async close() {
      if (server.listening) await stop(server, sockets);
    },
  };
  return api;
}

function answer(res: ServerResponse, record: FakeTwilioRequest, status: number, body: unknown, headers: Record<string, string> = {}): void {
  record.responseStatus = status;
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function twilioError(code: number, message: string, status: number) {
  return { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status };
}

function defaultMessage(code: number): string {
  const known: Record<number, string> = {
    21211: "The 'To' number is not a valid phone number.",
    21408: 'Permission to send an SMS has not been enabled for the region indicated by the To number.',
    21610: 'Attempt to send to unsubscribed recipient',
    21614: "'To' number is not a valid mobile number",
    63016: 'Failed to send freeform message because you are outside the allowed window.',
  };
  return known[code] ?? 'Bad Request';
}

function messageResource(accountSid: string, message: FakeTwilioMessage) {
  const now = message.dateCreated.toUTCString();
  return {
    account_sid: accountSid,
    api_version: '2010-04-01',
    body: message.body ?? '',
    date_created: now,
    date_sent: null,
    date_updated: now,
    direction: 'outbound-api',
    error_code: null,
    error_message: null,
    from: message.from,
    messaging_service_sid: null,
    num_media: '0',
    num_segments: '1',
    price: null,
    price_unit: 'USD',
    sid: message.sid,
    status: 'queued',
    subresource_uris: { media: `/2010-04-01/Accounts/${accountSid}/Messages/${message.sid}/Media.json` },
    to: message.to,
    uri: `/2010-04-01/Accounts/${accountSid}/Messages/${message.sid}.json`,
  };
}

function decodeBasicUser(header: string | null): string | null {
  if (!header?.startsWith('Basic ')) return null;
  const decoded = Buffer.from(header.slice('Basic '.length), 'base64').toString('utf8');
  return decoded.split(':')[0] ?? null;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function stop(server: Server, sockets: Set<Socket>): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    for (const socket of sockets) socket.destroy();
  });
}
