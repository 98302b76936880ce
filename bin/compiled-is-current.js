/*
 * Whether a checkout's compiled `dist/` is at least as new as every file in its `src/`: what
 * `bin/aguavoz.js` runs, and what `npm run bench` rebuilds first when it is not (a benchmark of
 * the sources through swc would measure the run-time compiler, not the service).
 */
const fs = require('node:fs');
const path = require('node:path');

/** Newest modification time of any file under `dir` (a few hundred stat calls, ~2 ms). */
function newestMtime(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

function compiledIsCurrent(root) {
  const compiled = path.join(root, 'dist', 'cli', 'main.js');
  const sources = path.join(root, 'src');
  if (!fs.existsSync(compiled)) return false;
  if (!fs.existsSync(sources)) return true;
  return fs.statSync(compiled).mtimeMs >= newestMtime(sources);
}

module.exports = { compiledIsCurrent };
