/**
 * Run as its own process by the SQLite tests: opens the store file, waits for a shared start
 * instant so that every process inserts at the same moment, inserts one inbound message and
 * prints whether it was the one that inserted it.
 */
import { randomUUID } from 'node:crypto';
import { createLogger } from '../../../src/shared/logger';
import { createSqliteRepository } from '../../../src/store/sqlite/sqlite-repository';

async function main(): Promise<void> {
  const [path, providerSid, startAt] = process.argv.slice(2) as [string, string, string];
  const repo = createSqliteRepository({ path, logger: createLogger({ level: 'silent' }) });
  await repo.init();
  await new Promise((resolve) => setTimeout(resolve, Math.max(Number(startAt) - Date.now(), 0)));
  const result = await repo.insertInboundMessage({
    id: randomUUID(),
    providerSid,
    channel: 'sms',
    fromPhone: '+51900000777',
    toPhone: '+51100000001',
    body: `from process ${process.pid}`,
    media: [],
    location: null,
    receivedAt: new Date().toISOString(),
    processedAt: null,
    residentId: null,
    localityId: null,
  });
  await repo.close();
  process.stdout.write(JSON.stringify({ inserted: result.inserted, id: result.message.id }));
}

main().catch((err: unknown) => {
  process.stderr.write(String(err));
  process.exit(1);
});
