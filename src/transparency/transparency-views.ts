/**
 * The eta templates of the public pages (`views/` beside this file; the compiled `dist/` looks in
 * `src/transparency/views`, as the console does). The console's dashboard includes
 * `figure-sections.eta` from here too, so both draw a figure the same way.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createConsoleRenderer, type ConsoleRenderer } from '../console/console-views';

export function resolveTransparencyViewsDir(): string {
  const candidates = [path.join(__dirname, 'views'), path.resolve(__dirname, '..', '..', 'src', 'transparency', 'views')];
  const found = candidates.find((dir) => existsSync(path.join(dir, 'public-layout.eta')));
  if (!found) throw new Error(`transparency views not found in ${candidates.join(' or ')}`);
  return found;
}

export function createTransparencyRenderer(): ConsoleRenderer {
  return createConsoleRenderer({ viewsDir: resolveTransparencyViewsDir() });
}
