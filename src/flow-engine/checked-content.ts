/**
 * What `npm run build` checked once, so that start-up need not check it again (issue 11:
 * start-up under 1 s). Parsing the flow YAML, validating it and compiling every ICU message of
 * the three locales to prove it valid took about half of the service's start-up. The build runs
 * those checks in full (`aguavoz flows build`) and writes `dist/checked-content.json`: the hash
 * of every locale file that passed, and the validated flows with the fingerprint of the files
 * they came from. At start-up a file whose content hash matches is trusted; anything edited since
 * the build (or no build at all) is parsed and checked in full, exactly as before, so a broken
 * flow or message still stops start-up with every problem listed.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { contentHash } from '../shared/content-hash';
import type { Flow } from './flow-schema';
import type { Vocabulary } from './vocabulary-schema';

const FORMAT_VERSION = 1;

export interface CheckedFlows {
  /** {@link flowsFingerprint} of the files (and locales) they were read from. */
  fingerprint: string;
  flows: Array<[string, Flow]>;
  vocabulary: Vocabulary;
  warnings: string[];
  /** The ICU arguments of every message key (parsing every message is most of the locale cost). */
  messageArguments: Array<[string, string[]]>;
}

export interface CheckedContent {
  version: number;
  /** sha256 of each locale file whose every message compiled. */
  localeHashes: string[];
  flows: CheckedFlows;
}

/** The YAML files a flow set is read from, in a fixed order. */
function yamlFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => ['.yaml', '.yml'].includes(extname(f)))
    .sort()
    .map((f) => join(dir, f));
}

/**
 * The code that reads and checks flows, as it runs here: checked flows are trusted only by the
 * same code that checked them (a schema edited since, or the sources run by `npm test` instead
 * of the build's `dist/`, means a full check).
 */
let checkingCode: string | null = null;
function checkingCodeHash(): string {
  const extension = extname(__filename);
  checkingCode ??= contentHash(
    ['flow-schema', 'vocabulary-schema', 'flow-graph-check', 'flow-loader'].map((name) => readFileSync(join(__dirname, `${name}${extension}`), 'utf8')).join('\u0000'),
  );
  return checkingCode;
}

/**
 * One hash of everything the flow checks read: every flow and vocabulary file (name and bytes),
 * the locales they were checked against (`localesHash`: the graph check looks up every key) and
 * the checking code itself.
 */
export function flowsFingerprint(flowsDir: string, vocabularyDir: string, localesHash: string): string {
  const hash = createHash('sha256').update(`v${FORMAT_VERSION}\u0000${checkingCodeHash()}\u0000${localesHash}`);
  for (const file of [...yamlFiles(flowsDir), ...yamlFiles(vocabularyDir)]) {
    hash.update(`\u0000${file.slice(file.lastIndexOf('/') + 1)}\u0000`).update(readFileSync(file));
  }
  return hash.digest('hex');
}

/** The checked content written by the build, or null when there is none or it is unreadable. */
export function readCheckedContent(file: string): CheckedContent | null {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as CheckedContent;
    return parsed.version === FORMAT_VERSION && Array.isArray(parsed.localeHashes) && parsed.flows ? parsed : null;
  } catch {
    return null;
  }
}

export function writeCheckedContent(file: string, content: Omit<CheckedContent, 'version'>): void {
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify({ version: FORMAT_VERSION, ...content }));
  renameSync(temporary, file);
}
