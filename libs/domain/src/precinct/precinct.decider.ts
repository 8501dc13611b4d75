// The precinct's stream: one protocol per contest (then corrections), running turnout, and a
// refusal event for everything it will not record. Three plain functions, pure and synchronous.
//
// Every signed subject fixes its place in the precinct's history (scheme tally-submission-v2,
// libs/signatures): the commission signs a version with the content, so a signed body can be
// applied once at most, and an old one re-sent can never roll a figure back.
// - A contest's protocol is version 1; each correction signs the version it creates, the
//   contest's current version + 1. A turnout report signs the version of its time's figure: 1
//   for the first report of that time, then current + 1 for each revision.
// - A version at or below the current one is refused STALE_VERSION { version, current }; one
//   beyond current + 1 is refused FUTURE_VERSION { version, expected }: versions neither go back
//   nor skip. (A protocol's version other than 1 is stateless: checkSubmission's FUTURE_VERSION.)
// - A body whose signature value is already recorded in this stream, under another submission
//   id, is refused REPLAYED { submissionId, version } of the original. It is the one stream
//   reason then (its version is stale and its contest recorded by construction; saying so again
//   adds nothing). The state keeps the signature values of recorded facts only, not of refusals:
//   a refused body was never applied, and a stream stays a few KiB.
// - A body without a version (v1) is refused VERSION_REQUIRED. Events recorded before v2 still
//   fold: a v1-era TurnoutReported has no version and is read as 1. An auditor re-deciding that
//   history sets `beforeV2` in the context: a command without a version is then judged by the
//   rules of its time (no version asked, none recorded, no replay check). The recorder never
//   sets it.
// - A v2 refusal keeps the version in its payload: a protocol's is { protocol, version }, a
//   correction's { protocol, reason, supersedes?, version }, a turnout report's
//   { time, ballotsIssued, version } (a v1 refusal's, as before: the protocol itself, and so on).
//
// Decisions on the open points:
// - A repeated submission id decides nothing ([]), whatever it carries and however it ended
//   (recorded or refused): the queue redelivers, and the first outcome stands.
// - A second protocol for a recorded contest is refused ALREADY_RECORDED even if identical:
//   a new submission id is a new act; changes go through CorrectProtocol.
// - A turnout report for a time already reported replaces it when it signs the next version (a
//   mistyped running figure has no other way to be fixed and is not a legal document); it must
//   still fit the other times.
// - A turnout report after a protocol is recorded is accepted: late data is still data, and
//   the final protocol, not the running turnout, is what counts.
// - Refusal reasons are collected, not stopped at the first; only an unknown election or
//   precinct ends the checks, because nothing else can be judged without them, and a contest that
//   is unknown or not voted here ends them before the stream and the control relations.
//
// What needs no stream (place, version, scope, reason, contest, control relations) is
// checkSubmission's (check-submission.ts), which intake runs too; this file adds what needs the
// stream: ALREADY_RECORDED, NOTHING_TO_CORRECT, STALE_CORRECTION, TURNOUT_DECREASED,
// STALE_VERSION, FUTURE_VERSION, REPLAYED.
import type { ElectionIndex } from '../election/election-index';
import type { Protocol } from '../protocol/protocol';
import type { ProtocolRules } from '../protocol/protocol.validation';
import type { Refusal } from '../protocol/refusal';
import { checkSubmission } from './check-submission';
import type { CorrectProtocol, PrecinctCommand, ReportTurnout, SubmitProtocol } from './precinct.commands';
import type { PrecinctEvent, SubmissionMeta, SubmissionRefused } from './precinct.events';

export interface RecordedProtocol {
  /** 1 for the first protocol, n+1 for each correction. */
  readonly version: number;
  readonly submissionId: string;
  readonly protocol: Protocol;
}

export interface TurnoutEntry {
  readonly ballotsIssued: number;
  readonly submissionId: string;
  /** The version of this time's figure: 1 for the first report (and for any v1-era one), then +1 per revision. */
  readonly version: number;
}

/** The recorded fact a signature value was applied as. */
export interface RecordedSignature {
  readonly submissionId: string;
  readonly version: number;
}

