// The election's own stream, `election-<id>`: its definition and the lots drawn to settle ties.
// Three plain functions, pure and synchronous, like the precinct's; the state is only what the
// stream says.
//
// Decisions:
// - A refusal is a value (`err`), not an event: nothing is recorded for a refused administrator's
//   request (it was answered at once, with every problem found). Codes are the HTTP API's.
// - The same definition again decides nothing; a different one under a defined id is refused
//   (DEFINITION_CONFLICT): a definition is never replaced. Amendments come as commands of their
//   own and change `definition`, never `defined`, so re-sending the original stays a no-op.
// - A lot identical to one already recorded for the contest (same order, drawn by, reason)
//   decides nothing: a client's retry. A different lot is recorded and replaces the earlier one.
// - Checks run in the order the API has always answered: the election, the contest, the fields
//   (MALFORMED, all at once), then the ballot rules (all at once).
import { z } from 'zod';
import { err, ok, type Result } from '../result';
import type { DefineElection, DrawLot, ElectionCommand } from './election.commands';
import type { ElectionDefinition } from './election-definition';
import type { ElectionDefined, ElectionEvent, LotDrawn } from './election.events';
import { lotProblems } from './lot-rules';
import { parseElectionDefinition } from './parse-election-definition';

export interface ElectionNotDefined {
  readonly status: 'not-defined';
}

export interface DefinedElection {
  readonly status: 'defined';
  /** The definition as ElectionDefined recorded it: what DefineElection compares with. */
  readonly defined: ElectionDefinition;
  /** The rules in force: the definition as amended (with no amendment yet, `defined` itself). */
  readonly definition: ElectionDefinition;
  /** Every lot recorded, by contest id, in stream order: the last one is in force. */
  readonly lots: ReadonlyMap<string, readonly LotDrawn['data'][]>;
}

export type ElectionState = ElectionNotDefined | DefinedElection;

export type ElectionRefusalCode = 'UNKNOWN_ELECTION' | 'NOT_FOUND' | 'MALFORMED' | 'UNKNOWN_CHOICE' | 'INVALID_LOT' | 'INVALID_DEFINITION' | 'DEFINITION_CONFLICT';

/** One reason a command was refused: the shape of the domain's `Refusal`, with the election's codes. */
export interface ElectionRefusal {
  readonly code: ElectionRefusalCode;
  /** Where: `electionId`, `contestId`, `order.1`, a definition path such as `commissions[3].parent`. */
  readonly field: string;
  readonly message: string;
  readonly operands?: Readonly<Record<string, number | string>>;
}

/** Every event decided, or every reason the command was refused (at least one). */
export type ElectionDecision = Result<readonly ElectionEvent[], readonly ElectionRefusal[]>;

export const initialState = (): ElectionState => ({ status: 'not-defined' });

export function evolve(state: ElectionState, event: ElectionEvent): ElectionState {
  switch (event.type) {
    case 'ElectionDefined':
      // The first definition wins (a second one cannot be decided; a replay must not let one in).
      if (state.status === 'defined') return state;
      return { status: 'defined', defined: event.data.definition, definition: event.data.definition, lots: new Map() };
    case 'LotDrawn': {
      if (state.status !== 'defined') return state;
      const lots = new Map(state.lots);
      lots.set(event.data.contestId, [...(state.lots.get(event.data.contestId) ?? []), event.data]);
      return { ...state, lots };
    }
    default: {
      const unknown: never = event;
      throw new Error(`unknown election event ${(unknown as { type: string }).type}`);
    }
  }
}

export function decide(command: ElectionCommand, state: ElectionState): ElectionDecision {
  switch (command.type) {
    case 'DefineElection':
      return defineElection(command, state);
    case 'DrawLot':
      return drawLot(command, state);
    default: {
      const unknown: never = command;
      throw new Error(`unknown election command ${(unknown as { type: string }).type}`);
    }
  }
}

