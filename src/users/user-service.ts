/**
 * Operator accounts: who can log in to the console, call the REST API, or text operator
 * commands from a basic phone. Used by the CLI (`aguavoz user add|list|reset-password`), the
 * first start of the embedded default (`ensureFirstAdmin`) and the login form.
 */
import { z } from 'zod';
import type { AuthenticatedUser } from '../auth/auth-types';
import { dummyPasswordHash, hashPassword, verifyPassword } from '../auth/password-hasher';
import { LANGUAGES, type Language } from '../domain/resident';
import { ROLES, type Role, type User } from '../domain/user';
import { normalizePhone } from '../shared/phone';
import { UniqueViolationError, type Repository, type UserPatch } from '../store/repository';
import { generatePassword } from './password-generator';
import { UserConflictError, UserInputError, UserNotFoundError } from './user-errors';

/** A user as shown to anyone: everything but the password hash. */
export type UserSummary = Omit<User, 'passwordHash'>;

export interface AddUserInput {
  username: string;
  name: string;
  role: Role;
  /** Locality ids or slugs; operators and supervisors need at least one, admins may have none. */
  localityIds: string[];
  phone?: string | null;
  /** Chosen password; a strong one is generated when absent. */
  password?: string;
  onDuty?: boolean;
  /** Language of the staff texts the user gets; Spanish when absent. */
  language?: Language;
}

export interface UpdateUserInput {
  name?: string;
  role?: Role;
  localityIds?: string[];
  phone?: string | null;
  onDuty?: boolean;
  language?: Language;
}

export interface EnsureFirstAdminResult {
  created: boolean;
  username: 'admin';
  /** Only when it was generated: the caller prints it once and it is never shown again. */
  password?: string;
}

export interface UserService {
  addUser(input: AddUserInput): Promise<{ user: UserSummary; password: string }>;
  listUsers(filter?: { localityId?: string; role?: Role }): Promise<UserSummary[]>;
  findUser(usernameOrId: string): Promise<UserSummary | null>;
  updateUser(usernameOrId: string, patch: UpdateUserInput): Promise<UserSummary>;
  /**
   * Sets a new password (generated unless given) and returns it to show once. Also raises the
   * user's `sessionVersion`, which ends every console session they have open.
   */
  resetPassword(usernameOrId: string, options?: { password?: string }): Promise<{ password: string }>;
  /**
   * Disables the account: no console sign-in (open sessions end at their next request), no API
   * (every token is revoked), no SMS commands, no alerts. Idempotent; `tokensRevoked` counts the
   * tokens this call revoked.
   */
  disableUser(usernameOrId: string): Promise<{ user: UserSummary; tokensRevoked: number; alreadyDisabled: boolean }>;
  /** Lets the account sign in again (with its password; revoked tokens stay revoked). */
  enableUser(usernameOrId: string): Promise<{ user: UserSummary; alreadyEnabled: boolean }>;
  /** Creates `admin` when the users table is empty (first start); a no-op afterwards. */
  ensureFirstAdmin(options?: { password?: string }): Promise<EnsureFirstAdminResult>;
  /** The user when the password matches, otherwise null (same timing for unknown usernames). */
  authenticate(username: string, password: string): Promise<AuthenticatedUser | null>;
  /**
   * `authenticate` for a new console session: also the `sessionVersion` read together with the
   * password hash, so a session opened with a password that a reset is replacing at that moment
   * is already stale.
   */
  signIn(username: string, password: string): Promise<{ user: AuthenticatedUser; sessionVersion: number } | null>;
  toAuthenticatedUser(user: User | UserSummary): AuthenticatedUser;
}

export const FIRST_ADMIN_USERNAME = 'admin';
const MIN_PASSWORD_LENGTH = 8;

const usernameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9._-]{1,31}$/, 'use 2–32 letters, digits, dots, dashes or underscores');
const nameSchema = z.string().trim().min(1, 'is required').max(100, 'is too long');
const roleSchema = z.enum(ROLES, { message: `must be one of ${ROLES.join(', ')}` });
const passwordSchema = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `must have at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(200, 'is too long');
const phoneSchema = z
  .string()
  .nullable()
  .optional()
  .transform((value, ctx) => {
    if (value === undefined) return undefined;
    if (value === null || value.trim() === '') return null;
    const phone = normalizePhone(value);
    if (!phone) {
      ctx.addIssue({ code: 'custom', message: 'is not a valid phone number' });
      return z.NEVER;
    }
    return phone;
  });
const localityIdsSchema = z.array(z.string().trim().min(1)).max(100);

const addUserSchema = z
  .object({
    username: usernameSchema,
    name: nameSchema,
    role: roleSchema,
    localityIds: localityIdsSchema,
    phone: phoneSchema,
    password: passwordSchema.optional(),
    onDuty: z.boolean().optional(),
    language: z.enum(LANGUAGES, { message: `must be one of ${LANGUAGES.join(', ')}` }).optional(),
  })
  .refine((input) => input.role === 'admin' || input.localityIds.length > 0, {
    path: ['localityIds'],
    message: 'operators and supervisors need at least one locality',
  });

const updateUserSchema = z.object({
  name: nameSchema.optional(),
  role: roleSchema.optional(),
  localityIds: localityIdsSchema.optional(),
  phone: phoneSchema,
  onDuty: z.boolean().optional(),
  language: z.enum(LANGUAGES, { message: `must be one of ${LANGUAGES.join(', ')}` }).optional(),
});

function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new UserInputError(result.error.issues.map((issue) => `${issue.path.join('.') || 'input'}: ${issue.message}`));
  }
  return result.data;
}

function summarize(user: User): UserSummary {
  const { passwordHash: _hash, ...summary } = user;
  return summary;
}

/** Pure: what a request carries about the signed-in user. */
export function toAuthenticatedUser(user: User | UserSummary): AuthenticatedUser {
  return {
    id: user.id,
    username: user.username,
    name: user.name,
    role: user.role,
    localityIds: [...user.localityIds],
    phone: user.phone,
    ...(user.language ? { language: user.language } : {}),
  };
}

function conflictFrom(error: unknown): never {
  if (error instanceof UniqueViolationError) {
    throw new UserConflictError(error.field.includes('phone') ? 'phone_taken' : 'username_taken');
  }
  throw error;
}

/** @example createUserService({ repo, now: () => new Date().toISOString(), newId }) */
export function createUserService(deps: { repo: Repository; now: () => string; newId: () => string }): UserService {
  const { repo } = deps;

  /** Accepts ids or slugs (the CLI takes slugs), returns ids; unknown ones are input errors. */
  async function resolveLocalityIds(values: string[]): Promise<string[]> {
    const ids: string[] = [];
    const unknown: string[] = [];
    for (const value of values) {
      const locality = (await repo.getLocality(value)) ?? (await repo.findLocalityBySlug(value));
      if (locality) ids.push(locality.id);
      else unknown.push(value);
    }
    if (unknown.length > 0) throw new UserInputError([`localityIds: unknown locality ${unknown.map((u) => `"${u}"`).join(', ')}`]);
    return [...new Set(ids)];
  }

  async function findFullUser(usernameOrId: string): Promise<User | null> {
    const key = usernameOrId.trim();
    return (await repo.getUser(key)) ?? (await repo.findUserByUsername(key.toLowerCase()));
  }

  async function requireUser(usernameOrId: string): Promise<User> {
    const user = await findFullUser(usernameOrId);
    if (!user) throw new UserNotFoundError(usernameOrId);
    return user;
  }

  /** Clear answers for the common case; the store's unique indexes still settle races. */
  async function assertFree(fields: { username?: string; phone?: string | null }, exceptId?: string): Promise<void> {
    if (fields.username !== undefined) {
      const holder = await repo.findUserByUsername(fields.username);
      if (holder && holder.id !== exceptId) throw new UserConflictError('username_taken');
    }
    if (fields.phone) {
      const holder = await repo.findUserByPhone(fields.phone);
      if (holder && holder.id !== exceptId) throw new UserConflictError('phone_taken');
    }
  }

  async function addUser(input: AddUserInput): Promise<{ user: UserSummary; password: string }> {
    const parsed = parseOrThrow(addUserSchema, input);
    const localityIds = await resolveLocalityIds(parsed.localityIds);
    await assertFree({ username: parsed.username, phone: parsed.phone });
    const password = parsed.password ?? generatePassword();
    const at = deps.now();
    const user: User = {
      id: deps.newId(),
      username: parsed.username,
      name: parsed.name,
      role: parsed.role,
      phone: parsed.phone ?? null,
      localityIds,
      onDuty: parsed.onDuty ?? true,
      ...(parsed.language ? { language: parsed.language } : {}),
      passwordHash: await hashPassword(password),
      createdAt: at,
      updatedAt: at,
    };
    const created = await repo.createUser(user).catch(conflictFrom);
    return { user: summarize(created), password };
  }

  async function signIn(username: string, password: string) {
    const user = await repo.findUserByUsername(username.trim().toLowerCase());
    if (!user) {
      await verifyPassword(password, await dummyPasswordHash());
      return null;
    }
    // A disabled account is refused like a wrong password (after the same work), so the form does
    // not tell a stranger which usernames exist.
    if (!(await verifyPassword(password, user.passwordHash)) || user.disabledAt) return null;
    return { user: toAuthenticatedUser(user), sessionVersion: user.sessionVersion ?? 0 };
  }

  return {
    addUser,

    async listUsers(filter = {}) {
      const users = await repo.listUsers(filter.localityId ? { localityId: filter.localityId } : undefined);
      return users.filter((user) => !filter.role || user.role === filter.role).map(summarize);
    },

    async findUser(usernameOrId) {
      const user = await findFullUser(usernameOrId);
      return user ? summarize(user) : null;
    },

    async updateUser(usernameOrId, patch) {
      const parsed = parseOrThrow(updateUserSchema, patch);
      const user = await requireUser(usernameOrId);
      const role = parsed.role ?? user.role;
      const localityIds = parsed.localityIds ? await resolveLocalityIds(parsed.localityIds) : user.localityIds;
      if (role !== 'admin' && localityIds.length === 0) {
        throw new UserInputError(['localityIds: operators and supervisors need at least one locality']);
      }
      await assertFree({ phone: parsed.phone }, user.id);
      const changes: UserPatch = { role, localityIds, updatedAt: deps.now() };
      if (parsed.name !== undefined) changes.name = parsed.name;
      if (parsed.phone !== undefined) changes.phone = parsed.phone;
      if (parsed.onDuty !== undefined) changes.onDuty = parsed.onDuty;
      if (parsed.language !== undefined) changes.language = parsed.language;
      const updated = await repo.updateUser(user.id, changes).catch(conflictFrom);
      return summarize(updated);
    },

    async resetPassword(usernameOrId, options = {}) {
      const password = options.password === undefined ? generatePassword() : parseOrThrow(passwordSchema, options.password);
      const user = await requireUser(usernameOrId);
      await repo.updateUser(user.id, {
        passwordHash: await hashPassword(password),
        sessionVersion: (user.sessionVersion ?? 0) + 1,
        updatedAt: deps.now(),
      });
      return { password };
    },

    async disableUser(usernameOrId) {
      const user = await requireUser(usernameOrId);
      const at = deps.now();
      const alreadyDisabled = Boolean(user.disabledAt);
      const updated = alreadyDisabled
        ? user
        : await repo.updateUser(user.id, { disabledAt: at, sessionVersion: (user.sessionVersion ?? 0) + 1, updatedAt: at });
      let tokensRevoked = 0;
      for (const token of await repo.listApiTokens(user.id)) {
        if (token.revokedAt) continue;
        await repo.revokeApiToken(token.id, at);
        tokensRevoked += 1;
      }
      return { user: summarize(updated), tokensRevoked, alreadyDisabled };
    },

    async enableUser(usernameOrId) {
      const user = await requireUser(usernameOrId);
      if (!user.disabledAt) return { user: summarize(user), alreadyEnabled: true };
      const updated = await repo.updateUser(user.id, { disabledAt: null, updatedAt: deps.now() });
      return { user: summarize(updated), alreadyEnabled: false };
    },

    async ensureFirstAdmin(options = {}) {
      const existing = await repo.listUsers();
      if (existing.length > 0) return { created: false, username: FIRST_ADMIN_USERNAME };
      try {
        const { password } = await addUser({
          username: FIRST_ADMIN_USERNAME,
          // The console speaks Spanish: the header shows this name.
          name: 'Administrador',
          role: 'admin',
          localityIds: [],
          password: options.password,
        });
        return options.password === undefined
          ? { created: true, username: FIRST_ADMIN_USERNAME, password }
          : { created: true, username: FIRST_ADMIN_USERNAME };
      } catch (error) {
        // Another process started at the same moment and created it first.
        if (error instanceof UserConflictError) return { created: false, username: FIRST_ADMIN_USERNAME };
        throw error;
      }
    },

    async authenticate(username, password) {
      return (await signIn(username, password))?.user ?? null;
    },

    signIn,

    toAuthenticatedUser,
  };
}
