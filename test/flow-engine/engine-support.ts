/** The real flows and locales, and a context builder, for engine unit tests. */
import { join } from 'node:path';
import { makeReference } from '../../src/domain/reference';
import type { EngineContext } from '../../src/flow-engine/engine-types';
import { loadFlows } from '../../src/flow-engine/flow-loader';
import { createTranslator } from '../../src/i18n/translator';

const root = join(__dirname, '../..');
export const translator = createTranslator({ localesDir: join(root, 'locales') });
export const flows = loadFlows({ flowsDir: join(root, 'flows'), translator });

export function makeCtx(overrides: Partial<Omit<EngineContext, 'resident'>> & { resident?: Partial<EngineContext['resident']> } = {}): EngineContext {
  let next = 482017;
  return {
    now: '2025-03-03T14:00:00.000Z',
    channel: 'sms',
    locality: { name: 'San Martín', sectors: ['Centro', 'Bellavista', 'Las Flores', 'Alto Perú'] },
    sessionTimeoutMinutes: 30,
    newReference: () => makeReference(String(next++)),
    ...overrides,
    resident: { language: 'es', gender: null, genderAsked: false, isFirstContact: false, optedOut: false, ...overrides.resident },
  };
}
