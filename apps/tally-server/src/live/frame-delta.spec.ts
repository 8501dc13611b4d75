// Live frames as deltas: a client that starts from a snapshot and applies every delta, in order,
// holds exactly the payload a GET would answer at each frame — over a whole election night of the
// Almaty fixture (every protocol, turnout reports, a correction that lowers counts), at the city,
// a district and a precinct, with and without the results embargo. Each delta names only what
// changed: without any one of its members the client would be wrong.
import {
  almatyCity2023Definition,
  almatyCity2023Protocols,
  applyEvent,
  createResultsView,
  indexElection,
  type Protocol,
  type RecordedPrecinctEvent,
  type ResultsView,
} from '@tally/domain';
import { commissionPayload, withEmbargo, type CommissionPayload } from '../results/results.presenter';
import { applyFrame, applyPatch, diff, payloadDelta, PatchMismatchError, withChanges, type DeltaData, type FrameData, type HeldPayload, type Json, type Patch } from './frame-delta';
import { payloadFromJson, payloadToJson } from './payload-json';

const definition = almatyCity2023Definition();
const election = indexElection(definition);
const allProtocols = almatyCity2023Protocols(definition);
const inZhetysu = new Set(election.precinctsUnder('zhetysu'));
// A part of the night, to keep the suite quick: the first precincts, twenty of one district, and some of every other.
const protocols = allProtocols.filter((p, i) => i < 6 || (inZhetysu.has(p.precinctId) && i % 3 === 0) || i % 25 === 0);
const WATCHED = ['almaty', 'zhetysu', protocols[0].precinctId];
const EMBARGO = { resultsNotBefore: '2023-03-19T20:00:00+06:00', embargoed: true };

/** Events as the store would record them: positions `1:n`, a second apart. */
class Night {
  private n = 0;
  private stamp() {
    this.n++;
    return { position: `1:${this.n}`, recordedAt: new Date(Date.UTC(2023, 2, 19, 15, 0, this.n)).toISOString() };
  }
  private meta(precinctId: string, submittedBy = precinctId) {
    return { submissionId: `sub-${this.n + 1}`, electionId: definition.id, precinctId, submittedBy, receivedAt: '2023-03-19T15:00:00.000Z', signature: null };
  }
  recorded(precinctId: string, protocol: Protocol): RecordedPrecinctEvent {
    return { type: 'ProtocolRecorded', data: { ...this.meta(precinctId), contestId: protocol.contestId, protocol, version: 1 }, ...this.stamp() };
  }
  corrected(precinctId: string, protocol: Protocol): RecordedPrecinctEvent {
    return { type: 'ProtocolCorrected', data: { ...this.meta(precinctId, 'almaty'), contestId: protocol.contestId, protocol, version: 2, supersedes: 'earlier', reason: 'recount' }, ...this.stamp() };
  }
  turnout(precinctId: string, time: string, ballotsIssued: number): RecordedPrecinctEvent {
    return { type: 'TurnoutReported', data: { ...this.meta(precinctId), time, ballotsIssued }, ...this.stamp() };
  }
}

/** The night in batches, as the projector hands them to the live service (one batch, one frame per channel at most). */
function nightBatches(): RecordedPrecinctEvent[][] {
  const night = new Night();
  const events: RecordedPrecinctEvent[] = [];
  protocols.slice(0, 40).forEach((p, i) => i % 2 === 0 && events.push(night.turnout(p.precinctId, '10:00', 100 + i)));
  for (const p of protocols) events.push(night.recorded(p.precinctId, p.protocol));
  // A recount that takes votes away from the first list: counts go down, not only up.
  const first = protocols[0];
  const votes = Object.fromEntries(Object.entries(first.protocol.votes).map(([id, v], i) => [id, i === 0 ? v - 10 : v]));
  events.push(night.corrected(first.precinctId, { ...first.protocol, votes, invalid: first.protocol.invalid + 10 }));
  const batches: RecordedPrecinctEvent[][] = [];
  // Uneven batches: a frame may carry one change or hundreds.
  for (let i = 0, size = 1; i < events.length; i += size, size = (size * 5) % 23 || 1) batches.push(events.slice(i, i + size));
  return batches;
}

/** What a subscriber receives: the bytes' JSON, not the server's objects. */
const wire = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

interface Step {
  readonly id: string;
  readonly delta: DeltaData;
  /** The payload a GET answers at the frame. */
  readonly full: CommissionPayload;
}

