// The public API of @tally/audit: replay, verify, explain and export over any EventStore, shared
// by the CLI (`tally audit ...`) and the server's auditor endpoints. Every figure comes from the
// domain's results views — the same ones the live projector feeds, routed and digested by
// @tally/projection (import the routing and `viewDigest` from there).
export {
  isBeyond,
  loadElections,
  parseBound,
  scanStore,
  type Bound,
  type DefinedElection,
  type DefinitionTrouble,
  type LoadedElections,
  type ScanOptions,
  type ScanProgress,
} from './audit-scan';
export { counted } from './counted';
export { replay, type ReplayedElection, type ReplayOptions, type ReplayResult } from './replay';
export {
  commandOf,
  verifyAudit,
  type CheckName,
  type CheckStatus,
  type CheckSummary,
  type PublishedDigest,
  type Recomputation,
  type VerifyFailure,
  type VerifyOptions,
  type VerifyReport,
} from './verify';
export { readPublishedProjections, type PublishedProjections } from './published';
export { INTAKE_REFUSAL_TYPE, readIntakeRefusal, readIntakeRejections, type IntakeRefusalRecord } from './intake-refusals';
export { readSetAside, SET_ASIDE_TYPE, type SetAsideRecord } from './set-asides';
export {
  AGAINST_ALL,
  diffProtocols,
  explain,
  INVALID,
  protocolLines,
  type ExplainError,
  type ExplainRequest,
  type Explanation,
  type LineChange,
  type PrecinctExplanation,
  type ProtocolVersion,
  type RecordedFact,
  type RefusedSubmission,
  type TurnoutExplanation,
  type TurnoutPrecinct,
  type TurnoutReportVersion,
  type Verified,
} from './explain';
export { buildCdf, buildCsv, CDF_VENDOR_APPLICATION_ID, CSV_COLUMNS, exportElection, type ExportFormat, type ExportRequest, type ExportResult, type Provenance } from './export';
export { historyPage, streamPage, type HistoryEvent, type HistoryPage, type StreamPage } from './history';
