import type { Repository } from '../../../src/store/repository';
import { aPhone, anInbound, at } from './store-fixtures';

export function inboundContract(repo: () => Repository): void {
  describe('inbound messages', () => {
    it('a WhatsApp message with media and a location pin reads back with every field', async () => {
      const message = anInbound({
        channel: 'whatsapp',
        body: 'aguaaa turbia 💧 desde el lunes',
        media: [
          { url: 'https://api.twilio.com/media/ME1', contentType: 'image/jpeg' },
          { url: 'https://api.twilio.com/media/ME2', contentType: null },
        ],
        location: { lat: -12.0464, lng: -77.0428, label: 'frente al mercado' },
        residentId: 'resident-1',
        localityId: 'locality-1',
      });
      await expect(repo().insertInboundMessage(message)).resolves.toEqual({ inserted: true, message });
      await expect(repo().getInboundMessage(message.id)).resolves.toStrictEqual(message);
    });

    it('an SMS with an empty body, no media and no location keeps "", [] and null', async () => {
      const message = anInbound({ body: '' });
      await repo().insertInboundMessage(message);
      await expect(repo().getInboundMessage(message.id)).resolves.toStrictEqual(message);
      await expect(repo().getInboundMessage('missing')).resolves.toBeNull();
    });

    it('a redelivery with the same providerSid is not inserted and returns the first message', async () => {
      const first = anInbound();
      await repo().insertInboundMessage(first);
      const redelivery = anInbound({ providerSid: first.providerSid, fromPhone: first.fromPhone, body: 'otra vez' });
      await expect(repo().insertInboundMessage(redelivery)).resolves.toEqual({ inserted: false, message: first });
      await expect(repo().getInboundMessage(redelivery.id)).resolves.toBeNull();
      expect(await repo().listUnprocessedInboundFrom(first.fromPhone)).toEqual([first]);
    });

    it('concurrent deliveries of one providerSid store exactly one row and report one insert', async () => {
      const fromPhone = aPhone();
      const providerSid = 'SMconcurrent0000000000000000000001';
      const copies = Array.from({ length: 10 }, () => anInbound({ providerSid, fromPhone }));
      const results = await Promise.all(copies.map((copy) => repo().insertInboundMessage(copy)));
      expect(results.filter((r) => r.inserted)).toHaveLength(1);
      const winner = results.find((r) => r.inserted)?.message;
      expect(results.every((r) => r.message.id === winner?.id)).toBe(true);
      expect(await repo().listUnprocessedInboundFrom(fromPhone)).toHaveLength(1);
    });

    it("one phone's unprocessed messages come oldest first, without processed ones or other phones'", async () => {
      const fromPhone = aPhone();
      const third = anInbound({ fromPhone, receivedAt: at(3) });
      const first = anInbound({ fromPhone, receivedAt: at(1) });
      const done = anInbound({ fromPhone, receivedAt: at(0) });
      const second = anInbound({ fromPhone, receivedAt: at(2) });
      const other = anInbound({ receivedAt: at(1) });
      for (const m of [third, first, done, second, other]) await repo().insertInboundMessage(m);
      await repo().commit({ inboundProcessed: { id: done.id, at: at(5), residentId: null, localityId: null } });
      expect((await repo().listUnprocessedInboundFrom(fromPhone)).map((m) => m.id)).toEqual([first.id, second.id, third.id]);
    });

    it('messages received in the same instant keep their arrival order', async () => {
      const fromPhone = aPhone();
      const batch = Array.from({ length: 5 }, () => anInbound({ fromPhone, receivedAt: at(7) }));
      for (const m of batch) await repo().insertInboundMessage(m);
      expect((await repo().listUnprocessedInboundFrom(fromPhone)).map((m) => m.id)).toEqual(batch.map((m) => m.id));
    });

    it('the sweeper sees unprocessed messages received before the cut-off, oldest first, up to the limit', async () => {
      const old2 = anInbound({ receivedAt: at(2) });
      const old1 = anInbound({ receivedAt: at(1) });
      const old3 = anInbound({ receivedAt: at(3) });
      const processed = anInbound({ receivedAt: at(0) });
      const recent = anInbound({ receivedAt: at(10) });
      for (const m of [old2, old1, old3, processed, recent]) await repo().insertInboundMessage(m);
      await repo().commit({ inboundProcessed: { id: processed.id, at: at(4), residentId: null, localityId: null } });
      const listed = await repo().listUnprocessedInbound({ receivedBefore: at(10), limit: 2 });
      expect(listed.map((m) => m.id)).toEqual([old1.id, old2.id]);
      const all = await repo().listUnprocessedInbound({ receivedBefore: at(10), limit: 100 });
      expect(all.map((m) => m.id)).toEqual([old1.id, old2.id, old3.id]);
    });

    it("marking a message processed records the time, resident and locality on it", async () => {
      const message = anInbound();
      await repo().insertInboundMessage(message);
      await repo().commit({ inboundProcessed: { id: message.id, at: at(1), residentId: 'r-1', localityId: 'l-1' } });
      await expect(repo().getInboundMessage(message.id)).resolves.toEqual({
        ...message,
        processedAt: at(1),
        residentId: 'r-1',
        localityId: 'l-1',
      });
    });

    it("a resident's messages list newest first, limited, and only theirs", async () => {
      const mine = [at(1), at(3), at(2)].map((receivedAt) => anInbound({ receivedAt, residentId: 'resident-a' }));
      const theirs = anInbound({ receivedAt: at(4), residentId: 'resident-b' });
      for (const m of [...mine, theirs]) await repo().insertInboundMessage(m);
      const listed = await repo().listInboundByResident('resident-a', { limit: 2 });
      expect(listed.map((m) => m.receivedAt)).toEqual([at(3), at(2)]);
      expect(await repo().listInboundByResident('resident-a', { limit: 10 })).toHaveLength(3);
    });
  });
}
