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
