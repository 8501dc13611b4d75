// THE one way a stored record becomes a domain event. The store hands back `{ type, data }` as it
// was written (JSON); before any fold, view, decider or auditor trusts it, this codec checks the
// shape the types promise and says, as a value, what is wrong when it is not. Nothing else in the
// code base casts a stored record to an event.
//
// The check is structural and cheap (a replay decodes tens of thousands of events a second): the
// fields each reader relies on have their JSON types. What the numbers mean (control relations,
// counts past 2^32, an unknown precinct) is the decider's and the views' to judge, as before.
import type { PrecinctEvent } from '../precinct/precinct.events';
import { parseElectionDefinition } from '../election/parse-election-definition';
import { DefinitionAmendedData } from '../election/amendments';
import { MandatePassedData } from '../election/mandates';
import type { ElectionEvent, LifecycleEvent } from '../election/election.events';
import { ActRecordedData, type LifecycleActKind } from '../election/lifecycle';
import { err, ok, type Result } from '../result';

/** What a store hands over, whatever the engine: the event's type and its JSON data. */
export interface StoredEventLike {
  readonly type: string;
  readonly data: unknown;
}

export type DomainEvent = PrecinctEvent | ElectionEvent;

export type DecodeFailure =
  | { readonly kind: 'unknown-type'; readonly type: string }
  | { readonly kind: 'malformed'; readonly type: string; readonly field: string; readonly message: string };

export const PRECINCT_EVENT_TYPES: ReadonlySet<PrecinctEvent['type']> = new Set(['ProtocolRecorded', 'ProtocolCorrected', 'TurnoutReported', 'SubmissionRefused']);
export const ELECTION_EVENT_TYPES: ReadonlySet<ElectionEvent['type']> = new Set([
  'ElectionDefined',
  'LotDrawn',
  'DefinitionAmended',
  'MandatePassed',
  'ResultsSummarized',
  'ResultsCertified',
  'ResultsDecertified',
  'ElectionWentLive',
  'ZeroReported',
]);

/** Each act event's type and the act kind its data must carry. */
const ACT_KIND_OF_TYPE: Readonly<Record<string, LifecycleActKind>> = {
  ResultsSummarized: 'summary',
  ResultsCertified: 'certification',
  ResultsDecertified: 'decertification',
  ElectionWentLive: 'go-live',
  ZeroReported: 'zero-report',
};

type Fields = Record<string, unknown>;
type Check = (data: Fields) => string | undefined;

const isObject = (v: unknown): v is Fields => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (field: string): Check => (d) => (typeof d[field] === 'string' ? undefined : field);
const num = (field: string): Check => (d) => (typeof d[field] === 'number' && Number.isFinite(d[field]) ? undefined : field);
const obj = (field: string): Check => (d) => (isObject(d[field]) ? undefined : field);
const strings = (field: string): Check => (d) => (Array.isArray(d[field]) && (d[field] as unknown[]).every((v) => typeof v === 'string') ? undefined : field);
const signature: Check = (d) => {
  const s = d.signature;
  return s === null || (isObject(s) && typeof s.keyId === 'string' && typeof s.value === 'string' && (s.scheme === undefined || s.scheme === 'tally-submission-v2'))
    ? undefined
    : 'signature';
};
const testFlag: Check = (d) => (d.test === undefined || d.test === true ? undefined : 'test');
const META: readonly Check[] = [str('submissionId'), str('electionId'), str('precinctId'), str('submittedBy'), str('receivedAt'), signature, testFlag];
const REFUSAL_KINDS = new Set(['protocol', 'correction', 'turnout']);

const SHAPES: Readonly<Record<string, readonly Check[]>> = {
  ProtocolRecorded: [...META, str('contestId'), obj('protocol'), (d) => (d.version === 1 ? undefined : 'version')],
  ProtocolCorrected: [...META, str('contestId'), obj('protocol'), (d) => (Number.isInteger(d.version) && (d.version as number) >= 2 ? undefined : 'version'), str('supersedes'), str('reason')],
  TurnoutReported: [...META, str('time'), num('ballotsIssued'), (d) => (d.version === undefined || (Number.isInteger(d.version) && (d.version as number) >= 1) ? undefined : 'version')],
  SubmissionRefused: [
    ...META,
    (d) => (REFUSAL_KINDS.has(d.kind as string) ? undefined : 'kind'),
    (d) => (Array.isArray(d.reasons) && d.reasons.every((r) => isObject(r) && typeof r.code === 'string' && typeof r.field === 'string') ? undefined : 'reasons'),
    (d) => ('payload' in d ? undefined : 'payload'),
  ],
  LotDrawn: [str('electionId'), str('contestId'), strings('order'), str('drawnBy'), str('reason')],
};

