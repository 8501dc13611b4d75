import fc from 'fast-check';
import { Contest, ListContest, PrecinctCommission, SingleMemberContest } from '../election/election-definition';
import type { Protocol } from './protocol';
import { CONTROL_RELATION_CODES, validateProtocol, validateTurnoutReport } from './protocol.validation';
import type { Refusal } from './refusal';

const name = (en: string) => ({ kk: en, ru: en, en });

const listContest = ListContest.parse({
  kind: 'list', id: 'city-list', name: name('City mäslihat, lists'), body: 'city', seats: 21,
  thresholdPercent: 5, thresholdBase: 'list-votes-plus-against-all', method: 'hare',
  lists: ['amanat', 'respublica', 'auyl'],
});
const districtContest = SingleMemberContest.parse({
  kind: 'single-member', id: 'city-d1', name: name('City mäslihat, district 1'), body: 'city', district: 'd1',
  againstAll: false, candidates: ['c1', 'c2'],
});
const precinct = PrecinctCommission.parse({
  id: 'p1', name: name('Precinct 1'), level: 'precinct', parent: 'alm-d1', registeredVoters: 1000,
  contests: ['city-list', 'city-d1'],
});

// registered 1000 + 5; received 900 = 670 issued + 225 cancelled + 5 lost;
// found 660 = (610 votes + 40 against all) + 10 invalid; 660 ≤ 670 ≤ 1005.
const good: Protocol = {
  contestId: 'city-list',
  registeredVoters: 1005,
  addedSameDay: 5,
  ballotsReceived: 900,
  ballotsIssued: { atStation: 600, early: 50, mobile: 20 },
  ballotsCancelled: 225,
  ballotsLost: 5,
  ballotsFound: 660,
  invalid: 10,
  votes: { amanat: 400, respublica: 150, auyl: 60 },
  againstAll: 40,
};

const refusalsOf = (input: unknown, contest: Contest = listContest): Refusal[] => {
  const r = validateProtocol(input, contest, precinct);
  if (r.ok) throw new Error('expected refusals, got a valid protocol');
  // Every refusal says why in words, not only by its code: a commission reads the message.
  for (const refusal of r.error) expect(`${refusal.code}: ${refusal.message}`).toMatch(/^\w+: \S/);
  return r.error;
};
const codes = (input: unknown, contest: Contest = listContest) => refusalsOf(input, contest).map((r) => r.code);

