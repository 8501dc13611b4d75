// Presentation of an allocation: JSON for machines, an aligned table for people. Percentages
// are rounded here, at the edge, and always shown next to the exact ratio they come from.
import { percentOf, type AllocationInput, type AllocationResult, type Ratio, type SeatSensitivity } from '@tally/domain';

/** numerator/denominator as a percentage rounded half-up to 2 decimals; null without a base. */
export const percent: (r: Ratio) => number | null = percentOf;

/** numerator/denominator rounded half-up to 2 decimals, exactly (BigInt, no float division). */
export function decimal2(r: Ratio): number | null {
  if (r.denominator === 0) return null;
  const n = BigInt(r.numerator) * 100n;
  const d = BigInt(r.denominator);
  const hundredths = (2n * n + d) / (2n * d);
  return Number(hundredths) / 100;
}

const fixed2 = (n: number | null): string => (n === null ? '—' : n.toFixed(2));

export interface RatioOut extends Ratio {
  /** Rounded to 2 decimals, for display only. */
  readonly value: number | null;
}

const ratioOut = (r: Ratio): RatioOut => ({ numerator: r.numerator, denominator: r.denominator, value: decimal2(r) });

/** The JSON document `tally allocate --json` prints. */
export function toAllocateJson(input: AllocationInput, result: AllocationResult): Record<string, unknown> {
  const kind = result.kind;
  switch (kind) {
    case 'none':
      return { kind, reason: result.reason, ...(result.detail ? { detail: result.detail } : {}) };
    case 'tie':
      return {
        kind,
        method: result.method,
        stage: result.stage,
        tiedLists: result.tiedLists,
        seatsInDispute: result.seatsInDispute,
        settled: result.settled,
      };
    case 'allocated': {
      const againstAllInBase = input.thresholdBase !== 'list-votes';
      const againstAllShare = { numerator: input.againstAll, denominator: result.base };
      return {
        kind,
        method: result.method,
        totalSeats: result.seats,
        threshold: { percent: input.thresholdPercent, base: input.thresholdBase, baseVotes: result.base },
        seats: Object.fromEntries(result.lists.map((l) => [l.id, l.seats])),
        admitted: result.lists.filter((l) => l.admitted).map((l) => l.id),
        ...(result.quota ? { quota: ratioOut(result.quota) } : {}),
        ...(result.divisors ? { divisors: result.divisors } : {}),
        lists: result.lists.map((l) => ({
          list: l.id,
          votes: l.votes,
          percent: percent(l.share),
          share: l.share,
          passedThreshold: l.passedThreshold,
          admitted: l.admitted,
          admittedAsRunnerUp: l.admittedAsRunnerUp,
          seats: l.seats,
          ...(l.quotaSeats !== undefined ? { quotaSeats: l.quotaSeats } : {}),
          ...(l.remainder ? { remainder: l.remainder } : {}),
        })),
        // Against all takes no seat; its share is shown only where it is part of the base.
        againstAll: againstAllInBase ? { votes: input.againstAll, percent: percent(againstAllShare), share: againstAllShare } : { votes: input.againstAll },
        tiesBroken: result.tiesBroken,
      };
    }
    default: {
      const never: never = kind;
      return never;
    }
  }
}

/**
 * `--sensitivity` in the JSON: per list `{ gainOne, loseOne, thresholdMargin }` (votes; null where
 * no count does it); `null` with the reason when the result is no allocation to move from.
 */
export function toSensitivityJson(s: SeatSensitivity): Record<string, unknown> {
  if (s.kind === 'unavailable') return { sensitivity: null, sensitivityUnavailable: s.reason };
  return {
    sensitivity: Object.fromEntries(s.lists.map((l) => [l.id, { gainOne: l.gainOne, loseOne: l.loseOne, thresholdMargin: l.thresholdMargin }])),
  };
}

const votesOrDash = (n: number | null): string => (n === null ? '—' : String(n));

