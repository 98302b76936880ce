/**
 * Operator passwords, hashed with scrypt (memory-hard, in node:crypto, no native dependency).
 * The stored string names its own parameters so they can be raised later without breaking
 * existing hashes: `scrypt$32768$8$1$<salt base64url>$<hash base64url>`.
 */
import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const SCHEME = 'scrypt';
const DEFAULT_PARAMS = { N: 2 ** 15, r: 8, p: 1 } as const;
const SALT_BYTES = 16;
const KEY_BYTES = 32;
/** A stored hash with bigger parameters than this is refused rather than allowed to eat memory. */
const MAX_N = 2 ** 20;
const MAX_R = 32;
const MAX_P = 16;

function scrypt(password: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scryptCallback(password.normalize('NFC'), salt, keylen, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** scrypt needs 128·N·r·p bytes; Node's default 32 MiB cap is exactly N=2^15, r=8 and fails. */
function maxmemFor(params: { N: number; r: number; p: number }): number {
  return 128 * params.N * params.r * params.p + 16 * 1024 * 1024;
}

/**
 * Hashes a password with a fresh random salt.
 *
 * @example await hashPassword('correct horse') // 'scrypt$32768$8$1$Zm9v…$YmFy…'
 */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await scrypt(password, salt, KEY_BYTES, { ...DEFAULT_PARAMS, maxmem: maxmemFor(DEFAULT_PARAMS) });
  const { N, r, p } = DEFAULT_PARAMS;
  return [SCHEME, N, r, p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

interface ParsedHash {
  N: number;
  r: number;
  p: number;
  salt: Buffer;
  key: Buffer;
}

function parseHash(stored: string): ParsedHash | null {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== SCHEME) return null;
  const [, nText, rText, pText, saltText, keyText] = parts as [string, string, string, string, string, string];
  const N = Number(nText);
  const r = Number(rText);
  const p = Number(pText);
  const isPowerOfTwo = Number.isInteger(N) && N > 1 && (N & (N - 1)) === 0;
  if (!isPowerOfTwo || N > MAX_N) return null;
  if (!Number.isInteger(r) || r < 1 || r > MAX_R || !Number.isInteger(p) || p < 1 || p > MAX_P) return null;
  const base64url = /^[A-Za-z0-9_-]+$/;
  if (!base64url.test(saltText) || !base64url.test(keyText)) return null;
  const salt = Buffer.from(saltText, 'base64url');
  const key = Buffer.from(keyText, 'base64url');
  if (salt.length < 8 || key.length < 16) return null;
  return { N, r, p, salt, key };
}

/**
 * True when `password` matches `stored`. A malformed or tampered hash is a mismatch, not an
 * exception, so a damaged row can never let anyone in nor crash the login page.
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed) return false;
  const key = await scrypt(password, parsed.salt, parsed.key.length, {
    N: parsed.N,
    r: parsed.r,
    p: parsed.p,
    maxmem: maxmemFor(parsed),
  });
  return timingSafeEqual(key, parsed.key);
}

/**
 * A valid hash of a password nobody knows. Login checks it when the username does not exist,
 * so an unknown username takes as long to refuse as a wrong password.
 */
let dummyHash: Promise<string> | null = null;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
  return dummyHash;
}
