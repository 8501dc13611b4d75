// Instants as the domain reads them: RFC 3339 text with its offset (`2026-03-15T14:00:00Z`,
// `2026-03-15T19:00:00.250+05:00`), compared as whole milliseconds since the epoch. Pure
// arithmetic: the domain has no Date (ESLint refuses it), and time is only ever an input.
import { z } from 'zod';

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;

/**
 * Milliseconds since 1970-01-01T00:00:00Z, or undefined when the text is no RFC 3339 instant
 * (a day the month lacks, hour 24, a leap second, no offset). Digits past the millisecond are
 * dropped (rounded toward the past): an instant compared with one of whole milliseconds (every
 * `from` of an amendment, see `Instant`) then compares exactly as the full value would.
 */
export function instantMillis(text: string): number | undefined {
  const m = RFC3339.exec(text);
  if (m === null) return undefined;
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i]));
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetMinutes = 0;
  if (m[8] !== undefined) {
    const [oh, om] = [Number(m[9]), Number(m[10])];
    if (oh > 23 || om > 59) return undefined;
    offsetMinutes = (m[8] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const millis = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  const seconds = daysFromCivil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offsetMinutes * 60;
  return seconds * 1000 + millis;
}

/** An RFC 3339 instant with its offset, to the millisecond at most: what an amendment's `from` and `validFrom` are. */
export const Instant = z.string().refine((text) => instantMillis(text) !== undefined && !/\.\d{4}/.test(text), {
  message: 'an RFC 3339 instant with its offset and at most milliseconds, e.g. 2026-03-15T14:00:00Z or 2026-03-15T19:00:00.250+05:00',
});

const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

function daysInMonth(year: number, month: number): number {
  return month === 2 ? (isLeap(year) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Milliseconds since the epoch of a UTC wall time (no range checks: the caller's fields are valid). */
export function civilMillis(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
  return (daysFromCivil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second) * 1000;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/**
 * The calendar date (YYYY-MM-DD) an instant falls on in an IANA time zone: Intl's zone database,
 * formatting a number of milliseconds (no Date, no clock). Undefined for no instant.
 */
export function localDate(text: string, timeZone: string): string | undefined {
  const millis = instantMillis(text);
  if (millis === undefined) return undefined;
  // en-CA formats a date as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(millis);
}
