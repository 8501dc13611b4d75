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
// - A public key no signature could be checked under (of small order, outside the prime-order
//   group, not canonically encoded: the context's `publicKeyProblem`, libsodium's judgement) is
//   refused where it is given: INVALID_DEFINITION (rule UNUSABLE_KEY) in a definition,
//   UNUSABLE_KEY in an amendment. Met later, it would refuse every protocol as BAD_SIGNATURE.
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
//   UNKNOWN_KEY, ALREADY_REVOKED, DUPLICATE_KEY, UNUSABLE_KEY, all at once). The signature itself
//   is checked by a function in the context (@tally/signatures' verifyAmendmentSignature): the
//   domain stays pure, and which key may sign, when, and over which sequence stays here, beside
//   the state that answers it.
// - A commission's act on the count (RecordAct: a summary, a certification, a decertification;
//   lifecycle.ts) follows the amendments' pattern with the signer's own sequence: the election,
//   the fields, the sequence (an exact re-send decides nothing), the signature by the signer's
//   keys valid when received, then the content against the sums of the recorded protocols, which
//   the context reads from the precinct streams (`totals`): a summary must equal them line by
//   line (SUMMARY_MISMATCH names every differing line) with every precinct in; a certification
//   must name the outcome the sums give and their digest, once (ALREADY_CERTIFIED until a
//   decertification, which needs a certification in force and a reason).
import { z } from 'zod';
import { refusalsFromZod } from '../protocol/protocol.validation';
import { err, ok, type Result } from '../result';
import { instantMillis, localDate } from '../instant';
import { amendmentOfCommand, SignedAmendmentBody, type Amendment, type AmendmentCommand, type SignedAmendment, type WithdrawCandidateAmendment } from './amendments';
import type { DefineElection, DrawLot, ElectionCommand, RecordAct } from './election.commands';
import type { ElectionDefinition } from './election-definition';
import type { DefinitionAmended, ElectionDefined, ElectionEvent, LifecycleEvent, LotDrawn } from './election.events';
import { allocatingCommissionOf, bodyOutcomes, differingLines, sameAct, SignedActBody, signerOfAct, type ActRecordedData, type CertifiedOutcome, type ContestTotals, type SignedAct } from './lifecycle';
import { definitionDirectory, describeKeyOutsideValidity, judgeSignature, keyStatusAt, KeyRing, type RingKey } from './key-ring';
import { lotProblems } from './lot-rules';
import { definitionKeyProblems, parseElectionDefinition } from './parse-election-definition';
import { filled, passed, registered, seatHeldBy, seatKey, successorOf, terminated, type BodyMandates, type FillSeatAmendment, type MandateAmendment, type MandatePassed, type RegisterDeputiesAmendment, type SeatRef, type TerminateMandateAmendment } from './mandates';
import type { BodyComposition } from '../views/results.queries';
import { membersOf } from '../views/members.queries';

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
  /** Every act recorded, by signing commission, in its sequence order (`acts[i].sequence === i + 1`). */
  readonly acts: ReadonlyMap<string, readonly ActRecordedData[]>;
  /** The latest summary per (commission, contest): key `commissionId\u0000contestId`. */
  readonly summaries: ReadonlyMap<string, ActRecordedData>;
  /** The certification in force per body (a decertification removes it). */
  readonly certified: ReadonlyMap<string, ActRecordedData>;
  /** False while an election defined in test mode has not switched to live (ElectionWentLive). */
  readonly live: boolean;
  /** Candidates withdrawn from their ranked lists (ids are unique in an election). */
  readonly withdrawn: ReadonlySet<string>;
  /** Each registered body's seats and who held them when, by body id. */
  readonly mandates: ReadonlyMap<string, BodyMandates>;
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
  | 'DUPLICATE_KEY'
  | 'UNUSABLE_KEY'
  // acts on the count
  | 'STALE_ACT'
  | 'PRECINCTS_OUTSTANDING'
  | 'SUMMARY_MISMATCH'
  | 'CERTIFICATION_MISMATCH'
  | 'CANNOT_CERTIFY'
  | 'ALREADY_CERTIFIED'
  | 'NOT_CERTIFIED'
  | 'ALREADY_LIVE'
  | 'NOT_LIVE'
  // withdrawals
  | 'NOT_A_LIST_CONTEST'
  | 'NOT_ON_A_RANKED_LIST'
  | 'ALREADY_WITHDRAWN'
  | 'WITHDRAWAL_TOO_LATE'
  // deputies and mandates
  | 'UNKNOWN_BODY'
  | 'REGISTRATION_NOT_ALLOWED'
  | 'ALREADY_REGISTERED'
  | 'REGISTRATION_DIFFERS'
  | 'NOT_REGISTERED'
  | 'NOT_A_DEPUTY'
  | 'DATE_BEFORE_MANDATE'
  | 'NOT_A_DISTRICT_SEAT'
  | 'SEAT_NOT_VACANT';

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
  /** True when an act's signature verifies under the raw Ed25519 public key (@tally/signatures' verifyActSignature). */
  readonly verifyAct?: (signed: SignedAct, publicKey: string) => boolean;
  /**
   * Why no signature could be verified under a raw public key, or undefined for a usable one
   * (@tally/signatures' publicKeyProblem). Without it, keys are judged by their form only.
   */
  readonly publicKeyProblem?: (publicKey: string) => string | undefined;
  /** The sums of the current protocols of the contest's precincts under the commission, read from their streams. */
  readonly totals?: (commissionId: string, contestId: string) => ContestTotals;
  /** SHA-256 (hex) of the canonical sums (@tally/signatures' votesDigest). */
  readonly votesDigest?: (totals: readonly ContestTotals[]) => string;
  /**
   * For a registration: the body's composition on the recorded protocols (the results view's
   * `bodyComposition`, contest-wide), or undefined for a body the caller cannot tell about.
   */
  readonly bodyOutcome?: (bodyId: string) => BodyComposition | undefined;
}

