// The demo's election night as a plan: what each commission submits and when (milliseconds
// from the start, at speed 1). Pure and deterministic, so the plan is testable apart from HTTP.
// Turnout at each reporting time first, then the protocols over a few minutes, a few broken
// protocols (intake refuses them at once), a few second protocols for a contest already recorded
// (the recorder refuses them: ALREADY_RECORDED), and a few corrections by district commissions.
// Each submission names the version it signs (scheme tally-submission-v2): every time is reported
// once (1), a protocol is 1, and a contest is corrected once at most (2). A second protocol
// differs from the first by a recounted vote: an exact re-send of a signed body is a replay, not
// a second act.
import type { ElectionIndex, FixtureProtocol, Protocol } from '@tally/domain';

export type PlannedSubmission =
  | { readonly kind: 'turnout'; readonly at: number; readonly precinctId: string; readonly time: string; readonly ballotsIssued: number; readonly version: 1 }
  | { readonly kind: 'protocol'; readonly at: number; readonly precinctId: string; readonly protocol: Protocol; readonly note?: 'broken' | 'duplicate' }
  | { readonly kind: 'correction'; readonly at: number; readonly precinctId: string; readonly protocol: Protocol; readonly reason: string; readonly corrector: string; readonly version: 2 };

export interface NightOptions {
  /** Precincts whose protocols are already in: skipped entirely (a second run on the same data). */
  readonly alreadyReported?: ReadonlySet<string>;
  readonly turnoutPhaseMs?: number;
  readonly protocolPhaseMs?: number;
}

// Share of the day's ballots issued by each reporting time (10:00 … 20:00), before jitter.
const CURVE = [0.12, 0.27, 0.45, 0.63, 0.82, 0.97];

/** A deterministic 0..1 value per (precinct, salt): the demo is the same every time. */
function unit(text: string, salt: number): number {
  let h = 2166136261 ^ salt;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return ((h >>> 0) % 100_000) / 100_000;
}

const issuedOf = (p: Protocol): number => p.ballotsIssued.atStation + p.ballotsIssued.early + p.ballotsIssued.mobile;

/** A recount: up to `n` votes moved from the first line to the second (every relation still holds); undefined if none can move. */
function recounted(p: Protocol, n: number): Protocol | undefined {
  const [a, b] = Object.keys(p.votes);
  const moved = Math.min(n, p.votes[a] ?? 0);
  if (b === undefined || moved === 0) return undefined;
  return { ...p, votes: { ...p.votes, [a]: p.votes[a] - moved, [b]: p.votes[b] + moved } };
}

export function planElectionNight(election: ElectionIndex, protocols: readonly FixtureProtocol[], options: NightOptions = {}): PlannedSubmission[] {
  const skip = options.alreadyReported ?? new Set<string>();
  const turnoutMs = options.turnoutPhaseMs ?? 60_000;
  const protocolMs = options.protocolPhaseMs ?? 180_000;
  const times = election.turnoutTimes;
  const todo = protocols.filter((p) => !skip.has(p.precinctId));
  const precincts = [...new Set(todo.map((p) => p.precinctId))];
  const issued = new Map<string, number>();
  for (const p of todo) if (!issued.has(p.precinctId)) issued.set(p.precinctId, issuedOf(p.protocol));

  const plan: PlannedSubmission[] = [];
  const slot = turnoutMs / Math.max(1, times.length);
  times.forEach((time, t) => {
    precincts.forEach((precinctId, i) => {
      // Some precincts skip a report; the running figure never goes down (the decider checks).
      if (unit(precinctId, 100 + t) < 0.08) return;
      const share = Math.min(1, CURVE[Math.min(t, CURVE.length - 1)] * (0.94 + 0.06 * unit(precinctId, 1)));
      const at = t * slot + (slot * 0.9 * i) / Math.max(1, precincts.length);
      plan.push({ kind: 'turnout', at, precinctId, time, ballotsIssued: Math.floor((issued.get(precinctId) ?? 0) * share), version: 1 });
    });
  });

  // Protocols arrive in the order the precincts finish counting (random-looking, fixed), and
  // faster in the middle of the night than at its start and end.
  const order = [...todo].sort((a, b) => unit(a.precinctId, 7) - unit(b.precinctId, 7) || (a.contestId < b.contestId ? -1 : 1));
  order.forEach((p, i) => {
    const x = (i + 0.5) / order.length;
    const eased = x < 0.5 ? 2 * x * x : 1 - (2 - 2 * x) ** 2 / 2;
    const at = turnoutMs + eased * protocolMs;
    const r = unit(`${p.precinctId}/${p.contestId}`, 3);
    if (r < 0.025) {
      // A tired official's typo: one more ballot found than the lines add up to.
      plan.push({ kind: 'protocol', at: at - 1, precinctId: p.precinctId, protocol: { ...p.protocol, ballotsFound: p.protocol.ballotsFound + 1 }, note: 'broken' });
    }
    plan.push({ kind: 'protocol', at, precinctId: p.precinctId, protocol: p.protocol });
    if (r > 0.985) {
      // A precinct sends a second count instead of asking for a correction.
      const second = recounted(p.protocol, 1);
      if (second) plan.push({ kind: 'protocol', at: at + 1500, precinctId: p.precinctId, protocol: second, note: 'duplicate' });
    }
    if (r > 0.5 && r < 0.515) {
      // A recount moves a few votes between the first two lines.
      const protocol = recounted(p.protocol, 5);
      if (protocol) {
        plan.push({
          kind: 'correction',
          at: turnoutMs + protocolMs + 5_000 + i * 10,
          precinctId: p.precinctId,
          protocol,
          reason: 'recount ordered by the district commission',
          corrector: election.parentOf(p.precinctId) ?? election.root.id,
          version: 2,
        });
      }
    }
  });
  return plan.sort((a, b) => a.at - b.at);
}
