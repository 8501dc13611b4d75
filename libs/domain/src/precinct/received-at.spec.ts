import fc from 'fast-check';
import { misdating } from './received-at';

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
