export * from './submission-queue.port';
export {
  DEFAULT_IN_PROCESS_MAX_BYTES,
  DEFAULT_IN_PROCESS_MAX_MESSAGES,
  InProcessSubmissionQueue,
  partitionForKey,
  type InProcessQueueOptions,
} from './in-process-submission-queue';
export { createTopicsAndWait, retryRetriable, waitForLeaders } from './kafka-retry';
export { KafkaSubmissionQueue, type KafkaQueueOptions, type QueueLogger, type QueueLogLevel } from './kafka-submission-queue';
export {
  createSubmissionQueue,
  parseQueueConfig,
  QueueConfigError,
  queueEnvSchema,
  type KafkaSasl,
  type QueueConfig,
  type QueueDependencies,
  type SaslMechanism,
} from './queue.config';
export {
  decodeEnvelope,
  encodeEnvelope,
  envelopeMeta,
  MAX_ENVELOPE_BYTES,
  SUBMISSION_ENVELOPE_VERSION,
  SubmissionEnvelope,
  toCommand,
  type DecodedEnvelope,
  type EnvelopeProblem,
} from './submission-envelope';
