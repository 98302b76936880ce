#!/usr/bin/env -S node --max-old-space-size=512
/*
 * Why --max-old-space-size=512 (here, in `npm start` and in the Dockerfile's ENTRYPOINT; a test
 * keeps the three equal): V8 sizes how far the old generation may grow between full collections
 * from this ceiling. Left to its default (from the machine's memory: 4 GB on a 24 GB host) it lets a
 * 42 MB live heap grow to ~165 MB during a burst before collecting, and the kernel counts all of
 * it: the benchmark's end-to-end burst peaked at 275 MB RSS. With 512 the same burst keeps the
 * heap near its live size (peak RSS ~200 MB, see README "Performance and scale-out"). The live
 * heap under that burst is ~45 MB, so 512 leaves 10x headroom; if a process ever needs more it
 * stops with "JavaScript heap out of memory" and its supervisor restarts it — every message was
 * on disk before its 200 and BullMQ hands a dead worker's jobs to the next one. A flag on the
 * command line wins over NODE_OPTIONS, so to raise it run `node --max-old-space-size=N
 * bin/aguavoz.js start` (or override the image's entrypoint). V8 flags are process-wide: the
 * store thread (SQLITE_STORE_THREAD) and the chart worker get the same ceiling.
 *
 * The `aguavoz` command. It runs the compiled `dist/` when it is there and up to date with
 * `src/` (`npm install` builds it through the `prepare` script; the production image has no
 * `src/` at all): compiled code starts faster and uses ~80 MB less than compiling TypeScript at
 * run time (issue 11). Otherwise — a fresh clone before any build, or a source edited since —
 * it runs the sources through @swc-node/register, so `npm start` always runs what you see.
 * AGUAVOZ_FROM_SOURCE=1 forces the sources.
 */
process.env.DOTENV_CONFIG_QUIET = process.env.DOTENV_CONFIG_QUIET || 'true';
const path = require('node:path');

const root = path.join(__dirname, '..');
const compiled = path.join(root, 'dist', 'cli', 'main.js');
const { compiledIsCurrent } = require('./compiled-is-current');

if (process.env.AGUAVOZ_FROM_SOURCE !== '1' && compiledIsCurrent(root)) {
  require(compiled);
} else {
  process.env.SWC_NODE_PROJECT = process.env.SWC_NODE_PROJECT || path.join(root, 'tsconfig.json');
  require('@swc-node/register');
  require('../src/cli/main.ts');
}
