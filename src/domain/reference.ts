/**
 * Ticket references residents type on a keypad: 6 random digits and a Damm check digit.
 * Damm catches every single-digit typo and every swap of two adjacent digits, so a wrong
 * `ESTADO 4820137` is told "check the code" instead of showing someone else's ticket.
 */
import { randomInt } from 'node:crypto';

export const REFERENCE_LENGTH = 7;

/** Damm's weakly totally anti-symmetric quasigroup of order 10. */
const DAMM_TABLE: readonly (readonly number[])[] = [
  [0, 3, 1, 7, 5, 9, 8, 6, 4, 2],
  [7, 0, 9, 2, 1, 5, 4, 8, 6, 3],
  [4, 2, 0, 6, 8, 7, 1, 3, 5, 9],
  [1, 7, 5, 0, 9, 8, 3, 4, 2, 6],
  [6, 1, 2, 3, 0, 4, 5, 9, 7, 8],
  [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
  [5, 8, 6, 9, 7, 2, 0, 1, 3, 4],
  [8, 9, 4, 5, 3, 6, 2, 0, 1, 7],
  [9, 4, 3, 8, 6, 1, 7, 2, 0, 5],
  [2, 5, 8, 1, 4, 3, 6, 7, 9, 0],
];

export class InvalidReferenceDigitsError extends Error {
  readonly code = 'reference_digits_invalid';
  constructor(readonly input: string) {
    super(`a reference needs exactly 6 random digits, got "${input}"`);
    this.name = 'InvalidReferenceDigitsError';
  }
}

function dammInterim(digits: string): number {
  let interim = 0;
  for (const ch of digits) interim = DAMM_TABLE[interim]![Number(ch)]!;
  return interim;
}

/** @example makeReference('482017') → '4820176' */
export function makeReference(randomDigits: string): string {
  if (!/^\d{6}$/.test(randomDigits)) throw new InvalidReferenceDigitsError(randomDigits);
  return `${randomDigits}${dammInterim(randomDigits)}`;
}

/**
 * For hosts only (uses crypto). The first digit is never 0, so spreadsheets and people who
 * drop leading zeros keep all seven digits.
 */
export function randomReference(): string {
  return makeReference(String(randomInt(100000, 1000000)));
}

/** True for 7 digits whose Damm check passes. */
export function isValidReference(s: string): boolean {
  return new RegExp(`^\\d{${REFERENCE_LENGTH}}$`).test(s) && dammInterim(s) === 0;
}

/** Strips what people type around a code: spaces, dashes, dots, a leading `#`. @example ' 123-4567 ' → '1234567' */
export function normalizeReferenceInput(input: string): string {
  return input.trim().replace(/^#/, '').replace(/[\s.\-_/]/g, '');
}
