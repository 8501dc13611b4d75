// The auditor's HTTP API (supertest against the real application, embedded store in memory):
// the token, the paged history in global order and by stream, explain and export.
import { generateSyntheticElection } from '@tally/domain';
import { START_POSITION, type EventStore, type RecordedEvent } from '@tally/event-store';
import request from 'supertest';
import { createApp, type TallyApp } from '../../apps/tally-server/src/bootstrap';
import { loadAppConfig } from '../../apps/tally-server/src/config/app.config';
import { EVENT_STORE } from '../../apps/tally-server/src/infrastructure/tokens';
import { recordSignedElection } from '../../libs/audit/src/testing/audit-fixture';
import { cdfValidator } from '../fixtures/nist/cdf-validator';

jest.setTimeout(120_000);

const TOKEN = 'auditor-token-for-the-e2e-suite';

describe('auditor API', () => {
  let app: TallyApp;
  let http: ReturnType<typeof request>;
  let events: RecordedEvent[];
  let electionId: string;
  const auth = { Authorization: `Bearer ${TOKEN}` };

  beforeAll(async () => {
    const config = { ...loadAppConfig({ TALLY_ROLES: 'projector', TALLY_DEMO: 'false', LOG_LEVEL: 'silent', TALLY_AUDITOR_TOKEN: TOKEN }), eventStore: { kind: 'embedded' as const } };
    app = await createApp(config, { logger: false });
    http = request(app.getHttpServer());
    const store = app.get<EventStore>(EVENT_STORE);
    const recorded = await recordSignedElection(store, generateSyntheticElection({ seed: 5, precincts: 20, lists: 3, seats: 7, singleMemberDistricts: 2 }), {
      seed: 9,
      correctionShare: 0.3,
      turnoutReportShare: 0.2,
    });
    electionId = recorded.definition.id;
    events = [];
    for (let from = START_POSITION; ; ) {
      const page = await store.readAll({ from, batchSize: 1000 });
      events.push(...page.events);
      from = page.checkpoint;
      if (page.isEnd) break;
    }
  });

  afterAll(async () => {
    await app?.close();
  });

  it('refuses without the auditor token, as problem+json', async () => {
    const res = await http.get('/v1/audit/events');
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ code: 'TOKEN_REQUIRED' });
    expect((await http.get('/v1/audit/events').set({ Authorization: 'Bearer not-the-auditor-token' })).body).toMatchObject({ code: 'BAD_TOKEN' });
  });

  it('pages through every event in global order, following `next`', async () => {
    const seen: { position: string; id: string; revision: string }[] = [];
    let from: string | null = START_POSITION;
    let pages = 0;
    while (from !== null) {
      const res: request.Response = await http.get('/v1/audit/events').query({ from, limit: 25 }).set(auth);
      expect(res.status).toBe(200);
      expect(res.body.events.length).toBeLessThanOrEqual(25);
      seen.push(...res.body.events.map((e: { position: string; id: string; revision: string }) => ({ position: e.position, id: e.id, revision: e.revision })));
      from = res.body.next;
      pages++;
    }
    expect(pages).toBeGreaterThan(2);
    expect(seen).toEqual(events.map((e) => ({ position: e.position, id: e.id, revision: e.revision.toString() })));
  });

  it("pages through one stream by revision, with the hash links in each event's metadata", async () => {
    const stream = events.find((e) => e.type === 'ProtocolCorrected')!.streamName;
    const mine = events.filter((e) => e.streamName === stream);
    const first = await http.get(`/v1/audit/streams/${stream}`).query({ limit: 1 }).set(auth);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ streamName: stream, nextRevision: '1' });
    expect(first.body.events[0].metadata).toMatchObject({ contentHash: mine[0].metadata.contentHash, previousHash: mine[0].metadata.previousHash });
    const rest = await http.get(`/v1/audit/streams/${stream}`).query({ fromRevision: 1, limit: 1000 }).set(auth);
    expect(rest.body.nextRevision).toBeNull();
    expect(rest.body.events.map((e: { id: string }) => e.id)).toEqual(mine.slice(1).map((e) => e.id));
    expect((await http.get('/v1/audit/streams/precinct-nope.p1').set(auth)).status).toBe(404);
  });

  it('explains a figure', async () => {
    const correction = events.find((e) => e.type === 'ProtocolCorrected')!;
    const data = correction.data as { precinctId: string; contestId: string };
    const res = await http.get(`/v1/audit/elections/${electionId}/explain`).query({ commission: 'central', contest: data.contestId }).set(auth);
    expect(res.status).toBe(200);
    expect(res.body.reconciles).toBe(true);
    expect(res.body.precincts.find((p: { precinctId: string }) => p.precinctId === data.precinctId).versions).toHaveLength(2);
    const bad = await http.get(`/v1/audit/elections/${electionId}/explain`).query({ commission: 'central', contest: data.contestId, choice: 'nobody' }).set(auth);
    expect(bad.status).toBe(422);
    expect(bad.body).toMatchObject({ code: 'UNKNOWN_CHOICE', field: 'choice' });
    const badUntil = await http.get(`/v1/audit/elections/${electionId}/explain`).query({ commission: 'central', contest: data.contestId, until: 'soon' }).set(auth);
    expect(badUntil.body).toMatchObject({ status: 400, code: 'MALFORMED', field: 'until' });
    // The running turnout at a reporting time, and the reports behind it.
    const report = events.find((e) => e.type === 'TurnoutReported')!.data as { time: string };
    const turnout = await http.get(`/v1/audit/elections/${electionId}/explain`).query({ commission: 'central', contest: data.contestId, turnout: report.time }).set(auth);
    expect(turnout.status).toBe(200);
    expect(turnout.body.turnout).toMatchObject({ time: report.time, reconciles: true });
    expect(turnout.body.turnout.figure.precinctsReported).toBeGreaterThan(0);
    expect(turnout.body.turnout.sumOfCounted).toEqual(turnout.body.turnout.figure);
    const badTime = await http.get(`/v1/audit/elections/${electionId}/explain`).query({ commission: 'central', contest: data.contestId, turnout: '25:00' }).set(auth);
    expect(badTime.body).toMatchObject({ status: 404, code: 'NOT_FOUND', field: 'turnout' });
  });

  it('exports the CDF at a position (same bytes twice, schema-valid) and the CSV', async () => {
    const mid = events[Math.floor(events.length / 2)];
    const a = await http.get(`/v1/audit/elections/${electionId}/export`).query({ format: 'cdf', until: mid.position }).set(auth);
    const b = await http.get(`/v1/audit/elections/${electionId}/export`).query({ format: 'cdf', until: mid.position }).set(auth);
    expect(a.status).toBe(200);
    expect(a.headers['x-tally-position']).toBe(mid.position);
    expect(a.text).toBe(b.text);
    expect(cdfValidator().validate(JSON.parse(a.text))).toBe(true);
    const csv = await http.get(`/v1/audit/elections/${electionId}/export`).query({ format: 'csv' }).set(auth);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.headers['x-tally-results-status']).toBe('unofficial-complete');
    expect(csv.text.split('\n')[0]).toContain(`position=${events.at(-1)!.position}`);
    expect((await http.get('/v1/audit/elections/nope/export').set(auth)).status).toBe(404);
  });
});
