/**
 * Who besides residents gets a planned-cut notice: the locality's oversight committee.
 *
 * Active committee members of the locality (issue 6); paused ones get nothing. Phones stay in the
 * outbox row only.
 */
import type { Language } from '../domain/resident';
import type { CommitteeStore } from '../store/committee-store';

export interface CommitteeContact {
  /** Stable id of the member (part of the derived outbox id). */
  id: string;
  phone: string;
  language: Language;
}

export type CommitteeRecipients = (localityId: string) => Promise<CommitteeContact[]>;

/** Reads the locality's active committee members from the store. */
export function createCommitteeRecipients(store: Pick<CommitteeStore, 'listCommitteeMembers'>): CommitteeRecipients {
  return async (localityId) =>
    (await store.listCommitteeMembers({ localityId, status: 'active' })).map((member) => ({
      id: member.id,
      phone: member.phone,
      language: member.language,
    }));
}
