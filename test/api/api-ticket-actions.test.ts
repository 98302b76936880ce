import request from 'supertest';
import type { Locality } from '../../src/domain/locality';
import type { Resident } from '../../src/domain/resident';
import type { Ticket } from '../../src/domain/ticket';
import type { UserSummary } from '../../src/users/user-service';
import { createApiHarness, type ApiHarness } from '../support/api-app';

let h: ApiHarness;
let town: Locality;
let token: string;
let operator: UserSummary;
let resident: Resident;

const auth = () => ({ Authorization: `Bearer ${token}` });

async function snapshot(ticket: Ticket) {
  return {
    ticket: await h.repo.getTicket(ticket.id),
    timeline: await h.repo.listTimeline(ticket.id),
    outbox: await h.repo.listOutboxByResident(ticket.residentId, { limit: 50 }),
  };
}

beforeAll(async () => {
  h = await createApiHarness({ label: 'api-actions', now: '2025-07-28T15:00:00.000Z' });
  town = await h.addLocality({ phoneNumbers: ['+51940000077'] });
  ({ user: operator, token } = await h.addUserWithToken({ role: 'operator', localityIds: [town.id] }));
  resident = await h.addResident({ localityId: town.id });
});

afterAll(async () => {
  await h.close();
});

describe('POST /tickets/:id/transitions', () => {
  it('acknowledges an open ticket, records the first response and tells the resident', async () => {
    const ticket = await h.addTicket({ localityId: town.id, residentId: resident.id, overrides: { createdAt: '2025-07-28T14:00:00.000Z' } });
    const res = await request(h.app).post(`/api/v1/tickets/${ticket.id}/transitions`).set(auth()).send({ action: 'acknowledge' }).expect(200);
    expect(res.body).toMatchObject({ id: ticket.id, status: 'acknowledged', first_response_at: '2025-07-28T15:00:00.000Z' });
    const after = await snapshot(ticket);
    expect(after.timeline.map((e) => e.type)).toEqual(['acknowledged']);
    expect(after.outbox.filter((row) => row.ticketId === ticket.id)).toHaveLength(1);
  });

  it('answers 409 invalid_transition for resolving a closed ticket, and changes nothing', async () => {
    const ticket = await h.addTicket({
      localityId: town.id,
      residentId: resident.id,
      overrides: { status: 'closed', resolvedAt: '2025-07-20T10:00:00.000Z', closedAt: '2025-07-21T10:00:00.000Z' },
    });
    const before = await snapshot(ticket);
    const res = await request(h.app)
      .post(`/api/v1/tickets/${ticket.id}/transitions`)
      .set(auth())
      .send({ action: 'resolve', note: 'otra vez' })
      .expect(409);
    expect(res.body.error).toMatchObject({ code: 'invalid_transition', message: 'cannot resolve a closed ticket' });
    expect(res.body.error.details).toMatchObject({ ticket_status: 'closed', action: 'resolve' });
    await expect(snapshot(ticket)).resolves.toEqual(before);
  });

  it('answers 409 for closing a ticket that was never resolved', async () => {
    const ticket = await h.addTicket({ localityId: town.id, residentId: resident.id });
    await request(h.app).post(`/api/v1/tickets/${ticket.id}/transitions`).set(auth()).send({ action: 'close' }).expect(409);
    await expect(h.repo.getTicket(ticket.id)).resolves.toMatchObject({ status: 'open', closedAt: null });
  });

  it('answers 400 with details for an unknown action, a resolve without a note, and a non-JSON body', async () => {
    const ticket = await h.addTicket({ localityId: town.id, residentId: resident.id });
    const before = await snapshot(ticket);
    const unknown = await request(h.app).post(`/api/v1/tickets/${ticket.id}/transitions`).set(auth()).send({ action: 'explode' }).expect(400);
    expect(unknown.body.error).toMatchObject({ code: 'invalid_request', details: [expect.objectContaining({ in: 'body', path: 'action' })] });
    const noNote = await request(h.app).post(`/api/v1/tickets/${ticket.id}/transitions`).set(auth()).send({ action: 'resolve' }).expect(400);
    expect(noNote.body.error.details).toEqual([expect.objectContaining({ in: 'body', path: 'note' })]);
    const broken = await request(h.app)
      .post(`/api/v1/tickets/${ticket.id}/transitions`)
      .set(auth())
      .set('Content-Type', 'application/json')
      .send('{"action": ')
      .expect(400);
    expect(broken.body.error.code).toBe('invalid_request');
    await expect(snapshot(ticket)).resolves.toEqual(before);
  });

  it('assigns and unassigns with assignee_id', async () => {
    const ticket = await h.addTicket({ localityId: town.id, residentId: resident.id });
    const assigned = await request(h.app)
      .post(`/api/v1/tickets/${ticket.id}/transitions`)
      .set(auth())
      .send({ action: 'assign', assignee_id: operator.id })
      .expect(200);
    expect(assigned.body.assignee_id).toBe(operator.id);
    const unassigned = await request(h.app)
      .post(`/api/v1/tickets/${ticket.id}/transitions`)
      .set(auth())
      .send({ action: 'assign', assignee_id: null })
      .expect(200);
    expect(unassigned.body.assignee_id).toBeNull();
  });

  it('resolves with a note, then reopens with a reason', async () => {
    const ticket = await h.addTicket({ localityId: town.id, residentId: resident.id });
    const resolved = await request(h.app)
      .post(`/api/v1/tickets/${ticket.id}/transitions`)
      .set(auth())
      .send({ action: 'resolve', note: 'Se cambió la válvula' })
      .expect(200);
    expect(resolved.body).toMatchObject({ status: 'resolved', resolution_note: 'Se cambió la válvula' });
    const reopened = await request(h.app)
      .post(`/api/v1/tickets/${ticket.id}/transitions`)
      .set(auth())
      .send({ action: 'reopen', note: 'sigue sin agua' })
      .expect(200);
    expect(reopened.body).toMatchObject({ status: 'open', reopen_count: 1 });
    const timeline = await h.repo.listTimeline(ticket.id);
    expect(timeline.find((e) => e.type === 'reopened')?.text).toBe('sigue sin agua');
  });
});

