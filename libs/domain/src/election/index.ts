export * from './election-definition';
export * from './parse-election-definition';
export * from './election-index';
export * from './election.events';
export * from './election.commands';
export * from './lot-rules';
export * from './amendments';
export * from './key-ring';
export * from './mandates';
// The decider's functions are renamed so that `export *` from the domain root does not clash with the precinct's.
export {
  decide as decideElection,
  evolve as evolveElection,
  initialState as initialElectionState,
  electionDecider,
  outcomesFromSums,
  precinctsOutstanding,
  repeatedLot,
  type DefinedElection,
  type ElectionContext,
  type ElectionDecision,
  type ElectionNotDefined,
  type ElectionRefusal,
  type ElectionRefusalCode,
  type ElectionState,
} from './election.decider';
export * from './embargo';
export * from './lifecycle';
