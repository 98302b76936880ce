/**
 * Localities and operator accounts as the REST API shows them. A user never carries a password
 * hash, and their phone is shown masked: the API is read by scripts whose output ends up in
 * spreadsheets and logs.
 */
import { z } from 'zod';
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
  })
  .meta({ id: 'CreateUserRequest' });

export const createdUserSchema = z
  .object({
    user: userSchema,
    password: z
      .string()
      .optional()
      .meta({ description: 'Only when generated: shown this once, never stored in clear or shown again.' }),
  })
  .meta({ id: 'CreatedUser' });
