// The fixed shape of the results view, derived once from the election: which typed-array row
// belongs to which (precinct, contest), which commission subtotal slot to every territorial
// commission, and the static "expected" figures. Nothing here changes while events are applied.
//
// Sized for a million precincts: every per-precinct structure is a typed array indexed by the
// election index's dense precinct number; no object per precinct survives construction.
import type { Contest } from '../election/election-definition';
import type { ElectionIndex } from '../election/election-index';

/** Columns of a per-precinct row (Uint32), in this order, then one column per choice on the ballot. */
export const COL_REGISTERED = 0; // protocol's voters on the list, same-day additions included
export const COL_ISSUED_AT_STATION = 1;
export const COL_ISSUED_EARLY = 2;
export const COL_ISSUED_MOBILE = 3;
export const COL_FOUND = 4;
export const COL_INVALID = 5;
export const COL_AGAINST_ALL = 6;
export const FIXED_COLUMNS = 7;

/**
 * A commission subtotal (Float64, exact for integers below 2^53) is the row columns summed,
 * preceded by two counters: precincts reported, and their voters per the definition (so the
 * voters still outstanding are `slotRegistered − reported definition voters`).
 */
export const TOT_REPORTED = 0;
export const TOT_DEFINITION_REGISTERED = 1;
export const TOTAL_PREFIX = 2;

/** Per slot and turnout time: ballots issued so far, definition voters of the reporting precincts, precincts reporting. */
export const TURNOUT_ISSUED = 0;
export const TURNOUT_REGISTERED = 1;
export const TURNOUT_PRECINCTS = 2;
export const TURNOUT_WIDTH = 3;

export interface ContestLayout {
  readonly ordinal: number;
  readonly contest: Contest;
  /** List or candidate ids in ballot (registration) order: column FIXED_COLUMNS + k. */
  readonly choiceIds: readonly string[];
  readonly choiceOrdinal: ReadonlyMap<string, number>;
  /** Row width: FIXED_COLUMNS + choices. */
  readonly width: number;
  /** Row → dense precinct index, ascending (the election index's own array). */
  readonly members: Int32Array;
  /** Territorial ordinal → subtotal slot, −1 where no precinct of the contest lies beneath. */
  readonly slotOf: Int32Array;
  /** Slot → territorial ordinal. */
  readonly slotTerritorial: Int32Array;
  /** Per slot: precincts expected, and their voters per the definition. */
  readonly slotExpected: Float64Array;
  readonly slotRegistered: Float64Array;
}

export interface ViewLayout {
  readonly election: ElectionIndex;
  readonly contests: readonly ContestLayout[];
  readonly contestOrdinal: ReadonlyMap<string, number>;
  readonly territorialIds: readonly string[];
  readonly territorialOrdinal: ReadonlyMap<string, number>;
  /** CSR: territorial t's chain is itself then its ancestors, `chain[chainStart[t] .. chainStart[t+1])`. */
  readonly chainStart: Int32Array;
  readonly chain: Int32Array;
  /** Dense precinct → its territorial parent's ordinal. */
  readonly precinctParent: Int32Array;
  /** Dense precinct → voters on the list per the definition. */
  readonly precinctRegistered: Float64Array;
  /** CSR: precinct d's contests `entryContest[entryStart[d] .. entryStart[d+1])` and its row in each. */
  readonly entryStart: Int32Array;
  readonly entryContest: Int32Array;
  readonly entryRow: Int32Array;
  /** Per territorial: precincts beneath, and (precinct, contest) protocols expected beneath. */
  readonly territorialPrecincts: Float64Array;
  readonly territorialProtocols: Float64Array;
  readonly turnoutTimes: readonly string[];
  readonly timeOrdinal: ReadonlyMap<string, number>;
  /** Widest row: the size of the scratch buffer applyEvent uses. */
  readonly maxWidth: number;
}

