// This election against the last one: each list's previous share, its swing in percentage points
// and its seat change; turnout's change. The last election's parties are carried over to this
// election's lists by the definition's successor mappings (Nur Otan → Amanat; two merged parties
// add up). Shares stay exact ratios; only the points are rounded, once, by `pointsBetween`.
import type { Ratio } from '../allocation/allocation.types';
import type { Baseline, InlineBaseline, LocalizedName, Successor } from '../election/election-definition';
import { pointsBetween } from '../percent';
import { bodyComposition, contestResults } from './results.queries';
import type { ResultsView } from './results.view';

/** The last election's figures for one body, whatever their source. */
export interface BaselineFigures {
  readonly name: LocalizedName;
  readonly date: string;
  /** Every party's share is of one base (one denominator), so merged parties add up exactly. */
  readonly parties: readonly { readonly party: string; readonly share: Ratio; readonly seats: number }[];
  readonly turnout: Ratio | null;
}

export interface ListComparison {
  readonly list: string;
  /** This election's share (of the list contest's threshold base) and seats in the body. */
  readonly share: Ratio;
  readonly seats: number;
  /** The last election's figures of the parties it succeeds (itself included); null when none. */
  readonly previousShare: Ratio | null;
  readonly previousSeats: number | null;
  /** share − previousShare, percentage points, two decimals; null without a previous share. */
  readonly swingPoints: number | null;
  /**
   * seats − previousSeats; null without previous seats, or while any seat of the body is
   * undecided (a contest pending: no votes yet, a lot not drawn): a change against the last
   * election's full body would count the undecided seats as lost.
   */
  readonly seatChange: number | null;
  /** The last election's parties counted for this list. */
  readonly predecessors: readonly string[];
}

export interface BaselineComparison {
  readonly bodyId: string;
  readonly baseline: { readonly name: LocalizedName; readonly date: string; readonly source: Baseline['kind'] };
  readonly lists: readonly ListComparison[];
  readonly turnout: { readonly current: Ratio; readonly previous: Ratio | null; readonly changePoints: number | null };
  /** Parties of the last election with no list now (not mapped, not on this ballot). */
  readonly unmatched: readonly { readonly party: string; readonly share: Ratio; readonly seats: number }[];
}

/** Published percentages have two decimals: exactly hundredths of a percent, over 10 000. */
const published = (percent: number): Ratio => ({ numerator: Math.round(percent * 100), denominator: 10000 });

export function inlineBaselineFigures(b: InlineBaseline): BaselineFigures {
  return {
    name: b.name,
    date: b.date,
    parties: b.parties.map((p) => ({ party: p.party, share: published(p.sharePercent), seats: p.seats })),
    turnout: b.turnoutPercent === undefined ? null : published(b.turnoutPercent),
  };
}

/** Another election's body as a baseline, from its own results view (its list contest at the allocating scope). */
export function resultsBaselineFigures(previous: ResultsView, bodyId: string): BaselineFigures | undefined {
  const body = previous.election.body(bodyId);
  const composition = bodyComposition(previous, bodyId);
  if (!body || !composition) return undefined;
  const listContest = previous.election.listContestOfBody(bodyId);
  const results = listContest ? contestResults(previous, listContest.id) : undefined;
  const seats = new Map(composition.composition.parties.map((p) => [p.party, p.seats]));
  const parties = results?.kind === 'list' ? results.lists.map((l) => ({ party: l.id, share: l.share, seats: seats.get(l.id) ?? 0 })) : [];
  return { name: body.name, date: previous.election.definition.date, parties, turnout: results?.turnout ?? null };
}

/** The body's comparison with its baseline; undefined when the body has none or no list contest. */
export function compareWithBaseline(view: ResultsView, baseline: Baseline, figures: BaselineFigures): BaselineComparison | undefined {
  const listContest = view.election.listContestOfBody(baseline.body);
  const results = listContest ? contestResults(view, listContest.id) : undefined;
  const composition = bodyComposition(view, baseline.body);
  if (results?.kind !== 'list' || !composition) return undefined;
  const seats = new Map(composition.composition.parties.map((p) => [p.party, p.seats]));
  const { lists, unmatched } = compareLists(results.lists, seats, figures, baseline.successors, composition.composition.pending.length === 0);
  return {
    bodyId: baseline.body,
    baseline: { name: figures.name, date: figures.date, source: baseline.kind },
    lists,
    turnout: { current: results.turnout, previous: figures.turnout, changePoints: figures.turnout === null ? null : pointsBetween(results.turnout, figures.turnout) },
    unmatched,
  };
}

/**
 * Each list of this election (its share, and its seats in the body) against the baseline parties
 * it succeeds; the baseline's parties no list succeeds are `unmatched`. `settled`: every seat of
 * the body is decided (else no seat change is given).
 */
export function compareLists(
  current: readonly { readonly id: string; readonly share: Ratio }[],
  seats: ReadonlyMap<string, number>,
  figures: BaselineFigures,
  successors: readonly Successor[],
  settled = true,
): { lists: ListComparison[]; unmatched: BaselineFigures['parties'][number][] } {
  const successorOf = successorMap(successors);
  const onBallot = new Set(current.map((l) => l.id));
  const byList = new Map<string, BaselineFigures['parties'][number][]>();
  const unmatched: BaselineFigures['parties'][number][] = [];
  for (const p of figures.parties) {
    const list = successorOf.get(p.party) ?? p.party;
    if (onBallot.has(list)) byList.set(list, [...(byList.get(list) ?? []), p]);
    else unmatched.push(p);
  }
  const lists = current.map((l): ListComparison => {
    const before = byList.get(l.id) ?? [];
    const now = seats.get(l.id) ?? 0;
    if (before.length === 0) return { list: l.id, share: l.share, seats: now, previousShare: null, previousSeats: null, swingPoints: null, seatChange: null, predecessors: [] };
    const previousShare = sumShares(before.map((p) => p.share));
    const previousSeats = before.reduce((s, p) => s + p.seats, 0);
    return { list: l.id, share: l.share, seats: now, previousShare, previousSeats, swingPoints: pointsBetween(l.share, previousShare), seatChange: settled ? now - previousSeats : null, predecessors: before.map((p) => p.party) };
  });
  return { lists, unmatched };
}

function successorMap(successors: readonly Successor[]): ReadonlyMap<string, string> {
  return new Map(successors.map((s) => [s.from, s.to]));
}

/** Shares of one baseline share its base: merged parties' numerators add. */
function sumShares(shares: readonly Ratio[]): Ratio {
  const denominator = shares[0].denominator;
  if (shares.some((s) => s.denominator !== denominator)) throw new Error('baseline shares of different bases cannot be added');
  return { numerator: shares.reduce((n, s) => n + s.numerator, 0), denominator };
}
