// Intake runs the recorders' rule on receivedAt (libs/domain/src/precinct/received-at.ts) on the
// append time the queue answers its publish with: a submission the queue took longer to take than
// TALLY_MAX_QUEUE_DELAY_S (+ the clocks' skew) after it was received is not acknowledged (503
// UNAVAILABLE, "send it again"): the recorder dead-letters that copy as MISDATED. Sent again, it is
// stamped anew, acknowledged and recorded once. Embedded mode (PGlite, in-process queue), the
// queue's publish held back 1.5 s against a 1 s bound and no skew.
import { generateProtocols, generateSyntheticElection, type Protocol } from '@tally/domain';
import type { SubmissionQueue } from '@tally/intake-queue';
import { withDemoKeys } from '@tally/signatures';
import request from 'supertest';
import { EVENT_STORE, SUBMISSION_QUEUE } from '../../apps/tally-server/src/infrastructure/tokens';
import { TallyMetrics } from '../../apps/tally-server/src/ops/metrics.service';
import { SubmissionStatusService } from '../../apps/tally-server/src/submissions/submission-status.service';
import { storeCensus } from '../../apps/tally-server/src/recorder/recorder.test-helper';
import { expectProblem, intakeRejections } from './support/intake-helpers';
import { signedProtocolBody } from './support/signing';
import { ADMIN_TOKEN, startTallyApp, type TallyTestApp } from './support/tally-app';

jest.setTimeout(120_000);

const definition = withDemoKeys(generateSyntheticElection({ seed: 1504, precincts: 3 }));
const [first] = [...generateProtocols(definition, 15)].filter((s): s is typeof s & { kind: 'protocol'; protocol: Protocol } => s.kind === 'protocol');

describe('intake does not acknowledge a submission the queue took too long to take', () => {
  let t: TallyTestApp;

  beforeAll(async () => {
    t = await startTallyApp({ env: { TALLY_MAX_QUEUE_DELAY_S: '1', TALLY_MAX_CLOCK_SKEW_S: '0', TALLY_RATE_LIMIT: '100000' } });
    await request(t.server).post('/v1/elections').set('Authorization', `Bearer ${ADMIN_TOKEN}`).send(definition).expect(201);
  });

  afterAll(async () => t?.close());

  it('answers 503 past the bound, takes the same submission sent again, and records it once', async () => {
    const body = signedProtocolBody(definition.id, first.precinctId, first.protocol);
    const post = () => request(t.server).post(`/v1/elections/${definition.id}/precincts/${first.precinctId}/protocols`).send(body);
    const queue = t.app.get<SubmissionQueue>(SUBMISSION_QUEUE);
    const publish = queue.publish.bind(queue);
    const slow = jest.spyOn(queue, 'publish').mockImplementation(async (messages) => {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      return publish(messages);
    });
    const late = await post();
    slow.mockRestore();
    const problem = expectProblem(late, 503, 'UNAVAILABLE');
    expect(problem.message).toMatch(/^the submission queue took it at \S+, too far from its receipt at \S+ for it to be counted; nothing was accepted, send it again$/);
    const { receivedAt, queuedAt } = problem.operands as { receivedAt: string; queuedAt: string };
    expect(Date.parse(queuedAt) - Date.parse(receivedAt)).toBeGreaterThan(1000);
    expect(late.headers['retry-after']).toBe('5');
    // Not acknowledged is not a refusal: nothing of it in the history's intake rejections.
    expect(await intakeRejections(t.app.get(EVENT_STORE))).toEqual([]);

    const again = await post();
    expect(again.status).toBe(202);
    const status = t.app.get(SubmissionStatusService);
    const id = again.body.submissionId as string;
    for (const deadline = Date.now() + 60_000; status.get(id)?.state !== 'recorded' && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 50));
    expect(status.get(id)?.state).toBe('recorded');
    const census = await storeCensus(t.app.get(EVENT_STORE));
    expect(census.bySubmission.get(id)).toBe(1);
    // The late copy the queue did take went to the dead letters, as intake said it would.
    const letters = (await t.app.get(TallyMetrics).deadLetters.get()).values.filter((v) => v.value > 0).map((v) => [v.labels.code, v.value]);
    expect(letters).toEqual([['MISDATED', 1]]);
  });

  it('says on /metrics the bound it judges by, for comparing with the other processes', async () => {
    const metrics = await request(t.server).get('/metrics').expect(200);
    expect(metrics.text).toContain('tally_received_at_bound_seconds{bound="max_queue_delay"} 1\n');
    expect(metrics.text).toContain('tally_received_at_bound_seconds{bound="max_clock_skew"} 0\n');
  });
});
