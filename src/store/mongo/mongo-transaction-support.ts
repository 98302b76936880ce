/**
 * The MongoDB adapter commits every turn in a multi-document transaction, which MongoDB offers
 * only on a replica set member or through mongos. A standalone `mongod` accepts the connection
 * and passes `/readyz`, then fails every commit with code 20 (IllegalOperation): refuse to start
 * instead, saying what to do. Decided from the server's `hello` reply alone, so it is a pure
 * function (and testable without a server).
 *
 * @example
 * assertTransactionSupport({ isWritablePrimary: true, setName: 'rs0', logicalSessionTimeoutMinutes: 30 }); // ok
 * assertTransactionSupport({ isWritablePrimary: true, logicalSessionTimeoutMinutes: 30 }); // throws
 */

/** The fields of MongoDB's `hello` command reply that matter here. */
export interface HelloReply {
  setName?: string;
  /** `isdbgrid` when the server is a mongos. */
  msg?: string;
  logicalSessionTimeoutMinutes?: number | null;
  maxWireVersion?: number;
}

export class TransactionsUnsupportedError extends Error {
  readonly code = 'mongodb_transactions_unsupported';
  constructor(readonly reason: string) {
    super(
      `MongoDB cannot run transactions here (${reason}), and AguaVoz commits every conversation turn in one. ` +
        'Use a replica set (a single-node one is enough: start mongod with --replSet rs0 and run rs.initiate() once, ' +
        'as docker-compose.yml does) or a sharded cluster through mongos, and name it in MONGODB_URI (e.g. ?replicaSet=rs0).',
    );
    this.name = 'TransactionsUnsupportedError';
  }
}

/** Multi-document transactions: replica sets since MongoDB 4.0 (wire 7), sharded clusters since 4.2 (wire 8). */
export function assertTransactionSupport(hello: HelloReply): void {
  const isMongos = hello.msg === 'isdbgrid';
  if (!isMongos && !hello.setName) throw new TransactionsUnsupportedError('the server is a standalone mongod, not a replica set member');
  if (hello.logicalSessionTimeoutMinutes === undefined || hello.logicalSessionTimeoutMinutes === null) {
    throw new TransactionsUnsupportedError('the server does not support sessions');
  }
  const needed = isMongos ? 8 : 7;
  if (hello.maxWireVersion !== undefined && hello.maxWireVersion < needed) {
    throw new TransactionsUnsupportedError(`the server is too old (wire version ${hello.maxWireVersion}; ${isMongos ? '4.2' : '4.0'} or later needed)`);
  }
}
