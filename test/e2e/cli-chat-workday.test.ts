/**
 * `aguavoz chat` as a newcomer and an operator use it (issue 10): typed text is echoed in a real
 * terminal (a pseudo-terminal from util-linux `script`), a stopped server is a clear sentence and
 * not a stack trace, BAJA is explained, an operator's phone sees command answers and alerts, and
 * the chat's polling does not flood the server's log at info. Real processes, HTTP, Redis, SQLite.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import Redis from 'ioredis';
import { deletePrefix, TEST_REDIS_URL, uniquePrefix } from '../support/redis';
import { freePort, startService, type ServiceProcess } from '../support/service-process';
import { tempSqlitePath } from '../support/sqlite';

const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'aguavoz.js');
const OPERATOR_PHONE = '+51987000999';

/** Runs the chat inside a pseudo-terminal (`script`), so stdin is a TTY exactly as for a person. */
function chatInTerminal(args: string[], env: NodeJS.ProcessEnv) {
  const command = [process.execPath, BIN, 'chat', ...args].map((part) => `'${part.replace(/'/g, "'\\''")}'`).join(' ');
  const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd: ROOT, env: { ...env, TERM: 'dumb' }, stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    output: () => output,
    async waitFor(pattern: RegExp, timeoutMs = 20_000): Promise<string> {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(output)) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern} in:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return output;
    },
    type(text: string) {
      child.stdin.write(text);
    },
    async quit(): Promise<number | null> {
      child.stdin.write('\x04');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

describe('aguavoz chat for a newcomer and an operator', () => {
  const db = tempSqlitePath('e2e-chat-workday');
  const prefix = uniquePrefix('e2e-chat');
  let server: ServiceProcess;
  let env: NodeJS.ProcessEnv;
  let url: string;

  /**
   * Runs the CLI to its end without blocking this process. A `spawnSync` here froze the event loop
   * for the seconds a chat takes: a keep-alive socket that an earlier `fetch` left in the pool was
   * closed by the server meanwhile (its 5 s keep-alive timeout), and the next `fetch`, issued
   * before the loop had seen that close, wrote to the dead socket ("other side closed").
   */
  const cli = (args: string[], input = ''): Promise<{ code: number | null; out: string }> =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, out: `${stdout}${stderr}` });
      });
      child.stdin.end(input);
    });

  beforeAll(async () => {
    env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      SQLITE_PATH: db.path,
      SPOOL_DIR: join(db.path, '..', 'spool'),
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: prefix,
      LOG_LEVEL: 'info',
      ALERT_DIGEST_SECONDS: '1',
    };
    server = await startService(env as Record<string, string>, { timeoutMs: 60_000 });
    url = server.url;
  }, 90_000);

  afterAll(async () => {
    await server?.stop();
    const redis = new Redis(TEST_REDIS_URL);
    await deletePrefix(redis, prefix);
    redis.disconnect();
    db.cleanup();
  });

  it('echoes what the resident types in a terminal, and prints the bot reply under it', async () => {
    const chat = chatInTerminal(['--url', url, '--from', '+51987100101'], env);
    await chat.waitFor(/Type a message and press Enter/);
    chat.type('no hay agua desde ayer\r');
    const screen = await chat.waitFor(/< [\s\S]*¿|< [\s\S]*\?/);
    expect(screen).toContain('> no hay agua desde ayer');
    expect(await chat.quit()).toBe(0);
  }, 60_000);

  it('with the server down says so in one sentence, no stack trace, in a terminal and with piped input', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const chat = chatInTerminal(['--url', closed], env);
    await chat.waitFor(/cannot reach the AguaVoz server/);
    chat.type('hola\r');
    const screen = await chat.waitFor(/not sent:/);
    expect(screen).toContain('> hola');
    expect(await chat.quit()).toBe(0);
    expect(chat.output()).not.toMatch(/TypeError|fetch failed|at .*\.js:\d+/);

    const piped = await cli(['chat', '--url', closed], 'hola\n');
    expect(piped.code).toBe(1);
    expect(piped.out).toMatch(/^error: cannot reach the AguaVoz server at http:\/\/127\.0\.0\.1:\d+\. Start it in another terminal with `npm start`/m);
    expect(piped.out).not.toMatch(/TypeError|fetch failed/);
  }, 60_000);

  it('explains why nothing comes back after BAJA', async () => {
    const out = (await cli(['chat', '--url', url, '--from', '+51987100102', '--wait', '4000'], 'BAJA\nhola\n')).out;
    expect(out).toMatch(/< .*ALTA/);
    expect(out).toContain('(no reply: this phone opted out with BAJA');
    expect(out).not.toContain('is the worker running');
  }, 60_000);

  it("an operator's phone gets the new-ticket alert and answers to LISTA, VER and OK in the chat", async () => {
    expect((await cli(['user', 'add', '--username', 'rosa', '--name', 'Rosa Quispe', '--locality', 'demo', '--phone', OPERATOR_PHONE])).code).toBe(0);
    const report = (await cli(['chat', '--url', url, '--from', '+51987100103', '--wait', '4000'], 'hay una fuga en la calle\nfrente al mercado\n1\n4\n4\n')).out;
    const reference = /codigo (\d{9})/.exec(report)?.[1];
    expect(reference).toMatch(/^\d{9}$/);

    const staff = (await cli(['chat', '--url', url, '--from', OPERATOR_PHONE, '--wait', '4000'], `LISTA\nVER ${reference}\nOK ${reference}\n`)).out;

    expect(staff).toContain('this phone belongs to a staff account');
    expect(staff).toMatch(new RegExp(`\\n  ${reference} fuga`));
    expect(staff).toMatch(new RegExp(`< ${reference} abierto: Fuga, .*Dir: frente al mercado`));
    expect(staff).toContain(`< Listo: reclamo ${reference} marcado como recibido`);
    // The alert was written to the operator's phone while the resident reported (digest after 1 s).
    const feed = (await (await fetch(`${url}/dev/phone/messages?phone=${encodeURIComponent(OPERATOR_PHONE)}`)).json()) as { messages: Array<{ kind: string; body: string }> };
    expect(feed.messages.map((m) => m.kind)).toContain('alert');
    expect(feed.messages.find((m) => m.kind === 'alert')?.body).toContain(`Nuevo reclamo ${reference}`);
  }, 120_000);

  it('logs the chat polling of the phone feed below info', async () => {
    const before = server.output().length;
    for (let i = 0; i < 5; i += 1) expect((await fetch(`${url}/dev/phone/messages?phone=%2B51987100109`)).status).toBe(200);
    expect((await fetch(`${url}/no-such-page`)).status).toBe(404); // logged (warn), so the log is flowing
    const deadline = Date.now() + 10_000;
    while (!server.output().slice(before).includes('/no-such-page') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(server.output().slice(before)).toContain('/no-such-page');
    const infoLines = server.output().split('\n').filter((line) => line.includes('"level":30'));
    expect(infoLines.length).toBeGreaterThan(0);
    expect(infoLines.filter((line) => line.includes('/dev/phone/messages'))).toEqual([]);
  });
});
