// `npm start`'s embedded mode (PGlite, in-process queue), the whole service in one process: the
// store refuses one precinct's write (a full disk, say) while it answers everything else, so the
// recorder dead-letters that submission as UNSTORABLE after intake acknowledged it. Intake writes
// the attempt down as set aside and the status says so with the store's words; once the store
// writes again, the same body sent again is queued anew and recorded once.
import { ALMATY_2023_LIST_CONTEST, almatyCity2023Definition, almatyCity2023Protocols } from '@tally/domain';
import { streams, type EventStore, type StreamAppend } from '@tally/event-store';
import { withDemoKeys } from '@tally/signatures';
import request from 'supertest';
import { ElectionRegistry } from '../../apps/tally-server/src/elections/election-registry.service';
import { EVENT_STORE } from '../../apps/tally-server/src/infrastructure/tokens';
import { storeCensus } from '../../apps/tally-server/src/recorder/recorder.test-helper';
import { signedProtocolBody } from './support/signing';
import { ADMIN_TOKEN, startTallyApp, type TallyTestApp } from './support/tally-app';

jest.setTimeout(120_000);

const definition = withDemoKeys(almatyCity2023Definition());
const E = definition.id;
const P = 'almaty-p031';
const protocol = almatyCity2023Protocols().find((p) => p.precinctId === P && p.contestId === ALMATY_2023_LIST_CONTEST)!.protocol;

describe('what intake acknowledged and the store would not keep (embedded)', () => {
  let t: TallyTestApp;

  beforeAll(async () => {
    t = await startTallyApp({ env: { TALLY_RATE_LIMIT: '100000' } });
    await t.app.get(ElectionRegistry).define(definition);
  });

  afterAll(async () => t?.close());

  it('is set aside with the store’s words, and recorded once when sent again after the store mends', async () => {
    const store = t.app.get<EventStore>(EVENT_STORE);
    const appendMany = store.appendMany.bind(store);
    const full = jest.spyOn(store, 'appendMany').mockImplementation(async (batch: readonly StreamAppend[]) => {
      if (batch.some((a) => a.streamName === streams.precinct(E, P))) throw new Error('could not extend file: No space left on device');
      return appendMany(batch);
    });
    const body = signedProtocolBody(E, P, protocol);
    const post = () => request(t.server).post(`/v1/elections/${E}/precincts/${P}/protocols`).send(body);
    const first = await post();
    expect(first.status).toBe(202);
    const id = first.body.submissionId as string;
    const status = await request(t.server).get(`/v1/submissions/${id}?wait=30s`);
    full.mockRestore();
    expect(status.body).toMatchObject({ submissionId: id, state: 'set-aside', stream: streams.intakeRejections(E), reasons: [{ code: 'UNSTORABLE' }] });
    expect(status.body.reasons[0].message).toContain('its write failed twice, alone, while the store answered: could not extend file: No space left on device');
    // Written down in the history, the attempt has its transparency-log receipt like any outcome.
    expect(['pending', 'included']).toContain(status.body.receipt?.state);
    // The operators' list of what must be sent again, behind a token.
    const outstanding = () => request(t.server).get('/v1/admin/set-aside').set('Authorization', `Bearer ${ADMIN_TOKEN}`);
    expect((await request(t.server).get('/v1/admin/set-aside')).status).toBe(401);
    expect((await outstanding()).body).toEqual({
      setAside: [expect.objectContaining({ submissionId: id, electionId: E, precinctId: P, state: 'set-aside', receivedAt: status.body.receivedAt, queuedAgain: false, reasons: [expect.objectContaining({ code: 'UNSTORABLE' })] })],
    });

    const again = await post();
    expect({ status: again.status, state: again.body.state, duplicate: again.body.duplicate }).toEqual({ status: 202, state: 'queued', duplicate: false });
    const recorded = await request(t.server).get(`/v1/submissions/${id}?wait=30s`);
    expect(recorded.body).toMatchObject({ state: 'recorded', eventType: 'ProtocolRecorded', stream: streams.precinct(E, P) });
    const census = await storeCensus(store);
    expect(census.bySubmission.get(id)).toBe(1);
    expect(census.byType.get('SubmissionSetAside')).toBe(1);
    expect((await outstanding()).body).toEqual({ setAside: [] });
  });
});
