// When an election's results may be published: the definition's `resultsNotBefore`, or by
// default the close of polls on polling day in the election's time zone. Before that instant
// the public sees turnout and reporting progress only (the service enforces it; this file only
// says when). Pure: the zone's offset comes from the runtime's IANA database through Intl, and
// "now" is always the caller's.
import { civilMillis, instantMillis } from '../instant';
import type { ElectionDefinition } from './election-definition';

export interface ResultsRelease {
  /** The instant, RFC 3339 with the election zone's offset (or as the definition wrote it). */
  readonly until: string;
  readonly millis: number;
  /** Whether it was written in the definition or derived from the close of polls. */
  readonly source: 'resultsNotBefore' | 'pollsClose';
}

/** The instant before which an election's results are embargoed. */
export function resultsRelease(definition: Pick<ElectionDefinition, 'date' | 'timeZone' | 'pollsClose' | 'resultsNotBefore'>): ResultsRelease {
  if (definition.resultsNotBefore !== undefined) {
    const millis = instantMillis(definition.resultsNotBefore);
    if (millis === undefined) throw new Error(`resultsNotBefore "${definition.resultsNotBefore}" is no instant (the parser admits none such)`);
    return { until: definition.resultsNotBefore, millis, source: 'resultsNotBefore' };
  }
  const millis = zonedMillis(definition.date, definition.pollsClose, definition.timeZone);
  return { until: rfc3339(millis, offsetMinutes(millis, definition.timeZone)), millis, source: 'pollsClose' };
}

/** Whether results are still withheld at `nowMillis`. The instant itself is the first moment they are public. */
export const isEmbargoed = (release: ResultsRelease, nowMillis: number): boolean => nowMillis < release.millis;

/**
 * The instant of a local wall time (`YYYY-MM-DD`, `HH:MM`) in an IANA zone. A wall time the zone
 * skips (a spring-forward gap) resolves with the offset before the gap; one it repeats, to the
 * earlier of the two. Kazakhstan keeps no summer time; the rule is for everyone else.
 */
export function zonedMillis(date: string, time: string, timeZone: string): number {
  const [y, mo, d] = date.split('-').map(Number);
  const [h, mi] = time.split(':').map(Number);
  const wall = civilMillis(y, mo, d, h, mi);
  // The offsets in force a few hours either side of the guess: a wall time maps to at most two
  // instants, each under one of them.
  const guess = wall - offsetMinutes(wall, timeZone) * 60_000;
  const candidates = [guess - 3 * 3_600_000, guess, guess + 3 * 3_600_000].map((at) => wall - offsetMinutes(at, timeZone) * 60_000);
  const real = candidates.filter((c) => c + offsetMinutes(c, timeZone) * 60_000 === wall);
  if (real.length > 0) return Math.min(...real);
  // In a gap: the offset before it.
  return wall - offsetMinutes(guess - 3 * 3_600_000, timeZone) * 60_000;
}

/** The zone's offset from UTC at an instant, in minutes (east positive). */
export function offsetMinutes(millis: number, timeZone: string): number {
  const parts = formatter(timeZone).formatToParts(millis);
  const part = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value);
  const local = civilMillis(part('year'), part('month'), part('day'), part('hour'), part('minute'), part('second'));
  return Math.round((local - Math.floor(millis / 1000) * 1000) / 60_000);
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** `millis` as RFC 3339 local time with the given offset, to the second (e.g. 2023-03-19T20:00:00+05:00). */
export function rfc3339(millis: number, offset: number): string {
  const local = millis + offset * 60_000;
  const days = Math.floor(local / 86_400_000);
  const { year, month, day } = civilFromDays(days);
  const secondsOfDay = Math.floor((local - days * 86_400_000) / 1000);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return (
    `${pad(year, 4)}-${pad(month)}-${pad(day)}T${pad(Math.floor(secondsOfDay / 3600))}:${pad(Math.floor(secondsOfDay / 60) % 60)}:${pad(secondsOfDay % 60)}` +
    (offset === 0 ? 'Z' : `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`)
  );
}

/** The civil date of a day count since 1970-01-01 (Howard Hinnant's civil_from_days). */
function civilFromDays(z0: number): { year: number; month: number; day: number } {
  const z = z0 + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: era * 400 + yoe + (month <= 2 ? 1 : 0), month, day };
}
