import { allocate } from './allocate';
import type { AllocationInput } from './allocation.types';
import { composeBody } from './composition';

const almatyList: AllocationInput = {
  seats: 21,
  method: 'hare',
  thresholdPercent: 5,
  thresholdBase: 'list-votes-plus-against-all',
  lists: [
    { id: 'amanat', votes: 151531 },
    { id: 'peoples-party', votes: 38563 },
    { id: 'respublica', votes: 38369 },
    { id: 'baytaq', votes: 23266 },
    { id: 'aq-jol', votes: 15273 },
    { id: 'auyl', votes: 8264 },
  ],
  againstAll: 16490,
  ballotsCast: 302270,
  minimumAdmittedLists: 2,
  tieRule: 'registration-order',
};

describe('composeBody', () => {
  it('adds district winners to list seats per party, with independents apart', () => {
    const c = composeBody({
      lists: [{ contest: 'almaty-list', result: allocate(almatyList) }],
      districts: [
        { contest: 'd1', winner: { candidate: 'c1', party: 'amanat' } },
        { contest: 'd2', winner: { candidate: 'c2', party: 'amanat' } },
        { contest: 'd3', winner: { candidate: 'c3', party: 'respublica' } },
        { contest: 'd4', winner: { candidate: 'c4', party: 'nowhere-list' } },
        { contest: 'd5', winner: { candidate: 'c5', party: null } },
        { contest: 'd6', winner: null },
      ],
    });
    expect(c).toEqual({
      parties: [
        { party: 'amanat', listSeats: 12, districtSeats: 2, seats: 14 },
        { party: 'peoples-party', listSeats: 3, districtSeats: 0, seats: 3 },
        { party: 'respublica', listSeats: 3, districtSeats: 1, seats: 4 },
        { party: 'baytaq', listSeats: 2, districtSeats: 0, seats: 2 },
        { party: 'aq-jol', listSeats: 1, districtSeats: 0, seats: 1 },
        // Auyl did not take part in the list allocation and won no district: not in the body.
        { party: 'nowhere-list', listSeats: 0, districtSeats: 1, seats: 1 },
      ],
      independents: [{ candidate: 'c5', contest: 'd5' }],
      seats: 26,
      pending: ['d6'],
    });
  });

  it('names a list contest without a final allocation as pending and counts none of its seats', () => {
    const tie = allocate({ ...almatyList, lists: [{ id: 'a', votes: 10 }, { id: 'b', votes: 10 }], seats: 1, tieRule: 'lot' });
    expect(tie.kind).toBe('tie');
    expect(composeBody({ lists: [{ contest: 'l', result: tie }], districts: [] })).toEqual({ parties: [], independents: [], seats: 0, pending: ['l'] });
  });
});
