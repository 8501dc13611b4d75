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

  it('sums a party over several list contests and districts; shows a list admitted with no seat; never lists a party twice', () => {
    const small = (lists: AllocationInput['lists']): AllocationInput => ({ ...almatyList, seats: 2, thresholdPercent: 0, againstAll: 0, ballotsCast: 0, lists });
    // Hare, 2 seats of 200 votes: a 1, b 1 (remainder 90 against c's 10), c admitted with none.
    const first = allocate(small([{ id: 'a', votes: 100 }, { id: 'b', votes: 90 }, { id: 'c', votes: 10 }]));
    const second = allocate(small([{ id: 'a', votes: 120 }, { id: 'b', votes: 80 }])); // a 1, b 1 (remainder 80 against 20)
    const c = composeBody({
      lists: [{ contest: 'l1', result: first }, { contest: 'l2', result: second }],
      districts: [
        { contest: 'd1', winner: { candidate: 'x1', party: 'no-list' } },
        { contest: 'd2', winner: { candidate: 'x2', party: 'no-list' } },
        { contest: 'd3', winner: { candidate: 'x3', party: 'b' } },
      ],
    });
    expect(c).toEqual({
      parties: [
        { party: 'a', listSeats: 2, districtSeats: 0, seats: 2 },
        { party: 'b', listSeats: 2, districtSeats: 1, seats: 3 },
        { party: 'c', listSeats: 0, districtSeats: 0, seats: 0 },
        { party: 'no-list', listSeats: 0, districtSeats: 2, seats: 2 },
      ],
      independents: [],
      seats: 7,
      pending: [],
    });
  });

  it('names a list contest without a final allocation as pending and counts none of its seats', () => {
    const tie = allocate({ ...almatyList, lists: [{ id: 'a', votes: 10 }, { id: 'b', votes: 10 }], seats: 1, tieRule: 'lot' });
    expect(tie.kind).toBe('tie');
    expect(composeBody({ lists: [{ contest: 'l', result: tie }], districts: [] })).toEqual({ parties: [], independents: [], seats: 0, pending: ['l'] });
  });
});
