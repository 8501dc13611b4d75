// Explain: the events behind a figure. For one commission and contest (any level), the figure as
// the views compute it at the bound, and every protocol of every precinct beneath: its versions
// with positions, submitters, signatures (checked), the reason of each correction and the lines
// it changed, which version is counted, and how the counted protocols add up to the figure; and
// each precinct's protocols refused at intake (the body is not kept: their contest is unknown).
import { commissionResults, protocolLines, type ContestResults, type ElectionIndex, type PrecinctCommand, type PrecinctEvent, type Protocol, type SubmissionSignature } from '@tally/domain';
import type { EventStore, RecordedEvent } from '@tally/event-store';
import { queueAppendedAt } from './queue-time';
import { findSigner, signedSubjectOfCommand, signedSubjectOfEvent, type SignedSubject } from '@tally/signatures';
import { isPrecinctStream, precinctOfStream } from '@tally/projection';
import { loadElections, type Bound, type LoadedElections, type ScanProgress } from './audit-scan';
import { replay } from './replay';
import { readPrecinctEvent, type UnreadableRecord } from './unreadable';
import { readIntakeRejections, type IntakeRefusalRecord } from './intake-refusals';
import type { SetAsideRecord } from './set-asides';

export const AGAINST_ALL = 'against-all';
export const INVALID = 'invalid';

export interface ExplainRequest {
  readonly electionId: string;
  readonly commissionId: string;
  readonly contestId: string;
  /** List or candidate ids, `against-all`, `invalid`; all the ballot's choices when absent. */
  readonly choices?: readonly string[];
  readonly until?: Bound;
  /** Also explain the contest's running turnout at this reporting time (one of the definition's `turnoutTimes`). */
  readonly turnoutTime?: string;
  readonly onProgress?: (progress: ScanProgress) => void;
  readonly elections?: LoadedElections;
}

export type ExplainError =
  | { readonly code: 'UNKNOWN_ELECTION'; readonly message: string }
  | { readonly code: 'UNKNOWN_COMMISSION'; readonly message: string }
  | { readonly code: 'UNKNOWN_CONTEST'; readonly message: string }
  | { readonly code: 'UNKNOWN_CHOICE'; readonly message: string }
  | { readonly code: 'UNKNOWN_TURNOUT_TIME'; readonly message: string };

export interface LineChange {
  /** The protocol line, e.g. `votes.amanat`, `ballotsIssued.early`, `invalid`. */
  readonly line: string;
  readonly from: number | null;
  readonly to: number | null;
}

/** Where a precinct's fact was recorded, who sent it, and its signature (verified by the keys valid when it was received). */
export interface RecordedFact {
  readonly position: string;
  readonly recordedAt: string;
  readonly streamName: string;
  readonly revision: string;
  readonly eventId: string;
  readonly submissionId: string;
  readonly submittedBy: string;
  readonly receivedAt: string;
  /** When the queue took it, by the queue's clock (the recorder's metadata queue.appendedAt); absent when the queue did not say. */
  readonly queuedAt?: string;
  readonly signature: { readonly keyId: string; readonly value: string; readonly verified: boolean } | null;
}

export interface ProtocolVersion extends RecordedFact {
  readonly type: 'ProtocolRecorded' | 'ProtocolCorrected';
  readonly version: number;
  readonly reason?: string;
  readonly supersedes?: string;
  /** Against the version it superseded; every line for the first version. */
  readonly changes: readonly LineChange[];
  /** The selected choices' lines in this version. */
  readonly lines: Readonly<Record<string, number>>;
}

export interface RefusedSubmission {
  readonly position: string;
  readonly recordedAt: string;
  readonly streamName: string;
  readonly submissionId: string;
  readonly submittedBy: string;
  readonly kind: string;
  readonly codes: readonly string[];
}

