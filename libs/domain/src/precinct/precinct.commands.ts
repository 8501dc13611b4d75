// What a commission asks of a precinct's stream. Imperative; time and ids arrive as inputs.
import type { Protocol } from '../protocol/protocol';
import type { SubmissionMeta } from './precinct.events';

export interface SubmitProtocol {
  readonly type: 'SubmitProtocol';
  readonly meta: SubmissionMeta;
  /** As received; the decider validates it (the queue may have other producers). */
  readonly protocol: Protocol;
  /** The signed place in the precinct's history (scheme v2): always 1 for a protocol. Absent: a v1 body. */
  readonly version?: number;
}

export interface CorrectProtocol {
  readonly type: 'CorrectProtocol';
  readonly meta: SubmissionMeta;
  readonly protocol: Protocol;
  readonly reason: string;
  /** Optional optimistic guard: the submission id of the version being corrected. */
  readonly supersedes?: string;
  /** The signed version this correction creates (scheme v2): the current version + 1. Absent: a v1 body. */
  readonly version?: number;
}

export interface ReportTurnout {
  readonly type: 'ReportTurnout';
  readonly meta: SubmissionMeta;
  readonly time: string;
  readonly ballotsIssued: number;
  /** The signed version of this time's figure (scheme v2): 1, then 2 for its first revision… Absent: a v1 body. */
  readonly version?: number;
}

export type PrecinctCommand = SubmitProtocol | CorrectProtocol | ReportTurnout;