/** Runs the night through a view; per watched commission, the frames the live service would send (its own diff). */
function frames(publicOf: (p: CommissionPayload) => CommissionPayload): { snapshot: Map<string, FrameData & { full: true }>; steps: Map<string, Step[]> } {
  const view: ResultsView = createResultsView(election);
  const payload = (cid: string, contests?: Iterable<string>) => publicOf(commissionPayload(view, cid, contests) as CommissionPayload);
  const base = new Map(WATCHED.map((cid) => [cid, payload(cid)]));
  const latest = new Map(WATCHED.map((cid) => [cid, '0:0']));
  const snapshot = new Map(WATCHED.map((cid) => [cid, { ...(base.get(cid) as CommissionPayload), full: true as const }]));
  const steps = new Map<string, Step[]>(WATCHED.map((cid) => [cid, []]));
  for (const batch of nightBatches()) {
    const pending = new Map<string, Set<string>>();
    for (const event of batch) {
      const outcome = applyEvent(view, event);
      if (outcome.kind !== 'applied') throw new Error(`not applied: ${JSON.stringify(outcome)}`);
      for (const change of outcome.changedCommissions) {
        if (!base.has(change.commissionId)) continue;
        const set = pending.get(change.commissionId) ?? new Set<string>();
        for (const c of change.contestIds) set.add(c);
        pending.set(change.commissionId, set);
      }
    }
    const id = view.cursor.position as string;
    for (const [cid, contests] of pending) {
      const next = withChanges(base.get(cid) as CommissionPayload, payload(cid, contests));
      steps.get(cid)?.push({ id, delta: payloadDelta(latest.get(cid) as string, base.get(cid) as CommissionPayload, next), full: payload(cid) });
      base.set(cid, next);
      latest.set(cid, id);
    }
  }
  return { snapshot, steps };
}

describe.each([
  ['results public', false],
  ['under the embargo', true],
])('live deltas, %s', (_, embargoed) => {
  const { snapshot, steps } = frames((p) => (embargoed ? withEmbargo(p, EMBARGO, true) : p));

  it('carry results only when they are public: under the embargo, turnout and progress alone', () => {
    const text = JSON.stringify([...steps.values()].map((all) => all.map((s) => s.delta)));
    for (const field of ['"lists"', '"votes"', '"seats"', '"allocation"', '"bodies"']) expect({ field, present: text.includes(field) }).toEqual({ field, present: !embargoed });
  });

  it.each(WATCHED)('a snapshot and every delta after it, applied in order, give the full payload at every frame (%s)', (cid) => {
    const all = steps.get(cid) as Step[];
    expect(all.length).toBeGreaterThan(2);
    let held: HeldPayload = applyFrame(undefined, '0:0', wire(snapshot.get(cid) as FrameData));
    for (const step of all) {
      held = applyFrame(held, step.id, wire(step.delta));
      expect(held.payload).toEqual(wire(step.full));
    }
  });

  it.each(WATCHED)('a delta holds nothing that did not change: without any one of its members the client is wrong (%s)', (cid) => {
    const all = steps.get(cid) as Step[];
    let held: HeldPayload = applyFrame(undefined, '0:0', wire(snapshot.get(cid) as FrameData));
    // Three frames along the night, each stripped of one member at a time.
    for (const [i, step] of all.entries()) {
      if (i % Math.ceil(all.length / 3) === 0) {
        const patch = wire(step.delta.patch);
        expect(JSON.stringify(patch)).not.toContain('{}');
        for (const path of leaves(patch)) {
          // Wrong either way: a payload unlike the server's, or a patch that no longer fits (refused).
          const partial = attempt(() => applyPatch(payloadToJson(held.payload), without(patch, path)));
          expect({ path, equal: sameJson(partial, wire(step.full)) }).toEqual({ path, equal: false });
        }
      }
      held = applyFrame(held, step.id, wire(step.delta));
    }
  });
});

describe('frames that do not follow', () => {
  it('a delta for another frame than the one held is refused, not applied', () => {
    const { snapshot, steps } = frames((p) => p);
    const held = applyFrame(undefined, '0:0', wire(snapshot.get('almaty') as FrameData));
    const [first, second] = steps.get('almaty') as Step[];
    expect(() => applyFrame(held, second.id, wire(second.delta))).toThrow(PatchMismatchError);
    expect(() => applyFrame(undefined, first.id, wire(first.delta))).toThrow(PatchMismatchError);
    expect(applyFrame(held, first.id, wire(first.delta)).id).toBe(first.id);
  });
});

