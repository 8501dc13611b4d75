// Catch-up by polling, with a wake-up hint (NOTIFY) so a live follower reads within milliseconds.
// The poll interval is only the fallback for a delayed hint; correctness never depends on it.
// A failed read or a dead wake-up channel ends the subscription (`failed`): retrying is the
// caller's supervisor's job (SupervisedSubscription), which also makes the failure visible.
import type { ReadAllResult, SubscribeOptions, SubscriptionEnd, SubscriptionHandle } from '../event-store.port';
import { START_POSITION } from '../position';

export interface WakeListener {
  /** New events may be committed. */
  wake(): void;
  /** The channel that carries the hints died: no hint will come any more. */
  lost(error: Error): void;
}

export interface WakeSource {
  add(listener: WakeListener): void;
  remove(listener: WakeListener): void;
}

export interface PollingSubscriptionParams {
  readonly read: (from: string, batchSize: number) => Promise<ReadAllResult>;
  readonly wake: WakeSource;
  readonly options: SubscribeOptions;
  readonly pollIntervalMs: number;
  readonly batchSize?: number;
}

export function runPollingSubscription(params: PollingSubscriptionParams): SubscriptionHandle {
  const { read, wake, options, pollIntervalMs } = params;
  const batchSize = params.batchSize ?? 500;
  let stopped = false;
  // Set by every hint; cleared before each read, so a hint that lands during a read is not lost.
  let hinted = false;
  let interrupt: (() => void) | undefined;
  let lostChannel: Error | undefined;

  const listener: WakeListener = {
    wake: () => {
      hinted = true;
      interrupt?.();
    },
    lost: (error) => {
      lostChannel = error;
      interrupt?.();
    },
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
    wake.add(listener);
    try {
      while (!stopped) {
        if (lostChannel) return { kind: 'failed', error: lostChannel };
        hinted = false;
        let batch: ReadAllResult;
        try {
          batch = await read(checkpoint, batchSize);
        } catch (error) {
          // A dropped connection or a restarting server: the supervisor resubscribes from the
          // caller's checkpoint (every event delivered so far was handled).
          return { kind: 'failed', error };
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
      wake.remove(listener);
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
