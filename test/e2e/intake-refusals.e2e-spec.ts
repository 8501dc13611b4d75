// What intake keeps of the requests it refuses on a commission endpoint, whoever refused them: the
// judgement, and the body reader before routing (malformed JSON, a wrong content type, a body too
// large), each recorded with its route's kind; floods (429) and unknown elections are answered and
// counted but not recorded; a route that does not exist still answers the body first, and is not
// counted as intake's.
import { createHash } from 'node:crypto';
import request from 'supertest';
import { ALMATY_2023_LIST_CONTEST, almatyCity2023Definition } from '@tally/domain';
import { streams, type EventStore } from '@tally/event-store';
import { withDemoKeys } from '@tally/signatures';
import { ElectionRegistry } from '../../apps/tally-server/src/elections/election-registry.service';
import { EVENT_STORE } from '../../apps/tally-server/src/infrastructure/tokens';
import { IntakeRejectionLog } from '../../apps/tally-server/src/intake/intake-rejection-log.service';
import { expectProblem, intakeRejections } from './support/intake-helpers';
import { startTallyApp, type TallyTestApp } from './support/tally-app';

jest.setTimeout(120_000);

const definition = withDemoKeys(almatyCity2023Definition());
const E = definition.id;
const P = 'almaty-p007';
const base = `/v1/elections/${E}/precincts/${P}`;

async function records(t: TallyTestApp, store: EventStore) {
  await t.app.get(IntakeRejectionLog).flush();
  return (await intakeRejections(store)).filter((r) => r.type === 'SubmissionRefusedAtIntake');
}

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

  it("records the body reader's refusals on a commission endpoint with the route's kind", async () => {
    const raw = '{"protocol": {';
    expectProblem(await request(t.server).post(`${base}/protocols`).set('Content-Type', 'application/json').send(raw), 400, 'MALFORMED');
    expectProblem(await request(t.server).post(`${base}/turnout`).set('Content-Type', 'text/plain').send('10:00 12'), 415, 'UNSUPPORTED_MEDIA_TYPE');
    const big = JSON.stringify({ protocol: {}, reason: 'x'.repeat(70 * 1024) });
    expectProblem(await request(t.server).post(`${base}/protocols/${ALMATY_2023_LIST_CONTEST}/corrections`).set('Content-Type', 'application/json').send(big), 413, 'PAYLOAD_TOO_LARGE');

    const kept = await records(t, store);
    expect(kept.map((r) => ({ stream: r.streamName, data: r.data }))).toEqual([
      {
        stream: streams.intakeRejections(E),
        data: expect.objectContaining({ kind: 'protocol', precinctId: P, status: 400, method: 'POST', path: `${base}/protocols`, bodySha256: createHash('sha256').update(raw).digest('hex'), bodyBytes: raw.length, reasons: [expect.objectContaining({ code: 'MALFORMED' })] }),
      },
      { stream: streams.intakeRejections(E), data: expect.objectContaining({ kind: 'turnout', precinctId: P, status: 415, bodySha256: null, bodyBytes: null }) },
      { stream: streams.intakeRejections(E), data: expect.objectContaining({ kind: 'correction', precinctId: P, status: 413, bodySha256: null }) },
    ]);
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

  it('records what reached intake, not the 429s', async () => {
    expectProblem(await request(t.server).post(`${base}/protocols`).send({}), 400, 'MALFORMED');
    expectProblem(await request(t.server).post(`${base}/protocols`).send({}), 429, 'TOO_MANY_REQUESTS');
    expect((await records(t, t.app.get(EVENT_STORE))).map((r) => (r.data as { status: number }).status)).toEqual([400]);
    expect(await refusalsCounted(t, 'TOO_MANY_REQUESTS')).toBe(1);
  });
});