/** `--sensitivity` without --json: a second table after the allocation. */
export function formatSensitivityTable(s: SeatSensitivity): string {
  if (s.kind === 'unavailable') return `\nNo sensitivity: ${s.reason}\n`;
  const rows: string[][] = [['List', 'Seats', 'Votes for +1 seat', 'Votes to lose 1', 'Threshold margin']];
  for (const l of s.lists) rows.push([l.id, String(l.seats), votesOrDash(l.gainOne), votesOrDash(l.loseOne), votesOrDash(l.thresholdMargin)]);
  return `\nEach list's own votes moving alone, all else unchanged:\n${alignTable(rows, [false, true, true, true, true])}\n`;
}

const METHOD_NAMES: Record<AllocationInput['method'], string> = {
  hare: 'Hare quota, largest remainder',
  droop: 'Droop quota, largest remainder',
  dhondt: "D'Hondt (divisors 1, 2, 3, …)",
  'sainte-lague': 'Sainte-Laguë (divisors 1, 3, 5, …)',
};

const BASE_NAMES: Record<AllocationInput['thresholdBase'], string> = {
  'list-votes': 'list votes',
  'list-votes-plus-against-all': 'list votes + against all',
  'ballots-cast': 'ballots cast',
};

/** Columns padded to their widest cell; numbers right-aligned. */
export function alignTable(rows: readonly (readonly string[])[], rightAligned: readonly boolean[]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => [...(r[c] ?? '')].length)));
  return rows
    .map((r) =>
      r
        .map((cell, c) => {
          const pad = ' '.repeat(widths[c] - [...cell].length);
          return rightAligned[c] ? pad + cell : cell + pad;
        })
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** The human-readable report `tally allocate` prints without --json. */
export function formatAllocateTable(input: AllocationInput, result: AllocationResult): string {
  const head = `${METHOD_NAMES[input.method]} · ${input.seats} seats · threshold ${input.thresholdPercent}% of ${BASE_NAMES[input.thresholdBase]}`;
  const kind = result.kind;
  switch (kind) {
    case 'none':
      return `${head}\nNo allocation: ${result.reason}${result.detail ? ` (${result.detail})` : ''}\n`;
    case 'tie': {
      const what = result.stage === 'admission' ? 'admission of a runner-up' : `${result.seatsInDispute} seat(s)`;
      const settled = Object.entries(result.settled).map(([id, n]) => `${id} ${n}`).join(', ');
      return `${head}\nUnresolved tie over ${what} between ${result.tiedLists.join(', ')}: a lot must be drawn.\n${settled ? `Seats already certain: ${settled}\n` : ''}`;
    }
    case 'allocated': {
      const lines = [head, `Base ${result.base} votes`];
      if (result.quota) lines.push(`Quota ${result.quota.numerator}/${result.quota.denominator} ≈ ${fixed2(decimal2(result.quota))}`);
      if (result.divisors) lines.push(`Divisors used ${result.divisors.join(', ')}`);
      const rows: string[][] = [['List', 'Votes', 'Share', 'Threshold', 'Seats']];
      for (const l of result.lists) {
        const verdict = l.passedThreshold ? 'passed' : l.admittedAsRunnerUp ? 'runner-up' : 'below';
        rows.push([l.id, String(l.votes), `${fixed2(percent(l.share))}%`, verdict, String(l.seats)]);
      }
      const inBase = input.thresholdBase !== 'list-votes';
      rows.push(['Against all', String(input.againstAll), inBase ? `${fixed2(percent({ numerator: input.againstAll, denominator: result.base }))}%` : '', '', '']);
      rows.push(['Total', '', '', '', String(result.lists.reduce((s, l) => s + l.seats, 0))]);
      lines.push('', alignTable(rows, [false, true, true, false, true]));
      for (const t of result.tiesBroken) {
        lines.push(`Tie (${t.stage ?? 'seats'}) between ${t.lists.join(', ')} for ${t.seats}: settled by ${t.by} → ${(t.winners ?? []).join(', ')}`);
      }
      return lines.join('\n') + '\n';
    }
    default: {
      const never: never = kind;
      return never;
    }
  }
}
