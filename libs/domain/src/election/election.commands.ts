// What an administrator asks of an election's own stream, `election-<id>`. Imperative; every
// field as received (the decider judges it: the HTTP API is not the only caller). Amendments of
// the definition (a commission's key added, revoked or replaced) join this union as commands of
// their own, each deciding an event that `evolve` applies to the state's current definition.
import type { LotDrawn } from './election.events';

export interface DefineElection {
  readonly type: 'DefineElection';
  /** The stream the command is addressed to; the definition must carry the same id. */
  readonly electionId: string;
  /** The definition as received (decoded from JSON or YAML): parsed by `parseElectionDefinition`. */
  readonly input: unknown;
}

type LotFields = LotDrawn['data'];

/**
 * Records the outcome of a lot drawn (in public, outside the system) to settle a tie: the fields
 * LotDrawn records, as received. The decider trims `drawnBy` (1–500 characters) and `reason`
 * (1–2000) and checks `order` against the contest's ballot.
 */
export interface DrawLot extends LotFields {
  readonly type: 'DrawLot';
}

export type ElectionCommand = DefineElection | DrawLot;
export type ElectionCommandType = ElectionCommand['type'];
