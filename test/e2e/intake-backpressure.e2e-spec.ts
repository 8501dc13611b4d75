// The in-process queue is bounded (TALLY_QUEUE_MAX_MESSAGES): with its recorder stopped, intake
// acknowledges up to the bound, then answers 503 QUEUE_FULL with Retry-After and accepts nothing
// (a "try again", like a 429: kept in the recent refusals, not in the history). Readiness is red
// while no recorder reads the queue. Once the recorder is back, everything acknowledged is
// recorded, and the refused submission, sent again, is accepted. Embedded mode (PGlite, in-process queue).
import { generateProtocols, generateSyntheticElection, type Protocol } from '@tally/domain';
import { withDemoKeys } from '@tally/signatures';
import request from 'supertest';
import { RecorderService } from '../../apps/tally-server/src/recorder/recorder.service';
import { SubmissionStatusService } from '../../apps/tally-server/src/submissions/submission-status.service';
import { EVENT_STORE } from '../../apps/tally-server/src/infrastructure/tokens';
import { expectProblem, intakeRejections } from './support/intake-helpers';
import { signedProtocolBody } from './support/signing';
import { ADMIN_TOKEN, startTallyApp, type TallyTestApp } from './support/tally-app';

jest.setTimeout(120_000);

const BOUND = 3;
const definition = withDemoKeys(generateSyntheticElection({ seed: 1503, precincts: 5 }));
const protocols = [...generateProtocols(definition, 15)].filter((s): s is typeof s & { kind: 'protocol'; protocol: Protocol } => s.kind === 'protocol');

async function waitUntil<T>(what: string, probe: () => T | undefined | Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('intake backpressure: the in-process queue is bounded', () => {
  let t: TallyTestApp;

  beforeAll(async () => {
    t = await startTallyApp({ env: { TALLY_QUEUE_MAX_MESSAGES: String(BOUND), TALLY_RATE_LIMIT: '100000' } });
    await request(t.server).post('/v1/elections').set('Authorization', `Bearer ${ADMIN_TOKEN}`).send(definition).expect(201);
  });

  afterAll(async () => t?.close());

  const post = (s: { precinctId: string; protocol: Protocol }) =>
    request(t.server).post(`/v1/elections/${definition.id}/precincts/${s.precinctId}/protocols`).send(signedProtocolBody(definition.id, s.precinctId, s.protocol));

  it('answers 503 QUEUE_FULL with Retry-After beyond the bound, loses nothing it acknowledged, and takes the retry later', async () => {
    const recorder = t.app.get(RecorderService);
    // A stalled recorder: its consumer leaves the group, so nothing is committed or dropped.
    await recorder.onModuleDestroy();
    const red = await request(t.server).get('/health/ready');
    expect(red.status).toBe(503);
    expect(red.body.checks.recorders).toMatchObject({ status: 'down', members: 0, error: expect.stringMatching(/no recorder is a member of consumer group/) });
    expect(red.body.checks.recorder).toMatchObject({ status: 'down', consuming: false });

    const acknowledged: string[] = [];
    for (const s of protocols.slice(0, BOUND)) {
      const res = await post(s);
      expect(res.status).toBe(202);
      acknowledged.push(res.body.submissionId as string);
    }
    const full = await post(protocols[BOUND]);
    const problem = expectProblem(full, 503, 'QUEUE_FULL');
    expect(full.headers['retry-after']).toMatch(/^[1-9]\d*$/);
    expect(problem.message).toMatch(/queue is full .*nothing was accepted/);
    expect(problem.operands).toEqual({ limit: BOUND, held: BOUND });

    // A "try again", like a 429: in the recent refusals, not a refusal in the history.
    const recent = await request(t.server).get('/v1/admin/intake-refusals?limit=1').set('Authorization', `Bearer ${ADMIN_TOKEN}`);
    expect(recent.body.refusals[0]).toMatchObject({ status: 503, reasons: [expect.objectContaining({ code: 'QUEUE_FULL' })] });

    await recorder.onApplicationBootstrap();
    const status = t.app.get(SubmissionStatusService);
    await waitUntil('the acknowledged submissions recorded', () => (acknowledged.every((id) => status.get(id)?.state === 'recorded') ? true : undefined));
    const again = await post(protocols[BOUND]);
    expect(again.status).toBe(202);
    await waitUntil('the retry recorded', () => (status.get(again.body.submissionId as string)?.state === 'recorded' ? true : undefined));
    expect(await intakeRejections(t.app.get(EVENT_STORE))).toEqual([]);
    expect((await request(t.server).get('/health/ready')).status).toBe(200);
  });
});
