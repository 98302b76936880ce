import { createHash } from 'node:crypto';

/** sha256 of a file's bytes or a text, hex: how the build and start-up agree a file is unchanged. */
export function contentHash(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}