export interface PrecinctExplanation {
  readonly precinctId: string;
  /** The version the figure counts; null when the precinct has not reported this contest. */
  readonly counted: { readonly version: number; readonly submissionId: string; readonly position: string } | null;
  readonly versions: readonly ProtocolVersion[];
  readonly refused: readonly RefusedSubmission[];
  /**
   * Protocols and corrections of this precinct that intake refused at the door, signed by an
   * entitled key: this contest's, and those recorded before what was signed was kept (their
   * contest unknown, every contest explained lists them). Intake records these best effort: one
   * can be missing.
   */
  readonly refusedAtIntake: readonly Verified<IntakeRefusalRecord>[];
  /**
   * Protocols and corrections of this contest intake acknowledged and a recorder set aside
   * (dead-lettered): heard, not recorded, with the letter's reason. One whose command the store
   * could not keep (UNSTORABLE) names no contest and is listed for every contest.
   */
  readonly setAside: readonly Verified<SetAsideRecord>[];
}

/**
 * A record with, where it keeps what was signed, whether the signature is its submitter's by a key
 * valid when it was received (as for the versions); absent where nothing signed is kept.
 */
export type Verified<R> = R & { readonly verified?: boolean };

/** One turnout report of a precinct at the explained time, as recorded. */
export interface TurnoutReportVersion extends RecordedFact {
  /** The signed version (v2); absent for a report recorded before v2. */
  readonly version?: number;
  readonly ballotsIssued: number;
}

export interface TurnoutPrecinct {
  readonly precinctId: string;
  /** Voters on the precinct's list, per the definition: what its report is a share of. */
  readonly registeredVoters: number;
  /** The report the figure counts (a later report replaces an earlier one); null when none is counted. */
  readonly counted: { readonly ballotsIssued: number; readonly submissionId: string; readonly position: string } | null;
  readonly reports: readonly TurnoutReportVersion[];
}

/** The running turnout at one reporting time, and the reports behind it. */
export interface TurnoutExplanation {
  readonly time: string;
  /** As the results views compute it (the contest's `turnoutByTime` entry). */
  readonly figure: { readonly ballotsIssued: number; readonly registeredVoters: number; readonly precinctsReported: number };
  /** The same three summed over the counted reports: they must be equal. */
  readonly sumOfCounted: { readonly ballotsIssued: number; readonly registeredVoters: number; readonly precinctsReported: number };
  readonly reconciles: boolean;
  /** The precincts with a report at that time. */
  readonly precincts: readonly TurnoutPrecinct[];
  /** Precincts under the commission voting in the contest with no report at that time. */
  readonly notReported: number;
}

export interface Explanation {
  readonly electionId: string;
  readonly commissionId: string;
  readonly contestId: string;
  readonly choices: readonly string[];
  /** The last event of the election folded in: what the figure reflects. */
  readonly position: string | null;
  readonly recordedAt: string | null;
  /** The figure as the results views compute it (the same object the API serves). */
  readonly results: ContestResults;
  /** Per selected choice: the figure, and the sum of the counted protocols' lines. They must be equal. */
  readonly totals: readonly { readonly choice: string; readonly figure: number; readonly sumOfCounted: number }[];
  readonly reconciles: boolean;
  readonly precincts: readonly PrecinctExplanation[];
  /** Precincts under the commission voting in the contest that have no protocol in yet. */
  readonly notReported: readonly string[];
  /** With `turnoutTime`: the running turnout at that time, and the reports behind it. */
  readonly turnout?: TurnoutExplanation;
  /**
   * Records that do not read as what their stream holds: precinct events in those precincts'
   * streams (verify fails them), refusals in the election's intake-rejections stream. Not
   * explained, listed.
   */
  readonly unreadable: readonly UnreadableRecord[];
}

const figureOf = (results: ContestResults, choice: string): number => {
  if (choice === AGAINST_ALL) return results.againstAll;
  if (choice === INVALID) return results.invalid;
  const entry = results.kind === 'list' ? results.lists.find((l) => l.id === choice) : results.candidates.find((c) => c.id === choice);
  return entry?.votes ?? 0;
};

const lineOf = (p: Protocol, choice: string): number => (choice === AGAINST_ALL ? p.againstAll : choice === INVALID ? p.invalid : (p.votes[choice] ?? 0));

/** The form's lines are the domain's (`protocolLines`); kept in this API for its callers. */
export { protocolLines };

/** The lines that differ between two versions (every line of `to` when there is no `from`). */
export function diffProtocols(from: Protocol | undefined, to: Protocol): LineChange[] {
  const before = new Map(from ? protocolLines(from) : []);
  const after = new Map(protocolLines(to));
  const lines = [...new Set([...before.keys(), ...after.keys()])];
  return lines
    .filter((line) => before.get(line) !== after.get(line))
    .map((line) => ({ line, from: before.get(line) ?? null, to: after.get(line) ?? null }));
}

