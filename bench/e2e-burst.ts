/**
 * End to end: many residents text at once, each through a whole conversation (report an outage,
 * answer the questions, then ask ESTADO with the reference they were given), each waiting for the
 * bot's replies before the next message, as a person does. A message counts as answered when its
 * replies reach the fake Twilio API. `duplicated` counts copies: a text that reached the same
 * phone more than once (every reply of this conversation differs from the others); `lost`, the
 * replies a single careful resident gets (the calibration) that a burst resident did not get.
 */
import { Agent, request } from 'node:http';
import type { FakeTwilioApi } from '../test/support/fake-twilio-api';
import { signedRequestBody, type SignedForm } from './webhook-load';

export const CONVERSATION = ['no hay agua desde ayer', '1', '2', '4', 'ESTADO {reference}'];

export interface BurstResult {
  residents: number;
  messages: number;
  seconds: number;
  msgs_per_s: number;
  lost: number;
  duplicated: number;
  webhook_failures: number;
  expected_replies: number;
  replies: number;
  /** Set by run-bench from the service process's /proc figures. */
  service_cpu_s?: number;
  service_cpu_ms_per_msg?: number;
}

/** Follows the fake API's message log and wakes whoever waits for replies to a phone. */
function createReplyIndex(fake: FakeTwilioApi) {
  const byPhone = new Map<string, string[]>();
  const waiters = new Map<string, Array<() => void>>();
  let seen = 0;
  const timer = setInterval(() => {
    for (; seen < fake.messages.length; seen += 1) {
      const message = fake.messages[seen]!;
      const to = message.to.replace(/^whatsapp:/, '');
      const list = byPhone.get(to) ?? [];
      list.push(message.body ?? '');
      byPhone.set(to, list);
      for (const wake of waiters.get(to)?.splice(0) ?? []) wake();
    }
  }, 10);
  return {
    replies: (phone: string) => byPhone.get(phone) ?? [],
    async waitFor(phone: string, count: number, timeoutMs: number): Promise<boolean> {
      const deadline = Date.now() + timeoutMs;
      while ((byPhone.get(phone)?.length ?? 0) < count) {
        const left = deadline - Date.now();
        if (left <= 0) return false;
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, Math.min(left, 1000));
          const list = waiters.get(phone) ?? [];
          list.push(() => {
            clearTimeout(t);
            resolve();
          });
          waiters.set(phone, list);
        });
      }
      return true;
    },
    stop: () => clearInterval(timer),
  };
}

function post(agent: Agent, url: URL, form: SignedForm, from: string, text: string): Promise<number> {
  const signed = signedRequestBody(form, from, text);
  return new Promise((resolve) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(signed.body),
          'x-twilio-signature': signed.signature,
        },
        timeout: 20_000,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', () => resolve(0));
    req.on('timeout', () => req.destroy());
    req.end(signed.body);
  });
}

function referenceIn(replies: string[]): string | null {
  for (const text of replies) {
    const match = /codigo (\d{7,9})/.exec(text);
    if (match) return match[1]!;
  }
  return null;
}

export interface BurstOptions {
  webhookUrl: string;
  form: SignedForm;
  fake: FakeTwilioApi;
  residents: string[];
  /** Replies expected after each step, from a calibration run (null: calibrate with the first resident). */
  expectedPerStep?: number[];
  stepTimeoutMs?: number;
  maxSockets?: number;
}

/** One resident alone, waiting for silence after each step: how many replies each step gets. */
export async function calibrate(options: Omit<BurstOptions, 'residents'> & { phone: string; quietMs?: number }): Promise<number[]> {
  const index = createReplyIndex(options.fake);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const url = new URL(options.webhookUrl);
  const perStep: number[] = [];
  try {
    for (const step of CONVERSATION) {
      const before = index.replies(options.phone).length;
      const text = step.replace('{reference}', referenceIn(index.replies(options.phone)) ?? '0000000');
      const status = await post(agent, url, options.form, options.phone, text);
      if (status !== 200) throw new Error(`calibration webhook answered ${status}`);
      await index.waitFor(options.phone, before + 1, 30_000);
      // Several replies to one message arrive in sequence; wait until none comes for a while.
      for (let last = -1; last !== index.replies(options.phone).length; ) {
        last = index.replies(options.phone).length;
        await new Promise((resolve) => setTimeout(resolve, options.quietMs ?? 3000));
      }
      perStep.push(index.replies(options.phone).length - before);
    }
  } finally {
    index.stop();
    agent.destroy();
  }
  return perStep;
}

export async function runBurst(options: BurstOptions & { expectedPerStep: number[] }): Promise<BurstResult> {
  const index = createReplyIndex(options.fake);
  const agent = new Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 64 });
  const url = new URL(options.webhookUrl);
  const stepTimeoutMs = options.stepTimeoutMs ?? 120_000;
  let webhookFailures = 0;
  let sent = 0;
  const expectedTotal = options.expectedPerStep.reduce((a, b) => a + b, 0);

  async function converse(phone: string): Promise<void> {
    let expected = 0;
    for (const [i, step] of CONVERSATION.entries()) {
      const text = step.replace('{reference}', referenceIn(index.replies(phone)) ?? '0000000');
      const status = await post(agent, url, options.form, phone, text);
      sent += 1;
      if (status !== 200) webhookFailures += 1;
      expected += options.expectedPerStep[i]!;
      if (!(await index.waitFor(phone, expected, stepTimeoutMs))) return;
    }
  }

  const started = performance.now();
  await Promise.all(options.residents.map((phone) => converse(phone)));
  const seconds = (performance.now() - started) / 1000;
  // Late duplicates: give the sender a moment to show any second copy.
  await new Promise((resolve) => setTimeout(resolve, 3000));
  index.stop();
  agent.destroy();

  let lost = 0;
  let duplicated = 0;
  let replies = 0;
  for (const phone of options.residents) {
    const got = index.replies(phone);
    const distinct = new Set(got).size;
    replies += got.length;
    duplicated += got.length - distinct;
    lost += Math.max(0, expectedTotal - distinct);
  }
  return {
    residents: options.residents.length,
    messages: sent,
    seconds: Math.round(seconds * 10) / 10,
    msgs_per_s: Math.round(sent / seconds),
    lost,
    duplicated,
    webhook_failures: webhookFailures,
    expected_replies: expectedTotal * options.residents.length,
    replies,
  };
}
