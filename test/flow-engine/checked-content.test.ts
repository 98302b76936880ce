/**
 * Issue 11, start-up: the build checks flows and locales once (`aguavoz flows build`) and start-up
 * trusts what it checked only while every file it read is unchanged.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FLOWS_DIR, LOCALES_DIR } from '../../src/app/paths';
import { readCheckedContent, writeCheckedContent } from '../../src/flow-engine/checked-content';
import { checkFlowsForBuild, FlowValidationError, loadFlows } from '../../src/flow-engine/flow-loader';
import { createTranslator, LocaleFileError } from '../../src/i18n/translator';
import { contentHash } from '../../src/shared/content-hash';

describe('flows and locales checked by the build', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'aguavoz-checked-'));
    cpSync(FLOWS_DIR, join(dir, 'flows'), { recursive: true });
    cpSync(LOCALES_DIR, join(dir, 'locales'), { recursive: true });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function build() {
    const translator = createTranslator({ localesDir: join(dir, 'locales') });
    const flows = checkFlowsForBuild({ flowsDir: join(dir, 'flows'), translator });
    const file = join(dir, 'checked-content.json');
    const localeHashes = ['es', 'en', 'qu'].map((l) => contentHash(readFileSync(join(dir, 'locales', `${l}.json`), 'utf8')));
    writeCheckedContent(file, { localeHashes, flows });
    return readCheckedContent(file)!;
  }

  it('loads the same flows from the checked content as from the files', () => {
    const checked = build();
    const translator = createTranslator({ localesDir: join(dir, 'locales'), trustedLocaleHashes: checked.localeHashes });
    const fromFiles = loadFlows({ flowsDir: join(dir, 'flows'), translator });
    const fromChecked = loadFlows({ flowsDir: join(dir, 'flows'), translator, checked: checked.flows, nlp: fromFiles.nlp });
    expect(fromChecked.flows.size).toBe(11);
    expect(fromChecked.flows).toEqual(fromFiles.flows);
    expect(fromChecked.vocabulary).toEqual(fromFiles.vocabulary);
    expect(fromChecked.options).toEqual(fromFiles.options);
    expect(fromChecked.says).toEqual(fromFiles.says);
    expect(fromChecked.messageArguments).toEqual(fromFiles.messageArguments);
    expect(fromChecked.messageArguments.get('incident.known')).toEqual(['category', 'count', 'place', 'reference']);
  });

  it('a flow edited after the build is read and checked again: a broken one still stops start-up', () => {
    const checked = build();
    const outage = join(dir, 'flows', 'outage.yaml');
    writeFileSync(outage, readFileSync(outage, 'utf8').replace(/^id: outage$/m, 'id: outage\nnot_a_field: true'));
    const translator = createTranslator({ localesDir: join(dir, 'locales'), trustedLocaleHashes: checked.localeHashes });
    expect(() => loadFlows({ flowsDir: join(dir, 'flows'), translator, checked: checked.flows })).toThrow(FlowValidationError);
  });

  it('a locale edited after the build is compiled again, and its flows checked again', () => {
    const checked = build();
    const es = join(dir, 'locales', 'es.json');
    writeFileSync(es, readFileSync(es, 'utf8').replace('"near_you": "su zona"', '"near_you": "su {zona"'));
    expect(() => createTranslator({ localesDir: join(dir, 'locales'), trustedLocaleHashes: checked.localeHashes })).toThrow(LocaleFileError);
  });

  it('a locale the build compiled is not compiled again at start-up (what the trust saves)', () => {
    const es = join(dir, 'locales', 'es.json');
    writeFileSync(es, readFileSync(es, 'utf8').replace('"near_you": "su zona"', '"near_you": "su {zona"'));
    const hash = contentHash(readFileSync(es, 'utf8'));
    // Only a hash the build recorded is trusted; this one was forged for the test.
    expect(() => createTranslator({ localesDir: join(dir, 'locales') })).toThrow(LocaleFileError);
    expect(() => createTranslator({ localesDir: join(dir, 'locales'), trustedLocaleHashes: [hash] })).not.toThrow();
  });

  it('the build refuses to record broken flows', () => {
    const outage = join(dir, 'flows', 'outage.yaml');
    writeFileSync(outage, readFileSync(outage, 'utf8').replace(/^id: outage$/m, 'id: outage\nnot_a_field: true'));
    expect(() => build()).toThrow(FlowValidationError);
  });
});
