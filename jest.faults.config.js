/**
 * The fault and abuse suites that run real processes (`npm run test:faults`): the service as
 * `aguavoz start` in a child process, a Redis of each test's own that it kills and restarts, the
 * local fake Twilio API. Slower than `npm test`, so apart; `.ci/run` runs both. One file at a
 * time: each starts processes of its own and the machine has two cores.
 */
const base = require('./jest.config');

module.exports = {
  ...base,
  roots: ['<rootDir>/test/fault-processes'],
  testPathIgnorePatterns: [],
  testTimeout: 120000,
  maxWorkers: 1,
};
