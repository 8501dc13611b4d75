import { instantMillis } from '../instant';
import { isEmbargoed, offsetMinutes, resultsRelease, rfc3339, zonedMillis } from './embargo';

describe('results embargo', () => {
  const almaty = { date: '2023-03-19', timeZone: 'Asia/Almaty', pollsClose: '20:00', resultsNotBefore: undefined };

  it('defaults to the close of polls in the election zone (Almaty was UTC+6 in 2023)', () => {
    const release = resultsRelease(almaty);
    expect(release).toEqual({ until: '2023-03-19T20:00:00+06:00', millis: instantMillis('2023-03-19T14:00:00Z'), source: 'pollsClose' });
  });

  it('follows the zone database: Almaty moved to UTC+5 on 2024-03-01', () => {
    expect(resultsRelease({ ...almaty, date: '2026-03-15' }).until).toBe('2026-03-15T20:00:00+05:00');
  });

  it('takes resultsNotBefore as written when the definition gives it', () => {
    const release = resultsRelease({ ...almaty, resultsNotBefore: '2023-03-20T09:30:00.250+06:00' });
    expect(release).toEqual({ until: '2023-03-20T09:30:00.250+06:00', millis: instantMillis('2023-03-20T03:30:00.250Z'), source: 'resultsNotBefore' });
  });

  it('is embargoed strictly before the instant, public at it', () => {
    const release = resultsRelease(almaty);
    expect(isEmbargoed(release, release.millis - 1)).toBe(true);
    expect(isEmbargoed(release, release.millis)).toBe(false);
  });

  it('resolves summer-time gaps and repeats to a real instant', () => {
    // New York, 2026-03-08: 02:30 does not exist (clocks jump 02:00 → 03:00), taken with the offset before (−05:00).
    expect(zonedMillis('2026-03-08', '02:30', 'America/New_York')).toBe(instantMillis('2026-03-08T07:30:00Z'));
    // 2026-11-01: 01:30 happens twice; the earlier (−04:00) is chosen.
    expect(zonedMillis('2026-11-01', '01:30', 'America/New_York')).toBe(instantMillis('2026-11-01T05:30:00Z'));
    expect(offsetMinutes(instantMillis('2026-07-01T00:00:00Z') as number, 'Asia/Kolkata')).toBe(330);
  });

  it('east of Greenwich too: a repeated wall time is the earlier instant, a skipped one takes the offset before the gap', () => {
    // Berlin, 2026-10-25: 03:00 CEST goes back to 02:00 CET, so 02:30 happens at 00:30Z and again at 01:30Z.
    expect(zonedMillis('2026-10-25', '02:30', 'Europe/Berlin')).toBe(instantMillis('2026-10-25T00:30:00Z'));
    // 2026-03-29: 02:00 CET jumps to 03:00 CEST; 02:30 is read with +01:00.
    expect(zonedMillis('2026-03-29', '02:30', 'Europe/Berlin')).toBe(instantMillis('2026-03-29T01:30:00Z'));
    // An ordinary day either side of the changes.
    expect(zonedMillis('2026-07-01', '20:00', 'Europe/Berlin')).toBe(instantMillis('2026-07-01T18:00:00Z'));
    expect(zonedMillis('2026-12-01', '20:00', 'America/New_York')).toBe(instantMillis('2026-12-02T01:00:00Z'));
  });

  it('refuses to guess when resultsNotBefore is no instant (the definition parser admits none such)', () => {
    expect(() => resultsRelease({ ...almaty, resultsNotBefore: 'after the count' })).toThrow('resultsNotBefore "after the count" is no instant (the parser admits none such)');
  });

  it('writes RFC 3339 that reads back to the same instant', () => {
    for (const [millis, offset] of [[0, 0], [1_679_234_400_000, 360], [-86_400_000, -210], [4_102_444_799_000, 345]] as const) {
      expect(instantMillis(rfc3339(millis, offset))).toBe(millis);
    }
    expect(rfc3339(0, 0)).toBe('1970-01-01T00:00:00Z');
    expect(rfc3339(0, -210)).toBe('1969-12-31T20:30:00-03:30');
    // February and the century rules of the civil calendar.
    expect(rfc3339(Date.UTC(2024, 1, 29, 12), 0)).toBe('2024-02-29T12:00:00Z');
    expect(rfc3339(Date.UTC(2000, 1, 29, 23, 59, 59), 0)).toBe('2000-02-29T23:59:59Z');
    expect(rfc3339(Date.UTC(2100, 1, 28), 0)).toBe('2100-02-28T00:00:00Z');
    expect(rfc3339(Date.UTC(2100, 2, 1), 0)).toBe('2100-03-01T00:00:00Z');
    expect(rfc3339(Date.UTC(1900, 0, 31), 60)).toBe('1900-01-31T01:00:00+01:00');
  });
});
