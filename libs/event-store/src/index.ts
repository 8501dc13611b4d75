// The public API of @tally/event-store.
export type {
  AppendResult,
  EventFilter,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  JsonObject,
  JsonValue,
  ReadAllOptions,
  ReadAllResult,
  ReadStreamOptions,
  RecordedEvent,
  RecordedEventBody,
  RecordedMetadata,
  StreamAppend,
  SubscribeOptions,
  SubscriptionEnd,
  SubscriptionHandle,
} from './event-store.port';
export {
  backoffDelay,
  DEFAULT_BACKOFF,
  SupervisedSubscription,
  type BackoffPolicy,
  type SupervisedState,
  type SupervisedStatus,
  type SupervisedSubscriptionOptions,
  type SupervisorLogger,
} from './supervised-subscription';
export { unstorableEvent, unstorableJson } from './append-rules';
export { DuplicateEventIdError, InvalidAppendError, SchemaSetupRequiredError, WrongExpectedRevisionError, type ActualRevision } from './event-store.errors';
export { comparePositions, formatPosition, parsePosition, START_POSITION, type PositionParts } from './position';
export { categories, categoryFilter, categoryPrefix, matchesFilter, streamName, streams, type Category } from './stream-names';
export {
  chainMetadata,
  contentHash,
  ChainCheck,
  GENESIS_HASH,
  verifyStore,
  type ChainBreak,
  type ChainBreakKind,
  type VerifyOptions,
  type VerifyResult,
} from './hash-chain';
export {
  createEventStore,
  EventStoreConfigError,
  eventStoreConfigFromEnv,
  eventStoreEnvSchema,
  eventStoreEnvShape,
  parseEventStoreConfig,
  EventStoreOpenError,
  withoutPassword,
  type EventStoreConfig,
  type EventStoreEnv,
} from './event-store.config';
export { createPgliteEventStore, type PgliteEventStoreOptions } from './embedded/pglite-event-store';
export { DataDirInUseError, lockDataDir, type DataDirLock, type LockOptions } from './embedded/data-dir-lock';
export { createPostgresEventStore, setupPostgresSchema, type PostgresEventStoreOptions } from './postgres/postgres-event-store';
export { SchemaSetupError, type SchemaSetupResult } from './sql/sql-setup';
export { createEventStoreDbEventStore, type EventStoreDbEventStoreOptions } from './eventstoredb/eventstoredb-event-store';
export {
  DEFAULT_MAX_ATTEMPTS,
  StreamCommandHandler,
  type BatchHandled,
  type CommandOutcome,
  type Decision,
  type Handled,
  type StreamCommand,
  type StreamCommandHandlerOptions,
  type StreamDecider,
  type StreamRecord,
} from './command-handler/stream-command-handler';
export { StreamStateCache, type CachedStream } from './command-handler/stream-state-cache';
export { eventToAppend, toJsonObject, type TypedEvent } from './command-handler/event-data';
