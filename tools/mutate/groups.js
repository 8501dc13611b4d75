// What `npm run mutate -- <group>` mutates, and the specs that must notice: the code that decides
// seats, judges submissions and checks the record, in groups small enough for two cores. Stryker
// first runs the group's specs once to learn which test covers which mutant; a group's specs are
// its files' own, not the whole unit project (given all of it, a run over one file was still going
// after half an hour).
const groups = {
  seats: {
    mutate: ['libs/domain/src/allocation/allocate.ts', 'libs/domain/src/allocation/tie-break.ts', 'libs/domain/src/count.ts'],
    specs: ['libs/domain/src/allocation/**/*.spec.ts'],
  },
  districts: {
    mutate: ['libs/domain/src/allocation/single-member.ts', 'libs/domain/src/allocation/composition.ts'],
    specs: ['libs/domain/src/allocation/**/*.spec.ts'],
  },
  threshold: {
    mutate: ['libs/domain/src/views/threshold-certainty.ts', 'libs/domain/src/percent.ts'],
    specs: ['libs/domain/src/views/threshold-certainty.spec.ts', 'libs/domain/src/percent.spec.ts', 'libs/domain/src/allocation/**/*.spec.ts'],
  },
  submissions: {
    mutate: [
      'libs/domain/src/precinct/precinct.decider.ts',
      'libs/domain/src/precinct/check-submission.ts',
      'libs/domain/src/precinct/received-at.ts',
      'libs/domain/src/protocol/protocol.validation.ts',
    ],
    specs: ['libs/domain/src/precinct/**/*.spec.ts', 'libs/domain/src/protocol/**/*.spec.ts'],
  },
  // The election's own history: its acts (the switch to live, summaries, certification of seats),
  // the embargo, key amendments, the lots drawn and the deputies' mandates.
  election: {
    mutate: [
      'libs/domain/src/election/election.decider.ts',
      'libs/domain/src/election/lifecycle.ts',
      'libs/domain/src/election/embargo.ts',
      'libs/domain/src/election/amendments.ts',
      'libs/domain/src/election/lot-rules.ts',
      'libs/domain/src/election/mandates.ts',
    ],
    specs: ['libs/domain/src/election/**/*.spec.ts'],
  },
  // What an election is: the definition's shape, every cross-reference rule the shape cannot
  // express, and the index the deciders and views look things up in.
  definition: {
    mutate: [
      'libs/domain/src/election/parse-election-definition.ts',
      'libs/domain/src/election/election-definition.ts',
      'libs/domain/src/election/election-index.ts',
      'libs/domain/src/election/id-table.ts',
    ],
    specs: ['libs/domain/src/election/parse-election-definition.spec.ts', 'libs/domain/src/election/election-index.spec.ts'],
  },
  keys: {
    mutate: ['libs/domain/src/election/key-ring.ts', 'libs/signatures/src/submission-signature.ts', 'libs/signatures/src/submission-signer.ts'],
    specs: ['libs/domain/src/election/key-ring.spec.ts', 'libs/signatures/src/**/*.spec.ts'],
  },
  view: {
    mutate: ['libs/domain/src/views/results.view.ts'],
    specs: ['libs/domain/src/views/results*.spec.ts'],
  },
  record: {
    mutate: ['libs/event-store/src/hash-chain.ts'],
    specs: ['libs/event-store/src/hash-chain.spec.ts'],
  },
  // Hours on two cores: the audit's specs record a synthetic election in PGlite and tamper with
  // copies of it (55 s for one pass), and most of verify.ts's 1,064 mutants are covered by most of
  // them. Stryker's own estimate after its first pass was 3 h 52 min. So it runs only when named.
  audit: {
    mutate: ['libs/audit/src/verify.ts'],
    specs: ['libs/audit/src/**/*.spec.ts'],
    onlyWhenNamed: true,
  },
};

/** The group of that name, or undefined (own keys only: `toString` is no group). */
const groupNamed = (name) => (Object.hasOwn(groups, name) ? { name, ...groups[name] } : undefined);

/** The group `TALLY_MUTATE` names; an unknown name is an error that lists the known ones. */
function selectedGroup(env = process.env) {
  const name = env.TALLY_MUTATE ?? 'seats';
  const group = groupNamed(name);
  if (!group) throw new Error(`TALLY_MUTATE=${name}: no such group (${Object.keys(groups).join(', ')})`);
  return group;
}

/** What `npm run mutate` runs when no group is named: every group but those that take hours. */
const defaultGroups = () => Object.keys(groups).filter((name) => !groups[name].onlyWhenNamed);

module.exports = { groups, groupNamed, selectedGroup, defaultGroups };
