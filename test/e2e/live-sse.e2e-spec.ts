// SSE resume: connect, receive, disconnect, submit through the real intake API (signed with the
// demo keys), reconnect with Last-Event-ID → exactly the missed frames: ids strictly increasing,
// none seen before the disconnect, each a delta on the frame before it, and the payload they build
// equals the query API's.
import type { AddressInfo } from 'node:net';
import { almatyCity2023Protocols, type FixtureProtocol } from '@tally/domain';
import { comparePositions } from '@tally/event-store';
import { createApp, type TallyApp } from '../../apps/tally-server/src/bootstrap';
import { loadAppConfig } from '../../apps/tally-server/src/config/app.config';
import { CommissionClient } from '../../apps/tally-server/src/demo/commission-client';
import { ElectionRegistry } from '../../apps/tally-server/src/elections/election-registry.service';
import type { FrameData } from '../../apps/tally-server/src/live/frame-delta';
import { connectSse, payloads, type SseConnection, type SseFrame } from '../../apps/tally-server/src/live/testing/sse-client';
import type { CommissionPayload, ContestResultsDto } from '../../apps/tally-server/src/results/results.presenter';

jest.setTimeout(60_000);

const ELECTION = 'almaty-city-2023';
const DISTRICT = 'zhetysu';
const ADMIN = 'admin-token-for-the-live-test';

const dataOf = (f: SseFrame): FrameData => JSON.parse(f.data) as FrameData;
/** A whole frame's payload (a snapshot or a reset). */
const wholeOf = (f: SseFrame): CommissionPayload & { full: true } => {
  const data = dataOf(f);
  if (!data.full) throw new Error(`frame ${f.id} is a delta`);
  return data;
};

