/**
 * CPU cost of one send through the Twilio transport (issue 11, send path): starts the fake
 * Twilio API in a child process, calls `send()` N times with a fixed number in flight, and prints
 * this process's CPU milliseconds per send (the client's cost alone: the fake's CPU is the
 * child's) and sends per second.
 *
 *   SWC_NODE_PROJECT=tsconfig.json node -r @swc-node/register bench/twilio-send-cost.ts [sends=5000] [concurrency=32] [runs=3]
 */
import { fork } from 'node:child_process';
import { startFakeTwilioApi } from '../test/support/fake-twilio-api';
import * as current from '../src/messaging/outbound/twilio-transport';

// TWILIO_TRANSPORT_MODULE=path: measure another copy of the transport (e.g. the code before a change).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createTwilioTransport } = (process.env.TWILIO_TRANSPORT_MODULE ? require(process.env.TWILIO_TRANSPORT_MODULE) : current) as typeof current;

const [sends = 5000, concurrency = 32, runs = 3] = process.argv.slice(2).map(Number);
const ACCOUNT_SID = `AC${'1a2b3c4d'.repeat(4)}`;

if (process.env.FAKE_TWILIO_CHILD) {
  void startFakeTwilioApi().then((fake) => {
    process.send?.(fake.baseUrl);
    // Only the count is kept: the bench asks for it at the end of a run.
    process.on('message', () => {
      process.send?.(String(fake.messages.length));
      fake.messages.length = 0;
      fake.requests.length = 0;
    });
  });
} else {
  void main();
}

function startFakeChild() {
  const child = fork(__filename, [], { env: { ...process.env, FAKE_TWILIO_CHILD: '1' }, execArgv: ['-r', '@swc-node/register'] });
  const nextMessage = () => new Promise<string>((resolve) => child.once('message', (m) => resolve(String(m))));
  return { child, nextMessage };
}

async function run(index: number): Promise<void> {
  const { child, nextMessage } = startFakeChild();
  const fake = { baseUrl: await nextMessage() };
  const countAndReset = async () => {
    const answer = nextMessage();
    child.send('count');
    return Number(await answer);
  };
  const transport = createTwilioTransport({ accountSid: ACCOUNT_SID, authToken: 'bench-token', apiBaseUrl: fake.baseUrl, publicBaseUrl: 'https://aguavoz.example.pe' });
  const request = (i: number) => ({ to: `+5194${String(i % 10_000_000).padStart(7, '0')}`, from: '+51940000001', channel: 'sms' as const, body: `Su reporte AV-${i} fue recibido. Gracias.` });
  // Warm-up: load the library, JIT, open sockets.
  await Promise.all(Array.from({ length: concurrency }, (_, i) => transport.send(request(i))));
  await countAndReset();
  let next = 0;
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < sends) await transport.send(request(next++));
    }),
  );
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const received = await countAndReset();
  if (received !== sends) throw new Error(`expected ${sends} messages, the fake has ${received}`);
  console.log(`run ${index}: ${sends} sends, ${concurrency} in flight: ${(cpuMs / sends).toFixed(3)} CPU ms/send, ${Math.round(sends / (wallMs / 1000))} sends/s`);
  child.kill();
}

async function main(): Promise<void> {
  for (let i = 1; i <= runs; i += 1) await run(i);
  process.exit(0);
}
