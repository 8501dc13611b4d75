// The commission payload as a JSON value and back, for the delta code (frame-delta.ts), which works
// on JSON values. To JSON, the compiler checks it: the payload's members are all JSON. Back, a
// patched value is a payload only if it has the payload's shape, member by member, so it is
// checked: a delta that breaks the shape is refused like one that does not fit. The checks below
// are tied to the payload's types: a member, a kind or a variant added to a type and not here
// does not compile (every object names all its members, every set of literals and variants all of
// them), so the check cannot fall behind the types and refuse good frames. Type imports only: the
// dashboard bundles this file.
import type {
  AdmissionCertainty,
  AllocationMethod,
  AllocationResult,
  BallotsIssued,
  CommissionLevel,
  CommissionNode,
  Composition,
  ContestScope,
  DistrictSeat,
  ListAllocation,
  LocalizedName,
  PartySeats,
  Progress,
  Ratio,
  Result,
  SingleMemberResult,
  SingleMemberTieBroken,
  ThresholdBase,
  ThresholdCertainty,
  TieBroken,
  TieRule,
  TieStage,
  TurnoutAtTime,
} from '@tally/domain';
import type { BodyCompositionDto, CommissionPayload, CommissionRef, ContestResultsDto, EmbargoedContestDto, FigureStatus, RatioWithPercent } from '../results/results.presenter';
import type { Json } from './frame-delta';

/**
 * T as the plain data it is: the same members, as object types rather than interfaces (an
 * interface has no index signature, so the compiler would not take it as a JSON object). What is
 * not JSON (a function, a method, a bigint) becomes unknown, which is no Json: it does not compile.
 */
type Plain<T> = T extends null | boolean | number | string | undefined
  ? T
  : T extends (...args: never[]) => unknown
    ? unknown
    : T extends object
      ? { readonly [K in keyof T]: Plain<T[K]> }
      : unknown;

/** The payload as a JSON value: the same object (two widenings the compiler checks, no copy). */
export function payloadToJson(payload: CommissionPayload): Json {
  const plain: Plain<CommissionPayload> = payload;
  return plain;
}

/** The payload in `json`, or why it is not one (where and which rule: `contests[2].turnout.percent: a number or null`). */
export function payloadFromJson(json: Json): Result<CommissionPayload, string> {
  const failure: Failure = { path: [], rule: '' };
  if (payload(json, failure)) return { ok: true, value: json };
  const where = failure.path.map((k) => (typeof k === 'number' ? `[${k}]` : `.${k}`)).join('');
  return { ok: false, error: `${where.replace(/^\./, '') || 'the payload'}: ${failure.rule}` };
}

/** Where a check failed (keys outermost first, filled in as the checks return) and the rule broken. */
interface Failure {
  readonly path: (string | number)[];
  rule: string;
}

/** A check that `v` is a T; on failure it says where and why in `failure`. */
type Guard<T> = (v: unknown, failure: Failure) => v is T;

const fail = (failure: Failure, rule: string): false => {
  failure.rule = rule;
  return false;
};

const isRecord = (v: unknown): v is { readonly [key: string]: unknown } => typeof v === 'object' && v !== null && !Array.isArray(v);

const str: Guard<string> = (v, f): v is string => typeof v === 'string' || fail(f, 'a string');
const num: Guard<number> = (v, f): v is number => typeof v === 'number' || fail(f, 'a number');
const bool: Guard<boolean> = (v, f): v is boolean => typeof v === 'boolean' || fail(f, 'a boolean');
const isTrue: Guard<true> = (v, f): v is true => v === true || fail(f, 'true');

// The type a check is for comes from where it is used (or is given), never from its arguments
// (NoInfer): so the arguments must name every literal and every member of that type.

/** One of a set of strings: a record of them all. */
function oneOf<T extends string>(values: { readonly [K in NoInfer<T>]: true }): Guard<T> {
  const set: ReadonlySet<unknown> = new Set(Object.keys(values));
  const rule = `one of ${Object.keys(values)
    .map((x) => JSON.stringify(x))
    .join(', ')}`;
  return (v, f): v is T => set.has(v) || fail(f, rule);
}

/** T or null: a failure of the value itself (not of a member deeper down) says so. */
function orNull<T>(guard: Guard<T>): Guard<T | null> {
  return (v, f): v is T | null => {
    if (v === null || guard(v, f)) return true;
    if (f.path.length === 0) f.rule += ' or null';
    return false;
  };
}

/** An optional member: absent (JSON has no undefined) or a T. */
function optional<T>(guard: Guard<T>): Guard<T | undefined> {
  return (v, f): v is T | undefined => v === undefined || guard(v, f);
}

