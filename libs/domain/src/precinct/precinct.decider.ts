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
//   precinct ends the checks, because nothing else can be judged without them.
import type { Contest, PrecinctCommission } from '../election/election-definition';
import type { ElectionIndex } from '../election/election-index';
import type { Protocol } from '../protocol/protocol';
import { validateProtocol, validateTurnoutReport, type ProtocolRules } from '../protocol/protocol.validation';
import type { Refusal } from '../protocol/refusal';
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

/** The election and the precinct; without both nothing else can be judged. */
function locate(meta: SubmissionMeta, ctx: PrecinctDeciderContext): { precinct: PrecinctCommission } | { reasons: Refusal[] } {
  if (meta.electionId !== ctx.election.definition.id) {
    return { reasons: [{ code: 'UNKNOWN_ELECTION', field: 'electionId', message: `no election ${meta.electionId} here`, operands: { electionId: meta.electionId, expected: ctx.election.definition.id } }] };
  }
  const precinct = ctx.election.precinct(meta.precinctId);
  if (precinct === undefined) {
    return { reasons: [{ code: 'UNKNOWN_PRECINCT', field: 'precinctId', message: `no precinct ${meta.precinctId} in election ${meta.electionId}`, operands: { precinctId: meta.precinctId } }] };
  }
  return { precinct };
}

/** The contest the protocol names, if it is known and voted at this precinct. */
function contestOf(protocol: unknown, precinct: PrecinctCommission, ctx: PrecinctDeciderContext): { contest: Contest } | { reasons: Refusal[] } {
  const contestId = typeof protocol === 'object' && protocol !== null ? (protocol as { contestId?: unknown }).contestId : undefined;
  if (typeof contestId !== 'string') {
    return { reasons: [{ code: 'MALFORMED', field: 'protocol.contestId', message: 'a protocol names its contest' }] };
  }
  const contest = ctx.election.contest(contestId);
  if (contest === undefined) {
    return { reasons: [{ code: 'UNKNOWN_CONTEST', field: 'protocol.contestId', message: `no contest ${contestId} in this election`, operands: { contestId } }] };
  }
  if (!precinct.contests.includes(contest.id)) {
    return { reasons: [{ code: 'CONTEST_NOT_AT_PRECINCT', field: 'protocol.contestId', message: `contest ${contestId} is not voted at precinct ${precinct.id}`, operands: { contestId, precinctId: precinct.id } }] };
  }
  return { contest };
}

function submitProtocol(command: SubmitProtocol, state: PrecinctState, ctx: PrecinctDeciderContext): PrecinctEvent[] {
  const { meta, protocol } = command;
  const located = locate(meta, ctx);
  if ('reasons' in located) return [refused(meta, 'protocol', located.reasons, protocol)];
  const { precinct } = located;

  const reasons: Refusal[] = [];
  if (meta.submittedBy !== precinct.id) {
    reasons.push({ code: 'OUT_OF_SCOPE', field: 'submittedBy', message: `only precinct commission ${precinct.id} submits its protocols`, operands: { submittedBy: meta.submittedBy, precinctId: precinct.id } });
  }
  const found = contestOf(protocol, precinct, ctx);
  if ('reasons' in found) return [refused(meta, 'protocol', [...reasons, ...found.reasons], protocol)];

  const current = state.contests.get(found.contest.id);
  if (current !== undefined) {
    reasons.push({ code: 'ALREADY_RECORDED', field: 'protocol.contestId', message: `a protocol for ${found.contest.id} is recorded; change it with a correction`, operands: { contestId: found.contest.id, version: current.version, submissionId: current.submissionId } });
  }
  const valid = validateProtocol(protocol, found.contest, precinct, { rules: ctx.rules });
  if (!valid.ok) reasons.push(...valid.error);
  if (!valid.ok || reasons.length > 0) return [refused(meta, 'protocol', reasons, protocol)];

  return [{ type: 'ProtocolRecorded', data: { ...meta, contestId: found.contest.id, protocol: valid.value, version: 1 } }];
}

function correctProtocol(command: CorrectProtocol, state: PrecinctState, ctx: PrecinctDeciderContext): PrecinctEvent[] {
  const { meta, protocol, reason, supersedes } = command;
  const payload = supersedes === undefined ? { protocol, reason } : { protocol, reason, supersedes };
  const located = locate(meta, ctx);
  if ('reasons' in located) return [refused(meta, 'correction', located.reasons, payload)];
  const { precinct } = located;

  const reasons: Refusal[] = [];
  if (typeof reason !== 'string' || reason.trim() === '') {
    reasons.push({ code: 'REASON_REQUIRED', field: 'reason', message: 'a correction states its reason' });
  }
  // Only a territorial commission above the precinct corrects it; the central one is above all.
  const corrector = ctx.election.commission(meta.submittedBy);
  if (corrector === undefined || corrector.level === 'precinct' || !ctx.election.isWithin(precinct.id, corrector.id)) {
    reasons.push({ code: 'OUT_OF_SCOPE', field: 'submittedBy', message: `${meta.submittedBy} is not a territorial commission above precinct ${precinct.id}`, operands: { submittedBy: meta.submittedBy, precinctId: precinct.id } });
  }
  const found = contestOf(protocol, precinct, ctx);
  if ('reasons' in found) return [refused(meta, 'correction', [...reasons, ...found.reasons], payload)];

  const current = state.contests.get(found.contest.id);
  if (current === undefined) {
    reasons.push({ code: 'NOTHING_TO_CORRECT', field: 'protocol.contestId', message: `no protocol for ${found.contest.id} is recorded yet`, operands: { contestId: found.contest.id } });
  } else if (supersedes !== undefined && supersedes !== current.submissionId) {
    reasons.push({ code: 'STALE_CORRECTION', field: 'supersedes', message: `the current version is ${current.version} (${current.submissionId})`, operands: { supersedes, current: current.submissionId, version: current.version } });
  }
  const valid = validateProtocol(protocol, found.contest, precinct, { rules: ctx.rules });
  if (!valid.ok) reasons.push(...valid.error);
  if (!valid.ok || reasons.length > 0 || current === undefined) return [refused(meta, 'correction', reasons, payload)];

  return [{
    type: 'ProtocolCorrected',
    data: { ...meta, contestId: found.contest.id, protocol: valid.value, version: current.version + 1, supersedes: current.submissionId, reason },
  }];
}

function reportTurnout(command: ReportTurnout, state: PrecinctState, ctx: PrecinctDeciderContext): PrecinctEvent[] {
  const { meta, time, ballotsIssued } = command;
  const payload = { time, ballotsIssued };
  const located = locate(meta, ctx);
  if ('reasons' in located) return [refused(meta, 'turnout', located.reasons, payload)];
  const { precinct } = located;

  const reasons: Refusal[] = [];
  if (meta.submittedBy !== precinct.id) {
    reasons.push({ code: 'OUT_OF_SCOPE', field: 'submittedBy', message: `only precinct commission ${precinct.id} reports its turnout`, operands: { submittedBy: meta.submittedBy, precinctId: precinct.id } });
  }
  const valid = validateTurnoutReport(payload, precinct, ctx.election.turnoutTimes, { at: '' });
  if (!valid.ok) {
    reasons.push(...valid.error);
  } else {
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
