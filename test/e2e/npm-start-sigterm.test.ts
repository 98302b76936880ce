/**
 * Issue 10 item 3: the README starts the service with `npm start`, and a supervisor (systemd,
 * a terminal's job control, a container runtime without an init) stops it by signalling the
 * PID it started — npm's. npm forwards SIGTERM to its child; when that child was a shell
 * running node, the shell died and node kept serving, re-parented to PID 1, `/readyz` still
 * ready. `npm start` must shut the service down gracefully instead.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import Redis from 'ioredis';
import { deletePrefix, TEST_REDIS_URL, uniquePrefix } from '../support/redis';
import { mongoEnvForProcess } from '../support/mongo';
import { tempSqlitePath } from '../support/sqlite';

const ROOT = join(__dirname, '..', '..');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('npm start and SIGTERM', () => {
  const db = tempSqlitePath('npm-start');
  const prefix = uniquePrefix('npm-start');
  let npm: ChildProcess;
  let servicePid = 0;
  let output = '';

  afterAll(async () => {
    if (npm && npm.exitCode === null) npm.kill('SIGKILL');
    if (servicePid && isAlive(servicePid)) process.kill(servicePid, 'SIGKILL');
    const redis = new Redis(TEST_REDIS_URL);
    await deletePrefix(redis, prefix);
    redis.disconnect();
    db.cleanup();
  });

  it('a SIGTERM to the PID of `npm start` stops the service gracefully, leaving nothing running', async () => {
    const port = await freePort();
    npm = spawn('npm', ['start'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        PORT: String(port),
        HOST: '127.0.0.1',
        SQLITE_PATH: db.path,
        SPOOL_DIR: join(db.path, '..', 'spool'),
        REDIS_URL: TEST_REDIS_URL,
        REDIS_PREFIX: prefix,
        LOG_LEVEL: 'info',
        ...mongoEnvForProcess('npm-start'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    npm.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    npm.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const deadline = Date.now() + 45_000;
    while (!output.includes('web server listening')) {
      if (Date.now() > deadline || npm.exitCode !== null) throw new Error(`npm start did not start the service:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    servicePid = Number(/"pid":(\d+)/.exec(output)?.[1]);
    expect(servicePid).toBeGreaterThan(0);
    expect(servicePid).not.toBe(npm.pid);
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);

    const npmExited = new Promise<void>((resolve) => npm.once('exit', () => resolve()));
    npm.kill('SIGTERM');
    await npmExited;
    const stopBy = Date.now() + 20_000;
    while (isAlive(servicePid) && Date.now() < stopBy) await new Promise((resolve) => setTimeout(resolve, 100));

    expect(isAlive(servicePid)).toBe(false);
    expect(output).toContain('"msg":"stopped"');
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  }, 90_000);
});