export const initialState = (): ElectionState => ({ status: 'not-defined' });

export function evolve(state: ElectionState, event: ElectionEvent): ElectionState {
  switch (event.type) {
    case 'ElectionDefined':
      // The first definition wins (a second one cannot be decided; a replay must not let one in).
      if (state.status === 'defined') return state;
      return {
        status: 'defined',
        defined: event.data.definition,
        definition: event.data.definition,
        lots: new Map(),
        keys: KeyRing.of(definitionDirectory(event.data.definition)),
        amendments: [],
        withdrawn: new Set(),
        mandates: new Map(),
        acts: new Map(),
        summaries: new Map(),
        certified: new Map(),
        live: event.data.definition.mode !== 'test',
      };
    case 'LotDrawn': {
      if (state.status !== 'defined') return state;
      const lots = new Map(state.lots);
      lots.set(event.data.contestId, [...(state.lots.get(event.data.contestId) ?? []), event.data]);
      return { ...state, lots };
    }
    case 'DefinitionAmended':
      // Only the next in sequence: a repeated or out-of-order record (another writer's) changes nothing.
      if (state.status !== 'defined' || event.data.sequence !== state.amendments.length + 1) return state;
      return {
        ...state,
        keys: state.keys.amend(event.data),
        amendments: [...state.amendments, event.data],
        withdrawn: withdrawnAfter(state.withdrawn, event.data.amendment),
        mandates: mandatesAfter(state.mandates, event.data.amendment),
      };
    case 'MandatePassed': {
      const body = state.status === 'defined' ? state.mandates.get(event.data.bodyId) : undefined;
      if (state.status !== 'defined' || body === undefined) return state;
      return { ...state, mandates: new Map(state.mandates).set(event.data.bodyId, passed(body, event.data)) };
    }
    case 'ResultsSummarized':
    case 'ResultsCertified':
    case 'ResultsDecertified':
    case 'ElectionWentLive':
    case 'ZeroReported':
      return evolveAct(state, event);
    default: {
      const unknown: never = event;
      throw new Error(`unknown election event ${(unknown as { type: string }).type}`);
    }
  }
}

export function decide(command: ElectionCommand, state: ElectionState, context: ElectionContext = {}): ElectionDecision {
  switch (command.type) {
    case 'DefineElection':
      return defineElection(command, state, context);
    case 'DrawLot':
      return drawLot(command, state);
    case 'AddKey':
    case 'RevokeKey':
    case 'ReplaceKeys':
    case 'WithdrawCandidate':
    case 'RegisterDeputies':
    case 'TerminateMandate':
    case 'FillSeat':
      return amend(command, state, context);
    case 'RecordAct':
      return recordAct(command, state, context);
    default: {
      const unknown: never = command;
      throw new Error(`unknown election command ${(unknown as { type: string }).type}`);
    }
  }
}

function defineElection(command: DefineElection, state: ElectionState, context: ElectionContext): ElectionDecision {
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
  const duplicated = definitionKeyProblems(definition).map((p) => refusal('INVALID_DEFINITION', p.path, p.message, { rule: p.rule }));
  if (duplicated.length > 0) return err(duplicated);
  // After the retry's answer: a key costs about two signature checks, a national definition seconds.
  const unusable = definition.commissions.flatMap((c, i) =>
    unusableKeys(c.keys, (j) => `commissions[${i}].keys[${j}].publicKey`, context).map((r) => refusal('INVALID_DEFINITION', r.field, r.message, { rule: 'UNUSABLE_KEY', commissionId: c.id, ...r.operands })),
  );
  if (unusable.length > 0) return err(unusable);
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
  const problems = contentProblems(state, amendment, receivedAt, context);
  if (problems.length > 0) return err(problems);
  const event: DefinitionAmended = { type: 'DefinitionAmended', data: { electionId, sequence, amendment, receivedAt, signature } };
  // A termination decides where the seat goes, by the rule in force now, recorded beside it.
  if (amendment.kind === 'terminate-mandate') return ok([event, succession(state, amendment, sequence)]);
  return ok([event]);
}

