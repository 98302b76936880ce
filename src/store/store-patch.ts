/**
 * Partial updates as adapters apply them: keys left `undefined` mean "unchanged", and keys that
 * identify a row (id, phone of a resident, reference of a ticket, creation time) are never
 * rewritten even if a caller slips them in past the types.
 */
export function definedPatch(patch: object, immutable: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined || immutable.includes(key)) continue;
    out[key] = value;
  }
  return out;
}

export const IMMUTABLE_FIELDS = {
  locality: ['id', 'createdAt'],
  resident: ['id', 'phone', 'createdAt'],
  ticket: ['id', 'reference', 'createdAt'],
  outbox: ['id', 'createdAt'],
  user: ['id', 'createdAt'],
} as const;
