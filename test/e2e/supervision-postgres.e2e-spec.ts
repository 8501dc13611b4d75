// Issue 16's acceptance on the real PostgreSQL server: "a projector whose store connection drops
// recovers by itself; readiness is red meanwhile". The service runs every role on a fresh
// database (in-process queue); an admin connection then takes the database away — new
// connections refused, every backend terminated, as a restart does — and gives it back.
// Meanwhile /health/ready is 503 naming the projector and the registry; after it, 200 again with
// no restart of the process, a new election defined by another process is known, protocols sent
// during and after the outage are recorded exactly once, and the live projection equals a rebuild
// from position zero (the admin rebuild's digest comparison).
import type { Server } from 'node:http';
import { electionSummary, generateProtocols, generateSyntheticElection, type Protocol } from '@tally/domain';
import { withDemoKeys } from '@tally/signatures';
import { Client } from 'pg';
import request from 'supertest';
import { createApp } from '../../apps/tally-server/src/bootstrap';
import { loadAppConfig } from '../../apps/tally-server/src/config/app.config';
import { ElectionRegistry } from '../../apps/tally-server/src/elections/election-registry.service';
import { EVENT_STORE } from '../../apps/tally-server/src/infrastructure/tokens';
import { ProjectorService } from '../../apps/tally-server/src/projector/projector.service';
import { SubmissionStatusService } from '../../apps/tally-server/src/submissions/submission-status.service';
import { storeCensus } from '../../apps/tally-server/src/recorder/recorder.test-helper';
import { ADMIN_DATABASE_URL } from '../support/postgres';
import { signedProtocolBody } from './support/signing';
import { ADMIN_TOKEN, startTallyApp, type TallyTestApp } from './support/tally-app';

jest.setTimeout(300_000);

const definition = withDemoKeys(generateSyntheticElection({ seed: 1616, precincts: 30 }));
const second = withDemoKeys({ ...generateSyntheticElection({ seed: 1617, precincts: 10 }), id: 'supervision-second' });
const protocolsOf = (d: typeof definition) => [...generateProtocols(d, 16)].filter((s): s is typeof s & { kind: 'protocol'; protocol: Protocol } => s.kind === 'protocol');

