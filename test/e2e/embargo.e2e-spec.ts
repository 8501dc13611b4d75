// The results embargo end to end (embedded store, every role in this process, real HTTP and SSE):
// an election whose `resultsNotBefore` is a few seconds ahead. Before it the public gets turnout
// and progress, 403 EMBARGOED for results, seats, analysis and open data, and live frames
// without votes; the auditor token sees everything. At the instant the live stream pushes the
// full results by itself, and the open-data exports appear with ETag and schema-valid CDF.
import { generateSyntheticElection, instantMillis, type ElectionIndex } from '@tally/domain';
import type { EventStore } from '@tally/event-store';
import request from 'supertest';
import { ElectionRegistry } from '../../apps/tally-server/src/elections/election-registry.service';
import { EVENT_STORE } from '../../apps/tally-server/src/infrastructure/tokens';
import { connectSse, type SseConnection, type SseFrame } from '../../apps/tally-server/src/live/testing/sse-client';
import { ProjectorService } from '../../apps/tally-server/src/projector/projector.service';
import { appendAll, syntheticAppends } from '../../apps/tally-server/src/projector/testing/synthetic-history';
import type { CommissionPayload } from '../../apps/tally-server/src/results/results.presenter';
import { cdfValidator } from '../fixtures/nist/cdf-validator';
import { expectProblem } from './support/intake-helpers';
import { ADMIN_TOKEN, AUDITOR_TOKEN, startTallyApp, type TallyTestApp } from './support/tally-app';

jest.setTimeout(120_000);

// Far enough ahead for the set-up on a loaded CI machine; the test then waits for it.
const LEAD_MS = 15_000;

describe('results embargo', () => {
  let tally: TallyTestApp;
  let http: ReturnType<typeof request>;
  let election: ElectionIndex;
  let until: string;
  let E: string;
  let root: string;
  let sse: SseConnection;

  beforeAll(async () => {
    tally = await startTallyApp({ mode: 'embedded', listen: true });
    http = request(tally.server);
    until = new Date(Date.now() + LEAD_MS).toISOString();
    const definition = { ...generateSyntheticElection({ seed: 913, precincts: 24, singleMemberDistricts: 2 }), id: 'embargoed-2026', resultsNotBefore: until };
    E = definition.id;
    await http.post('/v1/elections').set('Authorization', `Bearer ${ADMIN_TOKEN}`).send(definition).expect(201);
    election = tally.app.get(ElectionRegistry).get(E)!;
    root = election.root.id;
    // Recording is never held back: the night is recorded before the instant.
    const { position } = await appendAll(tally.app.get<EventStore>(EVENT_STORE), syntheticAppends(election, 913, { turnoutReportShare: 1 }));
    await tally.app.get(ProjectorService).engine.waitForPosition(position as string);
    sse = await connectSse(`${tally.baseUrl}/v1/elections/${E}/commissions/${root}/events`);
  });

  afterAll(async () => {
    sse?.close();
    await tally?.close();
  });

  const data = (f: SseFrame) => JSON.parse(f.data) as CommissionPayload & { full: boolean };
  const listContest = 'list';
  const contestUrl = () => `/v1/elections/${E}/commissions/${root}/contests/${listContest}`;

  it('before the instant: turnout and progress public, every result 403 EMBARGOED with the instant, live frames without votes', async () => {
    // The checks below mean something only while the embargo holds.
    expect(Date.now()).toBeLessThan((instantMillis(until) as number) - 1000);

    const detail = await http.get(`/v1/elections/${E}`).expect(200);
    expect(detail.body).toMatchObject({ resultsNotBefore: until, embargoed: true });

    const payload = (await http.get(`/v1/elections/${E}/commissions/${root}`).expect(200)).body as CommissionPayload;
    expect(payload).toMatchObject({ resultsNotBefore: until, embargoed: true, bodies: [] });
    expect(payload.progress.precincts.reported).toBe(24);
    expect(payload.contests.length).toBeGreaterThan(0);
    for (const c of payload.contests) {
      expect(c).toMatchObject({ embargoed: true });
      expect(c.turnout.numerator).toBeGreaterThan(0);
      expect(c.turnoutByTime.length).toBeGreaterThan(0);
      for (const hidden of ['lists', 'candidates', 'allocation', 'outcome', 'againstAll', 'base', 'invalid']) expect(c).not.toHaveProperty(hidden);
    }

    for (const url of [
      contestUrl(),
      `/v1/elections/${E}/bodies/assembly`,
      `${contestUrl()}/sensitivity`,
      `${contestUrl()}/what-if`,
      `${contestUrl()}/explanation`,
      `${contestUrl()}/forensics`,
      `/v1/elections/${E}/open-data/results.cdf.json`,
      `/v1/elections/${E}/open-data/results.csv`,
    ]) {
      const p = expectProblem(await http.get(url), 403, 'EMBARGOED');
      expect(p.operands).toEqual({ until });
    }

    // The auditor (and admin) see everything, all along.
    const audited = await http.get(contestUrl()).set('Authorization', `Bearer ${AUDITOR_TOKEN}`).expect(200);
    expect(audited.body.lists.length).toBeGreaterThan(0);
    await http.get(`/v1/elections/${E}/bodies/assembly`).set('Authorization', `Bearer ${ADMIN_TOKEN}`).expect(200);
    // A wrong token is the public.
    expectProblem(await http.get(contestUrl()).set('Authorization', 'Bearer nope'), 403, 'EMBARGOED');

    const first = await sse.waitFor(() => true);
    expect(first.event).toBe('snapshot');
    expect(data(first)).toMatchObject({ embargoed: true, bodies: [] });
    expect(first.data).not.toMatch(/"(votes|lists|candidates|seats)"/);
  });

  it('at the instant: the live stream sends the full results by itself, the API answers, open data appears with ETag and a valid CDF', async () => {
    const released = await sse.waitFor((f) => f.event === 'snapshot' && data(f).embargoed === false, LEAD_MS + 15_000);
    expect(Date.now()).toBeGreaterThanOrEqual(instantMillis(until) as number);
    const full = data(released);
    expect(full.full).toBe(true);
    expect(full.bodies.length).toBe(1);
    expect(full.contests.find((c) => c.contestId === listContest)).toHaveProperty('lists');

    const contest = await http.get(contestUrl()).expect(200);
    const seats = (election.contest(listContest) as { seats: number }).seats;
    expect(contest.body.lists.reduce((s: number, l: { seats: number }) => s + l.seats, 0)).toBe(seats);

    const cdf = await http.get(`/v1/elections/${E}/open-data/results.cdf.json`).expect(200);
    expect(cdf.headers['etag']).toMatch(/^"cdf-\d+:\d+"$/);
    expect(cdf.headers['cache-control']).toMatch(/public/);
    expect(cdf.headers['x-tally-results-status']).toBe('unofficial-complete');
    const validator = cdfValidator();
    const doc = cdf.body as { Status: string };
    expect(validator.validate(doc) ? [] : validator.errors()).toEqual([]);
    expect(doc.Status).toBe('unofficial-complete');
    // The same count again: 304, no body.
    const again = await http.get(`/v1/elections/${E}/open-data/results.cdf.json`).set('If-None-Match', cdf.headers['etag']).expect(304);
    expect(again.text).toBe('');

    const csv = await http.get(`/v1/elections/${E}/open-data/results.csv`).expect(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.text.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length).toBeGreaterThan(24);
    expectProblem(await http.get(`/v1/elections/${E}/open-data/results.xml`), 404, 'NOT_FOUND');
  });
});
