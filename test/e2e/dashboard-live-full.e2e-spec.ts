// A full server in real Chromium: the process holds one live stream, or one for this address, and
// it is taken, so the page's stream is refused (503 SUBSCRIBERS_FULL, or 429 for the address; both
// with Retry-After). The page says it is reconnecting, asks again only after Retry-After (not in
// a loop, not never), and goes live once there is room.
import { LiveResultsService } from '../../apps/tally-server/src/live/live-results.service';
import { connectSse } from '../../apps/tally-server/src/live/testing/sse-client';
import { launchChromium, type Browser } from './support/browser';
import { ensureDashboardBuilt, WAIT_MS } from './support/dashboard-page';
import { startTallyApp, type TallyTestApp } from './support/tally-app';

jest.setTimeout(120_000);

const ELECTION = 'almaty-city-2023';
const DISTRICT = 'zhetysu';
const STATUS = '[data-testid="live-status"]';

describe.each([
  ['503', 'the process holds one stream', { TALLY_SSE_MAX_SUBSCRIBERS: '1' }],
  ['429', 'one address holds one stream (the page and the holder share 127.0.0.1)', { TALLY_SSE_MAX_PER_ADDRESS: '1' }],
])('dashboard: a full live server, %s: %s (real Chromium)', (status, _why, limits) => {
  let tally: TallyTestApp;
  let browser: Browser;

  beforeAll(async () => {
    ensureDashboardBuilt();
    tally = await startTallyApp({ listen: true, env: { TALLY_DEMO: 'true', ...limits } });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await tally?.close();
  });

  it(`backs off per Retry-After after a ${status} and connects once a place is free`, async () => {
    const live = tally.app.get(LiveResultsService);
    const events = `${tally.baseUrl}/v1/elections/${ELECTION}/commissions/${DISTRICT}/events`;
    const holder = await connectSse(events);
    expect(holder.status).toBe(200);

    const page = await browser.newPage();
    await page.goto(`${tally.baseUrl}/elections/${ELECTION}/commissions/${DISTRICT}`);
    // Refused: the EventSource, then the page's one question to learn why (both refused alike).
    await page.waitForSelector(`${STATUS}.live-reconnecting`, { timeout: WAIT_MS });
    const refusedThen = live.stats().refused;
    expect(refusedThen).toBeGreaterThanOrEqual(2);

    holder.close();
    await page.waitForSelector(`${STATUS}.live-live`, { timeout: WAIT_MS });
    expect(live.stats().subscribers).toBe(1);
    // It waited for Retry-After (5 s) before asking again: one try more at most, not a loop.
    expect(live.stats().refused - refusedThen).toBeLessThanOrEqual(2);
    await page.close();
  });
});
