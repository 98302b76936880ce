/**
 * What can be checked of the MongoDB adapter with no MongoDB server on the machine (and none
 * faked): an unreachable server surfaces as StoreUnavailableError (intake spools), the models
 * declare the unique indexes the contract relies on, and driver errors map to the port's errors.
 * The full contract runs in mongo-repository.test.ts when MONGODB_URI is set.
 */
import mongoose from 'mongoose';
import { createLogger } from '../../src/shared/logger';
import { toStoreError } from '../../src/store/mongo/mongo-errors';
import { createModels, fromDoc, SCHEMAS, toDoc } from '../../src/store/mongo/mongo-models';
import { createMongoRepository } from '../../src/store/mongo/mongo-repository';
import { byProviderSid } from '../../src/store/mongo/mongo-outbox-queries';
import { ticketDoc } from '../../src/store/mongo/mongo-ticket-due';
import { assertTransactionSupport, TransactionsUnsupportedError } from '../../src/store/mongo/mongo-transaction-support';
import { byPhone } from '../../src/store/mongo/mongo-user-queries';
import { listTicketsQuery } from '../../src/store/mongo/mongo-ticket-queries';
import { encodeTicketCursor, NO_DEADLINE, planTicketQuery } from '../../src/store/ticket-page';
import { StoreUnavailableError, UniqueViolationError } from '../../src/store/repository';
import { aTicket, anInbound, at, rejectionOf } from './contract/store-fixtures';
import { closedPort } from './support/closed-port';

const logger = createLogger({ level: 'silent' });

describe('MongoDB adapter without a server', () => {
  it('an unreachable server makes init fail with StoreUnavailableError', async () => {
    const uri = `mongodb://127.0.0.1:${await closedPort()}/aguavoz`;
    const repo = createMongoRepository({ uri, logger, serverSelectionTimeoutMS: 300 });
    const err = await rejectionOf(repo.init());
    expect(err).toBeInstanceOf(StoreUnavailableError);
    await repo.close();
  });

  it('a store that is not connected answers StoreUnavailableError, so intake spools', async () => {
    const repo = createMongoRepository({ uri: 'mongodb://127.0.0.1:27017/aguavoz', logger });
    expect(await rejectionOf(repo.insertInboundMessage(anInbound()))).toBeInstanceOf(StoreUnavailableError);
    expect(await rejectionOf(repo.ping())).toBeInstanceOf(StoreUnavailableError);
    expect(await rejectionOf(repo.commit({}))).toBeInstanceOf(StoreUnavailableError);
  });
});

describe('MongoDB models', () => {
  const uniqueIndexes = (schema: mongoose.Schema): Array<[string, Record<string, unknown>]> =>
    schema
      .indexes()
      .filter(([, options]) => options.unique === true)
      .map(([fields, options]) => [Object.keys(fields).join(','), options as Record<string, unknown>]);

  it('declare the unique rules of the contract: sid, reference, slug, phone, username, token hash', () => {
    expect(uniqueIndexes(SCHEMAS.InboundMessage).map(([f]) => f)).toEqual(['providerSid']);
    expect(uniqueIndexes(SCHEMAS.Ticket).map(([f]) => f)).toEqual(['reference']);
    expect(uniqueIndexes(SCHEMAS.Locality).map(([f]) => f)).toEqual(['slug']);
    expect(uniqueIndexes(SCHEMAS.Resident).map(([f]) => f)).toEqual(['phone']);
    expect(uniqueIndexes(SCHEMAS.ApiToken).map(([f]) => f)).toEqual(['tokenHash']);
    expect(uniqueIndexes(SCHEMAS.User)).toEqual([
      ['username', expect.objectContaining({ unique: true })],
      ['phone', expect.objectContaining({ partialFilterExpression: { phone: { $type: 'string' } } })],
    ]);
  });

  it('compile on their own connection, never on the global one', async () => {
    const connection = mongoose.createConnection();
    const models = createModels(connection);
    expect(models.Ticket.db).toBe(connection);
    expect(mongoose.modelNames()).not.toContain('Ticket');
    await connection.close();
  });

  it('map documents back to plain domain objects: _id becomes id, ordering fields disappear', () => {
    const doc = toDoc({ id: 't-1', reference: '1234567', details: {} }, { dueSort: '9999', ord: 'x' });
    expect(doc).toEqual({ _id: 't-1', reference: '1234567', details: {}, dueSort: '9999', ord: 'x' });
    expect(fromDoc({ ...doc, __v: 0 })).toStrictEqual({ id: 't-1', reference: '1234567', details: {} });
  });

  it('store a ticket with its next open deadline as dueSort: first response while unanswered, else resolution', () => {
    const owner = { localityId: 'l-1', residentId: 'r-1' };
    const deadlines = { firstResponseDueAt: at(60), resolutionDueAt: at(1440) };
    expect(ticketDoc(aTicket(owner, deadlines)).dueSort).toBe(at(60));
    expect(ticketDoc(aTicket(owner, { ...deadlines, firstResponseAt: at(5) })).dueSort).toBe(at(1440));
    expect(ticketDoc(aTicket(owner, { firstResponseAt: at(5), firstResponseDueAt: at(60) })).dueSort).toBe(NO_DEADLINE);
  });
});

