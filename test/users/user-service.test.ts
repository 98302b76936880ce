import { createRepository } from '../../src/store/create-repository';
import type { Repository } from '../../src/store/repository';
import { createLogger } from '../../src/shared/logger';
import { newId } from '../../src/shared/ids';
import { UserInputError } from '../../src/users/user-errors';
import { createUserService, type UserService } from '../../src/users/user-service';
import { aLocality } from '../support/domain-fixtures';
import { tempSqlitePath } from '../support/sqlite';

const logger = createLogger({ level: 'silent' });
const now = () => new Date().toISOString();

async function openStore(label: string) {
  const sqlite = tempSqlitePath(label);
  const repo: Repository = createRepository({ sqlitePath: sqlite.path, logger });
  await repo.init();
  return {
    repo,
    users: createUserService({ repo, now, newId }),
    async close() {
      await repo.close();
      sqlite.cleanup();
    },
  };
}

describe('ensureFirstAdmin', () => {
  let store: Awaited<ReturnType<typeof openStore>>;
  beforeAll(async () => {
    store = await openStore('first-admin');
  });
  afterAll(() => store.close());

  it('creates admin once with a printed-once password, and does nothing on the next start', async () => {
    const first = await store.users.ensureFirstAdmin();
    expect(first).toEqual({ created: true, username: 'admin', password: expect.any(String) });
    expect(first.password!.length).toBeGreaterThanOrEqual(16);
    await expect(store.users.authenticate('admin', first.password!)).resolves.toMatchObject({ username: 'admin', role: 'admin' });

    const second = await store.users.ensureFirstAdmin();
    expect(second).toEqual({ created: false, username: 'admin' });
    expect(await store.users.listUsers()).toHaveLength(1);
    await expect(store.users.authenticate('admin', first.password!)).resolves.not.toBeNull();
  });
});

describe('ensureFirstAdmin with ADMIN_PASSWORD', () => {
  let store: Awaited<ReturnType<typeof openStore>>;
  beforeAll(async () => {
    store = await openStore('first-admin-env');
  });
  afterAll(() => store.close());

  it('uses the given password and does not hand it back for printing', async () => {
    const result = await store.users.ensureFirstAdmin({ password: 'agua-limpia-2025' });
    expect(result).toEqual({ created: true, username: 'admin' });
    await expect(store.users.authenticate('admin', 'agua-limpia-2025')).resolves.toMatchObject({ role: 'admin' });
  });
});

