// What became of a submission: queued, recorded (stream, revision, position), refused (reasons),
// or set aside: acknowledged, then dead-lettered by a recorder (intake/set-aside.events.ts), not
// final, as the same body sent again is queued anew. Outcomes come from the store itself (a
// subscription to the precinct and intake-rejections categories from the start), so every process
// answers for every submission whichever recorder recorded it. `queued` is process-local: only the intake process that accepted a submission
// knows it is on its way, and forgets that on restart (the answer is then `undefined` until the
// outcome is recorded).
import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Refusal } from '@tally/domain';
import type { DeadLetterReasonCode } from '@tally/intake-queue';
import { categories, categoryFilter, SupervisedSubscription, type EventStore, type RecordedEvent, type SupervisedStatus } from '@tally/event-store';
import { EVENT_STORE } from '../infrastructure/tokens';
import { SET_ASIDE_TYPE } from '../intake/set-aside.events';
import { signatureTag } from './submission-id';

/** set-aside: nothing of it was recorded, why is in `reasons`; the same body sent again is queued anew. */
export type SubmissionState = 'queued' | 'recorded' | 'refused' | 'set-aside';

/**
 * A refusal reason as the status reports it. An unparseable message kept by a recorder before
 * issue 11 (UnparseableSubmission, recorder/queue-rejection.events.ts; no longer written: such
 * messages are dead-lettered now) reads as code MALFORMED.
 */
export type StatusReason = Pick<Refusal, 'field' | 'message'> & {
  /** A refusal's code; a set-aside's is its dead letter's (MISDATED, UNKNOWN_ELECTION, ...). */
  readonly code: Refusal['code'] | DeadLetterReasonCode;
  readonly operands?: Refusal['operands'];
};

export interface SubmissionStatus {
  readonly state: SubmissionState;
  readonly electionId: string;
  readonly precinctId: string;
  /** Where the outcome was recorded (recorded, refused and set-aside). */
  readonly stream?: string;
  /** The event's stream revision, as a decimal string (revisions are 64-bit). */
  readonly revision?: string;
  /** The event's global position (opaque, as the store gives it). */
  readonly position?: string;
  readonly eventType?: string;
  readonly reasons?: readonly StatusReason[];
  /** ISO 8601, the store's clock at commit. */
  readonly recordedAt?: string;
  /** ISO 8601, when intake received it (from markQueued, or the recorded event). */
  readonly receivedAt?: string;
}

export interface QueuedInfo {
  readonly electionId: string;
  readonly precinctId: string;
  readonly receivedAt: string;
  /** signatureTag of the signed body (submission-id.ts), to tell a retry from a reused Idempotency-Key. */
  readonly signatureTag?: string;
}

export type OutcomeListener = (submissionId: string, status: SubmissionStatus) => void;

const RECORDED_TYPES: ReadonlySet<string> = new Set(['ProtocolRecorded', 'ProtocolCorrected', 'TurnoutReported']);
const REFUSED_TYPES: ReadonlySet<string> = new Set(['SubmissionRefused', 'UnparseableSubmission']);

/**
 * One outcome, kept small: a million submissions should cost tens of megabytes, not hundreds.
 * Stream names repeat per precinct; reasons are kept only for refusals.
 */
class Outcome {
  constructor(
    readonly state: Exclude<SubmissionState, 'queued'>,
    readonly electionId: string,
    readonly precinctId: string,
    readonly stream: string,
    readonly revision: string,
    readonly position: string,
    readonly eventType: string,
    readonly recordedAtMs: number,
    readonly receivedAt: string | undefined,
    readonly reasons: readonly StatusReason[] | undefined,
    readonly signatureTag: string | undefined,
  ) {}

  toStatus(): SubmissionStatus {
    return {
      state: this.state,
      electionId: this.electionId,
      precinctId: this.precinctId,
      stream: this.stream,
      revision: this.revision,
      position: this.position,
      eventType: this.eventType,
      ...(this.reasons ? { reasons: this.reasons } : {}),
      recordedAt: new Date(this.recordedAtMs).toISOString(),
      ...(this.receivedAt ? { receivedAt: this.receivedAt } : {}),
    };
  }
}

