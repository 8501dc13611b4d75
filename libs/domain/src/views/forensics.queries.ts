// The forensic signals of one commission in one contest, over the counted protocols of the
// precincts beneath it (the view's rows: a correction counts as the precinct's protocol, with its
// version). Arrival times are not in the view (they are the store's record times, kept by the
// caller from the events); they come in as a lookup.
import { forensics, type ForensicPrecinct, type ForensicsReport } from '../forensics/forensics';
import { COL_AGAINST_ALL, COL_ISSUED_AT_STATION, COL_ISSUED_EARLY, COL_ISSUED_MOBILE, COL_REGISTERED, FIXED_COLUMNS } from './results.layout';
import type { Progress } from './results.queries';
import type { ResultsView } from './results.view';

export type CommissionForensics =
  | {
      readonly kind: 'forensics';
      readonly commissionId: string;
      readonly contestId: string;
      /** The choice with the most votes under the commission (ties: the earlier on the ballot); null before any vote. */
      readonly leader: string | null;
      readonly precincts: Progress;
      readonly report: ForensicsReport;
    }
  | { readonly kind: 'unknown' };

/** When the store recorded a precinct's first protocol of the contest, in ms since the epoch. */
export type ArrivalLookup = (precinctId: string) => number | undefined;

export function commissionForensics(view: ResultsView, commissionId: string, contestId: string, arrivals: ArrivalLookup): CommissionForensics {
  const { layout } = view;
  const k = layout.contestOrdinal.get(contestId);
  const range = view.election.precinctRange(commissionId);
  if (k === undefined || range === undefined) return { kind: 'unknown' };
  const contest = layout.contests[k];
  const state = view.contests[k];
  const [start, end] = range;
  const width = contest.width;
  const choices = contest.choiceIds.length;

  // The rows beneath the commission, and the whole contest's corrections for the reference.
  const rows: number[] = [];
  let contestProtocols = 0;
  let contestCorrected = 0;
  const totals = new Float64Array(choices);
  for (let r = 0; r < contest.members.length; r++) {
    const version = state.versions[r];
    if (version === 0) continue;
    contestProtocols++;
    if (version > 1) contestCorrected++;
    const d = contest.members[r];
    if (d < start || d >= end) continue;
    rows.push(r);
    for (let c = 0; c < choices; c++) totals[c] += state.rows[r * width + FIXED_COLUMNS + c];
  }
  let expected = 0;
  for (let r = 0; r < contest.members.length; r++) if (contest.members[r] >= start && contest.members[r] < end) expected++;
  if (expected === 0) return { kind: 'unknown' };

  let leader = -1;
  for (let c = 0; c < choices; c++) if (totals[c] > 0 && (leader < 0 || totals[c] > totals[leader])) leader = c;

  const precincts: ForensicPrecinct[] = rows.map((r) => {
    const base = r * width;
    const d = contest.members[r];
    const id = view.election.precinctIds[d];
    const counts = new Array<number>(choices + 1);
    let valid = 0;
    for (let c = 0; c < choices; c++) valid += counts[c] = state.rows[base + FIXED_COLUMNS + c];
    valid += counts[choices] = state.rows[base + COL_AGAINST_ALL];
    return {
      precinctId: id,
      parentId: layout.territorialIds[layout.precinctParent[d]],
      registered: state.rows[base + COL_REGISTERED],
      ballotsIssued: state.rows[base + COL_ISSUED_AT_STATION] + state.rows[base + COL_ISSUED_EARLY] + state.rows[base + COL_ISSUED_MOBILE],
      validVotes: valid,
      leaderVotes: leader < 0 ? 0 : counts[leader],
      counts,
      version: state.versions[r],
      arrivedAt: arrivals(id) ?? null,
    };
  });
  return {
    kind: 'forensics',
    commissionId,
    contestId,
    leader: leader < 0 ? null : contest.choiceIds[leader],
    precincts: { reported: rows.length, expected },
    report: forensics({ precincts, contest: { protocols: contestProtocols, corrected: contestCorrected } }),
  };
}
