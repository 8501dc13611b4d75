// `tally audit explain --election E --commission C --contest K [--choice LIST]`: the events
// behind a figure — each precinct's protocol versions with positions, submitters, signatures,
// corrections and what each changed, and what intake refused at the door — and how the counted
// ones add up to it.
import { explain, type Explanation, type TurnoutExplanation } from '@tally/audit';
import { comparePositions } from '@tally/event-store';
import { ExitCode, type CliIo } from '../cli.types';
import { formatResults, turnoutText } from './audit-replay.command';
import { progressLine, untilOption, withStore, type AuditDeps } from './audit-support';

export interface AuditExplainOptions {
  readonly election: string;
  readonly commission: string;
  readonly contest: string;
  readonly choice?: string;
  readonly turnout?: string;
  readonly until?: string;
  readonly json?: boolean;
}

export async function runAuditExplain(options: AuditExplainOptions, io: CliIo, deps: AuditDeps): Promise<ExitCode> {
  const until = untilOption(options.until);
  if (!until.ok) {
    io.stderr(`tally audit explain: ${until.message}\n`);
    return ExitCode.badInput;
  }
  const choices = options.choice
    ?.split(',')
    .map((c) => c.trim())
    .filter((c) => c.length > 0);
  const code = await withStore(deps, io, 'explain', async (store) => {
    const progress = progressLine(io, deps, 'replaying', until.value);
    const result = await explain(store, {
      electionId: options.election,
      commissionId: options.commission,
      contestId: options.contest,
      choices,
      ...(options.turnout === undefined ? {} : { turnoutTime: options.turnout }),
      until: until.value,
      onProgress: progress.onProgress,
    });
    progress.done();
    if (!result.ok) {
      io.stderr(`tally audit explain: ${result.error.code}: ${result.error.message}\n`);
      return ExitCode.badInput;
    }
    io.stdout(options.json ? `${JSON.stringify(result.value, null, 2)}\n` : formatExplanation(result.value));
    return ExitCode.ok;
  });
  return code ?? ExitCode.failure;
}

