/**
 * `npm run bench` (issue 11): AguaVoz started as `npm start` starts it (the embedded default:
 * SQLite, the local Redis under a throw-away prefix, Twilio's REST API faked by the test
 * suite's fake server), a bare Express baseline in the same run, then:
 *   1. the signed webhook at 1, 50 and 200 connections (autocannon), baseline alternated;
 *   2. end to end: 2,000 residents × 5 messages through whole conversations;
 *   3. the weekly committee figures (`committee-figures.ts`: seeded stores of 100,000 and
 *      1,000,000 tickets, after the service has stopped);
 *   4. idle and peak RSS, start-up time.
 * Prints one table and writes bench/results.json. Not a test: nothing here passes or fails.
 *
 * Knobs (env): BENCH_DURATION_S (10), BENCH_RESIDENTS (2000), BENCH_PORT (3810),
 * BENCH_REDIS_URL (redis://127.0.0.1:6379), BENCH_SKIP_E2E=1, BENCH_CPU_PROF=<dir> (the service
 * runs with --cpu-prof into that folder), BENCH_SERVICE_ROOT=<checkout> (bench another checkout's
 * service, e.g. the commit before a change, with this load generator), BENCH_RESULTS=<file>,
 * BENCH_SKIP_COMMITTEE=1, BENCH_ONLY=committee (only that section, merged into the results file),
 * BENCH_COMMITTEE_TICKETS_A (100000), BENCH_COMMITTEE_TICKETS_B (1000000),
 * BENCH_COMMITTEE_TOWNS (50), BENCH_COMMITTEE_REPEAT (5; B runs at most 3).
 * BENCH_NODE_FLAGS="--trace-gc …" (extra node flags for the service, e.g. to take heap snapshots),
 * BENCH_SKIP_WEBHOOK=1 (skip the webhook levels: start, idle RSS, then the burst; for memory work),
 * BENCH_KEEP=1 (keep bench/.run/<id>).
 */
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { startFakeTwilioApi } from '../test/support/fake-twilio-api';
import { deletePrefix } from '../test/support/redis';
import { calibrate, CONVERSATION, runBurst, type BurstResult } from './e2e-burst';
import { measureCommitteeFigures, type CommitteeFigures } from './committee-figures';
import { startWatched, type WatchedProcess } from './service-process';
import { runWebhookLoad, type LoadResult, type SignedForm } from './webhook-load';

const ROOT = join(__dirname, '..');
/** Whose `bin/aguavoz.js` runs: this checkout, or another one for a before/after comparison. */
const SERVICE_ROOT = process.env.BENCH_SERVICE_ROOT ?? ROOT;
const WEBHOOK_PATH = '/webhooks/twilio/messages';
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const RESIDENTS = Number(process.env.BENCH_RESIDENTS ?? 2000);
const PORT = Number(process.env.BENCH_PORT ?? 3810);
const BASELINE_PORT = PORT + 1;
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const LEVELS = [1, 50, 200] as const;

const runId = randomBytes(4).toString('hex');
const runDir = join(ROOT, 'bench', '.run', runId);
const prefix = `bench-${runId}`;
const authToken = randomBytes(16).toString('hex');
const accountSid = `AC${randomBytes(16).toString('hex')}`;

function machineLine(): string {
  return `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GB, Node ${process.version}, ${process.platform}`;
}

function log(line: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
}

function phones(first: number, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `+519${String(first + i).padStart(8, '0')}`);
}

/**
 * The node flags `npm start` gives the service (package.json: `exec node <flags> bin/aguavoz.js
 * start`), so the benchmark starts it exactly so without going through npm.
 */
function startScriptNodeFlags(root: string): string[] {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts?: { start?: string } };
  const match = /\bnode\s+(.*?)\s*bin\/aguavoz\.js\b/.exec(pkg.scripts?.start ?? '');
  return match?.[1] ? match[1].split(/\s+/).filter(Boolean) : [];
}

