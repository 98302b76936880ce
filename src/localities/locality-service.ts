/**
 * Localities: the towns served. The embedded default seeds one catch-all demo locality on an
 * empty store so that `npm start` answers on any number at once.
 */
import { z } from 'zod';
import type { Locality } from '../domain/locality';
import type { Repository } from '../store/repository';
import { normalizePhone } from '../shared/phone';

export const DEMO_LOCALITY: Omit<Locality, 'id' | 'createdAt'> = {
  slug: 'demo',
  name: 'Localidad de demostracion',
  timeZone: 'America/Lima',
  sectors: ['Centro', 'Barrio Alto', 'Barrio Bajo', 'San Jose', 'Santa Rosa', 'Las Flores'],
  phoneNumbers: [],
  isCatchAll: true,
};

const newLocalitySchema = z.object({
  slug: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'use lowercase letters, digits and dashes, e.g. san-martin'),
  name: z.string().trim().min(2).max(80),
  timeZone: z.string().refine((tz) => Intl.supportedValuesOf('timeZone').includes(tz), 'unknown IANA time zone'),
  sectors: z.array(z.string().trim().min(1).max(60)).default([]),
  phoneNumbers: z.array(z.string()).default([]),
  isCatchAll: z.boolean().default(false),
});

export type NewLocality = z.input<typeof newLocalitySchema>;

export class InvalidLocalityError extends Error {
  readonly code = 'invalid_locality';
  constructor(readonly problems: string[]) {
    super(`invalid locality: ${problems.join('; ')}`);
    this.name = 'InvalidLocalityError';
  }
}

export function createLocalityService(deps: { repo: Repository; now: () => string; newId: () => string }) {
  return {
    async add(input: NewLocality): Promise<Locality> {
      const parsed = newLocalitySchema.safeParse(input);
      if (!parsed.success) {
        throw new InvalidLocalityError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
      }
      const phoneNumbers = parsed.data.phoneNumbers.map((raw) => {
        const phone = normalizePhone(raw);
        if (!phone) throw new InvalidLocalityError([`phoneNumbers: ${raw} is not a valid phone number`]);
        return phone;
      });
      return deps.repo.createLocality({ ...parsed.data, phoneNumbers, id: deps.newId(), createdAt: deps.now() });
    },

    list(): Promise<Locality[]> {
      return deps.repo.listLocalities();
    },

    /** Seeds the demo locality when the store has none; returns it when it was created. */
    async seedDemoIfEmpty(): Promise<Locality | null> {
      const existing = await deps.repo.listLocalities();
      if (existing.length > 0) return null;
      return deps.repo.createLocality({ ...DEMO_LOCALITY, id: deps.newId(), createdAt: deps.now() });
    },
  };
}

export type LocalityService = ReturnType<typeof createLocalityService>;
