import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllocateInput } from './allocate.input';

const example = readFileSync(join(__dirname, '../../examples/almaty-2023-city-maslikhat.json'), 'utf8');
const base = JSON.parse(example) as Record<string, unknown>;
const withChanges = (over: Record<string, unknown>, drop: string[] = []) => {
  const doc: Record<string, unknown> = { ...base, ...over };
  for (const k of drop) delete doc[k];
  return JSON.stringify(doc);
};
const errorsOf = (text: string) => {
  const r = parseAllocateInput(text);
  if (r.ok) throw new Error('expected a refusal');
  return r.errors;
};

describe('parseAllocateInput', () => {
  it('reads the worked example, keeping the key order of votes as registration order and applying defaults', () => {
    expect(parseAllocateInput(example)).toEqual({
      ok: true,
      value: {
        seats: 21,
        method: 'hare',
        thresholdPercent: 5,
        thresholdBase: 'list-votes-plus-against-all',
        lists: [
          { id: 'Amanat', votes: 151531 },
          { id: "People's Party", votes: 38563 },
          { id: 'Respublica', votes: 38369 },
          { id: 'Baytaq', votes: 23266 },
          { id: 'Aq Jol', votes: 15273 },
          { id: 'Auyl', votes: 8264 },
        ],
        againstAll: 16490,
        ballotsCast: 302270,
        minimumAdmittedLists: 2,
        tieRule: 'registration-order',
      },
    });
  });

  it('accepts votes as an array of {list, votes} and passes lots through', () => {
    const r = parseAllocateInput(
      withChanges({ votes: [{ list: '2', votes: 5 }, { list: '1', votes: 5 }], tieRule: 'lot', lots: ['1', '2'], thresholdBase: 'list-votes' }, ['againstAll']),
    );
    expect(r).toMatchObject({ ok: true, value: { lists: [{ id: '2', votes: 5 }, { id: '1', votes: 5 }], tieRule: 'lot', lots: ['1', '2'], againstAll: 0 } });
  });

  it('refuses text that is not JSON', () => {
    expect(errorsOf('{"seats": 21,')).toEqual([{ field: 'input', rule: expect.stringMatching(/^must be valid JSON/) }]);
  });

  it.each([
    ['method', { method: 'imperiali' }, 'must be one of hare, droop, dhondt, sainte-lague'],
    ['seats', { seats: 0 }, 'must be a positive integer'],
    ['seats', { seats: 2.5 }, 'must be a positive integer'],
    ['thresholdPercent', { thresholdPercent: 5.001 }, 'must be a percentage from 0 to 100 with at most two decimals'],
    ['thresholdBase', { thresholdBase: 'registered' }, 'must be one of list-votes, list-votes-plus-against-all, ballots-cast'],
    ['votes.Amanat', { votes: { Amanat: -1, Auyl: 3 } }, 'must be a non-negative integer'],
    ['votes.Amanat', { votes: { Amanat: 'many' } }, 'must be a non-negative integer'],
    ['votes', { votes: {} }, 'must name at least one list'],
    ['votes', { votes: 5 }, 'must be an object of list → votes, or an array of {"list", "votes"}'],
    ['votes.1.votes', { votes: [{ list: 'A', votes: 1 }, { list: 'B', votes: -2 }] }, 'must be a non-negative integer'],
    ['votes.1', { votes: [{ list: 'A', votes: 1 }, { list: 'A', votes: 2 }] }, 'list "A" appears more than once'],
    ['votes.7', { votes: { Amanat: 1, '7': 2 } }, expect.stringContaining('loses its registration order')],
    ['againstAll', { againstAll: -5 }, 'must be a non-negative integer'],
    ['tieRule', { tieRule: 'coin' }, 'must be one of registration-order, more-votes-then-registration, lot'],
    ['lots', { lots: ['Nobody'] }, '"Nobody" is not a list in votes'],
    ['input', { colour: 'red' }, 'unknown field(s): colour'],
  ])('refuses a bad %s', (field, over, rule) => {
    expect(errorsOf(withChanges(over))).toContainEqual({ field, rule });
  });

  it.each(['seats', 'method', 'thresholdPercent', 'thresholdBase', 'votes'])('says a missing %s is required', (field) => {
    expect(errorsOf(withChanges({}, [field]))).toContainEqual({ field, rule: 'is required' });
  });

  it('requires againstAll only where the base counts it', () => {
    expect(errorsOf(withChanges({}, ['againstAll']))).toEqual([{ field: 'againstAll', rule: 'is required when thresholdBase is list-votes-plus-against-all' }]);
    expect(parseAllocateInput(withChanges({ thresholdBase: 'list-votes' }, ['againstAll', 'ballotsCast'])).ok).toBe(true);
  });

  it('requires ballotsCast only for the ballots-cast base, and no fewer than the valid votes', () => {
    expect(errorsOf(withChanges({ thresholdBase: 'ballots-cast' }, ['ballotsCast']))).toEqual([{ field: 'ballotsCast', rule: 'is required when thresholdBase is ballots-cast' }]);
    expect(errorsOf(withChanges({ thresholdBase: 'ballots-cast', ballotsCast: 1000 }))).toEqual([
      { field: 'ballotsCast', rule: 'must be at least the list votes plus against all (291756): ballots found = valid + invalid' },
    ]);
    expect(parseAllocateInput(withChanges({ thresholdBase: 'ballots-cast' })).ok).toBe(true);
  });

  it('refuses a document that is not an object', () => {
    expect(errorsOf('[1, 2]')).toEqual([{ field: 'input', rule: 'must be a JSON object' }]);
  });
});
