// The results views: the one place every published number is computed (projector and audit alike).
export {
  applyEvent,
  createResultsView,
  type ApplyOutcome,
  type ChangedCommission,
  type IgnoredReason,
  type RecordedAt,
  type RecordedPrecinctEvent,
  type RecordedViewEvent,
  type ResultsView,
  type UndecodableRecord,
  type ViewEvent,
} from './results.view';
export {
  bodyComposition,
  commissionResults,
  commissionTree,
  contestResults,
  electionSummary,
  type BallotsIssued,
  type BodyComposition,
  type CandidateResults,
  type CommissionNode,
  type CommissionTreeOptions,
  type ContestResults,
  type ContestScope,
  type DistrictSeat,
  type ElectionSummary,
  type ListChoiceResults,
  type ListContestResults,
  type Progress,
  type SingleMemberContestResults,
  type TurnoutAtTime,
} from './results.queries';
export { canonicalViewState, restoreView, snapshot, SNAPSHOT_FORMAT, type RestoreError, type ResultsViewSnapshot } from './results.snapshot';
export {
  admissionCertainty,
  thresholdCertainty,
  type AdmissionCertainty,
  type AdmissionCertaintyInput,
  type ThresholdCertainty,
  type ThresholdCertaintyInput,
} from './threshold-certainty';
export {
  contestSensitivity,
  whatIfAllocation,
  type ContestSensitivity,
  type SeatAnalysisRefusal,
  type WhatIf,
  type WhatIfSettings,
} from './seat-analysis.queries';
export { contestExplanation, type ContestExplanation, type PrecinctPage, type PrecinctTotals, type PrecinctWindow } from './seat-explanation.queries';
export { commissionForensics, type ArrivalLookup, type CommissionForensics } from './forensics.queries';
export {
  bodyMembers,
  bodySeats,
  majorityOf,
  membersOf,
  membersOn,
  nameListSeats,
  type BodyMembers,
  type Majority,
  type Member,
  type MembersOnDate,
  type NamedCandidate,
  type RegisteredMember,
  type Seat,
  type Vacancy,
} from './members.queries';
export {
  compareLists,
  compareWithBaseline,
  inlineBaselineFigures,
  resultsBaselineFigures,
  type BaselineComparison,
  type BaselineFigures,
  type ListComparison,
} from './baseline.queries';
