// A read-only index over a parsed election definition, built once and shared by the decider,
// the views and the API. Built in linear time; sized for a million precincts.
//
// The trick: precincts are numbered 0..N-1 in depth-first order of the commission tree, so
// the precincts under any commission are one contiguous range of that numbering. Views keep
// per-precinct counts in typed arrays by that number, and a commission's subtotal is a range.
import type {
  Body,
  Candidate,
  Commission,
  Contest,
  ElectionDefinition,
  ListContest,
  PartyList,
  PrecinctCommission,
  SingleMemberContest,
  TerritorialCommission,
} from './election-definition';
import { IdTable } from './id-table';
import { KeyRing, type CommissionDirectory } from './key-ring';

/** Half-open range `[start, end)` of dense precinct indices. */
export type PrecinctRange = readonly [start: number, end: number];

export interface ElectionIndex {
  readonly definition: ElectionDefinition;
  readonly root: TerritorialCommission;
  readonly bodies: readonly Body[];
  readonly turnoutTimes: readonly string[];
  /** Precinct ids in dense order: `precinctIds[precinctIndex(id)] === id`. */
  readonly precinctIds: readonly string[];
  readonly precinctCount: number;

  commission(id: string): Commission | undefined;
  precinct(id: string): PrecinctCommission | undefined;
  precinctAt(index: number): PrecinctCommission | undefined;
  contest(id: string): Contest | undefined;
  list(id: string): PartyList | undefined;
  candidate(id: string): Candidate | undefined;
  body(id: string): Body | undefined;

  /** The parent's id; undefined for the root and for unknown ids. */
  parentOf(id: string): string | undefined;
  /** Ancestor ids, nearest first, ending with the root; the commission itself is not included. */
  ancestors(id: string): readonly string[];
  /** True if `commissionId` is `ancestorId` or lies in its subtree. */
  isWithin(commissionId: string, ancestorId: string): boolean;
  /** Child ids in definition order. */
  children(id: string): readonly string[];

  /** Dense index 0..precinctCount-1, for typed arrays; undefined if not a precinct. */
  precinctIndex(precinctId: string): number | undefined;
  /** The precincts in the subtree of a commission (a precinct's own range has length 1). */
  precinctRange(commissionId: string): PrecinctRange | undefined;
  /** Precinct ids in the subtree, in dense order (computed on first use, then cached). */
  precinctsUnder(commissionId: string): readonly string[];

  /** The contests any precinct under the commission votes in, in definition order (cached). */
  contestsAt(commissionId: string): readonly Contest[];
  /** Dense indices of the precincts voting in a contest, ascending. A shared view: do not write. */
  precinctsInContest(contestId: string): Int32Array;
  /** How many precincts under the commission vote in the contest: the "expected" of a view. */
  expectedPrecincts(commissionId: string, contestId: string): number;
  /** The choices on the contest's ballot in ballot order: list ids or candidate ids. */
  choices(contestId: string): readonly string[];
  /** Position of a list/candidate on the contest's ballot; undefined if not on it. */
  choiceIndex(contestId: string, choiceId: string): number | undefined;

  listContestOfBody(bodyId: string): ListContest | undefined;
  districtContestsOfBody(bodyId: string): readonly SingleMemberContest[];
  /** The single-member contest of the body a precinct votes in (one district per body). */
  districtOf(precinctId: string, bodyId: string): SingleMemberContest | undefined;

  /**
   * The election's keys and when each is valid: the definition's, folded with the amendments the
   * holder of the index applied (`withKeys`). What every signature check reads; `definition`
   * stays the definition as recorded.
   */
  readonly keys: KeyRing;
  /** The same index with another key ring (the election's amendments folded in): shares everything else, so it is cheap. */
  withKeys(keys: KeyRing): ElectionIndex;
}

/**
 * Indexes a definition that `parseElectionDefinition` accepted. Given one it did not (a cycle,
 * no root), it throws: that is a bug in the caller, not an expected outcome.
 */
export function indexElection(definition: ElectionDefinition): ElectionIndex {
  return new Index(definition);
}

