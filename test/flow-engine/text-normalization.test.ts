/**
 * THE normalization (issue 8): one function, the same table, on both sides of every comparison.
 * Each row: what a resident (or a vocabulary file, or a sector list) writes → the tokens compared.
 */
import { normalizeTokens } from '../../src/flow-engine/text-normalizer';
import { flows } from './engine-support';

const { shorthand, places } = flows.vocabulary;

describe('normalization table', () => {
  it.each([
    ['Q pasó xq NO hay aguaaa d ayer!!', ['que', 'paso', 'porque', 'no', 'hay', 'agua', 'de', 'ayer']],
    ['DESAGÜE', ['desague']],
    ['desagüeeee 😡😡', ['desague']],
    ['sííí', ['si']],
    ['Ñan', ['nan']],
    ['toy sin agua tb', ['estoy', 'sin', 'agua', 'tambien']],
    ['nada d agua dsd las 6am', ['nada', 'de', 'agua', 'desde', 'las', '6', 'am']],
    ['k paso porfa', ['que', 'paso', 'por', 'favor']],
    ['dnd reclamo? x fa', ['donde', 'reclamo', 'por', 'fa']],
    ['Jr. Lima 345', ['jiron', 'lima', '345']],
    ['av.Grau cdra 3', ['avenida', 'grau', 'cuadra', '3']],
    // Doubled letters collapse on both sides ("barrio" and "bario" are one word), so "rr" reads "r".
    ['b. alto', ['bario', 'alto']],
    ['Barrio Alto', ['bario', 'alto']],
    ['mz b lt 4', ['mz', 'b', 'lt', '4']],
    ['psje. Los Olivos', ['pasaje', 'los', 'olivos']],
    ['...¿¡?!', []],
    ['3 hrs sin agua', ['3', 'horas', 'sin', 'agua']],
  ])('%j → %j', (text, tokens) => expect(normalizeTokens(text, shorthand)).toEqual(tokens));

  it('place names get the place table on both sides: "sta rosa" and "Sta. Rosa" are the sector "Santa Rosa"', () => {
    expect(normalizeTokens('sta rosa', places)).toEqual(['santa', 'rosa']);
    expect(normalizeTokens('Sta. Rosa', places)).toEqual(['santa', 'rosa']);
    expect(normalizeTokens('Santa Rosa', places)).toEqual(['santa', 'rosa']);
    // In a sentence "sta" is "está".
    expect(normalizeTokens('el agua sta sucia', shorthand)).toEqual(['el', 'agua', 'esta', 'sucia']);
  });

  it('vocabulary words are normalized like replies, so a listed "desagüe" matches a typed "DESAGUE"', () => {
    expect(normalizeTokens('desagüe', shorthand)).toEqual(normalizeTokens('DESAGUE', shorthand));
    expect(normalizeTokens('Bellavista', places)).toEqual(normalizeTokens('BELLAVISTA!', places));
  });
});
