// How final a figure is, said beside it: `certified` once the body's seats are certified (the
// votes of its contests are then fixed until a decertification), `summarized` where the
// commission's signed result protocol for the contest equals the figures shown now (a correction
// since makes it `provisional` again), else `provisional`. Read from the registry's fold of the
// election stream; the figures from the projector's view.
import type { ElectionIndex } from '@tally/domain';
import type { Lifecycle } from '../elections/election-registry.service';
import type { CommissionPayload, ContestResultsDto, FigureStatus } from './results.presenter';

export function figureStatus(lifecycle: Lifecycle | undefined, election: ElectionIndex, r: ContestResultsDto): FigureStatus {
  if (!lifecycle) return 'provisional';
  const body = election.contest(r.contestId)?.body;
  if (body !== undefined && lifecycle.certified.has(body)) return 'certified';
  const summary = lifecycle.summaries.get(`${r.commissionId}\u0000${r.contestId}`)?.act;
  return summary?.kind === 'summary' && summaryMatches(summary.precincts, summary.lines, r) ? 'summarized' : 'provisional';
}

/** The summary's lines against what the view holds of them: every precinct in, each choice's votes, against all, invalid, found. */
function summaryMatches(precincts: number, lines: Readonly<Record<string, number>>, r: ContestResultsDto): boolean {
  if (precincts !== r.precincts.reported || r.precincts.reported !== r.precincts.expected) return false;
  const choices = r.kind === 'list' ? r.lists : r.candidates;
  return (
    choices.every((c) => (lines[`votes.${c.id}`] ?? 0) === c.votes) &&
    (lines['againstAll'] ?? 0) === r.againstAll &&
    (lines['invalid'] ?? 0) === r.invalid &&
    (lines['ballotsFound'] ?? 0) === r.ballotsFound
  );
}

/** Each full contest of the payload with its status (under the embargo the payload holds none to judge). */
export function withStatus(payload: CommissionPayload, lifecycle: Lifecycle | undefined, election: ElectionIndex): CommissionPayload {
  return { ...payload, contests: payload.contests.map((c) => ('embargoed' in c ? c : { ...c, status: figureStatus(lifecycle, election, c) })) };
}
