/**
 * Contract for operator authentication, shared by the console (cookies + CSRF), the REST API
 * (bearer tokens) and operator SMS commands (the registered phone). Implemented in src/auth/.
 */
import type { Language } from '../domain/resident';
import type { Role } from '../domain/user';

/** What a request knows about the signed-in operator; never carries the password hash. */
export interface AuthenticatedUser {
  id: string;
  username: string;
  name: string;
  role: Role;
  /** Localities the user works in. Admins see every locality whatever this says. */
  localityIds: string[];
  phone: string | null;
  /** Language of the staff texts this user gets (SMS command answers, alerts). */
  language?: Language;
}

/** The user may not touch this resource (another locality's ticket, an admin-only action). */
export class ForbiddenError extends Error {
  readonly code = 'forbidden';
  constructor(message = 'you do not have access to this resource') {
    super(message);
    this.name = 'ForbiddenError';
  }
}
