import fc from 'fast-check';
import { DEFAULT_MAX_CLOCK_SKEW_MS, DEFAULT_MAX_QUEUE_DELAY_MS, misdating, receivedAtBoundOf, receivedAtEnvSchema } from './received-at';

const bound = { maxQueueDelayMs: 300_000, maxClockSkewMs: 60_000 };
const at = (ms: number) => new Date(ms).toISOString();
const T = Date.parse('2026-12-05T18:00:00.000Z');

describe('misdating: receivedAt against the queue’s append time', () => {
  it('allows the longest publish plus the skew before, and the skew after; not a millisecond more', () => {
    expect(misdating(at(T - 360_000), at(T), bound)).toBeUndefined();
    expect(misdating(at(T - 360_001), at(T), bound)).toMatch(/^receivedAt 2026-12-05T17:53:59.999Z is 360 s before the queue took the message \(2026-12-05T18:00:00.000Z\)/);
    expect(misdating(at(T + 60_000), at(T), bound)).toBeUndefined();
    expect(misdating(at(T + 60_001), at(T), bound)).toMatch(/is 60 s after the queue took the message .* past the 60 s the clocks may disagree/);
  });

  it('checks nothing when the queue does not say when it took the message', () => {
    expect(misdating('2001-01-01T00:00:00Z', undefined, bound)).toBeUndefined();
    expect(misdating('2001-01-01T00:00:00Z', 'not an instant', bound)).toBeUndefined();
  });

  it('fails closed on a receivedAt that is no instant, where the queue says when it took the message', () => {
    expect(misdating('2026-12-05T18:00:00+05', at(T), bound)).toMatch(/^receivedAt "2026-12-05T18:00:00\+05" is not an RFC 3339 instant/);
    expect(misdating('yesterday', undefined, bound)).toBeUndefined();
  });

  it('reads receivedAt in any offset RFC 3339 allows', () => {
    expect(misdating('2026-12-05T23:00:00+05:00', at(T), bound)).toBeUndefined();
    expect(misdating('2026-12-05T22:00:00+05:00', at(T), bound)).toMatch(/3600 s before/);
  });

  it('refuses exactly the instants outside [append − delay − skew, append + skew], to the millisecond', () => {
    fc.assert(
      fc.property(fc.integer({ min: -200_000, max: 600_000 }), (queuedAfter) => {
        const inside = queuedAfter >= -bound.maxClockSkewMs && queuedAfter <= bound.maxQueueDelayMs + bound.maxClockSkewMs;
        expect(misdating(at(T), at(T + queuedAfter), bound) === undefined).toBe(inside);
      }),
    );
  });
});

describe('the bound’s configuration (TALLY_MAX_QUEUE_DELAY_S, TALLY_MAX_CLOCK_SKEW_S)', () => {
  const parse = (env: Record<string, string>) => receivedAtEnvSchema.safeParse(env);
  const problem = (env: Record<string, string>) => {
    const r = parse(env);
    return r.success ? undefined : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it('is five minutes and one by default, an empty value read as unset, and given in milliseconds', () => {
    expect(parse({})).toEqual({ success: true, data: { TALLY_MAX_QUEUE_DELAY_S: 300, TALLY_MAX_CLOCK_SKEW_S: 60 } });
    expect(parse({ TALLY_MAX_QUEUE_DELAY_S: ' ', TALLY_MAX_CLOCK_SKEW_S: '' })).toEqual(parse({}));
    expect(receivedAtBoundOf({ TALLY_MAX_QUEUE_DELAY_S: 300, TALLY_MAX_CLOCK_SKEW_S: 60 })).toEqual({ maxQueueDelayMs: DEFAULT_MAX_QUEUE_DELAY_MS, maxClockSkewMs: DEFAULT_MAX_CLOCK_SKEW_MS });
    expect(receivedAtBoundOf({ TALLY_MAX_QUEUE_DELAY_S: 7, TALLY_MAX_CLOCK_SKEW_S: 0 })).toEqual({ maxQueueDelayMs: 7000, maxClockSkewMs: 0 });
  });

  it('takes whole seconds: a delay from 1 s to a day, a skew from 0 to an hour', () => {
    expect(parse({ TALLY_MAX_QUEUE_DELAY_S: '1', TALLY_MAX_CLOCK_SKEW_S: '0' }).success).toBe(true);
    expect(parse({ TALLY_MAX_QUEUE_DELAY_S: '86400', TALLY_MAX_CLOCK_SKEW_S: '3600' }).success).toBe(true);
    const outOfRange: Record<string, string>[] = [{ TALLY_MAX_QUEUE_DELAY_S: '0' }, { TALLY_MAX_QUEUE_DELAY_S: '86401' }, { TALLY_MAX_CLOCK_SKEW_S: '-1' }, { TALLY_MAX_CLOCK_SKEW_S: '3601' }, { TALLY_MAX_CLOCK_SKEW_S: '1.5' }];
    for (const env of outOfRange) {
      expect(parse(env).success).toBe(false);
    }
    expect(problem({ TALLY_MAX_QUEUE_DELAY_S: 'five minutes' })).toEqual(['TALLY_MAX_QUEUE_DELAY_S: a whole number of seconds']);
  });
});
