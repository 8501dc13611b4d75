// The service's Prometheus metrics, in a registry of its own (not prom-client's global one), so
// several applications in one process (the e2e tests) do not collide.
import { Inject, Injectable } from '@nestjs/common';
import { DEAD_LETTER_REASON_CODES, type SubmissionQueue } from '@tally/intake-queue';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { AppConfig } from '../config/app.config';
import { APP_CONFIG, SUBMISSION_QUEUE } from '../infrastructure/tokens';

export type SubmissionOutcome = 'accepted' | 'recorded' | 'refused' | 'unresolved';

@Injectable()
export class TallyMetrics {
  readonly registry = new Registry();

  /** accepted = 202 answered; recorded/refused = the outcome the recorder reached; set-aside = a recorder dead-lettered it (intake/set-aside.events.ts); unresolved = none within the watch window. */
  readonly submissions = new Counter({
    name: 'tally_submissions_total',
    help: 'Submissions by kind and outcome',
    labelNames: ['kind', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly intakeRefusals = new Counter({
    name: 'tally_intake_refusals_total',
    help: 'Requests intake refused before the queue, by the code of each problem found',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });

  /** The queue's lag as intake sees it: accepted, not yet recorded or refused. */
  readonly inFlight = new Gauge({
    name: 'tally_submissions_in_flight',
    help: 'Submissions accepted (202) whose outcome is not known yet',
    registers: [this.registry],
  });

  readonly latency = new Histogram({
    name: 'tally_submission_latency_seconds',
    help: 'Time from 202 Accepted to the recorded or refused outcome',
    labelNames: ['outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });

  readonly rejectionLogDropped = new Counter({
    name: 'tally_intake_rejection_log_dropped_total',
    help: 'Intake refusals that could not be written to the event history (logged instead)',
    registers: [this.registry],
  });

  /** What the recorder put on the dead-letter topic instead of the store, by reason code. */
  readonly deadLetters = new Counter({
    name: 'tally_dead_letters_total',
    help: 'Queue messages the recorder dead-lettered (never recorded), by reason code',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });

  /**
   * Each batch the recorder recorded (one store transaction): its messages, and the time from its
   * delivery to its transaction committed and its dead letters sent. How fast the recorder drains
   * the queue at scale is these two together: few messages a batch and long batches mean the store
   * is the bound. A batch that failed (and comes again) is not counted here.
   */
  readonly recorderBatchMessages = new Histogram({
    name: 'tally_recorder_batch_messages',
    help: 'Queue messages per batch the recorder recorded (one store transaction each)',
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000],
    registers: [this.registry],
  });

  readonly recorderBatchSeconds = new Histogram({
    name: 'tally_recorder_batch_seconds',
    help: 'Time to record one batch: verify, decide, append as one transaction, dead-letter',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  /** More than one a batch: a concurrent writer made the recorder decide again, or a batch too large for one transaction was split. */
  readonly recorderAppends = new Counter({
    name: 'tally_recorder_appends_total',
    help: 'Store appends (appendMany) that wrote, retries after a conflict and split halves included',
    registers: [this.registry],
  });

  /** Read from the queue at each scrape: what the recorders' group still has to commit. */
  readonly queueLag: Gauge<'group'>;

  /**
   * The receivedAt bound this process judges by (TALLY_MAX_QUEUE_DELAY_S, TALLY_MAX_CLOCK_SKEW_S).
   * Intake and every recorder must hold the same one, or recorders dead-letter (MISDATED) what
   * intake acknowledged; nothing else compares them across processes, so each says its own.
   */
  readonly receivedAtBound = new Gauge({
    name: 'tally_received_at_bound_seconds',
    help: 'The receivedAt bound this process judges by: max_queue_delay (TALLY_MAX_QUEUE_DELAY_S), max_clock_skew (TALLY_MAX_CLOCK_SKEW_S); alike in every process',
    labelNames: ['bound'] as const,
    registers: [this.registry],
  });

  constructor(@Inject(SUBMISSION_QUEUE) queue: SubmissionQueue, @Inject(APP_CONFIG) config: AppConfig) {
    collectDefaultMetrics({ register: this.registry });
    // Every code from the start, at 0: an alert on a rate needs the series before the first letter.
    for (const code of DEAD_LETTER_REASON_CODES) this.deadLetters.inc({ code }, 0);
    this.receivedAtBound.set({ bound: 'max_queue_delay' }, config.receivedAt.maxQueueDelayMs / 1000);
    this.receivedAtBound.set({ bound: 'max_clock_skew' }, config.receivedAt.maxClockSkewMs / 1000);
    const group = config.recorder.groupId;
    this.queueLag = new Gauge({
      name: 'tally_queue_lag_messages',
      help: 'Submissions on the queue not yet committed by the recorder group',
      labelNames: ['group'] as const,
      registers: [this.registry],
      async collect() {
        try {
          this.set({ group }, await queue.lag(group));
        } catch {
          // A broker that does not answer must not break the scrape; the gauge keeps its last value.
        }
      },
    });
  }
}
