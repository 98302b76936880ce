/**
 * Issue 7.9 and "also prove": a full conversation through `aguavoz start` at LOG_LEVEL=debug,
 * in local mode (no Twilio account) and in Twilio mode (against the fake Twilio API), with a
 * resident who writes their name and phone number into a complaint that is copied into the
 * operator's alert. Nothing they wrote and no raw phone number may appear in the process output.
 */
import { join } from 'node:path';
import twilio from 'twilio';
import { createLogger } from '../../src/shared/logger';
import { newId } from '../../src/shared/ids';
import { createRepository } from '../../src/store/create-repository';
import { aLocality, aStaffUser } from '../support/domain-fixtures';
import { startFakeTwilioApi, type FakeTwilioApi } from '../support/fake-twilio-api';
import { newMessageSid, twilioForm } from '../support/inbound-app';
import { startOwnRedis, startService, waitUntil, type OwnRedis } from '../support/service-process';
import { tempSqlitePath } from '../support/sqlite';

const RESIDENT = '+51987600123';
const OPERATOR = '+51999600456';
const TOWN = '+51940000001';
const SECRET_WORDS = ['Rosa Quispe', '987000555', 'Jr. Lima 123'];
const LINES = ['hay una fuga en la calle', 'soy Rosa Quispe tel 987000555, frente a Jr. Lima 123', '1', 'Centro', '4'];
const AUTH_TOKEN = 'fault-logs-auth-token';
const ACCOUNT_SID = `AC${'7e'.repeat(16)}`;
const PUBLIC_BASE_URL = 'https://aguavoz.example.pe';

describe('no personal data in the logs of a running service', () => {
  let redis: OwnRedis;
  let fake: FakeTwilioApi;

  beforeAll(async () => {
    redis = await startOwnRedis();
    fake = await startFakeTwilioApi();
  });
  afterAll(async () => {
    await fake?.close();
    await redis?.stop();
  });

  async function conversation(mode: 'local' | 'twilio') {
    const sqlite = tempSqlitePath(`fault-logs-${mode}`);
    const repo = createRepository({ sqlitePath: sqlite.path, logger: createLogger({ level: 'silent' }) });
    await repo.init();
    const locality = await repo.createLocality(aLocality({ id: newId(), slug: `logs-${mode}`, phoneNumbers: [TOWN] }));
    await repo.createUser(aStaffUser('operator', { id: newId(), username: `op-${mode}`, phone: OPERATOR, localityIds: [locality.id], onDuty: true }));
    await repo.close();
    const twilioEnv: Record<string, string> =
      mode === 'twilio'
        ? { TWILIO_ACCOUNT_SID: ACCOUNT_SID, TWILIO_AUTH_TOKEN: AUTH_TOKEN, TWILIO_API_BASE_URL: fake.baseUrl, PUBLIC_BASE_URL }
        : {};
    const service = await startService({
      SQLITE_PATH: sqlite.path,
      SPOOL_DIR: join(sqlite.path, '..', 'spool'),
      REDIS_URL: redis.url,
      REDIS_PREFIX: `faults-logs-${mode}`,
      LOG_LEVEL: 'debug',
      ALERT_DIGEST_SECONDS: '0',
      ADMIN_PASSWORD: 'fault-test-password',
      ...twilioEnv,
    });
    const check = createRepository({ sqlitePath: sqlite.path, logger: createLogger({ level: 'silent' }) });
    try {
      for (const body of LINES) {
        const sid = newMessageSid();
        const form = twilioForm({ MessageSid: sid, SmsSid: sid, SmsMessageSid: sid, From: RESIDENT, To: TOWN, Body: body });
        const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded' };
        if (mode === 'twilio') headers['X-Twilio-Signature'] = twilio.getExpectedTwilioSignature(AUTH_TOKEN, `${PUBLIC_BASE_URL}/webhooks/twilio/messages`, form);
        expect((await fetch(`${service.url}/webhooks/twilio/messages`, { method: 'POST', headers, body: new URLSearchParams(form).toString() })).status).toBe(200);
        await new Promise((resolve) => setTimeout(resolve, 700));
      }
      await check.init();
      await waitUntil(
        'the operator alert sent',
        async () => {
          const user = await check.findUserByPhone(OPERATOR);
          const rows = await check.listOutboxByStatus({ status: 'sent', createdBefore: new Date(Date.now() + 60_000).toISOString(), limit: 100 });
          return rows.some((row) => row.userId === user?.id);
        },
        30_000,
        250,
      ).catch(async (error: Error) => {
        const rows = await check.listOutboxByStatus({ status: 'sent', createdBefore: new Date(Date.now() + 60_000).toISOString(), limit: 100 });
        const failed = await check.listOutboxByStatus({ status: 'failed', createdBefore: new Date(Date.now() + 60_000).toISOString(), limit: 100 });
        const queued = await check.listOutboxByStatus({ status: 'queued', createdBefore: new Date(Date.now() + 60_000).toISOString(), limit: 100 });
        throw new Error(`${error.message}: ${JSON.stringify([...rows, ...failed, ...queued].map((r) => [r.kind, r.status, r.errorCode, r.userId, r.body.slice(0, 40)]))}`);
      });
    } finally {
      await check.close();
      await service.stop();
      sqlite.cleanup();
    }
    return service.output();
  }

  it.each(['local', 'twilio'] as const)('%s mode: no phone number and nothing the resident wrote in the output', async (mode) => {
    const output = await conversation(mode);

    // The sends were really logged (one line per message), so the check below looked at them.
    expect(output).toMatch(mode === 'local' ? /LOCAL transport, NOT sent/ : /"msg":"message sent"/);
    for (const phone of [RESIDENT, OPERATOR]) expect(output).not.toContain(phone.slice(3));
    for (const words of [...SECRET_WORDS, LINES[0]!]) expect(output).not.toContain(words);
  }, 90_000);
});
