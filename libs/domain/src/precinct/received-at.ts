// The envelope's receivedAt is intake's word, and the recorder judges every signature by it (a
// key valid then, not revoked yet). Anyone who can write to the topic could write any instant:
// holding a key revoked at noon, backdate a submission to 11:59 and have it counted. So the
// recorder checks receivedAt against when the queue took the message (the broker's clock:
// DeliveredMessage.appendedAt): intake publishes within a bounded time of receiving, so an
// envelope received earlier than that before it was appended, or after it, was not received
// when it says. Intake runs the same rule on the append time its publish is answered with: what
// the recorders would refuse is not acknowledged, and the commission sends again. What is left to
// a topic writer is the bound itself (delay plus skew, six minutes by default): a revoked key is
// dead that long after.
import { z } from 'zod';
import { instantMillis } from '../instant';

/** How far receivedAt may stand from the queue's append time. */
export interface ReceivedAtBound {
  /** The longest intake may take from receiving a submission to the queue taking it (ms). */
  readonly maxQueueDelayMs: number;
  /** How far intake's clock and the queue's may disagree (ms): NTP keeps servers well inside it. */
  readonly maxClockSkewMs: number;
}

/** Five minutes: intake's publish gives up after about 75 s of broker retries (libs/intake-queue kafka-submission-queue.ts). */
export const DEFAULT_MAX_QUEUE_DELAY_MS = 300_000;
export const DEFAULT_MAX_CLOCK_SKEW_MS = 60_000;

const wholeSeconds = (min: number, max: number, fallbackMs: number) =>
  z.preprocess(
    (value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
    z.coerce
      .number({ error: (issue) => (issue.code === 'invalid_type' ? 'a whole number of seconds' : undefined) })
      .int()
      .min(min)
      .max(max)
      .default(fallbackMs / 1000),
  );

/**
 * The bound's two variables, in whole seconds: the service's configuration (intake and recorders)
 * and `tally audit verify` read them with this one schema, so all three judge alike.
 */
export const receivedAtEnvSchema = z.object({
  /** The longest intake may take from receiving a submission to the queue taking it. */
  TALLY_MAX_QUEUE_DELAY_S: wholeSeconds(1, 86_400, DEFAULT_MAX_QUEUE_DELAY_MS),
  /** How far intake's, the recorders' and the brokers' clocks may disagree (NTP keeps them well inside it). */
  TALLY_MAX_CLOCK_SKEW_S: wholeSeconds(0, 3600, DEFAULT_MAX_CLOCK_SKEW_MS),
});

/** The bound those variables give. */
export const receivedAtBoundOf = (env: z.infer<typeof receivedAtEnvSchema>): ReceivedAtBound => ({
  maxQueueDelayMs: env.TALLY_MAX_QUEUE_DELAY_S * 1000,
  maxClockSkewMs: env.TALLY_MAX_CLOCK_SKEW_S * 1000,
});

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

/**
 * Why receivedAt cannot be when intake received a message the queue took at appendedAt, or
 * undefined when it can. A queue that does not say when it took a message (appendedAt absent or
 * unreadable) anchors nothing: undefined. A receivedAt that is no instant is never when anything
 * was received (the envelope's schema refuses one already; this does not lean on it).
 */
export function misdating(receivedAt: string, appendedAt: string | undefined, bound: ReceivedAtBound): string | undefined {
  const appended = appendedAt === undefined ? undefined : instantMillis(appendedAt);
  if (appended === undefined) return undefined;
  const received = instantMillis(receivedAt);
  if (received === undefined) return `receivedAt ${JSON.stringify(receivedAt)} is not an RFC 3339 instant, so nothing dates it against the queue's clock (${appendedAt})`;
  const before = appended - received;
  const latest = bound.maxQueueDelayMs + bound.maxClockSkewMs;
  if (before > latest) {
    return `receivedAt ${receivedAt} is ${seconds(before)} before the queue took the message (${appendedAt}); intake publishes within ${seconds(bound.maxQueueDelayMs)} of receiving, clocks within ${seconds(bound.maxClockSkewMs)}: a receipt time is not a topic writer's to choose`;
  }
  if (-before > bound.maxClockSkewMs) {
    return `receivedAt ${receivedAt} is ${seconds(-before)} after the queue took the message (${appendedAt}), past the ${seconds(bound.maxClockSkewMs)} the clocks may disagree: nothing is received after it was queued`;
  }
  return undefined;
}