describe('user service', () => {
  let store: Awaited<ReturnType<typeof openStore>>;
  let users: UserService;
  const localityId = 'loc-san-martin';

  beforeAll(async () => {
    store = await openStore('users');
    users = store.users;
    await store.repo.createLocality(aLocality({ id: localityId, sectors: [], phoneNumbers: [], createdAt: now() }));
  });
  afterAll(() => store.close());

  it('adds an operator with a generated password that logs in, a lower-cased username and an E.164 phone', async () => {
    const { user, password } = await users.addUser({
      username: 'Rosa.Quispe',
      name: 'Rosa Quispe',
      role: 'operator',
      localityIds: ['san-martin'],
      phone: '987 654 321',
    });
    expect(user).toMatchObject({ username: 'rosa.quispe', phone: '+51987654321', localityIds: [localityId], onDuty: true });
    expect(user).not.toHaveProperty('passwordHash');
    const authenticated = await users.authenticate('ROSA.QUISPE', password);
    expect(authenticated).toEqual({
      id: user.id,
      username: 'rosa.quispe',
      name: 'Rosa Quispe',
      role: 'operator',
      localityIds: [localityId],
      phone: '+51987654321',
    });
  });

  it('refuses a wrong password and an unknown username alike', async () => {
    await users.addUser({ username: 'juan', name: 'Juan', role: 'supervisor', localityIds: [localityId], password: 'secreto-largo' });
    await expect(users.authenticate('juan', 'secreto-larg0')).resolves.toBeNull();
    await expect(users.authenticate('nadie', 'secreto-largo')).resolves.toBeNull();
  });

  it('refuses bad input with code invalid_user_input and names every bad field', async () => {
    const attempt = users.addUser({
      username: 'a b',
      name: '',
      role: 'boss' as never,
      localityIds: [localityId],
      phone: '12',
      password: 'short',
    });
    await expect(attempt).rejects.toMatchObject({ code: 'invalid_user_input' });
    const error = (await attempt.catch((e: unknown) => e)) as UserInputError;
    expect(error).toBeInstanceOf(UserInputError);
    const fields = error.problems.map((p) => p.split(':')[0]);
    expect(fields).toEqual(expect.arrayContaining(['username', 'name', 'role', 'phone', 'password']));
  });

  it('requires operators to have a locality that exists', async () => {
    await expect(users.addUser({ username: 'sinlugar', name: 'X', role: 'operator', localityIds: [] })).rejects.toMatchObject({
      code: 'invalid_user_input',
    });
    await expect(
      users.addUser({ username: 'otrolugar', name: 'X', role: 'operator', localityIds: ['atlantis'] }),
    ).rejects.toMatchObject({ code: 'invalid_user_input', message: expect.stringContaining('atlantis') });
  });

  it('refuses a taken username and a taken phone with their own codes', async () => {
    await users.addUser({ username: 'maria', name: 'María', role: 'operator', localityIds: [localityId], phone: '+51911111111' });
    await expect(
      users.addUser({ username: 'Maria', name: 'Otra', role: 'operator', localityIds: [localityId] }),
    ).rejects.toMatchObject({ code: 'username_taken' });
    await expect(
      users.addUser({ username: 'maria2', name: 'Otra', role: 'operator', localityIds: [localityId], phone: '911 111 111' }),
    ).rejects.toMatchObject({ code: 'phone_taken' });
  });

  it('resets a password by username: the old one stops working, the new one works', async () => {
    const { password: old } = await users.addUser({ username: 'pedro', name: 'Pedro', role: 'operator', localityIds: [localityId] });
    const { password } = await users.resetPassword('pedro');
    expect(password).not.toBe(old);
    await expect(users.authenticate('pedro', old)).resolves.toBeNull();
    await expect(users.authenticate('pedro', password)).resolves.toMatchObject({ username: 'pedro' });
    await expect(users.resetPassword('nobody')).rejects.toMatchObject({ code: 'user_not_found' });
  });

  it('raises the session version at every reset, which a new sign-in carries so older console sessions are refused', async () => {
    const { password } = await users.addUser({ username: 'elena', name: 'Elena', role: 'operator', localityIds: [localityId] });
    await expect(users.signIn('elena', password)).resolves.toEqual({ user: expect.objectContaining({ username: 'elena' }), sessionVersion: 0 });
    await users.resetPassword('elena', { password: 'primera-nueva-clave' });
    const { password: latest } = await users.resetPassword('elena');
    await expect(users.signIn('elena', latest)).resolves.toMatchObject({ sessionVersion: 2 });
    await expect(users.signIn('elena', 'primera-nueva-clave')).resolves.toBeNull();
    await expect(users.findUser('elena')).resolves.toMatchObject({ sessionVersion: 2 });
  });

});

describe('user listing', () => {
  let store: Awaited<ReturnType<typeof openStore>>;
  let users: UserService;

  beforeAll(async () => {
    store = await openStore('users-list');
    users = store.users;
    for (const id of ['loc-a', 'loc-b']) await store.repo.createLocality(aLocality({ id, slug: id, sectors: [], phoneNumbers: [], createdAt: now() }));
    await users.addUser({ username: 'ana', name: 'Ana', role: 'operator', localityIds: ['loc-a'] });
    await users.addUser({ username: 'beto', name: 'Beto', role: 'operator', localityIds: ['loc-b'] });
    await users.addUser({ username: 'juan', name: 'Juan', role: 'supervisor', localityIds: ['loc-a', 'loc-b'] });
  });
  afterAll(() => store.close());

  it('lists users without their password hashes, filtered by locality or role', async () => {
    const all = await users.listUsers();
    expect(all.map((u) => u.username).sort()).toEqual(['ana', 'beto', 'juan']);
    for (const user of all) expect(user).not.toHaveProperty('passwordHash');
    expect((await users.listUsers({ role: 'supervisor' })).map((u) => u.username)).toEqual(['juan']);
    expect((await users.listUsers({ localityId: 'loc-b' })).map((u) => u.username).sort()).toEqual(['beto', 'juan']);
  });
});
