import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { electionSummary, generateSyntheticElection, indexElection, type ElectionIndex } from '@tally/domain';
import { createPgliteEventStore, streams, type EventStore, type JsonObject } from '@tally/event-store';
import { ResultsProjector, type ProjectorLogger } from './results-projector';

const index: ElectionIndex = indexElection(generateSyntheticElection({ seed: 3, precincts: 5, regions: 1, districtsPerRegion: 1, lists: 3, seats: 5, singleMemberDistricts: 1 }));
const E = index.definition.id;
const elections = { get: (id: string) => (id === E ? index : undefined), list: () => [index] };

function meta(n: number, precinctId = index.precinctIds[n % index.precinctIds.length]) {
  return { submissionId: `s${n}`, electionId: E, precinctId, submittedBy: precinctId, receivedAt: '2026-03-15T10:01:00Z', signature: null };
}
const turnout = (n: number): JsonObject => ({ ...meta(n), time: index.turnoutTimes[0], ballotsIssued: 10 + n });

function recordingLogger() {
  const lines: { level: keyof ProjectorLogger; message: string }[] = [];
  const logger: ProjectorLogger = {
    log: (message) => lines.push({ level: 'log', message }),
    warn: (message) => lines.push({ level: 'warn', message }),
    error: (message) => lines.push({ level: 'error', message }),
  };
  return { lines, logger };
}

describe('ResultsProjector', () => {
  let store: EventStore;
  let dir: string;
  let last: string;
  const precinctStream = (n: number) => streams.precinct(E, meta(n).precinctId);
  const written = new Set<string>();
  const append = async (stream: string, type: string, data: JsonObject) => {
    const expected = written.has(stream) ? 'stream-exists' : 'no-stream';
    written.add(stream);
    last = (await store.append(stream, expected, [{ id: randomUUID(), type, data }])).position;
  };

  // One embedded store for the suite (it takes seconds to start); the second test appends to it.
  beforeAll(async () => {
    store = await createPgliteEventStore();
    dir = await mkdtemp(join(tmpdir(), 'tally-projector-'));
    // As the registry records it: the parsed definition, as JSON.
    const definition: JsonObject = JSON.parse(JSON.stringify({ definition: index.definition }));
    await append(streams.election(E), 'ElectionDefined', definition);
    await append(precinctStream(0), 'TurnoutReported', turnout(0));
    await append(precinctStream(1), 'ProtocolRecorded', { ...meta(1), contestId: 'list', version: 1 }); // no protocol: malformed
    await append(precinctStream(2), 'SomethingNew', { ...meta(2) }); // a type no view knows
    await append(precinctStream(3), 'TurnoutReported', { ...meta(3), time: index.turnoutTimes[0], ballotsIssued: 'many' }); // malformed
    await append(precinctStream(4), 'TurnoutReported', turnout(4));
  }, 60_000);
  afterAll(async () => {
    await store?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('counts what does not decode as ignored, warns once per election, and its rebuild reaches the live state', async () => {
    const { lines, logger } = recordingLogger();
    const projector = new ResultsProjector({ store, elections, logger });
    await projector.start();
    await projector.waitForPosition(last);
    expect(electionSummary(projector.view(E)!)).toMatchObject({ position: last, eventsApplied: 2, eventsIgnored: 3 });
    const warnings = lines.filter((l) => l.level === 'warn').map((l) => l.message);
    expect(warnings).toEqual([expect.stringContaining('ProtocolRecorded.protocol is missing or of the wrong type')]);
    const report = await projector.rebuild();
    expect(report.elections).toEqual([{ electionId: E, liveDigest: projector.digest(E), rebuiltDigest: projector.digest(E), identical: true }]);
    await projector.stop();
  });

  it('restores from its snapshot, skips what the snapshot holds, and goes on to the digest a replay from zero gives', async () => {
    const first = new ResultsProjector({ store, elections, snapshotDir: dir });
    await first.start();
    await first.waitForPosition(last);
    await first.stop(); // saves
    await append(precinctStream(0), 'TurnoutReported', { ...turnout(0), submissionId: 's5', ballotsIssued: 99 });

    const { lines, logger } = recordingLogger();
    const restarted = new ResultsProjector({ store, elections, snapshotDir: dir, logger });
    await restarted.start();
    await restarted.waitForPosition(last);
    expect(lines.map((l) => l.message)).toContainEqual(expect.stringMatching(new RegExp(`^restored ${E} from its snapshot at`)));
    const fromZero = new ResultsProjector({ store, elections });
    await fromZero.start();
    await fromZero.waitForPosition(last);
    expect(restarted.digest(E)).toBe(fromZero.digest(E));
    expect(electionSummary(restarted.view(E)!)).toMatchObject({ eventsApplied: 3, eventsIgnored: 3 });
    await Promise.all([restarted.stop(), fromZero.stop()]);
  });

  it('resubscribes by itself after its store fails a read, from the last position applied: the view equals a rebuild', async () => {
    // The real store, with reads failing while `down` is set: what a dropped connection looks like to it.
    let down = false;
    const flaky: EventStore = Object.create(store) as EventStore;
    flaky.readAll = (options) => (down ? Promise.reject(new Error('connection terminated unexpectedly')) : store.readAll(options));
    flaky.subscribe = (options) => {
      // Subscribe through the real store, reading through the flaky one.
      const real = store as unknown as { subscribe: EventStore['subscribe'] };
      return real.subscribe.call(flaky, options);
    };
    const projector = new ResultsProjector({ store: flaky, elections, backoff: { initialMs: 10, maxMs: 50 } });
    await projector.start();
    await projector.waitForPosition(last);
    down = true;
    await append(precinctStream(1), 'TurnoutReported', { ...turnout(1), submissionId: 's-flaky' });
    for (let i = 0; projector.status().subscription?.state !== 'restarting'; i++) {
      if (i > 2000) throw new Error('the projector never noticed the failing store');
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(projector.status()).toMatchObject({ caughtUp: false, failure: 'connection terminated unexpectedly' });
    down = false;
    await projector.waitForPosition(last);
    for (let i = 0; projector.status().subscription?.state !== 'running'; i++) {
      if (i > 2000) throw new Error('the projector never ran again');
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(projector.status().subscription).toMatchObject({ attempt: 0, lastError: 'connection terminated unexpectedly' });
    expect(projector.status().subscription!.restarts).toBeGreaterThanOrEqual(1);
    // Nothing applied twice or skipped: the counts equal those of a replay from zero.
    const live = electionSummary(projector.view(E)!);
    const report = await projector.rebuild();
    expect(report.elections).toEqual([expect.objectContaining({ electionId: E, identical: true })]);
    expect(electionSummary(projector.view(E)!)).toMatchObject({ eventsApplied: live.eventsApplied, eventsIgnored: live.eventsIgnored });
    await projector.stop();
  });
});
