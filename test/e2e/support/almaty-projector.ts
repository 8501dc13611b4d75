// The projector role alone, embedded, with the demo election (2023 Almaty City Mäslihat) and every
// one of its protocols recorded: the city's figures are then the published result. For the specs
// of the seat analysis and the seat explanation.
import { ALMATY_2023_LIST_CONTEST, almatyCity2023Protocols, type ElectionIndex, type PrecinctCommand } from '@tally/domain';
import type { EventStore } from '@tally/event-store';
import request from 'supertest';
import { ElectionRegistry } from '../../../apps/tally-server/src/elections/election-registry.service';
import { EVENT_STORE } from '../../../apps/tally-server/src/infrastructure/tokens';
import { ProjectorService } from '../../../apps/tally-server/src/projector/projector.service';
import { appendAll, decidedAppends, demoMeta, type PrecinctStates } from '../../../apps/tally-server/src/projector/testing/synthetic-history';
import { startTallyApp, type TallyTestApp } from './tally-app';

export const ALMATY_ELECTION = 'almaty-city-2023';

export interface AlmatyProjector {
  readonly tally: TallyTestApp;
  readonly election: ElectionIndex;
  readonly http: ReturnType<typeof request>;
}

/** Starts the service and waits until the projector has folded every protocol; `keyPrefix` keeps submission ids apart. */
export async function startAlmatyProjector(keyPrefix: string): Promise<AlmatyProjector> {
  const tally = await startTallyApp({ mode: 'embedded', env: { TALLY_ROLES: 'projector', TALLY_DEMO: 'true' } });
  const election = tally.app.get(ElectionRegistry).get(ALMATY_ELECTION)!;
  const states: PrecinctStates = new Map();
  const commands = almatyCity2023Protocols().map(
    (p, n): PrecinctCommand => ({ type: 'SubmitProtocol', meta: demoMeta(ALMATY_ELECTION, `${keyPrefix}-${n}`, n, p.precinctId), protocol: p.protocol, version: 1 }),
  );
  const { position } = await appendAll(tally.app.get<EventStore>(EVENT_STORE), decidedAppends(election, commands, states));
  await tally.app.get(ProjectorService).engine.waitForPosition(position as string);
  return { tally, election, http: request(tally.server) };
}

/** The city commission's party-list contest: the allocating scope. */
export const ALMATY_CITY_CONTEST = `/v1/elections/${ALMATY_ELECTION}/commissions/cec/contests/${ALMATY_2023_LIST_CONTEST}`;

/** A problem+json answer with this status, code and field. */
export function expectProblem(res: request.Response, status: number, code: string, field: string): void {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ status, code, field });
}
