// Issue 6's browser acceptance: the real service (embedded mode, PGlite in a temp directory) and
// real Chromium. Open the dashboard, drill down to Almaty, submit signed turnout reports and
// protocols through the API, and watch the figures and the hemicycle change without a reload;
// drill down one more level with the keyboard; switch language. The expected figures are
// computed here from the protocols sent. Screenshots go to test/artifacts/.
import {
  allocate,
  almatyCity2023Definition,
  almatyCity2023Protocols,
  ALMATY_2023_BODY,
  ALMATY_2023_LIST_CONTEST,
  percentOf,
  type FixtureProtocol,
  type ListContest,
  type SingleMemberContest,
} from '@tally/domain';
import type { Page } from 'playwright-core';
import { artifactPath, launchChromium, type Browser } from './support/browser';
import { ensureDashboardBuilt, WAIT_MS, waitForText } from './support/dashboard-page';
import { signedProtocolBody, signedTurnoutBody } from './support/signing';
import { startTallyApp, type TallyTestApp } from './support/tally-app';

jest.setTimeout(180_000);

// The browser-side globals the page callbacks below use (this file compiles without the DOM lib).
interface PageElement {
  readonly textContent: string | null;
  getAttribute(name: string): string | null;
}
declare const document: {
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): { readonly length: number };
  readonly activeElement: unknown;
  readonly documentElement: { readonly scrollWidth: number };
};
declare const window: { sameDocument?: boolean; readonly innerWidth: number };
declare function requestAnimationFrame(callback: () => void): number;

const ELECTION = 'almaty-city-2023';

const definition = almatyCity2023Definition();
const protocols = almatyCity2023Protocols(definition);
const listContest = definition.contests.find((c): c is ListContest => c.id === ALMATY_2023_LIST_CONTEST)!;
const precinctOf = (id: string) => definition.commissions.find((c) => c.id === id) as { registeredVoters: number; contests: string[] };
const protocolOf = (precinctId: string, contestId: string): FixtureProtocol => protocols.find((p) => p.precinctId === precinctId && p.contestId === contestId)!;
const issued = (p: FixtureProtocol) => p.protocol.ballotsIssued.atStation + p.protocol.ballotsIssued.early + p.protocol.ballotsIssued.mobile;

// Three precincts of the Alatau district commission; all three vote in electoral district 1.
const PRECINCTS = ['almaty-p001', 'almaty-p002', 'almaty-p003'];
const DISTRICT_CONTEST = precinctOf('almaty-p001').contests.find((c) => c !== ALMATY_2023_LIST_CONTEST)!;
const districtContest = definition.contests.find((c): c is SingleMemberContest => c.id === DISTRICT_CONTEST)!;

const en = { int: new Intl.NumberFormat('en'), pct: new Intl.NumberFormat('en', { style: 'percent', minimumFractionDigits: 2, maximumFractionDigits: 2 }) };
const fmtInt = (n: number) => en.int.format(n);
const fmtPct = (numerator: number, denominator: number) => en.pct.format((percentOf({ numerator, denominator }) as number) / 100);

/** Seats per party of the body that follow from these protocols: the domain's own rules. */
function expectedComposition(sent: readonly FixtureProtocol[]): Map<string, number> {
  const lists = sent.filter((p) => p.contestId === listContest.id);
  const sum = (ps: readonly FixtureProtocol[], f: (p: FixtureProtocol) => number) => ps.reduce((s, p) => s + f(p), 0);
  const result = allocate({
    seats: listContest.seats,
    method: listContest.method,
    thresholdPercent: listContest.thresholdPercent,
    thresholdBase: listContest.thresholdBase,
    lists: listContest.lists.map((id) => ({ id, votes: sum(lists, (p) => p.protocol.votes[id] ?? 0) })),
    againstAll: sum(lists, (p) => p.protocol.againstAll),
    ballotsCast: sum(lists, (p) => p.protocol.ballotsFound),
    minimumAdmittedLists: listContest.minimumAdmittedLists,
    tieRule: listContest.tieRule,
  });
  if (result.kind !== 'allocated') throw new Error(`test setup: no allocation (${result.kind})`);
  const seats = new Map(result.lists.filter((l) => l.seats > 0).map((l) => [l.id, l.seats]));
  const district = sent.filter((p) => p.contestId === DISTRICT_CONTEST);
  if (district.length > 0) {
    const votes = districtContest.candidates.map((id) => ({ id, votes: sum(district, (p) => p.protocol.votes[id] ?? 0) })).sort((a, b) => b.votes - a.votes);
    if (votes[0].votes === votes[1].votes) throw new Error('test setup: the district is tied; pick other precincts');
    const party = definition.candidates.find((c) => c.id === votes[0].id)!.party ?? 'independent';
    seats.set(party, (seats.get(party) ?? 0) + 1);
  }
  return seats;
}

