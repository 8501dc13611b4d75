// What an administrator asks of an election's own stream, `election-<id>`. Imperative; every
// field as received (the decider judges it: the HTTP API is not the only caller). Amendments of
// the definition's keys (a commission's key added, revoked or replaced) are commands of their
// own, each signed by a key of the root commission and deciding one DefinitionAmended.
import type { AmendmentSignature } from './amendments';
import type { CommissionKey } from './election-definition';
import type { LotDrawn } from './election.events';
import type { FillSeatAmendment, RegisterDeputiesAmendment, TerminateMandateAmendment } from './mandates';

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

/** What every amendment carries besides what it changes (the decider checks each field). */
interface AmendmentFields {
  readonly electionId: string;
  /** Its place among the election's amendments (1 for the first), as signed: a signed amendment applies once at most. */
  readonly sequence: number;
  /** By a key of the election's root commission, valid at `receivedAt`, over the `tally-amendment-v1` encoding. */
  readonly signature: AmendmentSignature;
  /** When the service received it: an input (the domain reads no clock). */
  readonly receivedAt: string;
}

/** Adds a key to a commission, valid from `validFrom` (absent: from `receivedAt`). */
export interface AddKey extends AmendmentFields {
  readonly type: 'AddKey';
  readonly commissionId: string;
  readonly key: CommissionKey;
  readonly validFrom?: string;
}

/** Revokes a commission's key from an instant: what is received at or after `from` no longer verifies under it; earlier submissions still do. */
export interface RevokeKey extends AmendmentFields {
  readonly type: 'RevokeKey';
  readonly commissionId: string;
  readonly keyId: string;
  readonly from: string;
}

/** Revokes every key of a commission from `from` and adds the new ones, valid from then. */
export interface ReplaceKeys extends AmendmentFields {
  readonly type: 'ReplaceKeys';
  readonly commissionId: string;
  readonly keys: readonly CommissionKey[];
  readonly from: string;
}

/** A commission's signed act on the count (a summary, a certification, a decertification; lifecycle.ts), as received. */
export interface RecordAct {
  readonly type: 'RecordAct';
  readonly electionId: string;
  /** The signed body as received: `{ sequence, act, signature }` (SignedActBody); the decider parses it. */
  readonly body: unknown;
  /** When the service received it: an input (the domain reads no clock). */
  readonly receivedAt: string;
}

/** Withdraws a candidate from a party's ranked list before polling day (signed by the root commission, like a key amendment). */
export interface WithdrawCandidate extends AmendmentFields {
  readonly type: 'WithdrawCandidate';
  readonly contestId: string;
  readonly candidateId: string;
  readonly reason: string;
}

/**
 * The allocating commission registers the body's deputies (signed by it): the seats as the count
 * names them, once every precinct of the body is recorded (certification will be required too).
 */
export interface RegisterDeputies extends AmendmentFields, Omit<RegisterDeputiesAmendment, 'kind'> {
  readonly type: 'RegisterDeputies';
}

/** A deputy's powers end early on one of the nine grounds; the decider also decides where the seat goes (MandatePassed). */
export interface TerminateMandate extends AmendmentFields, Omit<TerminateMandateAmendment, 'kind'> {
  readonly type: 'TerminateMandate';
}

/** A by-election's winner takes a vacant district seat. */
export interface FillSeat extends AmendmentFields, Omit<FillSeatAmendment, 'kind'> {
  readonly type: 'FillSeat';
}

export type ElectionCommand = DefineElection | DrawLot | AddKey | RevokeKey | ReplaceKeys | WithdrawCandidate | RegisterDeputies | TerminateMandate | FillSeat | RecordAct;
export type ElectionCommandType = ElectionCommand['type'];
