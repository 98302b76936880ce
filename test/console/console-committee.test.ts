/**
 * The committee page of the console over real HTTP (login form, CSRF, Redis sessions, SQLite):
 * a supervisor of the locality adds a member (welcome SMS queued), sees the phone masked and the
 * member's summary delivery status, pauses and removes; an operator, or a supervisor of another
 * town, is refused; an invalid phone is refused with the reason and the form kept.
 */
import { addLocality, createConsoleHarness, csrfTokenIn, loginAgent, type ConsoleHarness } from '../support/console-app';

let h: ConsoleHarness;

beforeAll(async () => {
  h = await createConsoleHarness({ label: 'console-committee', now: () => new Date('2025-07-15T15:00:00.000Z') });
  const other = await addLocality(h.repo);
  await h.addUser({ username: 'sofia', localityIds: [h.locality.id], role: 'supervisor' });
  await h.addUser({ username: 'rosa', localityIds: [h.locality.id] });
  await h.addUser({ username: 'pedro', localityIds: [other.id], role: 'supervisor' });
});
afterAll(async () => {
  await h.close();
});

describe('committee page', () => {
  it('a supervisor adds, sees masked, pauses and removes a member; their delivery status is shown', async () => {
    const sofia = await loginAgent(h.app, 'sofia');
    const page = await sofia.get(`/committees/${h.locality.slug}`).expect(200);
    const added = await sofia
      .post(`/committees/${h.locality.slug}/members`)
      .type('form')
      .send({ _csrf: csrfTokenIn(page.text), name: 'Juana Mamani', phone: '+51911000301', language: 'es', channel: 'sms' })
      .expect(303);
    expect(added.headers.location).toBe(`/committees/${h.locality.slug}?done=added`);
    const week = h.container.summaries.resolveWeek(h.locality);
    await h.container.summaries.send(h.locality, week);
    const list = await sofia.get(`/committees/${h.locality.slug}`).expect(200);
    expect(list.text).toContain('Juana Mamani');
    expect(list.text).toContain('0301');
    expect(list.text).not.toContain('911000301');
    expect(list.text).toContain('Resumen 2025-W28');
    expect(list.text).toMatch(/<td>queued<\/td>/);
    const [member] = await h.repo.listCommitteeMembers({ localityId: h.locality.id });
    await sofia.post(`/committees/${h.locality.slug}/members/${member!.id}/pause`).type('form').send({ _csrf: csrfTokenIn(list.text) }).expect(303);
    expect((await h.repo.getCommitteeMember(member!.id))!.status).toBe('paused');
    await sofia.post(`/committees/${h.locality.slug}/members/${member!.id}/remove`).type('form').send({ _csrf: csrfTokenIn(list.text) }).expect(303);
    await expect(h.repo.getCommitteeMember(member!.id)).resolves.toBeNull();
  });

  it('refuses an invalid phone with the reason and keeps what was typed', async () => {
    const sofia = await loginAgent(h.app, 'sofia');
    const page = await sofia.get(`/committees/${h.locality.slug}`).expect(200);
    const res = await sofia.post(`/committees/${h.locality.slug}/members`).type('form').send({ _csrf: csrfTokenIn(page.text), name: 'Ana Quispe', phone: '+51 12' }).expect(422);
    expect(res.text).toContain('is not a valid phone number');
    expect(res.text).toContain('value="Ana Quispe"');
  });

  it('refuses operators and supervisors of another locality, and a form without the CSRF token', async () => {
    await (await loginAgent(h.app, 'rosa')).get(`/committees/${h.locality.slug}`).expect(403);
    await (await loginAgent(h.app, 'pedro')).get(`/committees/${h.locality.slug}`).expect(403);
    const sofia = await loginAgent(h.app, 'sofia');
    await sofia.post(`/committees/${h.locality.slug}/members`).type('form').send({ name: 'X Y', phone: '+51911000302' }).expect(403);
    expect(await h.repo.listCommitteeMembers({ localityId: h.locality.id })).toEqual([]);
  });
});