export interface PrecinctState {
  /** The current version of each contest's protocol, by contest id. */
  readonly contests: ReadonlyMap<string, RecordedProtocol>;
  /** The latest report for each reporting time, by local time of day ("HH:MM"). */
  readonly turnout: ReadonlyMap<string, TurnoutEntry>;
  /** Every submission id that reached the stream, recorded or refused. */
  readonly seen: ReadonlySet<string>;
  /** The signature value (base64) of every recorded fact, refusals not included. */
  readonly signatures: ReadonlyMap<string, RecordedSignature>;
  /**
   * Whose facts `contests` and `turnout` hold: the test epoch's (an election in test mode) or the
   * live count's; undefined before any. The live count starts from none of the test facts;
   * submission ids and signatures are kept across, so a test body is never recorded as live
   * (REPLAYED).
   */
  readonly epoch?: Epoch;
}

export type Epoch = 'test' | 'live';

/** The epoch a submission belongs to (SubmissionMeta.test). */
export const epochOf = (meta: { readonly test?: boolean }): Epoch => (meta.test === true ? 'test' : 'live');

/** The state as seen from `epoch`: another epoch's facts are not its own (ids and signatures stay). */
export function seenFrom(state: PrecinctState, epoch: Epoch): PrecinctState {
  return state.epoch === undefined || state.epoch === epoch ? state : { ...state, contests: new Map(), turnout: new Map(), epoch };
}

export interface PrecinctDeciderContext {
  readonly election: ElectionIndex;
  /** Weak control relations; the defaults of protocol.validation when absent. */
  readonly rules?: ProtocolRules;
  /**
   * Only for re-deciding history recorded before scheme v2 (the audit): a command without a
   * version is judged by the rules of then (no version asked, none recorded, no replay check).
   * The recorder never sets it: a new v1 body is refused VERSION_REQUIRED.
   */
  readonly beforeV2?: boolean;
  /**
   * The bodies whose seats are certified when the command is decided (the election stream's
   * ResultsCertified not yet withdrawn): a correction under one is refused RESULTS_CERTIFIED until
   * a decertification. The recorder passes its registry's; the audit the certifications before
   * the event in the store's order.
   */
  readonly certifiedBodies?: ReadonlySet<string>;
}

export const initialState = (): PrecinctState => ({ contests: new Map(), turnout: new Map(), seen: new Set(), signatures: new Map() });

/** The current version of a contest's protocol (0: none recorded) or of a turnout time's figure (0: not reported). */
export function currentVersion(state: PrecinctState, of: { readonly contestId: string } | { readonly time: string }): number {
  return ('contestId' in of ? state.contests.get(of.contestId)?.version : state.turnout.get(of.time)?.version) ?? 0;
}

/** How a signed version stands against the current one: the next (current + 1), stale (at or below it) or future (beyond the next). */
export type VersionStanding = 'next' | 'stale' | 'future';

export function versionStanding(version: number, current: number): VersionStanding {
  return version <= current ? 'stale' : version > current + 1 ? 'future' : 'next';
}

/** The version a TurnoutReported stands for: v1-era events carry none and are read as 1. */
export const turnoutVersion = (data: { readonly version?: number }): number => data.version ?? 1;

export function evolve(before: PrecinctState, event: PrecinctEvent): PrecinctState {
  const epoch = epochOf(event.data);
  const seen = new Set(before.seen).add(event.data.submissionId);
  const applied = (version: number): ReadonlyMap<string, RecordedSignature> =>
    event.data.signature === null ? before.signatures : new Map(before.signatures).set(event.data.signature.value, { submissionId: event.data.submissionId, version });
  // Epochs only go forward: a test fact recorded after live ones (a recorder that learnt of the
  // switch late) keeps its id and signature, never the live facts' place.
  if (before.epoch === 'live' && epoch === 'test') {
    const version = event.type === 'SubmissionRefused' ? undefined : event.type === 'TurnoutReported' ? turnoutVersion(event.data) : event.data.version;
    return { ...before, seen, signatures: version === undefined ? before.signatures : applied(version) };
  }
  const state = { ...seenFrom(before, epoch), epoch };
  switch (event.type) {
    case 'ProtocolRecorded':
    case 'ProtocolCorrected': {
      const { contestId, version, submissionId, protocol } = event.data;
      return { ...state, seen, signatures: applied(version), contests: new Map(state.contests).set(contestId, { version, submissionId, protocol }) };
    }
    case 'TurnoutReported': {
      const { time, ballotsIssued, submissionId } = event.data;
      const version = turnoutVersion(event.data);
      return { ...state, seen, signatures: applied(version), turnout: new Map(state.turnout).set(time, { ballotsIssued, submissionId, version }) };
    }
    case 'SubmissionRefused':
      return { ...state, seen };
    default: {
      const unknown: never = event;
      throw new Error(`unknown precinct event ${(unknown as { type: string }).type}`);
    }
  }
}

