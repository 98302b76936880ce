/**
 * Ids derived from what a row stands for (e.g. "the SLA breach of ticket X", "alert of window W
 * to user U") instead of random ones. Writing the same fact twice (a retried job, two workers
 * racing) then breaks the store's unique id rule, and the whole second unit of work is refused:
 * the store itself guarantees "once", even if Redis lost its keys.
 *
 * @example derivedId('sla_breached', ticketId) // '3f1c…-…' (UUID-shaped, stable for the same parts)
 */
import { createHash } from 'node:crypto';

export function derivedId(...parts: string[]): string {
  const hex = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  return [hex.slice(0, 8), hex.slice(8, 12), `5${hex.slice(13, 16)}`, `a${hex.slice(17, 20)}`, hex.slice(20, 32)].join('-');
}
