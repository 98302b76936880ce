/**
 * Committee members and summary deliveries as the REST API shows them. A member's phone is
 * shown masked, as staff phones are: API output ends up in spreadsheets and logs.
 */
import { z } from 'zod';
import { MEMBER_STATUSES } from '../domain/committee';
import { OUTBOX_STATUSES } from '../domain/message';
import { CHANNELS, LANGUAGES } from '../domain/resident';
import { isoInstant } from './common-schemas';

export const committeeParamsSchema = z.object({
  locality: z.string().min(1).max(100).meta({ description: 'Locality id or slug.' }),
});

export const memberParamsSchema = committeeParamsSchema.extend({
  member: z.string().min(1).max(100).meta({ description: 'Member id.' }),
});

export const memberActionParamsSchema = memberParamsSchema.extend({
  action: z.enum(['pause', 'resume', 'remove']),
});

export const deliveriesParamsSchema = committeeParamsSchema.extend({
  week: z.string().regex(/^\d{4}-W\d{2}$/, 'an ISO week such as 2026-W48').meta({ example: '2026-W48' }),
});

export const committeeMemberSchema = z
  .object({
    id: z.string(),
    locality_id: z.string(),
    name: z.string(),
    masked_phone: z.string().meta({ example: '•••••••4321' }),
    language: z.enum(LANGUAGES),
    channel: z.enum(CHANNELS),
    status: z.enum(MEMBER_STATUSES),
    created_at: isoInstant,
    updated_at: isoInstant,
  })
  .meta({ id: 'CommitteeMember' });

export const committeeMemberListSchema = z.object({ items: z.array(committeeMemberSchema) }).meta({ id: 'CommitteeMemberList' });

export const createMemberBodySchema = z
  .object({
    name: z.string().trim().min(2).max(80),
    phone: z.string().min(4).max(30).meta({ description: 'E.164, e.g. +51987654321; validated with libphonenumber-js.' }),
    language: z.enum(LANGUAGES).default('es'),
    channel: z.enum(CHANNELS).default('sms'),
  })
  .meta({ id: 'CreateCommitteeMember' });

export const removedMemberSchema = z.object({ removed: z.literal(true), id: z.string() });

export const deliveryListSchema = z
  .object({
    week: z.string(),
    items: z.array(
      z.object({
        member_id: z.string(),
        name: z.string(),
        status: z.enum([...OUTBOX_STATUSES, 'not_sent']).meta({ description: 'Status of the latest attempt (delivery receipts move it on).' }),
        attempts: z.number().int().min(0),
        error_code: z.string().nullable(),
      }),
    ),
  })
  .meta({ id: 'CommitteeSummaryDeliveries' });