const NONE: readonly never[] = Object.freeze([]);

class Index implements ElectionIndex {
  readonly root: TerritorialCommission;
  readonly keys: KeyRing;
  readonly bodies: readonly Body[];
  readonly turnoutTimes: readonly string[];
  readonly precinctIds: readonly string[];
  readonly precinctCount: number;

  // Commissions by definition position.
  private readonly positions: IdTable;
  private readonly parentPos: Int32Array;
  private readonly childStart: Int32Array; // CSR: children of p are childPos[childStart[p]..childStart[p+1])
  private readonly childPos: Int32Array;
  private readonly preorder: Int32Array; // DFS number of each commission
  private readonly preorderEnd: Int32Array; // one past the last DFS number in its subtree
  private readonly rangeStart: Int32Array; // dense precinct range of the subtree
  private readonly rangeEnd: Int32Array;
  private readonly precinctPos: Int32Array; // dense precinct index → definition position

  private readonly contests = new Map<string, Contest>();
  private readonly contestOrder = new Map<string, number>();
  private readonly lists = new Map<string, PartyList>();
  private readonly candidates = new Map<string, Candidate>();
  private readonly bodyById = new Map<string, Body>();
  private readonly ballots = new Map<string, ReadonlyMap<string, number>>();
  private readonly listContestByBody = new Map<string, ListContest>();
  private readonly districtsByBody = new Map<string, SingleMemberContest[]>();

  private readonly childCache = new Map<number, readonly string[]>();
  private readonly underCache = new Map<number, readonly string[]>();
  private readonly contestsAtCache = new Map<number, readonly Contest[]>();
  private byContest: Map<string, Int32Array> | undefined;

  constructor(readonly definition: ElectionDefinition) {
    const cs = definition.commissions;
    const n = cs.length;
    this.bodies = definition.bodies;
    this.turnoutTimes = definition.turnoutTimes;
    for (const b of definition.bodies) this.bodyById.set(b.id, b);
    for (const l of definition.lists) this.lists.set(l.id, l);
    for (const c of definition.candidates) this.candidates.set(c.id, c);
    definition.contests.forEach((contest, i) => {
      this.contests.set(contest.id, contest);
      this.contestOrder.set(contest.id, i);
      const ballot = contest.kind === 'list' ? contest.lists : contest.candidates;
      this.ballots.set(contest.id, new Map(ballot.map((id, k) => [id, k])));
      if (contest.kind === 'list') this.listContestByBody.set(contest.body, contest);
      else {
        const districts = this.districtsByBody.get(contest.body);
        if (districts) districts.push(contest);
        else this.districtsByBody.set(contest.body, [contest]);
      }
    });

    let root = -1;
    let precincts = 0;
    this.positions = new IdTable(n, (i) => cs[i].id);
    for (let i = 0; i < n; i++) {
      this.positions.add(i);
      if (cs[i].level === 'precinct') precincts++;
    }
    this.parentPos = new Int32Array(n);
    const childCount = new Int32Array(n + 1);
    for (let i = 0; i < n; i++) {
      const parent = cs[i].parent;
      const p = parent === null ? -1 : this.positions.get(parent);
      if (parent !== null && p === -1) throw new Error(`indexElection: unknown parent "${parent}" of "${cs[i].id}"; parse the definition first`);
      this.parentPos[i] = p;
      if (p === -1) root = i;
      else childCount[p + 1]++;
    }
    if (root === -1) throw new Error('indexElection: no root commission; parse the definition first');

    // Children in compressed rows, in definition order.
    this.childStart = new Int32Array(n + 1);
    for (let i = 0; i < n; i++) this.childStart[i + 1] = this.childStart[i] + childCount[i + 1];
    this.childPos = new Int32Array(Math.max(0, n - 1));
    const fill = this.childStart.slice(0, n);
    for (let i = 0; i < n; i++) {
      const p = this.parentPos[i];
      if (p >= 0) this.childPos[fill[p]++] = i;
    }

    // Iterative depth-first walk: preorder numbers for commissions, dense numbers for precincts.
    this.preorder = new Int32Array(n).fill(-1);
    this.preorderEnd = new Int32Array(n);
    this.rangeStart = new Int32Array(n);
    this.rangeEnd = new Int32Array(n);
    this.precinctPos = new Int32Array(precincts);
    const ids = new Array<string>(precincts);
    const stack = new Int32Array(n);
    const cursor = new Int32Array(n);
    let depth = 0;
    let visited = 0;
    let dense = 0;
    stack[0] = root;
    cursor[0] = this.childStart[root];
    this.preorder[root] = visited++;
    this.rangeStart[root] = 0;
    if (cs[root].level === 'precinct') throw new Error('indexElection: the root is a precinct');
    while (depth >= 0) {
      const p = stack[depth];
      if (cursor[depth] < this.childStart[p + 1]) {
        const c = this.childPos[cursor[depth]++];
        this.preorder[c] = visited++;
        this.rangeStart[c] = dense;
        if (cs[c].level === 'precinct') {
          this.precinctPos[dense] = c;
          ids[dense] = cs[c].id;
          dense++;
          this.rangeEnd[c] = dense;
          this.preorderEnd[c] = visited;
        } else {
          stack[++depth] = c;
          cursor[depth] = this.childStart[c];
        }
      } else {
        this.rangeEnd[p] = dense;
        this.preorderEnd[p] = visited;
        depth--;
      }
    }
    if (visited !== n) throw new Error('indexElection: some commissions do not reach the root (a cycle); parse the definition first');
    this.root = cs[root] as TerritorialCommission;
    this.precinctIds = ids;
    this.precinctCount = precincts;
    this.keys = KeyRing.of(this.directory());
  }

