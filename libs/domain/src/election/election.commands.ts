// What an administrator asks of an election's own stream, `election-<id>`. Imperative; every
// field as received (the decider judges it: the HTTP API is not the only caller). Amendments of
// the definition (a commission's key added, revoked or replaced) join this union as commands of
// their own, each deciding an event that `evolve` applies to the state's current definition.

export interface DefineElection {
  readonly type: 'DefineElection';
  /** The stream the command is addressed to; the definition must carry the same id. */
  readonly electionId: string;
  /** The definition as received (decoded from JSON or YAML): parsed by `parseElectionDefinition`. */
  readonly input: unknown;
}

/** Records the outcome of a lot drawn (in public, outside the system) to settle a tie. */
export interface DrawLot {
  readonly type: 'DrawLot';
  readonly electionId: string;
  readonly contestId: string;
  /** Ids of the contest's ballot in the order drawn: the first drawn wins. */
  readonly order: readonly string[];
  /** Who conducted the draw (free text, trimmed, 1–500 characters). */
  readonly drawnBy: string;
  /** Why (free text, trimmed, 1–2000 characters). */
  readonly reason: string;
}

export type ElectionCommand = DefineElection | DrawLot;
export type ElectionCommandType = ElectionCommand['type'];
