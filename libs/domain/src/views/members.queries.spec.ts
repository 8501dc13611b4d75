// The acceptance of issue 17 on the demo election: the list winners named in list order, the
// majority line at 22 of 42, and Amanat's swing and seat change against the 2021 baseline.
import { composeBody } from '../allocation/composition';
import { indexElection } from '../election/election-index';
import { ALMATY_2021_BASELINE, ALMATY_2023_BODY, ALMATY_2023_LIST_RESULT, almatyCity2023Definition, almatyCity2023Protocols } from '../fixtures/almaty-2023.fixture';
import { compareLists, compareWithBaseline, inlineBaselineFigures, resultsBaselineFigures } from './baseline.queries';
import { bodyMembers, majorityOf, nameListSeats } from './members.queries';
import { History } from './results.test-helper';
import { applyEvent, createResultsView, type ResultsView } from './results.view';

function almatyView(): ResultsView {
  const definition = almatyCity2023Definition();
  const view = createResultsView(indexElection(definition));
  const h = new History(definition.id);
  for (const p of almatyCity2023Protocols(definition)) applyEvent(view, h.recorded(p.precinctId, p.protocol));
  return view;
}

describe('named winners and the majority line (Almaty City Mäslihat 2023)', () => {
  const view = almatyView();
  const definition = view.election.definition;
  const ranked = (list: string) => definition.contests.flatMap((c) => (c.kind === 'list' ? (c.rankedLists ?? []) : [])).find((r) => r.list === list);

  it('gives each list its seats in list order and every district its winner, 42 in all', () => {
    const body = bodyMembers(view, ALMATY_2023_BODY, new Set());
    if (!body) throw new Error('no body');
    expect(body.seatsTotal).toBe(42);
    const amanat = body.members.filter((m) => m.seat.kind === 'list' && m.party === 'amanat');
    expect(amanat).toHaveLength(ALMATY_2023_LIST_RESULT.seats.amanat);
    expect(amanat.map((m) => m.candidate?.id)).toEqual(ranked('amanat')?.candidates.slice(0, 12).map((c) => c.id));
    expect(amanat[0].candidate).toEqual({ ...ranked('amanat')?.candidates[0], rank: 1 });
    expect(body.members.filter((m) => m.seat.kind === 'district')).toHaveLength(21);
    expect(body.members.every((m) => m.candidate !== null)).toBe(true);
  });

  it('skips a withdrawn candidate: the next on the list takes the seat', () => {
    const body = bodyMembers(view, ALMATY_2023_BODY, new Set(['aq-jol-01']));
    const aqJol = body?.members.filter((m) => m.party === 'aq-jol' && m.seat.kind === 'list');
    expect(aqJol?.map((m) => [m.candidate?.id, m.candidate?.rank])).toEqual([['aq-jol-02', 2]]);
  });

  it('draws the majority at 22 of 42 and says who holds it', () => {
    const body = bodyMembers(view, ALMATY_2023_BODY, new Set());
    // The synthetic districts all go to Amanat's nominee: 12 + 21.
    expect(body?.majority).toEqual({ seats: 22, of: 42, largest: { party: 'amanat', seats: 33 }, heldBy: 'amanat', lacking: 0 });
  });

  it('says how many seats the largest party lacks when it holds no majority', () => {
    const composition = composeBody({ lists: [], districts: [{ contest: 'a', winner: { candidate: 'x', party: 'p' } }, { contest: 'b', winner: { candidate: 'y', party: 'q' } }] });
    expect(majorityOf(42, composition.parties)).toEqual({ seats: 22, of: 42, largest: { party: 'p', seats: 1 }, heldBy: null, lacking: 21 });
    expect(majorityOf(5, composeBody({ lists: [], districts: [] }).parties)).toEqual({ seats: 3, of: 5, largest: null, heldBy: null, lacking: 3 });
  });

  it('leaves a seat unnamed when the list has too few eligible candidates', () => {
    const list = { list: 'x', candidates: [{ id: 'x1', name: { kk: 'a', ru: 'a', en: 'a' } }, { id: 'x2', name: { kk: 'b', ru: 'b', en: 'b' } }] };
    expect(nameListSeats(list, 2, (id) => id === 'x1').map((c) => c?.id ?? null)).toEqual(['x2', null]);
    expect(nameListSeats(undefined, 1, () => false)).toEqual([null]);
  });
});