describe('validateProtocol', () => {
  it('accepts a protocol whose relations all hold, and fills the optional lines', () => {
    expect(validateProtocol(good, listContest, precinct)).toEqual({ ok: true, value: good });
    const { addedSameDay: _a, ballotsLost: _l, againstAll: _g, ...minimal } = good;
    const r = validateProtocol(
      { ...minimal, registeredVoters: 1000, ballotsReceived: 895, ballotsFound: 620, votes: { amanat: 410, respublica: 140, auyl: 60 } },
      listContest,
      precinct,
    );
    expect(r).toEqual({ ok: true, value: expect.objectContaining({ addedSameDay: 0, ballotsLost: 0, againstAll: 0 }) });
  });

  describe('shape', () => {
    it('names each wrong type and each unknown field as MALFORMED', () => {
      expect(refusalsOf({ ...good, ballotsFound: '660', extra: 1, ballotsIssued: { ...good.ballotsIssued, byPost: 3 } })).toEqual([
        { code: 'MALFORMED', field: 'protocol.ballotsIssued.byPost', message: 'unknown field "byPost"' },
        { code: 'MALFORMED', field: 'protocol.ballotsFound', message: expect.stringContaining('expected number') },
        { code: 'MALFORMED', field: 'protocol.extra', message: 'unknown field "extra"' },
      ]);
    });

    it('names a missing line and a non-object body', () => {
      const { invalid: _i, ...noInvalid } = good;
      expect(refusalsOf(noInvalid)).toEqual([{ code: 'MALFORMED', field: 'protocol.invalid', message: expect.any(String) }]);
      expect(refusalsOf(null)).toEqual([{ code: 'MALFORMED', field: 'protocol', message: expect.any(String) }]);
      expect(refusalsOf('660')).toEqual([{ code: 'MALFORMED', field: 'protocol', message: expect.any(String) }]);
    });

    it('calls an infinite number (JSON 1e999) NOT_A_COUNT, not a wrong type', () => {
      expect(refusalsOf(JSON.parse(JSON.stringify(good).replace('"invalid":10', '"invalid":1e999')))).toEqual([
        { code: 'NOT_A_COUNT', field: 'protocol.invalid', message: expect.any(String), operands: { value: 'Infinity' } },
      ]);
    });

    it('does not let a "__proto__" vote line vanish', () => {
      const hostile = JSON.parse(JSON.stringify(good).replace('"amanat":400', '"amanat":400,"__proto__":7'));
      expect(refusalsOf(hostile)).toContainEqual(expect.objectContaining({ code: 'MALFORMED', field: 'protocol.votes.__proto__' }));
    });

    it('refuses vote lines that are null, not an object, as MALFORMED (not thrown on)', () => {
      expect(refusalsOf({ ...good, votes: null })).toEqual([{ code: 'MALFORMED', field: 'protocol.votes', message: expect.stringMatching(/\S/) }]);
    });

    it('uses the given field prefix', () => {
      const r = validateProtocol({ ...good, ballotsFound: 'x' }, listContest, precinct, { at: '' });
      expect(r.ok || r.error.map((e) => e.field)).toEqual(['ballotsFound']);
    });
  });

  describe('NOT_A_COUNT', () => {
    it.each([
      ['negative', { invalid: -1 }, 'protocol.invalid', -1],
      ['fractional', { ballotsIssued: { ...good.ballotsIssued, early: 2.5 } }, 'protocol.ballotsIssued.early', 2.5],
      ['beyond 2^53', { ballotsLost: 2 ** 53 }, 'protocol.ballotsLost', 2 ** 53],
      ['a vote line', { votes: { ...good.votes, auyl: -60 } }, 'protocol.votes.auyl', -60],
    ])('refuses a %s line, naming it, and skips the arithmetic', (_, patch, field, value) => {
      expect(refusalsOf({ ...good, ...patch })).toEqual([{ code: 'NOT_A_COUNT', field, message: expect.any(String), operands: { value } }]);
    });

    it('says why a whole number past 2^53 − 1 is no count: JSON cannot hold it exactly', () => {
      expect(refusalsOf({ ...good, ballotsLost: 2 ** 53 })[0]?.message).toBe('a count is at most 9007199254740991: past it, a JSON number is not exact');
      expect(refusalsOf({ ...good, ballotsLost: -1 })[0]?.message).toBe('a count is a non-negative whole number');
      // At the bound itself a number is exact: what is wrong with −(2^53 − 1) is its sign.
      expect(refusalsOf({ ...good, ballotsLost: -Number.MAX_SAFE_INTEGER })[0]?.message).toBe('a count is a non-negative whole number');
    });

    it('names every bad line at once', () => {
      expect(refusalsOf({ ...good, invalid: -1, ballotsFound: 0.5 }).map((r) => r.field)).toEqual(['protocol.ballotsFound', 'protocol.invalid']);
    });

    it('names bad vote lines in id order, whatever order the JSON gave them', () => {
      const votes = { respublica: -1, auyl: 0.5, amanat: -2 };
      expect(refusalsOf({ ...good, votes }).map((r) => r.field)).toEqual(['protocol.votes.amanat', 'protocol.votes.auyl', 'protocol.votes.respublica']);
    });
  });

  describe('control relations, each with its operands', () => {
    it('BALLOTS_RECEIVED_MISMATCH: received ≠ issued + cancelled + lost', () => {
      expect(refusalsOf({ ...good, ballotsReceived: 901 })).toEqual([{
        code: 'BALLOTS_RECEIVED_MISMATCH', field: 'protocol.ballotsReceived', message: expect.any(String),
        operands: { ballotsReceived: 901, ballotsIssued: 670, ballotsCancelled: 225, ballotsLost: 5 },
      }]);
    });

    it('BALLOTS_FOUND_MISMATCH: found ≠ Σ votes + against all + invalid', () => {
      expect(refusalsOf({ ...good, invalid: 11, ballotsReceived: 900 })).toEqual([{
        code: 'BALLOTS_FOUND_MISMATCH', field: 'protocol.ballotsFound', message: expect.any(String),
        operands: { ballotsFound: 660, valid: 650, votes: 610, againstAll: 40, invalid: 11 },
      }]);
    });

    it('FOUND_EXCEEDS_ISSUED', () => {
      // 680 found = 620 + 50 + 10, but only 670 issued.
      expect(refusalsOf({ ...good, ballotsFound: 680, againstAll: 60 })).toEqual([{
        code: 'FOUND_EXCEEDS_ISSUED', field: 'protocol.ballotsFound', message: expect.any(String),
        operands: { ballotsFound: 680, ballotsIssued: 670 },
      }]);
    });

    it('ISSUED_EXCEEDS_REGISTERED', () => {
      const p = { ...good, registeredVoters: 600, addedSameDay: 0 };
      expect(validateProtocol(p, listContest, { ...precinct, registeredVoters: 600 })).toEqual({
        ok: false,
        error: [{ code: 'ISSUED_EXCEEDS_REGISTERED', field: 'protocol.ballotsIssued', message: 'more ballots issued than voters on the list', operands: { ballotsIssued: 670, registeredVoters: 600 } }],
      });
    });

    it('FOUND_EXCEEDS_ISSUED and ISSUED_EXCEEDS_REGISTERED hold to the ballot: equal passes, one more does not', () => {
      // 670 issued: 670 found (20 invalid) passes, 671 (21 invalid) does not.
      expect(validateProtocol({ ...good, ballotsFound: 670, invalid: 20 }, listContest, precinct).ok).toBe(true);
      expect(codes({ ...good, ballotsFound: 671, invalid: 21 })).toEqual(['FOUND_EXCEEDS_ISSUED']);
      // The list's 670 voters include the 5 added on the day: 670 issued passes, 669 on the list does not.
      const listed = (registeredVoters: number) => validateProtocol({ ...good, registeredVoters }, listContest, { ...precinct, registeredVoters: registeredVoters - 5 });
      expect(listed(670).ok).toBe(true);
      expect(listed(669)).toEqual({ ok: false, error: [expect.objectContaining({ code: 'ISSUED_EXCEEDS_REGISTERED', operands: { ballotsIssued: 670, registeredVoters: 669 } })] });
    });

    it('ADDED_EXCEEDS_REGISTERED', () => {
      // With the definition saying 0 voters, 1005 registered = 0 + 1005 added is consistent, yet no
      // more can be added than the whole list: 1006 added, 1005 on the list.
      const r = validateProtocol({ ...good, addedSameDay: 1006, registeredVoters: 1005 }, listContest, { ...precinct, registeredVoters: 0 }, { rules: { registeredVoters: 'off' } });
      expect(r).toEqual({ ok: false, error: [{ code: 'ADDED_EXCEEDS_REGISTERED', field: 'protocol.addedSameDay', message: 'more voters added on polling day than on the whole list', operands: { addedSameDay: 1006, registeredVoters: 1005 } }] });
    });

    it('REGISTERED_MISMATCH: the definition plus same-day additions, unless the weak rule is off', () => {
      expect(refusalsOf({ ...good, addedSameDay: 4 })).toEqual([{
        code: 'REGISTERED_MISMATCH', field: 'protocol.registeredVoters', message: expect.any(String),
        operands: { registeredVoters: 1005, definition: 1000, addedSameDay: 4 },
      }]);
      expect(validateProtocol({ ...good, addedSameDay: 4 }, listContest, precinct, { rules: { registeredVoters: 'off' } }).ok).toBe(true);
    });

    it('MISSING_CHOICE and UNKNOWN_CHOICE, per line', () => {
      const { auyl: _auyl, ...rest } = good.votes;
      expect(refusalsOf({ ...good, votes: { ...rest, baytaq: 60 } })).toEqual([
        { code: 'MISSING_CHOICE', field: 'protocol.votes.auyl', message: expect.any(String), operands: { choice: 'auyl' } },
        { code: 'UNKNOWN_CHOICE', field: 'protocol.votes.baytaq', message: expect.any(String), operands: { choice: 'baytaq' } },
      ]);
    });

    it('AGAINST_ALL_NOT_ON_BALLOT, on a contest without it', () => {
      const p = { ...good, contestId: 'city-d1', votes: { c1: 400, c2: 210 } };
      expect(refusalsOf(p, districtContest)).toEqual([
        { code: 'AGAINST_ALL_NOT_ON_BALLOT', field: 'protocol.againstAll', message: expect.any(String), operands: { againstAll: 40 } },
      ]);
      expect(validateProtocol({ ...p, againstAll: 0, votes: { c1: 440, c2: 210 } }, districtContest, precinct).ok).toBe(true);
      // One vote against all is one too many.
      expect(codes({ ...p, againstAll: 1, votes: { c1: 439, c2: 210 } }, districtContest)).toEqual(['AGAINST_ALL_NOT_ON_BALLOT']);
    });

    it('CONTEST_MISMATCH and CONTEST_NOT_AT_PRECINCT', () => {
      expect(refusalsOf({ ...good, contestId: 'city-d1' })).toEqual([
        { code: 'CONTEST_MISMATCH', field: 'protocol.contestId', message: expect.any(String), operands: { contestId: 'city-d1', expected: 'city-list' } },
      ]);
      const r = validateProtocol(good, listContest, { ...precinct, contests: ['city-d1'] });
      expect(r.ok || r.error).toEqual([
        { code: 'CONTEST_NOT_AT_PRECINCT', field: 'protocol.contestId', message: expect.any(String), operands: { contestId: 'city-list', precinctId: 'p1' } },
      ]);
    });

    it('returns every broken relation, not only the first', () => {
      expect(codes({ ...good, ballotsReceived: 1, ballotsFound: 700, addedSameDay: 0, votes: { ...good.votes, baytaq: 0 } })).toEqual([
        'UNKNOWN_CHOICE',
        'BALLOTS_RECEIVED_MISMATCH',
        'BALLOTS_FOUND_MISMATCH',
        'FOUND_EXCEEDS_ISSUED',
        'REGISTERED_MISMATCH',
      ]);
    });
  });

  describe('properties', () => {
    /** A precinct, a contest and a protocol built so that every relation holds. */
    const consistent = fc
      .record({
        defined: fc.integer({ min: 0, max: 200_000 }),
        added: fc.integer({ min: 0, max: 5_000 }),
        againstAllOnBallot: fc.boolean(),
        kind: fc.constantFrom('list' as const, 'single-member' as const),
        choices: fc.integer({ min: 1, max: 8 }),
      })
      .chain(({ defined, added, againstAllOnBallot, kind, choices }) => {
        const registered = defined + added;
        return fc
          .record({
            issued: fc.tuple(fc.nat(registered), fc.nat(registered), fc.nat(registered)).filter(([a, b, c]) => a + b + c <= registered),
            cancelled: fc.nat(100_000),
            lost: fc.nat(50),
          })
          .chain(({ issued, cancelled, lost }) => {
            const totalIssued = issued[0] + issued[1] + issued[2];
            const parts = choices + 1 + (againstAllOnBallot ? 1 : 0);
            return fc
              .record({
                found: fc.nat(totalIssued),
                cuts: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: parts - 1, maxLength: parts - 1 }),
              })
              .map(({ found, cuts }) => {
                const points = cuts.map((c) => Math.floor(c * found)).sort((a, b) => a - b);
                const bounds = [0, ...points, found];
                const shares = bounds.slice(1).map((b, i) => b - bounds[i]);
                const ids = Array.from({ length: choices }, (_, i) => `x${i}`);
                const contest: Contest =
                  kind === 'list'
                    ? { ...listContest, againstAll: againstAllOnBallot, lists: ids }
                    : { ...districtContest, id: 'city-list', againstAll: againstAllOnBallot, candidates: ids };
                const protocol: Protocol = {
                  contestId: 'city-list',
                  registeredVoters: registered,
                  addedSameDay: added,
                  ballotsReceived: totalIssued + cancelled + lost,
                  ballotsIssued: { atStation: issued[0], early: issued[1], mobile: issued[2] },
                  ballotsCancelled: cancelled,
                  ballotsLost: lost,
                  ballotsFound: found,
                  invalid: shares[0],
                  votes: Object.fromEntries(ids.map((id, i) => [id, shares[i + 1]])),
                  againstAll: againstAllOnBallot ? shares[choices + 1] : 0,
                };
                return { contest, precinct: { ...precinct, registeredVoters: defined, contests: ['city-list'] }, protocol };
              });
          });
      });

    it('every protocol that satisfies the relations validates', () => {
      fc.assert(
        fc.property(consistent, ({ contest, precinct: at, protocol }) => {
          expect(validateProtocol(protocol, contest, at)).toEqual({ ok: true, value: protocol });
        }),
        { numRuns: 500 },
      );
    });

    /** Every line of the form, as a path, and how to change it by a delta. */
    const perturb = (p: Protocol, line: number, delta: number): Protocol => {
      const copy: Protocol = structuredClone(p);
      const paths: Array<(q: { -readonly [K in keyof Protocol]: Protocol[K] }) => void> = [
        (q) => { q.registeredVoters += delta; },
        (q) => { q.addedSameDay += delta; },
        (q) => { q.ballotsReceived += delta; },
        (q) => { q.ballotsIssued = { ...q.ballotsIssued, atStation: q.ballotsIssued.atStation + delta }; },
        (q) => { q.ballotsIssued = { ...q.ballotsIssued, early: q.ballotsIssued.early + delta }; },
        (q) => { q.ballotsIssued = { ...q.ballotsIssued, mobile: q.ballotsIssued.mobile + delta }; },
        (q) => { q.ballotsCancelled += delta; },
        (q) => { q.ballotsLost += delta; },
        (q) => { q.ballotsFound += delta; },
        (q) => { q.invalid += delta; },
        (q) => { q.againstAll += delta; },
        ...Object.keys(p.votes).map((id) => (q: Protocol) => { q.votes[id] += delta; }),
      ];
      paths[line % paths.length](copy);
      return copy;
    };

    it('changing any one line by ±1 breaks at least one relation', () => {
      const relations: readonly string[] = CONTROL_RELATION_CODES;
      fc.assert(
        fc.property(consistent, fc.nat(), fc.constantFrom(1, -1), ({ contest, precinct: at, protocol }, line, delta) => {
          const r = validateProtocol(perturb(protocol, line, delta), contest, at);
          expect(r.ok).toBe(false);
          if (!r.ok) expect(r.error.some((e) => relations.includes(e.code))).toBe(true);
        }),
        { numRuns: 1000 },
      );
    });
  });
});