export function formatExplanation(x: Explanation): string {
  const lines = [`${x.electionId} · ${x.commissionId} · ${x.contestId}, through position ${x.position ?? '(none)'} (recorded ${x.recordedAt ?? '—'})`];
  lines.push(formatResults(x.results).trimEnd());
  lines.push('', `  ${x.reconciles ? 'The counted protocols add up to every figure:' : 'MISMATCH between the counted protocols and the figures:'}`);
  for (const t of x.totals) lines.push(`    ${t.choice}: figure ${t.figure}, sum of counted protocols ${t.sumOfCounted}`);
  lines.push('', `  ${x.precincts.length} precinct(s) with submissions; ${x.notReported.length} not reported${x.notReported.length > 0 && x.notReported.length <= 20 ? `: ${x.notReported.join(', ')}` : ''}`);
  for (const p of x.precincts) {
    lines.push(`  ${p.precinctId}: ${p.counted ? `counts version ${p.counted.version}` : 'nothing counted'}`);
    // Every attempt in the store's order: versions, the decider's refusals, intake's.
    const entries: { position: string; text: string[] }[] = [];
    for (const v of p.versions) {
      const sig = v.signature ? `signed ${v.signature.keyId} (${v.signature.verified ? 'verified' : 'DOES NOT VERIFY'})` : 'UNSIGNED';
      const shown = v.version === 1 ? Object.entries(v.lines).map(([k, n]) => `${k} ${n}`) : v.changes.map((c) => `${c.line} ${c.from ?? '—'} → ${c.to ?? '—'}`);
      entries.push({
        position: v.position,
        text: [
          `    v${v.version} ${v.type} at ${v.position} (${v.recordedAt}) by ${v.submittedBy}, ${sig}, submission ${v.submissionId}`,
          `       received ${v.receivedAt}${v.queuedAt === undefined ? ' (no queue time kept)' : `, queued ${v.queuedAt}`}`,
          ...(v.reason !== undefined ? [`       reason: ${v.reason}; supersedes ${v.supersedes}`] : []),
          `       ${v.version === 1 ? 'lines' : 'changed'}: ${shown.join(', ') || '(nothing)'}`,
        ],
      });
    }
    for (const r of p.refused) entries.push({ position: r.position, text: [`    refused ${r.kind} at ${r.position} by ${r.submittedBy}: ${r.codes.join(', ')}`] });
    for (const r of p.refusedAtIntake) {
      const by = r.submittedBy ?? '(not named: recorded before issue 11)';
      const sig = r.signed ? `, signed ${r.signed.signature.keyId} (${r.verified ? 'verified' : 'DOES NOT VERIFY'})` : '';
      entries.push({ position: r.position, text: [`    refused at intake: ${r.kind} at ${r.position} (received ${r.receivedAt}) by ${by}${sig}: ${r.status} ${r.codes.join(', ')}; body sha256 ${r.bodySha256 ?? '(not read)'}`] });
    }
    for (const r of p.setAside) {
      const letter = `${r.deadLetter.topic}/${r.deadLetter.partition}@${r.deadLetter.offset}`;
      const signature = r.command?.meta.signature;
      const sig = signature ? `, signed ${signature.keyId} (${r.verified ? 'verified' : 'DOES NOT VERIFY'})` : '';
      entries.push({ position: r.position, text: [`    set aside: ${r.kind} at ${r.position} (received ${r.receivedAt}) by ${r.submittedBy}${sig}, submission ${r.submissionId}: ${r.code} ${r.reason}; not recorded (dead letter of ${letter})`] });
    }
    for (const e of entries.sort((a, b) => comparePositions(a.position, b.position))) lines.push(...e.text);
  }
  const refusals = x.precincts.flatMap((p) => p.refusedAtIntake);
  if (refusals.some((r) => r.contestId === undefined)) {
    lines.push('  (refused at intake: the body is not kept, only its SHA-256, and records written before 2026-12-06 keep no signed subject, so which contest they were for is not known; intake records these best effort)');
  } else if (refusals.length > 0) {
    lines.push('  (refused at intake: the body is not kept, only its SHA-256 and what the key signed; intake records these best effort)');
  }
  if (x.turnout) lines.push(...turnoutLines(x.turnout));
  for (const u of x.unreadable) lines.push(`  UNREADABLE ${u.type} at ${u.position} (${u.streamName}@${u.revision}): ${u.reason}`);
  return `${lines.join('\n')}\n`;
}

/** The turnout at one time: the figure, how the counted reports add up to it, and each precinct's reports. */
function turnoutLines(t: TurnoutExplanation): string[] {
  const f = t.figure;
  const s = t.sumOfCounted;
  const lines = [
    '',
    `  turnout at ${t.time}: ${turnoutText(f.ballotsIssued, f.registeredVoters)} of ${f.precinctsReported} reporting precinct(s)`,
    `  ${t.reconciles ? 'The counted reports add up to it' : 'MISMATCH between the counted reports and the figure'}: ${turnoutText(s.ballotsIssued, s.registeredVoters)}, ${s.precinctsReported} precinct(s); ${t.notReported} not reported at ${t.time}`,
  ];
  for (const p of t.precincts) {
    lines.push(`  ${p.precinctId}: ${p.counted ? `counts ${p.counted.ballotsIssued} of ${p.registeredVoters}` : 'nothing counted'}`);
    for (const r of p.reports) {
      const sig = r.signature ? `signed ${r.signature.keyId} (${r.signature.verified ? 'verified' : 'DOES NOT VERIFY'})` : 'UNSIGNED';
      lines.push(`    ${r.version === undefined ? 'v1-era' : `v${r.version}`} ${r.ballotsIssued} at ${r.position} (${r.recordedAt}) by ${r.submittedBy}, ${sig}, submission ${r.submissionId}`);
      lines.push(`       received ${r.receivedAt}${r.queuedAt === undefined ? ' (no queue time kept)' : `, queued ${r.queuedAt}`}`);
    }
  }
  return lines;
}