async function drainQueues(queues: Queue[], timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const counts = await Promise.all(queues.map((q) => q.getJobCounts('wait', 'active', 'delayed', 'prioritized')));
    const left = counts.reduce((sum, c) => sum + Object.values(c).reduce((a, b) => a + b, 0), 0);
    if (left === 0 || Date.now() > deadline) return left;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * `BENCH_ONLY=committee`: only the committee figures (no service, no load), merged into the
 * existing results file so the other sections' figures stay as they were measured.
 */
async function committeeOnly(): Promise<void> {
  mkdirSync(runDir, { recursive: true });
  try {
    const committee = await measureCommitteeFigures({ root: ROOT, runDir, log });
    const file = process.env.BENCH_RESULTS ?? join(ROOT, 'bench', 'results.json');
    const previous = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
    const results = {
      ...previous,
      committee,
      committee_date: new Date().toISOString(),
      committee_machine: `${machineLine()}; load average at the end ${loadavg().map((l) => l.toFixed(1)).join(' ')}`,
    };
    writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
    process.stdout.write(`${formatTable(results as unknown as Parameters<typeof formatTable>[0])}\n`);
  } finally {
    if (process.env.BENCH_KEEP !== '1') rmSync(runDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  if (process.env.BENCH_ONLY === 'committee') return committeeOnly();
  if (process.env.BENCH_ONLY) throw new Error(`BENCH_ONLY: only "committee" is supported, not "${process.env.BENCH_ONLY}"`);
  mkdirSync(runDir, { recursive: true });
  const fake = await startFakeTwilioApi();
  const serviceUrl = `http://127.0.0.1:${PORT}`;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    PORT: String(PORT),
    HOST: '127.0.0.1',
    SQLITE_PATH: join(runDir, 'aguavoz.sqlite'),
    SPOOL_DIR: join(runDir, 'spool'),
    REDIS_URL,
    REDIS_PREFIX: prefix,
    TWILIO_ACCOUNT_SID: accountSid,
    TWILIO_AUTH_TOKEN: authToken,
    PUBLIC_BASE_URL: serviceUrl,
    TWILIO_API_BASE_URL: fake.baseUrl,
    TWILIO_FROM_NUMBER: '+51900000000',
    ADMIN_PASSWORD: `bench-${runId}-password`,
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
    // The default cap (3,000 a town a day) is a real town's guard against runaway sending; the
    // benchmark's one town sends far more than that in minutes, and at the cap every later reply
    // is dropped, so the burst would wait for replies that never come (or, after the webhook
    // levels, calibrate to zero replies and measure no sending at all).
    SMS_DAILY_CAP_PER_LOCALITY: '100000000',
    // BENCH_SERVICE_ENV='SQLITE_STORE_THREAD=true INBOUND_CONCURRENCY=32': settings to compare.
    ...Object.fromEntries((process.env.BENCH_SERVICE_ENV ?? '').split(/\s+/).filter(Boolean).map((pair) => pair.split('=', 2) as [string, string])),
  };
  const extraNodeFlags = [...startScriptNodeFlags(SERVICE_ROOT), ...(process.env.BENCH_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean)];
  const serviceCommand = [process.execPath, ...extraNodeFlags, ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []), join(SERVICE_ROOT, 'bin', 'aguavoz.js'), 'start'];
  const startService = () =>
    startWatched({ command: serviceCommand, env, cwd: SERVICE_ROOT, healthUrl: `${serviceUrl}/healthz`, logFile: join(runDir, 'aguavoz.log') });

  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const queues = ['inbound', 'send'].map((name) => new Queue(name, { connection: redis, prefix }));
  let service: WatchedProcess | null = null;
  let baseline: WatchedProcess | null = null;
  try {
    log(`machine: ${cpus().length} × ${cpus()[0]?.model}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
    const first = await startService();
    log(`first start (empty store: migrations, demo locality, admin): ${first.startupMs} ms`);
    await first.stop();
    service = await startService();
    log(`start-up on an existing store: ${service.startupMs} ms`);
    baseline = await startWatched({
      command: [process.execPath, join(ROOT, 'bench', 'baseline-server.js')],
      env: { PATH: process.env.PATH, PORT: String(BASELINE_PORT) },
      cwd: ROOT,
      healthUrl: `http://127.0.0.1:${BASELINE_PORT}/healthz`,
      logFile: join(runDir, 'baseline.log'),
    });
    const baselineStartupMs = baseline.startupMs;
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const idleRss = service.rssMb();
    log(`idle RSS: AguaVoz ${idleRss} MB, baseline ${baseline.rssMb()} MB`);

    const form: SignedForm = { authToken, signedUrl: `${serviceUrl}${WEBHOOK_PATH}`, townNumber: '+51900000000', phones: phones(10_000_000, 5000) };
    const load = (url: string, connections: number, durationSeconds = DURATION_S) =>
      runWebhookLoad({ url, path: WEBHOOK_PATH, connections, durationSeconds, form });
    await load(`http://127.0.0.1:${BASELINE_PORT}`, 10, 2);
    await load(serviceUrl, 10, 2);
    await drainQueues(queues, 120_000);

    const webhook: Record<string, LoadResult & { baseline_rps: number; baseline_p50_ms: number; baseline_p99_ms: number; ratio: number; service_cpu_ms_per_req: number; backlog_after: number }> = {};
    for (const connections of process.env.BENCH_SKIP_WEBHOOK === '1' ? [] : LEVELS) {
      const base = await load(`http://127.0.0.1:${BASELINE_PORT}`, connections);
      const cpuBefore = service.cpuMs();
      const ours = await load(serviceUrl, connections);
      // Includes the conversation turns the worker ran meanwhile, as the service really runs.
      const serviceCpuMsPerRequest = ours.requests > 0 ? Math.round(((service.cpuMs() - cpuBefore) / ours.requests) * 100) / 100 : 0;
      const backlog = await drainQueues(queues, 180_000);
      webhook[`c${connections}`] = {
        ...ours,
        baseline_rps: base.rps,
        baseline_p50_ms: base.p50_ms,
        baseline_p99_ms: base.p99_ms,
        ratio: base.rps > 0 ? Math.round((ours.rps / base.rps) * 100) / 100 : 0,
        service_cpu_ms_per_req: serviceCpuMsPerRequest,
        backlog_after: backlog,
      };
      log(`c${connections}: AguaVoz ${ours.rps} req/s p50 ${ours.p50_ms} p99 ${ours.p99_ms} (non-2xx ${ours.non2xx}, errors ${ours.errors}); baseline ${base.rps} req/s p99 ${base.p99_ms}`);
    }
    const beforeBurstPeak = service.peakRssMb();
    log(`RSS before the burst: now ${service.rssMb()} MB, peak so far ${beforeBurstPeak} MB`);
    const baselinePeak = baseline.peakRssMb();
    await baseline.stop();
    baseline = null;

    let e2e: BurstResult | { skipped: true } = { skipped: true };
    if (process.env.BENCH_SKIP_E2E !== '1') {
      const webhookUrl = `${serviceUrl}${WEBHOOK_PATH}`;
      const expectedPerStep = await calibrate({ webhookUrl, form, fake, phone: phones(20_000_000, 1)[0]! });
      log(`calibration: replies per step ${expectedPerStep.join(', ')} for ${CONVERSATION.length} messages`);
      const cpuBefore = service.cpuMs();
      const burst = await runBurst({ webhookUrl, form, fake, residents: phones(30_000_000, RESIDENTS), expectedPerStep });
      // CPU per message, the figure least moved by a noisy machine: what the service itself spent.
      const serviceCpuMs = service.cpuMs() - cpuBefore;
      e2e = { ...burst, service_cpu_s: Math.round(serviceCpuMs / 100) / 10, service_cpu_ms_per_msg: Math.round((serviceCpuMs / burst.messages) * 100) / 100 };
      log(`e2e: ${e2e.messages} messages in ${e2e.seconds} s = ${e2e.msgs_per_s} msgs/s, lost ${e2e.lost}, duplicated ${e2e.duplicated}; service CPU ${e2e.service_cpu_ms_per_msg} ms a message`);
    }
    const peakRss = service.peakRssMb();
    log(`RSS after the burst: now ${service.rssMb()} MB, peak ${peakRss} MB`);
    const startupMs = service.startupMs;
    const exitCode = await service.stop();
    service = null;
    // After the service stopped, so the store timings have the cores to themselves.
    const committee: CommitteeFigures = await measureCommitteeFigures({ root: ROOT, runDir, log });

    const results = {
      machine: `${machineLine()}; load generator, fake Twilio API and service on the same cores; load average at the end ${loadavg().map((l) => l.toFixed(1)).join(' ')}`,
      date: new Date().toISOString(),
      webhook,
      e2e,
      committee,
      rss_mb: { idle: idleRss, peak: peakRss, before_burst_peak: beforeBurstPeak, baseline_peak: baselinePeak },
      startup_ms: startupMs,
      baseline_startup_ms: baselineStartupMs,
      startup_first_ms: first.startupMs,
      service_root: SERVICE_ROOT === ROOT ? '.' : SERVICE_ROOT,
      node_flags: extraNodeFlags,
      settings: { duration_s: DURATION_S, residents: RESIDENTS, conversation: CONVERSATION, log_level: env.LOG_LEVEL },
    };
    writeFileSync(process.env.BENCH_RESULTS ?? join(ROOT, 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
    process.stdout.write(`${formatTable(results)}\n`);
    if (exitCode !== 0) log(`warning: AguaVoz exited with ${exitCode} after SIGTERM`);
  } finally {
    await baseline?.stop();
    await service?.stop();
    await Promise.all(queues.map((q) => q.close()));
    await deletePrefix(redis, prefix).catch(() => undefined);
    redis.disconnect();
    await fake.close();
    if (process.env.BENCH_KEEP !== '1') rmSync(runDir, { recursive: true, force: true });
  }
}

function formatTable(r: {
  machine?: string;
  webhook?: Record<string, LoadResult & { baseline_rps: number; baseline_p99_ms: number; ratio: number }>;
  e2e?: BurstResult | { skipped: true };
  committee: CommitteeFigures;
  rss_mb?: { idle: number; peak: number; baseline_peak: number };
  startup_ms?: number;
  baseline_startup_ms?: number;
}): string {
  const rows: string[][] = [['figure', 'AguaVoz', 'baseline (bare Express)', 'target']];
  for (const level of LEVELS) {
    const w = r.webhook?.[`c${level}`];
    if (!w) continue; // BENCH_ONLY=committee without an earlier full run
    rows.push([
      `signed webhook, ${level} connection${level === 1 ? '' : 's'}`,
      `${w.rps} req/s, p50 ${w.p50_ms} ms, p99 ${w.p99_ms} ms${w.non2xx + w.errors > 0 ? ` (${w.non2xx} non-2xx, ${w.errors} errors)` : ''}`,
      `${w.baseline_rps} req/s, p99 ${w.baseline_p99_ms} ms; ratio ${w.ratio}`,
      level === 50 ? '≥ 0.5 × baseline, p99 < 50 ms' : level === 200 ? 'p99 no worse than baseline' : '–',
    ]);
  }
  if (!r.e2e) {
    // not measured in this file (BENCH_ONLY=committee without an earlier full run)
  } else if ('skipped' in r.e2e) rows.push(['end to end', 'skipped', '–', '≥ 1,000 msgs/s']);
  else
    rows.push([
      `end to end, ${r.e2e.residents} residents × ${CONVERSATION.length} messages`,
      `${r.e2e.msgs_per_s} msgs/s (${r.e2e.messages} in ${r.e2e.seconds} s), ${r.e2e.lost} lost, ${r.e2e.duplicated} duplicated${r.e2e.service_cpu_ms_per_msg === undefined ? '' : `; service CPU ${r.e2e.service_cpu_ms_per_msg} ms/msg`}`,
      '–',
      '≥ 1,000 msgs/s, 0 lost, 0 duplicated',
    ]);
  rows.push(['weekly committee figures', r.committee.summary, '–', '–']);
  if (r.rss_mb) rows.push(['RSS idle / peak', `${r.rss_mb.idle} MB / ${r.rss_mb.peak} MB`, `peak ${r.rss_mb.baseline_peak} MB`, '< 250 MB peak']);
  if (r.startup_ms !== undefined) rows.push(['start-up to /healthz', `${r.startup_ms} ms`, `${r.baseline_startup_ms} ms`, '< 1 s']);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const line = (row: string[]) => `| ${row.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
  return [`machine: ${r.machine ?? machineLine()}`, '', line(rows[0]!), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.slice(1).map(line)].join('\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