describe('live results over SSE: resume with Last-Event-ID', () => {
  let app: TallyApp;
  let base: string;
  let client: CommissionClient;
  let protocols: FixtureProtocol[];
  const open: SseConnection[] = [];

  beforeAll(async () => {
    // In-memory store (no data dir), every role in this process, the demo election loaded.
    const config = { ...loadAppConfig({ TALLY_DEMO: 'true', LOG_LEVEL: 'silent', TALLY_ADMIN_TOKEN: ADMIN }), eventStore: { kind: 'embedded' as const } };
    app = await createApp(config, { logger: false });
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    client = new CommissionClient(base, ELECTION);
    const election = app.get(ElectionRegistry).get(ELECTION)!;
    const under = new Set(election.precinctsUnder(DISTRICT));
    protocols = almatyCity2023Protocols(election.definition).filter((p) => under.has(p.precinctId) && p.contestId === 'almaty-city-list');
  });

  afterAll(async () => {
    for (const c of open) c.close();
    await app.close();
  });

  const connect = async (lastEventId?: string) => {
    const c = await connectSse(`${base}/v1/elections/${ELECTION}/commissions/${DISTRICT}/events`, { lastEventId });
    open.push(c);
    return c;
  };

  const submit = async (p: FixtureProtocol) => {
    const r = await client.submitProtocol(p.precinctId, p.protocol);
    expect(r.kind).toBe('accepted');
  };

  const listReported = (p: CommissionPayload) => p.contests.find((c) => c.contestId === 'almaty-city-list')?.precincts.reported;

  const list = (p: CommissionPayload) => p.contests.find((c) => c.contestId === 'almaty-city-list') as ContestResultsDto;

  /** Polls the query API until the district's figures satisfy `done` (the recorder works asynchronously). */
  async function queryUntil(done: (p: CommissionPayload) => boolean): Promise<CommissionPayload> {
    for (;;) {
      const res = await fetch(`${base}/v1/elections/${ELECTION}/commissions/${DISTRICT}`);
      const body = (await res.json()) as CommissionPayload;
      if (done(body)) return body;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('sends exactly the missed frames after a reconnect, and they add up to the query API', async () => {
    const first = await connect();
    expect(first.status).toBe(200);
    expect(first.contentType).toMatch(/^text\/event-stream/);
    const firstPayloads = payloads(first);
    const snapshot = await first.waitFor(() => true);
    expect(snapshot.event).toBe('snapshot');
    expect(dataOf(snapshot).full).toBe(true);
    expect(listReported(wholeOf(snapshot))).toBe(0);

    await submit(protocols[0]);
    const one = await first.waitFor((f) => f.event === 'results' && listReported(firstPayloads.after(f)) === 1);
    // A delta: what moved (the district's progress, one child's row, the list's figures), not the commission whole.
    expect(dataOf(one)).toMatchObject({ full: false, since: snapshot.id });
    expect(one.data.length).toBeLessThan(snapshot.data.length / 2);
    await submit(protocols[1]);
    await first.waitFor((f) => f.event === 'results' && listReported(firstPayloads.after(f)) === 2);
    first.close();
    const before = [...first.frames];
    const lastSeen = before[before.length - 1].id as string;
    const held = firstPayloads.latest();
    expect(held?.id).toBe(lastSeen);

    // While disconnected: three more protocols and a turnout report, in two bursts.
    await submit(protocols[2]);
    await submit(protocols[3]);
    await queryUntil((p) => list(p).precincts.reported === 4);
    await submit(protocols[4]);
    const turnout = await client.reportTurnout(protocols[0].precinctId, '10:00', 150);
    expect(turnout.kind).toBe('accepted');
    const expected = await queryUntil((p) => list(p).precincts.reported === 5 && list(p).turnoutByTime[0].precinctsReported === 1);

    const resumed = await connect(lastSeen);
    const resumedPayloads = payloads(resumed, held);
    await resumed.waitFor((f) => f.id === expected.position);
    const missed = resumed.frames;

    // Exactly the changes: no snapshot (the ring covers lastSeen), nothing seen before, in order.
    expect(missed.every((f) => f.event === 'results')).toBe(true);
    const seen = new Set(before.map((f) => f.id));
    expect(missed.filter((f) => seen.has(f.id))).toEqual([]);
    const ids = [lastSeen, ...missed.map((f) => f.id as string)];
    for (let i = 1; i < ids.length; i++) expect(comparePositions(ids[i - 1], ids[i])).toBeLessThan(0);

    expect(dataOf(missed[0])).toMatchObject({ full: false, since: lastSeen });
    // Applied in order on what the client held before: exactly the query API's payload.
    expect(resumedPayloads.latest()?.payload).toEqual(expected);
  });

  it('sends one full snapshot when Last-Event-ID is not covered (from before the ring began, or not a position)', async () => {
    // Nobody has watched the city commission yet: its ring begins now, after the events above.
    const url = `${base}/v1/elections/${ELECTION}/commissions/almaty`;
    const current = (await (await fetch(url)).json()) as CommissionPayload;
    expect(comparePositions(current.position as string, '0:1')).toBeGreaterThan(0);
    const stale = await connectSse(`${url}/events`, { lastEventId: '0:1' });
    open.push(stale);
    const frame = await stale.waitFor(() => true);
    expect(frame.event).toBe('snapshot');
    expect(frame.id).toBe(current.position);
    const { full, ...payload } = wholeOf(frame);
    expect(full).toBe(true);
    expect(payload).toEqual(current);

    const garbage = await connect('not-a-position');
    expect((await garbage.waitFor(() => true)).event).toBe('snapshot');
  });

  it('sends one full `reset` frame after an admin rebuild, with the same figures', async () => {
    const watching = await connect();
    const snapshot = await watching.waitFor((f) => f.event === 'snapshot');
    const res = await fetch(`${base}/v1/admin/projections/rebuild`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}` } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { elections: { identical: boolean }[] }).elections.every((e) => e.identical)).toBe(true);
    const reset = await watching.waitFor((f) => f.event === 'reset');
    expect(reset.id).toBe(snapshot.id);
    expect(wholeOf(reset)).toEqual(wholeOf(snapshot));
    expect(watching.frames.map((f) => f.event)).toEqual(['snapshot', 'reset']);
  });

  it('answers 404 problem+json for an unknown election or commission, before any stream', async () => {
    const unknownElection = await connectSse(`${base}/v1/elections/nope/commissions/${DISTRICT}/events`);
    open.push(unknownElection);
    expect(unknownElection.status).toBe(404);
    expect(unknownElection.contentType).toMatch(/application\/problem\+json/);
    const unknownCommission = await connectSse(`${base}/v1/elections/${ELECTION}/commissions/nope/events`);
    open.push(unknownCommission);
    expect(unknownCommission.status).toBe(404);
    expect(unknownCommission.contentType).toMatch(/application\/problem\+json/);
  });
});