export function buildLayout(election: ElectionIndex): ViewLayout {
  const def = election.definition;

  const territorialIds: string[] = [];
  const territorialOrdinal = new Map<string, number>();
  for (const c of def.commissions) {
    if (c.level === 'precinct') continue;
    territorialOrdinal.set(c.id, territorialIds.length);
    territorialIds.push(c.id);
  }
  const T = territorialIds.length;
  const chainStart = new Int32Array(T + 1);
  const chainList: number[] = [];
  for (let t = 0; t < T; t++) {
    chainStart[t] = chainList.length;
    chainList.push(t);
    for (const a of election.ancestors(territorialIds[t])) chainList.push(ordinalOf(territorialOrdinal, a));
  }
  chainStart[T] = chainList.length;
  const chain = Int32Array.from(chainList);

  const N = election.precinctCount;
  const precinctParent = new Int32Array(N);
  const precinctRegistered = new Float64Array(N);
  const territorialPrecincts = new Float64Array(T);
  for (let d = 0; d < N; d++) {
    const p = election.precinctAt(d);
    if (p === undefined) throw new Error(`results view: no precinct at dense index ${d}`);
    const parent = ordinalOf(territorialOrdinal, p.parent);
    precinctParent[d] = parent;
    precinctRegistered[d] = p.registeredVoters;
    for (let i = chainStart[parent]; i < chainStart[parent + 1]; i++) territorialPrecincts[chain[i]]++;
  }

  const territorialProtocols = new Float64Array(T);
  const entryCount = new Int32Array(N + 1);
  let maxWidth = FIXED_COLUMNS;
  const contests: ContestLayout[] = def.contests.map((contest, ordinal) => {
    const choiceIds = contest.kind === 'list' ? contest.lists : contest.candidates;
    const width = FIXED_COLUMNS + choiceIds.length;
    maxWidth = Math.max(maxWidth, width);
    const members = election.precinctsInContest(contest.id);
    const slotOf = new Int32Array(T).fill(-1);
    const slotTerritorial: number[] = [];
    const expected: number[] = [];
    const registered: number[] = [];
    for (let r = 0; r < members.length; r++) {
      const d = members[r];
      entryCount[d + 1]++;
      const parent = precinctParent[d];
      for (let i = chainStart[parent]; i < chainStart[parent + 1]; i++) {
        const t = chain[i];
        let slot = slotOf[t];
        if (slot < 0) {
          slot = slotOf[t] = slotTerritorial.length;
          slotTerritorial.push(t);
          expected.push(0);
          registered.push(0);
        }
        expected[slot]++;
        registered[slot] += precinctRegistered[d];
        territorialProtocols[t]++;
      }
    }
    return {
      ordinal,
      contest,
      choiceIds,
      choiceOrdinal: new Map(choiceIds.map((id, k) => [id, k])),
      width,
      members,
      slotOf,
      slotTerritorial: Int32Array.from(slotTerritorial),
      slotExpected: Float64Array.from(expected),
      slotRegistered: Float64Array.from(registered),
    };
  });

  const entryStart = new Int32Array(N + 1);
  for (let d = 0; d < N; d++) entryStart[d + 1] = entryStart[d] + entryCount[d + 1];
  const entryContest = new Int32Array(entryStart[N]);
  const entryRow = new Int32Array(entryStart[N]);
  const fill = entryStart.slice(0, N);
  for (const c of contests) {
    for (let r = 0; r < c.members.length; r++) {
      const e = fill[c.members[r]]++;
      entryContest[e] = c.ordinal;
      entryRow[e] = r;
    }
  }

  return {
    election,
    contests,
    contestOrdinal: new Map(contests.map((c) => [c.contest.id, c.ordinal])),
    territorialIds,
    territorialOrdinal,
    chainStart,
    chain,
    precinctParent,
    precinctRegistered,
    entryStart,
    entryContest,
    entryRow,
    territorialPrecincts,
    territorialProtocols,
    turnoutTimes: election.turnoutTimes,
    timeOrdinal: new Map(election.turnoutTimes.map((t, i) => [t, i])),
    maxWidth,
  };
}

/** The entry (position in entryContest/entryRow) of a precinct's contest, or −1. A precinct votes in a handful. */
export function entryOf(layout: ViewLayout, precinct: number, contestOrdinal: number): number {
  for (let e = layout.entryStart[precinct]; e < layout.entryStart[precinct + 1]; e++) {
    if (layout.entryContest[e] === contestOrdinal) return e;
  }
  return -1;
}

function ordinalOf(map: ReadonlyMap<string, number>, id: string): number {
  const t = map.get(id);
  if (t === undefined) throw new Error(`results view: "${id}" is not a territorial commission; index a parsed definition`);
  return t;
}
