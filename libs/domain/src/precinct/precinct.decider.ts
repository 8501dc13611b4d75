// The precinct's stream: one protocol per contest (then corrections), running turnout, and a
// refusal event for everything it will not record. Three plain functions, pure and synchronous.
//
// Decisions on the open points:
// - A repeated submission id decides nothing ([]), whatever it carries and however it ended
//   (recorded or refused): the queue redelivers, and the first outcome stands.
// - A second protocol for a recorded contest is refused ALREADY_RECORDED even if identical:
//   a new submission id is a new act; changes go through CorrectProtocol.
// - A turnout report for a time already reported replaces it (a mistyped running figure has no
//   other way to be fixed and is not a legal document); it must still fit the other times.
// - A turnout report after a protocol is recorded is accepted: late data is still data, and
//   the final protocol, not the running turnout, is what counts.
// - Refusal reasons are collected, not stopped at the first; only an unknown election or
//   precinct ends the checks, because nothing else can be judged without them, and a contest that
//   is unknown or not voted here ends them before the stream and the control relations.
//
// What needs no stream (place, scope, reason, contest, control relations) is checkSubmission's
// (check-submission.ts), which intake runs too; this file adds what needs the stream:
// ALREADY_RECORDED, NOTHING_TO_CORRECT, STALE_CORRECTION, TURNOUT_DECREASED.
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
}

export interface PrecinctState {
  /** The current version of each contest's protocol, by contest id. */
  readonly contests: ReadonlyMap<string, RecordedProtocol>;
  /** The latest report for each reporting time, by local time of day ("HH:MM"). */
  readonly turnout: ReadonlyMap<string, TurnoutEntry>;
  /** Every submission id that reached the stream, recorded or refused. */
  readonly seen: ReadonlySet<string>;
}

export interface PrecinctDeciderContext {
  readonly election: ElectionIndex;
  /** Weak control relations; the defaults of protocol.validation when absent. */
  readonly rules?: ProtocolRules;
}

export const initialState = (): PrecinctState => ({ contests: new Map(), turnout: new Map(), seen: new Set() });

export function evolve(state: PrecinctState, event: PrecinctEvent): PrecinctState {
  const seen = new Set(state.seen).add(event.data.submissionId);
  switch (event.type) {
    case 'ProtocolRecorded':
    case 'ProtocolCorrected': {
      const { contestId, version, submissionId, protocol } = event.data;
      return { ...state, seen, contests: new Map(state.contests).set(contestId, { version, submissionId, protocol }) };
    }
    case 'TurnoutReported': {
      const { time, ballotsIssued, submissionId } = event.data;
      return { ...state, seen, turnout: new Map(state.turnout).set(time, { ballotsIssued, submissionId }) };
    }
    case 'SubmissionRefused':
      return { ...state, seen };
    default: {
      const unknown: never = event;
      throw new Error(`unknown precinct event ${(unknown as { type: string }).type}`);
    }
  }
}

export function decide(command: PrecinctCommand, state: PrecinctState, ctx: PrecinctDeciderContext): PrecinctEvent[] {
  if (state.seen.has(command.meta.submissionId)) return [];
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

function submitProtocol(command: SubmitProtocol, state: PrecinctState, ctx: PrecinctDeciderContext): PrecinctEvent[] {
  const { meta, protocol } = command;
  const check = checkSubmission(command, ctx.election, { rules: ctx.rules });
  const { place, scope, contest, relations } = check.refusals;
  if (place.length > 0) return [refused(meta, 'protocol', place, protocol)];
  if (check.contest === undefined) return [refused(meta, 'protocol', [...scope, ...contest], protocol)];

  const current = state.contests.get(check.contest.id);
  const recorded: Refusal[] =
    current === undefined
      ? []
      : [{ code: 'ALREADY_RECORDED', field: 'protocol.contestId', message: `a protocol for ${check.contest.id} is recorded; change it with a correction`, operands: { contestId: check.contest.id, version: current.version, submissionId: current.submissionId } }];
  const reasons = [...scope, ...recorded, ...relations];
  if (reasons.length > 0 || check.protocol === undefined) return [refused(meta, 'protocol', reasons, protocol)];

  return [{ type: 'ProtocolRecorded', data: { ...meta, contestId: check.contest.id, protocol: check.protocol, version: 1 } }];
}

function correctProtocol(command: CorrectProtocol, state: PrecinctState, ctx: PrecinctDeciderContext): PrecinctEvent[] {
  const { meta, protocol, reason, supersedes } = command;
  const payload = supersedes === undefined ? { protocol, reason } : { protocol, reason, supersedes };
  const check = checkSubmission(command, ctx.election, { rules: ctx.rules });
  const { place, scope, contest, relations } = check.refusals;
  if (place.length > 0) return [refused(meta, 'correction', place, payload)];
  if (check.contest === undefined) return [refused(meta, 'correction', [...check.refusals.reason, ...scope, ...contest], payload)];

  const current = state.contests.get(check.contest.id);
  const stale: Refusal[] =
    current === undefined
      ? [{ code: 'NOTHING_TO_CORRECT', field: 'protocol.contestId', message: `no protocol for ${check.contest.id} is recorded yet`, operands: { contestId: check.contest.id } }]
      : supersedes !== undefined && supersedes !== current.submissionId
        ? [{ code: 'STALE_CORRECTION', field: 'supersedes', message: `the current version is ${current.version} (${current.submissionId})`, operands: { supersedes, current: current.submissionId, version: current.version } }]
        : [];
  const reasons = [...check.refusals.reason, ...scope, ...stale, ...relations];
  if (reasons.length > 0 || check.protocol === undefined || current === undefined) return [refused(meta, 'correction', reasons, payload)];

  return [{
    type: 'ProtocolCorrected',
    data: { ...meta, contestId: check.contest.id, protocol: check.protocol, version: current.version + 1, supersedes: current.submissionId, reason },
  }];
}

function reportTurnout(command: ReportTurnout, state: PrecinctState, ctx: PrecinctDeciderContext): PrecinctEvent[] {
  const { meta, time, ballotsIssued } = command;
  const payload = { time, ballotsIssued };
  const check = checkSubmission(command, ctx.election);
  const { place, scope, relations } = check.refusals;
  if (place.length > 0) return [refused(meta, 'turnout', place, payload)];

  const reasons = [...scope, ...relations];
  if (check.turnout !== undefined) {
    // Running turnout only grows: no earlier time may show more, no later time less.
    // "HH:MM" strings order as the times they name.
    for (const [other, entry] of [...state.turnout].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const broken = (other < time && entry.ballotsIssued > ballotsIssued) || (other > time && entry.ballotsIssued < ballotsIssued);
      if (broken) {
        reasons.push({
          code: 'TURNOUT_DECREASED',
          field: 'ballotsIssued',
          message: `${other < time ? 'an earlier' : 'a later'} report (${other}) has ${entry.ballotsIssued}`,
          operands: { time, ballotsIssued, otherTime: other, otherBallotsIssued: entry.ballotsIssued },
        });
      }
    }
  }
  if (reasons.length > 0) return [refused(meta, 'turnout', reasons, payload)];
  return [{ type: 'TurnoutReported', data: { ...meta, time, ballotsIssued } }];
}

/** The three functions together, as the recorder and the spec helper take them. */
export const precinctDecider = { decide, evolve, initialState } as const;
