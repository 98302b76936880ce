/**
 * The one contract every store adapter passes (SQLite always, MongoDB when MONGODB_URI is set).
 * Each test gets a fresh, empty, initialised store from `makeRepo` and disposes of it after.
 */
import type { Repository } from '../../src/store/repository';
import { commitContract } from './contract/commit-contract';
import { inboundContract } from './contract/inbound-contract';
import { inboundFailureContract } from './contract/inbound-failure-contract';
import { incidentContract } from './contract/incident-contract';
import { localityContract, residentContract } from './contract/locality-resident-contract';
import { open311Contract } from './contract/open311-contract';
import { outboxContract, userContract } from './contract/outbox-user-contract';
import type { MakeRepository } from './contract/store-fixtures';
import { figureQueriesContract } from './contract/publication-contract';
import { queueOrderContract } from './contract/queue-order-contract';
import { ticketContract } from './contract/ticket-contract';
import { workdayContract } from './contract/workday-contract';

export type { MakeRepository } from './contract/store-fixtures';

export function describeRepositoryContract(name: string, makeRepo: MakeRepository): void {
  describe(`${name} repository contract`, () => {
    let current: Awaited<ReturnType<MakeRepository>> | null = null;

    beforeEach(async () => {
      current = await makeRepo();
    });

    afterEach(async () => {
      await current?.dispose();
      current = null;
    });

    const repo = (): Repository => {
      if (!current) throw new Error('no store: makeRepo failed in beforeEach');
      return current.repo;
    };

    it('answers a ping once initialised', async () => {
      await expect(repo().ping()).resolves.toBeUndefined();
    });

    localityContract(repo);
    residentContract(repo);
    inboundContract(repo);
    inboundFailureContract(repo);
    ticketContract(repo);
    queueOrderContract(repo);
    commitContract(repo);
    outboxContract(repo);
    userContract(repo);
    incidentContract(repo);
    workdayContract(repo);
    open311Contract(repo);
    figureQueriesContract(repo);
  });
}
