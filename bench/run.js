#!/usr/bin/env node
/*
 * `npm run bench`: runs the TypeScript benchmark through @swc-node/register (like the tests, no
 * build needed for the load generator itself). The service under test is started as a separate
 * process exactly as `npm start` starts it.
 */
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { compiledIsCurrent } = require('../bin/compiled-is-current');

// The service runs its compiled dist/ as `npm start` does; rebuild it when a source is newer.
const serviceRoot = process.env.BENCH_SERVICE_ROOT || path.join(__dirname, '..');
if (!compiledIsCurrent(serviceRoot)) {
  console.error(`[bench] ${serviceRoot}/dist is older than its src/: building it first (npm run build)`);
  const build = spawnSync(process.execPath, [path.join(serviceRoot, 'bin', 'build.js')], { stdio: 'inherit', cwd: serviceRoot });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
process.env.SWC_NODE_PROJECT = process.env.SWC_NODE_PROJECT || path.join(__dirname, '..', 'tsconfig.json');
process.env.DOTENV_CONFIG_QUIET = 'true';
require('@swc-node/register');
require('./run-bench.ts');
