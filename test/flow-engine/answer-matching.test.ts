import { parseYesNo } from '../../src/flow-engine/answer-parsers';
import { makeReply } from '../../src/flow-engine/flow-runner';
import { routeReading } from '../../src/nlp/routing-policy';
import { matchSector } from '../../src/flow-engine/sector-matcher';
import { normalizeTokens } from '../../src/flow-engine/text-normalizer';
import { flows } from './engine-support';

const vocabulary = flows.vocabulary;
const reply = (text: string) => makeReply(text, null, 0, vocabulary);

describe('yes/no in all its forms', () => {
  it.each(['si', 'sí', 'Sí.', 'sii', 'siii', 'SIIII', 'ok', 'oki', 'ya', 'claro', 'claro que si', '1', 'yes', 'y', 'Yeah', 'ari', 'arí', 'si desde ayer'])(
    '%j is yes',
    (text) => expect(parseYesNo(reply(text), vocabulary)).toEqual({ kind: 'answer', value: true, extra: {} }),
  );
  it.each(['no', 'NO', 'nooo', 'nop', 'nel', '2', 'n', 'manam', 'mana', 'no, todavia no'])('%j is no', (text) =>
    expect(parseYesNo(reply(text), vocabulary)).toEqual({ kind: 'answer', value: false, extra: {} }),
  );
  it.each(['no se', 'nose', 'ni idea', '3', 'tal vez', '', 'y ahora que hago'])('%j is neither', (text) =>
    expect(parseYesNo(reply(text), vocabulary)).toEqual({ kind: 'invalid' }),
  );
});

describe('free first messages go to the matching report', () => {
  it.each([
    ['no hay agua desde ayer', 'outage'],
    ['q paso con el agua', 'outage'],
    ['toy sin agua tb mi vecina', 'outage'],
    ['mana yaku kanchu', 'outage'],
    ['mi recibo vino muy caro', 'billing'],
    ['xq me cobran tanto', 'billing'],
    ['hay una fuga en la calle', 'leak'],
    ['se revento el tubo', 'leak'],
    ['el desague se rebalsa', 'sewage'],
    ['el desagüe esta atorado', 'sewage'],
    ['el agua sale turbia', 'quality'],
    ['el agua tiene gusanos', 'quality'],
  ])('%j → %s', (text, intent) => {
    const routing = routeReading(flows.nlp.read(text));
    expect(routing.category).toBe(intent);
    expect(routing.band).not.toBe('unclear');
  });

  // A lone "agua" no longer decides (issue 8: it sent billing and leak reports to outage); the menu asks.
  it.each(['hola', 'buenas tardes', 'quiero hablar con alguien', 'aguaaa'])('%j has no report intent', (text) => {
    expect(routeReading(flows.nlp.read(text)).band).toBe('unclear');
  });
});

describe('sector names are matched fuzzily', () => {
  const sectors = ['Centro', 'Bellavista', 'Las Flores', 'Alto Perú', 'San Juan'];
  it.each([
    ['bellavista', 'Bellavista'],
    ['Bella Vista', 'Bellavista'],
    ['belavista', 'Bellavista'],
    ['sector las flores', 'Las Flores'],
    ['flores', 'Las Flores'],
    ['alto peru', 'Alto Perú'],
    ['vivo en el barrio san juan', 'San Juan'],
    ['CENTRO', 'Centro'],
  ])('%j → %s', (text, sector) => expect(matchSector(text, sectors, vocabulary.places)).toBe(sector));

  it.each(['Lima', 'xyz', 'san'])('%j matches no sector', (text) => expect(matchSector(text, sectors, vocabulary.places)).toBeNull());
});

describe('normalization of SMS writing', () => {
  it('expands shorthand, strips accents and collapses stretched letters', () => {
    expect(normalizeTokens('Q pasó xq NO hay aguaaa d ayer!!', vocabulary.shorthand)).toEqual([
      'que', 'paso', 'porque', 'no', 'hay', 'agua', 'de', 'ayer',
    ]);
  });

  it('ignores a leading greeting', () => {
    expect(reply('Hola buenos días, 2').words.map((w) => w.text)).toEqual(['2']);
  });
});

describe('more yes/no variants residents send (issue 8)', () => {
  it.each(['claro que si', 'sipi', 'ya pues', 'ok ps', 'asi es', 'si claro', 'yes please', 'dale', 'correcto'])('%j is yes', (text) =>
    expect(parseYesNo(reply(text), vocabulary)).toEqual({ kind: 'answer', value: true, extra: {} }),
  );
  it.each(['nope', 'no gracias', 'nel', 'negativo', 'not really', 'aun no'])('%j is no', (text) =>
    expect(parseYesNo(reply(text), vocabulary)).toEqual({ kind: 'answer', value: false, extra: {} }),
  );
  it.each(['no lo se', 'no estoy segura', 'quien sabe', 'no lo tengo a la mano'])('%j is neither yes nor no', (text) =>
    expect(parseYesNo(reply(text), vocabulary)).toEqual({ kind: 'invalid' }),
  );
});
