/**
 * Issue 11 (peak RSS): the service runs with a V8 old-space ceiling that keeps a burst's heap
 * near its live size (bin/aguavoz.js says why). It is given in three places — `npm start`, the
 * Dockerfile's ENTRYPOINT and the `aguavoz` command's shebang — and they must agree, or one way
 * of starting the service quietly peaks ~75 MB higher than the others. The flag must also be one
 * node accepts and that really sets the ceiling (a misspelt V8 flag is not always refused).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const HEAP_FLAG = /--max-old-space-size=(\d+)/g;

function heapFlags(text: string): string[] {
  return [...text.matchAll(HEAP_FLAG)].map((m) => m[0]);
}

describe('node flags the service starts with', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const start = pkg.scripts.start!;
  const entrypoint = readFileSync(join(ROOT, 'Dockerfile'), 'utf8')
    .split('\n')
    .find((line) => line.startsWith('ENTRYPOINT'))!;
  const shebang = readFileSync(join(ROOT, 'bin', 'aguavoz.js'), 'utf8').split('\n')[0]!;

  it('npm start, the Dockerfile and the aguavoz command give node the same old-space ceiling', () => {
    expect(heapFlags(start)).toHaveLength(1);
    expect(heapFlags(entrypoint)).toEqual(heapFlags(start));
    expect(heapFlags(shebang)).toEqual(heapFlags(start));
    // The flag is node's, before the script: after it, it would be an argument of the script.
    expect(start.indexOf(heapFlags(start)[0]!)).toBeLessThan(start.indexOf('bin/aguavoz.js'));
    expect(shebang.startsWith('#!/usr/bin/env -S node ')).toBe(true);
    const parsed = JSON.parse(entrypoint.replace(/^ENTRYPOINT\s+/, '')) as string[];
    expect(parsed.indexOf(heapFlags(start)[0]!)).toBeLessThan(parsed.indexOf('dist/cli/main.js'));
  });

  it('node takes the flag and it sets the heap ceiling of the process and of its worker threads', () => {
    const flag = heapFlags(start)[0]!;
    const megabytes = Number(flag.split('=')[1]);
    const script = `
      const v8 = require('node:v8');
      const { Worker } = require('node:worker_threads');
      const main = v8.getHeapStatistics().heap_size_limit;
      const w = new Worker("require('node:worker_threads').parentPort.postMessage(require('node:v8').getHeapStatistics().heap_size_limit)", { eval: true });
      w.once('message', (worker) => { console.log(JSON.stringify({ main, worker })); w.terminate(); });
    `;
    const out = JSON.parse(execFileSync(process.execPath, [flag, '-e', script], { encoding: 'utf8' })) as { main: number; worker: number };
    // heap_size_limit is the old-space ceiling plus the young generation (a few tens of MB).
    for (const limit of [out.main, out.worker]) {
      expect(limit / 2 ** 20).toBeGreaterThanOrEqual(megabytes);
      expect(limit / 2 ** 20).toBeLessThan(megabytes + 100);
    }
  });
});