function checkShape<E>(e: StoredEventLike): Result<E, DecodeFailure> {
  const checks = SHAPES[e.type];
  if (checks === undefined) return err({ kind: 'unknown-type', type: e.type });
  if (!isObject(e.data)) return err({ kind: 'malformed', type: e.type, field: 'data', message: 'the data is not a JSON object' });
  for (const check of checks) {
    const field = check(e.data);
    if (field !== undefined) return err({ kind: 'malformed', type: e.type, field, message: `${e.type}.${field} is missing or of the wrong type` });
  }
  return ok({ type: e.type, data: e.data } as E);
}

/** A precinct stream's record as a PrecinctEvent, or why it is not one. */
export function decodePrecinctEvent(e: StoredEventLike): Result<PrecinctEvent, DecodeFailure> {
  if (!PRECINCT_EVENT_TYPES.has(e.type as PrecinctEvent['type'])) return err({ kind: 'unknown-type', type: e.type });
  return checkShape<PrecinctEvent>(e);
}

/**
 * An election stream's record as an ElectionEvent, or why it is not one. A definition is parsed
 * by the domain's own rules, an amendment by its schema: a recorded one that no longer parses is
 * `malformed`, with the first problem named.
 */
export function decodeElectionEvent(e: StoredEventLike): Result<ElectionEvent, DecodeFailure> {
  if (e.type === 'ElectionDefined') {
    const definition = isObject(e.data) ? e.data.definition : undefined;
    const parsed = parseElectionDefinition(definition);
    if (!parsed.ok) {
      const first = parsed.error[0];
      return err({ kind: 'malformed', type: e.type, field: `definition${first?.path ? `.${first.path}` : ''}`, message: first?.message ?? 'the definition does not parse' });
    }
    return ok({ type: 'ElectionDefined', data: { definition: parsed.value } });
  }
  if (e.type === 'DefinitionAmended' || e.type === 'MandatePassed') {
    // Parsed by the event's own schema: the key order comes back however the engine stored it
    // (jsonb reorders keys), so a re-send, and an auditor's re-decision, compare equal.
    const parsed = (e.type === 'DefinitionAmended' ? DefinitionAmendedData : MandatePassedData).safeParse(e.data);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      return err({ kind: 'malformed', type: e.type, field: first?.path.join('.') || 'data', message: first?.message ?? `the ${e.type} record does not parse` });
    }
    return ok({ type: e.type, data: parsed.data } as ElectionEvent);
  }
  const actKind = ACT_KIND_OF_TYPE[e.type];
  if (actKind !== undefined) {
    // Parsed by the act's schema, like an amendment, so a re-send compares equal whatever the engine's key order.
    const parsed = ActRecordedData.safeParse(e.data);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      return err({ kind: 'malformed', type: e.type, field: first?.path.join('.') || 'data', message: first?.message ?? 'the act does not parse' });
    }
    if (parsed.data.act.kind !== actKind) return err({ kind: 'malformed', type: e.type, field: 'act.kind', message: `a ${e.type} carries a ${actKind} act, not a ${parsed.data.act.kind}` });
    return ok({ type: e.type, data: parsed.data } as LifecycleEvent);
  }
  if (!ELECTION_EVENT_TYPES.has(e.type as ElectionEvent['type'])) return err({ kind: 'unknown-type', type: e.type });
  return checkShape<ElectionEvent>(e);
}

/** Either kind, chosen by the event's type. */
export function decodeDomainEvent(e: StoredEventLike): Result<DomainEvent, DecodeFailure> {
  return ELECTION_EVENT_TYPES.has(e.type as ElectionEvent['type']) ? decodeElectionEvent(e) : decodePrecinctEvent(e);
}
