import type { Ticket } from '../../src/domain/ticket';
import { makeReference } from '../../src/domain/reference';
import { newId } from '../../src/shared/ids';
import { aResident } from '../support/domain-fixtures';
import { createConversationHarness, testLocality, type ConversationHarness } from '../support/inbound-app';

describe('ESTADO <ref>: a resident asks where their complaint stands', () => {
  let h: ConversationHarness;
  let ticket: Ticket;
  const from = '+51966000001';

  beforeAll(async () => {
    h = await createConversationHarness({ label: 'status-request' });
    await h.say(from, 'hola');
    await h.say(from, '1');
    await h.say(from, '2');
    await h.say(from, '1');
    await h.say(from, '0');
    await h.say(from, '4');
    const resident = await h.repo.findResidentByPhone(from);
    ticket = (await h.repo.listTickets({ residentId: resident!.id })).items[0]!;
  });
  afterAll(async () => {
    await h.close();
  });

  it('answers with the status of an open ticket', async () => {
    expect(await h.say(from, `ESTADO ${ticket.reference}`)).toEqual([
      h.text('status.reply', { reference: ticket.reference, status: 'open' }),
    ]);
  });

  it('answers with the status and the last public note once the operator wrote one', async () => {
    // A second ticket of the same resident: the open one above stays as it was.
    const worked: Ticket = { ...ticket, id: newId(), reference: makeReference('555555') };
    await h.repo.commit({ ticketsCreated: [worked] });
    const at = new Date().toISOString();
    await h.repo.commit({
      ticketUpdates: [{ id: worked.id, patch: { status: 'in_progress', updatedAt: at } }],
      timeline: [
        { id: newId(), ticketId: worked.id, at, type: 'replied', actor: 'op-1', text: 'La cisterna llega a las 3 pm', isPublic: true, data: {} },
        { id: newId(), ticketId: worked.id, at, type: 'note_added', actor: 'op-1', text: 'interno: revisar valvula', isPublic: false, data: {} },
      ],
    });

    const replies = await h.say(from, `estado ${worked.reference}`);

    expect(replies).toEqual([
      h.text('status.reply_with_note', { reference: worked.reference, status: 'in_progress', note: 'La cisterna llega a las 3 pm' }),
    ]);
    expect(replies[0]).not.toContain('interno');
    const rows = await h.repliesTo(from);
    expect(rows[rows.length - 1]).toMatchObject({ ticketId: worked.id, kind: 'status_reply' });
  });

  it('says it was not found for a well-formed reference no ticket has', async () => {
    const unknown = makeReference('999999') === ticket.reference ? makeReference('999998') : makeReference('999999');

    expect(await h.say(from, `ESTADO ${unknown}`)).toEqual([h.text('status.not_found', { reference: unknown })]);
  });

  it("does not reveal another town's ticket", async () => {
    const other = await h.repo.createLocality(testLocality({ phoneNumbers: ['+51940000099'] }));
    const otherResident = await h.repo.upsertResidentByPhone(
      aResident({ id: newId(), phone: '+51966000099', localityId: other.id, createdAt: new Date().toISOString(), updatedAt: new Date().toISOString() }),
    );
    const foreign: Ticket = { ...ticket, id: newId(), reference: makeReference('777777'), localityId: other.id, residentId: otherResident.id };
    await h.repo.commit({ ticketsCreated: [foreign] });

    expect(await h.say(from, `ESTADO ${foreign.reference}`)).toEqual([h.text('status.not_found', { reference: foreign.reference })]);
  });
});
