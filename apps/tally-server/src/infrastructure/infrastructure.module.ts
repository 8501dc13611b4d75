// The adapters behind the ports, chosen by configuration: one event store and one submission
// queue per process, closed when the application shuts down; and the one command handler every
// event-sourced write goes through (recorder, lots, election definitions); the threads that check
// intake's and the recorder's signatures.
import { Global, Inject, Logger, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { createEventStore, StreamCommandHandler, type EventStore } from '@tally/event-store';
import { createSubmissionQueue, type SubmissionQueue } from '@tally/intake-queue';
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
          useFactory: async () => {
            const queue = createSubmissionQueue(config.queue);
            await queue.ensureTopics();
            return queue;
          },
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
