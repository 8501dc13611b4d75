// The facts of one precinct's stream, `precinct-<election>.<precinct>`. Past tense, data only.
import type { Protocol } from '../protocol/protocol';
import type { Refusal } from '../protocol/refusal';

/** A commission's Ed25519 signature over the canonical encoding of what it submitted. */
export interface SubmissionSignature {
  readonly keyId: string;
  /** base64 */
  readonly value: string;
  /**
   * The encoding signed (libs/signatures): 'tally-submission-v2' names the subject's version;
   * absent on bodies signed under v1, recorded before v2 (they still verify).
   */
  readonly scheme?: 'tally-submission-v2';
}

/** Who sent a submission, and when it reached intake. Time is an input, never read from a clock. */
export interface SubmissionMeta {
  readonly submissionId: string;
  readonly electionId: string;
  readonly precinctId: string;
  /** The commission that submitted (the precinct's own, or a territorial one for a correction). */
  readonly submittedBy: string;
  /** ISO 8601 instant at which intake received it. */
  readonly receivedAt: string;
  readonly signature: SubmissionSignature | null;
  /**
   * Set on what was submitted while the election was in test mode (logic and accuracy testing):
   * its own epoch, never folded into the live count. Absent: live.
   */
  readonly test?: true;
}

export interface ProtocolRecorded {
  readonly type: 'ProtocolRecorded';
  readonly data: SubmissionMeta & {
    readonly contestId: string;
    readonly protocol: Protocol;
    /** 1 for the first protocol of the contest at this precinct. */
    readonly version: 1;
  };
}

export interface ProtocolCorrected {
  readonly type: 'ProtocolCorrected';
  readonly data: SubmissionMeta & {
    readonly contestId: string;
    readonly protocol: Protocol;
    /** 2, 3, ...: the version this correction creates. */
    readonly version: number;
    /** The submission id of the version it supersedes. */
    readonly supersedes: string;
    readonly reason: string;
  };
}

export interface TurnoutReported {
  readonly type: 'TurnoutReported';
  readonly data: SubmissionMeta & {
    /** Local time of day of the report, one of the definition's turnoutTimes. */
    readonly time: string;
    /** Ballots issued so far (all contests share the precinct's voters). */
    readonly ballotsIssued: number;
    /** The signed version of this time's figure (scheme v2); absent on v1-era events, read as 1. */
    readonly version?: number;
  };
}

export interface SubmissionRefused {
  readonly type: 'SubmissionRefused';
  readonly data: SubmissionMeta & {
    readonly kind: 'protocol' | 'correction' | 'turnout';
    readonly reasons: readonly Refusal[];
    /** What was submitted, kept as received so the refusal can be checked. */
    readonly payload: unknown;
  };
}

export type PrecinctEvent = ProtocolRecorded | ProtocolCorrected | TurnoutReported | SubmissionRefused;
export type PrecinctEventType = PrecinctEvent['type'];
