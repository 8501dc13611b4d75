// Parsing an election definition: the zod shape first, then every cross-reference rule the
// shape cannot express. All problems are returned at once, each with a path and a stable rule
// code, so whoever wrote the file can fix it in one round.
import type { z } from 'zod';
import { err, ok, type Result } from '../result';
import {
  Baseline,
  Body,
  Candidate,
  Contest,
  Commission,
  ElectionDefinitionShape,
  PartyList,
  type ElectionDefinition,
} from './election-definition';
import { IdTable } from './id-table';

export type DefinitionRule =
  // the shape (from zod issues)
  | 'REQUIRED'
  | 'INVALID_TYPE'
  | 'INVALID_FORMAT'
  | 'INVALID_VALUE'
  | 'UNKNOWN_FIELD'
  | 'UNKNOWN_KIND' // a contest `kind` or commission `level` that is none of the variants
  | 'TOO_SMALL'
  | 'TOO_BIG'
  | 'NOT_MULTIPLE_OF'
  | 'PRECINCT_IN_NO_CONTEST'
  | 'INVALID'
  // scalar values the shape only checks by pattern
  | 'INVALID_DATE'
  | 'UNKNOWN_TIME_ZONE'
  | 'TURNOUT_TIMES_NOT_ASCENDING'
  | 'DUPLICATE_TURNOUT_TIME'
  // identity (each namespace separately: bodies, lists, candidates, contests, commissions)
  | 'DUPLICATE_ID'
  // lists and candidates
  | 'DUPLICATE_REGISTRATION_ORDER'
  | 'UNKNOWN_PARTY'
  // contests
  | 'UNKNOWN_BODY'
  | 'TWO_LIST_CONTESTS_FOR_BODY'
  | 'UNKNOWN_LIST'
  | 'DUPLICATE_LIST_ON_BALLOT'
  | 'LISTS_NOT_IN_REGISTRATION_ORDER'
  | 'NO_CANDIDATES'
  | 'UNKNOWN_CANDIDATE'
  | 'DUPLICATE_CANDIDATE_ON_BALLOT'
  | 'DUPLICATE_DISTRICT'
  | 'CONTEST_AT_NO_PRECINCT'
  // ranked lists (a list contest's candidates in order)
  | 'RANKED_LIST_NOT_ON_BALLOT'
  | 'DUPLICATE_RANKED_LIST'
  | 'DUPLICATE_LIST_CANDIDATE'
  // baselines (the last election)
  | 'DUPLICATE_BASELINE'
  | 'DUPLICATE_BASELINE_PARTY'
  | 'UNKNOWN_SUCCESSOR'
  | 'BASELINE_OF_ITSELF'
  // the commission tree
  | 'UNKNOWN_PARENT'
  | 'NO_ROOT'
  | 'MULTIPLE_ROOTS'
  | 'PARENT_CYCLE'
  | 'PRECINCT_HAS_CHILDREN'
  | 'PRECINCT_PARENT_NOT_TERRITORIAL'
  // commissions' keys
  | 'DUPLICATE_KEY'
  // precincts
  | 'UNKNOWN_CONTEST'
  | 'DUPLICATE_CONTEST_AT_PRECINCT'
  | 'TWO_DISTRICTS_OF_BODY';

export interface DefinitionProblem {
  /** Where, e.g. `commissions[12].parent`; `` for the document itself. */
  readonly path: string;
  readonly rule: DefinitionRule;
  /** Human-readable, English; clients translate by rule. */
  readonly message: string;
}

/**
 * Parses an election definition (already decoded from JSON or YAML by the caller: the domain
 * reads no text formats). On success the value satisfies every rule below, which is what
 * `indexElection` relies on.
 */
export function parseElectionDefinition(input: unknown): Result<ElectionDefinition, DefinitionProblem[]> {
  const parsed = ElectionDefinitionShape.safeParse(input);
  if (parsed.success) {
    const problems = checkReferences(completeMaterial(parsed.data));
    return problems.length === 0 ? ok(parsed.data) : err(problems);
  }
  const problems = parsed.error.issues.flatMap((issue) => shapeProblems(issue, input));
  // Still check what did parse, so a typo in one precinct does not hide the other problems.
  const salvaged = salvage(input);
  if (salvaged) problems.push(...checkReferences(salvaged));
  return err(problems);
}

