// The election's own stream, `election-<id>`: its definition, the lots drawn to settle ties, and
// the amendments of its keys. Three plain functions, pure and synchronous, like the precinct's;
// the state is only what the stream says.
//
// Decisions:
// - A refusal is a value (`err`), not an event: nothing is recorded for a refused administrator's
//   request (it was answered at once, with every problem found). Codes are the HTTP API's.
// - The same definition again decides nothing; a different one under a defined id is refused
//   (DEFINITION_CONFLICT): a definition is never replaced. Key amendments change the key ring
//   (`keys`), never `defined`, so re-sending the original stays a no-op.
// - A lot identical to one already recorded for the contest (same order, drawn by, reason)
//   decides nothing: a client's retry. A different lot is recorded and replaces the earlier one.
// - Checks run in the order the API has always answered: the election, the contest, the fields
//   (MALFORMED, all at once), then the ballot rules (all at once).
// - An amendment (AddKey, RevokeKey, ReplaceKeys) is signed by a key of the ROOT commission
//   valid when the amendment is received: the election's highest authority, the one whose keys
//   the definition itself names, so no commission can amend its own or a sibling's keys. The
//   signature covers the election id and the amendment's sequence number, so a signed amendment
//   applies once at most. Checks: the election, the fields (MALFORMED, all at once), the
//   sequence (an exact re-send of a recorded amendment decides nothing; any other used sequence
//   is STALE_AMENDMENT, a later one SEQUENCE_GAP), the signature (BAD_SIGNATURE: before any
//   content rule, so an unsigned request learns nothing), then the content (UNKNOWN_COMMISSION,
//   UNKNOWN_KEY, ALREADY_REVOKED, DUPLICATE_KEY, all at once). The signature itself is checked by
//   a function in the context (@tally/signatures' verifyAmendmentSignature): the domain stays
//   pure, and which key may sign, when, and over which sequence stays here, beside the state
//   that answers it.
import { z } from 'zod';
import { refusalsFromZod } from '../protocol/protocol.validation';
import { err, ok, type Result } from '../result';
import { instantMillis } from '../instant';
import { amendmentOfCommand, SignedAmendmentBody, type AmendmentCommand, type KeyAmendment, type SignedAmendment } from './amendments';
import type { DefineElection, DrawLot, ElectionCommand } from './election.commands';
import type { ElectionDefinition } from './election-definition';
import type { DefinitionAmended, ElectionDefined, ElectionEvent, LotDrawn } from './election.events';
import { definitionDirectory, describeKeyOutsideValidity, judgeSignature, keyStatusAt, KeyRing, type RingKey } from './key-ring';
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
  /** The definition's keys folded with every amendment: which key was valid when. */
  readonly keys: KeyRing;
  /** Every amendment recorded, in sequence order (`amendments[i].sequence === i + 1`). */
  readonly amendments: readonly DefinitionAmended['data'][];
}

export type ElectionState = ElectionNotDefined | DefinedElection;

export type ElectionRefusalCode =
  | 'UNKNOWN_ELECTION'
  | 'NOT_FOUND'
  | 'MALFORMED'
  | 'UNKNOWN_CHOICE'
  | 'INVALID_LOT'
  | 'INVALID_DEFINITION'
  | 'DEFINITION_CONFLICT'
  // amendments
  | 'BAD_SIGNATURE'
  | 'STALE_AMENDMENT'
  | 'SEQUENCE_GAP'
  | 'UNKNOWN_COMMISSION'
  | 'UNKNOWN_KEY'
  | 'ALREADY_REVOKED'
  | 'DUPLICATE_KEY';

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

/** What deciding needs besides the state: for an amendment, the check of its signature. */
export interface ElectionContext {
  /** True when the amendment's signature verifies under the raw Ed25519 public key (@tally/signatures' verifyAmendmentSignature). */
  readonly verifyAmendment?: (signed: SignedAmendment, publicKey: string) => boolean;
}

export const initialState = (): ElectionState => ({ status: 'not-defined' });

