// Counts accepted submissions and, from the status service's outcome notifications, how they
// ended and how long it took from receipt to the record. The in-flight gauge is the queue lag as
// intake sees it (accepted here, no outcome yet); Kafka's own consumer lag is not on the port.
import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { SubmissionStatusService, type SubmissionStatus } from '../submissions/submission-status.service';
import { TallyMetrics } from '../ops/metrics.service';
import type { SubmissionKind } from './accept-submission.command';

/** Bound on the ids remembered while in flight (a stalled recorder must not exhaust memory). */
const MAX_TRACKED = 1_000_000;

@Injectable()
export class SubmissionOutcomeMetrics implements OnModuleInit, OnModuleDestroy {
  private readonly inFlight = new Map<string, SubmissionKind>();
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly metrics: TallyMetrics,
    private readonly status: SubmissionStatusService,
  ) {}

  onModuleInit(): void {
    this.metrics.inFlight.reset();
    this.unsubscribe = this.status.onOutcome((id, status) => this.outcome(id, status));
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  accepted(submissionId: string, kind: SubmissionKind): void {
    this.metrics.submissions.inc({ kind, outcome: 'accepted' });
    if (this.inFlight.size < MAX_TRACKED) {
      this.inFlight.set(submissionId, kind);
      this.metrics.inFlight.set(this.inFlight.size);
    }
  }

  /** A retry answered with its first try's outcome: nothing queued, counted apart from the accepted. */
  duplicate(kind: SubmissionKind): void {
    this.metrics.submissions.inc({ kind, outcome: 'duplicate' });
  }

  private outcome(submissionId: string, status: SubmissionStatus): void {
    const kind = this.inFlight.get(submissionId);
    if (kind === undefined) return; // accepted by another process: counted there
    this.inFlight.delete(submissionId);
    this.metrics.inFlight.set(this.inFlight.size);
    if (status.state === 'queued') return;
    this.metrics.submissions.inc({ kind, outcome: status.state });
    if (status.recordedAt && status.receivedAt) {
      const seconds = (Date.parse(status.recordedAt) - Date.parse(status.receivedAt)) / 1000;
      if (Number.isFinite(seconds) && seconds >= 0) this.metrics.latency.observe({ outcome: status.state }, seconds);
    }
  }
}