@Injectable()
export class SubmissionStatusService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(SubmissionStatusService.name);
  private readonly outcomes = new Map<string, Outcome>();
  private readonly queued = new Map<string, QueuedInfo>();
  /** The latest attempt set aside, per submission with no outcome yet (not final: a retry is queued anew). */
  private readonly setAside = new Map<string, Outcome>();
  private readonly waiters = new Map<string, Set<(status: SubmissionStatus) => void>>();
  private readonly listeners = new Set<OutcomeListener>();
  private subscription: SupervisedSubscription | undefined;
  private live = false;
  private resolveCaughtUp!: () => void;
  /** Resolves once the outcomes recorded before start-up are all known. */
  readonly caughtUp = new Promise<void>((resolve) => (this.resolveCaughtUp = resolve));

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  onModuleInit(): void {
    // Not awaited: a large store takes a while to scan, and start-up should not wait for it.
    this.follow();
  }

  async onModuleDestroy(): Promise<void> {
    await this.subscription?.stop();
  }

  /** How its subscription is doing (readiness). */
  subscriptionStatus(): SupervisedStatus | undefined {
    return this.subscription?.status();
  }

  /** Intake calls this once the submission is on the queue. Ignored if its outcome is already known. */
  markQueued(submissionId: string, info: QueuedInfo): void {
    if (this.outcomes.has(submissionId)) return;
    this.queued.set(submissionId, info);
  }

  /** The outcome; else the attempt queued here; else the last attempt set aside. */
  get(submissionId: string): SubmissionStatus | undefined {
    const outcome = this.outcomes.get(submissionId);
    if (outcome) return outcome.toStatus();
    const queued = this.queued.get(submissionId);
    if (queued) return { state: 'queued', electionId: queued.electionId, precinctId: queued.precinctId, receivedAt: queued.receivedAt };
    return this.setAside.get(submissionId)?.toStatus();
  }

  /**
   * Submissions set aside and not recorded or refused since (any process's: from the store), in
   * the order they were set aside: what the operators have to see resent once the cause is mended.
   * `queuedAgain` when this process has a later attempt of it on its way.
   */
  setAsideOutstanding(): (SubmissionStatus & { readonly submissionId: string; readonly queuedAgain: boolean })[] {
    return [...this.setAside].map(([submissionId, outcome]) => ({ submissionId, ...outcome.toStatus(), queuedAgain: this.queued.has(submissionId) }));
  }

  /** The attempt this process queued and has no outcome of yet (the set-aside watcher matches dead letters with it). */
  queuedHere(submissionId: string): QueuedInfo | undefined {
    return this.queued.get(submissionId);
  }

  /** The signatureTag of the body this submission id stands for, when known (queued here, or recorded/refused/set aside with a signature). */
  signatureTagOf(submissionId: string): string | undefined {
    return this.outcomes.get(submissionId)?.signatureTag ?? this.queued.get(submissionId)?.signatureTag ?? this.setAside.get(submissionId)?.signatureTag;
  }

  /** The status once recorded, refused or set aside, or whatever it is (possibly undefined) after `timeoutMs`. */
  waitForOutcome(submissionId: string, timeoutMs: number): Promise<SubmissionStatus | undefined> {
    const now = this.outcomes.get(submissionId);
    if (now) return Promise.resolve(now.toStatus());
    return new Promise((resolve) => {
      let waiters = this.waiters.get(submissionId);
      if (!waiters) this.waiters.set(submissionId, (waiters = new Set()));
      const done = (status: SubmissionStatus) => {
        clearTimeout(timer);
        resolve(status);
      };
      const timer = setTimeout(() => {
        const set = this.waiters.get(submissionId);
        set?.delete(done);
        if (set?.size === 0) this.waiters.delete(submissionId);
        resolve(this.get(submissionId));
      }, timeoutMs);
      waiters.add(done);
    });
  }

  /**
   * Told of each outcome recorded while this process is live (after the start-up catch-up), and of
   * outcomes of submissions queued here: the ones whose end-to-end latency this process can
   * measure (recordedAt − receivedAt). Returns the unsubscribe function.
   */
  onOutcome(listener: OutcomeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Outcomes known (recorded or refused). */
  get size(): number {
    return this.outcomes.size;
  }

  private follow(): void {
    // Supervised: subscriptions end on store errors (a restart of the database, say); it resumes
    // from the last event applied, after a back-off.
    this.subscription = new SupervisedSubscription(this.store, {
      name: 'submission status',
      filter: categoryFilter(categories.precinct, categories.intakeRejections),
      logger: this.logger,
      onEvent: (event) => this.apply(event),
      onCaughtUp: () => {
        if (this.live) return;
        this.live = true;
        this.resolveCaughtUp();
      },
    });
  }

  private apply(event: RecordedEvent): void {
    const setAside = event.type === SET_ASIDE_TYPE;
    const refused = REFUSED_TYPES.has(event.type);
    if (!refused && !setAside && !RECORDED_TYPES.has(event.type)) return;
    const data = event.data as {
      submissionId?: unknown;
      electionId?: unknown;
      precinctId?: unknown;
      receivedAt?: unknown;
      reasons?: unknown;
      reason?: unknown;
      code?: unknown;
      signature?: { value?: unknown } | null;
      command?: { meta?: { signature?: { value?: unknown } | null } };
    };
    if (typeof data.submissionId !== 'string') return;
    const submissionId = data.submissionId;
    // The first outcome stands: the decider skips a submission id it has seen.
    if (this.outcomes.has(submissionId)) return;
    const queued = this.queued.get(submissionId);
    const reasons: StatusReason[] | undefined = setAside
      ? [{ code: String(data.code) as DeadLetterReasonCode, field: '', message: `set aside by a recorder, not recorded: ${String(data.reason)}; send the same body again to have it queued anew` }]
      : !refused
        ? undefined
        : event.type === 'UnparseableSubmission'
          ? [{ code: 'MALFORMED', field: '(message)', message: String(data.reason) }]
          : (data.reasons as StatusReason[]);
    const signature = setAside ? data.command?.meta?.signature : data.signature;
    const outcome = new Outcome(
      setAside ? 'set-aside' : refused ? 'refused' : 'recorded',
      typeof data.electionId === 'string' ? data.electionId : (queued?.electionId ?? ''),
      typeof data.precinctId === 'string' ? data.precinctId : (queued?.precinctId ?? ''),
      event.streamName,
      event.revision.toString(),
      event.position,
      event.type,
      event.recordedAt.getTime(),
      typeof data.receivedAt === 'string' ? data.receivedAt : queued?.receivedAt,
      reasons,
      typeof signature?.value === 'string' ? signatureTag(signature.value) : queued?.signatureTag,
    );
    if (setAside) {
      this.setAside.set(submissionId, outcome);
      // Only the attempt it sets aside: a later one queued here meanwhile is still on its way.
      if (queued !== undefined && queued.receivedAt !== outcome.receivedAt) return;
    } else {
      this.outcomes.set(submissionId, outcome);
      this.setAside.delete(submissionId);
    }
    this.queued.delete(submissionId);

    const waiters = this.waiters.get(submissionId);
    const notify = this.live || queued !== undefined;
    if (!waiters && (!notify || this.listeners.size === 0)) return;
    const status = outcome.toStatus();
    if (waiters) {
      this.waiters.delete(submissionId);
      for (const resolve of waiters) resolve(status);
    }
    if (notify) {
      for (const listener of this.listeners) {
        try {
          listener(submissionId, status);
        } catch (error) {
          // A metrics bug must not stop the status from following the store.
          this.logger.error(`outcome listener failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    }
  }
}