// ---------------------------------------------------------------------------------------------
// Shape: zod issues → problems

function shapeProblems(issue: z.core.$ZodIssue, input: unknown): DefinitionProblem[] {
  const path = issue.path as readonly PropertyKey[];
  const at = formatPath(path);
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({
        path: formatPath([...path, key]),
        rule: 'UNKNOWN_FIELD' as const,
        message: `unknown field "${key}"`,
      }));
    case 'invalid_type':
      return [
        valueAt(input, path) === undefined
          ? { path: at, rule: 'REQUIRED', message: `required (${issue.expected})` }
          : { path: at, rule: 'INVALID_TYPE', message: issue.message },
      ];
    case 'invalid_union':
      // The discriminated unions (contest kind, commission level) report here.
      if (valueAt(input, path) === undefined) return [{ path: at, rule: 'REQUIRED', message: issue.message }];
      return [{ path: at, rule: 'discriminator' in issue ? 'UNKNOWN_KIND' : 'INVALID', message: issue.message }];
    case 'too_small':
      if (isPrecinctContests(path)) return [{ path: at, rule: 'PRECINCT_IN_NO_CONTEST', message: issue.message }];
      return [{ path: at, rule: 'TOO_SMALL', message: issue.message }];
    case 'too_big':
      return [{ path: at, rule: 'TOO_BIG', message: issue.message }];
    case 'invalid_format':
      return [{ path: at, rule: 'INVALID_FORMAT', message: issue.message }];
    case 'invalid_value':
      return [{ path: at, rule: 'INVALID_VALUE', message: issue.message }];
    case 'not_multiple_of':
      return [{ path: at, rule: 'NOT_MULTIPLE_OF', message: issue.message }];
    default:
      return [{ path: at, rule: 'INVALID', message: issue.message }];
  }
}

const isPrecinctContests = (path: readonly PropertyKey[]): boolean =>
  path.length === 3 && path[0] === 'commissions' && path[2] === 'contests';

/** `commissions[12].parent` */
function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return value;
}

// ---------------------------------------------------------------------------------------------
// The material the cross-reference checks read: arrays keep their original positions (a hole
// where an element failed the shape), so every path points into the input as written.

type Namespace = 'bodies' | 'lists' | 'candidates' | 'contests' | 'commissions';

interface Material {
  readonly bodies: readonly (Body | undefined)[];
  readonly lists: readonly (PartyList | undefined)[];
  readonly candidates: readonly (Candidate | undefined)[];
  readonly contests: readonly (Contest | undefined)[];
  readonly commissions: readonly (Commission | undefined)[];
  readonly baselines: readonly (Baseline | undefined)[];
  readonly id: string | undefined;
  readonly date: string | undefined;
  readonly timeZone: string | undefined;
  readonly turnoutTimes: readonly string[] | undefined;
  /**
   * Ids of elements that failed the shape, or null when the whole array was unusable.
   * References to them are not reported: the shape problem already is.
   */
  readonly broken: Readonly<Record<Namespace, ReadonlySet<string> | null>>;
}

const NOTHING_BROKEN: ReadonlySet<string> = new Set();

function completeMaterial(def: ElectionDefinition): Material {
  return {
    ...def,
    baselines: def.baselines ?? [],
    broken: { bodies: NOTHING_BROKEN, lists: NOTHING_BROKEN, candidates: NOTHING_BROKEN, contests: NOTHING_BROKEN, commissions: NOTHING_BROKEN },
  };
}

