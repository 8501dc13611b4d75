// THE stateless checks of a submission, once for every caller: what can be judged from the
// submission and the election definition alone, without the precinct's stream.
//
//   place      the election is this one, the precinct is in it         UNKNOWN_ELECTION, UNKNOWN_PRECINCT
//   version    the submission names its place in the precinct's         VERSION_REQUIRED, MALFORMED,
//              history (scheme v2): a whole number from 1, and 1 for    FUTURE_VERSION
//              a protocol (checkVersion; what the stream makes of it
//              is the decider's)
//   scope      who may submit what: only the precinct itself submits    OUT_OF_SCOPE
//              its protocols and its turnout; only a territorial
//              commission above the precinct (the central one is above
//              all) corrects
//   reason     a correction states its reason                           REASON_REQUIRED
//   contest    a protocol names a contest that is known and voted at    MALFORMED, UNKNOWN_CONTEST,
//              the precinct                                             CONTEST_NOT_AT_PRECINCT
//   relations  the control relations (validateProtocol,                 protocol.validation.ts codes
//              validateTurnoutReport)
//
// Without a place nothing else is judged; without a contest the relations are not (there is no
// ballot to judge them against). Otherwise every group is filled, and each caller orders the
// groups as its answer needs:
// - the precinct decider (precinct.decider.ts) records the refusal with every reason, and adds
//   what needs the stream: ALREADY_RECORDED, NOTHING_TO_CORRECT, STALE_CORRECTION,
//   TURNOUT_DECREASED, STALE_VERSION, FUTURE_VERSION, REPLAYED;
// - intake (apps/tally-server/src/intake/judge-submission.ts) adds what only it knows: the body's
//   syntax and the signature, whose signer becomes `submittedBy`; it answers the first group that
//   refuses, naming the scope by the key that signed. It runs checkVersion before the signature
//   too: a v2 signature covers a valid version, so nothing can be verified without one.
import type { Contest, PrecinctCommission } from '../election/election-definition';
import type { ElectionIndex } from '../election/election-index';
import type { Protocol } from '../protocol/protocol';
import { contestNotAtPrecinct, validateProtocol, validateTurnoutReport, type ProtocolRules, type TurnoutReport } from '../protocol/protocol.validation';
import type { Refusal } from '../protocol/refusal';
import type { CorrectProtocol, PrecinctCommand, ReportTurnout, SubmitProtocol } from './precinct.commands';
import type { SubmissionMeta } from './precinct.events';

/** A command as far as the checks read it: who submitted it for which precinct, and what it carries. */
type ToCheck<C extends PrecinctCommand> = Omit<C, 'meta'> & { readonly meta: Pick<SubmissionMeta, 'electionId' | 'precinctId' | 'submittedBy'> };
export type SubmissionToCheck = ToCheck<SubmitProtocol> | ToCheck<CorrectProtocol> | ToCheck<ReportTurnout>;

export interface SubmissionCheckOptions {
  /** Weak control relations; the defaults of protocol.validation when absent. */
  readonly rules?: ProtocolRules;
  /**
   * Judge a submission without a version as history recorded before scheme v2 (an auditor
   * re-deciding it): no version asked. Never set for a new submission (PrecinctDeciderContext).
   */
  readonly beforeV2?: boolean;
  /**
   * The contest the submission is for when it names it apart from its protocol (intake: the URL
   * of a correction). Refusals about it name the field `contestId`, and the protocol must be for
   * it (CONTEST_MISMATCH). Absent: the protocol's own `contestId`.
   */
  readonly contestId?: string;
}

export interface SubmissionRefusals {
  readonly place: readonly Refusal[];
  readonly version: readonly Refusal[];
  readonly scope: readonly Refusal[];
  readonly reason: readonly Refusal[];
  readonly contest: readonly Refusal[];
  readonly relations: readonly Refusal[];
}

export interface SubmissionCheck {
  readonly refusals: SubmissionRefusals;
  /** Known once the place holds. */
  readonly precinct?: PrecinctCommission;
  /** Known once the contest holds (protocols and corrections). */
  readonly contest?: Contest;
  /** The protocol as the relations parsed it (optional lines filled in), when they all hold. */
  readonly protocol?: Protocol;
  /** The turnout report as parsed, when its relations hold. */
  readonly turnout?: TurnoutReport;
}

const NONE: SubmissionRefusals = { place: [], version: [], scope: [], reason: [], contest: [], relations: [] };

/** Versions fit the queue's envelope (libs/intake-queue): a million revisions of one figure is no election. */
export const MAX_VERSION = 1_000_000;

/**
 * The stateless rule of a submission's version (scheme tally-submission-v2): present (a v1 body
 * has none), a whole number from 1 to MAX_VERSION, and 1 for a protocol (later versions of a
 * contest are corrections). Whether it is the next one is the stream's question (the decider's).
 */