describe('a patched payload is checked for the shape of a payload (payload-json.ts)', () => {
  const { snapshot, steps } = frames((p) => p);
  const night = steps.get('almaty') as Step[];
  const last = wire(night[night.length - 1].full);
  const [contest] = last.contests;
  const json = (value: unknown): Json => JSON.parse(JSON.stringify(value));

  it('every payload of the night is one, results public or under the embargo', () => {
    for (const all of steps.values()) {
      for (const step of all) {
        for (const full of [step.full, withEmbargo(step.full, EMBARGO, true)]) expect(payloadFromJson(json(full))).toEqual({ ok: true, value: full });
      }
    }
  });

  const broken: [string, unknown, string][] = [
    ['not an object', 42, 'the payload: an object'],
    ['a member missing', { ...last, electionId: undefined }, 'electionId: a string'],
    ['a member of the wrong kind', { ...last, test: 'no' }, 'test: a boolean'],
    ['deep in a contest', { ...last, contests: [{ ...contest, turnout: { ...contest.turnout, percent: '12%' } }] }, 'contests[0].turnout.percent: a number or null'],
    ['a contest of no known kind', { ...last, contests: [{ ...contest, kind: 'referendum' }] }, 'contests[0].kind: one of "list", "single-member"'],
    ['an optional member present but wrong', { ...last, children: [{ ...last.children[0], children: 5 }] }, 'children[0].children: an array'],
  ];
  it.each(broken)('a value that is not one is refused, with where and why: %s', (_, value, reason) => {
    expect(payloadFromJson(json(value))).toEqual({ ok: false, error: reason });
  });

  it('a delta that fits what is held but makes no payload is refused, as one that does not follow', () => {
    const held = applyFrame(undefined, '0:0', wire(snapshot.get('almaty') as FrameData));
    const delta: DeltaData = { full: false, since: '0:0', patch: { contests: { '0': { kind: 'referendum' } } } };
    expect(() => applyFrame(held, '1:1', delta)).toThrow(new PatchMismatchError('a delta since 0:0 that makes no payload: contests[0].kind: one of "list", "single-member"'));
  });
});

describe('the patch format', () => {
  const cases: [string, Json, Json][] = [
    ['a member changed', { a: 1, b: { c: 2, d: 3 } }, { a: 1, b: { c: 2, d: 4 } }],
    ['a member added (an object, whole)', { a: 1 }, { a: 1, b: { c: [1] } }],
    ['a member removed', { a: 1, b: 2 }, { a: 1 }],
    ['null to an object and back', { a: null }, { a: { x: 1 } }],
    ['an object to null', { a: { x: 1 } }, { a: null }],
    ['array elements changed and appended', [{ id: 'x', n: 1 }, { id: 'y', n: 2 }], [{ id: 'x', n: 1 }, { id: 'y', n: 3 }, { id: 'z', n: 0 }]],
    ['an array shortened', [1, 2, 3], [1, 2]],
    ['an array to an object', [1], { '0': 1 }],
    ['an object to an array', { '0': 1 }, [1]],
  ];
  it.each(cases)('%s: apply(prev, diff(prev, next)) = next, prev untouched', (_, prev, next) => {
    const before = JSON.stringify(prev);
    const patch = diff(prev, next);
    expect(patch).toBeDefined();
    expect(applyPatch(prev, wire(patch as Patch))).toEqual(next);
    expect(JSON.stringify(prev)).toBe(before);
  });
  it('equal values have no patch; unchanged members are shared, not copied', () => {
    expect(diff({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toBeUndefined();
    const prev = { same: { deep: [1, 2] }, moved: 1 };
    const next = applyPatch(prev, { moved: 2 });
    expect(next).toEqual({ same: { deep: [1, 2] }, moved: 2 });
    expect(typeof next === 'object' && next !== null && 'same' in next && next.same).toBe(prev.same);
  });
});

/** Paths to every member of a patch that sets a value (a whole replacement counts as one). */
function leaves(patch: Patch, path: string[] = []): string[][] {
  if (typeof patch !== 'object' || patch === null || '=' in patch) return [path];
  return Object.entries(patch).flatMap(([k, v]) => leaves(v, [...path, k]));
}

function without(patch: Patch, path: readonly string[]): Patch {
  if (path.length === 0 || typeof patch !== 'object' || patch === null || '=' in patch) return {};
  const [head, ...rest] = path;
  const copy: Record<string, Patch> = { ...patch };
  if (rest.length === 0) delete copy[head];
  else copy[head] = without(copy[head], rest);
  return copy;
}

function attempt<T>(f: () => T): T | PatchMismatchError {
  try {
    return f();
  } catch (e) {
    if (e instanceof PatchMismatchError) return e;
    throw e;
  }
}

/** Deep equality of JSON values, member order aside (quicker than a matcher inside a loop). */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => k in b && sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