function salvage(input: unknown): Material | undefined {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return undefined;
  const doc = input as Record<string, unknown>;
  const broken = {} as Record<Namespace, Set<string> | null>;
  const elements = <T>(ns: Namespace, schema: z.ZodType<T>, fallback: unknown): (T | undefined)[] => {
    const raw = doc[ns] === undefined ? fallback : doc[ns];
    if (!Array.isArray(raw)) {
      broken[ns] = null;
      return [];
    }
    const ids = new Set<string>();
    broken[ns] = ids;
    return raw.map((element: unknown) => {
      const one = schema.safeParse(element);
      if (one.success) return one.data;
      const id = valueAt(element, ['id']);
      if (typeof id === 'string') ids.add(id);
      return undefined;
    });
  };
  const turnoutTimes = ElectionDefinitionShape.shape.turnoutTimes.safeParse(doc['turnoutTimes']);
  return {
    bodies: elements('bodies', Body, undefined),
    lists: elements('lists', PartyList, []),
    candidates: elements('candidates', Candidate, []),
    contests: elements('contests', Contest, undefined),
    commissions: elements('commissions', Commission, undefined),
    baselines: Array.isArray(doc['baselines']) ? doc['baselines'].map((b: unknown) => Baseline.safeParse(b).data) : [],
    id: ElectionDefinitionShape.shape.id.safeParse(doc['id']).data,
    date: ElectionDefinitionShape.shape.date.safeParse(doc['date']).data,
    timeZone: ElectionDefinitionShape.shape.timeZone.safeParse(doc['timeZone']).data,
    turnoutTimes: turnoutTimes.success ? turnoutTimes.data : undefined,
    broken,
  };
}

// ---------------------------------------------------------------------------------------------
// Cross-reference rules. Linear in the size of the definition (a million precincts).

function checkReferences(m: Material): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  const report = (path: string, rule: DefinitionRule, message: string): void => {
    problems.push({ path, rule, message });
  };

  checkScalars(m, report);

  const bodies = idMap('bodies', m.bodies, report);
  const lists = idMap('lists', m.lists, report);
  const candidates = idMap('candidates', m.candidates, report);
  const contests = idMap('contests', m.contests, report);
  const commissions = idMap('commissions', m.commissions, report);
  const known = (ns: Namespace, map: Lookup, id: string): boolean => {
    const broken = m.broken[ns];
    return map.has(id) || broken === null || broken.has(id);
  };

  // Lists: the registration order breaks ties, so it must be unambiguous.
  const byOrder = new Map<number, number>();
  m.lists.forEach((list, i) => {
    if (!list) return;
    const first = byOrder.get(list.registrationOrder);
    if (first === undefined) byOrder.set(list.registrationOrder, i);
    else report(`lists[${i}].registrationOrder`, 'DUPLICATE_REGISTRATION_ORDER', `registration order ${list.registrationOrder} is already that of list "${m.lists[first]?.id}" (lists[${first}])`);
  });

  m.candidates.forEach((candidate, i) => {
    if (candidate?.party != null && !known('lists', lists, candidate.party)) {
      report(`candidates[${i}].party`, 'UNKNOWN_PARTY', `candidate "${candidate.id}" names party "${candidate.party}", which is not a list of this election`);
    }
  });

  checkContests(m, report, { bodies, lists, candidates }, known);
  checkRankedLists(m, report, candidates);
  checkBaselines(m, report, { bodies, lists }, known);
  checkTree(m, report, commissions, known);
  checkPrecincts(m, report, contests, known);
  return problems;
}

/**
 * Each public key is one commission's, given once; a key id is given once per commission (two
 * commissions may use the same id: the signature tells their keys apart). A key two commissions
 * shared would sign for both, and a submission would be counted as the one listed first's.
 * A rule for admitting a definition (the election decider's), not for reading one recorded: a
 * definition recorded before the rule still reads as it was.
 */
export function definitionKeyProblems(definition: Pick<ElectionDefinition, 'commissions'>): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  const report = (path: string, rule: DefinitionRule, message: string): void => {
    problems.push({ path, rule, message });
  };
  const holder = new Map<string, string>();
  definition.commissions.forEach((commission, c) => {
    const ids = new Set<string>();
    commission.keys.forEach((key, k) => {
      const at = `commissions[${c}].keys[${k}]`;
      if (ids.has(key.keyId)) report(`${at}.keyId`, 'DUPLICATE_KEY', `commission "${commission.id}" lists key id "${key.keyId}" twice`);
      ids.add(key.keyId);
      const first = holder.get(key.publicKey);
      if (first !== undefined) report(`${at}.publicKey`, 'DUPLICATE_KEY', `this public key is already held by ${first}: each commission signs with keys of its own`);
      else holder.set(key.publicKey, `commission "${commission.id}" (${at})`);
    });
  });
  return problems;
}

type Report = (path: string, rule: DefinitionRule, message: string) => void;
type Known = (ns: Namespace, map: Lookup, id: string) => boolean;

/** Id → position of its first element. */
interface Lookup {
  get(id: string): number | undefined;
  has(id: string): boolean;
}

