// Snapshot, restore and the canonical state of the results view.
// - A snapshot keeps only what events wrote (precinct rows, versions, turnout reports, refusals,
//   the cursor); every subtotal is recomputed on restore, so a snapshot cannot carry a subtotal
//   that disagrees with its rows.
// - The canonical state is every array, subtotals included, in a fixed order with lengths: the
//   projector hashes it, and a rebuild from position zero must give the same bytes as the live
//   view. Typed arrays are written little-endian whatever the machine.
import type { ElectionIndex } from '../election/election-index';
import { lotOrderProblems } from '../election/lot-rules';
import { err, ok, type Result } from '../result';
import { decodeBase64, encodeBase64 } from './base64';
import {
  buildLayout,
  TOT_DEFINITION_REGISTERED,
  TOT_REPORTED,
  TOTAL_PREFIX,
  TURNOUT_ISSUED,
  TURNOUT_PRECINCTS,
  TURNOUT_REGISTERED,
  TURNOUT_WIDTH,
  type ViewLayout,
} from './results.layout';
import { sortedRecord } from './results.queries';
import { emptyView, type ResultsView } from './results.view';

export const SNAPSHOT_FORMAT = 'tally.results-view.v1';

export interface ResultsViewSnapshot {
  readonly format: typeof SNAPSHOT_FORMAT;
  readonly electionId: string;
  /**
   * The shape the arrays were laid out for (precinct count, turnout times, each contest and its
   * ballot). Not a digest of the definition: the projector should key snapshots by that too.
   */
  readonly layout: string;
  readonly position: string | null;
  readonly recordedAt: string | null;
  readonly eventsApplied: number;
  readonly eventsIgnored: number;
  /** Per contest, in definition order: rows (Uint32 LE) and versions (Int32 LE), base64. */
  readonly contests: readonly { readonly id: string; readonly rows: string; readonly versions: string }[];
  /** precincts × turnout times, Int32 LE, base64. */
  readonly precinctTurnout: string;
  readonly refusals: {
    readonly total: number;
    readonly byCode: Readonly<Record<string, number>>;
    readonly byKind: Readonly<Record<string, number>>;
  };
  /** Sorted. */
  readonly refusedSubmissions: readonly string[];
  /** The lots drawn, by contest id (contests in definition order); absent when none was drawn. */
  readonly lots?: Readonly<Record<string, readonly string[]>>;
  /** An election defined in test mode that has switched to live; absent otherwise (live-defined views keep their snapshots and digests). */
  readonly wentLive?: true;
}

/** A JSON-serialisable copy of the view's state. */
export function snapshot(view: ResultsView): ResultsViewSnapshot {
  const { cursor, refusals } = view;
  return {
    format: SNAPSHOT_FORMAT,
    electionId: view.election.definition.id,
    layout: layoutDescription(view.layout),
    position: cursor.position,
    recordedAt: cursor.recordedAt,
    eventsApplied: cursor.eventsApplied,
    eventsIgnored: cursor.eventsIgnored,
    contests: view.layout.contests.map((c, k) => ({
      id: c.contest.id,
      rows: encodeBase64(littleEndian(view.contests[k].rows)),
      versions: encodeBase64(littleEndian(view.contests[k].versions)),
    })),
    precinctTurnout: encodeBase64(littleEndian(view.precinctTurnout)),
    refusals: { total: refusals.total, byCode: sortedRecord(refusals.byCode), byKind: sortedRecord(refusals.byKind) },
    refusedSubmissions: [...view.refusedSubmissions].sort(),
    ...lotsOf(view),
    ...wentLiveOf(view),
  };
}

/**
 * `{ lots }` when a lot was drawn, else nothing: a view without lots keeps the exact snapshot and
 * digest it had before lots existed, so digests published then still verify.
 */
/** `{ wentLive: true }` for a test-mode election's view after the switch, else nothing. */
function wentLiveOf(view: ResultsView): { wentLive?: true } {
  return view.election.definition.mode === 'test' && !view.test ? { wentLive: true } : {};
}

function lotsOf(view: ResultsView): { lots?: Record<string, readonly string[]> } {
  const lots: Record<string, readonly string[]> = {};
  let any = false;
  view.layout.contests.forEach((c, k) => {
    const lot = view.contests[k].lot;
    if (lot === null) return;
    lots[c.contest.id] = [...lot];
    any = true;
  });
  return any ? { lots } : {};
}

