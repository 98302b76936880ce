/**
 * The repository contract against a real MongoDB (a replica set: `commit` uses transactions), run
 * whenever MONGODB_URI is set, e.g.
 *   docker compose up -d mongo && MONGODB_URI='mongodb://127.0.0.1:27017/?replicaSet=rs0' npx jest test/store
 * Each test gets its own database, dropped afterwards. No MongoDB is faked.
 */
import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { createLogger } from '../../src/shared/logger';
import { createMongoRepository } from '../../src/store/mongo/mongo-repository';
import { describeRepositoryContract } from './repository-contract';

const uri = process.env.MONGODB_URI?.trim();

/**
 * Without MONGODB_URI the contract is reported as skipped (jest counts it), never as passed:
 * a suite that did not run on MongoDB must not look green.
 */
const describeIfMongo = uri ? describe : describe.skip;

describeIfMongo('MongoDB (MONGODB_URI set)', () => {
  const logger = createLogger({ level: 'silent' });

  describeRepositoryContract('MongoDB', async () => {
    const dbName = `aguavoz_test_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    const repo = createMongoRepository({ uri: uri!, dbName, logger, serverSelectionTimeoutMS: 10_000 });
    await repo.init();
    return {
      repo,
      async dispose() {
        await repo.close();
        const admin = await mongoose.createConnection(uri!, { dbName }).asPromise();
        await admin.dropDatabase();
        await admin.close();
      },
    };
  });
});
