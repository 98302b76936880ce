/**
 * Ticket references residents type on a keypad: random digits and a Damm check digit. Damm
 * catches every single-digit typo and every swap of two adjacent digits, so a wrong
 * `ESTADO 4820137` is told "check the code" instead of showing someone else's ticket.
 *
 * New references have 8 random digits (9 in all). The first ones had 6 (7 in all): about
 * 900,000 possible codes shared by every town, so draws already clashed a few times per 8,000
 * tickets and would clash ever more often as history grew (each clash recomputes the turn).
 * With 90 million codes a store holding a million tickets still takes a fresh one at the first
 * draw 99 times in 100. Seven-digit references stay valid for as long as their tickets exist.
 */
import { randomInt } from 'node:crypto';

/** Length of the references drawn now. */
export const REFERENCE_LENGTH = 9;
/** Every length a valid reference may have: today's and the first tickets' 7. */
export const REFERENCE_LENGTHS: readonly number[] = [7, 9];
/** Matches a string of digits of a reference's length (check digit not verified). */
export const REFERENCE_DIGITS = /^(?:\d{7}|\d{9})$/;

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
    super(`a reference needs exactly 6 or 8 random digits, got "${input}"`);
    this.name = 'InvalidReferenceDigitsError';
  }
}

function dammInterim(digits: string): number {
  let interim = 0;
  for (const ch of digits) interim = DAMM_TABLE[interim]![Number(ch)]!;
  return interim;
}

/** @example makeReference('48201763') → '482017637'; makeReference('482017') → '4820176' (the first format) */
export function makeReference(randomDigits: string): string {
  if (!/^(?:\d{6}|\d{8})$/.test(randomDigits)) throw new InvalidReferenceDigitsError(randomDigits);
  return `${randomDigits}${dammInterim(randomDigits)}`;
}

/**
 * For hosts only (uses crypto). The first digit is never 0, so spreadsheets and people who
 * drop leading zeros keep all nine digits.
 */
export function randomReference(): string {
  return makeReference(String(randomInt(10_000_000, 100_000_000)));
}

/** True for 9 digits (or the first tickets' 7) whose Damm check passes. */
export function isValidReference(s: string): boolean {
  return REFERENCE_DIGITS.test(s) && dammInterim(s) === 0;
}

/** Strips what people type around a code: spaces, dashes, dots, a leading `#`. @example ' 123-4567 ' → '1234567' */
export function normalizeReferenceInput(input: string): string {
  return input.trim().replace(/^#/, '').replace(/[\s.\-_/]/g, '');
}