function idMap(ns: Namespace, items: readonly ({ id: string } | undefined)[], report: Report): Lookup {
  const table = new IdTable(items.length, (i) => (items[i] as { id: string }).id);
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (!item) continue;
    const first = table.add(i);
    if (first !== -1) report(`${ns}[${i}].id`, 'DUPLICATE_ID', `id "${item.id}" is already used by ${ns}[${first}]`);
  }
  return {
    get: (id) => {
      const p = table.get(id);
      return p < 0 ? undefined : p;
    },
    has: (id) => table.get(id) >= 0,
  };
}

function checkScalars(m: Material, report: Report): void {
  if (m.date !== undefined && !isCalendarDate(m.date)) report('date', 'INVALID_DATE', `${m.date} is not a calendar date`);
  if (m.timeZone !== undefined && !isTimeZone(m.timeZone)) report('timeZone', 'UNKNOWN_TIME_ZONE', `"${m.timeZone}" is not an IANA time zone`);
  const times = m.turnoutTimes ?? [];
  // HH:MM strings compare as times.
  for (let i = 1; i < times.length; i++) {
    if (times[i] === times[i - 1]) report(`turnoutTimes[${i}]`, 'DUPLICATE_TURNOUT_TIME', `${times[i]} is listed twice`);
    else if (times[i] < times[i - 1]) report(`turnoutTimes[${i}]`, 'TURNOUT_TIMES_NOT_ASCENDING', `${times[i]} comes after ${times[i - 1]}; list the times in ascending order`);
  }
}

/** A YYYY-MM-DD string that names a day of the proleptic Gregorian calendar. */
export function isCalendarDate(date: string): boolean {
  const [y, mo, d] = date.split('-').map(Number);
  if (mo < 1 || mo > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1];
  return d <= days;
}

function isTimeZone(timeZone: string): boolean {
  try {
    // Intl knows the runtime's IANA database; an unknown zone is a RangeError.
    new Intl.DateTimeFormat('en', { timeZone });
    return true;
  } catch {
    return false;
  }
}

function checkContests(
  m: Material,
  report: Report,
  maps: { bodies: Lookup; lists: Lookup; candidates: Lookup },
  known: Known,
): void {
  const listContestOfBody = new Map<string, number>();
  const districts = new Map<string, number>(); // `${body}\u0000${district}` → contest position
  m.contests.forEach((contest, i) => {
    if (!contest) return;
    const at = `contests[${i}]`;
    if (!known('bodies', maps.bodies, contest.body)) report(`${at}.body`, 'UNKNOWN_BODY', `contest "${contest.id}" elects body "${contest.body}", which is not defined`);
    switch (contest.kind) {
      case 'list': {
        const first = listContestOfBody.get(contest.body);
        if (first === undefined) listContestOfBody.set(contest.body, i);
        else report(`${at}.body`, 'TWO_LIST_CONTESTS_FOR_BODY', `body "${contest.body}" already has a list contest (contests[${first}])`);
        const seen = new Set<string>();
        let previousOrder = -Infinity;
        contest.lists.forEach((listId, j) => {
          if (seen.has(listId)) {
            report(`${at}.lists[${j}]`, 'DUPLICATE_LIST_ON_BALLOT', `list "${listId}" is on this ballot twice`);
            return;
          }
          seen.add(listId);
          const li = maps.lists.get(listId);
          if (li === undefined) {
            if (!known('lists', maps.lists, listId)) report(`${at}.lists[${j}]`, 'UNKNOWN_LIST', `list "${listId}" is not defined`);
            return;
          }
          // The tie rule reads registration order; the ballot must not say otherwise.
          const order = m.lists[li]?.registrationOrder ?? previousOrder;
          if (order < previousOrder) report(`${at}.lists[${j}]`, 'LISTS_NOT_IN_REGISTRATION_ORDER', `list "${listId}" (registration order ${order}) is placed after a list registered later`);
          previousOrder = Math.max(previousOrder, order);
        });
        break;
      }
      case 'single-member': {
        if (contest.candidates.length === 0) report(`${at}.candidates`, 'NO_CANDIDATES', `district contest "${contest.id}" has no candidates`);
        const seen = new Set<string>();
        contest.candidates.forEach((candidateId, j) => {
          if (seen.has(candidateId)) report(`${at}.candidates[${j}]`, 'DUPLICATE_CANDIDATE_ON_BALLOT', `candidate "${candidateId}" is on this ballot twice`);
          else if (!known('candidates', maps.candidates, candidateId)) report(`${at}.candidates[${j}]`, 'UNKNOWN_CANDIDATE', `candidate "${candidateId}" is not defined`);
          seen.add(candidateId);
        });
        const key = `${contest.body}\u0000${contest.district}`;
        const first = districts.get(key);
        if (first === undefined) districts.set(key, i);
        else report(`${at}.district`, 'DUPLICATE_DISTRICT', `district "${contest.district}" of body "${contest.body}" already has a contest (contests[${first}])`);
        break;
      }
      default:
        return assertNever(contest);
    }
  });
}

