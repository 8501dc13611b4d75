// The adapters behind the ports, chosen by configuration: one event store and one submission
// queue per process, closed when the application shuts down.
import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { createEventStore, type EventStore } from '@tally/event-store';
import { createSubmissionQueue, type SubmissionQueue } from '@tally/intake-queue';
import type { AppConfig } from '../config/app.config';
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
        { provide: EVENT_STORE, useFactory: () => createEventStore(config.eventStore) },
        {
          provide: SUBMISSION_QUEUE,
          useFactory: async () => {
            const queue = createSubmissionQueue(config.queue);
            await queue.ensureTopics();
            return queue;
          },
        },
      ],
      exports: [APP_CONFIG, EVENT_STORE, SUBMISSION_QUEUE],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    // Queue first: the recorder must stop consuming before its store goes away.
    await this.queue.close();
    await this.store.close();
  }
}
