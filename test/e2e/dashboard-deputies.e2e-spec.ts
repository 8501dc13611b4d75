// Issue 17's browser acceptance: the demo election with every protocol recorded, in real Chromium.
// The city's page names the list winners on the hemicycle (a seat's title on hover, and the
// members table of the text alternative), draws the majority line at 22 of 42 and says who holds
// it, and shows beside each list's bar its 2021 share, its swing and its seat change — in kk, ru
// and en. Expected names and figures come from the definition and the API, not from the page.
import { almatyCity2023Definition, almatyCity2023Protocols, ALMATY_2023_BODY, ALMATY_2023_LIST_CONTEST, type ListContest, type PrecinctCommand } from '@tally/domain';
import type { EventStore } from '@tally/event-store';
import type { Page } from 'playwright-core';
import { ElectionRegistry } from '../../apps/tally-server/src/elections/election-registry.service';
import { EVENT_STORE } from '../../apps/tally-server/src/infrastructure/tokens';
import { ProjectorService } from '../../apps/tally-server/src/projector/projector.service';
import { appendAll, decidedAppends, demoMeta, type PrecinctStates } from '../../apps/tally-server/src/projector/testing/synthetic-history';
import { artifactPath, launchChromium, type Browser } from './support/browser';
import { ensureDashboardBuilt, WAIT_MS, waitForText } from './support/dashboard-page';
import { startTallyApp, type TallyTestApp } from './support/tally-app';

jest.setTimeout(180_000);

const ELECTION = 'almaty-city-2023';
const definition = almatyCity2023Definition();
const amanatList = (definition.contests.find((c) => c.id === ALMATY_2023_LIST_CONTEST) as ListContest).rankedLists!.find((r) => r.list === 'amanat')!;
const HEMICYCLE = `[data-testid="hemicycle-${ALMATY_2023_BODY}"]`;

const LANGUAGES = {
  en: { majority: 'Majority: 22 of 42 seats', held: 'Amanat Party holds the majority with', points: 'pp', list: 'Amanat Party list, No. 1' },
  ru: { majority: 'Большинство: 22 из 42 мандатов', held: 'Партия «AMANAT» имеет большинство', points: 'п.п.', list: 'Партия «AMANAT»: список, № 1' },
  kk: { majority: 'Көпшілік: 42 мандаттың 22', held: '«AMANAT» партиясы көпшілікке ие', points: 'п.т.', list: '«AMANAT» партиясы: тізім, № 1' },
} as const;

