#!/usr/bin/env node
/*
 * The `aguavoz` command. In development it runs the TypeScript sources directly through
 * @swc-node/register (no build step, so `npm install && npm start` just works); a production image
 * built with `npm run build` runs the compiled `dist/` instead.
 */
process.env.DOTENV_CONFIG_QUIET = process.env.DOTENV_CONFIG_QUIET || 'true';
const fs = require('node:fs');
const path = require('node:path');

const compiled = path.join(__dirname, '..', 'dist', 'cli', 'main.js');
if (process.env.NODE_ENV === 'production' && fs.existsSync(compiled)) {
  require(compiled);
} else {
  process.env.SWC_NODE_PROJECT = process.env.SWC_NODE_PROJECT || path.join(__dirname, '..', 'tsconfig.json');
  require('@swc-node/register');
  require('../src/cli/main.ts');
}