async function seatsShown(page: Page): Promise<Map<string, number>> {
  const parties = await page.$$eval(`[data-testid="hemicycle-${ALMATY_2023_BODY}"] circle[data-party]`, (cs) => cs.map((c) => c.getAttribute('data-party') ?? ''));
  const counts = new Map<string, number>();
  for (const p of parties) if (p !== 'pending') counts.set(p, (counts.get(p) ?? 0) + 1);
  return counts;
}

describe('dashboard (real Chromium against the embedded service)', () => {
  let tally: TallyTestApp;
  let browser: Browser;
  let page: Page;
  let base: string;
  const consoleErrors: string[] = [];
  const foreignRequests: string[] = [];

  async function post(path: string, body: unknown): Promise<void> {
    const res = await fetch(`${base}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    if (res.status !== 202) throw new Error(`POST ${path} → ${res.status}: ${await res.text()}`);
  }
  const submitProtocol = (p: FixtureProtocol) => post(`/v1/elections/${ELECTION}/precincts/${p.precinctId}/protocols`, signedProtocolBody(ELECTION, p.precinctId, p.protocol));
  const reportTurnout = (precinctId: string, time: string, ballots: number) =>
    post(`/v1/elections/${ELECTION}/precincts/${precinctId}/turnout`, signedTurnoutBody(ELECTION, precinctId, time, ballots));

  beforeAll(async () => {
    ensureDashboardBuilt();
    tally = await startTallyApp({ storage: 'temp', listen: true, env: { TALLY_DEMO: 'true', TALLY_RATE_LIMIT: '10000' } });
    base = tally.baseUrl!;
    browser = await launchChromium({ locale: 'en-US' });
    page = await browser.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    page.on('request', (r) => {
      if (!r.url().startsWith(base) && !r.url().startsWith('data:')) foreignRequests.push(r.url());
    });
  }, 150_000);

  afterAll(async () => {
    await browser?.close();
    await tally?.close();
  });

  it('opens on the election list and drills down to a commission', async () => {
    await page.goto(`${base}/`);
    const link = page.locator('[data-testid="elections"] a', { hasText: definition.name.en });
    await link.waitFor({ timeout: WAIT_MS });
    await page.screenshot({ path: artifactPath('dashboard-01-elections.png'), fullPage: true });
    await link.click();
    await waitForText(page, '[data-testid="commission-name"]', definition.commissions.find((c) => c.id === 'cec')!.name.en);
    await page.locator('[data-testid="children"] a', { hasText: 'Almaty City Territorial Election Commission' }).click();
    await waitForText(page, '[data-testid="commission-name"]', 'Almaty City Territorial Election Commission');
    expect(new URL(page.url()).pathname).toBe(`/elections/${ELECTION}/commissions/almaty`);
    // The demo election's keys are public: the page says so above every figure.
    await waitForText(page, '[data-testid="demo-banner"]', 'anyone can sign for them');
    await waitForText(page, '[data-testid="precincts-reported"]', '0 of 320');
    await waitForText(page, '[data-testid="live-status"]', 'Live');
    expect(await seatsShown(page)).toEqual(new Map());
    expect(await page.locator(`[data-testid="hemicycle-${ALMATY_2023_BODY}"] circle`).count()).toBe(42);
    // The columns are named for the eye too, the last election's among them.
    await waitForText(page, `[data-testid="list-bars-${ALMATY_2023_LIST_CONTEST}"] [data-testid="bar-columns"]`, 'Seats ±');
    expect(await page.$eval(`[data-testid="list-bars-${ALMATY_2023_LIST_CONTEST}"] [data-testid="bar-columns"]`, (e) => [...e.children].map((c) => c.textContent))).toEqual(['', '', 'Share', 'Votes', 'Status', 'List seats', 'Last time', 'Swing', 'Seats ±']);
    // Nothing counted: no seat is lost against 2021 (every change a dash, the 2021 shares shown), and no list is "1 vote from a seat".
    await waitForText(page, '[data-list="amanat"] [data-field="previous-share"]', '68.11%');
    expect(await page.$$eval('[data-field="seat-change"]', (cells) => cells.map((c) => c.textContent))).toEqual(Array(6).fill('—'));
    expect(await page.locator(`[data-testid="closest-seat-${ALMATY_2023_LIST_CONTEST}"]`).count()).toBe(0);
    // Every instant says its zone: the log's in the reader's (the figures', below, in the election's).
    await page.waitForFunction(() => / · signed .*GMT/.test(document.querySelector('[data-testid="log-head"]')?.textContent ?? ''), undefined, { timeout: WAIT_MS });
    await page.screenshot({ path: artifactPath('dashboard-02-before.png'), fullPage: true });
  });

  it('shows turnout, votes and seats from submitted protocols without a reload', async () => {
    await page.evaluate(() => (window.sameDocument = true));

    // Wave 1: running turnout of three precincts and the first party-list protocol.
    const turnout10 = PRECINCTS.map((id) => Math.floor(issued(protocolOf(id, ALMATY_2023_LIST_CONTEST)) * 0.3));
    for (const [i, id] of PRECINCTS.entries()) await reportTurnout(id, '10:00', turnout10[i]);
    const registered = PRECINCTS.reduce((s, id) => s + precinctOf(id).registeredVoters, 0);
    const at10 = fmtPct(turnout10.reduce((a, b) => a + b, 0), registered);
    // Before any protocol, the turnout card shows the latest hourly figure and says what it is.
    await waitForText(page, '[data-testid="turnout"] .figure', at10);
    expect(await page.$eval('[data-testid="turnout-source"]', (e) => e.textContent)).toBe(
      'At 10:00, over 3 of 320 precincts, from the hourly reports; the final figure comes with the protocols',
    );

    const first = protocolOf('almaty-p001', ALMATY_2023_LIST_CONTEST);
    await submitProtocol(first);

    await page.waitForFunction((t) => document.querySelector('[data-testid="turnout-chart"]')?.getAttribute('aria-label')?.includes(t) ?? false, `10:00 ${at10}`, { timeout: WAIT_MS });
    await waitForText(page, `[data-list="amanat"] [data-field="votes"]`, fmtInt(first.protocol.votes.amanat));
    await waitForText(page, '[data-testid="protocols-received"]', '1 of 640');
    await page.waitForFunction((n) => document.querySelectorAll(`circle[data-party]:not([data-party="pending"])`).length === n, 21, { timeout: WAIT_MS });
    expect(await seatsShown(page)).toEqual(expectedComposition([first]));
    await page.screenshot({ path: artifactPath('dashboard-03-first-protocol.png'), fullPage: true });

    // Wave 2: the rest of the three precincts' protocols (list and district).
    const turnout12 = PRECINCTS.map((id) => Math.floor(issued(protocolOf(id, ALMATY_2023_LIST_CONTEST)) * 0.6));
    for (const [i, id] of PRECINCTS.entries()) await reportTurnout(id, '12:00', turnout12[i]);
    const rest = PRECINCTS.flatMap((id) => [protocolOf(id, ALMATY_2023_LIST_CONTEST), protocolOf(id, DISTRICT_CONTEST)]).filter((p) => p !== first);
    for (const p of rest) await submitProtocol(p);
    const sent = [first, ...rest];
    const lists = sent.filter((p) => p.contestId === ALMATY_2023_LIST_CONTEST);

    await waitForText(page, '[data-testid="precincts-reported"]', '3 of 320');
    await waitForText(page, '[data-testid="protocols-received"]', '6 of 640');
    await waitForText(page, `[data-list="amanat"] [data-field="votes"]`, fmtInt(lists.reduce((s, p) => s + p.protocol.votes.amanat, 0)));
    await waitForText(page, '[data-testid="turnout"]', fmtInt(lists.reduce((s, p) => s + issued(p), 0)));
    expect(await page.$('[data-testid="turnout-source"]')).toBeNull();
    const listVotes = (p: FixtureProtocol) => Object.values(p.protocol.votes).reduce((a, b) => a + b, 0) + p.protocol.againstAll;
    await waitForText(page, `[data-list="amanat"] [data-field="share"]`, fmtPct(lists.reduce((s, p) => s + p.protocol.votes.amanat, 0), lists.reduce((s, p) => s + listVotes(p), 0)));
    const at12 = fmtPct(turnout12.reduce((a, b) => a + b, 0), registered);
    await page.waitForFunction((t) => document.querySelector('[data-testid="turnout-chart"]')?.getAttribute('aria-label')?.includes(t) ?? false, `10:00 ${at10}, 12:00 ${at12}`, { timeout: WAIT_MS });
    // Each point says over which precincts it stands (here the city's 3 of its 320), and on hover its figures.
    await waitForText(page, '[data-testid="turnout-note"]', 'Each point is over the precincts that had reported at that time: 10:00 3 of 320, 12:00 3 of 320.');
    const issued12 = fmtInt(turnout12.reduce((a, b) => a + b, 0));
    expect(await page.$eval('[data-testid="turnout-chart"] g[data-time="12:00"] title', (e) => e.textContent)).toBe(`12:00: ${at12}, ${issued12} ballots issued to ${fmtInt(registered)} voters on the lists of 3 of 320 precincts`);
    await page.waitForFunction((n) => document.querySelectorAll(`circle[data-party]:not([data-party="pending"])`).length === n, 22, { timeout: WAIT_MS });
    expect(await seatsShown(page)).toEqual(expectedComposition(sent));
    await waitForText(page, '[data-testid="as-of"]', 'store position');
    expect(await page.$eval('[data-testid="as-of"]', (e) => e.textContent)).toMatch(/Figures as of .* GMT\+\d+ · store position/);

    // The footer: a head the log signed (size, the root's first 12 hex digits, time).
    await page.waitForFunction(() => /Transparency log: [\d,]+ events · root [0-9a-f]{12} · signed /.test(document.querySelector('[data-testid="log-head"]')?.textContent ?? ''), undefined, { timeout: WAIT_MS });
    const footer = (await page.$eval('[data-testid="log-head"]', (e) => e.textContent)) ?? '';
    const [, size, root] = /([\d,]+) events · root ([0-9a-f]{12})/.exec(footer)!;
    const signed = (await (await fetch(`${base}/v1/log/heads?limit=1000`)).json()) as { heads: Array<{ treeSize: number; rootHash: string }> };
    expect(signed.heads.some((h) => h.treeSize === Number(size.replace(/,/g, '')) && h.rootHash.startsWith(root))).toBe(true);

    // The closest seats, as the API's sensitivity says (the city commission covers the whole contest).
    const sensitivity = (await (await fetch(`${base}/v1/elections/${ELECTION}/commissions/almaty/contests/${ALMATY_2023_LIST_CONTEST}/sensitivity`)).json()) as {
      sensitivity: Record<string, { gainOne: number | null }>;
    };
    const gains = Object.entries(sensitivity.sensitivity).filter((e): e is [string, { gainOne: number }] => e[1].gainOne !== null);
    const [nearest, { gainOne }] = gains.reduce((a, b) => (b[1].gainOne < a[1].gainOne ? b : a));
    const nearestName = definition.lists.find((l) => l.id === nearest)!.name.en;
    await waitForText(page, `[data-testid="closest-seat-${ALMATY_2023_LIST_CONTEST}"] [data-field="gain"]`, `${nearestName} is ${fmtInt(gainOne)} ${gainOne === 1 ? 'vote' : 'votes'} from a seat more`);

    // The seat explanation, opened on demand: the API's ranking of all 21 seats, and the three precincts behind the votes.
    const explanation = (await (await fetch(`${base}/v1/elections/${ELECTION}/commissions/almaty/contests/${ALMATY_2023_LIST_CONTEST}/explanation`)).json()) as {
      explanation: { ranking: Array<{ list: string; ofList: number }> };
    };
    await page.locator(`[data-testid="explanation-${ALMATY_2023_LIST_CONTEST}"] [data-testid="explain-seats"]`).click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="seat-ranking"] li').length === 21, undefined, { timeout: WAIT_MS });
    const ranking = await page.$$eval('[data-testid="seat-ranking"] li', (items) => items.map((i) => i.getAttribute('data-list')));
    expect(ranking).toEqual(explanation.explanation.ranking.map((r) => r.list));
    const firstName = definition.lists.find((l) => l.id === ranking[0])!.name.en;
    await waitForText(page, '[data-testid="seat-ranking"] li', `${firstName}, its seat 1`);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="explanation-precincts"] tbody tr').length === 3, undefined, { timeout: WAIT_MS });
    expect(await page.$$eval('[data-testid="explanation-precincts"] tbody tr', (rows) => rows.map((r) => r.getAttribute('data-precinct')))).toEqual(PRECINCTS);

    // The forensic signals: the fingerprint of the three precincts, and five tests that say three are too few to judge.
    await page.locator(`[data-testid="forensics-${ALMATY_2023_LIST_CONTEST}"] [data-testid="open-forensics"]`).click();
    await page.waitForSelector('canvas[data-testid="fingerprint"][data-precincts="3"]', { timeout: WAIT_MS });
    await waitForText(page, '[data-field="forensics-note"]', 'not verdicts');
    expect(await page.$$eval('[data-testid="signals"] li', (items) => items.map((i) => [i.getAttribute('data-test'), i.getAttribute('data-status')]))).toEqual([
      ['integer-turnout', 'insufficient-data'],
      ['integer-leader-share', 'insufficient-data'],
      ['last-digit', 'insufficient-data'],
      ['late-arrival', 'insufficient-data'],
      ['corrections', 'insufficient-data'],
    ]);
    await page.screenshot({ path: artifactPath('dashboard-04b-explanation-forensics.png'), fullPage: true });

    // Same document throughout: the figures came by the live stream, not a reload.
    expect(await page.evaluate(() => window.sameDocument)).toBe(true);
    await page.screenshot({ path: artifactPath('dashboard-04-after-protocols.png'), fullPage: true });
  });

  it('fits a phone’s width: the page with seats scrolls only down at 390 px', async () => {
    // The same page as it stands (turnout, lists, seats, the composition and the screen readers'
    // tables); only the window narrows.
    await page.waitForSelector('[data-testid^="hemicycle-"]', { timeout: WAIT_MS });
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      const widths = await page.evaluate(async () => {
        await new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
        return { page: document.documentElement.scrollWidth, window: window.innerWidth };
      });
      expect(widths).toEqual({ page: 390, window: 390 });
      await page.screenshot({ path: artifactPath('dashboard-04b-phone.png'), fullPage: true });
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
  });

  it('drills down one level with the keyboard', async () => {
    const target = `a[href="/elections/${ELECTION}/commissions/alatau"]`;
    let focused = false;
    for (let i = 0; i < 60 && !focused; i++) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate((s) => document.activeElement === document.querySelector(s), target);
    }
    expect(focused).toBe(true);
    await page.keyboard.press('Enter');
    await waitForText(page, '[data-testid="commission-name"]', 'Alatau District Territorial Election Commission');
    await waitForText(page, '[data-testid="precincts-reported"]', '3 of 44');
    expect(new URL(page.url()).pathname).toBe(`/elections/${ELECTION}/commissions/alatau`);
    expect(await page.locator('nav.breadcrumbs a').allTextContents()).toEqual([
      'Central Election Commission of the Republic of Kazakhstan',
      'Almaty City Territorial Election Commission',
    ]);
    // A district holds part of the contest: local shares and contributions, no threshold badges, no closest seats.
    await page.waitForSelector(`[data-testid="list-bars-${ALMATY_2023_LIST_CONTEST}"][data-scope="local"]`, { timeout: WAIT_MS });
    await waitForText(page, `[data-list="amanat"] [data-field="contribution"]`, 'of its votes');
    expect(await page.locator(`[data-testid="closest-seat-${ALMATY_2023_LIST_CONTEST}"]`).count()).toBe(0);
    expect(await page.locator(`[data-testid="explanation-${ALMATY_2023_LIST_CONTEST}"]`).count()).toBe(0);
    expect(await page.evaluate(() => window.sameDocument)).toBe(true);
    await page.screenshot({ path: artifactPath('dashboard-05-district.png'), fullPage: true });
  });

  it('a precinct page shows no seats and no threshold certainty', async () => {
    const precinctName = definition.commissions.find((c) => c.id === 'almaty-p001')!.name.en;
    await page.locator(`[data-testid="children"] a[href="/elections/${ELECTION}/commissions/almaty-p001"]`).click();
    await waitForText(page, '[data-testid="commission-name"]', precinctName);
    // Its own figures are there, labelled local (the precinct has reported).
    await page.waitForSelector(`[data-testid="list-bars-${ALMATY_2023_LIST_CONTEST}"][data-scope="local"]`, { timeout: WAIT_MS });
    await waitForText(page, `[data-list="amanat"] [data-field="votes"]`, fmtInt(protocolOf('almaty-p001', ALMATY_2023_LIST_CONTEST).protocol.votes.amanat));
    await waitForText(page, `[data-list="amanat"] [data-field="contribution"]`, 'of its votes');
    // No seats anywhere: no seats column, no composition, no closest seats, no seat explanation, no forensics of one precinct.
    expect(await page.locator('[data-field="seats"]').count()).toBe(0);
    expect(await page.locator('[data-testid^="hemicycle-"]').count()).toBe(0);
    expect(await page.locator('[data-testid^="closest-seat-"]').count()).toBe(0);
    expect(await page.locator('[data-testid^="explanation-"]').count()).toBe(0);
    expect(await page.locator('[data-testid^="forensics-"]').count()).toBe(0);
    // No threshold certainty: no badge, and the chart's summary names no certainty either.
    expect(await page.locator('.badge-certainly-in, .badge-certainly-out, .badge-undecided').count()).toBe(0);
    const summary = (await page.getAttribute(`[data-testid="list-bars-${ALMATY_2023_LIST_CONTEST}"] [role="img"]`, 'aria-label')) ?? '';
    expect(summary).not.toMatch(/Certainly|Undecided|Seats/);
    expect(await page.evaluate(() => window.sameDocument)).toBe(true);
    await page.screenshot({ path: artifactPath('dashboard-05b-precinct.png'), fullPage: true });
    await page.goBack();
    await waitForText(page, '[data-testid="commission-name"]', 'Alatau District Territorial Election Commission');
  });

  it('switches language, remembers it, and says so in <html lang>', async () => {
    await page.locator('button[data-lang="kk"]').click();
    await waitForText(page, '[data-testid="commission-name"]', 'Алатау аудандық аумақтық сайлау комиссиясы');
    expect(await page.getAttribute('html', 'lang')).toBe('kk');
    await waitForText(page, '[data-testid="precincts-reported"] h2', 'Есеп берген учаскелер');
    await waitForText(page, '[data-testid="precincts-reported"]', '44 ішінен 3');
    await page.screenshot({ path: artifactPath('dashboard-06-kk.png'), fullPage: true });

    await page.locator('button[data-lang="ru"]').click();
    await waitForText(page, '[data-testid="commission-name"]', 'Алатауская районная территориальная избирательная комиссия');
    expect(await page.getAttribute('html', 'lang')).toBe('ru');
    await waitForText(page, '[data-testid="precincts-reported"] h2', 'Участков отчиталось');
    await waitForText(page, 'nav.breadcrumbs', 'Алматинская городская территориальная избирательная комиссия');

    // Remembered: a reload (deliberate, this once) comes back in Russian.
    await page.reload();
    await waitForText(page, '[data-testid="precincts-reported"]', '3 из 44');
    expect(await page.getAttribute('html', 'lang')).toBe('ru');
    await page.screenshot({ path: artifactPath('dashboard-07-ru-after-reload.png'), fullPage: true });
  });

  it('leaves the API its own answers beside the page', async () => {
    const missing = await fetch(`${base}/v1/no-such-thing`);
    expect({ status: missing.status, type: missing.headers.get('content-type') }).toEqual({ status: 404, type: expect.stringMatching(/^application\/problem\+json/) });
    expect((await fetch(`${base}/docs/openapi.json`)).status).toBe(200);
    const deep = await fetch(`${base}/elections/${ELECTION}/commissions/alatau`);
    expect({ status: deep.status, type: deep.headers.get('content-type') }).toEqual({ status: 200, type: expect.stringMatching(/^text\/html/) });
  });

  it('loaded nothing from elsewhere and logged no errors', () => {
    expect(foreignRequests).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });
});
