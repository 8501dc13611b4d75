// A store subscription that never stops for good: whatever ends it (a dropped connection, a
// restarted server, a lost NOTIFY channel, a handler that throws) it subscribes again, after a
// capped exponential back-off, from the last position its handler finished with — so an event is
// never applied twice and none is skipped (an event whose handler threw comes again). Its status
// says what it is doing, for readiness: following, or restarting with the last error and attempt.
import type { EventStore, RecordedEvent, SubscribeOptions, SubscriptionHandle } from './event-store.port';
import { START_POSITION } from './position';

export interface BackoffPolicy {
  /** Wait before the first resubscription, ms. */
  readonly initialMs: number;
  /** Each next wait is this many times the previous one… */
  readonly factor: number;
  /** …up to this, ms. */
  readonly maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 250, factor: 2, maxMs: 10_000 };

/** The wait before attempt `attempt` (1 for the first resubscription). */
export function backoffDelay(policy: BackoffPolicy, attempt: number): number {
  return Math.min(policy.maxMs, policy.initialMs * policy.factor ** Math.max(0, attempt - 1));
}

/**
 * - `catching-up`: subscribed for the first time, not yet at the store's end;
 * - `running`: has delivered everything committed at least once since it (re)subscribed;
 * - `restarting`: failed; waiting to resubscribe, or resubscribed and not caught up again yet;
 * - `stopped`: stopped by its owner (or its store closed).
 */
export type SupervisedState = 'catching-up' | 'running' | 'restarting' | 'stopped';

export interface SupervisedStatus {
  readonly name: string;
  readonly state: SupervisedState;
  /** The last position whose handler (event or checkpoint) finished: where a resubscription starts. */
  readonly position: string;
  /** Consecutive failures since it last caught up (0 while healthy). */
  readonly attempt: number;
  /** Failures since it started. */
  readonly restarts: number;
  readonly lastError: string | null;
  /** ISO instant of the last failure. */
  readonly lastErrorAt: string | null;
}

export interface SupervisorLogger {
  log(message: string): void;
  warn(message: string): void;
}

export interface SupervisedSubscriptionOptions extends Omit<SubscribeOptions, 'from'> {
  /** Names it in logs and in readiness. */
  readonly name: string;
  /** Exclusive, like SubscribeOptions.from; default START_POSITION. */
  readonly from?: string;
  readonly backoff?: Partial<BackoffPolicy>;
  readonly logger?: SupervisorLogger;
  /** Timers, replaceable in unit specs. */
  readonly timers?: {
    readonly set: (run: () => void, ms: number) => unknown;
    readonly clear: (timer: unknown) => void;
  };
  /** The clock of `lastErrorAt`. */
  readonly now?: () => Date;
}

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export class SupervisedSubscription {
  private readonly backoff: BackoffPolicy;
  private readonly timers: NonNullable<SupervisedSubscriptionOptions['timers']>;
  private current: SubscriptionHandle | undefined;
  private timer: unknown;
  private checkpoint: string;
  private state: SupervisedState = 'catching-up';
  private attempt = 0;
  private restarts = 0;
  private lastError: string | null = null;
  private lastErrorAt: string | null = null;
  private stopping = false;

  constructor(
    private readonly store: Pick<EventStore, 'subscribe'>,
    private readonly options: SupervisedSubscriptionOptions,
  ) {
    this.backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    // unref: a pending resubscription never keeps a process alive that is otherwise done.
    this.timers = options.timers ?? { set: (run, ms) => setTimeout(run, ms).unref(), clear: (t) => clearTimeout(t as NodeJS.Timeout) };
    this.checkpoint = options.from ?? START_POSITION;
    this.subscribe();
  }

  /** The last position handled: everything up to it was delivered and its handler resolved. */
  get position(): string {
    return this.checkpoint;
  }

  status(): SupervisedStatus {
    return {
      name: this.options.name,
      state: this.state,
      position: this.checkpoint,
      attempt: this.attempt,
      restarts: this.restarts,
      lastError: this.lastError,
      lastErrorAt: this.lastErrorAt,
    };
  }

  /** Stops for good: cancels a pending resubscription, or stops the subscription and waits for its handler. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.state = 'stopped';
    if (this.timer !== undefined) this.timers.clear(this.timer);
    this.timer = undefined;
    await this.current?.stop();
    this.current = undefined;
  }

  private subscribe(): void {
    if (this.stopping) return;
    const { onEvent, onCheckpoint, onCaughtUp, filter } = this.options;
    let handle: SubscriptionHandle;
    try {
      handle = this.store.subscribe({
        from: this.checkpoint,
        filter,
        onEvent: async (event: RecordedEvent) => {
          await onEvent(event);
          // Only now: an event whose handler threw is delivered again after the restart.
          this.checkpoint = event.position;
        },
        onCheckpoint: async (checkpoint: string) => {
          await onCheckpoint?.(checkpoint);
          this.checkpoint = checkpoint;
        },
        onCaughtUp: () => {
          if (this.stopping) return;
          if (this.state === 'restarting') this.options.logger?.log(`${this.options.name}: resubscribed and caught up at ${this.checkpoint} after ${this.attempt} attempt(s)`);
          this.state = 'running';
          this.attempt = 0;
          onCaughtUp?.();
        },
      });
    } catch (error) {
      // A store that refuses to subscribe at all (closed, say) is one more failure to back off from.
      this.failed(error);
      return;
    }
    this.current = handle;
    void handle.ended.then((end) => {
      if (this.current !== handle) return;
      this.current = undefined;
      if (this.stopping) return;
      if (end.kind === 'failed') this.failed(end.error);
      else this.failed(new Error('the subscription was stopped by its store'));
    });
  }

  private failed(error: unknown): void {
    if (this.stopping) return;
    this.attempt += 1;
    this.restarts += 1;
    this.state = 'restarting';
    this.lastError = describe(error);
    this.lastErrorAt = (this.options.now?.() ?? new Date()).toISOString();
    const delay = backoffDelay(this.backoff, this.attempt);
    this.options.logger?.warn(`${this.options.name}: subscription failed at ${this.checkpoint} (${this.lastError}); attempt ${this.attempt} in ${delay} ms`);
    this.timer = this.timers.set(() => {
      this.timer = undefined;
      this.subscribe();
    }, delay);
  }
}