export function checkVersion(command: SubmissionToCheck, options: Pick<SubmissionCheckOptions, 'beforeV2'> = {}): Refusal[] {
  const { version } = command;
  if (version === undefined) {
    if (options.beforeV2) return [];
    return [{ code: 'VERSION_REQUIRED', field: 'version', message: 'a submission names its version (scheme tally-submission-v2): 1 for a protocol, the current version + 1 for a correction or a turnout report' }];
  }
  if (!Number.isSafeInteger(version) || version < 1 || version > MAX_VERSION) {
    return [{ code: 'MALFORMED', field: 'version', message: `a version is a whole number from 1 to ${MAX_VERSION}`, operands: { version: String(version) } }];
  }
  if (command.type === 'SubmitProtocol' && version !== 1) {
    return [{ code: 'FUTURE_VERSION', field: 'version', message: 'a protocol is version 1 of its contest; later versions are corrections', operands: { version, expected: 1 } }];
  }
  return [];
}

export function checkSubmission(command: SubmissionToCheck, election: ElectionIndex, options: SubmissionCheckOptions = {}): SubmissionCheck {
  const { meta } = command;
  if (meta.electionId !== election.definition.id) {
    return { refusals: { ...NONE, place: [{ code: 'UNKNOWN_ELECTION', field: 'electionId', message: `no election ${meta.electionId} here`, operands: { electionId: meta.electionId, expected: election.definition.id } }] } };
  }
  const precinct = election.precinct(meta.precinctId);
  if (precinct === undefined) {
    return { refusals: { ...NONE, place: [{ code: 'UNKNOWN_PRECINCT', field: 'precinctId', message: `no precinct ${meta.precinctId} in election ${meta.electionId}`, operands: { precinctId: meta.precinctId } }] } };
  }
  const version = checkVersion(command, options);
  const scope = scopeOf(command, precinct, election);

  if (command.type === 'ReportTurnout') {
    const valid = validateTurnoutReport({ time: command.time, ballotsIssued: command.ballotsIssued }, precinct, election.turnoutTimes, { at: '' });
    return valid.ok ? { refusals: { ...NONE, version, scope }, precinct, turnout: valid.value } : { refusals: { ...NONE, version, scope, relations: valid.error }, precinct };
  }

  const reason: Refusal[] =
    command.type === 'CorrectProtocol' && (typeof command.reason !== 'string' || command.reason.trim() === '')
      ? [{ code: 'REASON_REQUIRED', field: 'reason', message: 'a correction states its reason' }]
      : [];
  const found = contestOf(command.protocol, precinct, election, options.contestId);
  if ('refusals' in found) return { refusals: { ...NONE, version, scope, reason, contest: found.refusals }, precinct };
  const valid = validateProtocol(command.protocol, found.contest, precinct, { rules: options.rules });
  return valid.ok
    ? { refusals: { ...NONE, version, scope, reason }, precinct, contest: found.contest, protocol: valid.value }
    : { refusals: { ...NONE, version, scope, reason, relations: valid.error }, precinct, contest: found.contest };
}

/** Who may submit what at this precinct. */
function scopeOf(command: SubmissionToCheck, precinct: PrecinctCommission, election: ElectionIndex): Refusal[] {
  const { submittedBy } = command.meta;
  const outOfScope = (message: string): Refusal[] => [{ code: 'OUT_OF_SCOPE', field: 'submittedBy', message, operands: { submittedBy, precinctId: precinct.id } }];
  switch (command.type) {
    case 'SubmitProtocol':
      return submittedBy === precinct.id ? [] : outOfScope(`only precinct commission ${precinct.id} submits its protocols`);
    case 'ReportTurnout':
      return submittedBy === precinct.id ? [] : outOfScope(`only precinct commission ${precinct.id} reports its turnout`);
    case 'CorrectProtocol': {
      // Only a territorial commission above the precinct corrects it; the central one is above all.
      const corrector = election.commission(submittedBy);
      const above = corrector !== undefined && corrector.level !== 'precinct' && election.isWithin(precinct.id, corrector.id);
      return above ? [] : outOfScope(`only a territorial commission above precinct ${precinct.id} corrects its protocols; ${submittedBy} is not one`);
    }
    default: {
      const unknown: never = command;
      throw new Error(`unknown precinct command ${(unknown as { type: string }).type}`);
    }
  }
}

/** The contest the submission is for, if it is named, known and voted at this precinct. */
function contestOf(protocol: unknown, precinct: PrecinctCommission, election: ElectionIndex, named: string | undefined): { contest: Contest } | { refusals: Refusal[] } {
  const field = named === undefined ? 'protocol.contestId' : 'contestId';
  const contestId = named ?? (typeof protocol === 'object' && protocol !== null ? (protocol as { contestId?: unknown }).contestId : undefined);
  if (typeof contestId !== 'string') return { refusals: [{ code: 'MALFORMED', field, message: 'a protocol names its contest' }] };
  const contest = election.contest(contestId);
  if (contest === undefined) {
    return { refusals: [{ code: 'UNKNOWN_CONTEST', field, message: `no contest ${contestId} in election ${election.definition.id}`, operands: { contestId } }] };
  }
  const elsewhere = contestNotAtPrecinct(contest, precinct, field);
  return elsewhere.length > 0 ? { refusals: elsewhere } : { contest };
}
