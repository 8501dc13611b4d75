// Three projects: unit (pure + PGlite, fast), integration (real PostgreSQL and Kafka),
// e2e (the whole service, the CLI and the browser). `npm test` runs all three.
const moduleNameMapper = {
  '^@tally/domain$': '<rootDir>/libs/domain/src',
  '^@tally/event-store$': '<rootDir>/libs/event-store/src',
  '^@tally/intake-queue$': '<rootDir>/libs/intake-queue/src',
  '^@tally/signatures$': '<rootDir>/libs/signatures/src',
  '^@tally/audit$': '<rootDir>/libs/audit/src',
  '^@tally/encoding$': '<rootDir>/libs/encoding/src',
  '^@tally/projection$': '<rootDir>/libs/projection/src',
  '^@tally/merkle-log$': '<rootDir>/libs/merkle-log/src',
};
const base = {
  rootDir: __dirname,
  testEnvironment: 'node',
  moduleNameMapper,
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  // A mutation run's copy of the project (npm run mutate) is not ours to test or resolve from.
  modulePathIgnorePatterns: ['<rootDir>/.stryker-tmp/'],
};
module.exports = {
  // A failure deadline, not a speed assertion: suites that fold, sign and verify whole elections
  // take seconds on a loaded 2-core machine. (With `projects`, Jest reads this key here, at the top.)
  testTimeout: 30_000,
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,tools}/**/*.spec.ts'] },
    { ...base, displayName: 'integration', testMatch: ['<rootDir>/{apps,libs,tools,test}/**/*.int-spec.ts'] },
    { ...base, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'] },
  ],
};
