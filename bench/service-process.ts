/**
 * Starts a process for the benchmark and watches it: time from spawn to the first 200 on
 * `/healthz`, its resident memory now (VmRSS) and at its peak (VmHWM, kept by the kernel, so
 * no short burst is missed between samples), and a clean stop with SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';

export interface WatchedProcess {
  child: ChildProcess;
  startupMs: number;
  rssMb(): number;
  peakRssMb(): number;
  /** CPU time the process has used so far, all its threads, user + system (ms). */
  cpuMs(): number;
  stop(): Promise<number | null>;
}

export interface StartOptions {
  command: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  healthUrl: string;
  /** stdout and stderr go here (a file, so a silent reader can never block the service). */
  logFile: string;
  timeoutMs?: number;
}

function statusField(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  return match ? Math.round(Number(match[1]) / 1024) : 0;
}

/** utime + stime from /proc/<pid>/stat, in clock ticks of 10 ms (USER_HZ = 100 on Linux). */
function cpuTimeMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

export async function startWatched(options: StartOptions): Promise<WatchedProcess> {
  const out = openSync(options.logFile, 'a');
  const started = performance.now();
  const [file, ...args] = options.command;
  const child = spawn(file!, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', out, out] });
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${options.command.join(' ')} exited with ${child.exitCode}; see ${options.logFile}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${options.command.join(' ')} did not answer ${options.healthUrl}; see ${options.logFile}`);
    }
    const ok = await fetch(options.healthUrl).then((r) => r.ok, () => false);
    if (ok) break;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const startupMs = Math.round(performance.now() - started);
  const pid = child.pid!;
  return {
    child,
    startupMs,
    rssMb: () => statusField(pid, 'VmRSS'),
    cpuMs: () => cpuTimeMs(pid),
    peakRssMb: () => statusField(pid, 'VmHWM'),
    stop() {
      if (child.exitCode !== null) return Promise.resolve(child.exitCode);
      return new Promise((resolve) => {
        const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
        child.once('exit', (code) => {
          clearTimeout(timer);
          resolve(code);
        });
        child.kill('SIGTERM');
      });
    },
  };
}