export function evolve(state: ElectionState, event: ElectionEvent): ElectionState {
  switch (event.type) {
    case 'ElectionDefined':
      // The first definition wins (a second one cannot be decided; a replay must not let one in).
      if (state.status === 'defined') return state;
      return { status: 'defined', defined: event.data.definition, definition: event.data.definition, lots: new Map(), keys: KeyRing.of(definitionDirectory(event.data.definition)), amendments: [] };
    case 'LotDrawn': {
      if (state.status !== 'defined') return state;
      const lots = new Map(state.lots);
      lots.set(event.data.contestId, [...(state.lots.get(event.data.contestId) ?? []), event.data]);
      return { ...state, lots };
    }
    case 'DefinitionAmended':
      // Only the next in sequence: a repeated or out-of-order record (another writer's) changes nothing.
      if (state.status !== 'defined' || event.data.sequence !== state.amendments.length + 1) return state;
      return { ...state, keys: state.keys.amend(event.data), amendments: [...state.amendments, event.data] };
    default: {
      const unknown: never = event;
      throw new Error(`unknown election event ${(unknown as { type: string }).type}`);
    }
  }
}

export function decide(command: ElectionCommand, state: ElectionState, context: ElectionContext = {}): ElectionDecision {
  switch (command.type) {
    case 'DefineElection':
      return defineElection(command, state);
    case 'DrawLot':
      return drawLot(command, state);
    case 'AddKey':
    case 'RevokeKey':
    case 'ReplaceKeys':
      return amend(command, state, context);
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

function amend(command: AmendmentCommand, state: ElectionState, context: ElectionContext): ElectionDecision {
  const { electionId, receivedAt } = command;
  if (state.status !== 'defined') return err([refusal('UNKNOWN_ELECTION', 'electionId', `no election ${electionId} is defined`, { electionId })]);
  const input = { sequence: command.sequence, amendment: amendmentOfCommand(command), signature: command.signature };
  const body = SignedAmendmentBody.safeParse(input);
  const malformed = body.success ? [] : refusalsFromZod(input, body.error.issues, '').map((r) => refusal('MALFORMED', r.field || 'body', r.message));
  // The service's own clock gives it; a caller that gives none cannot have a signature judged.
  if (instantMillis(receivedAt) === undefined) malformed.push(refusal('MALFORMED', 'receivedAt', 'the instant the amendment was received, RFC 3339'));
  if (!body.success || malformed.length > 0) return err(malformed);
  const { sequence, amendment, signature } = body.data;

  const next = state.amendments.length + 1;
  if (sequence < next) {
    // The very amendment again (a client's retry) decides nothing; anything else under a used number is a replay.
    if (sameAmendment(state.amendments[sequence - 1], body.data)) return ok([]);
    return err([refusal('STALE_AMENDMENT', 'sequence', `amendment ${sequence} of election ${electionId} is already recorded, and differs; the next amendment is ${next}`, { sequence, next })]);
  }
  if (sequence > next) return err([refusal('SEQUENCE_GAP', 'sequence', `election ${electionId} has ${next - 1} amendment(s); the next is ${next}, not ${sequence}`, { sequence, next })]);

  const signed: SignedAmendment = { electionId, sequence, amendment, signature };
  const unsigned = signatureProblem(state, signed, receivedAt, context);
  if (unsigned) return err([unsigned]);
  const problems = contentProblems(state, amendment);
  if (problems.length > 0) return err(problems);
  const event: DefinitionAmended = { type: 'DefinitionAmended', data: { electionId, sequence, amendment, receivedAt, signature } };
  return ok([event]);
}

/** Both parsed by the same schemas (the recorded one by the codec), so equal JSON is equal content. */
function sameAmendment(recorded: DefinitionAmended['data'], body: SignedAmendmentBody): boolean {
  return JSON.stringify(recorded.amendment) === JSON.stringify(body.amendment) && recorded.signature.keyId === body.signature.keyId && recorded.signature.value === body.signature.value;
}

/** BAD_SIGNATURE unless a key of the root commission, valid when the amendment was received, made the signature. */
function signatureProblem(state: DefinedElection, signed: SignedAmendment, receivedAt: string, context: ElectionContext): ElectionRefusal | undefined {
  const verify = context.verifyAmendment;
  if (verify === undefined) throw new Error('an amendment is decided with its signature check in the context (verifyAmendment)');
  const root = rootOf(state.definition);
  const { keyId } = signed.signature;
  const verdict = judgeSignature(state.keys.keysOf(root.id), keyId, receivedAt, (publicKey) => verify(signed, publicKey));
  if (verdict.ok) return undefined;
  const operands = { keyId, problem: verdict.problem, commissionId: root.id };
  switch (verdict.problem) {
    case 'unknown-key':
      return refusal('BAD_SIGNATURE', 'signature.keyId', `an amendment is signed by a key of the root commission ${root.id}, which has no key ${keyId}`, operands);
    case 'invalid-signature':
      return refusal('BAD_SIGNATURE', 'signature.value', `the signature does not verify under key ${keyId} of ${root.id}: sign the tally-amendment-v1 encoding of exactly this amendment, election and sequence`, operands);
    case 'revoked-key':
    case 'not-yet-valid': {
      const outside = describeKeyOutsideValidity(verdict.key, verdict.problem, receivedAt);
      return refusal('BAD_SIGNATURE', 'signature.keyId', `${outside.message} (an amendment is judged when received)`, { ...operands, ...outside.operands });
    }
  }
}

/** What the amendment asks of the commission's keys, all problems at once. */
function contentProblems(state: DefinedElection, amendment: KeyAmendment): ElectionRefusal[] {
  const { commissionId } = amendment;
  if (!state.definition.commissions.some((c) => c.id === commissionId)) {
    return [refusal('UNKNOWN_COMMISSION', 'amendment.commissionId', `election ${state.definition.id} has no commission ${commissionId}`, { commissionId })];
  }
  const held = state.keys.keysOf(commissionId);
  switch (amendment.kind) {
    case 'add-key':
      return duplicateKeys(held, [amendment.key], () => 'amendment.key', commissionId);
    case 'replace-keys':
      return duplicateKeys(held, amendment.keys, (i) => `amendment.keys.${i}`, commissionId);
    case 'revoke-key': {
      const { keyId, from } = amendment;
      const key = held.find((k) => k.keyId === keyId);
      if (!key) return [refusal('UNKNOWN_KEY', 'amendment.keyId', `commission ${commissionId} has no key ${keyId}`, { commissionId, keyId })];
      // Revoking from a later instant than a revocation in force would change nothing; an earlier one narrows it.
      if (key.revokedFrom !== undefined && keyStatusAt({ revokedFrom: key.revokedFrom }, from) === 'revoked-key') {
        return [refusal('ALREADY_REVOKED', 'amendment.from', `key ${keyId} of ${commissionId} is already revoked from ${key.revokedFrom}, not after ${from}`, { commissionId, keyId, revokedFrom: key.revokedFrom, from })];
      }
      return [];
    }
    default: {
      const never: never = amendment;
      throw new Error(`unknown amendment ${JSON.stringify(never)}`);
    }
  }
}

/**
 * A key id or public key the commission holds or ever held (revoked keys included: a revoked key
 * must never come back under a new name), or one given twice: DUPLICATE_KEY, each where it is.
 */
function duplicateKeys(held: readonly RingKey[], keys: readonly { keyId: string; publicKey: string }[], at: (i: number) => string, commissionId: string): ElectionRefusal[] {
  const problems: ElectionRefusal[] = [];
  keys.forEach((key, i) => {
    const earlier = keys.slice(0, i);
    for (const field of ['keyId', 'publicKey'] as const) {
      const value = key[field];
      if (held.some((k) => k[field] === value)) {
        problems.push(refusal('DUPLICATE_KEY', `${at(i)}.${field}`, `commission ${commissionId} already holds (or held) a key with this ${field}`, { commissionId, [field]: value }));
      } else if (earlier.some((k) => k[field] === value)) {
        problems.push(refusal('DUPLICATE_KEY', `${at(i)}.${field}`, `the ${field} is given twice`, { commissionId, [field]: value }));
      }
    }
  });
  return problems;
}

/** The root commission (the parser guarantees exactly one). */
function rootOf(definition: ElectionDefinition) {
  const root = definition.commissions.find((c) => c.parent === null);
  if (!root) throw new Error(`election ${definition.id} has no root commission; parse the definition first`);
  return root;
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
