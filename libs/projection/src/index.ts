// The public API of @tally/projection: the fold from stored events to the results views — the
// routing rule, the rebuild-equals-live digest, the projector's engine and its snapshot files.
// Used by the service's projector and by @tally/audit; it imports nothing above it (domain, event-store, encoding only).
export { electionOfStream, isPrecinctStream, precinctOfStream, PROJECTED_CATEGORIES, toViewEvent } from './routing';
export { viewDigest } from './digest';
// The snapshot files: format, write, the one parser, restore (every export of the file is public).
export * from './projection-files';
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