describe('the last election (2021 baseline)', () => {
  const view = almatyView();

  it("gives Amanat (Nur Otan's successor) a swing of −16.17 points and a seat change of its seats minus 29", () => {
    const comparison = compareWithBaseline(view, ALMATY_2021_BASELINE, inlineBaselineFigures(ALMATY_2021_BASELINE));
    const amanat = comparison?.lists.find((l) => l.list === 'amanat');
    expect(amanat).toMatchObject({
      share: { numerator: 151531, denominator: 291756 }, // 51.94% of list votes plus against all
      previousShare: { numerator: 6811, denominator: 10000 },
      previousSeats: 29,
      swingPoints: -16.17,
      predecessors: ['nur-otan'],
    });
    expect(amanat?.seatChange).toBe((amanat?.seats ?? NaN) - 29);
    expect(comparison?.lists.find((l) => l.list === 'peoples-party')).toMatchObject({ previousSeats: 3, predecessors: ['communist-peoples-party'], swingPoints: 5.91 });
    // New lists have no previous figures; no 2021 party is left without a successor.
    expect(comparison?.lists.find((l) => l.list === 'respublica')).toMatchObject({ previousShare: null, swingPoints: null, seatChange: null });
    expect(comparison?.unmatched).toEqual([]);
    expect(comparison?.turnout.changePoints).toBeNull();
  });

  it('gives no seat change while a seat of the body is undecided: before any vote, and with districts still out', () => {
    const definition = almatyCity2023Definition();
    const empty = createResultsView(indexElection(definition));
    const before = compareWithBaseline(empty, ALMATY_2021_BASELINE, inlineBaselineFigures(ALMATY_2021_BASELINE));
    // Amanat's 0 seats now are not 29 lost: nothing is decided yet. The last election's figures stay.
    expect(before?.lists.find((l) => l.list === 'amanat')).toMatchObject({ seats: 0, previousSeats: 29, seatChange: null });
    expect(before?.lists.every((l) => l.seatChange === null)).toBe(true);

    // Every list protocol in, no district's: the 21 list seats are decided, the 21 district seats are not.
    const listOnly = createResultsView(indexElection(definition));
    const h = new History(definition.id);
    const listContest = definition.contests.find((c) => c.kind === 'list')!.id;
    for (const p of almatyCity2023Protocols(definition).filter((p) => p.contestId === listContest)) applyEvent(listOnly, h.recorded(p.precinctId, p.protocol));
    const partial = compareWithBaseline(listOnly, ALMATY_2021_BASELINE, inlineBaselineFigures(ALMATY_2021_BASELINE));
    expect(partial?.lists.find((l) => l.list === 'amanat')).toMatchObject({ seats: ALMATY_2023_LIST_RESULT.seats.amanat, previousSeats: 29, seatChange: null, swingPoints: -16.17 });

    // The whole body decided: the change is given (the test above).
    expect(compareWithBaseline(view, ALMATY_2021_BASELINE, inlineBaselineFigures(ALMATY_2021_BASELINE))?.lists.find((l) => l.list === 'amanat')?.seatChange).not.toBeNull();
  });

  it('gives −4 with the official 2023 outcome: 25 seats with the districts', () => {
    // 12 list seats and 13 of the 21 districts, as published.
    const districts = Array.from({ length: 21 }, (_, k) => ({ contest: `d${k}`, winner: { candidate: `c${k}`, party: k < 13 ? 'amanat' : 'other' } }));
    const official = composeBody({ lists: [], districts });
    const seats = new Map(official.parties.map((p) => [p.party, p.seats + (p.party === 'amanat' ? ALMATY_2023_LIST_RESULT.seats.amanat : 0)]));
    expect(seats.get('amanat')).toBe(25);
    const share = { numerator: ALMATY_2023_LIST_RESULT.votes.amanat, denominator: 291756 };
    const { lists } = compareLists([{ id: 'amanat', share }], seats, inlineBaselineFigures(ALMATY_2021_BASELINE), ALMATY_2021_BASELINE.successors);
    expect(lists[0]).toMatchObject({ seats: 25, previousSeats: 29, seatChange: -4, swingPoints: -16.17 });
  });

  it('takes another election of the service as baseline from its own results: the same count compared with itself changes nothing', () => {
    const previous = almatyView();
    const figures = resultsBaselineFigures(previous, ALMATY_2023_BODY);
    expect(figures?.parties.find((p) => p.party === 'amanat')).toEqual({ party: 'amanat', share: { numerator: 151531, denominator: 291756 }, seats: 33 });
    const comparison = compareWithBaseline(view, { kind: 'election', body: ALMATY_2023_BODY, electionId: 'almaty-city-2019', previousBody: ALMATY_2023_BODY, successors: [] }, figures!);
    expect(comparison?.lists.map((l) => [l.list, l.swingPoints, l.seatChange])).toEqual(['amanat', 'peoples-party', 'respublica', 'baytaq', 'aq-jol', 'auyl'].map((id) => [id, 0, 0]));
    expect(comparison?.turnout.changePoints).toBe(0);
  });
});
