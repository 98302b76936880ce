import { startFlow, step } from '../../src/flow-engine/engine';
import type { EngineEvent, Session } from '../../src/flow-engine/engine-types';
import { flows, makeCtx } from './engine-support';

function replyKeys(events: EngineEvent[]): string[] {
  return events.flatMap((e) => (e.type === 'reply_queued' ? [e.key] : []));
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

describe('engine purity', () => {
  it('gives the same result for the same inputs and never mutates the session it is given', () => {
    const first = step(flows, null, { type: 'message', text: 'no hay agua' }, makeCtx());
    const session = deepFreeze(first.session!);
    const a = step(flows, session, { type: 'message', text: '1' }, makeCtx({ now: '2025-03-03T14:05:00.000Z' }));
    const b = step(flows, session, { type: 'message', text: '1' }, makeCtx({ now: '2025-03-03T14:05:00.000Z' }));
    expect(a).toEqual(b);
    expect(session.stepId).toBe('scope');
  });

  it('returns sessions that survive a JSON round-trip unchanged', () => {
    let session: Session | null = null;
    for (const text of ['hay una fuga', 'Jr Lima 123', '2']) {
      const result = step(flows, session, { type: 'message', text, location: null }, makeCtx());
      expect(JSON.parse(JSON.stringify(result.session))).toEqual(result.session);
      session = result.session;
    }
    expect(session?.stepId).toBe('sector');
  });

  it('refreshes the expiry from ctx.now at every step', () => {
    const first = step(flows, null, { type: 'message', text: 'no hay agua' }, makeCtx());
    expect(first.session?.expiresAt).toBe('2025-03-03T14:30:00.000Z');
    const second = step(flows, first.session, { type: 'message', text: '1' }, makeCtx({ now: '2025-03-03T14:20:00.000Z' }));
    expect(second.session).toMatchObject({ startedAt: '2025-03-03T14:00:00.000Z', lastActivityAt: '2025-03-03T14:20:00.000Z', expiresAt: '2025-03-03T14:50:00.000Z' });
  });

  it('even an invalid reply keeps the conversation alive for another timeout', () => {
    const first = step(flows, null, { type: 'message', text: 'no hay agua' }, makeCtx());
    const again = step(flows, first.session, { type: 'message', text: 'xyz' }, makeCtx({ now: '2025-03-03T14:25:00.000Z' }));
    expect(again.session).toMatchObject({ retries: 1, expiresAt: '2025-03-03T14:55:00.000Z' });
  });
});

describe('host-started flows', () => {
  it('asks the resolution question and waits three days, not the usual timeout', () => {
    const result = startFlow(flows, 'resolution_feedback', { reference: '4820176' }, makeCtx());
    expect(result.events).toEqual([{ type: 'reply_queued', key: 'feedback.ask_solved', params: { reference: '4820176' } }]);
    expect(result.session).toMatchObject({ flowId: 'resolution_feedback', stepId: 'ask_solved', expiresAt: '2025-03-06T14:00:00.000Z' });
  });

  it('sends nothing to a resident who opted out', () => {
    expect(startFlow(flows, 'resolution_feedback', { reference: '4820176' }, makeCtx({ resident: { optedOut: true } }))).toEqual({
      session: null,
      events: [],
    });
  });
});

describe('conversation edges', () => {
  it('does nothing on an expiry signal when there is no conversation', () => {
    expect(step(flows, null, { type: 'expiry' }, makeCtx())).toEqual({ session: null, events: [] });
  });

  it('starts over from the menu when a stored session points at a step that no longer exists', () => {
    const stale: Session = {
      flowId: 'outage',
      stepId: 'removed_step',
      language: 'es',
      vars: {},
      retries: 0,
      startedAt: '2025-03-03T13:59:00.000Z',
      lastActivityAt: '2025-03-03T13:59:00.000Z',
      expiresAt: '2025-03-03T14:29:00.000Z',
    };
    const result = step(flows, stale, { type: 'message', text: 'hola' }, makeCtx());
    expect(replyKeys(result.events)).toEqual(['menu.main']);
    expect(result.session).toMatchObject({ flowId: 'main_menu', stepId: 'choose' });
  });

  it('sends a reply only the parameters its text shows (no DNI in the confirmation)', () => {
    let session: Session | null = null;
    const ctx = makeCtx({ resident: { genderAsked: true } });
    let events: EngineEvent[] = [];
    for (const text of ['mi recibo esta mal', '12345', '1', 'si', 'Ana Quispe', '41234567']) {
      ({ session, events } = step(flows, session, { type: 'message', text }, ctx));
    }
    const confirmation = events.find((e) => e.type === 'reply_queued' && e.key === 'billing.confirmed');
    expect(confirmation).toEqual({ type: 'reply_queued', key: 'billing.confirmed', params: { reference: '4820176' } });
  });

  it('never loops: a sector question is skipped when the town has no sectors', () => {
    const ctx = makeCtx({ locality: { name: 'Anexo', sectors: [] }, resident: { genderAsked: true } });
    let result = step(flows, null, { type: 'message', text: 'no hay agua' }, ctx);
    result = step(flows, result.session, { type: 'message', text: '2' }, ctx);
    result = step(flows, result.session, { type: 'message', text: '1' }, ctx);
    expect(result.events[0]).toMatchObject({ type: 'ticket_opened', sector: null });
    expect(result.session).toBeNull();
  });

  it('lets a town with many sectors answer by name only, without a numbered list', () => {
    const sectors = ['Centro', 'Bellavista', 'Las Flores', 'Alto Perú', 'San Juan', 'Villa María', 'La Esperanza', 'Santa Rosa', 'Miraflores'];
    const ctx = makeCtx({ locality: { name: 'Grande', sectors }, resident: { genderAsked: true } });
    let result = step(flows, null, { type: 'message', text: 'no hay agua' }, ctx);
    result = step(flows, result.session, { type: 'message', text: '2' }, ctx);
    result = step(flows, result.session, { type: 'message', text: '1' }, ctx);
    expect(result.events).toEqual([{ type: 'reply_queued', key: 'common.ask_sector', params: { sectors: '', sectorsShown: 'no' } }]);
    const byNumber = step(flows, result.session, { type: 'message', text: '3' }, ctx);
    expect(byNumber.session?.retries).toBe(1);
    const byName = step(flows, result.session, { type: 'message', text: 'santa rosa' }, ctx);
    expect(byName.events[0]).toMatchObject({ type: 'ticket_opened', sector: 'Santa Rosa' });
  });

  it('takes a WhatsApp location pin sent instead of a sector name as the ticket location', () => {
    const ctx = makeCtx({ channel: 'whatsapp', resident: { genderAsked: true } });
    let result = step(flows, null, { type: 'message', text: 'no hay agua' }, ctx);
    result = step(flows, result.session, { type: 'message', text: '1' }, ctx);
    result = step(flows, result.session, { type: 'message', text: '1' }, ctx);
    result = step(flows, result.session, { type: 'message', text: '', location: { lat: -6.48, lng: -76.36, label: 'Plaza' } }, ctx);
    expect(result.events[0]).toMatchObject({ type: 'ticket_opened', sector: null, location: { lat: -6.48, lng: -76.36, label: 'Plaza' } });
  });
});
