/**
 * Tests run against real parts: Redis on REDIS_URL (127.0.0.1:6379 by default), SQLite files in
 * a temp folder, real HTTP. Test files run in parallel workers; each test file isolates itself
 * (own Redis key prefix / BullMQ prefix, own SQLite file).
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Real-process fault suites run apart: `npm run test:faults` (jest.faults.config.js).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/fault-processes/'],
  transform: {
    '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  // intl-messageformat and its @formatjs deps ship ESM; let swc transform them.
  transformIgnorePatterns: ['/node_modules/(?!(intl-messageformat|@formatjs)/)'],
  setupFiles: ['<rootDir>/test/support/env.ts'],
  testTimeout: 30000,
  maxWorkers: 2,
};
