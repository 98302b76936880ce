import { NotFoundError, type Repository } from '../../../src/store/repository';
import { aPhone, aUser, anApiToken, anOutbox, at, expectUniqueViolation, rejectionOf } from './store-fixtures';

export function outboxContract(repo: () => Repository): void {
  describe('outbox', () => {
    it('an outbox row with every field set reads back identically', async () => {
      const message = anOutbox({
        residentId: 'r-1',
        userId: 'u-1',
        ticketId: 't-1',
        channel: 'whatsapp',
        fromPhone: '+51100000001',
        body: 'Su reclamo 1234567 fue atendido. ¿Se solucionó? 1 Sí 2 No',
        kind: 'status_change',
        status: 'delivered',
        providerSid: 'SM0001',
        attempts: 3,
        errorCode: '30003',
        updatedAt: at(3),
      });
      await repo().commit({ outbox: [message, anOutbox()] });
      await expect(repo().getOutbox(message.id)).resolves.toStrictEqual(message);
      await expect(repo().getOutbox('missing')).resolves.toBeNull();
    });

    it('an update patches the row, and the provider sid then finds it', async () => {
      const message = anOutbox();
      await repo().commit({ outbox: [message] });
      const patch = { status: 'sent', providerSid: 'SM9876', attempts: 1, updatedAt: at(2) } as const;
      await expect(repo().updateOutbox(message.id, patch)).resolves.toBeUndefined();
      await expect(repo().getOutbox(message.id)).resolves.toEqual({ ...message, ...patch });
      await expect(repo().findOutboxByProviderSid('SM9876')).resolves.toEqual({ ...message, ...patch });
      await expect(repo().findOutboxByProviderSid('SM-unknown')).resolves.toBeNull();
      await repo().updateOutbox(message.id, { status: 'failed', errorCode: '21610', providerSid: null });
      expect(await repo().getOutbox(message.id)).toMatchObject({ status: 'failed', errorCode: '21610', providerSid: null, attempts: 1 });
    });

    it('updating an outbox row that does not exist is a NotFoundError', async () => {
      expect(await rejectionOf(repo().updateOutbox('missing', { status: 'sent' }))).toBeInstanceOf(NotFoundError);
    });

    it('the sweeper sees rows of one status created before the cut-off, oldest first, up to the limit', async () => {
      const q2 = anOutbox({ createdAt: at(2) });
      const q1 = anOutbox({ createdAt: at(1) });
      const q3 = anOutbox({ createdAt: at(3) });
      const sent = anOutbox({ createdAt: at(0), status: 'sent' });
      const fresh = anOutbox({ createdAt: at(10) });
      await repo().commit({ outbox: [q2, q1, q3, sent, fresh] });
      const listed = await repo().listOutboxByStatus({ status: 'queued', createdBefore: at(10), limit: 2 });
      expect(listed.map((m) => m.id)).toEqual([q1.id, q2.id]);
      const sentRows = await repo().listOutboxByStatus({ status: 'sent', createdBefore: at(10), limit: 10 });
      expect(sentRows.map((m) => m.id)).toEqual([sent.id]);
    });

    it("a resident's messages list newest first, same-time ones latest-written first, limited", async () => {
      const older = anOutbox({ residentId: 'r-9', createdAt: at(1) });
      const sameA = anOutbox({ residentId: 'r-9', createdAt: at(5) });
      const sameB = anOutbox({ residentId: 'r-9', createdAt: at(5) });
      await repo().commit({ outbox: [older, sameA, sameB, anOutbox({ residentId: 'r-other', createdAt: at(6) })] });
      const listed = await repo().listOutboxByResident('r-9', { limit: 10 });
      expect(listed.map((m) => m.id)).toEqual([sameB.id, sameA.id, older.id]);
      expect(await repo().listOutboxByResident('r-9', { limit: 1 })).toEqual([sameB]);
    });

    it("ordered sending sees one resident's queued rows up to an instant, oldest first, same-time ones in written order", async () => {
      const sameA = anOutbox({ residentId: 'r-7', createdAt: at(2) });
      const oldest = anOutbox({ residentId: 'r-7', createdAt: at(1) });
      const sameB = anOutbox({ residentId: 'r-7', createdAt: at(2) });
      const alreadySent = anOutbox({ residentId: 'r-7', createdAt: at(0), status: 'sent', providerSid: 'SM-sent' });
      const inFlight = anOutbox({ residentId: 'r-7', createdAt: at(1), status: 'sending', attempts: 1 });
      const newer = anOutbox({ residentId: 'r-7', createdAt: at(3) });
      const otherResident = anOutbox({ residentId: 'r-8', createdAt: at(1) });
      await repo().commit({ outbox: [sameA, oldest, alreadySent, inFlight, newer, otherResident] });
      await repo().commit({ outbox: [sameB] });

      const listed = await repo().listQueuedOutboxFor({ residentId: 'r-7', createdAtOrBefore: at(2), limit: 10 });
      expect(listed).toEqual([oldest, sameA, sameB]);
      const firstTwo = await repo().listQueuedOutboxFor({ residentId: 'r-7', createdAtOrBefore: at(3), limit: 2 });
      expect(firstTwo.map((m) => m.id)).toEqual([oldest.id, sameA.id]);
      await expect(repo().listQueuedOutboxFor({ residentId: 'r-7', createdAtOrBefore: at(0), limit: 10 })).resolves.toEqual([]);
    });

    it("ordered sending sees a staff member's queued rows by user id, apart from residents' rows", async () => {
      const alert = anOutbox({ userId: 'u-7', kind: 'alert', createdAt: at(1) });
      const reply = anOutbox({ userId: 'u-7', kind: 'operator_command', createdAt: at(2) });
      const failed = anOutbox({ userId: 'u-7', createdAt: at(0), status: 'failed', errorCode: '21211' });
      const residentRow = anOutbox({ residentId: 'u-7', createdAt: at(1) });
      const otherUser = anOutbox({ userId: 'u-8', createdAt: at(1) });
      await repo().commit({ outbox: [reply, alert, failed, residentRow, otherUser] });

      const listed = await repo().listQueuedOutboxFor({ userId: 'u-7', createdAtOrBefore: at(5), limit: 10 });
      expect(listed.map((m) => m.id)).toEqual([alert.id, reply.id]);
    });
  });
}