describe('validateTurnoutReport', () => {
  const times = ['10:00', '12:00', '14:00'];

  it('accepts a count at a reporting time, up to the whole list', () => {
    expect(validateTurnoutReport({ time: '12:00', ballotsIssued: 1000 }, precinct, times)).toEqual({ ok: true, value: { time: '12:00', ballotsIssued: 1000 } });
  });

  it('UNKNOWN_TURNOUT_TIME', () => {
    expect(validateTurnoutReport({ time: '11:00', ballotsIssued: 10 }, precinct, times)).toEqual({
      ok: false,
      error: [{ code: 'UNKNOWN_TURNOUT_TIME', field: 'turnout.time', message: 'turnout is reported at 10:00, 12:00, 14:00', operands: { time: '11:00', turnoutTimes: '10:00,12:00,14:00' } }],
    });
  });

  it('NOT_A_COUNT and ISSUED_EXCEEDS_REGISTERED', () => {
    expect(validateTurnoutReport({ time: '10:00', ballotsIssued: -3 }, precinct, times)).toEqual({
      ok: false,
      error: [{ code: 'NOT_A_COUNT', field: 'turnout.ballotsIssued', message: expect.any(String), operands: { value: -3 } }],
    });
    expect(validateTurnoutReport({ time: '10:00', ballotsIssued: 1001 }, precinct, times)).toEqual({
      ok: false,
      error: [{ code: 'ISSUED_EXCEEDS_REGISTERED', field: 'turnout.ballotsIssued', message: 'more ballots issued than voters on the list', operands: { ballotsIssued: 1001, registeredVoters: 1000 } }],
    });
  });

  it('MALFORMED for wrong types and unknown fields', () => {
    const r = validateTurnoutReport({ time: 10, ballotsIssued: 3, note: 'x' }, precinct, times);
    expect(r.ok || r.error.map((e) => [e.code, e.field])).toEqual([
      ['MALFORMED', 'turnout.time'],
      ['MALFORMED', 'turnout.note'],
    ]);
  });
});
