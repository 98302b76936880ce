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

if (uri) {
  const logger = createLogger({ level: 'silent' });

  describeRepositoryContract('MongoDB', async () => {
    const dbName = `aguavoz_test_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    const repo = createMongoRepository({ uri, dbName, logger, serverSelectionTimeoutMS: 10_000 });
    await repo.init();
    return {
      repo,
      async dispose() {
        await repo.close();
        const admin = await mongoose.createConnection(uri, { dbName }).asPromise();
        await admin.dropDatabase();
        await admin.close();
      },
    };
  });
} else {
  describe('MongoDB repository contract', () => {
    it('was not run because MONGODB_URI is not set (set it to a replica-set URI to run it)', () => {
      expect(process.env.MONGODB_URI?.trim() || undefined).toBeUndefined();
      console.info('MongoDB repository contract NOT run: MONGODB_URI is not set.');
    });
  });
}
