// The adapters behind the ports, chosen by configuration: one event store and one submission
// queue per process, closed when the application shuts down; and the one command handler every
// event-sourced write goes through (recorder, lots, election definitions); the threads that check
// intake's and the recorder's signatures.
import { Global, Inject, Logger, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { createEventStore, StreamCommandHandler, type EventStore } from '@tally/event-store';
import { createSubmissionQueue, type SubmissionQueue } from '@tally/intake-queue';
import { PinoLogger } from 'nestjs-pino';
import type { AppConfig } from '../config/app.config';
import { SignatureChecks } from './signature-checks';
import { APP_CONFIG, EVENT_STORE, SUBMISSION_QUEUE } from './tokens';

@Global()
@Module({})
export class InfrastructureModule implements OnApplicationShutdown {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SUBMISSION_QUEUE) private readonly queue: SubmissionQueue,
  ) {}

  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: InfrastructureModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        SignatureChecks,
        { provide: EVENT_STORE, useFactory: () => createEventStore(config.eventStore) },
        { provide: StreamCommandHandler, useFactory: (store: EventStore) => new StreamCommandHandler(store, { logger: new Logger('Writes') }), inject: [EVENT_STORE] },
        {
          provide: SUBMISSION_QUEUE,
          // kafkajs's own lines through pino, as JSON like every other line (its default logger
          // printed multi-line console output). A queue it cannot reach stops the start, named.
          useFactory: async (logger: PinoLogger) => {
            logger.setContext('Kafka');
            const queue = createSubmissionQueue(config.queue, { logger });
            try {
              await queue.ensureTopics();
            } catch (error) {
              await queue.close().catch(() => undefined);
              const where = config.queue.kind === 'kafka' ? `KAFKA_BROKERS=${config.queue.brokers.join(',')}, topic ${config.queue.topic}` : 'the in-process queue';
              throw new Error(`the submission queue could not be reached (${where}): ${error instanceof Error ? error.message : String(error)}`, { cause: error });
            }
            return queue;
          },
          inject: [PinoLogger],
        },
      ],
      exports: [APP_CONFIG, EVENT_STORE, SUBMISSION_QUEUE, StreamCommandHandler, SignatureChecks],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    // Queue first: the recorder must stop consuming before its store goes away.
    await this.queue.close();
    await this.store.close();
  }
}
