// A seat explained on the live figures, publicly: the provisional allocation's own quota or
// divisor table and the rank of every seat (`explainAllocation` over the very allocation the
// results show), and the precincts whose counted protocols make up each list's votes — their
// totals only (signatures and submitters are the auditors' explain, @tally/audit). Answered at
// the contest's allocating scope only, like every other seat figure.
import { explainAllocation, type SeatExplanation } from '../allocation/seat-explanation';
import { COL_AGAINST_ALL, COL_FOUND, COL_INVALID, FIXED_COLUMNS } from './results.layout';
import type { ListContestResults } from './results.queries';
import type { ResultsView } from './results.view';
import { inputOf, scoped, type SeatAnalysisRefusal } from './seat-analysis.queries';

/** One precinct's counted protocol, as it enters the contest's totals. */
export interface PrecinctTotals {
  readonly precinctId: string;
  /** The protocol version counted (1, or a correction's). */
  readonly version: number;
  /** Votes per list, in ballot order (the contest's `lists`). */
  readonly votes: readonly number[];
  readonly againstAll: number;
  readonly invalid: number;
  readonly ballotsFound: number;
}

export interface PrecinctPage {
  /** Precincts of the contest with a counted protocol, in the election's order. */
  readonly total: number;
  readonly offset: number;
  readonly precincts: readonly PrecinctTotals[];
}

export type ContestExplanation =
  | {
      readonly kind: 'explanation';
      readonly results: ListContestResults;
      /** Null when the provisional result is no allocation (a tie awaiting a lot, no votes): `unavailable` says which. */
      readonly explanation: SeatExplanation | null;
      readonly unavailable: string | null;
      readonly precincts: PrecinctPage;
    }
  | SeatAnalysisRefusal;

export interface PrecinctWindow {
  readonly offset: number;
  readonly limit: number;
}

/** The explanation of the contest's provisional seats at its allocating scope, and one page of the precincts behind them. */
export function contestExplanation(view: ResultsView, commissionId: string, contestId: string, window: PrecinctWindow): ContestExplanation {
  const s = scoped(view, commissionId, contestId);
  if (s.kind !== 'scoped') return s;
  const a = s.allocation;
  const explanation = a.kind === 'allocated' ? explainAllocation(inputOf(s), a) : null;
  return {
    kind: 'explanation',
    results: s.results,
    explanation,
    unavailable: a.kind === 'allocated' ? null : a.kind === 'tie' ? 'tie' : a.reason,
    precincts: precinctTotals(view, contestId, window),
  };
}

/**
 * The counted rows of the contest, one page. At the allocating scope the commission holds every
 * precinct of the contest, so the page walks the contest's rows: their sums are the results' figures.
 */
function precinctTotals(view: ResultsView, contestId: string, window: PrecinctWindow): PrecinctPage {
  const k = view.layout.contestOrdinal.get(contestId);
  if (k === undefined) throw new Error(`no layout for contest ${contestId}`);
  const layout = view.layout.contests[k];
  const state = view.contests[k];
  const width = layout.width;
  const lists = layout.choiceIds.length;
  const precincts: PrecinctTotals[] = [];
  let total = 0;
  for (let r = 0; r < layout.members.length; r++) {
    const version = state.versions[r];
    if (version === 0) continue;
    if (total >= window.offset && precincts.length < window.limit) {
      const base = r * width;
      const votes = new Array<number>(lists);
      for (let c = 0; c < lists; c++) votes[c] = state.rows[base + FIXED_COLUMNS + c];
      precincts.push({
        precinctId: view.election.precinctIds[layout.members[r]],
        version,
        votes,
        againstAll: state.rows[base + COL_AGAINST_ALL],
        invalid: state.rows[base + COL_INVALID],
        ballotsFound: state.rows[base + COL_FOUND],
      });
    }
    total++;
  }
  return { total, offset: window.offset, precincts };
}
