/**
 * The console's "publish this reply" checkbox: ticked, the reply becomes Open311's public status
 * note; unticked (the default), it stays between the operator and the resident.
 */
import request from 'supertest';
import { createConsoleHarness, csrfTokenIn, loginAgent, seedTicket, type ConsoleHarness } from '../support/console-app';

describe('publishing an operator reply from the console', () => {
  let h: ConsoleHarness;

  beforeAll(async () => {
    h = await createConsoleHarness({ label: 'console-publish' });
    await h.addUser({ username: 'rosa', localityIds: [h.locality.id] });
  });

  afterAll(async () => {
    await h.close();
  });

  it('a ticked reply is published as the status note; an unticked one is not', async () => {
    const ticket = await seedTicket(h.repo, { locality: h.locality });
    const agent = await loginAgent(h.app, 'rosa');
    const page = await agent.get(`/tickets/${ticket.id}`).expect(200);
    expect(page.text).toMatch(/<input type="checkbox" name="publish" value="1">/);
    const csrf = csrfTokenIn(page.text);
    await agent.post(`/tickets/${ticket.id}/actions/reply`).type('form').send({ _csrf: csrf, text: 'Mañana se repara la matriz del Centro.', publish: '1' }).expect(303);
    await agent.post(`/tickets/${ticket.id}/actions/reply`).type('form').send({ _csrf: csrf, text: 'Le llamo en la tarde.' }).expect(303);
    const replies = (await h.repo.listTimeline(ticket.id)).filter((e) => e.type === 'replied');
    expect(replies.map((e) => [e.text, e.isPublished === true])).toEqual([
      ['Mañana se repara la matriz del Centro.', true],
      ['Le llamo en la tarde.', false],
    ]);
    const published = await request(h.app).get(`/open311/v2/requests/${ticket.id}.json`).expect(200);
    expect(published.body[0].status_notes).toBe('Mañana se repara la matriz del Centro.');
  });
});