function arrayOf<T>(guard: Guard<T>): Guard<readonly T[]> {
  return (v, f): v is readonly T[] => {
    if (!Array.isArray(v)) return fail(f, 'an array');
    for (let i = 0; i < v.length; i++) {
      if (!guard(v[i], f)) {
        f.path.unshift(i);
        return false;
      }
    }
    return true;
  };
}

function pairOf<T>(guard: Guard<T>): Guard<readonly [T, T]> {
  const both = arrayOf(guard);
  return (v, f): v is readonly [T, T] => (Array.isArray(v) && v.length === 2 ? both(v, f) : fail(f, 'an array of two'));
}

function recordOf<T>(guard: Guard<T>): Guard<{ readonly [key: string]: T }> {
  return (v, f): v is { readonly [key: string]: T } => {
    if (!isRecord(v)) return fail(f, 'an object');
    for (const k in v) {
      if (!guard(v[k], f)) {
        f.path.unshift(k);
        return false;
      }
    }
    return true;
  };
}

/** An object with every member of T as its check says (members T does not name are let be, as in TypeScript). */
function object<T>(members: NoInfer<{ readonly [K in keyof T]-?: Guard<T[K]> }>): Guard<T> {
  return (v, f): v is T => {
    if (!isRecord(v)) return fail(f, 'an object');
    for (const k in members) {
      if (!members[k](v[k], f)) {
        f.path.unshift(k);
        return false;
      }
    }
    return true;
  };
}

type Variant<T, K> = Extract<T, { readonly kind: K }>;

/** A union told apart by `kind`, a check for every kind. */
function byKind<T extends { readonly kind: string }>(variants: NoInfer<{ readonly [K in T['kind']]: Guard<Variant<T, K>> }>): Guard<T> {
  const rule = `one of ${Object.keys(variants)
    .map((k) => JSON.stringify(k))
    .join(', ')}`;
  const isKind = (k: unknown): k is keyof typeof variants => typeof k === 'string' && Object.hasOwn(variants, k);
  return (v, f): v is T => {
    if (!isRecord(v)) return fail(f, 'an object');
    if (isKind(v.kind)) return variants[v.kind](v, f);
    f.path.unshift('kind');
    return fail(f, rule);
  };
}

const localizedName = object<LocalizedName>({ kk: str, ru: str, en: str });
const level = oneOf<CommissionLevel>({ central: true, regional: true, district: true, precinct: true });
const progress = object<Progress>({ reported: num, expected: num });
const ratio = object<Ratio>({ numerator: num, denominator: num });
const ratioWithPercent = object<RatioWithPercent>({ numerator: num, denominator: num, percent: orNull(num) });
const commissionRef = object<CommissionRef>({ id: str, level, name: localizedName });
const commissionNode: Guard<CommissionNode> = object<CommissionNode>({
  id: str,
  level,
  name: localizedName,
  precincts: progress,
  protocols: progress,
  children: optional(arrayOf((v, f): v is CommissionNode => commissionNode(v, f))),
});
const tieRule = oneOf<TieRule>({ 'registration-order': true, 'more-votes-then-registration': true, lot: true });
const method = oneOf<AllocationMethod>({ hare: true, droop: true, dhondt: true, 'sainte-lague': true });
const tieStage = oneOf<TieStage>({ admission: true, seats: true });
const strings = arrayOf(str);

const allocation = byKind<AllocationResult>({
  allocated: object({
    kind: oneOf({ allocated: true }),
    method,
    seats: num,
    base: num,
    quota: optional(ratio),
    divisors: optional(arrayOf(num)),
    lists: arrayOf(
      object<ListAllocation>({
        id: str,
        votes: num,
        share: ratio,
        passedThreshold: bool,
        admitted: bool,
        admittedAsRunnerUp: bool,
        seats: num,
        quotaSeats: optional(num),
        remainder: optional(ratio),
      }),
    ),
    tiesBroken: arrayOf(object<TieBroken>({ lists: strings, seats: num, by: tieRule, winners: optional(strings), stage: optional(tieStage) })),
  }),
  tie: object({ kind: oneOf({ tie: true }), method, tiedLists: strings, seatsInDispute: num, settled: recordOf(num), stage: optional(tieStage) }),
  none: object({
    kind: oneOf({ none: true }),
    reason: oneOf({ 'no-votes': true, 'no-admitted-list': true, 'no-seats': true, 'invalid-input': true }),
    detail: optional(str),
  }),
});

const singleMemberTie = object<SingleMemberTieBroken>({ candidates: strings, places: num, by: tieRule, winners: strings });
const outcome = byKind<SingleMemberResult>({
  winner: object({ kind: oneOf({ winner: true }), winner: str, votes: num, tieBroken: optional(singleMemberTie) }),
  'runoff-needed': object({ kind: oneOf({ 'runoff-needed': true }), candidates: pairOf(str), tieBroken: optional(singleMemberTie) }),
  tie: object({ kind: oneOf({ tie: true }), tiedCandidates: strings, places: num }),
  'repeat-election': object({ kind: oneOf({ 'repeat-election': true }), reason: oneOf({ 'against-all-first': true, 'no-runoff-possible': true }) }),
  none: object({ kind: oneOf({ none: true }), reason: oneOf({ 'no-candidates': true, 'no-votes': true, 'invalid-input': true }), detail: optional(str) }),
});

