// Catch-up by polling, with a wake-up hint (NOTIFY) so a live follower reads within milliseconds.
// The poll interval is only the fallback for a lost or delayed hint; correctness never depends on it.
import type { ReadAllResult, SubscribeOptions, SubscriptionEnd, SubscriptionHandle } from '../event-store.port';
import { START_POSITION } from '../position';

export interface WakeSource {
  add(listener: () => void): void;
  remove(listener: () => void): void;
}

export interface PollingSubscriptionParams {
  readonly read: (from: string, batchSize: number) => Promise<ReadAllResult>;
  readonly wake: WakeSource;
  readonly options: SubscribeOptions;
  readonly pollIntervalMs: number;
  readonly batchSize?: number;
}

const MAX_BACKOFF_MS = 5_000;

export function runPollingSubscription(params: PollingSubscriptionParams): SubscriptionHandle {
  const { read, wake, options, pollIntervalMs } = params;
  const batchSize = params.batchSize ?? 500;
  let stopped = false;
  // Set by every hint; cleared before each read, so a hint that lands during a read is not lost.
  let hinted = false;
  let interrupt: (() => void) | undefined;

  const onWake = (): void => {
    hinted = true;
    interrupt?.();
  };

  const sleep = (ms: number): Promise<void> =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        interrupt = undefined;
        resolve();
      }
      interrupt = done;
    });

  const loop = async (): Promise<SubscriptionEnd> => {
    let checkpoint = options.from ?? START_POSITION;
    let wasCaughtUp = false;
    let failures = 0;
    wake.add(onWake);
    try {
      while (!stopped) {
        hinted = false;
        let batch: ReadAllResult;
        try {
          batch = await read(checkpoint, batchSize);
          failures = 0;
        } catch {
          // A dropped connection or a restarting server: retry from the same checkpoint.
          failures += 1;
          await sleep(Math.min(MAX_BACKOFF_MS, 100 * 2 ** Math.min(failures, 6)));
          continue;
        }
        for (const event of batch.events) {
          if (stopped) return { kind: 'stopped' };
          try {
            await options.onEvent(event);
          } catch (error) {
            return { kind: 'failed', error };
          }
          checkpoint = event.position;
        }
        if (stopped) break;
        if (batch.checkpoint !== checkpoint) {
          checkpoint = batch.checkpoint;
          try {
            await options.onCheckpoint?.(checkpoint);
          } catch (error) {
            return { kind: 'failed', error };
          }
        }
        if (!batch.isEnd) {
          wasCaughtUp = false;
          continue;
        }
        if (!wasCaughtUp) {
          wasCaughtUp = true;
          options.onCaughtUp?.();
        }
        if (!hinted && !stopped) await sleep(pollIntervalMs);
      }
      return { kind: 'stopped' };
    } finally {
      wake.remove(onWake);
    }
  };

  const ended = loop().catch((error: unknown): SubscriptionEnd => ({ kind: 'failed', error }));
  return {
    ended,
    async stop(): Promise<void> {
      stopped = true;
      interrupt?.();
      await ended;
    },
  };
}
