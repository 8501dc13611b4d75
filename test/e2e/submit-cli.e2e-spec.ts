// `tally submit` against a running server (embedded store, real HTTP on a port, real Ed25519, the
// transparency log signing heads): a commission's protocol is signed, posted, recorded, and its
// receipt verifies offline; the same command again is the same submission, counted once; a
// correction asks the server for its version; a protocol whose figures do not add up is refused
// with the rule, and nothing of it is counted.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateProtocols, generateSyntheticElection, SYNTHETIC_LIST_CONTEST, type ElectionDefinition, type Protocol } from '@tally/domain';
import { streams, type EventStore } from '@tally/event-store';
import { withDemoKeys } from '@tally/signatures';
import request from 'supertest';
import { runReceiptVerify } from '../../apps/tally-cli/src/commands/receipt.command';
import { runSubmit, type SubmitOptions } from '../../apps/tally-cli/src/commands/submit.command';
import { memoryIo } from '../../apps/tally-cli/src/memory-io.test-helper';
import { EVENT_STORE } from '../../apps/tally-server/src/infrastructure/tokens';
import { ADMIN_TOKEN, startTallyApp, type TallyTestApp } from './support/tally-app';

jest.setTimeout(120_000);

describe('tally submit against a running server', () => {
  let tally: TallyTestApp;
  let definition: ElectionDefinition;
  let dir: string;
  let protocols: { precinctId: string; protocol: Protocol }[];

  const submit = async (options: Partial<SubmitOptions> & Pick<SubmitOptions, 'precinct'>, input: unknown) => {
    const m = memoryIo({ 'input.json': JSON.stringify(input) });
    const code = await runSubmit({ server: tally.baseUrl!, input: 'input.json', election: definition.id, demoKey: options.precinct, kind: 'protocol', wait: '60', ...options }, m.io);
    return { code, out: m.out(), err: m.err() };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tally-submit-'));
    tally = await startTallyApp({ mode: 'embedded', listen: true, env: { TALLY_RATE_LIMIT: '100000', TALLY_LOG_HEAD_INTERVAL_MS: '200' } });
    definition = { ...withDemoKeys(generateSyntheticElection({ seed: 61, precincts: 4, lists: 3, seats: 5 })), id: 'submit-cli-2026' };
    await request(tally.server).post('/v1/elections').set('Authorization', `Bearer ${ADMIN_TOKEN}`).send(definition).expect(201);
    protocols = [...generateProtocols(definition, 61)].flatMap((s) => (s.kind === 'protocol' && s.contestId === SYNTHETIC_LIST_CONTEST ? [{ precinctId: s.precinctId, protocol: s.protocol }] : []));
  });

  afterAll(async () => {
    await tally?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('records a protocol and writes a receipt that verifies offline; the same command again is the same submission', async () => {
    const [first] = protocols;
    const receipt = join(dir, 'receipt.json');
    const r = await submit({ precinct: first.precinctId, receipt }, first.protocol);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const id = /accepted: submission (\S+) \(version 1 of /.exec(r.out)?.[1];
    expect(id).toBeDefined();
    expect(r.out).toMatch(new RegExp(`RECORDED: ProtocolRecorded version 1 at position \\d+:\\d+ \\(precinct-${definition.id}\\.${first.precinctId}@0\\)`));
    expect(r.out).toContain(`receipt written to ${receipt}`);
    const check = memoryIo({ [receipt]: readFileSync(receipt, 'utf8') });
    expect(await runReceiptVerify({ receipt }, check.io)).toBe(0);
    expect(check.out()).toContain(`(ProtocolRecorded of submission ${id}: precinct-${definition.id}.${first.precinctId} revision 0`);

    const again = await submit({ precinct: first.precinctId }, first.protocol);
    expect(again.code).toBe(0);
    expect(again.out).toContain(`already received: submission ${id}`);
    const store = tally.app.get<EventStore>(EVENT_STORE);
    expect((await store.readStream(streams.precinct(definition.id, first.precinctId))).map((e) => e.type)).toEqual(['ProtocolRecorded']);
  });

  it('corrects it at the version the server names, signed by the commission above the precinct', async () => {
    const [first] = protocols;
    // One vote counted for the wrong list: the totals stand.
    const [a, b] = Object.keys(first.protocol.votes);
    const corrected = { ...first.protocol, votes: { ...first.protocol.votes, [a]: first.protocol.votes[a] - 1, [b]: first.protocol.votes[b] + 1 } };
    const correct = (demoKey: string) => submit({ precinct: first.precinctId, demoKey, kind: 'correction', reason: 'one vote was counted for the wrong list' }, corrected);
    // The precinct itself may not: the refusal says who may.
    const own = await correct(first.precinctId);
    expect(own.code).toBe(1);
    expect(own.out).toContain('REFUSED at intake (403), nothing was counted:\n  OUT_OF_SCOPE signature.keyId: only a territorial commission above precinct');
    const r = await correct(definition.commissions.find((c) => c.id === first.precinctId)!.parent!);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/RECORDED: ProtocolCorrected version 2 at position /);
  });

  it('says why a protocol that does not add up is refused, and nothing of it is counted', async () => {
    const [, second] = protocols;
    const wrong = { ...second.protocol, ballotsFound: second.protocol.ballotsFound + 7 };
    const r = await submit({ precinct: second.precinctId }, wrong);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^REFUSED at intake \(422\), nothing was counted:\n {2}BALLOTS_FOUND_MISMATCH protocol\.ballotsFound: /);
    const store = tally.app.get<EventStore>(EVENT_STORE);
    expect(await store.readStream(streams.precinct(definition.id, second.precinctId))).toEqual([]);
  });
});
