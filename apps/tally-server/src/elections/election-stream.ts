// An election's own stream, `election-<id>`, as the event store's command handler sees it: the
// domain's election decider (handed the amendment signature check, @tally/signatures'), its
// records decoded by the domain codec, its events given ids derived from their content (so the
// same definition, lot or amendment again is recognised by the store too). Beside the domain's
// state it keeps where each record is, so a command that repeats one answers with that record's
// position.
import { createHash } from 'node:crypto';
import { Logger } from '@nestjs/common';
import {
  decideElection,
  decodeElectionEvent,
  err,
  evolveElection,
  initialElectionState,
  ok,
  repeatedLot,
  type ElectionCommand,
  type ElectionContext,
  type ElectionDefinition,
  type ElectionEvent,
  type ElectionRefusal,
  type ElectionState,
  type DefinitionAmended,
  type ActRecordedData,
  type LotDrawn,
  SignedActBody,
  signerOfAct,
} from '@tally/domain';
import { canonicalJson } from '@tally/encoding';
import { eventToAppend, type StreamDecider } from '@tally/event-store';
import { publicKeyProblem, verifyActSignature, verifyAmendmentSignature, votesDigest } from '@tally/signatures';
import { v5 as uuidv5 } from 'uuid';

/** Namespace for definition event ids (UUIDv5 of the content hash): re-loading the same definition is a no-op. */
const DEFINITION_NAMESPACE = '1b671a64-40d5-491e-99b0-da01ff1f3341';
/** Namespace for lot event ids (UUIDv5 of the content hash): the same request again is a no-op. */
const LOT_NAMESPACE = '6f0d3c1e-5b7a-4f59-9a44-2d8e1c0b7a51';
/** Namespace for amendment event ids (UUIDv5 of the signed content hash): a racing twin of the same amendment is recognised. */
const AMENDMENT_NAMESPACE = 'b3e0c5a2-7d41-4c8e-9f16-5a2d7c9e0b34';
/** Namespace for act event ids (UUIDv5 of the signed content hash): a racing twin of the same act is recognised. */
const ACT_NAMESPACE = '0c9b7e21-3f5d-4a8b-b6e2-91d4f7a3c058';

export interface ElectionStreamState {
  readonly election: ElectionState;
  /** Each record's position, by event id. */
  readonly positions: ReadonlyMap<string, string>;
}

const logger = new Logger('Elections');

/**
 * The stream's decider with what deciding reads besides the stream: the signature checks always;
 * for an act, the sums of the recorded protocols (read before the decision: precinct-totals.ts);
 * for a registration, the body outcomes (the projector's, in a process that has one).
 * No cache: definitions, lots and acts are rare, and an administrator's answer should come from a fresh read.
 */
export function electionStreamWith(context: Pick<ElectionContext, 'totals' | 'bodyOutcome'> = {}): StreamDecider<ElectionStreamState, ElectionCommand, readonly ElectionRefusal[]> {
  const full: ElectionContext = { verifyAmendment: verifyAmendmentSignature, verifyAct: verifyActSignature, publicKeyProblem, votesDigest, ...context };
  return {
    initialState: () => ({ election: initialElectionState(), positions: new Map() }),
    evolve(state, record) {
      const positions = record.position === undefined ? state.positions : new Map(state.positions).set(record.id, record.position);
      const decoded = decodeElectionEvent(record);
      if (decoded.ok) return { election: evolveElection(state.election, decoded.value), positions };
      // A recorded event that no longer decodes is a bug in a newer version of the rules (or another writer's).
      logger.error(`${record.type} at revision ${record.revision} of ${record.streamName} is not an election event (${JSON.stringify(decoded.error)}); ignored`);
      return { ...state, positions };
    },
    decide(command, state) {
      const decided = decideElection(command, state.election, full);
      return decided.ok ? ok(decided.value.map((event) => eventToAppend(electionEventId(event), event))) : err(decided.error);
    },
  };
}

/** Every command but an act (which needs the sums: `electionStreamWith({ totals })`) or a registration (`{ bodyOutcome }`). */
export const electionStream = electionStreamWith();

/** Where the record a command repeats is (the command decided nothing), if the stream says. */
export function positionOfRepeated(command: ElectionCommand, state: ElectionStreamState): string | undefined {
  const { election } = state;
  if (election.status !== 'defined') return undefined;
  switch (command.type) {
    case 'DefineElection':
      return state.positions.get(definitionEventId(election.defined));
    case 'DrawLot': {
      const lot = repeatedLot(command, election);
      return lot === undefined ? undefined : state.positions.get(lotEventId(lot));
    }
    case 'AddKey':
    case 'RevokeKey':
    case 'ReplaceKeys':
    case 'WithdrawCandidate':
    case 'RegisterDeputies':
    case 'TerminateMandate':
    case 'FillSeat': {
      // Decided nothing: the very amendment recorded under this sequence number.
      const recorded = election.amendments[command.sequence - 1];
      return recorded === undefined ? undefined : state.positions.get(amendmentEventId(recorded));
    }
    case 'RecordAct': {
      const body = SignedActBody.safeParse(command.body);
      if (!body.success) return undefined;
      const recorded = election.acts.get(signerOfAct(body.data.act, election.definition))?.[body.data.sequence - 1];
      return recorded === undefined ? undefined : state.positions.get(actEventId(recorded));
    }
    default: {
      const never: never = command;
      throw new Error(`unknown election command ${(never as { type: string }).type}`);
    }
  }
}

function electionEventId(event: ElectionEvent): string {
  switch (event.type) {
    case 'ElectionDefined':
      return definitionEventId(event.data.definition);
    case 'LotDrawn':
      return lotEventId(event.data);
    case 'DefinitionAmended':
      return amendmentEventId(event.data);
    case 'ResultsSummarized':
    case 'ResultsCertified':
    case 'ResultsDecertified':
    case 'ElectionWentLive':
    case 'ZeroReported':
      return actEventId(event.data);
    case 'MandatePassed':
      // One per termination: its amendment's sequence names it.
      return uuidv5(`${event.data.electionId}|mandate-passed|${event.data.sequence}`, AMENDMENT_NAMESPACE);
    default: {
      const never: never = event;
      throw new Error(`unknown election event ${(never as { type: string }).type}`);
    }
  }
}

/** What was signed and by which key, not when it arrived: the same amendment sent twice at once gets one id. */
function amendmentEventId(amendment: DefinitionAmended['data']): string {
  const { electionId, sequence, signature } = amendment;
  return uuidv5(sha256(canonicalJson({ electionId, sequence, amendment: amendment.amendment, signature })), AMENDMENT_NAMESPACE);
}

/** What was signed, by whom and with which key, not when it arrived. */
function actEventId(act: ActRecordedData): string {
  const { electionId, signedBy, sequence, signature } = act;
  return uuidv5(sha256(canonicalJson({ electionId, signedBy, sequence, act: act.act, signature })), ACT_NAMESPACE);
}

/** Parsed definitions have the schema's key order, so their JSON is the same for the same content. */
function definitionEventId(definition: ElectionDefinition): string {
  return uuidv5(sha256(JSON.stringify(definition)), DEFINITION_NAMESPACE);
}

/** The lot's fields in a fixed order (a record read back from jsonb may have its keys reordered). */
function lotEventId(lot: LotDrawn['data']): string {
  const { electionId, contestId, order, drawnBy, reason } = lot;
  return uuidv5(sha256(JSON.stringify({ electionId, contestId, order, drawnBy, reason })), LOT_NAMESPACE);
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
