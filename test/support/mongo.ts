/**
 * For tests that start real processes: when MONGODB_URI is set (see CONTRIBUTING.md), those
 * processes must run on MongoDB too, each test file on a database of its own.
 */
import { randomUUID } from 'node:crypto';

/** `{ MONGODB_URI }` naming a fresh database on the configured server, or `{}` without one. */
export function mongoEnvForProcess(label: string): { MONGODB_URI?: string } {
  const uri = process.env.MONGODB_URI?.trim();
  if (!uri) return {};
  const match = /^(mongodb(?:\+srv)?:\/\/[^/?]+)(?:\/[^?]*)?(\?.*)?$/.exec(uri);
  if (!match) throw new Error('MONGODB_URI is not a mongodb:// URL');
  return { MONGODB_URI: `${match[1]}/aguavoz-${label}-${randomUUID().slice(0, 8)}${match[2] ?? ''}` };
}
