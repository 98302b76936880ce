import { createRepository } from '../../../src/store/create-repository';
import type { Repository } from '../../../src/store/repository';
import { startFakeTwilioApi, type FakeTwilioApi } from '../../support/fake-twilio-api';
import { tempSqlitePath } from '../../support/sqlite';
import {
  LOCALITY_NUMBER,
  commitOutbox,
  nextJobEvent,
  seedResident,
  silentLogger,
  startOutboundHarness,
  type OutboundHarness,
} from './outbound-harness';

const HOUR = 60 * 60 * 1000;
const TEMPLATE_SID = `HX${'0f1e2d3c'.repeat(4)}`;
const REPLY = 'Su reclamo 4821 está en atención.\nLe avisaremos cuando esté resuelto.';

describe('WhatsApp 24-hour window', () => {
  const sqlite = tempSqlitePath('outbound-whatsapp');
  let repo: Repository;
  let fake: FakeTwilioApi;
  let withTemplate: OutboundHarness | undefined;
  let withoutTemplate: OutboundHarness | undefined;

  beforeAll(async () => {
    repo = createRepository({ sqlitePath: sqlite.path, logger: silentLogger });
    await repo.init();
    fake = await startFakeTwilioApi();
  });

  afterEach(async () => {
    await withTemplate?.close();
    await withoutTemplate?.close();
    withTemplate = undefined;
    withoutTemplate = undefined;
  });

  afterAll(async () => {
    await fake.close();
    await repo.close();
    sqlite.cleanup();
  });

  const requestTo = (phone: string) => fake.requests.find((request) => request.to?.endsWith(phone));

  it('sends free text on WhatsApp within 24 hours of the resident’s last WhatsApp message', async () => {
    withTemplate = startOutboundHarness({ label: 'outbound-wa-inside', repo, fake, whatsappTemplateSid: TEMPLATE_SID });
    const resident = await seedResident(repo, { lastWhatsappInboundAt: new Date(Date.now() - 2 * HOUR).toISOString() });
    const row = await commitOutbox(repo, { resident, text: REPLY, channel: 'whatsapp' });
    const completed = nextJobEvent(withTemplate.sender, row.id, 'completed');

    await withTemplate.dispatcher.enqueue([row.id]);
    const { result } = await completed;

    expect(result).toMatchObject({ outcome: 'sent', route: 'as_stored' });
    expect(requestTo(resident.phone)).toMatchObject({
      to: `whatsapp:${resident.phone}`,
      from: `whatsapp:${LOCALITY_NUMBER}`,
      body: REPLY,
      contentSid: null,
    });
  });

  it('uses the approved template with the text as variable 1 outside the window', async () => {
    withTemplate = startOutboundHarness({ label: 'outbound-wa-template', repo, fake, whatsappTemplateSid: TEMPLATE_SID });
    const resident = await seedResident(repo, { lastWhatsappInboundAt: new Date(Date.now() - 25 * HOUR).toISOString() });
    const row = await commitOutbox(repo, { resident, text: REPLY, channel: 'whatsapp' });
    const completed = nextJobEvent(withTemplate.sender, row.id, 'completed');

    await withTemplate.dispatcher.enqueue([row.id]);
    const { result } = await completed;

    const request = requestTo(resident.phone);
    expect(result).toMatchObject({ outcome: 'sent', route: 'whatsapp_template' });
    expect(request).toMatchObject({ to: `whatsapp:${resident.phone}`, contentSid: TEMPLATE_SID, body: null });
    expect(JSON.parse(request?.contentVariables ?? '{}')).toEqual({
      '1': 'Su reclamo 4821 está en atención. Le avisaremos cuando esté resuelto.',
    });
    expect(await repo.getOutbox(row.id)).toMatchObject({ status: 'sent', channel: 'whatsapp' });
  });

  it('falls back to SMS in GSM-7 outside the window when no template is configured', async () => {
    withoutTemplate = startOutboundHarness({ label: 'outbound-wa-sms', repo, fake });
    const resident = await seedResident(repo, { lastWhatsappInboundAt: null });
    const row = await commitOutbox(repo, { resident, text: REPLY, channel: 'whatsapp' });
    const completed = nextJobEvent(withoutTemplate.sender, row.id, 'completed');

    await withoutTemplate.dispatcher.enqueue([row.id]);
    const { result } = await completed;

    const smsBody = 'Su reclamo 4821 esta en atencion.\nLe avisaremos cuando esté resuelto.';
    expect(result).toMatchObject({ outcome: 'sent', route: 'sms_fallback' });
    expect(requestTo(resident.phone)).toMatchObject({ to: resident.phone, from: LOCALITY_NUMBER, body: smsBody, contentSid: null });
    expect(await repo.getOutbox(row.id)).toMatchObject({ status: 'sent', channel: 'sms', body: smsBody });
  });
});
