// The intake refusal sink (INTAKE_REFUSAL_SINK). Every refusal goes to the recent-refusals ring in
// memory (bounded, rotating: recent-intake-refusals.ts). Only a refusal of a request signed by a
// known commission's valid key (`submittedBy`) is appended to the event history: nothing an
// unauthenticated client sends may become permanent. Best effort: a 4xx is never delayed or
// turned into a 5xx by the store. Records are buffered and written in batches per election stream
// (one append per batch); when the buffer is full or the store fails, the drop is counted and
// logged (the refusal itself is already counted by code, ProblemResponder).
import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { eventToAppend, streams, unstorableJson, WrongExpectedRevisionError, type EventStore, type EventToAppend, type ExpectedRevision } from '@tally/event-store';
import { ElectionRegistry } from '../elections/election-registry.service';
import { EVENT_STORE } from '../infrastructure/tokens';
import { TallyMetrics } from '../ops/metrics.service';
import type { IntakeRefusal, IntakeRefusalSink } from './intake-refusal-sink';
import type { SubmissionRefusedAtIntake } from './intake-refusal.events';
import { RecentIntakeRefusals } from './recent-intake-refusals';
import { setAsideEventId, type SubmissionSetAside } from './set-aside.events';

const MAX_PENDING = 10_000;
const MAX_BATCH = 500;
const MAX_CONFLICT_RETRIES = 5;

/**
 * Not worth a record in the history, by the answer's (first) code, even when signed: "try again"
 * answers (429, a queue down or full) refuse nothing of the protocol.
 */
const NOT_RECORDED = new Set(['TOO_MANY_REQUESTS', 'NOT_FOUND', 'METHOD_NOT_ALLOWED', 'UNAVAILABLE', 'QUEUE_FULL', 'INTERNAL']);
/** Reasons kept per record: a hostile body can have thousands. */
const MAX_REASONS = 100;

@Injectable()
export class IntakeRejectionLog implements IntakeRefusalSink, OnApplicationShutdown {
  private readonly logger = new Logger(IntakeRejectionLog.name);
  private readonly pending = new Map<string, EventToAppend[]>();
  /** The last revision this process saw per stream; 'no-stream' until it learns otherwise. */
  private readonly expected = new Map<string, ExpectedRevision>();
  private pendingCount = 0;
  private running: Promise<void> | undefined;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly metrics: TallyMetrics,
    private readonly elections: ElectionRegistry,
    private readonly recent: RecentIntakeRefusals,
  ) {}

  refused(electionId: string, refusal: IntakeRefusal): void {
    this.recent.add(electionId, refusal);
    if (refusal.submittedBy === undefined) return; // unauthenticated: counted and kept in memory only
    if (refusal.status >= 500 || NOT_RECORDED.has(refusal.reasons[0]?.code ?? 'INTERNAL')) return;
    if (!this.elections.get(electionId)) return; // an unknown election has no history to write to
    // A signed text holding what the store cannot keep (a NUL) must not cost the record, nor its batch.
    const { signed, ...rest } = refusal;
    const keep = signed !== undefined && unstorableJson(signed, 'signed') === undefined ? { signed } : {};
    this.record(electionId, { type: 'SubmissionRefusedAtIntake', data: { ...rest, ...keep, reasons: refusal.reasons.slice(0, MAX_REASONS) } });
  }

  private record(electionId: string, event: SubmissionRefusedAtIntake): void {
    let stream: string;
    try {
      stream = streams.intakeRejections(electionId);
    } catch {
      return; // not a nameable election: nothing to attach the record to
    }
    if (this.pendingCount >= MAX_PENDING) {
      this.metrics.rejectionLogDropped.inc();
      return;
    }
    const list = this.pending.get(stream) ?? [];
    list.push(eventToAppend(randomUUID(), event));
    this.pending.set(stream, list);
    this.pendingCount++;
    this.running ??= this.drain().finally(() => (this.running = undefined));
  }

  /** Resolves once everything recorded so far was written (or given up on). */
  async flush(): Promise<void> {
    while (this.running) await this.running;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.flush();
  }

  private async drain(): Promise<void> {
    // Let the request that triggered this finish first.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.pendingCount > 0) {
      for (const [stream, list] of [...this.pending]) {
        const batch = list.splice(0, MAX_BATCH);
        if (list.length === 0) this.pending.delete(stream);
        this.pendingCount -= batch.length;
        const error = await this.append(stream, batch);
        if (error !== undefined) this.giveUp(stream, batch, error);
      }
    }
  }

  /**
   * A submission intake acknowledged and a recorder set aside (set-aside-watcher.service.ts), written
   * now, not best effort: rejects when the store does, so that the letter comes again.
   */
  async recordSetAside(event: SubmissionSetAside): Promise<void> {
    const stream = streams.intakeRejections(event.data.electionId);
    const error = await this.append(stream, [eventToAppend(setAsideEventId(event.data.submissionId, event.data.receivedAt), event)]);
    if (error !== undefined) throw error;
  }

  private async append(stream: string, batch: readonly EventToAppend[]): Promise<Error | undefined> {
    for (let attempt = 0; attempt <= MAX_CONFLICT_RETRIES; attempt++) {
      try {
        const result = await this.store.append(stream, this.expected.get(stream) ?? 'no-stream', batch);
        this.expected.set(stream, result.nextRevision);
        return undefined;
      } catch (e) {
        if (e instanceof WrongExpectedRevisionError) {
          // Another writer (the recorder, another intake) appended: continue after it.
          this.expected.set(stream, e.actual);
          continue;
        }
        return e instanceof Error ? e : new Error(String(e));
      }
    }
    return new Error('too many concurrent writers');
  }

  private giveUp(stream: string, batch: readonly EventToAppend[], error: unknown): void {
    this.metrics.rejectionLogDropped.inc(batch.length);
    this.logger.warn(`could not record ${batch.length} intake refusal(s) in ${stream}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
