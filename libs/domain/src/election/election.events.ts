// The facts of an election's own stream, `election-<id>`: its definition (recorded before any
// protocol, so an auditor replaying the store years later has the exact rules the count was made
// under), the lots drawn to settle ties, and the amendments of its keys. Past tense, data only.
import type { Amendment, AmendmentSignature } from './amendments';
import type { ElectionDefinition } from './election-definition';
import type { ActRecordedData } from './lifecycle';
import type { MandatePassed } from './mandates';

export type { MandatePassed } from './mandates';

export interface ElectionDefined {
  readonly type: 'ElectionDefined';
  readonly data: { readonly definition: ElectionDefinition };
}

/**
 * A lot drawn to settle a tie. Chance is an input, never computed: a replay years later with
 * newer code reads the same order.
 */
export interface LotDrawn {
  readonly type: 'LotDrawn';
  readonly data: {
    readonly electionId: string;
    readonly contestId: string;
    /** List or candidate ids of the contest, in the order drawn: the first drawn wins. No id twice. */
    readonly order: readonly string[];
    /** Who conducted the draw (free text). */
    readonly drawnBy: string;
    readonly reason: string;
  };
}

/**
 * A key amendment, as signed and as received: an auditor re-verifies the signature years later
 * and judges it by the root keys valid at `receivedAt`, as the decider did.
 */
export interface DefinitionAmended {
  readonly type: 'DefinitionAmended';
  readonly data: {
    readonly electionId: string;
    /** Its place among the election's amendments: 1, 2, … without a gap. */
    readonly sequence: number;
    readonly amendment: Amendment;
    /** When the service received it: an added key without `validFrom` is valid from then. */
    readonly receivedAt: string;
    /** The root commission's key id and its Ed25519 signature of the `tally-amendment-v1` encoding. */
    readonly signature: AmendmentSignature;
  };
}

/**
 * A territorial commission's result protocol: the sums of its precincts' protocols in a contest,
 * signed, and equal to the recorded protocols when it was received (the decider checked).
 */
export interface ResultsSummarized {
  readonly type: 'ResultsSummarized';
  readonly data: ActRecordedData & { readonly act: { readonly kind: 'summary' } };
}

/** A body's seats certified by the commission that allocates them: the outcome and a digest of the sums it was computed from. */
export interface ResultsCertified {
  readonly type: 'ResultsCertified';
  readonly data: ActRecordedData & { readonly act: { readonly kind: 'certification' } };
}

/** A certification withdrawn, with a reason: corrections under the body are possible again. */
export interface ResultsDecertified {
  readonly type: 'ResultsDecertified';
  readonly data: ActRecordedData & { readonly act: { readonly kind: 'decertification' } };
}

/** The switch from test mode to live, signed by the root: test facts are never folded into the live count. */
export interface ElectionWentLive {
  readonly type: 'ElectionWentLive';
  readonly data: ActRecordedData & { readonly act: { readonly kind: 'go-live' } };
}

/** A commission's signed statement, in test mode, that its live count starts at zero. */
export interface ZeroReported {
  readonly type: 'ZeroReported';
  readonly data: ActRecordedData & { readonly act: { readonly kind: 'zero-report' } };
}

export type LifecycleEvent = ResultsSummarized | ResultsCertified | ResultsDecertified | ElectionWentLive | ZeroReported;

export type ElectionEvent = ElectionDefined | LotDrawn | DefinitionAmended | MandatePassed | LifecycleEvent;
export type ElectionEventType = ElectionEvent['type'];
