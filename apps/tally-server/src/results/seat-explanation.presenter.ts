// A seat explained as the API sends it. Every figure is the domain's (`contestExplanation`: the
// provisional allocation's own quota or divisor table, ranks and counted precinct totals); this
// file adds, beside each exact ratio, its decimal value for reading, and pages the precincts.
import type { ContestExplanation, QuotientRow, RankedSeat, Ratio, RemainderRow, ResultsView, SeatExplanation } from '@tally/domain';
import { head, methodOf, type AnalysisHead } from './seat-analysis.presenter';

/** An exact ratio and, for reading only, its value to six decimals (null without a denominator). */
export interface RatioValue extends Ratio {
  readonly value: number | null;
}

const valued = (r: Ratio): RatioValue => ({ numerator: r.numerator, denominator: r.denominator, value: r.denominator === 0 ? null : Math.round((r.numerator / r.denominator) * 1e6) / 1e6 });
const maybe = (r: Ratio | null): RatioValue | null => (r === null ? null : valued(r));

type Valued<T> = T extends Ratio ? RatioValue : T extends readonly (infer U)[] ? readonly Valued<U>[] : T extends object ? { readonly [K in keyof T]: Valued<T[K]> } : T;

export type SeatExplanationDto = Valued<SeatExplanation>;

export interface PrecinctTotalsDto {
  readonly precinctId: string;
  readonly version: number;
  /** Per list id. */
  readonly votes: Readonly<Record<string, number>>;
  readonly againstAll: number;
  readonly invalid: number;
  readonly ballotsFound: number;
}

export interface ExplanationDto extends AnalysisHead {
  readonly method: string;
  readonly seats: number;
  readonly thresholdPercent: number;
  readonly lists: readonly { readonly id: string; readonly votes: number; readonly passedThreshold: boolean; readonly admittedAsRunnerUp: boolean; readonly seats: number | null }[];
  readonly againstAll: number;
  /** Null while the provisional result is no allocation: `unavailable` says why (`tie`, `no-votes`, …). */
  readonly explanation: SeatExplanationDto | null;
  readonly unavailable: string | null;
  /** The counted protocols behind each list's votes: totals only (no signatures, no submitters), one page. */
  readonly protocols: { readonly total: number; readonly offset: number; readonly limit: number; readonly next: number | null; readonly precincts: readonly PrecinctTotalsDto[] };
}

const rankedDto = (s: RankedSeat) => ({ ...s, by: maybe(s.by) });
const remainderDto = (l: RemainderRow) => ({ ...l, remainder: maybe(l.remainder) });
const quotientDto = (l: QuotientRow) => ({ ...l, quotients: l.quotients.map((q) => ({ ...q, quotient: valued(q.quotient) })) });

function explanationDto(e: SeatExplanation): SeatExplanationDto {
  switch (e.kind) {
    case 'largest-remainder':
      return { ...e, quota: valued(e.quota), lists: e.lists.map(remainderDto), ranking: e.ranking.map(rankedDto) };
    case 'highest-averages':
      return { ...e, lists: e.lists.map(quotientDto), ranking: e.ranking.map(rankedDto), lastWinning: maybe(e.lastWinning), firstLosing: maybe(e.firstLosing) };
    default: {
      const never: never = e;
      return never;
    }
  }
}

export function explanationDtoOf(view: ResultsView, commissionId: string, r: Extract<ContestExplanation, { kind: 'explanation' }>, limit: number): ExplanationDto {
  const results = r.results;
  const ids = results.lists.map((l) => l.id);
  const allocation = results.allocation?.kind === 'allocated' ? results.allocation : null;
  const page = r.precincts;
  const end = page.offset + page.precincts.length;
  return {
    ...head(view, commissionId, results.contestId, results.precincts),
    method: methodOf(view, results.contestId),
    seats: results.seats,
    thresholdPercent: results.thresholdPercent,
    lists: results.lists.map((l, k) => ({
      id: l.id,
      votes: l.votes,
      passedThreshold: allocation?.lists[k].passedThreshold ?? false,
      admittedAsRunnerUp: allocation?.lists[k].admittedAsRunnerUp ?? false,
      seats: l.seats,
    })),
    againstAll: results.againstAll,
    explanation: r.explanation === null ? null : explanationDto(r.explanation),
    unavailable: r.unavailable,
    protocols: {
      total: page.total,
      offset: page.offset,
      limit,
      next: end < page.total ? end : null,
      precincts: page.precincts.map((p) => ({
        precinctId: p.precinctId,
        version: p.version,
        votes: Object.fromEntries(ids.map((id, k) => [id, p.votes[k]])),
        againstAll: p.againstAll,
        invalid: p.invalid,
        ballotsFound: p.ballotsFound,
      })),
    },
  };
}
