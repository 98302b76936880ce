import { randomUUID } from 'node:crypto';

/** Opaque, unique, URL-safe ids for every stored row. */
export function newId(): string {
  return randomUUID();
}
