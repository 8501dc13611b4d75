export * from './submission-queue.port';
export { InProcessSubmissionQueue, partitionForKey, type InProcessQueueOptions } from './in-process-submission-queue';
export { KafkaSubmissionQueue, type KafkaQueueOptions, type QueueLogger, type QueueLogLevel } from './kafka-submission-queue';
export { createSubmissionQueue, parseQueueConfig, queueEnvSchema, type QueueConfig, type QueueDependencies } from './queue.config';
