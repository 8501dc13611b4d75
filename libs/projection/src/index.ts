// The public API of @tally/projection: the fold from stored events to the results views — the
// routing rule, the rebuild-equals-live digest, the projector's engine and its snapshot files.
// Used by the service's projector and by @tally/audit; imports only domain, event-store, encoding.
export { electionOfStream, isPrecinctStream, precinctOfStream, PROJECTED_CATEGORIES, toViewEvent } from './routing';
export { viewDigest } from './digest';
export {
  definitionHash,
  parseProjectionFile,
  PROJECTION_FILE_FORMAT,
  projectionFileName,
  projectionFileOf,
  readProjectionFile,
  readProjectionFiles,
  removeProjectionFile,
  restoreProjection,
  writeProjectionFile,
  type ProjectionFile,
  type ProjectionFileEntry,
  type ReadProjection,
} from './projection-files';
export {
  ResultsProjector,
  type ElectionRebuild,
  type ElectionSource,
  type ProjectorListener,
  type ProjectorLogger,
  type ProjectorStatus,
  type RebuildReport,
  type ResultsProjectorOptions,
} from './results-projector';