describe('dashboard: deputies, majority line, swing (real Chromium)', () => {
  let tally: TallyTestApp;
  let browser: Browser;
  let page: Page;
  let base: string;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    ensureDashboardBuilt();
    tally = await startTallyApp({ storage: 'temp', listen: true, env: { TALLY_DEMO: 'true' } });
    base = tally.baseUrl!;
    // Every protocol in, written to the store as the recorder would decide it.
    const election = tally.app.get(ElectionRegistry).get(ELECTION)!;
    const commands = almatyCity2023Protocols(definition).map((p, n): PrecinctCommand => ({ type: 'SubmitProtocol', meta: demoMeta(ELECTION, `dd-${n}`, n, p.precinctId), protocol: p.protocol, version: 1 }));
    const states: PrecinctStates = new Map();
    const { position } = await appendAll(tally.app.get<EventStore>(EVENT_STORE), decidedAppends(election, commands, states));
    await tally.app.get(ProjectorService).engine.waitForPosition(position as string);
    browser = await launchChromium({ locale: 'en-US' });
    page = await browser.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
  }, 170_000);

  afterAll(async () => {
    await browser?.close();
    await tally?.close();
  });

  it('the API: members named in list order, the majority at 22, Amanat −16.17 pp and its seats minus 29', async () => {
    const members = (await (await fetch(`${base}/v1/elections/${ELECTION}/bodies/${ALMATY_2023_BODY}/members`)).json()) as {
      members: { party: string; seat: { kind: string }; candidate: { id: string } | null }[];
      majority: { seats: number; heldBy: string | null; largest: { seats: number } };
    };
    expect(members.members.filter((m) => m.party === 'amanat' && m.seat.kind === 'list').map((m) => m.candidate?.id)).toEqual(amanatList.candidates.slice(0, 12).map((c) => c.id));
    expect(members.majority).toMatchObject({ seats: 22, heldBy: 'amanat' });
    const baseline = (await (await fetch(`${base}/v1/elections/${ELECTION}/bodies/${ALMATY_2023_BODY}/baseline`)).json()) as { lists: { list: string; swingPoints: number; seatChange: number; seats: number; share: { percent: number } }[] };
    const amanat = baseline.lists.find((l) => l.list === 'amanat')!;
    expect(amanat).toMatchObject({ swingPoints: -16.17, share: { percent: 51.94 }, seatChange: members.majority.largest.seats - 29 });
  });

  for (const [lang, text] of Object.entries(LANGUAGES) as [keyof typeof LANGUAGES, (typeof LANGUAGES)[keyof typeof LANGUAGES]][]) {
    it(`names the winners, draws the majority line and shows the swing (${lang})`, async () => {
      if (page.url() === 'about:blank') await page.goto(`${base}/elections/${ELECTION}/commissions/almaty`);
      await page.locator(`button[data-lang="${lang}"]`).click();
      await waitForText(page, '[data-testid="commission-name"]', definition.commissions.find((c) => c.id === 'almaty')!.name[lang]);

      // The majority line at 22, and who holds it, in words.
      await page.waitForSelector(`[data-testid="majority-line-${ALMATY_2023_BODY}"][data-seats="22"]`, { timeout: WAIT_MS });
      await waitForText(page, `[data-testid="majority-${ALMATY_2023_BODY}"]`, text.majority);
      await waitForText(page, `[data-testid="majority-${ALMATY_2023_BODY}"]`, text.held);
      expect(await page.getAttribute(`${HEMICYCLE} svg`, 'aria-label')).toContain(text.majority);

      // Amanat's No. 1 sits in a seat whose title (the hover) names her or him; the text alternative lists every member.
      const first = amanatList.candidates[0];
      await waitForText(page, `${HEMICYCLE} circle[data-candidate="${first.id}"] title`, `${first.name[lang]} — ${text.list}`);
      await waitForText(page, `[data-testid="members-${ALMATY_2023_BODY}"] tr[data-candidate="${first.id}"]`, first.name[lang]);
      expect(await page.locator(`${HEMICYCLE} circle[data-candidate]`).count()).toBe(42);
      expect(await page.locator(`[data-testid="members-${ALMATY_2023_BODY}"] tbody tr`).count()).toBe(42);

      // Beside Amanat's bar: 68.11% in 2021, −16.17 points, and the seat change (33 − 29 here).
      const bars = `[data-testid="list-bars-${ALMATY_2023_LIST_CONTEST}"] [data-list="amanat"]`;
      await page.waitForFunction((s) => /68[.,]11/.test(document.querySelector(s)?.textContent ?? ''), `${bars} [data-field="previous-share"]`, { timeout: WAIT_MS });
      const swing = await page.$eval(`${bars} [data-field="swing"]`, (e) => e.textContent ?? '');
      expect(swing).toMatch(new RegExp(`^−16[.,]17\\s${text.points.replace('.', '\\.')}$`));
      expect(await page.$eval(`${bars} [data-field="seat-change"]`, (e) => e.textContent)).toBe('+4');
      await page.screenshot({ path: artifactPath(`dashboard-deputies-${lang}.png`), fullPage: true });
    });
  }

  it('logged no errors', () => {
    expect(consoleErrors).toEqual([]);
  });
});

// The browser-side global the page callbacks above use (this file compiles without the DOM lib).
declare const document: { querySelector(selector: string): { readonly textContent: string | null } | null };
