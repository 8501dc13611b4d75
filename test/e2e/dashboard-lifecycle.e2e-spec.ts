// Issue 13's dashboard, in real Chromium: an election in test mode with its results embargoed
// half a minute ahead. Before the instant the page shows the TEST banner and the countdown, turnout and
// progress but no list results, in kk, ru and en; at the instant the results appear without a
// reload; the root's signed go-live takes the banner away and the count back to zero; a live
// night, then the allocating commission's certification, and the figures say Certified without
// a reload (the server pushes a snapshot when a status changes).
import { generateProtocols, generateSyntheticElection, SYNTHETIC_BODY, SYNTHETIC_LIST_CONTEST, type ElectionDefinition, type LifecycleAct } from '@tally/domain';
import { demoKeyPair, signAct, withDemoKeys } from '@tally/signatures';
import type { Page } from 'playwright-core';
import { launchChromium, type Browser } from './support/browser';
import { ensureDashboardBuilt, WAIT_MS, waitForText } from './support/dashboard-page';
import { signedProtocolBody } from './support/signing';
import { ADMIN_TOKEN, startTallyApp, type TallyTestApp } from './support/tally-app';

jest.setTimeout(240_000);

// Far enough ahead for the test night and a browser start on a loaded 2-core machine.
const EMBARGO_AHEAD_MS = 35_000;
const TEXT = {
  en: { banner: 'TEST: logic and accuracy testing', countdown: 'Results in', lifted: 'Results are public since', provisional: 'Provisional', certified: 'Certified' },
  ru: { banner: 'ТЕСТ: проверка системы', countdown: 'Результаты через', lifted: 'Результаты опубликованы с', provisional: 'Предварительно', certified: 'Утверждено' },
  kk: { banner: 'ТЕСТ: жүйені тексеру', countdown: 'Нәтижелерге', lifted: 'Нәтижелер', provisional: 'Алдын ала', certified: 'Бекітілді' },
} as const;
type Lang = keyof typeof TEXT;
const LANGS = Object.keys(TEXT) as Lang[];
const LIST_BARS = `[data-testid="list-bars-${SYNTHETIC_LIST_CONTEST}"]`;
const CONTEST_STATUS = `#list-${SYNTHETIC_LIST_CONTEST} [data-testid="figure-status"]`;

describe('dashboard: test mode, embargo and certification (real Chromium)', () => {
  let tally: TallyTestApp;
  let browser: Browser;
  let page: Page;
  let base: string;
  let definition: ElectionDefinition;
  let E: string;
  let root: string;
  let until: number;
  const consoleErrors: string[] = [];
  const acts = new Map<string, number>();

  const post = async (path: string, body: unknown, token?: string) =>
    fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
  const night = async (seed: number) => {
    for (const s of generateProtocols(definition, seed)) {
      if (s.kind !== 'protocol') continue;
      const res = await post(`/v1/elections/${E}/precincts/${s.precinctId}/protocols`, signedProtocolBody(E, s.precinctId, s.protocol));
      expect(res.status).toBe(202);
      const status = await (await fetch(`${base}${((await res.json()) as { statusUrl: string }).statusUrl}?wait=20s`)).json();
      expect(status).toMatchObject({ state: 'recorded' });
    }
  };
  const act = async (signedBy: string, a: LifecycleAct) => {
    const sequence = (acts.get(signedBy) ?? 0) + 1;
    const key = demoKeyPair(signedBy);
    const res = await post(`/v1/elections/${E}/acts`, { sequence, act: a, signature: signAct({ electionId: E, signedBy, sequence, act: a }, key.keyId, key.privateKeyPem) });
    expect(res.status).toBe(201);
    acts.set(signedBy, sequence);
  };
  const useLanguage = async (lang: Lang) => {
    await page.locator(`button[data-lang="${lang}"]`).click();
    await page.waitForFunction((l) => (globalThis as unknown as { document: { documentElement: { lang: string } } }).document.documentElement.lang === l, lang, { timeout: WAIT_MS });
  };

  beforeAll(async () => {
    ensureDashboardBuilt();
    tally = await startTallyApp({ storage: 'temp', listen: true, env: { TALLY_RATE_LIMIT: '100000' } });
    base = tally.baseUrl!;
    until = Date.now() + EMBARGO_AHEAD_MS;
    definition = { ...withDemoKeys(generateSyntheticElection({ seed: 71, precincts: 6, singleMemberDistricts: 2 })), id: 'dashboard-lifecycle-2026', mode: 'test', resultsNotBefore: new Date(until).toISOString() };
    E = definition.id;
    root = definition.commissions.find((c) => c.parent === null)!.id;
    expect((await post('/v1/elections', definition, ADMIN_TOKEN)).status).toBe(201);
    await night(71);
    browser = await launchChromium({ locale: 'en-US' });
    page = await browser.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.text().includes('403')) consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
  }, 230_000);

  afterAll(async () => {
    await browser?.close();
    await tally?.close();
  });

  it('before the instant: the TEST banner, the countdown, turnout and progress, no list results — in kk, ru and en', async () => {
    await page.goto(`${base}/elections/${E}/commissions/${root}`);
    await useLanguage('en');
    await waitForText(page, '[data-testid="precincts-reported"]', '6 of 6');
    // The server says so too: this part of the test ran before the instant.
    const detail = (await (await fetch(`${base}/v1/elections/${E}`)).json()) as { embargoed?: boolean; test?: boolean };
    expect(detail).toMatchObject({ embargoed: true, test: true });
    for (const lang of LANGS) {
      await useLanguage(lang);
      await waitForText(page, '[data-testid="test-banner"]', TEXT[lang].banner);
      await waitForText(page, '[data-testid="embargo-countdown"]', TEXT[lang].countdown);
      expect(await page.locator(LIST_BARS).count()).toBe(0);
    }
    expect(Date.now()).toBeLessThan(until);
  });

  it('at the instant the results appear without a reload, still marked TEST', async () => {
    await useLanguage('en');
    await page.waitForSelector(LIST_BARS, { timeout: EMBARGO_AHEAD_MS + WAIT_MS });
    await waitForText(page, '[data-testid="embargo"]', TEXT.en.lifted);
    expect(await page.locator('[data-testid="embargo-countdown"]').count()).toBe(0);
    await waitForText(page, '[data-testid="test-banner"]', TEXT.en.banner);
    await waitForText(page, CONTEST_STATUS, TEXT.en.provisional);
  });

  it('the go-live takes the banner away and the count back to zero; a live night, certified, says Certified without a reload in kk, ru and en', async () => {
    await act(root, { kind: 'go-live' });
    await page.waitForSelector('[data-testid="test-banner"]', { state: 'detached', timeout: WAIT_MS });
    await waitForText(page, '[data-testid="precincts-reported"]', '0 of 6');

    await night(72);
    await waitForText(page, '[data-testid="precincts-reported"]', '6 of 6');
    await waitForText(page, CONTEST_STATUS, TEXT.en.provisional);
    const draft = (await (await fetch(`${base}/v1/elections/${E}/acts/draft?kind=certification&body=${SYNTHETIC_BODY}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json()) as { signedBy: string; act: LifecycleAct };
    await act(draft.signedBy, draft.act);

    // The certification changes no vote; the page learns the new status from a pushed snapshot, without a reload.
    await waitForText(page, CONTEST_STATUS, TEXT.en.certified);
    for (const lang of LANGS) {
      await useLanguage(lang);
      await waitForText(page, CONTEST_STATUS, TEXT[lang].certified);
    }
    expect(consoleErrors).toEqual([]);
  });
});
