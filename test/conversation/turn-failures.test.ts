import { makeReference } from '../../src/domain/reference';
import { createTranslator } from '../../src/i18n/translator';
import { join } from 'node:path';
import { createConversationHarness, type ConversationHarness } from '../support/inbound-app';

const realTranslator = createTranslator({ localesDir: join(__dirname, '../../locales') });

describe('when a text of the flow cannot be rendered (a bug, not an outage)', () => {
  let h: ConversationHarness;

  beforeAll(async () => {
    h = await createConversationHarness({
      label: 'turn-broken-text',
      processor: {
        translator: {
          source: (key, language) => realTranslator.source(key, language),
          render: (key, language, params) => {
            if (key === 'outage.ask_scope') throw new Error('broken ICU message');
            return realTranslator.render(key, language, params);
          },
        },
      },
    });
  });
  afterAll(async () => {
    await h.close();
  });

  it('the resident is told we will answer, an operator gets a ticket with the message, and the conversation resets', async () => {
    const from = '+51988000001';
    await h.say(from, 'hola');

    const replies = await h.say(from, '1');

    expect(replies).toEqual([h.text('system.try_again_later')]);
    const resident = await h.repo.findResidentByPhone(from);
    const { items } = await h.repo.listTickets({ residentId: resident!.id });
    expect(items).toEqual([expect.objectContaining({ category: 'other', needsOperator: true, details: { description: '1' } })]);
    expect((await h.repo.listTimeline(items[0]!.id)).map((e) => e.type)).toEqual(['opened', 'handed_to_operator']);
    expect(await h.sessions.get(resident!.id)).toBeNull();
    expect(await h.repo.listUnprocessedInboundFrom(from)).toEqual([]);
  });
});

describe('a ticket reference already taken', () => {
  let h: ConversationHarness;
  const taken = makeReference('424242');
  const free = makeReference('515151');
  const references = [taken, taken, free];

  beforeAll(async () => {
    h = await createConversationHarness({
      label: 'turn-reference-clash',
      processor: { newReference: () => references.shift() ?? makeReference('636363') },
    });
  });
  afterAll(async () => {
    await h.close();
  });

  async function report(from: string): Promise<string[]> {
    const replies: string[] = [];
    for (const text of ['no hay agua', '1', '1', '0']) replies.push(...(await h.say(from, text)));
    return replies;
  }

  it('is retried with a fresh reference, and the resident is told only the one stored', async () => {
    await report('+51988000002');
    const replies = await report('+51988000003');

    const second = await h.repo.findResidentByPhone('+51988000003');
    const { items } = await h.repo.listTickets({ residentId: second!.id });
    expect(items.map((t) => t.reference)).toEqual([free]);
    expect(replies).toContain(h.text('outage.confirmed', { reference: free }));
    expect(replies.join('\n')).not.toContain(taken);
  });
});

describe('a message to a number no town answers', () => {
  let h: ConversationHarness;

  beforeAll(async () => {
    h = await createConversationHarness({ label: 'turn-no-locality' });
  });
  afterAll(async () => {
    await h.close();
  });

  it('is marked processed without creating a resident or replying', async () => {
    const from = '+51988000004';

    const replies = await h.say(from, 'hola', { form: { To: '+51940009999' } });

    expect(replies).toEqual([]);
    expect(await h.repo.findResidentByPhone(from)).toBeNull();
    expect(await h.repo.listUnprocessedInboundFrom(from)).toEqual([]);
  });
});
