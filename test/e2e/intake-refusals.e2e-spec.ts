// What intake keeps of the requests it refuses on a commission endpoint, whoever refused them: the
// judgement, and the body reader before routing (malformed JSON, a wrong content type, a body too
// large). Unauthenticated refusals are counted and kept in the bounded in-memory ring (GET
// /v1/admin/intake-refusals), never in the event history; 1,000 garbage POSTs add no event to the
// store. A route that does not exist still answers the body first, and is not counted as intake's.
import { createHash } from 'node:crypto';
import request from 'supertest';
import { ALMATY_2023_LIST_CONTEST, almatyCity2023Definition } from '@tally/domain';
import type { EventStore } from '@tally/event-store';
import { withDemoKeys } from '@tally/signatures';
import { ElectionRegistry } from '../../apps/tally-server/src/elections/election-registry.service';
import { EVENT_STORE } from '../../apps/tally-server/src/infrastructure/tokens';
import { IntakeRejectionLog } from '../../apps/tally-server/src/intake/intake-rejection-log.service';
import { expectProblem, intakeRejections } from './support/intake-helpers';
import { ADMIN_TOKEN, AUDITOR_TOKEN, startTallyApp, type TallyTestApp } from './support/tally-app';

jest.setTimeout(120_000);

const definition = withDemoKeys(almatyCity2023Definition());
const E = definition.id;
const P = 'almaty-p007';
const base = `/v1/elections/${E}/precincts/${P}`;

async function records(t: TallyTestApp, store: EventStore) {
  await t.app.get(IntakeRejectionLog).flush();
  return (await intakeRejections(store)).filter((r) => r.type === 'SubmissionRefusedAtIntake');
}

