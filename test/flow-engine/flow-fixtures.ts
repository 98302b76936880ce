/**
 * Builds throwaway flow folders for schema and graph-check tests: a tiny valid flow set, the
 * real vocabulary answers, and the real locales plus two fixture texts.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '../..');

export const VALID_MAIN_MENU = `
id: main_menu
start: choose
steps:
  choose:
    ask:
      expect: choice
      prompt: fixture.ask
      save: topic
      options:
        - { value: a, match: { es: [uno] } }
        - { value: b }
    next: done
  done:
    do:
      - send: fixture.done
    next: end
`;

export interface FixtureDirs {
  root: string;
  flowsDir: string;
  localesDir: string;
  cleanup(): void;
}

export function makeFixture(options: { flows: Record<string, string>; dropFromEn?: string[] }): FixtureDirs {
  const base = mkdtempSync(join(tmpdir(), 'aguavoz-flows-'));
  const flowsDir = join(base, 'flows');
  const localesDir = join(base, 'locales');
  mkdirSync(join(flowsDir, 'vocabulary'), { recursive: true });
  mkdirSync(localesDir);
  for (const [name, text] of Object.entries(options.flows)) writeFileSync(join(flowsDir, name), text);
  cpSync(join(root, 'flows/vocabulary/answers.yaml'), join(flowsDir, 'vocabulary/answers.yaml'));
  writeFileSync(join(flowsDir, 'vocabulary/keywords.yaml'), 'keywords:\n  - action: menu\n    words: { es: [menu] }\n');
  writeFileSync(join(flowsDir, 'vocabulary/intents.yaml'), 'intents: {}\n');
  for (const language of ['es', 'en', 'qu']) {
    const data = JSON.parse(readFileSync(join(root, `locales/${language}.json`), 'utf8')) as Record<string, unknown>;
    const fixture: Record<string, string> = { ask: '¿A o B? {locality}', done: 'Listo' };
    for (const key of language === 'en' ? (options.dropFromEn ?? []) : []) delete fixture[key];
    data.fixture = fixture;
    writeFileSync(join(localesDir, `${language}.json`), JSON.stringify(data));
  }
  return { root: base, flowsDir, localesDir, cleanup: () => rmSync(base, { recursive: true, force: true }) };
}