describe('MongoDB error mapping', () => {
  const { MongoServerError, MongoNetworkError, MongoServerSelectionError } = mongoose.mongo;

  it('a duplicate key names the field, from keyPattern or from the server message', () => {
    const withPattern = new MongoServerError({ code: 11000, errmsg: 'E11000', keyPattern: { reference: 1 } });
    expect(toStoreError(withPattern)).toEqual(new UniqueViolationError('reference'));
    const fromMessage = new MongoServerError({
      code: 11000,
      errmsg: 'E11000 duplicate key error collection: aguavoz.users index: username_1 dup key: { username: "ana" }',
    });
    expect(toStoreError(fromMessage)).toMatchObject({ field: 'username' });
    const onId = new MongoServerError({ code: 11000, errmsg: 'E11000', keyPattern: { _id: 1 } });
    expect(toStoreError(onId)).toMatchObject({ field: 'id' });
  });

  it('network, server selection and shutdown errors mean the store is unavailable', () => {
    expect(toStoreError(new MongoNetworkError('connection reset'))).toBeInstanceOf(StoreUnavailableError);
    const selection = new MongoServerSelectionError('timed out', {} as never);
    expect(toStoreError(selection)).toBeInstanceOf(StoreUnavailableError);
    expect(toStoreError(new MongoServerError({ code: 91, errmsg: 'shutdown in progress' }))).toBeInstanceOf(StoreUnavailableError);
  });

  it('other errors pass through unchanged (programmer errors must crash loudly)', () => {
    const other = new MongoServerError({ code: 2, errmsg: 'BadValue' });
    expect(toStoreError(other)).toBe(other);
    const plain = new Error('bug');
    expect(toStoreError(plain)).toBe(plain);
  });
});

describe('MongoDB ticket queries', () => {
  it('a "due" page after a cursor continues strictly after (dueSort, createdAt, _id) within the filter', () => {
    const cursor = encodeTicketCursor('due', ['2025-07-02T00:00:00.000Z', '2025-07-01T10:00:00.000Z', 't-5']);
    const filter = { sort: 'due' as const, localityIds: ['l-1'], assigneeId: null, cursor, limit: 20 };
    expect(listTicketsQuery(filter, planTicketQuery(filter))).toEqual({
      query: {
        $and: [
          { localityId: { $in: ['l-1'] }, assigneeId: null },
          {
            $or: [
              { dueSort: { $gt: '2025-07-02T00:00:00.000Z' } },
              { dueSort: '2025-07-02T00:00:00.000Z', createdAt: { $gt: '2025-07-01T10:00:00.000Z' } },
              { dueSort: '2025-07-02T00:00:00.000Z', createdAt: '2025-07-01T10:00:00.000Z', _id: { $gt: 't-5' } },
            ],
          },
        ],
      },
      sort: { dueSort: 1, createdAt: 1, _id: 1 },
      limit: 21,
    });
  });

  it('a "created" page sorts newest first and continues with $lt', () => {
    const cursor = encodeTicketCursor('created', ['2025-07-01T10:00:00.000Z', 't-5']);
    const filter = { sort: 'created' as const, cursor };
    const { query, sort } = listTicketsQuery(filter, planTicketQuery(filter));
    expect(sort).toEqual({ createdAt: -1, _id: -1 });
    expect(JSON.stringify(query)).toContain('"$lt":"t-5"');
  });
});

describe('MongoDB transaction support, judged from the hello reply', () => {
  it('accepts a replica set member and a mongos', () => {
    expect(() => assertTransactionSupport({ setName: 'rs0', logicalSessionTimeoutMinutes: 30, maxWireVersion: 21 })).not.toThrow();
    expect(() => assertTransactionSupport({ msg: 'isdbgrid', logicalSessionTimeoutMinutes: 30, maxWireVersion: 21 })).not.toThrow();
  });

  it('refuses a standalone mongod with a message that says what to do', () => {
    const error = (() => {
      try {
        assertTransactionSupport({ logicalSessionTimeoutMinutes: 30, maxWireVersion: 21 });
      } catch (caught) {
        return caught;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(TransactionsUnsupportedError);
    expect((error as TransactionsUnsupportedError).code).toBe('mongodb_transactions_unsupported');
    expect((error as Error).message).toMatch(/standalone/);
    expect((error as Error).message).toMatch(/--replSet rs0/);
  });

  it('refuses a server without sessions or too old for transactions', () => {
    expect(() => assertTransactionSupport({ setName: 'rs0', logicalSessionTimeoutMinutes: null })).toThrow(/sessions/);
    expect(() => assertTransactionSupport({ setName: 'rs0', logicalSessionTimeoutMinutes: 30, maxWireVersion: 6 })).toThrow(/too old/);
    expect(() => assertTransactionSupport({ msg: 'isdbgrid', logicalSessionTimeoutMinutes: 30, maxWireVersion: 7 })).toThrow(/4\.2/);
  });
});

describe('MongoDB look-ups on partial indexes', () => {
  const partialFilterOf = (schema: mongoose.Schema, field: string) =>
    schema.indexes().find(([fields, options]) => Object.keys(fields).join(',') === field && options.partialFilterExpression)?.[1]
      .partialFilterExpression as Record<string, Record<string, unknown>>;

  it.each([
    ['outbox by provider sid', SCHEMAS.OutboxMessage, 'providerSid', byProviderSid('SM0123')],
    ['staff by phone', SCHEMAS.User, 'phone', byPhone('+51987000111')],
  ])('%s repeats the index filter, so MongoDB can use the index for the equality', (_name, schema, field, filter) => {
    const partial = partialFilterOf(schema, field);
    expect(partial).toBeDefined();
    expect((filter as Record<string, Record<string, unknown>>)[field]).toMatchObject(partial[field]!);
    expect(Object.keys((filter as Record<string, Record<string, unknown>>)[field]!)).toContain('$eq');
  });
});