function defineElection(command: DefineElection, state: ElectionState): ElectionDecision {
  const parsed = parseElectionDefinition(command.input);
  if (!parsed.ok) return err(parsed.error.map((p) => refusal('INVALID_DEFINITION', p.path, p.message, { rule: p.rule })));
  const definition = parsed.value;
  if (definition.id !== command.electionId) {
    return err([refusal('INVALID_DEFINITION', 'id', `the definition is of election ${definition.id}, not ${command.electionId}`, { rule: 'INVALID_VALUE', electionId: command.electionId })]);
  }
  if (state.status === 'defined') {
    if (sameDefinition(state.defined, definition)) return ok([]);
    return err([refusal('DEFINITION_CONFLICT', 'id', `election ${definition.id} is already defined differently; a definition is never replaced`, { electionId: definition.id })]);
  }
  const event: ElectionDefined = { type: 'ElectionDefined', data: { definition } };
  return ok([event]);
}

/** The fields of a lot as the API has always constrained them (zod's messages included). */
const LotFields = z.object({
  order: z.array(z.string().min(1)).min(1),
  drawnBy: z.string().trim().min(1).max(500),
  reason: z.string().trim().min(1).max(2000),
});

function drawLot(command: DrawLot, state: ElectionState): ElectionDecision {
  const { electionId, contestId } = command;
  if (state.status !== 'defined') return err([refusal('UNKNOWN_ELECTION', 'electionId', `no election ${electionId} is defined`, { electionId })]);
  const contest = state.definition.contests.find((c) => c.id === contestId);
  if (!contest) return err([refusal('NOT_FOUND', 'contestId', `election ${electionId} has no contest ${contestId}`, { electionId, contestId })]);

  const fields = LotFields.safeParse({ order: command.order, drawnBy: command.drawnBy, reason: command.reason });
  if (!fields.success) return err(fields.error.issues.map((i) => refusal('MALFORMED', i.path.join('.') || 'body', i.message)));
  const { order, drawnBy, reason } = fields.data;
  const problems = lotProblems(contest, order);
  if (problems.length > 0) return err(problems);

  const data: LotDrawn['data'] = { electionId, contestId, order, drawnBy, reason };
  if (recordedAlike(state, data) !== undefined) return ok([]);
  return ok([{ type: 'LotDrawn', data }]);
}

/**
 * The recorded lot a DrawLot repeats (same contest, order, drawn by and reason once trimmed),
 * for which the decider decides nothing: a writer that answers with the record's place (the
 * HTTP API's `position`) finds it by this.
 */
export function repeatedLot(command: DrawLot, state: ElectionState): LotDrawn['data'] | undefined {
  if (state.status !== 'defined') return undefined;
  const fields = LotFields.safeParse({ order: command.order, drawnBy: command.drawnBy, reason: command.reason });
  if (!fields.success) return undefined;
  return recordedAlike(state, { electionId: command.electionId, contestId: command.contestId, ...fields.data });
}

function recordedAlike(state: DefinedElection, lot: LotDrawn['data']): LotDrawn['data'] | undefined {
  return state.lots.get(lot.contestId)?.find((recorded) => sameLot(recorded, lot));
}

function refusal(code: ElectionRefusalCode, field: string, message: string, operands?: Readonly<Record<string, number | string>>): ElectionRefusal {
  return operands === undefined ? { code, field, message } : { code, field, message, operands };
}

/**
 * Both are outputs of `parseElectionDefinition` (the recorded one is parsed again when the
 * stream is read), whose objects have the schema's key order: equal JSON is equal content.
 */
function sameDefinition(a: ElectionDefinition, b: ElectionDefinition): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function sameLot(a: LotDrawn['data'], b: LotDrawn['data']): boolean {
  return a.drawnBy === b.drawnBy && a.reason === b.reason && a.order.length === b.order.length && a.order.every((id, i) => id === b.order[i]);
}

export const electionDecider = { decide, evolve, initialState } as const;
