// Key amendments end to end (embedded mode, the built CLI for one of them): a precinct's key is
// revoked from an instant by the root commission; what it signs afterwards is refused, what it
// signed before still verifies; a replacement key (signed in with `tally amend --server`) is
// accepted; a replayed amendment is answered or refused, never applied again; an amendment
// signed by no root key is refused; the audit judges every recorded signature by the keys valid
// when it was received, and fails on one that was not. Needs `npm run build` first (the CLI).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyAudit } from '@tally/audit';
import { decidePrecinct, decodePrecinctEvent, evolvePrecinct, indexElection, initialPrecinctState, parseElectionDefinition, type KeyAmendment, type PrecinctCommand } from '@tally/domain';
import { eventToAppend, streams, type EventStore } from '@tally/event-store';
import { generateEd25519KeyPair, signAmendment, signSubmission, type Ed25519KeyPair } from '@tally/signatures';
import request from 'supertest';
import { EVENT_STORE } from '../../apps/tally-server/src/infrastructure/tokens';
import { expectProblem, readCategory } from './support/intake-helpers';
import { ADMIN_TOKEN, startTallyApp, type TallyTestApp } from './support/tally-app';
import { requireBuiltCli, tally } from './support/tally-cli';

jest.setTimeout(120_000);

const E = 'keys-2026';
const name = (en: string) => ({ kk: en, ru: en, en });
type Key = Ed25519KeyPair & { readonly keyId: string };
const key = (keyId: string): Key => ({ keyId, ...generateEd25519KeyPair() });
const ROOT = key('cec-2026');
const OLD = key('p1-2026');
const NEXT = key('p1-2026b');
const INPUT = {
  id: E,
  name: name('Key amendments council election'),
  date: '2026-03-15',
  timeZone: 'Asia/Almaty',
  turnoutTimes: ['10:00', '12:00', '14:00'],
  bodies: [{ id: 'council', name: name('Council') }],
  lists: [{ id: 'A', name: name('Party A'), colour: '#336699', registrationOrder: 1 }],
  contests: [{ kind: 'list', id: 'L', name: name('Council, lists'), body: 'council', seats: 5, thresholdPercent: 5, thresholdBase: 'list-votes', method: 'hare', lists: ['A'] }],
  commissions: [
    { id: 'cec', level: 'central', parent: null, name: name('Central'), keys: [{ keyId: ROOT.keyId, publicKey: ROOT.publicKey }] },
    { id: 'north', level: 'district', parent: 'cec', name: name('North') },
    { id: 'p1', level: 'precinct', parent: 'north', name: name('P1'), registeredVoters: 1000, contests: ['L'], keys: [{ keyId: OLD.keyId, publicKey: OLD.publicKey }] },
  ],
};

/** A running-turnout body signed by the given key (scheme v2: each time is reported once here, version 1). */
function turnoutBody(time: string, ballotsIssued: number, signer: Key, version = 1): Record<string, unknown> {
  const signature = signSubmission({ kind: 'turnout', electionId: E, precinctId: 'p1', time, ballotsIssued, version }, signer.keyId, signer.privateKeyPem);
  return { time, ballotsIssued, version, signature };
}

/** An amendment body signed by `signer` (a root key, unless the test says otherwise) for `sequence`. */
function amendmentBody(sequence: number, amendment: KeyAmendment, signer: Key = ROOT, keyId = signer.keyId): Record<string, unknown> {
  return { sequence, amendment, signature: signAmendment({ electionId: E, sequence, amendment }, keyId, signer.privateKeyPem) };
}

