/**
 * Localities and operator accounts as the REST API shows them. A user never carries a password
 * hash, and their phone is shown masked: the API is read by scripts whose output ends up in
 * spreadsheets and logs.
 */
import { z } from 'zod';
import { LANGUAGES } from '../domain/resident';
import { ROLES } from '../domain/user';
import { isoInstant, singleString } from './common-schemas';

export const localitySchema = z
  .object({
    id: z.string(),
    slug: z.string().meta({ example: 'san-martin' }),
    name: z.string(),
    time_zone: z.string().meta({ example: 'America/Lima' }),
    sectors: z.array(z.string()),
    phone_numbers: z.array(z.string()).meta({ description: 'The town’s own numbers residents write to (E.164).' }),
    is_catch_all: z.boolean(),
    created_at: isoInstant,
  })
  .meta({ id: 'Locality' });

export const localityListSchema = z.object({ items: z.array(localitySchema) }).meta({ id: 'LocalityList' });

export const userSchema = z
  .object({
    id: z.string(),
    username: z.string(),
    name: z.string(),
    role: z.enum(ROLES),
    masked_phone: z.string().nullable().meta({ example: '•••••••4321' }),
    locality_ids: z.array(z.string()),
    on_duty: z.boolean(),
    language: z.enum(LANGUAGES).meta({ description: 'Language of the staff texts the user gets (alerts, SMS command answers).' }),
    disabled_at: isoInstant.nullable().meta({ description: 'When an admin disabled the account; null while active.' }),
    created_at: isoInstant,
    updated_at: isoInstant,
  })
  .meta({ id: 'User', description: 'An operator account, without its password hash.' });

export const userListSchema = z.object({ items: z.array(userSchema) }).meta({ id: 'UserList' });

export const listUsersQuerySchema = z.object({
  locality_id: singleString.optional().meta({ description: 'Only users bound to this locality.' }),
  role: z.enum(ROLES).optional(),
});

/** @example { "username": "rosa.q", "name": "Rosa Quispe", "role": "operator", "locality_ids": ["san-martin"] } */
export const createUserBodySchema = z
  .object({
    username: z.string().min(1).max(64),
    name: z.string().min(1).max(100),
    role: z.enum(ROLES),
    locality_ids: z.array(z.string().min(1)).max(100).meta({ description: 'Locality ids or slugs.' }),
    phone: z.string().max(32).nullable().optional().meta({ description: 'E.164; lets the operator use SMS commands.' }),
    password: z.string().min(8).max(200).optional().meta({ description: 'Generated (and returned once) when absent.' }),
    on_duty: z.boolean().optional(),
    language: z.enum(LANGUAGES).optional(),
  })
  .meta({ id: 'CreateUserRequest' });

/** Only the fields sent change. @example { "phone": "+51987654321", "on_duty": false, "language": "qu" } */
export const updateUserBodySchema = z
  .object({
    name: z.string().min(1).max(100).optional(),
    role: z.enum(ROLES).optional(),
    locality_ids: z.array(z.string().min(1)).max(100).optional().meta({ description: 'Replaces the localities (ids or slugs).' }),
    phone: z.string().max(32).nullable().optional().meta({ description: 'E.164; null removes it.' }),
    on_duty: z.boolean().optional(),
    language: z.enum(LANGUAGES).optional(),
  })
  .meta({ id: 'UpdateUserRequest' });

export const disabledUserSchema = z
  .object({ user: userSchema, tokens_revoked: z.number().int() })
  .meta({ id: 'DisabledUser', description: 'The disabled account and how many API tokens this call revoked.' });

export const createdUserSchema = z
  .object({
    user: userSchema,
    password: z
      .string()
      .optional()
      .meta({ description: 'Only when generated: shown this once, never stored in clear or shown again.' }),
  })
  .meta({ id: 'CreatedUser' });
