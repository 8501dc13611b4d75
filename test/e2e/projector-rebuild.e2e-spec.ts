// Rebuild equals live, on a 10k-precinct synthetic election with corrections, turnout reports
// and refusals: the projector follows the store live; its state (SHA-256 of the canonical view)
// must equal (1) a fold of the whole store from position zero done here, (2) the admin rebuild,
// and (3) a restart that resumes from the snapshot and catches up only the tail.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  applyEvent,
  createResultsView,
  electionSummary,
  generateSyntheticElection,
  indexElection,
  type ElectionIndex,
  type RecordedPrecinctEvent,
} from '@tally/domain';
import { categories, categoryFilter, createPgliteEventStore, START_POSITION, type EventStore, type StreamAppend } from '@tally/event-store';
import { viewDigest } from '@tally/projection';
import request from 'supertest';
import { createApp, type TallyApp } from '../../apps/tally-server/src/bootstrap';
import { loadAppConfig, type AppConfig } from '../../apps/tally-server/src/config/app.config';
import { ElectionRegistry } from '../../apps/tally-server/src/elections/election-registry.service';
import { EVENT_STORE } from '../../apps/tally-server/src/infrastructure/tokens';
import { ProjectorService } from '../../apps/tally-server/src/projector/projector.service';
import { appendAll, syntheticAppends } from '../../apps/tally-server/src/projector/testing/synthetic-history';

jest.setTimeout(300_000);

const ADMIN = 'admin-token-for-the-rebuild-test';
const SEED = 2026;

/** The same fold the auditors do: every precinct event of the election from position zero. */
async function foldFromZero(store: EventStore, election: ElectionIndex): Promise<{ digest: string; events: number }> {
  const view = createResultsView(election);
  let from = START_POSITION;
  let events = 0;
  const prefix = `precinct-${election.definition.id}.`;
  for (;;) {
    const page = await store.readAll({ from, filter: categoryFilter(categories.precinct), batchSize: 5000 });
    for (const e of page.events) {
      if (!e.streamName.startsWith(prefix)) continue;
      applyEvent(view, { type: e.type, data: e.data, position: e.position, recordedAt: e.recordedAt.toISOString() } as unknown as RecordedPrecinctEvent);
      events++;
    }
    from = page.checkpoint;
    if (page.isEnd) break;
  }
  return { digest: viewDigest(view), events };
}

describe('projector: rebuild from zero equals the live state (10k precincts)', () => {
  let dataDir: string;
  let config: AppConfig;
  let app: TallyApp | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'tally-rebuild-'));
    config = loadAppConfig({ TALLY_ROLES: 'projector', TALLY_DATA_DIR: dataDir, TALLY_DEMO: 'false', TALLY_ADMIN_TOKEN: ADMIN, LOG_LEVEL: 'silent' });
  });

  afterAll(async () => {
    await app?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('live, rebuilt and restarted-from-snapshot views have one digest', async () => {
    const definition = generateSyntheticElection({ seed: SEED, precincts: 10_000 });
    const election = indexElection(definition);
    const appends: StreamAppend[] = [
      ...syntheticAppends(election, SEED, { turnoutReportShare: 0.25, correctionShare: 0.05, missingShare: 0.02, refusalShare: 0.01 }),
    ];
    const types = new Map<string, number>();
    for (const a of appends) for (const e of a.events) types.set(e.type, (types.get(e.type) ?? 0) + 1);
    // The history exercises every event the view folds.
    expect(types.get('ProtocolCorrected')).toBeGreaterThan(500);
    expect(types.get('SubmissionRefused')).toBeGreaterThan(100);
    expect(types.get('TurnoutReported')).toBeGreaterThan(10_000);
    // The first part ends after every first protocol, before the corrections come in.
    const firstCorrection = appends.findIndex((a) => a.events[0].type === 'ProtocolCorrected');
    const firstPart = appends.slice(0, firstCorrection - 3000);
    const secondPart = appends.slice(firstCorrection - 3000);

    // 1. Live: the projector follows the store while the first part is appended.
    app = await createApp(config, { logger: false });
    const defined = await app.get(ElectionRegistry).define(definition);
    expect(defined.kind).toBe('defined');
    const projector = app.get(ProjectorService).engine;
    const store = app.get<EventStore>(EVENT_STORE);
    const first = await appendAll(store, firstPart, 400);
    await projector.waitForPosition(first.position as string);
    const liveDigest = projector.digest(definition.id) as string;
    expect(liveDigest).toBe((await foldFromZero(store, election)).digest);

    const http = request(app.getHttpServer());
    const rebuilt = await http.post('/v1/admin/projections/rebuild').set('Authorization', `Bearer ${ADMIN}`).expect(200);
    expect(rebuilt.body.position).toBe(projector.position);
    expect(rebuilt.body.elections).toEqual([{ electionId: definition.id, liveDigest, rebuiltDigest: liveDigest, identical: true }]);
    expect(projector.digest(definition.id)).toBe(liveDigest);

    // 2. Stop (the snapshot is saved with its checkpoint); the rest of the night arrives while it is down.
    await app.close();
    app = undefined;
    const offline = await createPgliteEventStore({ dataDir });
    const second = await appendAll(offline, secondPart, 400);
    await offline.close();

    // 3. Restart: resumes from the snapshot and applies only the tail.
    app = await createApp(config, { logger: false });
    const resumed = app.get(ProjectorService).engine;
    await resumed.waitForPosition(second.position as string);
    expect(resumed.status().eventsSinceStart).toBe(second.events);
    const resumedDigest = resumed.digest(definition.id) as string;
    const fromZero = await foldFromZero(app.get<EventStore>(EVENT_STORE), election);
    expect(fromZero.events).toBe(first.events + second.events);
    expect(resumedDigest).toBe(fromZero.digest);

    const again = await request(app.getHttpServer()).post('/v1/admin/projections/rebuild').set('Authorization', `Bearer ${ADMIN}`).expect(200);
    expect(again.body.elections).toEqual([{ electionId: definition.id, liveDigest: resumedDigest, rebuiltDigest: resumedDigest, identical: true }]);
    expect(again.body.eventsRead).toBeGreaterThanOrEqual(fromZero.events);

    // The figures themselves: every precinct that reported is in, and the corrections did not add protocols.
    const summary = electionSummary(resumed.view(definition.id)!);
    expect(summary.eventsApplied + summary.eventsIgnored).toBeLessThanOrEqual(fromZero.events);
    expect(summary.eventsIgnored).toBe(0);
    expect(summary.protocols.reported).toBe(types.get('ProtocolRecorded'));
    expect(summary.refusals.total).toBe(types.get('SubmissionRefused'));
  });

  it('refuses a rebuild without the admin token', async () => {
    app ??= await createApp(config, { logger: false });
    const res = await request(app.getHttpServer()).post('/v1/admin/projections/rebuild').expect(401);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.code).toBe('TOKEN_REQUIRED');
  });
});
