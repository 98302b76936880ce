/** Operator-side accounts (issue 3). */
import type { Language } from './resident';

export const ROLES = ['operator', 'supervisor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface User {
  id: string;
  username: string;
  name: string;
  role: Role;
  /** E.164; lets an operator use SMS commands from a basic phone and receive alerts. */
  phone: string | null;
  localityIds: string[];
  onDuty: boolean;
  passwordHash: string;
  /**
   * Raised by a password reset: a console session remembers the value it was created under and is
   * refused once they differ, so a reset ends every open session at once. Absent means 0.
   */
  sessionVersion?: number;
  /** Language of the staff texts this user gets (alerts, SMS command answers); absent: Spanish. */
  language?: Language;
  /**
   * When an admin disabled the account: no console sign-in, no API, no SMS commands, no alerts.
   * Absent while the account is active. Kept (not deleted) so tickets still show who acted.
   */
  disabledAt?: string;
  createdAt: string;
  updatedAt: string;
}

export interface ApiToken {
  id: string;
  userId: string;
  /** Only a hash is stored; the token itself is shown once. */
  tokenHash: string;
  label: string;
  createdAt: string;
  lastUsedAt: string | null;
  /** When an admin revoked it; a revoked token is refused but kept, so listings show what happened. Absent means null. */
  revokedAt?: string | null;
}