const totalRefusalsCounted = async (t: TallyTestApp): Promise<number> => {
  const text = (await request(t.server).get('/metrics')).text;
  return [...text.matchAll(/^tally_intake_refusals_total\{code="[A-Z_]+"\} (\d+)$/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
};

/** Every event in the store, in global order (type and stream: what a new event would change). */
const allEvents = async (store: EventStore): Promise<string[]> => {
  const out: string[] = [];
  let from: string | undefined;
  for (;;) {
    const batch = await store.readAll(from === undefined ? {} : { from });
    for (const e of batch.events) out.push(`${e.streamName}#${e.revision} ${e.type}`);
    if (batch.isEnd) return out;
    from = batch.checkpoint;
  }
};

const refusalsCounted = async (t: TallyTestApp, code: string): Promise<number> => {
  const text = (await request(t.server).get('/metrics')).text;
  return Number(new RegExp(`tally_intake_refusals_total\\{code="${code}"\\} (\\d+)`).exec(text)?.[1] ?? 0);
};

describe('intake refusals raised before the controller', () => {
  let t: TallyTestApp;
  let store: EventStore;

  beforeAll(async () => {
    t = await startTallyApp({ env: { TALLY_RATE_LIMIT: '100000' } });
    store = t.app.get(EVENT_STORE);
    await t.app.get(ElectionRegistry).define(definition);
  }, 120_000);

  afterAll(async () => t?.close());

  it("keeps the body reader's refusals in memory with the route's kind, and writes none to the history", async () => {
    const raw = '{"protocol": {';
    expectProblem(await request(t.server).post(`${base}/protocols`).set('Content-Type', 'application/json').send(raw), 400, 'MALFORMED');
    expectProblem(await request(t.server).post(`${base}/turnout`).set('Content-Type', 'text/plain').send('10:00 12'), 415, 'UNSUPPORTED_MEDIA_TYPE');
    const big = JSON.stringify({ protocol: {}, reason: 'x'.repeat(70 * 1024) });
    expectProblem(await request(t.server).post(`${base}/protocols/${ALMATY_2023_LIST_CONTEST}/corrections`).set('Content-Type', 'application/json').send(big), 413, 'PAYLOAD_TOO_LARGE');

    expect(await records(t, store)).toEqual([]);
    const recent = await request(t.server).get('/v1/admin/intake-refusals?limit=3').set('Authorization', `Bearer ${AUDITOR_TOKEN}`);
    expect(recent.body.refusals).toEqual([
      expect.objectContaining({ kind: 'correction', electionId: E, precinctId: P, status: 413, bodySha256: null, signedBy: null }),
      expect.objectContaining({ kind: 'turnout', precinctId: P, status: 415, bodySha256: null, bodyBytes: null }),
      expect.objectContaining({ kind: 'protocol', status: 400, bodySha256: createHash('sha256').update(raw).digest('hex'), bodyBytes: raw.length, reasons: [expect.objectContaining({ code: 'MALFORMED' })] }),
    ]);
    expectProblem(await request(t.server).get('/v1/admin/intake-refusals'), 401, 'TOKEN_REQUIRED');
  });

  it('1,000 unauthenticated garbage POSTs add no event to the store, and every one is counted', async () => {
    const before = await allEvents(store);
    const counted = await totalRefusalsCounted(t);
    const pid = (i: number) => ['almaty-p001', 'almaty-p002', 'nowhere', 'x'.repeat(200), '%F0%9F%92%A3', 'a.b', '..', 'p-'][i % 8];
    const bodies = (i: number): { type: string; body: string } => {
      switch (i % 10) {
        case 0: return { type: 'application/json', body: '{' };
        case 1: return { type: 'application/json', body: JSON.stringify({ protocol: { contestId: 'x', ['k'.repeat(i % 50)]: i } }) };
        case 2: return { type: 'application/json', body: JSON.stringify({ protocol: {}, signature: { keyId: 'forged', value: 'AAAA' } }) };
        case 3: return { type: 'text/plain', body: 'garbage' };
        case 4: return { type: 'application/json', body: JSON.stringify({ time: '10:00', ballotsIssued: i, version: 1, signature: { keyId: `almaty-p00${i % 9}#1`, value: Buffer.alloc(64, i).toString('base64') } }) };
        case 5: return { type: 'application/json', body: '[]' };
        case 6: return { type: 'application/json', body: JSON.stringify({ protocol: { ...{ contestId: ALMATY_2023_LIST_CONTEST }, invalid: -1 }, version: 1, signature: { keyId: 'x', value: 'y' } }) };
        case 7: return { type: 'application/json', body: JSON.stringify({ time: '10:00', ballotsIssued: 1e999 }) };
        case 8: return { type: 'application/json', body: 'null' };
        default: return { type: 'application/json', body: JSON.stringify({ reason: 'x', protocol: null }) };
      }
    };
    const kinds = ['protocols', 'turnout', `protocols/${ALMATY_2023_LIST_CONTEST}/corrections`, `protocols/${'c'.repeat(300)}/corrections`];
    for (let i = 0; i < 1000; i += 50) {
      await Promise.all(
        Array.from({ length: 50 }, (_, j) => {
          const n = i + j;
          const { type, body } = bodies(n);
          const election = n % 7 === 0 ? 'not-an-election' : E;
          return request(t.server).post(`/v1/elections/${election}/precincts/${pid(n)}/${kinds[n % kinds.length]}`).set('Content-Type', type).send(body).then((res) => {
            expect(res.status).toBeGreaterThanOrEqual(400);
            expect(res.status).toBeLessThan(500);
          });
        }),
      );
    }
    await t.app.get(IntakeRejectionLog).flush();
    expect(await allEvents(store)).toEqual(before);
    // Routed to intake (a precinct id with a slash or dot pattern may miss every route: counted as NOT_FOUND by Nest, not intake).
    expect(await totalRefusalsCounted(t)).toBeGreaterThanOrEqual(counted + 900);
    const recent = await request(t.server).get('/v1/admin/intake-refusals?limit=1000').set('Authorization', `Bearer ${ADMIN_TOKEN}`);
    expect(recent.body.refusals.length).toBeGreaterThanOrEqual(900);
    // Path ids are kept only when they are ids.
    for (const r of recent.body.refusals as Array<{ electionId: string | null; precinctId: string | null }>) {
      for (const id of [r.electionId, r.precinctId]) if (id !== null) expect(id).toMatch(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/);
    }
  });

  it('counts but does not record a refusal for an election not defined here', async () => {
    const before = (await records(t, store)).length;
    const counted = await refusalsCounted(t, 'UNSUPPORTED_MEDIA_TYPE');
    expectProblem(await request(t.server).post(`/v1/elections/nowhere/precincts/${P}/protocols`).set('Content-Type', 'text/plain').send('x'), 415, 'UNSUPPORTED_MEDIA_TYPE');
    expect((await records(t, store)).length).toBe(before);
    expect(await refusalsCounted(t, 'UNSUPPORTED_MEDIA_TYPE')).toBe(counted + 1);
  });

  it('answers the body first on a route that does not exist, and does not count it as an intake refusal', async () => {
    const counted = await refusalsCounted(t, 'UNSUPPORTED_MEDIA_TYPE');
    expectProblem(await request(t.server).post('/v1/nothing-here').set('Content-Type', 'text/plain').send('x'), 415, 'UNSUPPORTED_MEDIA_TYPE');
    expectProblem(await request(t.server).post('/v1/nothing-here').send({ a: 1 }), 404, 'NOT_FOUND');
    expect(await refusalsCounted(t, 'UNSUPPORTED_MEDIA_TYPE')).toBe(counted);
  });
});

describe('intake refusals under a flood', () => {
  let t: TallyTestApp;

  beforeAll(async () => {
    t = await startTallyApp({ env: { TALLY_RATE_LIMIT: '1', TALLY_RATE_WINDOW_MS: '60000' } });
    await t.app.get(ElectionRegistry).define(definition);
  }, 120_000);

  afterAll(async () => t?.close());

  it('records none of it, keeps both in memory, and counts the 429', async () => {
    expectProblem(await request(t.server).post(`${base}/protocols`).send({}), 400, 'MALFORMED');
    expectProblem(await request(t.server).post(`${base}/protocols`).send({}), 429, 'TOO_MANY_REQUESTS');
    expect(await records(t, t.app.get(EVENT_STORE))).toEqual([]);
    const recent = await request(t.server).get('/v1/admin/intake-refusals').set('Authorization', `Bearer ${ADMIN_TOKEN}`);
    expect(recent.body.refusals.map((r: { status: number }) => r.status)).toEqual([429, 400]);
    expect(await refusalsCounted(t, 'TOO_MANY_REQUESTS')).toBe(1);
  });
});
