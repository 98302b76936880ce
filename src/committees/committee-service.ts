/**
 * Committee members: add (phone validated with libphonenumber-js, one welcome SMS saying what
 * they will get and how to stop), list, pause, resume, remove. A member is also a resident, so
 * BAJA/STOP, the WhatsApp window and the local outbox feed work for them as for anyone.
 */
import { z } from 'zod';
import { derivedId } from '../alerts/derived-id';
import type { CommitteeMember } from '../domain/committee';
import type { Locality } from '../domain/locality';
import { CHANNELS, LANGUAGES } from '../domain/resident';
import type { Translator } from '../i18n/translator';
import { newOutboxMessage } from '../messaging/outbound/outbox-message-factory';
import type { SendDispatcher } from '../messaging/outbound/send-dispatcher';
import { normalizePhone } from '../shared/phone';
import { UniqueViolationError, type Repository } from '../store/repository';

export const WELCOME_KIND = 'committee_welcome';

export class CommitteeInputError extends Error {
  readonly code = 'invalid_committee_member';
  constructor(message: string) {
    super(message);
    this.name = 'CommitteeInputError';
  }
}

export class UnknownLocalityError extends Error {
  readonly code = 'unknown_locality';
  constructor(readonly slug: string) {
    super(`unknown locality "${slug}" (see: aguavoz locality list)`);
    this.name = 'UnknownLocalityError';
  }
}

export class UnknownMemberError extends Error {
  readonly code = 'unknown_member';
  constructor(readonly idOrPhone: string) {
    super(`no committee member "${idOrPhone}" in this locality (see: aguavoz committee list)`);
    this.name = 'UnknownMemberError';
  }
}

const newMemberSchema = z.object({
  name: z.string().trim().min(2, 'name: at least 2 characters').max(80, 'name: at most 80 characters'),
  phone: z.string().min(1, 'phone is required'),
  language: z.enum(LANGUAGES).default('es'),
  channel: z.enum(CHANNELS).default('sms'),
});
export type NewMember = z.input<typeof newMemberSchema>;

export interface CommitteeServiceDeps {
  repo: Repository;
  translator: Translator;
  dispatcher: SendDispatcher;
  now: () => string;
  newId: () => string;
}

export function createCommitteeService(deps: CommitteeServiceDeps) {
  async function locality(slugOrId: string): Promise<Locality> {
    const found = (await deps.repo.findLocalityBySlug(slugOrId)) ?? (await deps.repo.getLocality(slugOrId));
    if (!found) throw new UnknownLocalityError(slugOrId);
    return found;
  }

  async function member(localityId: string, idOrPhone: string): Promise<CommitteeMember> {
    const phone = normalizePhone(idOrPhone);
    const all = await deps.repo.listCommitteeMembers({ localityId });
    const found = all.find((m) => m.id === idOrPhone || (phone !== null && m.phone === phone));
    if (!found) throw new UnknownMemberError(idOrPhone);
    return found;
  }

  return {
    locality,

    /** @throws CommitteeInputError with the reason (e.g. "phone: +51 12 is not a valid phone number"). */
    async add(slug: string, input: NewMember): Promise<CommitteeMember> {
      const where = await locality(slug);
      const parsed = newMemberSchema.safeParse(input);
      if (!parsed.success) throw new CommitteeInputError(parsed.error.issues.map((i) => i.message).join('; '));
      const phone = normalizePhone(parsed.data.phone);
      if (!phone || !phone.startsWith('+')) {
        throw new CommitteeInputError(`phone: ${parsed.data.phone} is not a valid phone number (use E.164, e.g. +51987654321)`);
      }
      const now = deps.now();
      const resident = await deps.repo.upsertResidentByPhone({
        id: deps.newId(),
        phone,
        localityId: where.id,
        language: parsed.data.language,
        gender: null,
        genderAskedAt: null,
        privacyNoticeSentAt: null,
        optedOut: false,
        lastInboundAt: null,
        lastWhatsappInboundAt: null,
        createdAt: now,
        updatedAt: now,
      });
      let created: CommitteeMember;
      try {
        created = await deps.repo.createCommitteeMember({
          id: deps.newId(),
          localityId: where.id,
          name: parsed.data.name,
          phone,
          residentId: resident.id,
          language: parsed.data.language,
          channel: parsed.data.channel,
          status: 'active',
          createdAt: now,
          updatedAt: now,
        });
      } catch (error) {
        if (error instanceof UniqueViolationError) throw new CommitteeInputError(`phone: ${phone} is already a member of ${where.slug}'s committee`);
        throw error;
      }
      const row = newOutboxMessage({
        id: derivedId(WELCOME_KIND, created.id),
        now,
        channel: created.channel,
        toPhone: phone,
        fromPhone: where.phoneNumbers[0] ?? null,
        text: deps.translator.render('committee_summary.welcome', created.language, { name: created.name, locality: where.name }),
        kind: WELCOME_KIND,
        residentId: resident.id,
      });
      await deps.repo.commit({ outbox: [row] });
      await deps.dispatcher.enqueue([row.id]);
      return created;
    },

    async list(slug: string): Promise<CommitteeMember[]> {
      return deps.repo.listCommitteeMembers({ localityId: (await locality(slug)).id });
    },

    async setStatus(slug: string, idOrPhone: string, status: CommitteeMember['status']): Promise<CommitteeMember> {
      const found = await member((await locality(slug)).id, idOrPhone);
      return deps.repo.updateCommitteeMember(found.id, { status, updatedAt: deps.now() });
    },

    async remove(slug: string, idOrPhone: string): Promise<CommitteeMember> {
      const found = await member((await locality(slug)).id, idOrPhone);
      await deps.repo.deleteCommitteeMember(found.id);
      return found;
    },
  };
}

export type CommitteeService = ReturnType<typeof createCommitteeService>;