/** Polls until `probe` holds (no timed assertion: the deadline only ends a hung run). */
async function waitUntil<T>(what: string, probe: () => Promise<T | undefined>, deadlineMs = 120_000): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('supervision on PostgreSQL: the store connection drops, the roles recover by themselves', () => {
  let tally: TallyTestApp;
  let http: () => ReturnType<typeof request>;
  let adminDb: Client;
  let dbName: string;
  const accepted: string[] = [];

  beforeAll(async () => {
    tally = await startTallyApp({ mode: 'postgres', env: { TALLY_RATE_LIMIT: '100000' } });
    const server: Server = tally.server;
    http = () => request(server);
    dbName = tally.database!.name;
    adminDb = new Client({ connectionString: ADMIN_DATABASE_URL });
    await adminDb.connect();
    await http().post('/v1/elections').set('Authorization', `Bearer ${ADMIN_TOKEN}`).send(definition).expect(201);
  });

  afterAll(async () => {
    // Never leave the database refusing connections, whatever happened.
    await adminDb?.query(`ALTER DATABASE ${dbName} ALLOW_CONNECTIONS true`).catch(() => undefined);
    await adminDb?.end();
    await tally?.close();
  });

  async function submit(electionId: string, s: { precinctId: string; protocol: Protocol }): Promise<void> {
    const res = await http().post(`/v1/elections/${electionId}/precincts/${s.precinctId}/protocols`).send(signedProtocolBody(electionId, s.precinctId, s.protocol));
    expect(res.status).toBe(202);
    accepted.push(res.body.submissionId as string);
  }

  const ready = async () => {
    const res = await http().get('/health/ready');
    return { status: res.status, body: res.body as { status: string; checks: Record<string, { status: string; state?: string; error?: string; lastError?: string | null; attempt?: number }> } };
  };

  const allRecorded = () => {
    const status = tally.app.get(SubmissionStatusService);
    return waitUntil('every accepted submission recorded', async () => (accepted.every((id) => status.get(id)?.state === 'recorded') ? true : undefined));
  };

  it('is ready with every role following the store', async () => {
    const protocols = protocolsOf(definition);
    for (const s of protocols.slice(0, 20)) await submit(definition.id, s);
    await allRecorded();
    const r = await ready();
    expect(r.status).toBe(200);
    expect(r.body.checks.projector).toMatchObject({ status: 'up', attempt: 0 });
    expect(r.body.checks.registry).toMatchObject({ status: 'up', attempt: 0 });
  });

  it('goes red naming the projector and the registry while the database is away, and green again by itself', async () => {
    // The database refuses new connections, then every backend is terminated (pool and LISTEN alike).
    await adminDb.query(`ALTER DATABASE ${dbName} ALLOW_CONNECTIONS false`);
    await adminDb.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [dbName]);

    const red = await waitUntil('readiness to go red naming the projector and the registry', async () => {
      const r = await ready();
      return r.status === 503 && r.body.checks.projector?.status === 'down' && r.body.checks.registry?.status === 'down' ? r : undefined;
    });
    expect(red.body.status).toBe('down');
    expect(red.body.checks.projector).toMatchObject({ state: 'restarting' });
    expect(red.body.checks.projector.lastError).toEqual(expect.any(String));
    expect(red.body.checks.projector.attempt).toBeGreaterThanOrEqual(1);
    expect((await http().get('/health/live')).status).toBe(200);

    // Intake still acknowledges into its queue; the recorder cannot record, and says so.
    const protocols = protocolsOf(definition);
    for (const s of protocols.slice(20, 30)) await submit(definition.id, s);
    await waitUntil('the recorder to report its failing batches', async () => ((await ready()).body.checks.recorder?.status === 'down' ? true : undefined));

    await adminDb.query(`ALTER DATABASE ${dbName} ALLOW_CONNECTIONS true`);
    const green = await waitUntil('readiness to be green again', async () => {
      const r = await ready();
      return r.status === 200 ? r : undefined;
    });
    expect(green.body.checks.projector).toMatchObject({ status: 'up', state: 'running', attempt: 0, lastError: expect.any(String) });
    expect(green.body.checks.registry).toMatchObject({ status: 'up', state: 'running', attempt: 0 });
    expect(green.body.checks.recorder).toMatchObject({ status: 'up', failures: 0 });
    await allRecorded();
  });

  it('knows an election another process defined after the drop, and records and projects what comes after', async () => {
    // Another process on the same database: only its registry's subscription can tell ours.
    const other = await createApp(
      loadAppConfig({ EVENT_STORE: 'postgres', DATABASE_URL: tally.database!.url, TALLY_ROLES: 'projector', TALLY_DEMO: 'false', TALLY_LOG: 'off', LOG_LEVEL: 'silent' }),
      { logger: false },
    );
    try {
      expect(await other.get(ElectionRegistry).define(second)).toMatchObject({ kind: 'defined' });
    } finally {
      await other.close();
    }
    const registry = tally.app.get(ElectionRegistry);
    await waitUntil('the second election to be known', async () => registry.get(second.id));

    for (const s of protocolsOf(definition).slice(30)) await submit(definition.id, s);
    for (const s of protocolsOf(second)) await submit(second.id, s);
    await allRecorded();

    // Recorded exactly once each, across the outage.
    const census = await storeCensus(tally.app.get(EVENT_STORE));
    const doubled = [...census.bySubmission].filter(([, n]) => n !== 1);
    expect({ missing: accepted.filter((id) => !census.bySubmission.has(id)), doubled }).toEqual({ missing: [], doubled: [] });

    // The projection holds them all (it reaches the store's head), and equals a rebuild from zero.
    const admin = (r: request.Test) => r.set('Authorization', `Bearer ${ADMIN_TOKEN}`);
    await waitUntil('the projector at the store head', async () => {
      const r = await ready();
      const p = r.body.checks.projector as { behind?: number } | undefined;
      return r.status === 200 && p?.behind === 0 ? true : undefined;
    });
    const status = (await admin(http().get('/v1/admin/projections')).expect(200)).body as { digests: Record<string, string>; subscription: { restarts: number } };
    expect(status.subscription.restarts).toBeGreaterThanOrEqual(1);
    expect(Object.keys(status.digests).sort()).toEqual([definition.id, second.id].sort());
    const rebuild = (await admin(http().post('/v1/admin/projections/rebuild')).expect(200)).body as { elections: { electionId: string; liveDigest: string; rebuiltDigest: string; identical: boolean }[] };
    expect(rebuild.elections.map((e) => ({ id: e.electionId, identical: e.identical })).sort((a, b) => a.id.localeCompare(b.id))).toEqual(
      [definition.id, second.id].sort().map((id) => ({ id, identical: true })),
    );
    for (const e of rebuild.elections) expect(e.liveDigest).toBe(status.digests[e.electionId]);
    const engine = tally.app.get(ProjectorService).engine;
    expect(electionSummary(engine.view(definition.id)!).protocols.reported).toBe(protocolsOf(definition).length);
    expect(electionSummary(engine.view(second.id)!).protocols.reported).toBe(protocolsOf(second).length);
  });
});
