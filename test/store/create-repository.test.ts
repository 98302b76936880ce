import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from '../../src/shared/logger';
import { createRepository } from '../../src/store/create-repository';
import { StoreUnavailableError } from '../../src/store/repository';
import { tempSqlitePath } from '../support/sqlite';
import { aLocality, rejectionOf } from './contract/store-fixtures';
import { closedPort } from './support/closed-port';

const logger = createLogger({ level: 'silent' });

describe('createRepository', () => {
  const file = tempSqlitePath('create-repository');
  afterAll(() => file.cleanup());

  it('without a MongoDB URI opens the SQLite file at sqlitePath', async () => {
    const repo = createRepository({ sqlitePath: file.path, logger });
    await repo.init();
    const locality = await repo.createLocality(aLocality());
    await expect(repo.getLocality(locality.id)).resolves.toEqual(locality);
    await repo.close();
    expect(existsSync(file.path)).toBe(true);
  });

  it('with a MongoDB URI uses MongoDB and never touches the SQLite path', async () => {
    const sqlitePath = `${file.path}.unused`;
    const repo = createRepository({
      sqlitePath,
      mongodbUri: `mongodb://127.0.0.1:${await closedPort()}/aguavoz`,
      logger,
      serverSelectionTimeoutMS: 300,
    });
    const err = await rejectionOf(repo.init());
    expect(err).toBeInstanceOf(StoreUnavailableError);
    expect((err as Error).message).toMatch(/^mongodb:/);
    expect(existsSync(sqlitePath)).toBe(false);
    await repo.close();
  });

  it('on SQLite never loads mongoose: not for the whole service, not for the store', () => {
    const root = join(__dirname, '..', '..');
    const script = `
      require('./src/app/run-process.ts');
      const { createRepository } = require('./src/store/create-repository.ts');
      const { createLogger } = require('./src/shared/logger.ts');
      const repo = createRepository({ sqlitePath: process.argv[1], logger: createLogger({ level: 'silent' }) });
      repo.init().then(() => repo.close()).then(() => {
        const loaded = Object.keys(require.cache).filter((path) => path.includes('/node_modules/mongoose/'));
        process.stdout.write(JSON.stringify({ mongooseModules: loaded.length }));
      });
    `;
    const output = execFileSync(process.execPath, ['-r', '@swc-node/register', '-e', script, `${file.path}.lazy`], {
      cwd: root,
      env: { ...process.env, SWC_NODE_PROJECT: join(root, 'tsconfig.json') },
      encoding: 'utf8',
    });
    expect(JSON.parse(output)).toEqual({ mongooseModules: 0 });
  }, 30_000);
});