export async function explain(store: EventStore, request: ExplainRequest): Promise<{ ok: true; value: Explanation } | { ok: false; error: ExplainError }> {
  const loaded = request.elections ?? (await loadElections(store));
  const defined = loaded.elections.get(request.electionId);
  if (!defined) return { ok: false, error: { code: 'UNKNOWN_ELECTION', message: `the store defines no election ${request.electionId}` } };
  const election: ElectionIndex = defined.index;
  if (!election.commission(request.commissionId)) {
    return { ok: false, error: { code: 'UNKNOWN_COMMISSION', message: `election ${request.electionId} has no commission ${request.commissionId}` } };
  }
  const contest = election.contest(request.contestId);
  if (!contest || election.expectedPrecincts(request.commissionId, request.contestId) === 0) {
    return { ok: false, error: { code: 'UNKNOWN_CONTEST', message: `no precinct under ${request.commissionId} votes in a contest ${request.contestId}` } };
  }
  const ballot = election.choices(contest.id);
  const choices = request.choices && request.choices.length > 0 ? [...request.choices] : [...ballot, ...(contest.againstAll ? [AGAINST_ALL] : [])];
  const unknown = choices.filter((c) => c !== AGAINST_ALL && c !== INVALID && !ballot.includes(c));
  if (unknown.length > 0) {
    return { ok: false, error: { code: 'UNKNOWN_CHOICE', message: `not on the ballot of ${contest.id}: ${unknown.join(', ')} (choices: ${[...ballot, AGAINST_ALL, INVALID].join(', ')})` } };
  }

  const turnoutTime = request.turnoutTime;
  if (turnoutTime !== undefined && !election.turnoutTimes.includes(turnoutTime)) {
    return { ok: false, error: { code: 'UNKNOWN_TURNOUT_TIME', message: `${request.electionId} reports turnout at ${election.turnoutTimes.join(', ')}, not at ${turnoutTime}` } };
  }

  const [start, end] = election.precinctRange(request.commissionId)!;
  const inScope = (precinctId: string | undefined): precinctId is string => {
    if (precinctId === undefined) return false;
    const d = election.precinctIndex(precinctId);
    return d !== undefined && d >= start && d < end;
  };
  const versions = new Map<string, ProtocolVersion[]>();
  const protocols = new Map<string, Protocol>();
  const refused = new Map<string, RefusedSubmission[]>();
  const counted = new Map<string, PrecinctExplanation['counted']>();
  const unreadable: UnreadableRecord[] = [];

  const reports = new Map<string, TurnoutReportVersion[]>();
  const countedReport = new Map<string, TurnoutPrecinct['counted']>();

  const observe = (e: RecordedEvent, _electionId: string, outcome: { kind: string } | undefined) => {
    if (outcome?.kind === 'went-live') {
      // The switch to live empties the view: no test fact counts after it (still listed).
      protocols.clear();
      counted.clear();
      countedReport.clear();
      return;
    }
    if (!isPrecinctStream(e.streamName)) return;
    const precinctId = precinctOfStream(e.streamName);
    if (!inScope(precinctId)) return;
    // Which contest an unreadable record was about cannot be told: every one beneath is listed.
    const event = readPrecinctEvent(e, unreadable);
    if (event === undefined) return;
    if (event.type === 'TurnoutReported') {
      if (event.data.time !== turnoutTime) return;
      const report: TurnoutReportVersion = {
        ...(event.data.version === undefined ? {} : { version: event.data.version }),
        ballotsIssued: event.data.ballotsIssued,
        ...recordOf(e, event, election),
      };
      reports.set(precinctId, [...(reports.get(precinctId) ?? []), report]);
      // A report the view applied replaces the precinct's earlier one for that time.
      if (outcome?.kind === 'applied') countedReport.set(precinctId, { ballotsIssued: report.ballotsIssued, submissionId: report.submissionId, position: e.position });
      return;
    }
    if (event.type === 'SubmissionRefused') {
      const payload = event.data.payload as { contestId?: unknown; protocol?: { contestId?: unknown } } | null;
      const contestOfPayload = event.data.kind === 'correction' ? payload?.protocol?.contestId : payload?.contestId;
      if (contestOfPayload !== contest.id) return;
      const list = refused.get(precinctId) ?? [];
      list.push({
        position: e.position,
        recordedAt: e.recordedAt.toISOString(),
        streamName: e.streamName,
        submissionId: event.data.submissionId,
        submittedBy: event.data.submittedBy,
        kind: event.data.kind,
        codes: event.data.reasons.map((r) => r.code),
      });
      refused.set(precinctId, list);
      return;
    }
    if (event.type !== 'ProtocolRecorded' && event.type !== 'ProtocolCorrected') return;
    if (event.data.contestId !== contest.id) return;
    const key = `${precinctId}`;
    const previous = protocols.get(key);
    const version: ProtocolVersion = {
      type: event.type,
      version: event.data.version,
      ...recordOf(e, event, election),
      ...(event.type === 'ProtocolCorrected' ? { reason: event.data.reason, supersedes: event.data.supersedes } : {}),
      changes: diffProtocols(previous, event.data.protocol),
      lines: Object.fromEntries(choices.map((c) => [c, lineOf(event.data.protocol, c)])),
    };
    const list = versions.get(precinctId) ?? [];
    list.push(version);
    versions.set(precinctId, list);
    // The view decides whether a version counts (a newer one supersedes, a redelivery does not).
    if (outcome?.kind === 'applied') {
      protocols.set(key, event.data.protocol);
      counted.set(precinctId, { version: event.data.version, submissionId: event.data.submissionId, position: e.position });
    }
  };

  const replayed = await replay(store, { until: request.until, electionId: request.electionId, elections: loaded, observe, onProgress: request.onProgress });
  const atIntake = new Map<string, Verified<IntakeRefusalRecord>[]>();
  const setAside = new Map<string, Verified<SetAsideRecord>[]>();
  const verifiedBy = (submittedBy: string | undefined, receivedAt: string, subject: SignedSubject | undefined, signature: SubmissionSignature | null | undefined): { verified?: boolean } => {
    if (subject === undefined || !signature || submittedBy === undefined) return {};
    try {
      return { verified: findSigner(election.keys, subject, signature, submittedBy, { at: receivedAt }).ok };
    } catch {
      return { verified: false }; // what it keeps has no signed form
    }
  };
  const rejections = await readIntakeRejections(store, request.electionId, request.until, unreadable);
  for (const r of rejections.refusals) {
    if (r.kind === 'turnout' || !inScope(r.precinctId) || (r.contestId !== undefined && r.contestId !== contest.id)) continue;
    atIntake.set(r.precinctId, [...(atIntake.get(r.precinctId) ?? []), { ...r, ...verifiedBy(r.submittedBy, r.receivedAt, r.signed?.subject, r.signed?.signature) }]);
  }
  for (const r of rejections.setAside) {
    const contestId = (r.command as { protocol?: { contestId?: unknown } } | undefined)?.protocol?.contestId;
    if (r.kind === 'turnout' || !inScope(r.precinctId) || (r.command !== undefined && contestId !== contest.id)) continue;
    const subject = r.command === undefined ? undefined : signedSubjectOfCommandOrNothing(r.command);
    setAside.set(r.precinctId, [...(setAside.get(r.precinctId) ?? []), { ...r, ...verifiedBy(r.submittedBy, r.receivedAt, subject, r.command?.meta.signature) }]);
  }
  const entry = replayed.elections.get(request.electionId)!;
  const results = commissionResults(entry.view, request.commissionId, contest.id)!;

  const members = election.precinctsInContest(contest.id);
  const precincts: PrecinctExplanation[] = [];
  const notReported: string[] = [];
  for (let i = 0; i < members.length; i++) {
    const d = members[i];
    if (d < start || d >= end) continue;
    const precinctId = election.precinctIds[d];
    const v = versions.get(precinctId);
    const r = refused.get(precinctId);
    const door = atIntake.get(precinctId);
    const aside = setAside.get(precinctId);
    if (!counted.has(precinctId)) notReported.push(precinctId);
    if (!v && !r && !door && !aside) continue;
    precincts.push({ precinctId, counted: counted.get(precinctId) ?? null, versions: v ?? [], refused: r ?? [], refusedAtIntake: door ?? [], setAside: aside ?? [] });
  }
  const turnout = turnoutTime === undefined ? undefined : turnoutExplanation(turnoutTime, results, members, start, end, election, reports, countedReport);
  const totals = choices.map((choice) => {
    let sum = 0;
    for (const p of precincts) {
      const c = p.counted;
      if (!c) continue;
      const version = p.versions.find((v) => v.submissionId === c.submissionId);
      sum += version?.lines[choice] ?? 0;
    }
    return { choice, figure: figureOf(results, choice), sumOfCounted: sum };
  });
  return {
    ok: true,
    value: {
      electionId: request.electionId,
      commissionId: request.commissionId,
      contestId: contest.id,
      choices,
      position: entry.last?.position ?? null,
      recordedAt: entry.last?.recordedAt ?? null,
      results,
      totals,
      reconciles: totals.every((t) => t.figure === t.sumOfCounted),
      precincts,
      notReported,
      ...(turnout === undefined ? {} : { turnout }),
      unreadable,
    },
  };
}

