// Issue 11 acceptance, "A record no one can roll back" (embedded mode, the demo election as
// `npm start` loads it): for each kind — a protocol, a correction, a turnout report — post A, post
// B (newer), post A again. B stands; A is answered as the already-recorded duplicate (same id), and
// under a new Idempotency-Key refused REPLAYED by the decider; the figures the query API shows never go back. Then `tally audit verify`'s library
// passes on the store, and fails on a copy where the replayed body was forced in past the decider.
import request from 'supertest';
import { ALMATY_2023_LIST_CONTEST, almatyCity2023Definition, almatyCity2023Protocols, type Protocol } from '@tally/domain';
import { streams, type EventStore } from '@tally/event-store';
import { verifyAudit } from '@tally/audit';
import { tamperableCopy } from '../../libs/audit/src/testing/tamper';
import { EVENT_STORE } from '../../apps/tally-server/src/infrastructure/tokens';
import { ProjectorService } from '../../apps/tally-server/src/projector/projector.service';
import { expectProblem } from './support/intake-helpers';
import { signedCorrectionBody, signedProtocolBody, signedTurnoutBody } from './support/signing';
import { startTallyApp, type TallyTestApp } from './support/tally-app';

jest.setTimeout(120_000);

const definition = almatyCity2023Definition();
const E = definition.id;
const listProtocol = (precinctId: string): Protocol => almatyCity2023Protocols(definition).find((p) => p.precinctId === precinctId && p.contestId === ALMATY_2023_LIST_CONTEST)!.protocol;
const districtOf = (precinctId: string): string => definition.commissions.find((c) => c.id === precinctId)!.parent!;
/** A recount: `n` votes moved from Amanat to Auyl (every control relation still holds). */
const recount = (p: Protocol, n: number): Protocol => ({ ...p, votes: { ...p.votes, amanat: p.votes.amanat - n, auyl: p.votes.auyl + n } });

type Outcome =
  | { readonly kind: 'recorded'; readonly submissionId: string }
  | { readonly kind: 'refused'; readonly submissionId: string; readonly codes: readonly string[] }
  /** Intake answered with the submission that already recorded this very body. */
  | { readonly kind: 'duplicate'; readonly submissionId: string };