  withKeys(keys: KeyRing): ElectionIndex {
    // Every field but the ring is shared: the commissions, their order and the caches are the same.
    const copy: Index = Object.assign(Object.create(Index.prototype) as Index, this);
    (copy as { keys: KeyRing }).keys = keys.over(this.directory());
    return copy;
  }

  private directory(): CommissionDirectory {
    return { commissions: this.definition.commissions, commission: (id) => this.commission(id) };
  }

  commission(id: string): Commission | undefined {
    const p = this.positions.get(id);
    return p < 0 ? undefined : this.definition.commissions[p];
  }

  precinct(id: string): PrecinctCommission | undefined {
    const c = this.commission(id);
    return c?.level === 'precinct' ? c : undefined;
  }

  precinctAt(index: number): PrecinctCommission | undefined {
    if (!(index >= 0 && index < this.precinctCount)) return undefined;
    return this.definition.commissions[this.precinctPos[index]] as PrecinctCommission;
  }

  contest(id: string): Contest | undefined {
    return this.contests.get(id);
  }

  list(id: string): PartyList | undefined {
    return this.lists.get(id);
  }

  candidate(id: string): Candidate | undefined {
    return this.candidates.get(id);
  }

  body(id: string): Body | undefined {
    return this.bodyById.get(id);
  }

  parentOf(id: string): string | undefined {
    return this.commission(id)?.parent ?? undefined;
  }

  ancestors(id: string): readonly string[] {
    const p = this.positions.get(id);
    if (p < 0) return NONE;
    const out: string[] = [];
    for (let a = this.parentPos[p]; a !== -1; a = this.parentPos[a]) out.push(this.definition.commissions[a].id);
    return out;
  }

  isWithin(commissionId: string, ancestorId: string): boolean {
    const c = this.positions.get(commissionId);
    const a = this.positions.get(ancestorId);
    if (c < 0 || a < 0) return false;
    return this.preorder[a] <= this.preorder[c] && this.preorder[c] < this.preorderEnd[a];
  }

  children(id: string): readonly string[] {
    const p = this.positions.get(id);
    if (p < 0) return NONE;
    let out = this.childCache.get(p);
    if (!out) {
      const cs = this.definition.commissions;
      out = Array.from(this.childPos.subarray(this.childStart[p], this.childStart[p + 1]), (c) => cs[c].id);
      this.childCache.set(p, out);
    }
    return out;
  }

