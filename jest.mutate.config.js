// The specs Stryker runs against the mutants of one group (`npm run mutate -- <group>`,
// stryker.config.mjs, tools/mutate/groups.js): the unit project's settings, the group's specs.
const { projects } = require('./jest.config.js');
const { selectedGroup } = require('./tools/mutate/groups.js');
const { displayName: _unit, ...unit } = projects.find((p) => p.displayName === 'unit');
module.exports = { ...unit, testTimeout: 30_000, testMatch: selectedGroup().specs.map((glob) => `<rootDir>/${glob}`) };
