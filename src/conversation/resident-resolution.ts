/**
 * Whose turn a message is, and from which instant it applies. A phone the store does not know is
 * a first contact: the resident is created in the town the message was sent to, in Spanish, with
 * nothing asked or sent yet, so the engine treats the conversation as their first.
 */
import type { InboundMessage } from '../domain/message';
import type { Locality } from '../domain/locality';
import type { Resident } from '../domain/resident';
import type { Repository } from '../store/repository';

export interface ResidentResolverDeps {
  repo: Pick<Repository, 'findResidentByPhone' | 'upsertResidentByPhone'>;
  newId: () => string;
}

export interface ResolvedResident {
  resident: Resident;
  /** When the turn is applied: `now`, or just after the resident's previous turn. */
  appliedAt: Date;
}

export interface ResidentResolver {
  /** The sender's resident, created on first contact, and the instant their turn applies at. */
  resolve(message: InboundMessage, locality: Locality, now: Date): Promise<ResolvedResident>;
}

export function createResidentResolver(deps: ResidentResolverDeps): ResidentResolver {
  async function ensureResident(message: InboundMessage, locality: Locality, now: Date): Promise<Resident> {
    const existing = await deps.repo.findResidentByPhone(message.fromPhone);
    if (existing) return existing;
    const iso = now.toISOString();
    return deps.repo.upsertResidentByPhone({
      id: deps.newId(),
      phone: message.fromPhone,
      localityId: locality.id,
      language: 'es',
      gender: null,
      genderAskedAt: null,
      privacyNoticeSentAt: null,
      optedOut: false,
      lastInboundAt: null,
      lastWhatsappInboundAt: null,
      createdAt: iso,
      updatedAt: iso,
    });
  }

  return {
    async resolve(message, locality, now) {
      const resident = await ensureResident(message, locality, now);
      return { resident, appliedAt: afterPreviousTurn(now, resident) };
    },
  };
}

/**
 * Turns of one resident a millisecond apart must not interleave their replies' timestamps:
 * start just after the previous turn's last reply (kept as the resident's updatedAt), unless
 * that instant is implausibly far ahead (another host's clock).
 */
function afterPreviousTurn(now: Date, resident: Resident): Date {
  const previous = Date.parse(resident.updatedAt);
  if (Number.isNaN(previous) || previous < now.getTime() || previous - now.getTime() > 1000) return now;
  return new Date(previous + 1);
}
