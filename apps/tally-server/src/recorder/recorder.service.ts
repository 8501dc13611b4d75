// The recorder role's queue consumer: joins the recorder group and hands each batch to the
// CommandBus. The queue commits a batch's offsets only after this handler resolved, i.e. after
// the store transaction committed and the batch's dead letters were published; a throw leaves
// them, and the batch comes again. Dead letters are counted here (tally_dead_letters_total), and
// each recorded batch's size, duration and appends (tally_recorder_batch_messages, _seconds,
// tally_recorder_appends_total).
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { MessageBatch, QueueConsumer, SubmissionQueue } from '@tally/intake-queue';
import type { AppConfig } from '../config/app.config';
import { APP_CONFIG, SUBMISSION_QUEUE } from '../infrastructure/tokens';
import { TallyMetrics } from '../ops/metrics.service';
import { RecordSubmissionsCommand, type RecordSubmissionsOutcome } from './record-submissions.command';
import { ElectionNotKnownYetError } from './record-submissions.handler';

/** How the recorder's consumer is doing, for readiness. */
export interface RecorderStatus {
  /** Joined the group (consume resolved) and not stopped. */
  readonly consuming: boolean;
  readonly groupId: string;
  /** Batches in a row that failed (the store is down, say): each comes again, its offsets not committed. */
  readonly failures: number;
  readonly lastError: string | null;
  readonly lastErrorAt: string | null;
  readonly lastRecordedAt: string | null;
}

@Injectable()
export class RecorderService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Recorder');
  private consumer: QueueConsumer | undefined;
  private failures = 0;
  private lastError: string | null = null;
  private lastErrorAt: string | null = null;
  private lastRecordedAt: string | null = null;
  private readonly listeners = new Set<(outcome: RecordSubmissionsOutcome, batch: MessageBatch) => void>();

  constructor(
    @Inject(SUBMISSION_QUEUE) private readonly queue: SubmissionQueue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly commandBus: CommandBus,
    private readonly metrics: TallyMetrics,
  ) {}

  // Consuming starts here, and the first batch finds RecordSubmissionsHandler on the bus, for
  // certain: CqrsModule binds every @CommandHandler in its own onApplicationBootstrap, and
  // CqrsModule.forRoot() (AppModule) is a global module, whose hooks Nest runs before any
  // non-global module's (@nestjs/core NestContainer.setModule gives global modules the greatest
  // distance; hooks run module by module, greatest distance first, each awaited).
  // recorder-bootstrap-order.spec.ts pins that order.
  async onApplicationBootstrap(): Promise<void> {
    const { groupId, batchSize } = this.config.recorder;
    this.consumer = await this.queue.consume({
      groupId,
      maxBatchSize: batchSize,
      handleBatch: (batch) => this.record(batch),
      onError: (error) => {
        // Waiting for an election another process is defining is the recorder working as meant.
        if (error instanceof ElectionNotKnownYetError) return this.logger.log(error.message);
        this.failures += 1;
        this.lastError = error instanceof Error ? error.message : String(error);
        this.lastErrorAt = new Date().toISOString();
        this.logger.warn(`batch not recorded, it will come again: ${this.lastError}`);
      },
      // A consumer crash (a coordinator still loading after a broker restart, say) is reported
      // through onError too; once the member is back in its group that crash is over. Without
      // this, a recorder with no traffic stayed red forever (seen in the fault campaign). A batch
      // that keeps failing sets it again at its next attempt.
      onJoined: () => {
        this.failures = 0;
      },
    });
    this.logger.log(`recording ${this.queue.topic} as group ${groupId} (batches of up to ${batchSize})`);
  }

  async onModuleDestroy(): Promise<void> {
    // Waits for the batch in flight: committed if it was recorded, redelivered elsewhere if not.
    await this.consumer?.stop();
    this.consumer = undefined;
  }

  status(): RecorderStatus {
    return {
      consuming: this.consumer !== undefined,
      groupId: this.config.recorder.groupId,
      failures: this.failures,
      lastError: this.lastError,
      lastErrorAt: this.lastErrorAt,
      lastRecordedAt: this.lastRecordedAt,
    };
  }

  /** Told after each recorded batch (metrics, tests). Returns the unsubscribe function. */
  onBatchRecorded(listener: (outcome: RecordSubmissionsOutcome, batch: MessageBatch) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private async record(batch: MessageBatch): Promise<void> {
    const started = process.hrtime.bigint();
    const outcome = await this.commandBus.execute(new RecordSubmissionsCommand(this.queue.topic, batch));
    this.failures = 0;
    this.lastRecordedAt = new Date().toISOString();
    this.metrics.recorderBatchSeconds.observe(Number(process.hrtime.bigint() - started) / 1e9);
    this.metrics.recorderBatchMessages.observe(batch.messages.length);
    this.metrics.recorderAppends.inc(outcome.appends);
    for (const [code, n] of Object.entries(outcome.deadLettered)) this.metrics.deadLetters.inc({ code }, n);
    for (const listener of this.listeners) listener(outcome, batch);
  }
}