/** What a kept command's signature covers, or undefined when it has no signed form (a stored record is read, never trusted). */
function signedSubjectOfCommandOrNothing(command: PrecinctCommand): SignedSubject | undefined {
  try {
    return signedSubjectOfCommand(command);
  } catch {
    return undefined;
  }
}

/** Where a precinct's fact was recorded, who signed it (verified by the keys valid when it was received), and when the queue took it. */
function recordOf(e: RecordedEvent, event: Extract<PrecinctEvent, { type: 'ProtocolRecorded' | 'ProtocolCorrected' | 'TurnoutReported' }>, election: ElectionIndex): RecordedFact {
  const subject = signedSubjectOfEvent(event);
  const signature = event.data.signature;
  // By the keys valid when it was received: a signature by a key revoked by then is not verified.
  const verified = !!(signature && subject && findSigner(election.keys, subject, signature, event.data.submittedBy, { at: event.data.receivedAt }).ok);
  const queuedAt = queueAppendedAt(e);
  return {
    position: e.position,
    recordedAt: e.recordedAt.toISOString(),
    streamName: e.streamName,
    revision: e.revision.toString(),
    eventId: e.id,
    submissionId: event.data.submissionId,
    submittedBy: event.data.submittedBy,
    receivedAt: event.data.receivedAt,
    ...(queuedAt === undefined ? {} : { queuedAt }),
    signature: signature ? { keyId: signature.keyId, value: signature.value, verified } : null,
  };
}

