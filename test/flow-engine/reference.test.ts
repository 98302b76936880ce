import {
  InvalidReferenceDigitsError,
  isValidReference,
  makeReference,
  normalizeReferenceInput,
  randomReference,
} from '../../src/domain/reference';

describe('ticket references', () => {
  it('appends the Damm check digit to eight digits, or to six (the first references)', () => {
    expect(makeReference('48201763')).toBe('482017637');
    expect(makeReference('482017')).toBe('4820176');
    expect(makeReference('123456')).toBe('1234566');
    expect(makeReference('000000')).toBe('0000000');
  });

  it('refuses anything but six or eight digits', () => {
    for (const bad of ['12345', '1234567', '123456789', '12a456', '']) expect(() => makeReference(bad)).toThrow(InvalidReferenceDigitsError);
  });

  it('accepts its own references, nine digits and the older seven, and rejects wrong lengths and letters', () => {
    expect(isValidReference('482017637')).toBe(true);
    expect(isValidReference('4820176')).toBe(true);
    expect(isValidReference('48201763')).toBe(false);
    expect(isValidReference('4820176370')).toBe(false);
    expect(isValidReference('482017')).toBe(false);
    expect(isValidReference('48201766')).toBe(false);
    expect(isValidReference('482O176')).toBe(false);
  });

  it.each([
    ['seven', 6, 1000000],
    ['nine', 8, 100000000],
  ])('catches every single-digit typo and every swap of adjacent digits in %s-digit references', (_name, randomDigits, modulo) => {
    const missed: string[] = [];
    for (let n = 0; n < 1000; n++) {
      const ref = makeReference(String((n * 7919 + 104729) % modulo).padStart(randomDigits, '0'));
      for (let i = 0; i < ref.length; i++) {
        for (let d = 0; d <= 9; d++) {
          const typo = ref.slice(0, i) + d + ref.slice(i + 1);
          if (typo !== ref && isValidReference(typo)) missed.push(`${ref}→${typo}`);
        }
        if (i < ref.length - 1 && ref[i] !== ref[i + 1]) {
          const swapped = ref.slice(0, i) + ref[i + 1] + ref[i] + ref.slice(i + 2);
          if (isValidReference(swapped)) missed.push(`${ref}⇄${swapped}`);
        }
      }
    }
    expect(missed).toEqual([]);
  });

  it('draws random nine-digit references that are valid and never start with 0', () => {
    for (let i = 0; i < 200; i++) {
      const ref = randomReference();
      expect(ref).toMatch(/^[1-9]\d{8}$/);
      expect(isValidReference(ref)).toBe(true);
    }
  });

  it('strips what people type around a code', () => {
    expect(normalizeReferenceInput(' 123-4567 ')).toBe('1234567');
    expect(normalizeReferenceInput('#482.0176')).toBe('4820176');
    expect(normalizeReferenceInput('482 01 76')).toBe('4820176');
  });
});