function evolveAct(state: ElectionState, event: LifecycleEvent): ElectionState {
  const data = event.data;
  const signed = state.status === 'defined' ? (state.acts.get(data.signedBy) ?? []) : [];
  // Only the signer's next in sequence: a repeated or out-of-order record changes nothing.
  if (state.status !== 'defined' || data.sequence !== signed.length + 1) return state;
  const acts = new Map(state.acts).set(data.signedBy, [...signed, data]);
  const act = data.act;
  switch (act.kind) {
    case 'summary':
      return { ...state, acts, summaries: new Map(state.summaries).set(`${act.commissionId}\u0000${act.contestId}`, data) };
    case 'certification':
      return { ...state, acts, certified: new Map(state.certified).set(act.bodyId, data) };
    case 'decertification': {
      const certified = new Map(state.certified);
      certified.delete(act.bodyId);
      return { ...state, acts, certified };
    }
    case 'go-live':
      return { ...state, acts, live: true };
    case 'zero-report':
      return { ...state, acts };
  }
}

function recordAct(command: RecordAct, state: ElectionState, context: ElectionContext): ElectionDecision {
  const { electionId, receivedAt } = command;
  if (state.status !== 'defined') return err([refusal('UNKNOWN_ELECTION', 'electionId', `no election ${electionId} is defined`, { electionId })]);
  const parsed = SignedActBody.safeParse(command.body);
  const malformed = parsed.success ? [] : refusalsFromZod(command.body, parsed.error.issues, '').map((r) => refusal('MALFORMED', r.field || 'body', r.message));
  if (instantMillis(receivedAt) === undefined) malformed.push(refusal('MALFORMED', 'receivedAt', 'the instant the act was received, RFC 3339'));
  if (!parsed.success || malformed.length > 0) return err(malformed);
  const { sequence, act, signature } = parsed.data;
  const definition = state.definition;

  if (act.kind === 'summary' || act.kind === 'zero-report') {
    const commission = definition.commissions.find((c) => c.id === act.commissionId);
    if (!commission) return err([refusal('UNKNOWN_COMMISSION', 'act.commissionId', `election ${electionId} has no commission ${act.commissionId}`, { commissionId: act.commissionId })]);
    if (act.kind === 'summary' && commission.level === 'precinct') {
      return err([refusal('MALFORMED', 'act.commissionId', `${act.commissionId} is a precinct commission: its protocols are submissions, a summary is a territorial commission's`)]);
    }
  } else if ((act.kind === 'certification' || act.kind === 'decertification') && !definition.bodies.some((b) => b.id === act.bodyId)) {
    return err([refusal('NOT_FOUND', 'act.bodyId', `election ${electionId} has no body ${act.bodyId}`, { bodyId: act.bodyId })]);
  }
  const signedBy = signerOfAct(act, definition);
  const done = state.acts.get(signedBy) ?? [];
  const next = done.length + 1;
  if (sequence < next) {
    if (sameAct(done[sequence - 1].act, act) && done[sequence - 1].signature.value === signature.value) return ok([]);
    return err([refusal('STALE_ACT', 'sequence', `act ${sequence} of ${signedBy} is already recorded, and differs; its next act is ${next}`, { sequence, next, commissionId: signedBy })]);
  }
  if (sequence > next) return err([refusal('SEQUENCE_GAP', 'sequence', `${signedBy} has ${next - 1} act(s) recorded; the next is ${next}, not ${sequence}`, { sequence, next, commissionId: signedBy })]);

  const signed: SignedAct = { electionId, signedBy, sequence, act, signature };
  const verify = context.verifyAct;
  if (verify === undefined) throw new Error('an act is decided with its signature check in the context (verifyAct)');
  const verdict = judgeSignature(state.keys.keysOf(signedBy), signature.keyId, receivedAt, (publicKey) => verify(signed, publicKey));
  if (!verdict.ok) {
    const operands = { keyId: signature.keyId, problem: verdict.problem, commissionId: signedBy };
    if (verdict.problem === 'revoked-key' || verdict.problem === 'not-yet-valid') {
      const outside = describeKeyOutsideValidity(verdict.key, verdict.problem, receivedAt);
      return err([refusal('BAD_SIGNATURE', 'signature.keyId', `${outside.message} (an act is judged when received)`, { ...operands, ...outside.operands })]);
    }
    return err([
      verdict.problem === 'unknown-key'
        ? refusal('BAD_SIGNATURE', 'signature.keyId', `a ${act.kind} is signed by a key of ${signedBy}, which has no key ${signature.keyId}`, operands)
        : refusal('BAD_SIGNATURE', 'signature.value', `the signature does not verify under key ${signature.keyId} of ${signedBy}: sign the tally-act-v1 encoding of exactly this act, election, signer and sequence`, operands),
    ]);
  }

  const problems = actProblems(state, act, context);
  if (problems.length > 0) return err(problems);
  const data = { electionId, signedBy, sequence, act, receivedAt, signature };
  switch (act.kind) {
    case 'summary':
      return ok([{ type: 'ResultsSummarized', data: { ...data, act } }]);
    case 'certification':
      return ok([{ type: 'ResultsCertified', data: { ...data, act } }]);
    case 'decertification':
      return ok([{ type: 'ResultsDecertified', data: { ...data, act } }]);
    case 'go-live':
      return ok([{ type: 'ElectionWentLive', data: { ...data, act } }]);
    case 'zero-report':
      return ok([{ type: 'ZeroReported', data: { ...data, act } }]);
  }
}