export function decide(command: PrecinctCommand, stream: PrecinctState, ctx: PrecinctDeciderContext): PrecinctEvent[] {
  if (stream.seen.has(command.meta.submissionId)) return [];
  const state = seenFrom(stream, epochOf(command.meta));
  switch (command.type) {
    case 'SubmitProtocol':
      return submitProtocol(command, state, ctx);
    case 'CorrectProtocol':
      return correctProtocol(command, state, ctx);
    case 'ReportTurnout':
      return reportTurnout(command, state, ctx);
    default: {
      const unknown: never = command;
      throw new Error(`unknown precinct command ${(unknown as { type: string }).type}`);
    }
  }
}

const refused = (meta: SubmissionMeta, kind: SubmissionRefused['data']['kind'], reasons: readonly Refusal[], payload: unknown): SubmissionRefused => ({
  type: 'SubmissionRefused',
  data: { ...meta, kind, reasons, payload },
});

/** The signed version, when the command carries one (a v1 body does not). */
const versioned = (version: number | undefined): { version?: number } => (version === undefined ? {} : { version });

/** REPLAYED when this signature value is a recorded fact's already (its submission id is another: a repeated id decides nothing). */
function replayOf(command: PrecinctCommand, state: PrecinctState, ctx: PrecinctDeciderContext): Refusal[] {
  const { signature } = command.meta;
  if (signature === null || (ctx.beforeV2 && command.version === undefined)) return [];
  const original = state.signatures.get(signature.value);
  if (original === undefined) return [];
  return [{
    code: 'REPLAYED',
    field: 'signature.value',
    message: `this signed body is recorded already, as submission ${original.submissionId} (version ${original.version}); sign the next version to change it`,
    operands: { submissionId: original.submissionId, version: original.version },
  }];
}

/** STALE_VERSION or FUTURE_VERSION unless the signed version is current + 1; nothing for a v1 command (checkSubmission answers it). */
function versionAgainst(version: number | undefined, current: number): Refusal[] {
  if (version === undefined) return [];
  switch (versionStanding(version, current)) {
    case 'stale':
      return [{ code: 'STALE_VERSION', field: 'version', message: `version ${version} is not newer than the current version ${current}`, operands: { version, current } }];
    case 'future':
      return [{ code: 'FUTURE_VERSION', field: 'version', message: `version ${version} skips ahead: the next version is ${current + 1}`, operands: { version, expected: current + 1 } }];
    case 'next':
      return [];
  }
}

function submitProtocol(command: SubmitProtocol, state: PrecinctState, ctx: PrecinctDeciderContext): PrecinctEvent[] {
  const { meta, protocol } = command;
  // A v1 protocol's payload is the protocol itself, as recorded before v2.
  const payload = command.version === undefined ? protocol : { protocol, version: command.version };
  const check = checkSubmission(command, ctx.election, { rules: ctx.rules, beforeV2: ctx.beforeV2 });
  const { place, version, scope, contest, relations } = check.refusals;
  if (place.length > 0) return [refused(meta, 'protocol', place, payload)];
  const replay = replayOf(command, state, ctx);
  if (check.contest === undefined) return [refused(meta, 'protocol', [...version, ...scope, ...replay, ...contest], payload)];

  const current = state.contests.get(check.contest.id);
  const recorded: Refusal[] =
    current === undefined
      ? []
      : [{ code: 'ALREADY_RECORDED', field: 'protocol.contestId', message: `a protocol for ${check.contest.id} is recorded; change it with a correction`, operands: { contestId: check.contest.id, version: current.version, submissionId: current.submissionId } }];
  const reasons = [...version, ...scope, ...(replay.length > 0 ? replay : recorded), ...relations];
  if (reasons.length > 0 || check.protocol === undefined) return [refused(meta, 'protocol', reasons, payload)];

  return [{ type: 'ProtocolRecorded', data: { ...meta, contestId: check.contest.id, protocol: check.protocol, version: 1 } }];
}

