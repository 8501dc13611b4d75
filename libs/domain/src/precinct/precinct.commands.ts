// What a commission asks of a precinct's stream. Imperative; time and ids arrive as inputs.
import type { Protocol } from '../protocol/protocol';
import type { SubmissionMeta } from './precinct.events';

export interface SubmitProtocol {
  readonly type: 'SubmitProtocol';
  readonly meta: SubmissionMeta;
  /** As received; the decider validates it (the queue may have other producers). */
  readonly protocol: Protocol;
}

export interface CorrectProtocol {
  readonly type: 'CorrectProtocol';
  readonly meta: SubmissionMeta;
  readonly protocol: Protocol;
  readonly reason: string;
  /** Optional optimistic guard: the submission id of the version being corrected. */
  readonly supersedes?: string;
}

export interface ReportTurnout {
  readonly type: 'ReportTurnout';
  readonly meta: SubmissionMeta;
  readonly time: string;
  readonly ballotsIssued: number;
}

export type PrecinctCommand = SubmitProtocol | CorrectProtocol | ReportTurnout;