/** A commission's sums are not complete yet: a summary or certification waits for these precincts. */
export function precinctsOutstanding(t: ContestTotals, commissionId: string): ElectionRefusal {
  return refusal('PRECINCTS_OUTSTANDING', 'act', `${t.expected - t.reported} of the ${t.expected} precincts under ${commissionId} in contest ${t.contestId} have no protocol recorded yet`, {
    contestId: t.contestId,
    reported: t.reported,
    expected: t.expected,
  });
}

/**
 * The outcomes the allocating commission's sums give for every contest of a body, with the lot in
 * force: what a certification must name (the decider compares; the act draft proposes). Refused
 * while a precinct is out, or CANNOT_CERTIFY (at `field`) when an allocation has no result.
 */
export function outcomesFromSums(
  state: DefinedElection,
  bodyId: string,
  signedBy: string,
  totals: ReadonlyMap<string, ContestTotals>,
  field: string,
): { ok: true; outcomes: CertifiedOutcome[] } | { ok: false; problems: ElectionRefusal[] } {
  const missing = [...totals.values()].filter((t) => t.reported < t.expected);
  if (missing.length > 0) return { ok: false, problems: missing.map((t) => precinctsOutstanding(t, signedBy)) };
  const lotOf = (contestId: string) => state.lots.get(contestId)?.at(-1)?.order;
  const computed = bodyOutcomes(state.definition, bodyId, (contestId) => totals.get(contestId) as ContestTotals, lotOf);
  if (!computed.ok) return { ok: false, problems: [refusal('CANNOT_CERTIFY', field, `contest ${computed.contestId}: ${computed.reason}`, { contestId: computed.contestId })] };
  return { ok: true, outcomes: computed.outcomes };
}

