// `--simulate`: the app plays the demo night through its own intake (signed HTTP) once it
// listens, and the projections end with every precinct in, the turnout curve, the recorder's
// refusals and the corrections; closing the app mid-night stops the simulation cleanly.
import type { AddressInfo } from 'node:net';
import { ALMATY_2023_LIST_CONTEST, ALMATY_2023_PRECINCTS, almatyCity2023Protocols } from '@tally/domain';
import { createApp, type TallyApp } from '../../apps/tally-server/src/bootstrap';
import { loadAppConfig, type AppConfig } from '../../apps/tally-server/src/config/app.config';
import { planElectionNight, type PlannedSubmission } from '../../apps/tally-server/src/demo/election-night';
import { ElectionRegistry } from '../../apps/tally-server/src/elections/election-registry.service';
import type { ContestResultsDto, ElectionDetail } from '../../apps/tally-server/src/results/results.presenter';

jest.setTimeout(300_000); // a failure deadline: a night of 320 precincts on a loaded 2-core machine

const E = 'almaty-city-2023';

describe('demo: --simulate plays an election night through the intake API', () => {
  const saved = process.env.TALLY_RATE_LIMIT;
  let config: AppConfig;

  beforeAll(() => {
    // The whole night comes from one address; the default per-address limit would stretch it to 20 minutes.
    process.env.TALLY_RATE_LIMIT = '1000000';
    config = { ...loadAppConfig({ TALLY_DEMO: 'true', LOG_LEVEL: 'silent' }), eventStore: { kind: 'embedded' as const } };
  });

  afterAll(() => {
    if (saved === undefined) delete process.env.TALLY_RATE_LIMIT;
    else process.env.TALLY_RATE_LIMIT = saved;
  });

  async function listen(argv: string[]): Promise<{ app: TallyApp; base: string }> {
    const app = await createApp(config, { logger: false, argv });
    await app.listen(0, '127.0.0.1');
    return { app, base: `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}` };
  }

  async function poll<T>(url: string, done: (body: T) => boolean): Promise<T> {
    let resets = 0;
    for (;;) {
      let body: T;
      try {
        body = (await (await fetch(url)).json()) as T;
        resets = 0;
      } catch (e) {
        // A kept-alive socket the server closed as idle while its loop was stalled (a loaded 2-core
        // machine) resets the next request: ask again on a new one, a few times at most.
        if (++resets > 5) throw e;
        continue;
      }
      if (done(body)) return body;
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  it('records the whole planned night: every precinct, turnout at every time, the refusals and the corrections', async () => {
    const { app, base } = await listen(['--simulate', '--speed=40']);
    try {
      const election = app.get(ElectionRegistry).get(E)!;
      const plan = planElectionNight(election, almatyCity2023Protocols(election.definition));
      const broken = plan.filter((p) => p.kind === 'protocol' && p.note === 'broken').length;
      const duplicates = plan.filter((p) => p.kind === 'protocol' && p.note === 'duplicate').length;
      const corrections = plan.filter((p): p is Extract<PlannedSubmission, { kind: 'correction' }> => p.kind === 'correction');
      expect(broken).toBeGreaterThan(0);
      expect(duplicates).toBeGreaterThan(0);
      expect(corrections.length).toBeGreaterThan(0);

      // Everything but the broken protocols (refused by intake, never queued) becomes one event.
      const detail = await poll<ElectionDetail>(`${base}/v1/elections/${E}`, (d) => d.summary.eventsApplied === plan.length - broken);
      expect(detail.progress.protocols).toEqual({ reported: 2 * ALMATY_2023_PRECINCTS, expected: 2 * ALMATY_2023_PRECINCTS });
      expect(detail.summary.refusals).toEqual({ total: duplicates, byCode: { ALREADY_RECORDED: duplicates }, byKind: { protocol: duplicates } });
      expect(detail.summary.eventsIgnored).toBe(0);

      const list = (await (await fetch(`${base}/v1/elections/${E}/commissions/cec/contests/${ALMATY_2023_LIST_CONTEST}`)).json()) as ContestResultsDto;
      // Running turnout grows through the day.
      const shares = list.turnoutByTime.map((t) => t.turnout.numerator / t.turnout.denominator);
      for (let i = 1; i < shares.length; i++) expect(shares[i]).toBeGreaterThan(shares[i - 1]);

      for (const c of corrections) {
        const at = (await (await fetch(`${base}/v1/elections/${E}/commissions/${c.precinctId}/contests/${c.protocol.contestId}`)).json()) as ContestResultsDto;
        const votes = at.kind === 'list' ? at.lists.map((l) => [l.id, l.votes]) : at.candidates.map((l) => [l.id, l.votes]);
        expect(Object.fromEntries(votes)).toEqual(c.protocol.votes);
      }
    } finally {
      await app.close();
    }
  });

  it('stops cleanly when the app closes mid-night', async () => {
    const { app, base } = await listen(['--simulate', '--speed=1']);
    await poll<ElectionDetail>(`${base}/v1/elections/${E}`, (d) => d.summary.eventsApplied > 0);
    await app.close();
    // Closing resolved: the simulator's loop ended (its module's destroy hook awaited it).
    expect(app.getHttpServer().listening).toBe(false);
  });
});