/**
 * A ranked list belongs to a list on the contest's ballot, once; a list candidate's id is unique
 * in the election (district candidates included), so a deputy is named by one id everywhere.
 */
function checkRankedLists(m: Material, report: Report, candidates: Lookup): void {
  const seen = new Map<string, string>(); // candidate id → where first
  m.contests.forEach((contest, i) => {
    if (contest?.kind !== 'list' || contest.rankedLists === undefined) return;
    const ranked = new Set<string>();
    contest.rankedLists.forEach((r, j) => {
      const at = `contests[${i}].rankedLists[${j}]`;
      if (!contest.lists.includes(r.list)) report(`${at}.list`, 'RANKED_LIST_NOT_ON_BALLOT', `list "${r.list}" is not on the ballot of contest "${contest.id}"`);
      else if (ranked.has(r.list)) report(`${at}.list`, 'DUPLICATE_RANKED_LIST', `list "${r.list}" already has a ranked list in contest "${contest.id}"`);
      ranked.add(r.list);
      r.candidates.forEach((c, k) => {
        const where = `${at}.candidates[${k}].id`;
        const first = seen.get(c.id);
        if (first !== undefined) report(where, 'DUPLICATE_LIST_CANDIDATE', `candidate "${c.id}" is already at ${first}`);
        else if (candidates.has(c.id)) report(where, 'DUPLICATE_LIST_CANDIDATE', `"${c.id}" is already the id of a district candidate`);
        else seen.set(c.id, where);
      });
    });
  });
}

/** One baseline per body; its parties once each; a successor names a list of this election. */
function checkBaselines(m: Material, report: Report, maps: { bodies: Lookup; lists: Lookup }, known: Known): void {
  const bodies = new Map<string, number>();
  m.baselines.forEach((b, i) => {
    if (!b) return;
    const at = `baselines[${i}]`;
    if (!known('bodies', maps.bodies, b.body)) report(`${at}.body`, 'UNKNOWN_BODY', `baseline for body "${b.body}", which is not defined`);
    const first = bodies.get(b.body);
    if (first === undefined) bodies.set(b.body, i);
    else report(`${at}.body`, 'DUPLICATE_BASELINE', `body "${b.body}" already has a baseline (baselines[${first}])`);
    if (b.kind === 'election' && b.electionId === m.id) report(`${at}.electionId`, 'BASELINE_OF_ITSELF', 'an election is not its own last election');
    if (b.kind === 'inline') {
      const parties = new Set<string>();
      b.parties.forEach((p, j) => {
        if (parties.has(p.party)) report(`${at}.parties[${j}].party`, 'DUPLICATE_BASELINE_PARTY', `party "${p.party}" is given twice`);
        parties.add(p.party);
      });
    }
    b.successors.forEach((s, j) => {
      if (!known('lists', maps.lists, s.to)) report(`${at}.successors[${j}].to`, 'UNKNOWN_SUCCESSOR', `successor "${s.to}" is not a list of this election`);
    });
  });
}