/** What the act asks, judged against the recorded protocols' sums: every problem at once. */
function actProblems(state: DefinedElection, act: SignedActBody['act'], context: ElectionContext): ElectionRefusal[] {
  const totalsOf = context.totals;
  if (totalsOf === undefined) throw new Error('an act is decided with the sums of the recorded protocols in the context (totals)');
  const definition = state.definition;
  switch (act.kind) {
    case 'summary': {
      const contest = definition.contests.find((c) => c.id === act.contestId);
      if (!contest) return [refusal('NOT_FOUND', 'act.contestId', `election ${definition.id} has no contest ${act.contestId}`, { contestId: act.contestId })];
      const totals = totalsOf(act.commissionId, act.contestId);
      if (totals.expected === 0) return [refusal('NOT_FOUND', 'act.contestId', `no precinct under ${act.commissionId} votes in contest ${act.contestId}`, { contestId: act.contestId })];
      if (totals.reported < totals.expected) return [precinctsOutstanding(totals, act.commissionId)];
      const problems: ElectionRefusal[] = [];
      if (act.precincts !== totals.reported) {
        problems.push(refusal('SUMMARY_MISMATCH', 'act.precincts', `the summary counts ${act.precincts} precinct protocols; ${totals.reported} are recorded`, { line: 'precincts', summary: act.precincts, precincts: totals.reported }));
      }
      for (const d of differingLines(act.lines, totals.lines)) {
        problems.push(refusal('SUMMARY_MISMATCH', `act.lines.${d.line}`, `line ${d.line}: the summary says ${d.summary}, the recorded precinct protocols sum to ${d.precincts}`, d));
      }
      return problems;
    }
    case 'certification': {
      if (!state.live) return [refusal('NOT_LIVE', 'act.kind', `election ${definition.id} is in test mode: test figures are never certified`, { electionId: definition.id })];
      if (state.certified.has(act.bodyId)) {
        return [refusal('ALREADY_CERTIFIED', 'act.bodyId', `the seats of ${act.bodyId} are already certified; a new certification needs a decertification first`, { bodyId: act.bodyId })];
      }
      const root = signerOfAct(act, definition);
      const totals = new Map(definition.contests.filter((c) => c.body === act.bodyId).map((c) => [c.id, totalsOf(root, c.id)]));
      const computed = outcomesFromSums(state, act.bodyId, root, totals, 'act.outcomes');
      if (!computed.ok) return computed.problems;
      const problems: ElectionRefusal[] = [];
      computed.outcomes.forEach((expected, i) => {
        const named = act.outcomes.find((o) => o.contestId === expected.contestId);
        if (!named || canonicalOutcome(named) !== canonicalOutcome(expected)) {
          problems.push(
            refusal('CERTIFICATION_MISMATCH', `act.outcomes.${i}`, `contest ${expected.contestId}: the recorded protocols give ${canonicalOutcome(expected)}, the certification names ${named ? canonicalOutcome(named) : 'nothing'}`, {
              contestId: expected.contestId,
            }),
          );
        }
      });
      const extra = act.outcomes.filter((o) => !totals.has(o.contestId));
      for (const o of extra) problems.push(refusal('CERTIFICATION_MISMATCH', 'act.outcomes', `contest ${o.contestId} is not a contest of body ${act.bodyId}`, { contestId: o.contestId }));
      const digest = context.votesDigest;
      if (digest === undefined) throw new Error('a certification is decided with the digest of the sums in the context (votesDigest)');
      const expectedDigest = digest([...totals.values()]);
      if (act.votesDigest !== expectedDigest) {
        problems.push(refusal('CERTIFICATION_MISMATCH', 'act.votesDigest', `the sums of the recorded protocols have digest ${expectedDigest}, the certification names ${act.votesDigest}`, { votesDigest: expectedDigest }));
      }
      return problems;
    }
    case 'decertification':
      if (!state.certified.has(act.bodyId)) return [refusal('NOT_CERTIFIED', 'act.bodyId', `the seats of ${act.bodyId} are not certified: there is nothing to decertify`, { bodyId: act.bodyId })];
      return [];
    case 'go-live':
    case 'zero-report':
      if (state.live) {
        const why = definition.mode === 'test' ? 'it switched to live already' : 'it was defined live: it has no test mode';
        return [refusal('ALREADY_LIVE', 'act.kind', `election ${definition.id} is live (${why}); a ${act.kind} belongs to test mode`, { electionId: definition.id })];
      }
      return [];
  }
}

/** One outcome as comparable text: the seats in ballot order, or the district's outcome and winner. */
function canonicalOutcome(o: SignedActBody['act'] & { kind: 'certification' } extends { outcomes: readonly (infer O)[] } ? O : never): string {
  return o.kind === 'list'
    ? Object.keys(o.seats)
        .sort()
        .filter((id) => o.seats[id] > 0)
        .map((id) => `${id}: ${o.seats[id]}`)
        .join(', ') || 'no seats'
    : o.outcome === 'winner'
      ? `winner ${o.winner}`
      : o.outcome;
}

/** Both parsed by the same schemas (the recorded one by the codec), so equal JSON is equal content. */
function sameAmendment(recorded: DefinitionAmended['data'], body: SignedAmendmentBody): boolean {
  return JSON.stringify(recorded.amendment) === JSON.stringify(body.amendment) && recorded.signature.keyId === body.signature.keyId && recorded.signature.value === body.signature.value;
}

/**
 * BAD_SIGNATURE unless a key of the signing commission, valid when the amendment was received,
 * made the signature: the root commission's for keys and withdrawals; for a body's mandates, the
 * commission that allocates its seats (the lowest whose precincts are all the body's).
 */
