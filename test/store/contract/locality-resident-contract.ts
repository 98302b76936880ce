import { NotFoundError, type Repository } from '../../../src/store/repository';
import { aLocality, aPhone, aResident, at, expectUniqueViolation } from './store-fixtures';

export function localityContract(repo: () => Repository): void {
  describe('localities', () => {
    it('a created locality reads back with every field, by id and by slug', async () => {
      const locality = aLocality({ sectors: ['Centro', 'Ñaupa Llaqta'], phoneNumbers: ['+51111', '+51222'], isCatchAll: true });
      await expect(repo().createLocality(locality)).resolves.toEqual(locality);
      await expect(repo().getLocality(locality.id)).resolves.toEqual(locality);
      await expect(repo().findLocalityBySlug(locality.slug)).resolves.toEqual(locality);
    });

    it('an unknown id or slug reads as null', async () => {
      await expect(repo().getLocality('missing')).resolves.toBeNull();
      await expect(repo().findLocalityBySlug('missing')).resolves.toBeNull();
    });

    it('a second locality with the same slug is refused as a unique violation on slug', async () => {
      await repo().createLocality(aLocality({ slug: 'san-martin' }));
      await expectUniqueViolation(repo().createLocality(aLocality({ slug: 'san-martin' })), 'slug');
      expect(await repo().listLocalities()).toHaveLength(1);
    });

    it('lists every locality, oldest first', async () => {
      const later = await repo().createLocality(aLocality({ createdAt: at(20) }));
      const earlier = await repo().createLocality(aLocality({ createdAt: at(10) }));
      expect((await repo().listLocalities()).map((l) => l.id)).toEqual([earlier.id, later.id]);
    });

    it('an update changes only the patched fields and returns the stored row', async () => {
      const locality = await repo().createLocality(aLocality());
      const updated = await repo().updateLocality(locality.id, { sectors: [], phoneNumbers: ['+51999'], isCatchAll: true });
      expect(updated).toEqual({ ...locality, sectors: [], phoneNumbers: ['+51999'], isCatchAll: true });
      await expect(repo().getLocality(locality.id)).resolves.toEqual(updated);
    });

    it('updating a locality that does not exist is a NotFoundError', async () => {
      await expect(repo().updateLocality('missing', { name: 'X' })).rejects.toBeInstanceOf(NotFoundError);
    });

    it("a town's own number finds that town even when a catch-all locality exists", async () => {
      const catchAll = await repo().createLocality(aLocality({ isCatchAll: true, phoneNumbers: [] }));
      const town = await repo().createLocality(aLocality({ phoneNumbers: ['+51100000001', '+51100000002'] }));
      await expect(repo().findLocalityForNumber('+51100000002')).resolves.toEqual(town);
      await expect(repo().findLocalityForNumber('+51199999999')).resolves.toEqual(catchAll);
    });

    it('a number no locality claims, with no catch-all locality, finds nothing', async () => {
      await repo().createLocality(aLocality({ phoneNumbers: ['+51100000001'] }));
      await expect(repo().findLocalityForNumber('+51199999999')).resolves.toBeNull();
    });
  });
}

export function residentContract(repo: () => Repository): void {
  describe('residents', () => {
    it('a resident with every field set reads back identically by id and by phone', async () => {
      const locality = await repo().createLocality(aLocality());
      const resident = aResident({
        localityId: locality.id,
        language: 'qu',
        gender: 'woman',
        genderAskedAt: at(1),
        privacyNoticeSentAt: at(2),
        optedOut: true,
        lastInboundAt: at(3),
        lastWhatsappInboundAt: at(4),
        updatedAt: at(5),
      });
      await expect(repo().upsertResidentByPhone(resident)).resolves.toEqual(resident);
      await expect(repo().getResident(resident.id)).resolves.toEqual(resident);
      await expect(repo().findResidentByPhone(resident.phone)).resolves.toEqual(resident);
    });

    it('a resident with every optional field empty keeps nulls and false, not undefined', async () => {
      const resident = aResident();
      const stored = await repo().upsertResidentByPhone(resident);
      expect(stored).toStrictEqual(resident);
    });

    it('upserting a known phone returns the existing resident unchanged', async () => {
      const first = await repo().upsertResidentByPhone(aResident({ language: 'es' }));
      const second = await repo().upsertResidentByPhone(aResident({ phone: first.phone, language: 'en' }));
      expect(second).toEqual(first);
      await expect(repo().findResidentByPhone(first.phone)).resolves.toEqual(first);
    });

    it('concurrent first contacts from one phone create exactly one resident', async () => {
      const phone = aPhone();
      const results = await Promise.all(Array.from({ length: 8 }, () => repo().upsertResidentByPhone(aResident({ phone }))));
      const ids = new Set(results.map((r) => r.id));
      expect(ids.size).toBe(1);
      await expect(repo().findResidentByPhone(phone)).resolves.toEqual(results[0]);
    });

    it('an update applies the patch, keeps the rest, and returns the stored row', async () => {
      const resident = await repo().upsertResidentByPhone(aResident());
      const updated = await repo().updateResident(resident.id, { gender: 'undisclosed', genderAskedAt: at(9), optedOut: true });
      expect(updated).toEqual({ ...resident, gender: 'undisclosed', genderAskedAt: at(9), optedOut: true });
      await expect(repo().getResident(resident.id)).resolves.toEqual(updated);
      const cleared = await repo().updateResident(resident.id, { gender: null, optedOut: false });
      expect(cleared).toMatchObject({ gender: null, optedOut: false, genderAskedAt: at(9) });
    });

    it('updating a resident that does not exist is a NotFoundError', async () => {
      await expect(repo().updateResident('missing', { language: 'en' })).rejects.toBeInstanceOf(NotFoundError);
      await expect(repo().getResident('missing')).resolves.toBeNull();
      await expect(repo().findResidentByPhone('+51000000000')).resolves.toBeNull();
    });
  });
}
