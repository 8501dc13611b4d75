// `tally audit …` as an auditor runs it: the built CLI in a child process over an embedded
// (PGlite) data directory populated here, with the projector's snapshot file beside it.
// Needs `npm run build` first.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadElections, replay } from '@tally/audit';
import { ResultsProjector, viewDigest } from '@tally/projection';
import { generateSyntheticElection, type ElectionIndex } from '@tally/domain';
import { createPgliteEventStore, type RecordedEvent } from '@tally/event-store';
import { cdfValidator } from '../fixtures/nist/cdf-validator';
import { recordSignedElection } from '../../libs/audit/src/testing/audit-fixture';
import { loadPglite } from '../../libs/event-store/src/embedded/pglite-event-store';
import { requireBuiltCli, tally } from './support/tally-cli';
import { readEverything } from '../../libs/event-store/src/testing/read-everything';

jest.setTimeout(180_000);

describe('tally audit (built CLI, embedded store)', () => {
  let dir: string;
  let env: Record<string, string>;
  let events: RecordedEvent[];
  let electionId: string;
  let election: ElectionIndex;
  let finalDigest: string;

  beforeAll(async () => {
    requireBuiltCli();
    dir = mkdtempSync(join(tmpdir(), 'tally-audit-'));
    env = { EVENT_STORE: 'embedded', TALLY_DATA_DIR: dir };
    const store = await createPgliteEventStore({ dataDir: dir });
    try {
      const recorded = await recordSignedElection(store, generateSyntheticElection({ seed: 8, precincts: 24, lists: 4, seats: 9, singleMemberDistricts: 2 }), {
        seed: 3,
        turnoutReportShare: 0.3,
        correctionShare: 0.3,
        // Queued 30 s to 270 s after receipt (metadata queue.appendedAt, as recorders keep it).
        appendedAfterMs: (n) => 30_000 + (n % 5) * 60_000,
      });
      electionId = recorded.definition.id;
      events = await readEverything(store);
      const loaded = await loadElections(store);
      election = loaded.elections.get(electionId)!.index;
      // The projector writes its snapshot file where the service would: TALLY_DATA_DIR/projections.
      const projector = new ResultsProjector({ store, elections: { get: (id) => loaded.elections.get(id)?.index, list: () => [...loaded.elections.values()].map((e) => e.index) }, snapshotDir: join(dir, 'projections') });
      await projector.start();
      await projector.waitForPosition(events.at(-1)!.position);
      finalDigest = projector.digest(electionId)!;
      await projector.stop();
    } finally {
      await store.close();
    }
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('verify: a clean store verifies, and its recomputation matches the projection file (exit 0)', async () => {
    const r = await tally(['audit', 'verify', '--json'], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.ok).toBe(true);
    expect(report.events).toBe(events.length);
    expect(report.recomputations).toEqual([expect.objectContaining({ electionId, match: true, published: finalDigest, recomputed: finalDigest })]);
    const text = await tally(['audit', 'verify'], env);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^VERIFIED: /);
  });

  it('verify: sets receivedAt against the queue’s clock under the deployment’s bound, read as the service reads it', async () => {
    const text = await tally(['audit', 'verify'], env);
    expect(text.stdout).toMatch(/passed +signature +\d+ checked — \d+ submissions dated by the queue's clock \(the bound: receivedAt at most 300 s \+ 60 s before the queue took it\)/);
    // A deployment that allows a minute: the submissions queued 150 s and more after receipt were not received when they say.
    const tight = await tally(['audit', 'verify', '--json'], { ...env, TALLY_MAX_QUEUE_DELAY_S: '60' });
    expect(tight.code).toBe(1);
    const report = JSON.parse(tight.stdout);
    expect(report.firstFailure).toMatchObject({ check: 'signature', code: 'misdated', message: expect.stringMatching(/is (150|210|270) s before the queue took the message .*intake publishes within 60 s/) });
    expect(new Set(report.failures.map((f: { code: string }) => f.code))).toEqual(new Set(['misdated']));
    const bad = await tally(['audit', 'verify'], { ...env, TALLY_MAX_CLOCK_SKEW_S: 'a minute' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('tally audit verify: TALLY_MAX_CLOCK_SKEW_S: a whole number of seconds, as the service reads it (got "a minute")\n');
  });

  it('replay: the state at a position, by the same views (digest), as JSON and as text', async () => {
    const mid = events[Math.floor(events.length / 2)];
    const r = await tally(['audit', 'replay', '--until', mid.position, '--json'], env);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.through.position).toBe(mid.position);
    const store = await createPgliteEventStore({ dataDir: dir });
    try {
      const expected = await replay(store, { until: { kind: 'position', position: mid.position } });
      expect(out.elections[0].digest).toBe(viewDigest(expected.elections.get(electionId)!.view));
    } finally {
      await store.close();
    }
    const whole = await tally(['audit', 'replay', '--json'], env);
    expect(JSON.parse(whole.stdout).elections[0].digest).toBe(finalDigest);
    const district = election.children(election.children(election.root.id)[0])[0];
    const text = await tally(['audit', 'replay', '--commission', district, '--contest', 'list'], env);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`${electionId} at ${district}`);
    expect(text.stdout).toMatch(/list-1\s+\d+\s+\d+\.\d\d%/);
    // Turnout, as the dashboard shows it: from the protocols, and at each reporting time, the JSON's figures.
    const json = JSON.parse((await tally(['audit', 'replay', '--commission', district, '--contest', 'list', '--json'], env)).stdout);
    const list = json.elections[0].results[0] as { ballotsIssued: { total: number }; registeredVotersReported: number; turnoutByTime: { time: string; ballotsIssued: number; registeredVoters: number; precinctsReported: number }[] };
    // Hundredths of a percent, rounded half up exactly (as the domain's percent).
    const pct = (n: number, d: number) => {
      const h = (BigInt(n) * 20000n + BigInt(d)) / (2n * BigInt(d));
      return `${h / 100n}.${String(h % 100n).padStart(2, '0')}%`;
    };
    expect(list.ballotsIssued.total).toBeGreaterThan(0);
    expect(text.stdout).toContain(`turnout (protocols): ${pct(list.ballotsIssued.total, list.registeredVotersReported)}, ${list.ballotsIssued.total} ballots issued to ${list.registeredVotersReported} voters on the lists`);
    const times = list.turnoutByTime.filter((t) => t.precinctsReported > 0);
    expect(times.length).toBeGreaterThan(0);
    for (const t of times) expect(text.stdout).toContain(`${t.time} ${pct(t.ballotsIssued, t.registeredVoters)} (${t.ballotsIssued} of ${t.registeredVoters}, ${t.precinctsReported} precinct`);
  });

  it('explain: the versions behind a figure, with a correction and what it changed', async () => {
    const correction = events.find((e) => e.type === 'ProtocolCorrected')!;
    const data = correction.data as { precinctId: string; contestId: string; version: number };
    const commission = election.parentOf(data.precinctId)!;
    const r = await tally(['audit', 'explain', '--election', electionId, '--commission', commission, '--contest', data.contestId, '--json'], env);
    expect(r.code).toBe(0);
    const x = JSON.parse(r.stdout);
    expect(x.reconciles).toBe(true);
    const p = x.precincts.find((q: { precinctId: string }) => q.precinctId === data.precinctId);
    expect(p.counted).toMatchObject({ version: data.version, position: correction.position });
    expect(p.versions[1].changes.length).toBeGreaterThan(0);
    const text = await tally(['audit', 'explain', '--election', electionId, '--commission', commission, '--contest', data.contestId], env);
    expect(text.stdout).toContain(`v${data.version} ProtocolCorrected at ${correction.position}`);
    // Where each version's instant comes from: intake's receipt and the queue's clock beside it.
    const version = p.versions[1];
    expect(Date.parse(version.queuedAt) - Date.parse(version.receivedAt)).toBeGreaterThanOrEqual(30_000);
    expect(text.stdout).toContain(`received ${version.receivedAt}, queued ${version.queuedAt}`);
    expect(text.stdout).toContain('(verified)');
    // --turnout: the running turnout at a reporting time, from the reports the JSON lists.
    const time = (events.find((e) => e.type === 'TurnoutReported')!.data as { time: string }).time;
    const t = JSON.parse((await tally(['audit', 'explain', '--election', electionId, '--commission', election.root.id, '--contest', data.contestId, '--turnout', time, '--json'], env)).stdout).turnout;
    expect(t).toMatchObject({ time, reconciles: true });
    const turnoutText = await tally(['audit', 'explain', '--election', electionId, '--commission', election.root.id, '--contest', data.contestId, '--turnout', time], env);
    expect(turnoutText.stdout).toContain(`  The counted reports add up to it: `);
    expect(turnoutText.stdout).toContain(`${t.figure.ballotsIssued} ballots issued to ${t.figure.registeredVoters} voters on the lists of ${t.figure.precinctsReported} reporting precinct(s)`);
    const badTime = await tally(['audit', 'explain', '--election', electionId, '--commission', election.root.id, '--contest', data.contestId, '--turnout', '25:00'], env);
    expect(badTime.code).toBe(2);
    expect(badTime.stderr).toContain('UNKNOWN_TURNOUT_TIME');
  });

  it('export: CDF valid against the NIST schema, byte-identical at one position; CSV per precinct', async () => {
    const mid = events[Math.floor(events.length / 2)];
    const a = join(dir, 'a.json');
    const b = join(dir, 'b.json');
    expect((await tally(['audit', 'export', '--format', 'cdf', '--until', mid.position, '--out', a], env)).code).toBe(0);
    expect((await tally(['audit', 'export', '--format', 'cdf', '--until', mid.position, '--out', b], env)).code).toBe(0);
    expect(readFileSync(a)).toEqual(readFileSync(b));
    const cdf = cdfValidator();
    const doc = JSON.parse(readFileSync(a, 'utf8'));
    expect(cdf.validate(doc)).toBe(true);
    expect(doc.ExternalIdentifier[0].Value).toBe(mid.position);
    const csv = await tally(['audit', 'export', '--format', 'csv'], env);
    expect(csv.code).toBe(0);
    expect(csv.stdout.split('\n')[1]).toBe('precinct_id,contest_id,choice_kind,choice_id,votes,version,submission_id,position,recorded_at');
  });

  it('usage errors exit 2 and name the option', async () => {
    const bad = await tally(['audit', 'replay', '--until', 'yesterday'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--until');
    const unknown = await tally(['audit', 'explain', '--election', 'nope', '--commission', 'x', '--contest', 'y'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('UNKNOWN_ELECTION');
    expect((await tally(['audit', 'export', '--format', 'xml'], env)).code).toBe(2);
  });

  it('verify: a byte changed in the data directory is found and named (exit 1)', async () => {
    const target = events.find((e) => e.type === 'ProtocolRecorded')!;
    const { PGlite } = loadPglite();
    const db = new PGlite(join(dir, 'event-store'));
    try {
      // What an intruder with the files would do: disable the append-only trigger and edit a count.
      await db.query('ALTER TABLE tally_events DISABLE TRIGGER USER');
      await db.query(`UPDATE tally_events SET data = jsonb_set(data::jsonb, '{protocol,invalid}', to_jsonb((data->'protocol'->>'invalid')::int + 1)) WHERE event_id = $1`, [target.id]);
    } finally {
      await db.close();
    }
    const r = await tally(['audit', 'verify'], env);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^FAILED: /);
    expect(r.stdout).toContain(`First failure (hash-chain, content-mismatch)`);
    expect(r.stdout).toContain(target.streamName);
  });
});