describe('key amendments (embedded, built CLI)', () => {
  let t: TallyTestApp;
  let store: EventStore;
  let dir: string;
  /** The revocation's instant: after the first submission was received. */
  let from: string;
  let revocation: Record<string, unknown>;
  let revocationPosition: string;
  const http = () => request(t.server);
  const admin = (req: request.Test) => req.set('Authorization', `Bearer ${ADMIN_TOKEN}`);
  const amend = (body: unknown) => admin(http().post(`/v1/elections/${E}/amendments`)).send(body as object);
  const postTurnout = (body: Record<string, unknown>) => http().post(`/v1/elections/${E}/precincts/p1/turnout`).send(body);
  const electionEvents = async () => (await readCategory(store, 'election')).length;
  async function recordedEvent(res: request.Response) {
    expect(res.status).toBe(202);
    const status = await http().get(`${res.body.statusUrl}?wait=20s`);
    expect(status.body).toMatchObject({ state: 'recorded' });
    const events = await store.readStream(streams.precinct(E, 'p1'));
    return events[events.length - 1];
  }

  beforeAll(async () => {
    requireBuiltCli();
    dir = mkdtempSync(join(tmpdir(), 'tally-keys-'));
    t = await startTallyApp({ listen: true, env: { TALLY_RATE_LIMIT: '100000' } });
    store = t.app.get<EventStore>(EVENT_STORE);
    expect((await admin(http().post('/v1/elections')).send(INPUT)).status).toBe(201);
  });

  afterAll(async () => {
    await t?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a revoked key signs nothing received from its instant on', async () => {
    const first = await recordedEvent(await postTurnout(turnoutBody('10:00', 100, OLD)));
    const receivedAt = (first.data as { receivedAt: string }).receivedAt;
    // Strictly after the first submission was received: that one stays valid.
    from = new Date(Math.max(Date.now(), Date.parse(receivedAt) + 1)).toISOString();

    revocation = amendmentBody(1, { kind: 'revoke-key', commissionId: 'p1', keyId: OLD.keyId, from });
    const revoked = await amend(revocation);
    expect(revoked.status).toBe(201);
    expect(revoked.body).toMatchObject({ electionId: E, sequence: 1, outcome: 'recorded', position: expect.any(String) });
    revocationPosition = revoked.body.position;

    const later = expectProblem(await postTurnout(turnoutBody('12:00', 150, OLD)), 401, 'BAD_SIGNATURE');
    expect(later).toMatchObject({ field: 'signature.keyId', operands: { keyId: OLD.keyId, problem: 'revoked-key', commissionId: 'p1', revokedFrom: from } });
    expect(later.message).toContain(`revoked from ${from}`);

    const listed = await http().get(`/v1/elections/${E}/amendments`);
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual({
      electionId: E,
      next: 2,
      amendments: [{ electionId: E, sequence: 1, amendment: revocation.amendment, receivedAt: expect.any(String), signature: revocation.signature }],
    });
  });

  it('a replacement key, signed in with `tally amend --server`, is accepted from then on', async () => {
    writeFileSync(join(dir, `${ROOT.keyId}.key.pem`), ROOT.privateKeyPem, { mode: 0o600 });
    writeFileSync(join(dir, 'next.pub.json'), `${JSON.stringify({ keyId: NEXT.keyId, publicKey: NEXT.publicKey })}\n`);
    const cliRun = await tally(['amend', '--election', E, '--commission', 'p1', '--add-key', join(dir, 'next.pub.json'), '--key', join(dir, `${ROOT.keyId}.key.pem`), '--server', t.baseUrl!]);
    expect(cliRun).toMatchObject({ code: 0, stderr: expect.stringContaining(`/v1/elections/${E}/amendments`) });
    const body = JSON.parse(cliRun.stdout);
    expect(body).toMatchObject({ sequence: 2, amendment: { kind: 'add-key', commissionId: 'p1', key: { keyId: NEXT.keyId } }, signature: { keyId: ROOT.keyId } });
    expect((await amend(body)).body).toMatchObject({ sequence: 2, outcome: 'recorded' });

    const accepted = await recordedEvent(await postTurnout(turnoutBody('12:00', 150, NEXT)));
    expect(accepted).toMatchObject({ type: 'TurnoutReported', data: { time: '12:00', ballotsIssued: 150, submittedBy: 'p1', signature: { keyId: NEXT.keyId } } });
  });

  it('a replayed amendment is answered (the very one) or refused (anything else under its number), never applied again', async () => {
    const before = await electionEvents();
    const again = await amend(revocation);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ electionId: E, sequence: 1, outcome: 'unchanged', position: revocationPosition });

    const other = expectProblem(await amend(amendmentBody(1, { kind: 'revoke-key', commissionId: 'p1', keyId: NEXT.keyId, from })), 409, 'STALE_AMENDMENT');
    expect(other).toMatchObject({ field: 'sequence', operands: { sequence: 1, next: 3 } });
    // A signed body moved to another number no longer verifies.
    expectProblem(await amend({ ...revocation, sequence: 3 }), 401, 'BAD_SIGNATURE');
    expectProblem(await amend(amendmentBody(5, { kind: 'revoke-key', commissionId: 'p1', keyId: NEXT.keyId, from })), 409, 'SEQUENCE_GAP');
    expect(await electionEvents()).toBe(before);
  });

  it('an amendment signed by no root key is refused, and so is one without the admin token', async () => {
    const before = await electionEvents();
    const selfSigned = amendmentBody(3, { kind: 'add-key', commissionId: 'p1', key: { keyId: 'p1-evil', publicKey: generateEd25519KeyPair().publicKey } }, NEXT);
    expect(expectProblem(await amend(selfSigned), 401, 'BAD_SIGNATURE')).toMatchObject({ field: 'signature.keyId', operands: { keyId: NEXT.keyId, problem: 'unknown-key', commissionId: 'cec' } });
    const posing = amendmentBody(3, { kind: 'revoke-key', commissionId: 'cec', keyId: ROOT.keyId, from }, NEXT, ROOT.keyId);
    expect(expectProblem(await amend(posing), 401, 'BAD_SIGNATURE')).toMatchObject({ field: 'signature.value', operands: { keyId: ROOT.keyId, problem: 'invalid-signature' } });
    expectProblem(await http().post(`/v1/elections/${E}/amendments`).send(amendmentBody(3, { kind: 'revoke-key', commissionId: 'p1', keyId: NEXT.keyId, from })), 401, 'TOKEN_REQUIRED');
    expectProblem(await amend({ ...revocation, amendment: { kind: 'forget-key' } }), 400, 'MALFORMED');
    expectProblem(await amend(amendmentBody(3, { kind: 'revoke-key', commissionId: 'p9', keyId: NEXT.keyId, from })), 422, 'UNKNOWN_COMMISSION');
    expect(await electionEvents()).toBe(before);
  });

  it('a public key no signature could be verified under is refused where it is given: in an amendment, in a definition', async () => {
    const before = await electionEvents();
    // The identity point: OpenSSL would accept its forged "signature" on any message (ed25519.spec.ts).
    const identity = Buffer.concat([Buffer.from([1]), Buffer.alloc(31)]).toString('base64');
    const weak = amendmentBody(3, { kind: 'add-key', commissionId: 'p1', key: { keyId: 'p1-identity', publicKey: identity } });
    const refused = expectProblem(await amend(weak), 422, 'UNUSABLE_KEY');
    expect(refused).toMatchObject({ field: 'amendment.key.publicKey', operands: { keyId: 'p1-identity', publicKey: identity } });
    expect(refused.message).toContain('not a usable Ed25519 public key');
    expect(await electionEvents()).toBe(before);

    // The same key in a new election's definition: nothing recorded, the path names the key.
    const other = { ...INPUT, id: 'keys-weak-2026', commissions: INPUT.commissions.map((c) => (c.id === 'p1' ? { ...c, keys: [...c.keys!, { keyId: 'p1-identity', publicKey: identity }] } : c)) };
    const definition = expectProblem(await admin(http().post('/v1/elections')).send(other), 422, 'INVALID_DEFINITION');
    expect(definition).toMatchObject({ field: 'commissions[2].keys[1].publicKey', operands: { rule: 'UNUSABLE_KEY', commissionId: 'p1', keyId: 'p1-identity' } });
    expect((await http().get('/v1/elections/keys-weak-2026')).status).toBe(404);
    expect(await electionEvents()).toBe(before);
  });

  it('the audit judges every recorded signature by the keys valid when it was received', async () => {
    const clean = await verifyAudit(store);
    expect(clean.firstFailure).toBeNull();
    expect(clean.ok).toBe(true);
    // Two turnout reports (the revoked key's earlier one included) and two amendments.
    // The reports came through the in-process queue, which says when it took each.
    expect(clean.checks.signature).toEqual({
      status: 'passed',
      checked: 4,
      failed: 0,
      note: "2 submissions dated by the queue's clock (the bound: receivedAt at most 300 s + 60 s before the queue took it)",
    });

    // What a recorder lagging behind the revocation would have written: the old key's report,
    // received after `from`, decided and appended like any other.
    const stream = streams.precinct(E, 'p1');
    const recorded = await store.readStream(stream);
    const state = recorded.reduce((s, e) => {
      const decoded = decodePrecinctEvent(e);
      return decoded.ok ? evolvePrecinct(s, decoded.value) : s;
    }, initialPrecinctState());
    const parsed = parseElectionDefinition(INPUT);
    if (!parsed.ok) throw new Error('definition');
    const late = turnoutBody('14:00', 200, OLD);
    const command: PrecinctCommand = {
      type: 'ReportTurnout',
      meta: { submissionId: 'late-1', electionId: E, precinctId: 'p1', submittedBy: 'p1', receivedAt: new Date(Date.parse(from) + 60_000).toISOString(), signature: late.signature as never },
      time: '14:00',
      ballotsIssued: 200,
      version: 1,
    };
    const [event] = decidePrecinct(command, state, { election: indexElection(parsed.value) });
    expect(event.type).toBe('TurnoutReported');
    await store.append(stream, recorded[recorded.length - 1].revision, [eventToAppend('7d1c4f4e-3a55-4a43-9a36-4c7f0e0c2b11', event)]);

    const dirty = await verifyAudit(store);
    expect(dirty.ok).toBe(false);
    expect(dirty.failures).toEqual([expect.objectContaining({ check: 'signature', code: 'revoked-key', streamName: stream, message: expect.stringContaining(`revoked from ${from}`) })]);
  });
});
