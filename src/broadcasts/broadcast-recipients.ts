/**
 * Who besides residents gets a planned-cut notice: the locality's oversight committee.
 *
 * SEAM (issue 6a): committee members live in a store table that colleague 6a adds. Until it is
 * merged, {@link noCommitteeYet} is wired and notices reach residents only; once it exists, the
 * composition root passes a function reading that table. Phones stay in the outbox row only.
 */
import type { Language } from '../domain/resident';

export interface CommitteeContact {
  /** Stable id of the member (part of the derived outbox id). */
  id: string;
  phone: string;
  language: Language;
}

export type CommitteeRecipients = (localityId: string) => Promise<CommitteeContact[]>;

export const noCommitteeYet: CommitteeRecipients = async () => [];
