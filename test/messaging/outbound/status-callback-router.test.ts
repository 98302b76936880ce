import { randomBytes } from 'node:crypto';
import express from 'express';
import request from 'supertest';
import twilio from 'twilio';
import type { OutboxMessage, OutboxStatus } from '../../../src/domain/message';
import { verifyTwilioSignature } from '../../../src/http/twilio-webhook-auth';
import { createStatusCallbackRouter } from '../../../src/messaging/outbound/status-callback-router';
import { createRepository } from '../../../src/store/create-repository';
import type { Repository } from '../../../src/store/repository';
import { tempSqlitePath } from '../../support/sqlite';
import { ACCOUNT_SID, AUTH_TOKEN, PUBLIC_BASE_URL, commitOutbox, seedResident, silentLogger } from './outbound-harness';

const PATH = '/webhooks/twilio/status';
const SIGNED_URL = `${PUBLIC_BASE_URL}${PATH}`;

describe('POST /webhooks/twilio/status', () => {
  const sqlite = tempSqlitePath('outbound-status');
  let repo: Repository;
  let app: express.Express;

  beforeAll(async () => {
    repo = createRepository({ sqlitePath: sqlite.path, logger: silentLogger });
    await repo.init();
    app = express();
    app.use(
      createStatusCallbackRouter({
        repo,
        verifySignature: verifyTwilioSignature({ authToken: AUTH_TOKEN, publicBaseUrl: PUBLIC_BASE_URL, logger: silentLogger }),
        logger: silentLogger,
        now: () => new Date(),
      }),
    );
  });

  afterAll(async () => {
    await repo.close();
    sqlite.cleanup();
  });

  async function sentMessage(status: OutboxStatus = 'sent'): Promise<OutboxMessage> {
    const resident = await seedResident(repo);
    const row = await commitOutbox(repo, { resident, text: 'Su reclamo fue registrado.' });
    await repo.updateOutbox(row.id, { status, providerSid: `SM${randomBytes(16).toString('hex')}`, attempts: 1 });
    return (await repo.getOutbox(row.id))!;
  }

  function report(providerSid: string, messageStatus: string, extra: Record<string, string> = {}): Record<string, string> {
    return { AccountSid: ACCOUNT_SID, ApiVersion: '2010-04-01', MessageSid: providerSid, SmsSid: providerSid, MessageStatus: messageStatus, SmsStatus: messageStatus, ...extra };
  }

  function post(params: Record<string, string>, options: { token?: string; signedParams?: Record<string, string> } = {}) {
    const signature = twilio.getExpectedTwilioSignature(options.token ?? AUTH_TOKEN, SIGNED_URL, options.signedParams ?? params);
    return request(app).post(PATH).type('form').set('X-Twilio-Signature', signature).send(params);
  }

  it('records delivered and keeps it when a late sent report arrives afterwards', async () => {
    const row = await sentMessage();

    const delivered = await post(report(row.providerSid!, 'delivered'));
    const lateSent = await post(report(row.providerSid!, 'sent'));

    expect(delivered.status).toBe(200);
    expect(lateSent.status).toBe(200);
    expect((await repo.getOutbox(row.id))?.status).toBe('delivered');
  });

  it('moves delivered forward to read', async () => {
    const row = await sentMessage('delivered');

    const response = await post(report(row.providerSid!, 'read'));

    expect(response.status).toBe(200);
    expect((await repo.getOutbox(row.id))?.status).toBe('read');
  });

  it('records undelivered with Twilio’s error code, and a later delivered does not undo it', async () => {
    const row = await sentMessage();

    await post(report(row.providerSid!, 'undelivered', { ErrorCode: '30003' }));
    await post(report(row.providerSid!, 'delivered'));

    expect(await repo.getOutbox(row.id)).toMatchObject({ status: 'undelivered', errorCode: '30003' });
  });

  it('does not let a failed report overwrite a delivered message', async () => {
    const row = await sentMessage('delivered');

    const response = await post(report(row.providerSid!, 'failed', { ErrorCode: '30008' }));

    expect(response.status).toBe(200);
    expect(await repo.getOutbox(row.id)).toMatchObject({ status: 'delivered', errorCode: null });
  });

  it('answers 403 and changes nothing when the signature was made with another token', async () => {
    const row = await sentMessage();

    const response = await post(report(row.providerSid!, 'delivered'), { token: 'someone-elses-token' });

    expect(response.status).toBe(403);
    expect((await repo.getOutbox(row.id))?.status).toBe('sent');
  });

  it('answers 403 when the signature is missing', async () => {
    const row = await sentMessage();

    const response = await request(app).post(PATH).type('form').send(report(row.providerSid!, 'delivered'));

    expect(response.status).toBe(403);
    expect((await repo.getOutbox(row.id))?.status).toBe('sent');
  });

  it('answers 403 when a signed parameter was tampered with', async () => {
    const row = await sentMessage();

    const response = await post(report(row.providerSid!, 'failed'), { signedParams: report(row.providerSid!, 'delivered') });

    expect(response.status).toBe(403);
    expect((await repo.getOutbox(row.id))?.status).toBe('sent');
  });

  it('answers 400 to a signed report without a MessageSid', async () => {
    const response = await post({ AccountSid: ACCOUNT_SID, MessageStatus: 'delivered' });

    expect(response.status).toBe(400);
  });

  it('answers 400 to a signed report whose MessageSid is not a Twilio sid, and changes nothing', async () => {
    const row = await sentMessage();

    const response = await post(report(`${row.providerSid!}' OR 1=1`, 'delivered'));

    expect(response.status).toBe(400);
    expect((await repo.getOutbox(row.id))?.status).toBe('sent');
  });

  it('answers 400 to a signed report with a non-numeric ErrorCode', async () => {
    const row = await sentMessage();

    const response = await post(report(row.providerSid!, 'failed', { ErrorCode: 'boom' }));

    expect(response.status).toBe(400);
    expect((await repo.getOutbox(row.id))?.status).toBe('sent');
  });

  it('answers 200 and ignores a report for a message it never sent', async () => {
    const unknownSid = `SM${randomBytes(16).toString('hex')}`;

    const response = await post(report(unknownSid, 'delivered'));

    expect(response.status).toBe(200);
    expect(await repo.findOutboxByProviderSid(unknownSid)).toBeNull();
  });

  it('answers 413 to an oversized body', async () => {
    const row = await sentMessage();

    const response = await post(report(row.providerSid!, 'delivered', { Padding: 'x'.repeat(20_000) }));

    expect(response.status).toBe(413);
    expect((await repo.getOutbox(row.id))?.status).toBe('sent');
  });
});
