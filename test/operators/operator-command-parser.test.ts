import { makeReference } from '../../src/domain/reference';
import { parseOperatorCommand } from '../../src/operators/operator-command-parser';

const REF = makeReference('482017');
/** One wrong digit: the Damm check digit catches every single-digit typo. */
const TYPO = `${REF.slice(0, 6)}${(Number(REF[6]) + 1) % 10}`;

describe('operator SMS command parsing', () => {
  it.each([
    ['LISTA', { type: 'list', order: 'urgent', page: 1, language: 'es' }],
    ['lista nuevos', { type: 'list', order: 'newest', page: 1, language: 'es' }],
    ['lista viejos', { type: 'list', order: 'oldest', page: 1, language: 'es' }],
    ['Lista 2', { type: 'list', order: 'urgent', page: 2, language: 'es' }],
    ['LIST OLD 3', { type: 'list', order: 'oldest', page: 3, language: 'en' }],
    ['ayuda', { type: 'help', language: 'es' }],
    ['HELP', { type: 'help', language: 'en' }],
  ])('reads %p', (text, expected) => {
    expect(parseOperatorCommand(text)).toEqual(expected);
  });

  it('ignores case and accents in command words but keeps the reply text exactly as typed', () => {
    expect(parseOperatorCommand(`  rEsP ${REF}  Mañana llega el técnico, señora.  `)).toEqual({
      type: 'reply',
      reference: REF,
      text: 'Mañana llega el técnico, señora.',
      language: 'es',
    });
    expect(parseOperatorCommand(`RESUÉLTO ${REF} Se cambió la válvula`)).toEqual({
      type: 'resolve',
      reference: REF,
      note: 'Se cambió la válvula',
      language: 'es',
    });
  });

  it('accepts a reference typed with a dash, a hash or split in two', () => {
    const dashed = `${REF.slice(0, 3)}-${REF.slice(3)}`;
    expect(parseOperatorCommand(`ok ${dashed}`)).toEqual({ type: 'acknowledge', reference: REF, language: 'es' });
    expect(parseOperatorCommand(`VER #${REF}`)).toEqual({ type: 'show', reference: REF, language: 'es' });
    expect(parseOperatorCommand(`ACK ${REF.slice(0, 3)} ${REF.slice(3)}`)).toEqual({ type: 'acknowledge', reference: REF, language: 'en' });
  });

  it('reads the English twins and answers in English', () => {
    expect(parseOperatorCommand(`SHOW ${REF}`)).toEqual({ type: 'show', reference: REF, language: 'en' });
    expect(parseOperatorCommand(`reply ${REF} On our way`)).toEqual({ type: 'reply', reference: REF, text: 'On our way', language: 'en' });
    expect(parseOperatorCommand(`resolve ${REF} Fixed`)).toEqual({ type: 'resolve', reference: REF, note: 'Fixed', language: 'en' });
  });

  it('flags a reference whose check digit fails instead of looking it up', () => {
    expect(TYPO).not.toBe(REF);
    expect(parseOperatorCommand(`OK ${TYPO}`)).toEqual({ type: 'bad_reference', reference: TYPO, language: 'es' });
    expect(parseOperatorCommand('VER 12345')).toEqual({ type: 'bad_reference', reference: '12345', language: 'es' });
  });

  it('asks for the missing part when a command lacks its reference, reply text or note', () => {
    expect(parseOperatorCommand('VER')).toEqual({ type: 'usage', command: 'show', language: 'es' });
    expect(parseOperatorCommand('OK gracias')).toEqual({ type: 'usage', command: 'acknowledge', language: 'es' });
    expect(parseOperatorCommand(`RESP ${REF}`)).toEqual({ type: 'usage', command: 'reply', language: 'es' });
    expect(parseOperatorCommand(`RESOLVE ${REF}   `)).toEqual({ type: 'usage', command: 'resolve', language: 'en' });
  });

  it('calls anything else an unknown command', () => {
    expect(parseOperatorCommand('no hay agua')).toEqual({ type: 'unknown', language: 'es' });
    expect(parseOperatorCommand('')).toEqual({ type: 'unknown', language: 'es' });
  });
});
