// Issue 5 acceptance on the embedded mode (in-process queue, PGlite): the shared intake suite,
// and the rate limit (429 with Retry-After) on an app with a low limit.
import request from 'supertest';
import { describeIntakeSuite } from './support/intake-suite';
import { expectProblem } from './support/intake-helpers';
import { startTallyApp, type TallyTestApp } from './support/tally-app';

jest.setTimeout(120_000);

const protocolsPath = (precinct: string) => `/v1/elections/almaty-city-2023/precincts/${precinct}/protocols`;

describeIntakeSuite('embedded');

describe('intake rate limit', () => {
  let t: TallyTestApp;

  beforeAll(async () => {
    t = await startTallyApp({ env: { TALLY_RATE_LIMIT: '3', TALLY_RATE_WINDOW_MS: '60000' } });
  }, 120_000);

  afterAll(async () => t?.close());

  it('answers 429 with Retry-After beyond the limit', async () => {
    const statuses: number[] = [];
    let last: request.Response | undefined;
    for (let i = 0; i < 5; i++) {
      last = await request(t.server).post(protocolsPath('almaty-p001')).send({});
      statuses.push(last.status);
    }
    // The first three reach intake (and are refused for their content); the rest are throttled.
    expect(statuses).toEqual([400, 400, 400, 429, 429]);
    expectProblem(last!, 429, 'TOO_MANY_REQUESTS');
    expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);
  });
});

describe('intake rate limit behind a reverse proxy (TALLY_TRUST_PROXY)', () => {
  const turnoutPath = (precinct: string) => `/v1/elections/almaty-city-2023/precincts/${precinct}/turnout`;
  /** Four requests, each "forwarded for" a client of its own, from this test's loopback address. */
  const forwardedStatuses = async (server: TallyTestApp['server'], clients: readonly string[]): Promise<number[]> => {
    const statuses: number[] = [];
    for (const client of clients) statuses.push((await request(server).post(turnoutPath('almaty-p002')).set('X-Forwarded-For', client).send({})).status);
    return statuses;
  };

  it('behind a trusted proxy, each commission counts by the address the proxy forwards', async () => {
    const t = await startTallyApp({ env: { TALLY_RATE_LIMIT: '2', TALLY_RATE_WINDOW_MS: '60000', TALLY_TRUST_PROXY: 'loopback' } });
    try {
      // Two clients, two requests each: all reach intake (refused for their content, 400).
      expect(await forwardedStatuses(t.server, ['203.0.113.1', '203.0.113.2', '203.0.113.1', '203.0.113.2'])).toEqual([400, 400, 400, 400]);
      // The first client's third is over its own limit; a third client has its own.
      expect(await forwardedStatuses(t.server, ['203.0.113.1', '203.0.113.3'])).toEqual([429, 400]);
    } finally {
      await t.close();
    }
  });

  it('from a sender that is not a trusted proxy, X-Forwarded-For is not believed: a client cannot choose its own limit', async () => {
    for (const trust of [undefined, '10.9.9.9']) {
      const t = await startTallyApp({ env: { TALLY_RATE_LIMIT: '2', TALLY_RATE_WINDOW_MS: '60000', ...(trust ? { TALLY_TRUST_PROXY: trust } : {}) } });
      try {
        expect(await forwardedStatuses(t.server, ['203.0.113.1', '203.0.113.2', '203.0.113.3', '203.0.113.4'])).toEqual([400, 400, 429, 429]);
      } finally {
        await t.close();
      }
    }
  });
});
