import { randomUUID } from 'node:crypto';
import type { Open311Key } from '../../../src/domain/open311-key';
import { NotFoundError, type Repository } from '../../../src/store/repository';
import { aTicket, aTimelineEntry, at, expectUniqueViolation, rejectionOf, seedOwner } from './store-fixtures';

function anOpen311Key(overrides: Partial<Open311Key> = {}): Open311Key {
  return {
    id: randomUUID(),
    keyHash: `sha256:${randomUUID()}`,
    label: 'Municipalidad de Pangoa',
    createdAt: at(0),
    lastUsedAt: null,
    revokedAt: null,
    ...overrides,
  };
}

export function open311Contract(repo: () => Repository): void {
  describe('open311 keys and published replies', () => {
    it('a key is found by its hash only, listed oldest first, and its hash is unique', async () => {
      const later = await repo().createOpen311Key(anOpen311Key({ createdAt: at(5) }));
      const first = anOpen311Key({ createdAt: at(1) });
      await expect(repo().createOpen311Key(first)).resolves.toStrictEqual(first);
      await expect(repo().findOpen311KeyByHash(first.keyHash)).resolves.toStrictEqual(first);
      await expect(repo().findOpen311KeyByHash('sha256:unknown')).resolves.toBeNull();
      expect((await repo().listOpen311Keys()).map((k) => k.id)).toEqual([first.id, later.id]);
      await expectUniqueViolation(repo().createOpen311Key(anOpen311Key({ keyHash: first.keyHash })), 'keyHash');
    });

    it('touching records the last use; revoking keeps the first revocation time; unknown ids are NotFoundError', async () => {
      const key = await repo().createOpen311Key(anOpen311Key());
      await repo().touchOpen311Key(key.id, at(3));
      await expect(repo().findOpen311KeyByHash(key.keyHash)).resolves.toMatchObject({ lastUsedAt: at(3), revokedAt: null });
      await expect(repo().revokeOpen311Key(key.id, at(4))).resolves.toMatchObject({ revokedAt: at(4) });
      await expect(repo().revokeOpen311Key(key.id, at(9))).resolves.toMatchObject({ revokedAt: at(4) });
      expect(await rejectionOf(repo().revokeOpen311Key('missing', at(4)))).toBeInstanceOf(NotFoundError);
      expect(await rejectionOf(repo().touchOpen311Key('missing', at(4)))).toBeInstanceOf(NotFoundError);
    });

    it('a reply marked published reads back marked; unmarked entries read back without the mark', async () => {
      const owner = await seedOwner(repo());
      const ticket = aTicket(owner);
      const published = aTimelineEntry(ticket.id, { at: at(1), type: 'replied', text: 'Mañana llega la cisterna', isPublic: true, isPublished: true });
      const privateReply = aTimelineEntry(ticket.id, { at: at(2), type: 'replied', text: 'Le llamo luego', isPublic: true, isPublished: false });
      const opened = aTimelineEntry(ticket.id, { at: at(0) });
      await repo().commit({ ticketsCreated: [ticket], timeline: [opened, published, privateReply] });
      const listed = await repo().listTimeline(ticket.id);
      expect(listed).toStrictEqual([opened, published, privateReply]);
      expect('isPublished' in listed[0]!).toBe(false);
    });
  });
}
