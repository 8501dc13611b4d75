// `tally audit replay --until <position | ISO time>`: any commission's results as of that moment,
// folded by the very views the projector uses.
import { replay } from '@tally/audit';
import { viewDigest } from '@tally/projection';
import { commissionResults, electionSummary, type ContestResults } from '@tally/domain';
import { ExitCode, type CliIo } from '../cli.types';
import { alignTable, percent } from './allocate.format';
import { counted, progressLine, untilOption, withStore, type AuditDeps } from './audit-support';

export interface AuditReplayOptions {
  readonly until?: string;
  readonly election?: string;
  readonly commission?: string;
  readonly contest?: string;
  readonly json?: boolean;
}

export async function runAuditReplay(options: AuditReplayOptions, io: CliIo, deps: AuditDeps): Promise<ExitCode> {
  const until = untilOption(options.until);
  if (!until.ok) {
    io.stderr(`tally audit replay: ${until.message}\n`);
    return ExitCode.badInput;
  }
  const code = await withStore(deps, io, 'replay', async (store) => {
    const progress = progressLine(io, deps, 'replaying', until.value);
    const result = await replay(store, { until: until.value, electionId: options.election, onProgress: progress.onProgress });
    progress.done();
    if (options.election !== undefined && !result.elections.has(options.election)) {
      io.stderr(`tally audit replay: --election: the store defines no election ${options.election} (it has: ${[...result.elections.keys()].join(', ') || 'none'})\n`);
      return ExitCode.badInput;
    }
    const out = [];
    for (const [electionId, e] of result.elections) {
      const election = e.view.election;
      const commissionId = options.commission ?? election.root.id;
      if (!election.commission(commissionId)) {
        io.stderr(`tally audit replay: --commission: election ${electionId} has no commission ${commissionId}\n`);
        return ExitCode.badInput;
      }
      const contests = election.contestsAt(commissionId).filter((c) => options.contest === undefined || c.id === options.contest);
      if (options.contest !== undefined && contests.length === 0) {
        io.stderr(`tally audit replay: --contest: no precinct under ${commissionId} votes in a contest ${options.contest}\n`);
        return ExitCode.badInput;
      }
      out.push({
        electionId,
        digest: viewDigest(e.view),
        summary: electionSummary(e.view),
        commissionId,
        results: contests.map((c) => commissionResults(e.view, commissionId, c.id)!),
      });
    }
    if (options.json) {
      io.stdout(`${JSON.stringify({ until: options.until ?? null, through: result.through, eventsRead: result.eventsRead, elections: out }, null, 2)}\n`);
    } else {
      io.stdout(`Replayed ${counted(result.eventsRead, 'event')} through ${result.through?.position ?? '(empty store)'}${result.through ? ` (recorded ${result.through.recordedAt})` : ''}\n`);
      for (const e of out) {
        io.stdout(`\n${e.electionId} at ${e.commissionId}: ${e.summary.protocols.reported}/${e.summary.protocols.expected} protocols, ${e.summary.precincts.reported}/${e.summary.precincts.expected} precincts complete; state digest ${e.digest}\n`);
        for (const r of e.results) io.stdout(formatResults(r));
      }
    }
    return ExitCode.ok;
  });
  return code ?? ExitCode.failure;
}

const pct = (n: number, d: number) => {
  const p = percent({ numerator: n, denominator: d });
  return p === null ? '—' : `${p.toFixed(2)}%`;
};

/** "41.34%, 297383 ballots issued to 719299 voters on the lists": a turnout as replay and explain print it. */
export const turnoutText = (issued: number, registered: number): string => `${pct(issued, registered)}, ${issued} ballots issued to ${registered} voters on the lists`;

export function formatResults(r: ContestResults): string {
  const rows: string[][] = [['choice', 'votes', 'share', r.kind === 'list' ? 'seats' : '']];
  if (r.kind === 'list') for (const l of r.lists) rows.push([l.id, String(l.votes), pct(l.votes, r.base), l.seats === null ? '—' : String(l.seats)]);
  else for (const c of r.candidates) rows.push([c.id, String(c.votes), pct(c.votes, r.base), r.outcome?.kind === 'winner' && r.outcome.winner === c.id ? 'elected' : '']);
  rows.push(['against all', String(r.againstAll), pct(r.againstAll, r.base), '']);
  rows.push(['invalid', String(r.invalid), '', '']);
  const head = `\n  ${r.contestId} (${r.kind}): ${r.precincts.reported}/${r.precincts.expected} precincts; base ${r.base}${r.kind === 'list' ? ` (${r.baseKind})` : ''}\n`;
  return `${head}${turnoutLines(r)}${alignTable(rows, [false, true, true, true])
    .split('\n')
    .map((l) => (l ? `    ${l}` : l))
    .join('\n')}\n`;
}

/**
 * Turnout as the dashboard shows it: from the protocols (ballots issued over the voters on their
 * lists), and at each reporting time over the precincts that reported then; a time no precinct
 * reported yet is left out.
 */
function turnoutLines(r: ContestResults): string {
  const lines = [`    turnout (protocols): ${turnoutText(r.ballotsIssued.total, r.registeredVotersReported)}`];
  const times = r.turnoutByTime.filter((t) => t.precinctsReported > 0);
  if (times.length > 0) {
    lines.push(`    turnout by time: ${times.map((t) => `${t.time} ${pct(t.ballotsIssued, t.registeredVoters)} (${t.ballotsIssued} of ${t.registeredVoters}, ${counted(t.precinctsReported, 'precinct')})`).join('; ')}`);
  }
  return `${lines.join('\n')}\n`;
}
