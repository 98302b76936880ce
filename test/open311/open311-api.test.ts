/**
 * Open311 GeoReport v2 over real HTTP, on the web app the composition root builds (real SQLite
 * file, real Redis): every endpoint in JSON and XML checked against the GeoReport v2 schemas,
 * filing with a key, the spec's error shape, and what a published request must never carry.
 */
import request from 'supertest';
import type { Locality } from '../../src/domain/locality';
import type { Ticket } from '../../src/domain/ticket';
import { hashApiToken } from '../../src/auth/api-token-auth';
import { OPEN311_REQUEST_FIELDS } from '../../src/open311/open311-request-view';
import { addLocality, createConsoleHarness, seedTicket, type ConsoleHarness } from '../support/console-app';
import { expectValid, loadGeoReportSchemas, parseXml, xmlList, type GeoReportSchemas } from './georeport-schemas';

const NOW = new Date('2026-11-25T15:00:00.000Z');
const RESIDENT_PHONE = '+51987650777';
const RESIDENT_TEXT = 'No hay agua desde ayer, soy Maria de la casa azul';

describe('Open311 GeoReport v2', () => {
  let h: ConsoleHarness;
  let schemas: GeoReportSchemas;
  let key: string;
  let apiToken: string;
  let smsTicket: Ticket;

  beforeAll(async () => {
    schemas = loadGeoReportSchemas();
    h = await createConsoleHarness({ label: 'open311', now: () => NOW });
    ({ key } = await h.container.open311Keys.issue('Municipalidad de prueba'));
    const operator = await h.addUser({ username: 'rosa', localityIds: [h.locality.id] });
    ({ token: apiToken } = await h.container.apiTokens.issueToken(operator.id, 'tests'));
    smsTicket = await seedTicket(h.repo, {
      locality: h.locality,
      now: new Date('2026-11-20T10:00:00.000Z'),
      ticket: {
        category: 'outage',
        details: { description: RESIDENT_TEXT, since: 'yesterday' },
        location: { lat: -11.2, lng: -74.5, label: 'casa' },
        reporterGender: 'woman',
      },
      resident: { phone: RESIDENT_PHONE },
    });
  });

  afterAll(async () => {
    await h.close();
  });

  const app = () => h.app;

  it('discovery lists the v2 endpoint with both formats, in JSON and in XML', async () => {
    const json = await request(app()).get('/open311/discovery.json').expect(200);
    expect(json.body.endpoints).toEqual([expect.objectContaining({ type: 'production', formats: ['text/xml', 'application/json'] })]);
    expect(json.body.endpoints[0].url).toMatch(/\/open311\/v2$/);
    const xml = await request(app()).get('/open311/discovery.xml').expect(200).expect('Content-Type', /xml/);
    const doc = parseXml(xml.text).discovery as { endpoints: { endpoint: Array<{ url: string; formats: { format: string[] } }> } };
    expect(doc.endpoints.endpoint[0]!.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/open311\/v2$/);
    expect(doc.endpoints.endpoint[0]!.formats.format).toEqual(['text/xml', 'application/json']);
  });

  it('services are the ticket categories, valid against services.json in JSON and XML alike', async () => {
    const json = await request(app()).get('/open311/v2/services.json').expect(200);
    expectValid(schemas.services, json.body);
    expect(json.body.map((s: { service_code: string }) => s.service_code)).toEqual(['outage', 'billing', 'quality', 'leak', 'sewage', 'other']);
    expect(json.body[0]).toMatchObject({ service_name: 'Corte de agua', metadata: false, type: 'realtime' });
    const xml = await request(app()).get('/open311/v2/services.xml').expect(200).expect('Content-Type', /xml/);
    const items = xmlList(xml.text, 'services', 'service');
    expectValid(schemas.services, items);
    expect(items.map((s) => s.service_code)).toEqual(json.body.map((s: { service_code: string }) => s.service_code));
    for (const item of items) expect(Object.keys(item).every((k) => schemas.serviceFields.includes(k))).toBe(true);
  });

  it('a service definition exists for every code and is 404 in the spec shape for an unknown one', async () => {
    const json = await request(app()).get('/open311/v2/services/leak.json').expect(200);
    expectValid(schemas.serviceDefinition, json.body);
    const xml = await request(app()).get('/open311/v2/services/leak.xml').expect(200);
    expect(parseXml(xml.text).service_definition).toMatchObject({ service_code: 'leak' });
    const unknown = await request(app()).get('/open311/v2/services/volcano.json').expect(404);
    expect(unknown.body).toEqual([{ code: 404, description: expect.stringContaining('volcano') }]);
    const unknownXml = await request(app()).get('/open311/v2/services/volcano.xml').expect(404);
    expect(xmlList(unknownXml.text, 'errors', 'error')).toEqual([{ code: 404, description: expect.stringContaining('volcano') }]);
  });

  it('a request filed with a key becomes an open311 ticket with SLA deadlines, and reads back in JSON and XML', async () => {
    const description = 'Fuga grande frente al mercado, el agua corre por toda la cuadra';
    const filed = await request(app())
      .post('/open311/v2/requests.json')
      .type('form')
      .send({ api_key: key, service_code: 'leak', lat: '-11.25', long: '-74.49', address_string: 'Jr. Lima cuadra 3, Centro', description, email: 'ana@example.pe', first_name: 'Ana', phone: '+51987000999' })
      .expect(201);
    expect(filed.body).toEqual([{ service_request_id: expect.any(String), service_notice: null, account_id: null }]);
    const id = filed.body[0].service_request_id as string;

    const ticket = (await h.repo.getTicket(id))!;
    expect(ticket).toMatchObject({ channel: 'open311', category: 'leak', status: 'open', reporterGender: null, sector: 'Centro' });
    expect(ticket.resolutionDueAt).not.toBeNull();
    // The filer's e-mail, name and phone were not stored anywhere on the ticket or its reporter.
    const resident = await h.repo.getResident(ticket.residentId);
    expect(JSON.stringify({ ticket, resident })).not.toMatch(/ana@example|Ana|987000999/);

    const json = await request(app()).get(`/open311/v2/requests/${id}.json`).expect(200);
    expectValid(schemas.requests, json.body);
    expect(json.body[0]).toMatchObject({ service_request_id: id, status: 'open', service_code: 'leak', description, lat: -11.25, long: -74.49 });
    expect(json.body[0].requested_datetime).toBe('2026-11-25T10:00:00-05:00');
    const xml = await request(app()).get(`/open311/v2/requests/${id}.xml`).expect(200);
    const items = xmlList(xml.text, 'service_requests', 'request');
    expectValid(schemas.requests, items);
    expect(items[0]).toEqual(json.body[0]);
  });

  it('status notes come only from replies the operator marked public', async () => {
    const filed = await request(app()).post('/open311/v2/requests.json').send({ api_key: key, service_code: 'outage', address_string: 'Barrio Alto' }).expect(201);
    const id = filed.body[0].service_request_id as string;
    const reply = (body: object) => request(app()).post(`/api/v1/tickets/${id}/replies`).set('Authorization', `Bearer ${apiToken}`).send(body).expect(201);
    await reply({ text: 'La cisterna llega mañana a las 9 am al Barrio Alto.', public: true });
    await reply({ text: 'Llámeme al 987111222 para coordinar' });
    const json = await request(app()).get(`/open311/v2/requests/${id}.json`).expect(200);
    expect(json.body[0].status_notes).toBe('La cisterna llega mañana a las 9 am al Barrio Alto.');
    expect(JSON.stringify(json.body)).not.toContain('987111222');
    const timeline = await request(app()).get(`/api/v1/tickets/${id}/timeline`).set('Authorization', `Bearer ${apiToken}`).expect(200);
    expect(timeline.body.items.filter((e: { type: string }) => e.type === 'replied').map((e: { is_published: boolean }) => e.is_published)).toEqual([true, false]);
  });

  it("a resident's SMS ticket is published without phone, name, gender, free text or exact location", async () => {
    for (const format of ['json', 'xml'] as const) {
      const res = await request(app()).get(`/open311/v2/requests.${format}`).query({ service_code: 'outage' }).expect(200);
      const items = format === 'json' ? (res.body as Array<Record<string, unknown>>) : xmlList(res.text, 'service_requests', 'request');
      expectValid(schemas.requests, items);
      const published = items.find((r) => r.service_request_id === smsTicket.id)!;
      expect(published).toMatchObject({ status: 'open', service_code: 'outage', description: null, lat: null, long: null, address: 'Centro' });
      for (const item of items) expect(Object.keys(item).every((k) => (OPEN311_REQUEST_FIELDS as readonly string[]).includes(k))).toBe(true);
      const raw = format === 'json' ? JSON.stringify(res.body) : res.text;
      for (const secret of [RESIDENT_PHONE, '987650777', RESIDENT_TEXT, 'Maria', 'woman', 'mujer', 'casa']) expect(raw).not.toContain(secret);
    }
  });

  it('lists the last 90 days by default, filters by status, code and dates, and accepts a list of ids', async () => {
    const old = await seedTicket(h.repo, { locality: h.locality, now: new Date('2026-07-01T10:00:00.000Z'), ticket: { category: 'billing' } });
    const closed = await seedTicket(h.repo, { locality: h.locality, now: new Date('2026-11-10T10:00:00.000Z'), ticket: { category: 'billing', status: 'closed', closedAt: '2026-11-12T10:00:00.000Z' } });
    const ids = async (query: object) => ((await request(app()).get('/open311/v2/requests.json').query(query).expect(200)).body as Array<{ service_request_id: string }>).map((r) => r.service_request_id);
    const defaults = await ids({ service_code: 'billing' });
    expect(defaults).toEqual([closed.id]);
    expect(await ids({ service_code: 'billing', start_date: '2026-06-01T00:00:00Z' })).toEqual([closed.id, old.id]);
    expect(await ids({ service_code: 'billing', start_date: '2026-06-01', end_date: '2026-08-01' })).toEqual([old.id]);
    expect(await ids({ status: 'closed' })).toEqual([closed.id]);
    expect(await ids({ status: 'open', service_code: 'billing' })).toEqual([]);
    expect(await ids({ service_request_id: `${old.id},${smsTicket.id},no-such-id` })).toEqual([old.id, smsTicket.id]);
    const res = await request(app()).get('/open311/v2/requests.json').query({ status: 'closed' }).expect(200);
    expect(res.body[0]).toMatchObject({ status: 'closed', updated_datetime: '2026-11-12T05:00:00-05:00' });
  });

  it.each([
    [{ start_date: 'yesterday' }, /start_date/],
    [{ end_date: '2026-13-45T99:00:00Z' }, /end_date/],
    [{ start_date: '2026-11-20', end_date: '2026-11-01' }, /after/],
    [{ service_code: 'volcano' }, /service_code/],
    [{ status: 'pending' }, /status/],
  ])('GET requests with %j is a 400 in the spec shape, JSON and XML', async (query, message) => {
    const json = await request(app()).get('/open311/v2/requests.json').query(query).expect(400);
    expect(json.body).toEqual([{ code: 400, description: expect.stringMatching(message) }]);
    const xml = await request(app()).get('/open311/v2/requests.xml').query(query).expect(400);
    expect(xmlList(xml.text, 'errors', 'error')).toEqual([{ code: 400, description: expect.stringMatching(message) }]);
  });

  it('filing without a valid key is 403, and nothing is stored', async () => {
    const before = (await h.repo.listTickets({ limit: 100 })).items.length;
    for (const apiKey of [undefined, 'o311_not-a-real-key', `${key}x`]) {
      const res = await request(app()).post('/open311/v2/requests.json').type('form').send({ api_key: apiKey, service_code: 'leak', address_string: 'Centro' }).expect(403);
      expect(res.body).toEqual([{ code: 403, description: expect.stringMatching(/api_key/) }]);
    }
    const xml = await request(app()).post('/open311/v2/requests.xml').type('form').send({ api_key: 'wrong', service_code: 'leak', address_string: 'Centro' }).expect(403);
    expect(xmlList(xml.text, 'errors', 'error')).toEqual([{ code: 403, description: expect.stringMatching(/api_key/) }]);
    expect((await h.repo.listTickets({ limit: 100 })).items.length).toBe(before);
  });

  it.each([
    ['no service_code', { address_string: 'Centro' }, /service_code is required/],
    ['an unknown service_code', { service_code: 'volcano', address_string: 'Centro' }, /unknown service_code/],
    ['a 4,001-character description', { service_code: 'leak', address_string: 'Centro', description: 'x'.repeat(4001) }, /description.*4000/],
    ['no location', { service_code: 'leak' }, /location is required/],
    ['a latitude that is not a number', { service_code: 'leak', lat: 'north', long: '-74' }, /lat/],
    ['a latitude without longitude', { service_code: 'leak', lat: '-11.2' }, /lat and long/],
  ])('filing with %s is a 400 naming the field, in the spec shape, and stores nothing', async (_case, fields, message) => {
    const before = (await h.repo.listTickets({ limit: 100 })).items.length;
    const json = await request(app()).post('/open311/v2/requests.json').type('form').send({ api_key: key, ...fields }).expect(400);
    expect(json.body).toEqual([{ code: 400, description: expect.stringMatching(message) }]);
    const xml = await request(app()).post('/open311/v2/requests.xml').type('form').send({ api_key: key, ...fields }).expect(400);
    expect(xmlList(xml.text, 'errors', 'error')).toEqual([{ code: 400, description: expect.stringMatching(message) }]);
    expect((await h.repo.listTickets({ limit: 100 })).items.length).toBe(before);
  });

  it('a body that is not valid JSON is a 400 in the spec shape, and stores nothing', async () => {
    const before = (await h.repo.listTickets({ limit: 100 })).items.length;
    const res = await request(app()).post('/open311/v2/requests.json').set('Content-Type', 'application/json').send('{"api_key": ').expect(400);
    expect(res.body).toEqual([{ code: 400, description: expect.stringMatching(/body/) }]);
    const xml = await request(app()).post('/open311/v2/requests.xml').set('Content-Type', 'application/json').send('{oops').expect(400);
    expect(xmlList(xml.text, 'errors', 'error')).toEqual([{ code: 400, description: expect.stringMatching(/body/) }]);
    expect((await h.repo.listTickets({ limit: 100 })).items.length).toBe(before);
  });

  it('keys are stored only as hashes', async () => {
    const keys = await h.repo.listOpen311Keys();
    expect(keys.some((k) => k.keyHash === hashApiToken(key))).toBe(true);
    expect(JSON.stringify(keys)).not.toContain(key);
  });
});