export type RestoreError =
  | { readonly kind: 'unknown-format'; readonly format: unknown }
  /** Taken for another election or another shape of it: rebuild from position zero instead. */
  | { readonly kind: 'layout-mismatch'; readonly detail: string }
  | { readonly kind: 'corrupt'; readonly detail: string };

/** A view holding the snapshot's state, subtotals recomputed from its rows. */
export function restoreView(election: ElectionIndex, snap: ResultsViewSnapshot): Result<ResultsView, RestoreError> {
  if (snap.format !== SNAPSHOT_FORMAT) return err({ kind: 'unknown-format', format: snap.format });
  const layout = buildLayout(election);
  if (snap.electionId !== election.definition.id) return err({ kind: 'layout-mismatch', detail: `election ${snap.electionId}, not ${election.definition.id}` });
  if (snap.layout !== layoutDescription(layout)) return err({ kind: 'layout-mismatch', detail: 'the definition has changed since the snapshot' });

  const view = emptyView(layout);
  for (let k = 0; k < layout.contests.length; k++) {
    const entry = snap.contests[k];
    const state = view.contests[k];
    if (entry?.id !== layout.contests[k].contest.id) return err({ kind: 'layout-mismatch', detail: `contest ${k}` });
    if (!fill(state.rows, entry.rows)) return err({ kind: 'corrupt', detail: `contests[${k}].rows` });
    if (!fill(state.versions, entry.versions)) return err({ kind: 'corrupt', detail: `contests[${k}].versions` });
  }
  if (!fill(view.precinctTurnout, snap.precinctTurnout)) return err({ kind: 'corrupt', detail: 'precinctTurnout' });

  Object.assign(view.cursor, { position: snap.position, recordedAt: snap.recordedAt, eventsApplied: snap.eventsApplied, eventsIgnored: snap.eventsIgnored });
  view.refusals.total = snap.refusals.total;
  for (const [code, n] of Object.entries(snap.refusals.byCode)) view.refusals.byCode.set(code, n);
  for (const [kind, n] of Object.entries(snap.refusals.byKind)) view.refusals.byKind.set(kind, n);
  for (const id of snap.refusedSubmissions) view.refusedSubmissions.add(id);
  if (snap.wentLive === true) view.test = false;
  for (const [contestId, order] of Object.entries(snap.lots ?? {})) {
    const k = layout.contestOrdinal.get(contestId);
    if (k === undefined || lotOrderProblems(layout.contests[k].contest, order).length > 0) return err({ kind: 'corrupt', detail: `lots.${contestId}` });
    view.contests[k].lot = [...order];
  }
  recomputeSubtotals(view);
  return ok(view);
}

/** Every subtotal from the rows and turnout reports, in one pass each (restore only). */
function recomputeSubtotals(view: ResultsView): void {
  const { layout } = view;
  const { chain, chainStart } = layout;
  const times = layout.turnoutTimes.length;
  for (const contest of layout.contests) {
    const state = view.contests[contest.ordinal];
    const width = contest.width;
    const stride = TOTAL_PREFIX + width;
    for (let r = 0; r < contest.members.length; r++) {
      if (state.versions[r] <= 0) continue;
      const d = contest.members[r];
      view.precinctContestsReported[d]++;
      const parent = layout.precinctParent[d];
      for (let i = chainStart[parent]; i < chainStart[parent + 1]; i++) {
        const t = chain[i];
        const base = contest.slotOf[t] * stride;
        state.totals[base + TOT_REPORTED] += 1;
        state.totals[base + TOT_DEFINITION_REGISTERED] += layout.precinctRegistered[d];
        for (let c = 0; c < width; c++) state.totals[base + TOTAL_PREFIX + c] += state.rows[r * width + c];
        view.territorialProtocolsReported[t] += 1;
      }
    }
  }
  for (let d = 0; d < view.election.precinctCount; d++) {
    const parent = layout.precinctParent[d];
    if (view.precinctContestsReported[d] === layout.entryStart[d + 1] - layout.entryStart[d]) {
      for (let i = chainStart[parent]; i < chainStart[parent + 1]; i++) view.territorialPrecinctsReported[chain[i]] += 1;
    }
    for (let time = 0; time < times; time++) {
      const issued = view.precinctTurnout[d * times + time];
      if (issued < 0) continue;
      for (let e = layout.entryStart[d]; e < layout.entryStart[d + 1]; e++) {
        const contest = layout.contests[layout.entryContest[e]];
        const turnout = view.contests[contest.ordinal].turnout;
        for (let i = chainStart[parent]; i < chainStart[parent + 1]; i++) {
          const base = (contest.slotOf[chain[i]] * times + time) * TURNOUT_WIDTH;
          turnout[base + TURNOUT_ISSUED] += issued;
          turnout[base + TURNOUT_REGISTERED] += layout.precinctRegistered[d];
          turnout[base + TURNOUT_PRECINCTS] += 1;
        }
      }
    }
  }
}

