// The precinct stream's public API. The decider's functions are renamed here so that
// `export *` from the domain root does not clash with other deciders and views.
export type { CorrectProtocol, PrecinctCommand, ReportTurnout, SubmitProtocol } from './precinct.commands';
export type {
  PrecinctEvent,
  PrecinctEventType,
  ProtocolCorrected,
  ProtocolRecorded,
  SubmissionMeta,
  SubmissionRefused,
  SubmissionSignature,
  TurnoutReported,
} from './precinct.events';
export { checkSubmission, checkVersion, MAX_VERSION } from './check-submission';
export type { SubmissionCheck, SubmissionCheckOptions, SubmissionRefusals, SubmissionToCheck } from './check-submission';
export {
  currentVersion,
  epochOf,
  seenFrom as precinctStateInEpoch,
  decide as decidePrecinct,
  evolve as evolvePrecinct,
  initialState as initialPrecinctState,
  precinctDecider,
  turnoutVersion,
  versionStanding,
} from './precinct.decider';
export type { Epoch, PrecinctDeciderContext, PrecinctState, RecordedProtocol, RecordedSignature, TurnoutEntry, VersionStanding } from './precinct.decider';
export { DEFAULT_MAX_CLOCK_SKEW_MS, DEFAULT_MAX_QUEUE_DELAY_MS, misdating, receivedAtBoundOf, receivedAtEnvSchema, type ReceivedAtBound } from './received-at';