function checkTree(m: Material, report: Report, ids: Lookup, known: Known): void {
  const cs = m.commissions;
  const n = cs.length;
  // Parent positions; -1 for the root, an unknown parent, or one that failed the shape.
  const parent = new Int32Array(n).fill(-1);
  const roots: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = cs[i];
    if (!c) continue;
    if (c.parent === null) {
      roots.push(i);
      continue;
    }
    const p = ids.get(c.parent);
    if (p === undefined) {
      if (!known('commissions', ids, c.parent)) report(`commissions[${i}].parent`, 'UNKNOWN_PARENT', `commission "${c.id}" names parent "${c.parent}", which is not defined`);
      continue;
    }
    parent[i] = p;
    if (cs[p]?.level === 'precinct') {
      if (c.level === 'precinct') report(`commissions[${i}].parent`, 'PRECINCT_PARENT_NOT_TERRITORIAL', `precinct "${c.id}" is placed under precinct "${c.parent}"; a precinct's parent is a territorial commission`);
      else report(`commissions[${i}].parent`, 'PRECINCT_HAS_CHILDREN', `commission "${c.id}" is placed under precinct "${c.parent}"; precincts have no children`);
    }
  }

  if (roots.length === 0 && m.broken.commissions?.size === 0 && n > 0) {
    report('commissions', 'NO_ROOT', 'no commission has parent null; exactly one (the central commission) must');
  }
  for (const r of roots.slice(1)) {
    report(`commissions[${r}].parent`, 'MULTIPLE_ROOTS', `"${cs[r]?.id}" is a second root; "${cs[roots[0]]?.id}" (commissions[${roots[0]}]) already is one`);
  }

  // Every commission has one parent, so cycles are found by walking up once from each,
  // marking the walk (1) and what is settled (2): linear overall.
  const state = new Uint8Array(n);
  const walk: number[] = [];
  for (let start = 0; start < n; start++) {
    if (state[start] !== 0) continue;
    let i = start;
    while (i !== -1 && state[i] === 0) {
      state[i] = 1;
      walk.push(i);
      i = parent[i];
    }
    if (i !== -1 && state[i] === 1) {
      const cycle = walk.slice(walk.indexOf(i));
      const first = cycle.reduce((a, b) => (b < a ? b : a));
      const from = cycle.indexOf(first);
      const names = [...cycle.slice(from), ...cycle.slice(0, from)].map((k) => `"${cs[k]?.id}"`);
      report(`commissions[${first}].parent`, 'PARENT_CYCLE', `the parents form a cycle: ${names.slice(0, 8).join(' → ')}${names.length > 8 ? ' → …' : ''}`);
    }
    for (const k of walk) state[k] = 2;
    walk.length = 0;
  }
}

function checkPrecincts(m: Material, report: Report, ids: Lookup, known: Known): void {
  const votedIn = new Uint8Array(m.contests.length);
  m.commissions.forEach((c, i) => {
    if (!c || c.level !== 'precinct') return;
    const list = c.contests;
    for (let j = 0; j < list.length; j++) {
      const at = `commissions[${i}].contests[${j}]`;
      // A precinct votes in a handful of contests: pairwise comparison is cheapest.
      let repeated = false;
      for (let k = 0; k < j; k++) if (list[k] === list[j]) repeated = true;
      if (repeated) {
        report(at, 'DUPLICATE_CONTEST_AT_PRECINCT', `precinct "${c.id}" lists contest "${list[j]}" twice`);
        continue;
      }
      const ci = ids.get(list[j]);
      if (ci === undefined) {
        if (!known('contests', ids, list[j])) report(at, 'UNKNOWN_CONTEST', `precinct "${c.id}" votes in contest "${list[j]}", which is not defined`);
        continue;
      }
      votedIn[ci] = 1;
      const contest = m.contests[ci];
      if (contest?.kind !== 'single-member') continue;
      for (let k = 0; k < j; k++) {
        const other = m.contests[ids.get(list[k]) ?? -1];
        if (other?.kind === 'single-member' && other.body === contest.body && other.id !== contest.id) {
          report(at, 'TWO_DISTRICTS_OF_BODY', `precinct "${c.id}" already votes in district contest "${other.id}" of body "${contest.body}"; a precinct is in one district per body`);
          break;
        }
      }
    }
  });
  if (m.broken.commissions?.size !== 0) return; // a broken precinct may be the one voting in it
  m.contests.forEach((contest, i) => {
    // A duplicate id is reported already; its precincts count for the first of that id.
    if (contest && votedIn[i] === 0 && ids.get(contest.id) === i) report(`contests[${i}]`, 'CONTEST_AT_NO_PRECINCT', `no precinct votes in contest "${contest.id}"`);
  });
}

function assertNever(value: never): never {
  throw new Error(`unexpected variant: ${JSON.stringify(value)}`);
}
