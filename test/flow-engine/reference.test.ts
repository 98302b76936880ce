import {
  InvalidReferenceDigitsError,
  isValidReference,
  makeReference,
  normalizeReferenceInput,
  randomReference,
} from '../../src/domain/reference';

describe('ticket references', () => {
  it('appends the Damm check digit to six digits', () => {
    expect(makeReference('482017')).toBe('4820176');
    expect(makeReference('123456')).toBe('1234566');
    expect(makeReference('000000')).toBe('0000000');
  });

  it('refuses anything but six digits', () => {
    for (const bad of ['12345', '1234567', '12a456', '']) expect(() => makeReference(bad)).toThrow(InvalidReferenceDigitsError);
  });

  it('accepts its own references and rejects wrong lengths and letters', () => {
    expect(isValidReference('4820176')).toBe(true);
    expect(isValidReference('482017')).toBe(false);
    expect(isValidReference('48201766')).toBe(false);
    expect(isValidReference('482O176')).toBe(false);
  });

  it('catches every single-digit typo and every swap of adjacent digits', () => {
    const missed: string[] = [];
    for (let n = 0; n < 1000; n++) {
      const ref = makeReference(String((n * 7919 + 104729) % 1000000).padStart(6, '0'));
      for (let i = 0; i < 7; i++) {
        for (let d = 0; d <= 9; d++) {
          const typo = ref.slice(0, i) + d + ref.slice(i + 1);
          if (typo !== ref && isValidReference(typo)) missed.push(`${ref}→${typo}`);
        }
        if (i < 6 && ref[i] !== ref[i + 1]) {
          const swapped = ref.slice(0, i) + ref[i + 1] + ref[i] + ref.slice(i + 2);
          if (isValidReference(swapped)) missed.push(`${ref}⇄${swapped}`);
        }
      }
    }
    expect(missed).toEqual([]);
  });

  it('draws random references that are valid and never start with 0', () => {
    for (let i = 0; i < 200; i++) {
      const ref = randomReference();
      expect(ref).toMatch(/^[1-9]\d{6}$/);
      expect(isValidReference(ref)).toBe(true);
    }
  });

  it('strips what people type around a code', () => {
    expect(normalizeReferenceInput(' 123-4567 ')).toBe('1234567');
    expect(normalizeReferenceInput('#482.0176')).toBe('4820176');
    expect(normalizeReferenceInput('482 01 76')).toBe('4820176');
  });
});
