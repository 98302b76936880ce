import { adaptForChannel } from '../../src/i18n/channel-text';
import { isGsm7, toGsm7 } from '../../src/i18n/gsm7';
import { measureSms } from '../../src/i18n/sms-segments';

describe('toGsm7', () => {
  it.each([
    ['á é í ó ú', 'a é i o u'],
    ['Á É Í Ó Ú', 'A É I O U'],
    ['ñ Ñ ü Ü ¿ ¡', 'ñ Ñ ü Ü ¿ ¡'],
    ['“Hola” ‘así’', `"Hola" 'asi'`],
    ['Temperatura 20°C, 1º piso', 'Temperatura 20oC, 1o piso'],
    ['Espere… — gracias', 'Espere... - gracias'],
    ['Listo 👍 gracias 🙏🏽', 'Listo gracias'],
    ['Código 4820176 ✅', 'Codigo 4820176'],
    ['ç â ê ô ã õ', 'c a e o a o'],
    ['Jr. Lima\ncuadra 3', 'Jr. Lima\ncuadra 3'],
  ])('turns %j into %j', (input, expected) => {
    expect(toGsm7(input)).toBe(expected);
  });

  it('leaves composed and decomposed accents the same', () => {
    expect(toGsm7('cami\u006f\u0301n')).toBe('camion');
  });

  it('always produces text that is GSM-7 and measured as GSM-7', () => {
    const text = toGsm7('Atención: ¿su caño está roto? Envíe “SÍ” 💧 o ¡NO! — Perú, 2°');
    expect(isGsm7(text)).toBe(true);
    expect(measureSms(text).encoding).toBe('GSM-7');
  });
});

describe('isGsm7', () => {
  it('accepts Spanish letters GSM-7 has and the extension table', () => {
    expect(isGsm7('ñÑéÉüÜ¿¡ {}[]~^|€\\')).toBe(true);
  });
  it('rejects á, í, ó, ú, curly quotes, ° and emoji', () => {
    for (const ch of ['á', 'í', 'ó', 'ú', '“', '°', '😀']) expect(isGsm7(`a${ch}`)).toBe(false);
  });
});

describe('adaptForChannel', () => {
  it('transliterates SMS and keeps WhatsApp text whole', () => {
    expect(adaptForChannel('Código 📍', 'sms')).toBe('Codigo');
    expect(adaptForChannel('Código 📍', 'whatsapp')).toBe('Código 📍');
  });
});

describe('measureSms', () => {
  it('counts 160 GSM-7 characters as one segment and 161 as two', () => {
    expect(measureSms('a'.repeat(160))).toEqual({ segments: 1, encoding: 'GSM-7', characters: 160 });
    expect(measureSms('a'.repeat(161)).segments).toBe(2);
  });
  it('drops to 70 characters per segment when one character is outside GSM-7', () => {
    expect(measureSms(`${'a'.repeat(70)}`).segments).toBe(1);
    const ucs = measureSms(`${'a'.repeat(70)}á`);
    expect(ucs).toEqual({ segments: 2, encoding: 'UCS-2', characters: 71 });
  });
});
