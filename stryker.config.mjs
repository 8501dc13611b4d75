// Mutation testing (`npm run mutate -- <group>`): Stryker changes the code that decides seats,
// judges submissions and checks the record, one small change (a mutant) at a time, and runs the
// specs that cover it. A mutant no spec notices is a change to the count our tests would let
// through. Groups: tools/mutate/groups.js. Not part of `npm test`: on two cores one group takes
// minutes to an hour. The last runs' scores and survivors: tools/mutate/README.md.
import mutateGroups from './tools/mutate/groups.js';

const group = mutateGroups.selectedGroup();

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'jest',
  jest: { configFile: 'jest.mutate.config.js', enableFindRelatedTests: false },
  coverageAnalysis: 'perTest',
  mutate: group.mutate,
  reporters: ['clear-text', 'progress-append-only', 'html', 'json'],
  htmlReporter: { fileName: `reports/mutation/${group.name}.html` },
  jsonReporter: { fileName: `reports/mutation/${group.name}.json` },
  // A later run tests again only the mutants whose code or covering specs changed.
  incremental: true,
  incrementalFile: `reports/mutation/${group.name}.incremental.json`,
  concurrency: 2,
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
