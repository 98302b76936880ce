import { hashPassword, verifyPassword } from '../../src/auth/password-hasher';

describe('password hasher', () => {
  let stored: string;

  beforeAll(async () => {
    stored = await hashPassword('río-seco 2025');
  });

  it('stores a self-describing scrypt string with N=2^15, r=8, p=1 and a 16-byte salt', () => {
    const [scheme, n, r, p, salt, hash] = stored.split('$');
    expect([scheme, n, r, p]).toEqual(['scrypt', '32768', '8', '1']);
    expect(Buffer.from(salt ?? '', 'base64url')).toHaveLength(16);
    expect(Buffer.from(hash ?? '', 'base64url').length).toBeGreaterThanOrEqual(32);
  });

  it('accepts the right password', async () => {
    await expect(verifyPassword('río-seco 2025', stored)).resolves.toBe(true);
  });

  it('refuses a wrong password', async () => {
    await expect(verifyPassword('rio-seco 2025', stored)).resolves.toBe(false);
    await expect(verifyPassword('', stored)).resolves.toBe(false);
  });

  it('salts every hash, so the same password never gives the same string', async () => {
    const again = await hashPassword('río-seco 2025');
    expect(again).not.toBe(stored);
    await expect(verifyPassword('río-seco 2025', again)).resolves.toBe(true);
  });

  it('refuses the right password against a tampered hash instead of throwing', async () => {
    const parts = stored.split('$');
    const hash = Buffer.from(parts[5] ?? '', 'base64url');
    hash[0] = (hash[0] ?? 0) ^ 0xff;
    const flipped = [...parts.slice(0, 5), hash.toString('base64url')].join('$');
    const weakerCost = ['scrypt', '16384', ...parts.slice(2)].join('$');
    const hugeCost = ['scrypt', String(2 ** 30), ...parts.slice(2)].join('$');

    await expect(verifyPassword('río-seco 2025', flipped)).resolves.toBe(false);
    await expect(verifyPassword('río-seco 2025', weakerCost)).resolves.toBe(false);
    await expect(verifyPassword('río-seco 2025', hugeCost)).resolves.toBe(false);
    await expect(verifyPassword('río-seco 2025', 'plain-text-password')).resolves.toBe(false);
    await expect(verifyPassword('río-seco 2025', stored.replace('scrypt$', 'bcrypt$'))).resolves.toBe(false);
  });
});
