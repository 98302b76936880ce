#!/usr/bin/env node
/*
 * `npm run bench`: runs the TypeScript benchmark through @swc-node/register (like the tests, no
 * build needed for the load generator itself). The service under test is started as a separate
 * process exactly as `npm start` starts it.
 */
const path = require('node:path');
process.env.SWC_NODE_PROJECT = process.env.SWC_NODE_PROJECT || path.join(__dirname, '..', 'tsconfig.json');
process.env.DOTENV_CONFIG_QUIET = 'true';
require('@swc-node/register');
require('./run-bench.ts');
