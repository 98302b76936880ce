import { join } from 'node:path';

/** The repository root, whether running from `src/` (swc) or `dist/` (compiled). */
export const PROJECT_ROOT = join(__dirname, '..', '..');
export const FLOWS_DIR = join(PROJECT_ROOT, 'flows');
export const LOCALES_DIR = join(PROJECT_ROOT, 'locales');
