import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectPluralSelectors } from '../../src/i18n/message-arguments';
import { createTranslator, LocaleFileError, MissingMessageError } from '../../src/i18n/translator';

const localesDir = join(__dirname, '../../locales');
const translator = createTranslator({ localesDir });

describe('translator', () => {
  it('renders a message with its parameters and an ICU select', () => {
    expect(translator.render('status.reply', 'es', { reference: '4820176', status: 'resolved' })).toBe(
      'Su reclamo 4820176 está resuelto. Le avisaremos por aquí cuando cambie.',
    );
    expect(translator.render('status.reply', 'en', { reference: '4820176', status: 'in_progress' })).toContain('is being worked on');
  });

  it('marks Quechua as a draft and Spanish and English as reviewed', () => {
    expect(translator.isDraft('qu')).toBe(true);
    expect(translator.isDraft('es')).toBe(false);
    expect(translator.isDraft('en')).toBe(false);
    expect(translator.languages).toEqual(['es', 'en', 'qu']);
  });

  it('uses the Quechua text when the draft has the key', () => {
    expect(translator.render('outage.confirmed', 'qu', { reference: '4820176' })).toContain('Añay');
  });

  it('lists keys without the _meta entry', () => {
    expect(translator.keys('qu').some((k) => k.startsWith('_meta'))).toBe(false);
    expect(translator.keys('es')).toContain('notify.operator_reply');
  });

  it('throws a MissingMessageError with a code for an unknown key', () => {
    expect.assertions(2);
    expect(() => translator.render('no.such.key', 'en')).toThrow(MissingMessageError);
    expect(() => translator.render('no.such.key', 'qu')).toThrow(expect.objectContaining({ name: 'MissingMessageError', code: 'message_missing' }));
  });

  it('reports the argument names a key uses in any language', () => {
    expect(translator.argumentNames('status.reply_with_note')).toEqual(['note', 'reference', 'status']);
    expect(translator.argumentNames('notify.operator_reply')).toEqual(['reference', 'text']);
  });

  it('has the host keys other components render, with the documented parameters', () => {
    const expected: Record<string, string[]> = {
      'status.reply': ['reference', 'status'],
      'status.reply_with_note': ['note', 'reference', 'status'],
      'status.not_found': ['reference'],
      'notify.acknowledged': ['reference'],
      'notify.in_progress': ['reference'],
      'notify.resolved': ['note', 'reference'],
      'notify.closed': ['reference'],
      'notify.reopened': ['reference'],
      'notify.operator_reply': ['reference', 'text'],
      'system.try_again_later': [],
      'system.opted_out_confirmation': [],
      'system.opted_in_confirmation': [],
    };
    for (const [key, args] of Object.entries(expected)) {
      expect({ key, es: translator.has(key, 'es'), en: translator.has(key, 'en'), args: translator.argumentNames(key) }).toEqual({
        key,
        es: true,
        en: true,
        args,
      });
    }
  });

  it('uses only =0, =1 and other as plural selectors in Quechua (Node has no Quechua plural rules)', () => {
    const raw = JSON.parse(readFileSync(join(localesDir, 'qu.json'), 'utf8')) as Record<string, unknown>;
    const bad: string[] = [];
    const walk = (node: unknown, path: string): void => {
      if (typeof node === 'string') {
        const extra = collectPluralSelectors(node).filter((s) => !['=0', '=1', 'other'].includes(s));
        if (extra.length > 0) bad.push(`${path}: ${extra.join(', ')}`);
      } else if (node && typeof node === 'object') {
        for (const [k, v] of Object.entries(node)) if (k !== '_meta') walk(v, path ? `${path}.${k}` : k);
      }
    };
    walk(raw, '');
    expect(bad).toEqual([]);
  });
});

describe('locale file errors', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'aguavoz-locales-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('names every invalid ICU message of a file at once', () => {
    writeFileSync(join(dir, 'es.json'), JSON.stringify({ a: { ok: 'Hola {name}', bad: 'Hola {name' }, worse: '{n, plural, }' }));
    let error: unknown;
    try {
      createTranslator({ localesDir: dir });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(LocaleFileError);
    expect((error as LocaleFileError).code).toBe('locale_file_invalid');
    expect((error as LocaleFileError).problems.map((p) => p.split(' ')[0])).toEqual(['"a.bad"', '"worse"']);
  });

  it('falls back to Spanish for a key the Quechua draft lacks', () => {
    writeFileSync(join(dir, 'es.json'), JSON.stringify({ a: { hello: 'Hola {name}', bye: 'Adiós' } }));
    writeFileSync(join(dir, 'qu.json'), JSON.stringify({ _meta: { status: 'draft' }, a: { hello: 'Rimaykullayki {name}' } }));
    const t = createTranslator({ localesDir: dir });
    expect(t.has('a.bye', 'qu')).toBe(false);
    expect(t.render('a.bye', 'qu')).toBe('Adiós');
    expect(t.render('a.hello', 'qu', { name: 'Rosa' })).toBe('Rimaykullayki Rosa');
    expect(t.isDraft('qu')).toBe(true);
    expect(t.languages).toEqual(['es', 'qu']);
  });

  it('requires the Spanish locale, which every other language falls back to', () => {
    writeFileSync(join(dir, 'en.json'), JSON.stringify({ a: 'Hello' }));
    expect(() => createTranslator({ localesDir: dir })).toThrow(/Spanish locale is required/);
  });
});
