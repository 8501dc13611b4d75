// RFC 3339 instants, read without a clock: the same milliseconds JavaScript's Date finds, every
// calendar and offset rule refused as text that names no instant.
import { Instant, instantMillis } from './instant';

describe('instantMillis', () => {
  it.each([
    '1970-01-01T00:00:00Z',
    '2026-03-15T14:00:00Z',
    '2026-03-15T14:00:00.123Z',
    '2026-03-15T19:00:00+05:00',
    '2026-03-15T09:30:00.5-04:30',
    '2024-02-29T23:59:59.999Z',
    '2000-02-29T00:00:00Z',
    '1969-12-31T23:59:59Z',
    '2099-12-31T23:59:59+14:00',
  ])('reads %s as Date does', (text) => {
    expect(instantMillis(text)).toBe(Date.parse(text));
  });

  it('compares across offsets: the same instant in two zones', () => {
    expect(instantMillis('2026-03-15T19:00:00+05:00')).toBe(instantMillis('2026-03-15T14:00:00Z'));
  });

  it('drops digits past the millisecond, toward the past', () => {
    expect(instantMillis('2026-03-15T14:00:00.1239Z')).toBe(instantMillis('2026-03-15T14:00:00.123Z'));
    expect(instantMillis('2026-03-15T14:00:00.000999Z')).toBe(instantMillis('2026-03-15T14:00:00Z'));
  });

  it.each([
    '2026-03-15',
    '2026-03-15T14:00:00',
    '2026-03-15 14:00:00Z',
    '2026-02-29T00:00:00Z',
    '1900-02-29T00:00:00Z',
    '2026-04-31T00:00:00Z',
    '2026-13-01T00:00:00Z',
    '2026-00-10T00:00:00Z',
    '2026-03-15T24:00:00Z',
    '2026-03-15T14:60:00Z',
    '2026-03-15T14:00:60Z',
    '2026-03-15T14:00:00+24:00',
    '2026-03-15T14:00:00+05:60',
    '2026-03-15T14:00Z',
    'yesterday',
  ])('names no instant: %s', (text) => {
    expect(instantMillis(text)).toBeUndefined();
  });
});

describe('Instant (what an amendment names)', () => {
  it('takes an offset and at most milliseconds', () => {
    expect(Instant.safeParse('2026-03-15T14:00:00.250+05:00').success).toBe(true);
    expect(Instant.safeParse('2026-03-15T14:00:00.2501Z').success).toBe(false);
    expect(Instant.safeParse('2026-03-15T14:00:00').success).toBe(false);
  });
});
