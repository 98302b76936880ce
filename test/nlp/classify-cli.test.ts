/**
 * `aguavoz classify`: one message per line on stdin, one JSON object per line on stdout, no
 * server, no Redis, no store. A real process.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

function classify(input: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'aguavoz.js'), 'classify'], {
      cwd: ROOT,
      // No Redis, no store: a wrong URL proves the command needs neither.
      env: { ...process.env, REDIS_URL: 'redis://127.0.0.1:1', SQLITE_PATH: '/nonexistent/x.sqlite' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

describe('aguavoz classify', () => {
  it('prints one JSON line per message with category, confidence and language', async () => {
    const { code, stdout } = await classify('no hay agua desde ayer en mi casa\n\nthe sewer is overflowing\nmana yaku kanchu\nhola\n');
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatchObject({ text: 'no hay agua desde ayer en mi casa', category: 'outage', language: 'es' });
    expect(lines[1]).toMatchObject({ category: 'sewage', language: 'en' });
    expect(lines[2]).toMatchObject({ category: 'outage', language: 'qu' });
    expect(lines[3]).toMatchObject({ text: 'hola', category: 'other' });
    for (const line of lines) {
      expect(Object.keys(line).sort()).toEqual(['category', 'confidence', 'language', 'text']);
      expect(line.confidence).toEqual(expect.any(Number));
    }
  }, 90_000);
});