describe('replay-proof: no signed body rolls a precinct back', () => {
  let t: TallyTestApp;
  let store: EventStore;
  const http = () => request(t.server);
  const recorded = new Map<string, string>();

  beforeAll(async () => {
    t = await startTallyApp({ env: { TALLY_DEMO: 'true', TALLY_RATE_LIMIT: '100000' } });
    store = t.app.get(EVENT_STORE);
  }, 120_000);

  afterAll(async () => {
    await t?.close();
  });

  /** Posts a body, waits for its outcome and for the projector to have folded it in. */
  async function post(path: string, body: Record<string, unknown>, idempotencyKey?: string): Promise<Outcome> {
    const req = http().post(`/v1/elections/${E}/precincts/${path}`);
    const res = await (idempotencyKey === undefined ? req : req.set('Idempotency-Key', idempotencyKey)).send(body);
    const submissionId = res.body.submissionId as string;
    const signature = (body.signature as { value: string }).value;
    if (res.body.duplicate === true) {
      // A retry of a decided body: 200 with the first submission's id and state, nothing queued.
      expect({ status: res.status, state: res.body.state, sameAsRecorded: recorded.get(signature) === submissionId }).toEqual({ status: 200, state: 'recorded', sameAsRecorded: true });
      return { kind: 'duplicate', submissionId };
    }
    expect(res.status).toBe(202);
    const status = await http().get(`/v1/submissions/${submissionId}?wait=30s`);
    expect(status.body.state).toMatch(/^(recorded|refused)$/);
    await t.app.get(ProjectorService).engine.waitForPosition(status.body.position as string);
    if (status.body.state === 'recorded') {
      recorded.set(signature, submissionId);
      return { kind: 'recorded', submissionId };
    }
    return { kind: 'refused', submissionId, codes: (status.body.reasons as { code: string }[]).map((r) => r.code) };
  }

  /** Answered as the duplicate of the submission that recorded it (intake derives the id from the signature). */
  function expectNotApplied(outcome: Outcome, original: Outcome): void {
    expect(outcome).toEqual({ kind: 'duplicate', submissionId: original.submissionId });
  }

  async function figures(precinctId: string): Promise<{ votes: Record<string, number>; turnout: Record<string, number> }> {
    const res = await http().get(`/v1/elections/${E}/commissions/${precinctId}/contests/${ALMATY_2023_LIST_CONTEST}`).expect(200);
    return {
      votes: Object.fromEntries((res.body.lists as { id: string; votes: number }[]).map((l) => [l.id, l.votes])),
      turnout: Object.fromEntries((res.body.turnoutByTime as { time: string; ballotsIssued: number; precinctsReported: number }[]).filter((r) => r.precinctsReported > 0).map((r) => [r.time, r.ballotsIssued])),
    };
  }

  const versions = async (precinctId: string) => (await http().get(`/v1/elections/${E}/precincts/${precinctId}/versions`).expect(200)).body;

  it('turnout: 100 at 12:00 (version 1), then 150 (version 2), then the first body again: 150 stands', async () => {
    const P = 'almaty-p001';
    const a = signedTurnoutBody(E, P, '12:00', 100);
    const first = await post(`${P}/turnout`, a);
    expect(first.kind).toBe('recorded');
    expect((await figures(P)).turnout).toEqual({ '12:00': 100 });

    const second = await post(`${P}/turnout`, signedTurnoutBody(E, P, '12:00', 150, P, 2));
    expect(second.kind).toBe('recorded');
    expect((await figures(P)).turnout).toEqual({ '12:00': 150 });

    expectNotApplied(await post(`${P}/turnout`, a), first);
    expect((await figures(P)).turnout).toEqual({ '12:00': 150 });
    // Under a fresh Idempotency-Key the body is a new submission id: the decider refuses the replay.
    expect(await post(`${P}/turnout`, a, 'replay-under-a-new-key')).toMatchObject({ kind: 'refused', codes: ['REPLAYED'] });
    expect((await figures(P)).turnout).toEqual({ '12:00': 150 });
    expect(await versions(P)).toEqual({ contests: {}, turnout: { '12:00': { version: 2, ballotsIssued: 150 } } });

    // A fresh signature does not help an old version, nor a skipped one; a v1 body is not taken at all.
    expect(await post(`${P}/turnout`, signedTurnoutBody(E, P, '12:00', 120, P, 2))).toMatchObject({ kind: 'refused', codes: ['STALE_VERSION'] });
    expect(await post(`${P}/turnout`, signedTurnoutBody(E, P, '12:00', 160, P, 4))).toMatchObject({ kind: 'refused', codes: ['FUTURE_VERSION'] });
    const { version: _v, ...v1 } = a;
    expectProblem(await http().post(`/v1/elections/${E}/precincts/${P}/turnout`).send(v1), 422, 'VERSION_REQUIRED');
    expect((await figures(P)).turnout).toEqual({ '12:00': 150 });
  });

  it('protocol: the protocol, then its correction (version 2), then the protocol again: the correction stands', async () => {
    const P = 'almaty-p002';
    const a = signedProtocolBody(E, P, listProtocol(P));
    const first = await post(`${P}/protocols`, a);
    expect(first.kind).toBe('recorded');
    expect((await figures(P)).votes).toEqual(listProtocol(P).votes);

    const b = recount(listProtocol(P), 3);
    const second = await post(`${P}/protocols/${ALMATY_2023_LIST_CONTEST}/corrections`, signedCorrectionBody(E, P, ALMATY_2023_LIST_CONTEST, b, 'recount', districtOf(P), 2));
    expect(second.kind).toBe('recorded');
    expect((await figures(P)).votes).toEqual(b.votes);

    expectNotApplied(await post(`${P}/protocols`, a), first);
    expect((await figures(P)).votes).toEqual(b.votes);
    expect((await versions(P)).contests).toEqual({ [ALMATY_2023_LIST_CONTEST]: { version: 2, submissionId: second.submissionId } });
    // The same protocol signed anew is a second protocol, not a replay: ALREADY_RECORDED.
    expect(await post(`${P}/protocols`, signedProtocolBody(E, P, recount(listProtocol(P), 1)))).toMatchObject({ kind: 'refused', codes: ['ALREADY_RECORDED'] });
  });

  it('correction: version 2, then version 3, then version 2 again: version 3 stands', async () => {
    const P = 'almaty-p003';
    const district = districtOf(P);
    expect((await post(`${P}/protocols`, signedProtocolBody(E, P, listProtocol(P)))).kind).toBe('recorded');
    const path = `${P}/protocols/${ALMATY_2023_LIST_CONTEST}/corrections`;
    const a = signedCorrectionBody(E, P, ALMATY_2023_LIST_CONTEST, recount(listProtocol(P), 5), 'recount', district, 2);
    const first = await post(path, a);
    expect(first.kind).toBe('recorded');
    const b = recount(listProtocol(P), 9);
    const second = await post(path, signedCorrectionBody(E, P, ALMATY_2023_LIST_CONTEST, b, 'second recount', district, 3));
    expect(second.kind).toBe('recorded');
    expect((await figures(P)).votes).toEqual(b.votes);

    expectNotApplied(await post(path, a), first);
    expect((await figures(P)).votes).toEqual(b.votes);
    // The old correction's content signed anew at its old version is stale.
    expect(await post(path, signedCorrectionBody(E, P, ALMATY_2023_LIST_CONTEST, recount(listProtocol(P), 5), 'recount again', district, 3))).toMatchObject({ kind: 'refused', codes: ['STALE_VERSION'] });
    expect((await versions(P)).contests).toEqual({ [ALMATY_2023_LIST_CONTEST]: { version: 3, submissionId: second.submissionId } });
    expect((await figures(P)).votes).toEqual(b.votes);
  });

  it('the audit passes on the result, and fails on a copy where the replayed turnout body was forced in', async () => {
    const clean = await verifyAudit(store);
    expect(clean.failures).toEqual([]);
    expect(clean.checks.replay.status).toBe('passed');

    const copy = await tamperableCopy(store);
    try {
      const stream = streams.precinct(E, 'almaty-p001');
      const records = await copy.store.readStream(stream);
      const original = records.find((r) => r.type === 'TurnoutReported')!;
      const revision = records.at(-1)!.revision + 1n;
      const forced = { ...original.data, submissionId: '0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6' };
      await copy.insertEvent(stream, revision, { id: '0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d7', type: 'TurnoutReported', data: forced }, true);
      const report = await verifyAudit(copy.store);
      expect(report.ok).toBe(false);
      expect(report.checks['hash-chain'].status).toBe('passed');
      expect(report.checks.signature.status).toBe('passed');
      const where = { check: 'replay', streamName: stream, revision: revision.toString() };
      expect(report.failures).toEqual(
        expect.arrayContaining([expect.objectContaining({ ...where, code: 'signature-recorded-twice' }), expect.objectContaining({ ...where, code: 'version-backwards' })]),
      );
    } finally {
      await copy.close();
    }
  });
});
