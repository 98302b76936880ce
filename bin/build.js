#!/usr/bin/env node
/*
 * `npm run build`: compiles `src/` to `dist/` (tsc) and copies the console's views beside it.
 * With `--on-install` (the `prepare` script, run by `npm install` and `npm ci`) it is quiet about
 * what it cannot do: no `src/` (the Dockerfile installs before copying the sources, then builds
 * explicitly), no TypeScript (`--omit=dev`), or AGUAVOZ_SKIP_BUILD=1. `npm start` then runs the
 * sources, as before.
 */
const { cpSync, existsSync } = require('node:fs');
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.join(__dirname, '..');
const onInstall = process.argv.includes('--on-install');
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');

if (onInstall && (process.env.AGUAVOZ_SKIP_BUILD === '1' || !existsSync(path.join(root, 'src')) || !existsSync(tsc))) {
  process.exit(0);
}
if (onInstall) console.log('aguavoz: compiling src/ to dist/ so that `npm start` runs compiled code (AGUAVOZ_SKIP_BUILD=1 skips this)');
const result = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit', cwd: root });
if (result.status !== 0) process.exit(result.status ?? 1);
cpSync(path.join(root, 'src', 'console', 'views'), path.join(root, 'dist', 'console', 'views'), { recursive: true });
// The public page's views and the vega worker (plain ESM, loaded by path) travel beside the code.
cpSync(path.join(root, 'src', 'transparency', 'views'), path.join(root, 'dist', 'transparency', 'views'), { recursive: true });
cpSync(path.join(root, 'src', 'charts', 'vega-svg-worker.mjs'), path.join(root, 'dist', 'charts', 'vega-svg-worker.mjs'));
// The free-text classifier, trained from nlp/corpus and serialized (dist/nlp-model.json).
const nlp = spawnSync(process.execPath, [path.join(root, 'bin', 'aguavoz.js'), 'nlp', 'build'], { stdio: 'inherit', cwd: root });
if (nlp.status !== 0) process.exit(nlp.status ?? 1);
// The flows and locales, checked in full once here so start-up can trust them (dist/checked-content.json).
const flows = spawnSync(process.execPath, [path.join(root, 'bin', 'aguavoz.js'), 'flows', 'build', '--out', path.join(root, 'dist', 'checked-content.json')], { stdio: 'inherit', cwd: root });
if (flows.status !== 0) process.exit(flows.status ?? 1);