function correctProtocol(command: CorrectProtocol, state: PrecinctState, ctx: PrecinctDeciderContext): PrecinctEvent[] {
  const { meta, protocol, reason, supersedes } = command;
  const payload = { protocol, reason, ...(supersedes === undefined ? {} : { supersedes }), ...versioned(command.version) };
  const check = checkSubmission(command, ctx.election, { rules: ctx.rules, beforeV2: ctx.beforeV2 });
  const { place, version, scope, contest, relations } = check.refusals;
  if (place.length > 0) return [refused(meta, 'correction', place, payload)];
  const replay = replayOf(command, state, ctx);
  if (check.contest === undefined) return [refused(meta, 'correction', [...version, ...check.refusals.reason, ...scope, ...replay, ...contest], payload)];

  const current = state.contests.get(check.contest.id);
  const stale: Refusal[] =
    current === undefined
      ? [{ code: 'NOTHING_TO_CORRECT', field: 'protocol.contestId', message: `no protocol for ${check.contest.id} is recorded yet`, operands: { contestId: check.contest.id } }]
      : [
          ...(supersedes !== undefined && supersedes !== current.submissionId
            ? [{ code: 'STALE_CORRECTION' as const, field: 'supersedes', message: `the current version is ${current.version} (${current.submissionId})`, operands: { supersedes, current: current.submissionId, version: current.version } }]
            : []),
          ...(version.length > 0 ? [] : versionAgainst(command.version, current.version)),
        ];
  const body = check.contest.body;
  const certified: Refusal[] = ctx.certifiedBodies?.has(body)
    ? [{ code: 'RESULTS_CERTIFIED', field: 'protocol.contestId', message: `the seats of ${body} are certified: a correction under it needs their decertification first`, operands: { contestId: check.contest.id, bodyId: body } }]
    : [];
  const reasons = [...version, ...check.refusals.reason, ...scope, ...(replay.length > 0 ? replay : stale), ...certified, ...relations];
  if (reasons.length > 0 || check.protocol === undefined || current === undefined) return [refused(meta, 'correction', reasons, payload)];

  return [{
    type: 'ProtocolCorrected',
    data: { ...meta, contestId: check.contest.id, protocol: check.protocol, version: current.version + 1, supersedes: current.submissionId, reason },
  }];
}

function reportTurnout(command: ReportTurnout, state: PrecinctState, ctx: PrecinctDeciderContext): PrecinctEvent[] {
  const { meta, time, ballotsIssued } = command;
  const payload = { time, ballotsIssued, ...versioned(command.version) };
  const check = checkSubmission(command, ctx.election, { beforeV2: ctx.beforeV2 });
  const { place, version, scope, relations } = check.refusals;
  if (place.length > 0) return [refused(meta, 'turnout', place, payload)];

  const replay = replayOf(command, state, ctx);
  const stream: Refusal[] = [];
  if (check.turnout !== undefined && replay.length === 0) {
    if (version.length === 0) stream.push(...versionAgainst(command.version, currentVersion(state, { time })));
    // Running turnout only grows: no earlier time may show more, no later time less.
    // "HH:MM" strings order as the times they name.
    for (const [other, entry] of [...state.turnout].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const broken = (other < time && entry.ballotsIssued > ballotsIssued) || (other > time && entry.ballotsIssued < ballotsIssued);
      if (broken) {
        stream.push({
          code: 'TURNOUT_DECREASED',
          field: 'ballotsIssued',
          message: `${other < time ? 'an earlier' : 'a later'} report (${other}) has ${entry.ballotsIssued}`,
          operands: { time, ballotsIssued, otherTime: other, otherBallotsIssued: entry.ballotsIssued },
        });
      }
    }
  }
  const reasons = [...version, ...scope, ...replay, ...stream, ...relations];
  if (reasons.length > 0) return [refused(meta, 'turnout', reasons, payload)];
  return [{ type: 'TurnoutReported', data: { ...meta, time, ballotsIssued, ...versioned(command.version) } }];
}

/** The three functions together, as the recorder and the spec helper take them. */
export const precinctDecider = { decide, evolve, initialState } as const;
