/**
 * `/localities/{locality}/committee`: a locality's oversight committee, for admins and the
 * supervisors of that locality — list, add (welcome SMS), pause, resume, remove — and each
 * member's delivery status of a week's summary.
 */
import type { z } from 'zod';
import { canAccessLocality } from '../auth/access-policy';
import type { AuthenticatedUser } from '../auth/auth-types';
import type { CommitteeService } from '../committees/committee-service';
import type { SummaryService } from '../committees/summary-service';
import type { CommitteeMember } from '../domain/committee';
import type { Locality } from '../domain/locality';
import { maskPhone } from '../shared/phone';
import { ApiError } from './api-errors';
import { defineEndpoint, type Endpoint } from './api-endpoint';
import {
  committeeMemberListSchema,
  committeeMemberSchema,
  committeeParamsSchema,
  createMemberBodySchema,
  deliveriesParamsSchema,
  deliveryListSchema,
  memberActionParamsSchema,
} from './committee-schemas';

export interface CommitteeEndpointDeps {
  committees: CommitteeService;
  summaries: SummaryService;
}

export function committeeEndpoints(deps: CommitteeEndpointDeps): Endpoint[] {
  async function scoped(user: AuthenticatedUser, slugOrId: string): Promise<Locality> {
    const locality = await deps.committees.locality(slugOrId).catch(() => {
      throw new ApiError('not_found', `locality ${slugOrId} not found`);
    });
    if (!canAccessLocality(user, locality.id)) throw new ApiError('forbidden', 'you do not work in this locality');
    return locality;
  }
  const asApiError = (error: unknown): never => {
    const code = (error as { code?: unknown }).code;
    if (code === 'invalid_committee_member') throw new ApiError('invalid_request', (error as Error).message);
    if (code === 'unknown_member') throw new ApiError('not_found', (error as Error).message);
    throw error;
  };
  return [
    defineEndpoint({
      method: 'get',
      path: '/localities/:locality/committee',
      operationId: 'listCommitteeMembers',
      summary: "The locality's oversight committee members",
      tags: ['committees'],
      roles: ['supervisor'],
      request: { params: committeeParamsSchema },
      response: { status: 200, description: 'Members, oldest first; phones masked.', schema: committeeMemberListSchema },
      errors: [403, 404],
      async handle({ params, user }) {
        const locality = await scoped(user, params.locality);
        return { items: (await deps.committees.list(locality.id)).map(toMemberJson) };
      },
    }),
    defineEndpoint({
      method: 'post',
      path: '/localities/:locality/committee',
      operationId: 'addCommitteeMember',
      summary: 'Add a member; they get one welcome SMS (what they will receive, how to stop: BAJA/STOP)',
      tags: ['committees'],
      roles: ['supervisor'],
      request: { params: committeeParamsSchema, body: createMemberBodySchema },
      response: { status: 201, description: 'The new member.', schema: committeeMemberSchema },
      errors: [400, 403, 404],
      async handle({ params, body, user }) {
        const locality = await scoped(user, params.locality);
        return toMemberJson(await deps.committees.add(locality.id, body).catch(asApiError));
      },
    }),
    defineEndpoint({
      method: 'post',
      path: '/localities/:locality/committee/:member/:action',
      operationId: 'changeCommitteeMember',
      summary: 'Pause, resume or remove a member',
      tags: ['committees'],
      roles: ['supervisor'],
      request: { params: memberActionParamsSchema },
      response: { status: 200, description: 'The member as it is now (after `remove`, as it was).', schema: committeeMemberSchema },
      errors: [400, 403, 404],
      async handle({ params, user }) {
        const locality = await scoped(user, params.locality);
        const changed =
          params.action === 'remove'
            ? await deps.committees.remove(locality.id, params.member).catch(asApiError)
            : await deps.committees.setStatus(locality.id, params.member, params.action === 'pause' ? 'paused' : 'active').catch(asApiError);
        return toMemberJson(changed);
      },
    }),
    defineEndpoint({
      method: 'get',
      path: '/localities/:locality/committee/summaries/:week/deliveries',
      operationId: 'listSummaryDeliveries',
      summary: "Each member's delivery status of one week's summary",
      tags: ['committees'],
      roles: ['supervisor'],
      request: { params: deliveriesParamsSchema },
      response: { status: 200, description: 'One row per member.', schema: deliveryListSchema },
      errors: [400, 403, 404],
      async handle({ params, user }) {
        const locality = await scoped(user, params.locality);
        const items = await deps.summaries.deliveries(locality, params.week);
        return {
          week: params.week,
          items: items.map((d) => ({ member_id: d.memberId, name: d.name, status: d.status, attempts: d.attempts, error_code: d.errorCode })),
        };
      },
    }),
  ];
}

function toMemberJson(member: CommitteeMember): z.input<typeof committeeMemberSchema> {
  return {
    id: member.id,
    locality_id: member.localityId,
    name: member.name,
    masked_phone: maskPhone(member.phone),
    language: member.language,
    channel: member.channel,
    status: member.status,
    created_at: member.createdAt,
    updated_at: member.updatedAt,
  };
}
