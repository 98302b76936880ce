import { join } from 'node:path';

/** The repository root, whether running from `src/` (swc) or `dist/` (compiled). */
export const PROJECT_ROOT = join(__dirname, '..', '..');
export const FLOWS_DIR = join(PROJECT_ROOT, 'flows');
export const LOCALES_DIR = join(PROJECT_ROOT, 'locales');
/** The NLP corpus (training and held-out messages), kept in the repository. */
export const NLP_CORPUS_DIR = join(PROJECT_ROOT, 'nlp', 'corpus');
/** Where a model serialized by `npm run build` is looked for first. */
export const NLP_BUILT_MODEL = join(PROJECT_ROOT, 'dist', 'nlp-model.json');
/** Flows and locales checked by `npm run build`, trusted at start-up while unchanged (checked-content.ts). */
export const CHECKED_CONTENT_FILE = join(PROJECT_ROOT, 'dist', 'checked-content.json');
