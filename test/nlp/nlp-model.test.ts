/** The trained model: readings, calibrated confidence, serialization, the corpus format. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CorpusFormatError, parseCorpus } from '../../src/nlp/nlp-corpus';
import { restoreNlpModel, trainNlpModel } from '../../src/nlp/nlp-model';
import { corpusFingerprint, loadNlpModel } from '../../src/nlp/nlp-model-store';
import { CONFIRM_CONFIDENCE, routeReading } from '../../src/nlp/routing-policy';
import { flows } from '../flow-engine/engine-support';

const model = flows.nlp;
const vocabulary = flows.vocabulary;

describe('reading a first message', () => {
  it.each([
    ['no hay agua desde ayer en mi casa', 'outage', 'es'],
    ['m llego el recibo x el doble y ni hay agua', 'billing', 'es'],
    ['me cortaron el agua por falta de pago', 'billing', 'es'],
    ['el agua huele a desague', 'quality', 'es'],
    ['sale agua marron y huele feo', 'quality', 'es'],
    ['water coming out of the meter box', 'leak', 'en'],
    ['the sewer is overflowing', 'sewage', 'en'],
    ['mana yaku kanchu', 'outage', 'qu'],
  ])('%j is %s in %s', (text, category, language) => {
    const reading = model.read(text);
    expect(reading).toMatchObject({ category, language });
    expect(routeReading(reading).band).toBe('clear');
  });

  it('a message with no problem in it is other, and goes to the menu', () => {
    for (const text of ['hola', 'gracias', 'quiero hablar con alguien']) {
      const reading = model.read(text);
      expect(reading.category).toBe('other');
      expect(routeReading(reading)).toEqual({ band: 'unclear', category: 'other' });
    }
  });

  it('a message too short to tell has no language, so the resident keeps theirs', () => {
    expect(model.read('1').language).toBeNull();
    expect(model.read('').language).toBeNull();
  });

  it('confidence is a probability, and a guess below the confirm threshold is reported as other', () => {
    for (const text of ['no hay agua', 'el caño hace ruido', 'asdf qwer']) {
      const reading = model.read(text);
      expect(reading.confidence).toBeGreaterThanOrEqual(0);
      expect(reading.confidence).toBeLessThanOrEqual(1);
      if (reading.category !== 'other') expect(reading.confidence).toBeGreaterThanOrEqual(CONFIRM_CONFIDENCE);
    }
  });
});

describe('routing bands', () => {
  it('clear at high confidence, confirm in between, unclear below', () => {
    expect(routeReading({ category: 'leak', confidence: 0.95 }).band).toBe('clear');
    expect(routeReading({ category: 'leak', confidence: 0.6 }).band).toBe('confirm');
    expect(routeReading({ category: 'leak', confidence: 0.2 })).toEqual({ band: 'unclear', category: 'other' });
    expect(routeReading({ category: 'other', confidence: 0.99 })).toEqual({ band: 'unclear', category: 'other' });
  });
});

describe('the model is built from the repository corpus and serialized, never downloaded', () => {
  const small = parseCorpus(
    ['outage\tes\tno hay agua', 'outage\tes\tsin agua desde ayer', 'billing\tes\tel recibo vino caro', 'billing\ten\tmy bill is too high', 'other\tes\thola', 'other\ten\thello'].join('\n'),
    'small.tsv',
  );

  it('a serialized model reads exactly like the one it came from', () => {
    const trained = trainNlpModel({ examples: small, vocabulary, fingerprint: 'f1' });
    const restored = restoreNlpModel(JSON.parse(JSON.stringify(trained.toJSON())), vocabulary);
    for (const text of ['no hay agua', 'recibo caro', 'hello', 'otra cosa']) expect(restored.read(text)).toEqual(trained.read(text));
  });

  it('a built model file is used only when it was built from the same corpus and vocabulary', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nlp-'));
    const trainFile = join(dir, 'train.tsv');
    const corpus = 'outage\tes\tno hay agua\nbilling\tes\trecibo caro\nother\tes\thola\n';
    writeFileSync(trainFile, corpus);
    const built = trainNlpModel({ examples: parseCorpus(corpus, 'x'), vocabulary, fingerprint: corpusFingerprint(corpus, vocabulary) }).toJSON();
    const builtFile = join(dir, 'model.json');
    writeFileSync(builtFile, JSON.stringify(built));
    expect(loadNlpModel({ trainFile, vocabulary, builtModelFile: builtFile }).fingerprint).toBe(built.fingerprint);
    writeFileSync(trainFile, `${corpus}leak\tes\thay una fuga\n`);
    const retrained = loadNlpModel({ trainFile, vocabulary, builtModelFile: builtFile });
    expect(retrained.fingerprint).not.toBe(built.fingerprint);
    expect(readFileSync(builtFile, 'utf8')).toBe(JSON.stringify(built));
  });
});

describe('the corpus format', () => {
  it('names every bad line at once', () => {
    expect(() => parseCorpus('outage\tes\tok\nflood\tes\tx\nleak\tfr\ty\nleak\tes\n# comment\n', 'bad.tsv')).toThrow(CorpusFormatError);
    try {
      parseCorpus('flood\tes\tx\nleak\tfr\ty\n', 'bad.tsv');
    } catch (error) {
      expect((error as CorpusFormatError).problems).toEqual(['bad.tsv:1: unknown category "flood"', 'bad.tsv:2: unknown language "fr"']);
    }
  });
});
