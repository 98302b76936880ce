/**
 * The send path's abuse limits (issue 7.3), applied to every outbox row whoever wrote it (flow
 * replies, operator replies, staff alerts, broadcasts, committee summaries), just before it
 * would be handed to the provider:
 *
 * - **resident countries**: only numbers whose country calling code is allowed
 *   (`RESIDENT_COUNTRY_CODES`, default Peru `51`) are sent to, so SMS pumping through premium
 *   foreign numbers costs nothing;
 * - **daily caps**: at most `perRecipientDaily` messages to one recipient and `perLocalityDaily`
 *   from one town per local day. The first row over a cap calls `onCapHit` (the supervisors are
 *   told once per cap and day); the row is marked `failed` with the cap as its error code.
 *
 * Counters live in Redis as sets of outbox ids per day, so a retried row is never counted twice
 * and every process shares them. A Redis that lost its data forgets the day's counts: the caps
 * then start again from zero (see SECURITY.md). Kinds in `exemptKinds` (the cap alert itself)
 * skip the caps, never the country rule.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { DateTime } from 'luxon';
import type Redis from 'ioredis';
import type { OutboxMessage } from '../../domain/message';
import type { Repository } from '../../store/repository';

export type CapRefusal = 'country_not_allowed' | 'daily_cap_recipient' | 'daily_cap_locality';

export type CapVerdict = { allowed: true } | { allowed: false; reason: CapRefusal };

export interface CapHit {
  kind: 'recipient' | 'locality';
  localityId: string | null;
  /** The local day, `2026-03-01`. */
  day: string;
  outboxId: string;
}

export interface SendCaps {
  check(row: OutboxMessage): Promise<CapVerdict>;
}

export interface SendCapsOptions {
  redis: Pick<Redis, 'eval'>;
  prefix: string;
  repo: Pick<Repository, 'findLocalityForNumber'>;
  /** Country calling codes without `+`, e.g. `['51']`. */
  allowedCountryCodes: readonly string[];
  perRecipientDaily: number;
  perLocalityDaily: number;
  exemptKinds?: readonly string[];
  now: () => Date;
  /** The first row over a cap, once per cap and day (across processes). */
  onCapHit?: (hit: CapHit) => unknown;
  /** Days are counted in the town's zone; this one when the row's town is unknown. */
  defaultTimeZone?: string;
}

export const CAP_ALERT_KIND = 'cap_alert';

/** 0 = counted (or already was), 1 = recipient cap, 2 = locality cap. Newly-refused adds 10. */
const COUNT_SCRIPT = `
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then return 0 end
local refusal = 0
if redis.call('SCARD', KEYS[1]) >= tonumber(ARGV[2]) then refusal = 1
elseif redis.call('SCARD', KEYS[2]) >= tonumber(ARGV[3]) then refusal = 2 end
if refusal > 0 then
  if redis.call('SET', KEYS[2 + refusal], '1', 'NX', 'EX', ARGV[4]) then return refusal + 10 end
  return refusal
end
redis.call('SADD', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[4])
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('EXPIRE', KEYS[2], ARGV[4])
return 0
`;

const TWO_DAYS_SECONDS = 2 * 24 * 3600;
const TOWN_MEMO_MS = 60_000;
const TOWN_MEMO_LIMIT = 1_000;

interface CapLocality {
  id: string;
  timeZone: string;
}

/** `RESIDENT_COUNTRY_CODES` (`51,591`) → `['51', '591']`. */
export function parseCountryCodes(value: string): string[] {
  return value
    .split(',')
    .map((code) => code.trim().replace(/^\+/, ''))
    .filter((code) => code !== '');
}

export function isAllowedCountry(phone: string, allowed: readonly string[]): boolean {
  const parsed = parsePhoneNumberFromString(phone);
  return parsed !== undefined && allowed.includes(parsed.countryCallingCode);
}

export function createSendCaps(options: SendCapsOptions): SendCaps {
  const exempt = options.exemptKinds ?? [CAP_ALERT_KIND];
  // Which town sends from a number, and in which zone its day runs, for a minute: every reply
  // of a burst asked the store twice for the same answer (issue 11). A number moved to another
  // town counts towards the new one within a minute.
  const towns = new Map<string, { locality: CapLocality | null; until: number }>();
  // A recipient's country and a zone's date, remembered: libphonenumber and luxon were 2% of a
  // burst's CPU, asked the same question for every reply (issue 11).
  const countryAllowed = new Map<string, boolean>();
  function allowedRecipient(phone: string): boolean {
    let allowed = countryAllowed.get(phone);
    if (allowed === undefined) {
      allowed = isAllowedCountry(phone, options.allowedCountryCodes);
      if (countryAllowed.size >= TOWN_MEMO_LIMIT * 10) countryAllowed.clear();
      countryAllowed.set(phone, allowed);
    }
    return allowed;
  }
  /**
   * The zone's date now; computed again once the UTC minute it was computed in is over. Zones
   * are offset from UTC by whole minutes, so a local date never changes inside a UTC minute.
   */
  const days = new Map<string, { day: string; minute: number }>();
  function localDay(zone: string, at: Date): string {
    const minute = Math.floor(at.getTime() / 60_000);
    const known = days.get(zone);
    if (known && known.minute === minute) return known.day;
    const day = DateTime.fromJSDate(at).setZone(zone).toISODate() ?? 'unknown';
    days.set(zone, { day, minute });
    return day;
  }

  async function townOf(fromPhone: string): Promise<CapLocality | null> {
    const nowMs = options.now().getTime();
    const known = towns.get(fromPhone);
    if (known && known.until > nowMs) return known.locality;
    const found = await options.repo.findLocalityForNumber(fromPhone);
    const locality = found ? { id: found.id, timeZone: found.timeZone } : null;
    if (towns.size >= TOWN_MEMO_LIMIT) towns.clear();
    towns.set(fromPhone, { locality, until: nowMs + TOWN_MEMO_MS });
    return locality;
  }

  return {
    async check(row) {
      if (!allowedRecipient(row.toPhone)) return { allowed: false, reason: 'country_not_allowed' };
      if (exempt.includes(row.kind)) return { allowed: true };

      const locality = row.fromPhone ? await townOf(row.fromPhone) : null;
      const zone = locality?.timeZone ?? options.defaultTimeZone ?? 'America/Lima';
      const day = localDay(zone, options.now());
      const recipient = row.residentId ? `r:${row.residentId}` : row.userId ? `u:${row.userId}` : `o:${row.id}`;
      const town = locality?.id ?? 'none';
      const base = `${options.prefix}:send-caps:${day}`;
      const result = Number(
        await options.redis.eval(
          COUNT_SCRIPT,
          4,
          `${base}:recipient:${recipient}`,
          `${base}:locality:${town}`,
          // One alert per cap and day: per recipient for the recipient cap, per town for the town cap.
          `${base}:alerted:recipient:${recipient}`,
          `${base}:alerted:locality:${town}`,
          row.id,
          String(options.perRecipientDaily),
          String(options.perLocalityDaily),
          String(TWO_DAYS_SECONDS),
        ),
      );
      if (result === 0) return { allowed: true };
      const kind = result % 10 === 1 ? 'recipient' : 'locality';
      if (result > 10) await options.onCapHit?.({ kind, localityId: locality?.id ?? null, day, outboxId: row.id });
      return { allowed: false, reason: kind === 'recipient' ? 'daily_cap_recipient' : 'daily_cap_locality' };
    },
  };
}