describe('POST /tickets/:id/replies and /notes', () => {
  it('stores a reply as an outbox row to the resident and queues a send job carrying only its id', async () => {
    const ticket = await h.addTicket({ localityId: town.id, residentId: resident.id });
    const res = await request(h.app)
      .post(`/api/v1/tickets/${ticket.id}/replies`)
      .set(auth())
      .send({ text: 'El equipo llega a las 4 pm' })
      .expect(201);
    expect(res.body.first_response_at).toBe('2025-07-28T15:00:00.000Z');
    const rows = (await h.repo.listOutboxByResident(resident.id, { limit: 50 })).filter((row) => row.ticketId === ticket.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ kind: 'operator_reply', toPhone: resident.phone, status: 'queued', channel: 'sms' });
    expect(rows[0]!.body).toContain('El equipo llega a las 4 pm');
    const job = await h.queues.send.getJob(rows[0]!.id);
    expect(job?.data).toEqual({ outboxId: rows[0]!.id });
  });

  it('refuses a reply with both text and canned_key, or neither', async () => {
    const ticket = await h.addTicket({ localityId: town.id, residentId: resident.id });
    const both = await request(h.app).post(`/api/v1/tickets/${ticket.id}/replies`).set(auth()).send({ text: 'x', canned_key: 'canned.x' }).expect(400);
    expect(both.body.error.code).toBe('invalid_request');
    await request(h.app).post(`/api/v1/tickets/${ticket.id}/replies`).set(auth()).send({}).expect(400);
    await expect(h.repo.listTimeline(ticket.id)).resolves.toEqual([]);
  });

  it('refuses an unknown canned reply with 400 and sends nothing', async () => {
    const ticket = await h.addTicket({ localityId: town.id, residentId: resident.id });
    const res = await request(h.app)
      .post(`/api/v1/tickets/${ticket.id}/replies`)
      .set(auth())
      .send({ canned_key: 'canned.does_not_exist' })
      .expect(400);
    expect(res.body.error.code).toBe('invalid_request');
    await expect(h.repo.listTimeline(ticket.id)).resolves.toEqual([]);
  });

  it('adds an internal note that reaches the timeline but never the resident', async () => {
    const ticket = await h.addTicket({ localityId: town.id, residentId: resident.id });
    const outboxBefore = await h.repo.listOutboxByResident(resident.id, { limit: 50 });
    await request(h.app).post(`/api/v1/tickets/${ticket.id}/notes`).set(auth()).send({ text: 'Llamar al JASS' }).expect(201);
    const timeline = await h.repo.listTimeline(ticket.id);
    expect(timeline).toEqual([expect.objectContaining({ type: 'note_added', text: 'Llamar al JASS', isPublic: false })]);
    await expect(h.repo.listOutboxByResident(resident.id, { limit: 50 })).resolves.toHaveLength(outboxBefore.length);
    const res = await request(h.app).get(`/api/v1/tickets/${ticket.id}/timeline`).set(auth()).expect(200);
    expect(res.body.items).toEqual([expect.objectContaining({ type: 'note_added', is_public: false, actor: operator.id })]);
  });

  it('answers 400 for an empty note', async () => {
    const ticket = await h.addTicket({ localityId: town.id, residentId: resident.id });
    const res = await request(h.app).post(`/api/v1/tickets/${ticket.id}/notes`).set(auth()).send({ text: '   ' }).expect(400);
    expect(res.body.error.details).toEqual([expect.objectContaining({ in: 'body', path: 'text' })]);
  });
});