describe('Open311 jurisdictions', () => {
  let h: ConsoleHarness;

  beforeAll(async () => {
    h = await createConsoleHarness({ label: 'open311-towns', now: () => NOW });
  });

  afterAll(async () => {
    await h.close();
  });

  it('an unknown request id, format or jurisdiction is 404; with two towns jurisdiction_id is required', async () => {
    const app = h.app;
    const ticket = await seedTicket(h.repo, { locality: h.locality, now: new Date('2026-11-20T10:00:00.000Z') });
    expect((await request(app).get('/open311/v2/requests/nope.json').expect(404)).body).toEqual([{ code: 404, description: expect.stringContaining('nope') }]);
    await request(app).get('/open311/v2/services.csv').expect(404);
    expect((await request(app).get('/open311/v2/services.json').query({ jurisdiction_id: 'atlantis' }).expect(404)).body[0].code).toBe(404);
    await request(app).get(`/open311/v2/requests/${ticket.id}.json`).expect(200);

    const other: Locality = await addLocality(h.repo, { slug: 'pueblo-nuevo' });
    const res = await request(app).get('/open311/v2/requests.json').expect(400);
    expect(res.body).toEqual([{ code: 400, description: expect.stringMatching(/jurisdiction_id is required/) }]);
    const theirs = await request(app).get('/open311/v2/requests.json').query({ jurisdiction_id: 'pueblo-nuevo' }).expect(200);
    expect(theirs.body).toEqual([]);
    // A request of one town is not found under another town's jurisdiction, and is under its own.
    await request(app).get(`/open311/v2/requests/${ticket.id}.json`).query({ jurisdiction_id: other.slug }).expect(404);
    await request(app).get(`/open311/v2/requests/${ticket.id}.json`).query({ jurisdiction_id: h.locality.slug }).expect(200);
  });
});