export function userContract(repo: () => Repository): void {
  describe('users and API tokens', () => {
    it('a user with every field set reads back by id, username and phone', async () => {
      const user = aUser({ role: 'supervisor', phone: aPhone(), localityIds: ['l-1', 'l-2'], onDuty: true, sessionVersion: 4, updatedAt: at(3) });
      await expect(repo().createUser(user)).resolves.toStrictEqual(user);
      await expect(repo().getUser(user.id)).resolves.toStrictEqual(user);
      await expect(repo().findUserByUsername(user.username)).resolves.toStrictEqual(user);
      await expect(repo().findUserByPhone(user.phone!)).resolves.toStrictEqual(user);
      await expect(repo().getUser('missing')).resolves.toBeNull();
      await expect(repo().findUserByUsername('nadie')).resolves.toBeNull();
      await expect(repo().findUserByPhone('+51000000000')).resolves.toBeNull();
    });

    it('a second user with a taken username or phone is refused, naming the field', async () => {
      const first = await repo().createUser(aUser({ phone: aPhone() }));
      await expectUniqueViolation(repo().createUser(aUser({ username: first.username })), 'username');
      await expectUniqueViolation(repo().createUser(aUser({ phone: first.phone })), 'phone');
      const other = await repo().createUser(aUser());
      await expectUniqueViolation(repo().updateUser(other.id, { phone: first.phone }), 'phone');
      await expect(repo().getUser(other.id)).resolves.toEqual(other);
    });

    it('many users may have no phone at all', async () => {
      await repo().createUser(aUser({ phone: null }));
      await repo().createUser(aUser({ phone: null }));
      await expect(repo().listUsers()).resolves.toHaveLength(2);
    });

    it('lists users by username, optionally only those bound to one locality', async () => {
      const zoe = await repo().createUser(aUser({ username: 'zoe', localityIds: ['l-1'] }));
      const ana = await repo().createUser(aUser({ username: 'ana', localityIds: ['l-2', 'l-1'] }));
      const luis = await repo().createUser(aUser({ username: 'luis', localityIds: ['l-2'] }));
      expect((await repo().listUsers()).map((u) => u.id)).toEqual([ana.id, luis.id, zoe.id]);
      expect((await repo().listUsers({ localityId: 'l-1' })).map((u) => u.id)).toEqual([ana.id, zoe.id]);
      await expect(repo().listUsers({ localityId: 'l-9' })).resolves.toEqual([]);
    });

    it('a user created without a session version reads back at version 0, and a reset raises it', async () => {
      const { sessionVersion: _omitted, ...withoutVersion } = aUser();
      await expect(repo().createUser(withoutVersion)).resolves.toMatchObject({ sessionVersion: 0 });
      await expect(repo().updateUser(withoutVersion.id, { passwordHash: 'reset', sessionVersion: 1 })).resolves.toMatchObject({
        passwordHash: 'reset',
        sessionVersion: 1,
      });
      await expect(repo().findUserByUsername(withoutVersion.username)).resolves.toMatchObject({ sessionVersion: 1 });
    });

    it('an update patches the user and returns it; a missing user is a NotFoundError', async () => {
      const user = await repo().createUser(aUser());
      const patch = { onDuty: true, localityIds: ['l-3'], phone: aPhone(), passwordHash: 'new', updatedAt: at(8) };
      await expect(repo().updateUser(user.id, patch)).resolves.toEqual({ ...user, ...patch });
      expect(await rejectionOf(repo().updateUser('missing', { onDuty: true }))).toBeInstanceOf(NotFoundError);
    });

    it('an API token is found by its hash only, and touching it records the last use', async () => {
      const user = await repo().createUser(aUser());
      const token = anApiToken(user.id);
      await expect(repo().createApiToken(token)).resolves.toStrictEqual(token);
      await expect(repo().findApiTokenByHash(token.tokenHash)).resolves.toStrictEqual(token);
      await expect(repo().findApiTokenByHash('sha256:unknown')).resolves.toBeNull();
      await repo().touchApiToken(token.id, at(30));
      await expect(repo().findApiTokenByHash(token.tokenHash)).resolves.toEqual({ ...token, lastUsedAt: at(30) });
      expect(await rejectionOf(repo().touchApiToken('missing', at(31)))).toBeInstanceOf(NotFoundError);
    });

    it("lists one user's tokens oldest first, revoked ones included, and no other user's", async () => {
      const user = await repo().createUser(aUser());
      const other = await repo().createUser(aUser());
      const newer = await repo().createApiToken(anApiToken(user.id, { label: 'informe semanal', createdAt: at(20) }));
      const older = await repo().createApiToken(anApiToken(user.id, { createdAt: at(10), revokedAt: at(15) }));
      await repo().createApiToken(anApiToken(other.id, { createdAt: at(5) }));
      await expect(repo().listApiTokens(user.id)).resolves.toStrictEqual([older, newer]);
      await expect(repo().listApiTokens('nobody')).resolves.toEqual([]);
    });

    it('revoking a token records when, still finds it by hash, and a second revocation keeps the first time', async () => {
      const user = await repo().createUser(aUser());
      const token = await repo().createApiToken(anApiToken(user.id));
      const kept = await repo().createApiToken(anApiToken(user.id));
      await expect(repo().revokeApiToken(token.id, at(40))).resolves.toStrictEqual({ ...token, revokedAt: at(40) });
      await expect(repo().findApiTokenByHash(token.tokenHash)).resolves.toStrictEqual({ ...token, revokedAt: at(40) });
      await expect(repo().revokeApiToken(token.id, at(50))).resolves.toMatchObject({ revokedAt: at(40) });
      await expect(repo().findApiTokenByHash(kept.tokenHash)).resolves.toStrictEqual(kept);
      expect(await rejectionOf(repo().revokeApiToken('missing', at(41)))).toBeInstanceOf(NotFoundError);
    });

    it('a token created without a revocation field reads back as not revoked', async () => {
      const user = await repo().createUser(aUser());
      const { revokedAt: _omitted, ...withoutField } = anApiToken(user.id);
      await expect(repo().createApiToken(withoutField)).resolves.toMatchObject({ revokedAt: null });
    });

    it('a second token with the same hash is refused as a unique violation on tokenHash', async () => {
      const user = await repo().createUser(aUser());
      const token = await repo().createApiToken(anApiToken(user.id));
      await expectUniqueViolation(repo().createApiToken(anApiToken(user.id, { tokenHash: token.tokenHash })), 'tokenHash');
    });
  });
}