  precinctIndex(precinctId: string): number | undefined {
    const p = this.positions.get(precinctId);
    if (p < 0 || this.definition.commissions[p].level !== 'precinct') return undefined;
    return this.rangeStart[p];
  }

  precinctRange(commissionId: string): PrecinctRange | undefined {
    const p = this.positions.get(commissionId);
    return p < 0 ? undefined : [this.rangeStart[p], this.rangeEnd[p]];
  }

  precinctsUnder(commissionId: string): readonly string[] {
    const p = this.positions.get(commissionId);
    if (p < 0) return NONE;
    let out = this.underCache.get(p);
    if (!out) {
      out = this.precinctIds.slice(this.rangeStart[p], this.rangeEnd[p]);
      this.underCache.set(p, out);
    }
    return out;
  }

  contestsAt(commissionId: string): readonly Contest[] {
    const p = this.positions.get(commissionId);
    if (p < 0) return NONE;
    let out = this.contestsAtCache.get(p);
    if (!out) {
      const all = this.definition.contests;
      const seen = new Uint8Array(all.length);
      const cs = this.definition.commissions;
      for (let d = this.rangeStart[p]; d < this.rangeEnd[p]; d++) {
        for (const contestId of (cs[this.precinctPos[d]] as PrecinctCommission).contests) {
          seen[this.contestOrder.get(contestId) ?? 0] = 1;
        }
      }
      out = all.filter((_, i) => seen[i] === 1);
      this.contestsAtCache.set(p, out);
    }
    return out;
  }

  precinctsInContest(contestId: string): Int32Array {
    return this.contestMembers().get(contestId) ?? new Int32Array(0);
  }

  expectedPrecincts(commissionId: string, contestId: string): number {
    const range = this.precinctRange(commissionId);
    if (!range) return 0;
    const members = this.precinctsInContest(contestId);
    return lowerBound(members, range[1]) - lowerBound(members, range[0]);
  }

  choices(contestId: string): readonly string[] {
    const c = this.contests.get(contestId);
    if (!c) return NONE;
    return c.kind === 'list' ? c.lists : c.candidates;
  }

  choiceIndex(contestId: string, choiceId: string): number | undefined {
    return this.ballots.get(contestId)?.get(choiceId);
  }

  listContestOfBody(bodyId: string): ListContest | undefined {
    return this.listContestByBody.get(bodyId);
  }

  districtContestsOfBody(bodyId: string): readonly SingleMemberContest[] {
    return this.districtsByBody.get(bodyId) ?? NONE;
  }

  districtOf(precinctId: string, bodyId: string): SingleMemberContest | undefined {
    for (const contestId of this.precinct(precinctId)?.contests ?? NONE) {
      const c = this.contests.get(contestId);
      if (c?.kind === 'single-member' && c.body === bodyId) return c;
    }
    return undefined;
  }

  // All contests' member lists at once, in two linear passes over the precincts; one shared
  // buffer (about one int per precinct per contest it votes in).
  private contestMembers(): Map<string, Int32Array> {
    if (this.byContest) return this.byContest;
    const contests = this.definition.contests;
    const cs = this.definition.commissions;
    const counts = new Int32Array(contests.length + 1);
    for (let d = 0; d < this.precinctCount; d++) {
      for (const id of (cs[this.precinctPos[d]] as PrecinctCommission).contests) counts[(this.contestOrder.get(id) ?? 0) + 1]++;
    }
    for (let i = 0; i < contests.length; i++) counts[i + 1] += counts[i];
    const buffer = new Int32Array(counts[contests.length]);
    const fill = counts.slice(0, contests.length);
    for (let d = 0; d < this.precinctCount; d++) {
      for (const id of (cs[this.precinctPos[d]] as PrecinctCommission).contests) buffer[fill[this.contestOrder.get(id) ?? 0]++] = d;
    }
    this.byContest = new Map(contests.map((c, i) => [c.id, buffer.subarray(counts[i], counts[i + 1])]));
    return this.byContest;
  }
}

/** First position in the ascending array whose value is ≥ x. */
function lowerBound(sorted: Int32Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