const scope = byKind<ContestScope>({
  allocating: object({ kind: oneOf({ allocating: true }) }),
  local: object({ kind: oneOf({ local: true }), allocatingCommissionId: str }),
});

type ListContestDto = Variant<ContestResultsDto, 'list'>;
type SingleMemberContestDto = Variant<ContestResultsDto, 'single-member'>;
type PercentTurnoutAtTime = Omit<TurnoutAtTime, 'turnout'> & { readonly turnout: RatioWithPercent };

/** The members every contest has, under the embargo or not. */
const contestCommon = {
  commissionId: str,
  contestId: str,
  name: localizedName,
  precincts: progress,
  registeredVoters: num,
  registeredVotersReported: num,
  outstandingVoters: num,
  ballotsIssued: object<BallotsIssued>({ atStation: num, early: num, mobile: num, total: num }),
  turnout: ratioWithPercent,
  turnoutByTime: arrayOf(object<PercentTurnoutAtTime>({ time: str, ballotsIssued: num, registeredVoters: num, precinctsReported: num, turnout: ratioWithPercent })),
};

/** The members of a contest with results, of either kind. */
const withResults = {
  ...contestCommon,
  status: optional(oneOf<FigureStatus>({ provisional: true, summarized: true, certified: true })),
  ballotsFound: num,
  invalid: num,
  againstAll: num,
  base: num,
  againstAllShare: ratioWithPercent,
  scope,
};

const contestResults = byKind<ContestResultsDto>({
  list: object<ListContestDto>({
    ...withResults,
    kind: oneOf({ list: true }),
    baseKind: oneOf<ThresholdBase>({ 'list-votes': true, 'list-votes-plus-against-all': true, 'ballots-cast': true }),
    thresholdPercent: num,
    seats: num,
    lists: arrayOf(
      object<ListContestDto['lists'][number]>({
        id: str,
        votes: num,
        share: ratioWithPercent,
        threshold: orNull(oneOf<ThresholdCertainty>({ 'certainly-in': true, 'certainly-out': true, undecided: true })),
        admission: orNull(oneOf<AdmissionCertainty>({ 'certainly-admitted': true, 'certainly-not-admitted': true, undecided: true })),
        seats: orNull(num),
        contribution: orNull(ratioWithPercent),
      }),
    ),
    allocation: orNull(allocation),
  }),
  'single-member': object<SingleMemberContestDto>({
    ...withResults,
    kind: oneOf({ 'single-member': true }),
    baseKind: oneOf({ 'valid-votes': true }),
    district: str,
    candidates: arrayOf(object<SingleMemberContestDto['candidates'][number]>({ id: str, party: orNull(str), votes: num, share: ratioWithPercent })),
    outcome: orNull(outcome),
  }),
});

const embargoedContest = object<EmbargoedContestDto>({ ...contestCommon, kind: oneOf({ list: true, 'single-member': true }), embargoed: isTrue });

/** A contest under the embargo says so; any other is one with results. */
const contest: Guard<ContestResultsDto | EmbargoedContestDto> = (v, f): v is ContestResultsDto | EmbargoedContestDto =>
  isRecord(v) && v.embargoed === true ? embargoedContest(v, f) : contestResults(v, f);

const body = object<BodyCompositionDto>({
  bodyId: str,
  name: localizedName,
  seatsTotal: num,
  status: optional(oneOf({ provisional: true, certified: true })),
  list: orNull(object({ contestId: str, precincts: progress, allocation })),
  districts: arrayOf(object<DistrictSeat>({ contestId: str, district: str, precincts: progress, outcome })),
  composition: object<Composition>({
    parties: arrayOf(object<PartySeats>({ party: str, listSeats: num, districtSeats: num, seats: num })),
    independents: arrayOf(object({ candidate: str, contest: str })),
    seats: num,
    pending: strings,
  }),
});

const payload = object<CommissionPayload>({
  electionId: str,
  test: bool,
  position: orNull(str),
  recordedAt: orNull(str),
  resultsNotBefore: optional(str),
  embargoed: optional(bool),
  commission: object({ id: str, level, name: localizedName, parentId: orNull(str), path: arrayOf(commissionRef) }),
  progress: object({ precincts: progress, protocols: progress }),
  children: arrayOf(commissionNode),
  contests: arrayOf(contest),
  bodies: arrayOf(body),
});
