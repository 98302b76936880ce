/**
 * Passwords the system chooses (first admin, new users, resets). They are read off a terminal
 * and typed on a phone, so the alphabet drops look-alikes (0/O, 1/l/I) and the groups are short.
 * 4 groups of 5 from 54 symbols ≈ 115 bits.
 */
import { randomInt } from 'node:crypto';

const ALPHABET = 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** @example generatePassword() // 'kT7qm-Xa3vP-9wRzc-HnB4e' */
export function generatePassword(options: { groups?: number; groupLength?: number } = {}): string {
  const groups = options.groups ?? 4;
  const groupLength = options.groupLength ?? 5;
  return Array.from({ length: groups }, () =>
    Array.from({ length: groupLength }, () => ALPHABET[randomInt(ALPHABET.length)]).join(''),
  ).join('-');
}
