// Issue 5 acceptance: 10,000 generated malformed or hostile bodies at the submit endpoint. Every
// answer is a 4xx problem+json with a code; nothing is published to the queue and nothing is
// recorded in any precinct stream.
import fc from 'fast-check';
import request from 'supertest';
import { ALMATY_2023_LIST_CONTEST, almatyCity2023Definition, almatyCity2023Protocols } from '@tally/domain';
import type { EventStore } from '@tally/event-store';
import type { SubmissionQueue } from '@tally/intake-queue';
import { canonicalJson } from '@tally/encoding';
import { normalizeProtocol, withDemoKeys } from '@tally/signatures';
import { ElectionRegistry } from '../../apps/tally-server/src/elections/election-registry.service';
import { EVENT_STORE, SUBMISSION_QUEUE } from '../../apps/tally-server/src/infrastructure/tokens';
import { IntakeRejectionLog } from '../../apps/tally-server/src/intake/intake-rejection-log.service';
import { countPublished, precinctEvents } from './support/intake-helpers';
import { signedProtocolBody } from './support/signing';
import { startTallyApp, type TallyTestApp } from './support/tally-app';

jest.setTimeout(900_000);

const RUNS = 10_000;
const definition = withDemoKeys(almatyCity2023Definition());
const E = definition.id;
const P = 'almaty-p005';
const protocol = almatyCity2023Protocols(almatyCity2023Definition()).find((p) => p.precinctId === P && p.contestId === ALMATY_2023_LIST_CONTEST)!.protocol;
const valid = signedProtocolBody(E, P, protocol) as Record<string, unknown>;
const same = (a: unknown, b: unknown): boolean => {
  try {
    return canonicalJson(a) === canonicalJson(b);
  } catch {
    return false;
  }
};

const normalForm = (body: unknown): unknown =>
  body && typeof body === 'object' && 'protocol' in body ? { ...body, protocol: normalizeProtocol((body as { protocol: unknown }).protocol) ?? (body as { protocol: unknown }).protocol } : body;

/** A valid signed body with one change at a path (top level or inside the protocol or signature). */
function mutate(path: readonly string[], value: unknown | typeof DELETE): Record<string, unknown> {
  const copy = structuredClone(valid);
  let target = copy as Record<string, unknown>;
  for (const k of path.slice(0, -1)) target = target[k] as Record<string, unknown>;
  const last = path[path.length - 1];
  if (value === DELETE) delete target[last];
  else Object.defineProperty(target, last, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}
const DELETE = Symbol('delete');

const protocolKeys = Object.keys(protocol);
const paths: ReadonlyArray<readonly string[]> = [
  ['protocol'],
  ['version'],
  ['signature'],
  ['submittedBy'],
  ['signature', 'keyId'],
  ['signature', 'value'],
  ...protocolKeys.map((k) => ['protocol', k]),
  ['protocol', 'ballotsIssued', 'early'],
  ['protocol', 'votes', 'amanat'],
  ['protocol', 'votes', '__proto__'],
  ['protocol', '__proto__'],
  ['__proto__'],
  ['constructor'],
  ['protocol', 'constructor'],
];

const hostileValue = fc.oneof(
  fc.anything({ withNullPrototype: false, maxDepth: 3 }),
  fc.constantFrom(-1, 0.5, 1e308, -0, Number.MAX_SAFE_INTEGER + 2, 2 ** 53, '12', '', 'NaN', null, true, [], {}, { $where: '1' }, '<script>alert(1)</script>', "'; DROP TABLE events; --"),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.string({ unit: 'binary', maxLength: 50 }),
);

/** What goes over the wire: a JSON text (maybe broken), with a content type. */
type Wire = { readonly text: string; readonly contentType: string };
const json = (v: unknown): Wire => ({ text: JSON.stringify(v) ?? 'null', contentType: 'application/json' });

const mutatedBody: fc.Arbitrary<Wire> = fc
  .tuple(fc.constantFrom(...paths), fc.oneof(hostileValue, fc.constant(DELETE)))
  .filter(([path, value]) => {
    // A change that changes nothing (the same value again) would leave a valid, signed body.
    let current: unknown = valid;
    for (const k of path) current = current && typeof current === 'object' && Object.prototype.hasOwnProperty.call(current, k) ? (current as Record<string, unknown>)[k] : undefined;
    if (value === DELETE) return current !== undefined;
    return !same(current, value);
  })
  .map(([path, value]) => json(mutate(path, value)))
  // What goes over the wire must differ from the valid body (undefined values vanish, -0 prints as 0).
  // An omitted line that defaults to 0 is the same protocol (the signature covers the normal form).
  .filter((wire) => !same(normalForm(JSON.parse(wire.text)), normalForm(valid)));

const arbitraryJson: fc.Arbitrary<Wire> = fc.oneof(
  fc.jsonValue().map(json),
  fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 })).map(json),
);