/**
 * The view's whole state as bytes, for a digest: hash the chunks in order (their concatenation
 * is the canonical form). Each section is length-prefixed, so no two states share bytes. The
 * chunks are copies: they stay valid while events keep coming.
 */
export function canonicalViewState(view: ResultsView): readonly Uint8Array[] {
  const { cursor, refusals } = view;
  const header = JSON.stringify({
    format: SNAPSHOT_FORMAT,
    electionId: view.election.definition.id,
    layout: layoutDescription(view.layout),
    position: cursor.position,
    recordedAt: cursor.recordedAt,
    eventsApplied: cursor.eventsApplied,
    eventsIgnored: cursor.eventsIgnored,
    refusals: { total: refusals.total, byCode: sortedRecord(refusals.byCode), byKind: sortedRecord(refusals.byKind) },
    refusedSubmissions: [...view.refusedSubmissions].sort(),
    ...lotsOf(view),
    ...wentLiveOf(view),
  });
  const chunks: Uint8Array[] = [];
  const section = (bytes: Uint8Array) => {
    const length = new Uint8Array(4);
    new DataView(length.buffer).setUint32(0, bytes.length, true);
    chunks.push(length, bytes.slice());
  };
  section(new TextEncoder().encode(header));
  for (const state of view.contests) {
    section(littleEndian(state.rows));
    section(littleEndian(state.versions));
    section(littleEndian(state.totals));
    section(littleEndian(state.turnout));
  }
  section(littleEndian(view.precinctTurnout));
  section(littleEndian(view.precinctContestsReported));
  section(littleEndian(view.territorialPrecinctsReported));
  section(littleEndian(view.territorialProtocolsReported));
  return chunks;
}

function layoutDescription(layout: ViewLayout): string {
  return JSON.stringify({
    precincts: layout.election.precinctCount,
    territorial: layout.territorialIds.length,
    turnoutTimes: layout.turnoutTimes,
    contests: layout.contests.map((c) => [c.contest.id, c.members.length, c.choiceIds]),
  });
}

type Numbers = Uint32Array | Int32Array | Uint16Array | Float64Array;

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The array's bytes in little-endian order: its own memory on a little-endian host, a copy otherwise. */
function littleEndian(a: Numbers): Uint8Array {
  if (LITTLE_ENDIAN_HOST) return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const out = new Uint8Array(a.byteLength);
  const view = new DataView(out.buffer);
  for (let i = 0; i < a.length; i++) {
    if (a instanceof Float64Array) view.setFloat64(i * 8, a[i], true);
    else if (a instanceof Uint16Array) view.setUint16(i * 2, a[i], true);
    else if (a instanceof Int32Array) view.setInt32(i * 4, a[i], true);
    else view.setUint32(i * 4, a[i], true);
  }
  return out;
}

/** Fills `target` from base64 little-endian bytes; false if they do not fit exactly. */
function fill(target: Uint32Array | Int32Array, text: string): boolean {
  const bytes = decodeBase64(text);
  if (bytes === undefined || bytes.length !== target.byteLength) return false;
  if (LITTLE_ENDIAN_HOST) {
    new Uint8Array(target.buffer, target.byteOffset, target.byteLength).set(bytes);
    return true;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < target.length; i++) target[i] = target instanceof Int32Array ? view.getInt32(i * 4, true) : view.getUint32(i * 4, true);
  return true;
}
