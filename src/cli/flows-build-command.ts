/**
 * `aguavoz flows build` (run by `npm run build`): checks the locales and flows in full and writes
 * `dist/checked-content.json`, so that start-up trusts them while their files are unchanged
 * (see `src/flow-engine/checked-content.ts`). Refuses to write anything for a broken flow or
 * message, listing every problem.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FLOWS_DIR, LOCALES_DIR } from '../app/paths';
import { writeCheckedContent } from '../flow-engine/checked-content';
import { checkFlowsForBuild, FlowValidationError } from '../flow-engine/flow-loader';
import { createTranslator, LocaleFileError } from '../i18n/translator';
import { LANGUAGES } from '../domain/resident';
import { contentHash } from '../shared/content-hash';

export function runFlowsBuild(options: { out: string }): number {
  try {
    // No trusted hashes: every message of every locale is compiled here.
    const translator = createTranslator({ localesDir: LOCALES_DIR });
    const flows = checkFlowsForBuild({ flowsDir: FLOWS_DIR, translator });
    const localeHashes = LANGUAGES.map((language) => join(LOCALES_DIR, `${language}.json`))
      .filter((file) => existsSync(file))
      .map((file) => contentHash(readFileSync(file, 'utf8')));
    writeCheckedContent(options.out, { localeHashes, flows });
    console.log(`checked ${flows.flows.length} flows and ${localeHashes.length} locales; written to ${options.out}`);
    return 0;
  } catch (error) {
    if (error instanceof FlowValidationError || error instanceof LocaleFileError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  }
}