function signatureProblem(state: DefinedElection, signed: SignedAmendment, receivedAt: string, context: ElectionContext): ElectionRefusal | undefined {
  const verify = context.verifyAmendment;
  if (verify === undefined) throw new Error('an amendment is decided with its signature check in the context (verifyAmendment)');
  const root = signerOf(state.definition, signed.amendment);
  const { keyId } = signed.signature;
  const verdict = judgeSignature(state.keys.keysOf(root.id), keyId, receivedAt, (publicKey) => verify(signed, publicKey));
  if (verdict.ok) return undefined;
  const operands = { keyId, problem: verdict.problem, commissionId: root.id };
  switch (verdict.problem) {
    case 'unknown-key':
      return refusal('BAD_SIGNATURE', 'signature.keyId', `this amendment is signed by a key of commission ${root.id}, which has no key ${keyId}`, operands);
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
function contentProblems(state: DefinedElection, amendment: Amendment, receivedAt: string, context: ElectionContext): ElectionRefusal[] {
  if (amendment.kind === 'withdraw-candidate') return withdrawalProblems(state, amendment, receivedAt);
  if (amendment.kind === 'register-deputies' || amendment.kind === 'terminate-mandate' || amendment.kind === 'fill-seat') return mandateProblems(state, amendment, context);
  const { commissionId } = amendment;
  if (!state.definition.commissions.some((c) => c.id === commissionId)) {
    return [refusal('UNKNOWN_COMMISSION', 'amendment.commissionId', `election ${state.definition.id} has no commission ${commissionId}`, { commissionId })];
  }
  const held = state.keys.keysOf(commissionId);
  switch (amendment.kind) {
    case 'add-key':
      return [...duplicateKeys(state.keys, held, [amendment.key], () => 'amendment.key', commissionId), ...unusableKeys([amendment.key], () => 'amendment.key.publicKey', context)];
    case 'replace-keys':
      return [...duplicateKeys(state.keys, held, amendment.keys, (i) => `amendment.keys.${i}`, commissionId), ...unusableKeys(amendment.keys, (i) => `amendment.keys.${i}.publicKey`, context)];
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
 * A withdrawal names a candidate of a ranked list of a list contest, not withdrawn yet, and is
 * received before polling day (local date in the election's time zone): after it, the ballot is
 * what voters chose from, and a vacancy follows the rules of early termination instead.
 */
function withdrawalProblems(state: DefinedElection, amendment: WithdrawCandidateAmendment, receivedAt: string): ElectionRefusal[] {
  const { contestId, candidateId } = amendment;
  const contest = state.definition.contests.find((c) => c.id === contestId);
  if (contest?.kind !== 'list') return [refusal('NOT_A_LIST_CONTEST', 'amendment.contestId', `election ${state.definition.id} has no list contest ${contestId}`, { contestId })];
  const list = contest.rankedLists?.find((r) => r.candidates.some((c) => c.id === candidateId));
  if (!list) return [refusal('NOT_ON_A_RANKED_LIST', 'amendment.candidateId', `candidate ${candidateId} is on no ranked list of contest ${contestId}`, { contestId, candidateId })];
  const problems: ElectionRefusal[] = [];
  if (state.withdrawn.has(candidateId)) problems.push(refusal('ALREADY_WITHDRAWN', 'amendment.candidateId', `candidate ${candidateId} of list ${list.list} is already withdrawn`, { candidateId, listId: list.list }));
  const day = localDate(receivedAt, state.definition.timeZone);
  // YYYY-MM-DD strings compare as dates.
  if (day === undefined || day >= state.definition.date) {
    problems.push(refusal('WITHDRAWAL_TOO_LATE', 'receivedAt', `a candidate is withdrawn before polling day (${state.definition.date}); received on ${day ?? receivedAt} (${state.definition.timeZone})`, { pollingDay: state.definition.date, receivedOn: day ?? receivedAt }));
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Deputies: registration, early termination and succession, by-elections

/**
 * THE gate of a registration: whether the body's deputies may be registered now. Today: every
 * precinct of every contest of the body is recorded (the list contest and each district).
 * Certification (the lifecycle issue) will be required here as well, and only here.
 */
export function registrationAllowed(
  state: DefinedElection,
  bodyId: string,
  outcome: BodyComposition,
): { readonly allowed: true } | { readonly allowed: false; readonly reported: number; readonly expected: number; readonly certified: boolean } {
  // Deputies are registered on certified seats only (ResultsCertified not withdrawn), every protocol in.
  const certified = state.certified.has(bodyId);
  const parts = [...(outcome.list ? [outcome.list.precincts] : []), ...outcome.districts.map((d) => d.precincts)];
  const reported = parts.reduce((n, p) => n + p.reported, 0);
  const expected = parts.reduce((n, p) => n + p.expected, 0);
  return reported === expected && expected > 0 && certified ? { allowed: true } : { allowed: false, reported, expected, certified };
}

function signerOf(definition: ElectionDefinition, amendment: Amendment) {
  const root = rootOf(definition);
  if (amendment.kind !== 'register-deputies' && amendment.kind !== 'terminate-mandate' && amendment.kind !== 'fill-seat') return root;
  const id = allocatingCommissionOf(definition, amendment.bodyId);
  return definition.commissions.find((c) => c.id === id) ?? root;
}

function mandateProblems(state: DefinedElection, amendment: MandateAmendment, context: ElectionContext): ElectionRefusal[] {
  const { bodyId } = amendment;
  if (!state.definition.bodies.some((b) => b.id === bodyId)) return [refusal('UNKNOWN_BODY', 'amendment.bodyId', `election ${state.definition.id} has no body ${bodyId}`, { bodyId })];
  const mandates = state.mandates.get(bodyId);
  switch (amendment.kind) {
    case 'register-deputies':
      return mandates ? [refusal('ALREADY_REGISTERED', 'amendment.bodyId', `the deputies of ${bodyId} were registered on ${mandates.registeredOn}`, { bodyId, registeredOn: mandates.registeredOn })] : registrationProblems(state, amendment, context);
    case 'terminate-mandate':
      return mandates ? terminationProblems(mandates, amendment) : [notRegistered(bodyId)];
    case 'fill-seat':
      return mandates ? fillProblems(state, mandates, amendment) : [notRegistered(bodyId)];
    default: {
      const never: never = amendment;
      throw new Error(`unknown mandate amendment ${JSON.stringify(never)}`);
    }
  }
}

const notRegistered = (bodyId: string): ElectionRefusal => refusal('NOT_REGISTERED', 'amendment.bodyId', `the deputies of ${bodyId} are not registered yet`, { bodyId });

/** Allowed now (registrationAllowed), and exactly the seats the count names, in order, on or after polling day. */
function registrationProblems(state: DefinedElection, amendment: RegisterDeputiesAmendment, context: ElectionContext): ElectionRefusal[] {
  const { bodyId } = amendment;
  if (context.bodyOutcome === undefined) throw new Error('a registration is decided with the body outcome in the context (bodyOutcome)');
  const outcome = context.bodyOutcome(bodyId);
  if (outcome === undefined) throw new Error(`the context has no outcome for body ${bodyId}`);
  const gate = registrationAllowed(state, bodyId, outcome);
  if (!gate.allowed) {
    const why =
      gate.reported < gate.expected || gate.expected === 0
        ? `${gate.reported} of ${gate.expected} protocols of body ${bodyId} are recorded; deputies are registered once all are and the seats are certified`
        : `the seats of body ${bodyId} are not certified; deputies are registered on certified seats`;
    return [refusal('REGISTRATION_NOT_ALLOWED', 'amendment.bodyId', why, { bodyId, reported: gate.reported, expected: gate.expected, certified: gate.certified ? 'yes' : 'no' })];
  }
  const problems: ElectionRefusal[] = [];
  if (amendment.on < state.definition.date) problems.push(refusal('DATE_BEFORE_MANDATE', 'amendment.on', `a registration is not dated before polling day (${state.definition.date})`, { on: amendment.on, pollingDay: state.definition.date }));
  const expected = membersOf(state.definition, outcome, state.withdrawn).members.flatMap((m): { seat: SeatRef; candidateId: string }[] => {
    if (!m.candidate) return []; // a seat no eligible candidate can take stays vacant from the start
    const seat: SeatRef = m.seat.kind === 'list' ? { kind: 'list', list: m.seat.list, number: m.seat.number } : { kind: 'district', contestId: m.seat.contestId };
    return [{ seat, candidateId: m.candidate.id }];
  });
  const given = amendment.deputies;
  const at = given.findIndex((d, i) => i >= expected.length || d.candidateId !== expected[i].candidateId || seatKey(d.seat) !== seatKey(expected[i].seat));
  if (at !== -1 || given.length !== expected.length) {
    const i = at === -1 ? given.length : at;
    const want = expected[i];
    problems.push(
      refusal('REGISTRATION_DIFFERS', `amendment.deputies.${i}`, want ? `the count names ${want.candidateId} for seat ${seatKey(want.seat)} here` : `the count names ${expected.length} deputies, not ${given.length}`, {
        expectedDeputies: expected.length,
        ...(want ? { expectedCandidateId: want.candidateId } : {}),
      }),
    );
  }
  return problems;
}

function terminationProblems(mandates: BodyMandates, amendment: TerminateMandateAmendment): ElectionRefusal[] {
  const { candidateId, on } = amendment;
  const held = seatHeldBy(mandates, candidateId);
  if (!held) return [refusal('NOT_A_DEPUTY', 'amendment.candidateId', `${candidateId} holds no seat of ${amendment.bodyId}`, { candidateId })];
  const since = held.tenures[held.tenures.length - 1].from;
  // YYYY-MM-DD strings compare as dates; a mandate ends after the day it began at the earliest.
  if (on <= since) return [refusal('DATE_BEFORE_MANDATE', 'amendment.on', `${candidateId} sits from ${since}; a termination is dated after it`, { candidateId, since, on })];
  return [];
}

function fillProblems(state: DefinedElection, mandates: BodyMandates, amendment: FillSeatAmendment): ElectionRefusal[] {
  const { contestId, bodyId, on } = amendment;
  const contest = state.definition.contests.find((c) => c.id === contestId);
  if (contest?.kind !== 'single-member' || contest.body !== bodyId) return [refusal('NOT_A_DISTRICT_SEAT', 'amendment.contestId', `${contestId} is no district of body ${bodyId}`, { contestId, bodyId })];
  const history = mandates.seats.find((s) => seatKey(s.seat) === seatKey({ kind: 'district', contestId }));
  const last = history?.tenures[history.tenures.length - 1];
  if (last !== undefined && (last.until === undefined || on < last.until)) {
    return [refusal('SEAT_NOT_VACANT', 'amendment.contestId', `the seat of district ${contestId} is held by ${last.candidateId}${last.until ? ` until ${last.until}` : ''}`, { contestId, candidateId: last.candidateId })];
  }
  return [];
}

function succession(state: DefinedElection, amendment: TerminateMandateAmendment, sequence: number): MandatePassed {
  const mandates = state.mandates.get(amendment.bodyId) as BodyMandates;
  const seat = (seatHeldBy(mandates, amendment.candidateId) as BodyMandates['seats'][number]).seat;
  // The leaving deputy counts as having held a seat: the fold that follows is the one deciding.
  const after = terminated(mandates, amendment);
  const next = successorOf(state.definition, amendment.bodyId, after, seat, amendment.ground, state.withdrawn);
  return {
    type: 'MandatePassed',
    data: { electionId: state.definition.id, bodyId: amendment.bodyId, sequence, seat, from: amendment.candidateId, to: next.to, on: amendment.on, rule: next.rule, skipped: next.skipped },
  };
}

function mandatesAfter(mandates: ReadonlyMap<string, BodyMandates>, amendment: Amendment): ReadonlyMap<string, BodyMandates> {
  switch (amendment.kind) {
    case 'register-deputies':
      return mandates.has(amendment.bodyId) ? mandates : new Map(mandates).set(amendment.bodyId, registered(amendment));
    case 'terminate-mandate':
    case 'fill-seat': {
      const body = mandates.get(amendment.bodyId);
      if (!body) return mandates;
      return new Map(mandates).set(amendment.bodyId, amendment.kind === 'terminate-mandate' ? terminated(body, amendment) : filled(body, amendment));
    }
    default:
      return mandates;
  }
}

function withdrawnAfter(withdrawn: ReadonlySet<string>, amendment: Amendment): ReadonlySet<string> {
  return amendment.kind === 'withdraw-candidate' ? new Set(withdrawn).add(amendment.candidateId) : withdrawn;
}

/**
 * A key id or public key the commission holds or ever held (revoked keys included: a revoked key
 * must never come back under a new name), one given twice, or a public key another commission
 * holds or held (it would sign for both, as the definition's own check refuses): DUPLICATE_KEY,
 * each where it is.
 */
function duplicateKeys(
  ring: KeyRing,
  held: readonly RingKey[],
  keys: readonly { keyId: string; publicKey: string }[],
  at: (i: number) => string,
  commissionId: string,
): ElectionRefusal[] {
  const problems: ElectionRefusal[] = [];
  keys.forEach((key, i) => {
    const earlier = keys.slice(0, i);
    for (const field of ['keyId', 'publicKey'] as const) {
      const value = key[field];
      const other = field === 'publicKey' ? ring.otherHolder(value, commissionId) : undefined;
      if (held.some((k) => k[field] === value)) {
        problems.push(refusal('DUPLICATE_KEY', `${at(i)}.${field}`, `commission ${commissionId} already holds (or held) a key with this ${field}`, { commissionId, [field]: value }));
      } else if (earlier.some((k) => k[field] === value)) {
        problems.push(refusal('DUPLICATE_KEY', `${at(i)}.${field}`, `the ${field} is given twice`, { commissionId, [field]: value }));
      } else if (other !== undefined) {
        problems.push(refusal('DUPLICATE_KEY', `${at(i)}.publicKey`, `commission ${other} holds (or held) this public key: each commission signs with keys of its own`, { commissionId, publicKey: value, heldBy: other }));
      }
    }
  });
  return problems;
}

/** UNUSABLE_KEY for each key the context judges no signature could be verified under, where it is. */
function unusableKeys(keys: readonly { keyId: string; publicKey: string }[], at: (i: number) => string, context: ElectionContext): ElectionRefusal[] {
  const judge = context.publicKeyProblem;
  if (judge === undefined) return [];
  return keys.flatMap((key, i) => {
    const problem = judge(key.publicKey);
    return problem === undefined ? [] : [refusal('UNUSABLE_KEY', at(i), `key ${key.keyId}: ${problem}`, { keyId: key.keyId, publicKey: key.publicKey })];
  });
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