function turnoutExplanation(
  time: string,
  results: ContestResults,
  members: ArrayLike<number>,
  start: number,
  end: number,
  election: ElectionIndex,
  reports: ReadonlyMap<string, TurnoutReportVersion[]>,
  counted: ReadonlyMap<string, TurnoutPrecinct['counted']>,
): TurnoutExplanation {
  const at = results.turnoutByTime.find((t) => t.time === time);
  const figure = { ballotsIssued: at?.ballotsIssued ?? 0, registeredVoters: at?.registeredVoters ?? 0, precinctsReported: at?.precinctsReported ?? 0 };
  const precincts: TurnoutPrecinct[] = [];
  const sum = { ballotsIssued: 0, registeredVoters: 0, precinctsReported: 0 };
  let notReported = 0;
  for (let i = 0; i < members.length; i++) {
    const d = members[i];
    if (d < start || d >= end) continue;
    const precinctId = election.precinctIds[d];
    const registeredVoters = election.precinct(precinctId)?.registeredVoters ?? 0;
    const c = counted.get(precinctId) ?? null;
    const r = reports.get(precinctId);
    if (c) {
      sum.ballotsIssued += c.ballotsIssued;
      sum.registeredVoters += registeredVoters;
      sum.precinctsReported++;
    } else notReported++;
    if (r) precincts.push({ precinctId, registeredVoters, counted: c, reports: r });
  }
  const reconciles = sum.ballotsIssued === figure.ballotsIssued && sum.registeredVoters === figure.registeredVoters && sum.precinctsReported === figure.precinctsReported;
  return { time, figure, sumOfCounted: sum, reconciles, precincts, notReported };
}
