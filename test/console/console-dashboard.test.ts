/**
 * Who may open the supervisor dashboard, over real HTTP on the composition root's web app.
 */
import request from 'supertest';
import { addLocality, createConsoleHarness, loginAgent, type ConsoleHarness } from '../support/console-app';
import { NOW, seedWeeks } from '../transparency/figure-seed';

jest.setTimeout(60_000);

describe('supervisor dashboard access', () => {
  let h: ConsoleHarness;

  beforeAll(async () => {
    h = await createConsoleHarness({ label: 'dashboard-access', now: () => NOW });
    await seedWeeks(h.repo, h.locality);
    await h.addUser({ username: 'rosa', localityIds: [h.locality.id] });
    await h.addUser({ username: 'marta', role: 'supervisor', localityIds: [h.locality.id] });
  });

  afterAll(async () => {
    await h.close();
  });

  it('asks for a login, refuses operators with 403, and shows a supervisor their locality', async () => {
    const anonymous = await request(h.app).get('/dashboard');
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.location).toMatch(/^\/login/);
    const operator = await loginAgent(h.app, 'rosa');
    await operator.get('/dashboard').expect(403);
    const supervisor = await loginAgent(h.app, 'marta');
    const page = await supervisor.get('/dashboard').expect(200).expect('Cache-Control', 'no-store');
    expect(page.text).toContain('data-chart="per-operator"');
    expect(page.text).toContain(h.locality.name);
  });

  it("a supervisor cannot open another town's dashboard", async () => {
    const other = await addLocality(h.repo, { slug: 'otro-pueblo' });
    const supervisor = await loginAgent(h.app, 'marta');
    const res = await supervisor.get('/dashboard').query({ locality: other.slug }).expect(404);
    expect(res.text).not.toContain('data-chart=');
  });
});