const brokenText: fc.Arbitrary<Wire> = fc.oneof(
  fc.string({ maxLength: 200 }).map((text) => ({ text, contentType: 'application/json' })),
  fc.string({ unit: 'binary', maxLength: 200 }).map((text) => ({ text, contentType: 'application/json' })),
  fc.integer({ min: 1, max: 2000 }).map((depth) => ({ text: '['.repeat(depth * 50) + ']'.repeat(depth * 50), contentType: 'application/json' })),
  // A body cut short anywhere (never the whole of it).
  fc.integer({ min: 0, max: JSON.stringify(valid).length - 1 }).map((n) => ({ text: JSON.stringify(valid).slice(0, n), contentType: 'application/json' })),
  fc.constantFrom('text/plain', 'application/xml', 'multipart/form-data', 'application/json; charset=latin1', 'application/x-www-form-urlencoded').map((contentType) => ({ text: JSON.stringify(valid), contentType })),
);

const body: fc.Arbitrary<Wire> = fc.oneof({ arbitrary: mutatedBody, weight: 5 }, { arbitrary: arbitraryJson, weight: 2 }, { arbitrary: brokenText, weight: 2 });

describe('intake under 10,000 malformed or hostile bodies', () => {
  let t: TallyTestApp;
  let store: EventStore;
  let published: ReturnType<typeof countPublished>;

  beforeAll(async () => {
    t = await startTallyApp({ env: { TALLY_RATE_LIMIT: '1000000' }, listen: true });
    store = t.app.get(EVENT_STORE);
    published = countPublished(t.app.get<SubmissionQueue>(SUBMISSION_QUEUE));
    expect(await t.app.get(ElectionRegistry).define(definition)).toMatchObject({ kind: 'defined' });
  }, 120_000);

  afterAll(async () => {
    published?.restore();
    await t?.close();
  });

  it('refuses every one with a 4xx problem+json and a code; publishes and records nothing', async () => {
    // The valid body itself is accepted: the generator's bodies are refused for what they change.
    const control = await request(t.baseUrl!).post(`/v1/elections/${E}/precincts/${P}/protocols`).send(valid);
    expect(control.status).toBe(202);
    const afterControl = published.count();

    let runs = 0;
    const codes = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(body, async (wire) => {
        runs++;
        const res = await request(t.baseUrl!).post(`/v1/elections/${E}/precincts/${P}/protocols`).set('Content-Type', wire.contentType).send(wire.text);
        const answer = { status: res.status, type: res.headers['content-type'], code: typeof res.body?.code };
        if (!(res.status >= 400 && res.status < 500) || !/^application\/problem\+json/.test(answer.type ?? '') || answer.code !== 'string' || !Array.isArray(res.body.errors)) {
          throw new Error(`unexpected answer ${JSON.stringify(answer)} to ${JSON.stringify(wire).slice(0, 500)}`);
        }
        codes.set(res.body.code, (codes.get(res.body.code) ?? 0) + 1);
      }),
      { numRuns: RUNS, seed: 2023 },
    );
    expect(runs).toBeGreaterThanOrEqual(RUNS);
    expect(published.count()).toBe(afterControl);
    // Only the control submission's outcome is in any precinct stream.
    await t.app.get(IntakeRejectionLog).flush();
    const recorded = await precinctEvents(store);
    expect(recorded.map((e) => e.type).filter((type) => type !== 'ProtocolRecorded')).toEqual([]);
    expect(recorded.length).toBeLessThanOrEqual(1);
    // The generator reached the syntax, the signature and the media-type checks, not one of them 10,000 times.
    expect([...codes.keys()]).toEqual(expect.arrayContaining(['MALFORMED', 'BAD_SIGNATURE', 'UNSUPPORTED_MEDIA_TYPE']));
  });
});
