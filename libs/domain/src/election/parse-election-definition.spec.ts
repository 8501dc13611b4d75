import type { ElectionDefinition } from './election-definition';
import { definitionKeyProblems, parseElectionDefinition, type DefinitionProblem } from './parse-election-definition';

const name = (en: string) => ({ kk: en, ru: en, en });

// The input is untyped on purpose: the cases below break it in ways no type would allow.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type RawDefinition = any;

/** A small valid definition as a file would hold it (defaults left out). */
function minimal(): RawDefinition {
  return {
    id: 'e1',
    name: name('Test election'),
    date: '2023-03-19',
    timeZone: 'Asia/Almaty',
    bodies: [{ id: 'council', name: name('Council') }],
    lists: [
      { id: 'a', name: name('A'), colour: '#112233', registrationOrder: 1 },
      { id: 'b', name: name('B'), colour: '#445566', registrationOrder: 2 },
    ],
    candidates: [
      { id: 'c1', name: name('C1'), party: 'a' },
      { id: 'c2', name: name('C2'), party: null },
      { id: 'c3', name: name('C3'), party: 'b' },
    ],
    contests: [
      { kind: 'list', id: 'lst', name: name('Lists'), body: 'council', seats: 5, thresholdPercent: 5, thresholdBase: 'list-votes-plus-against-all', method: 'hare', lists: ['a', 'b'] },
      { kind: 'single-member', id: 'd1', name: name('D1'), body: 'council', district: '1', candidates: ['c1', 'c2'] },
      { kind: 'single-member', id: 'd2', name: name('D2'), body: 'council', district: '2', candidates: ['c2', 'c3'] },
    ],
    commissions: [
      { id: 'cec', name: name('CEC'), level: 'central', parent: null },
      { id: 'reg', name: name('Region'), level: 'regional', parent: 'cec' },
      { id: 'p1', name: name('P1'), level: 'precinct', parent: 'reg', registeredVoters: 1000, contests: ['lst', 'd1'] },
      { id: 'p2', name: name('P2'), level: 'precinct', parent: 'reg', registeredVoters: 1200, contests: ['lst', 'd2'] },
    ],
  };
}

/** The problems' paths and rules; each must also say in words what is wrong, or the spec fails. */
const problemsOf = (input: unknown): { path: string; rule: string }[] => {
  const result = parseElectionDefinition(input);
  if (result.ok) return [];
  for (const p of result.error) expect({ ...p, message: p.message.trim() }).toEqual({ ...p, message: expect.stringMatching(/\w.{7,}/) });
  return result.error.map(({ path, rule }) => ({ path, rule }));
};

/** minimal() with a change made to it. */
const edited = (change: (d: RawDefinition) => void): RawDefinition => {
  const def = minimal();
  change(def);
  return def;
};

/** minimal(), changed and parsed; the spec fails if it does not parse. */
const parsedWith = (change: (d: RawDefinition) => void): ElectionDefinition => {
  const result = parseElectionDefinition(edited(change));
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.value;
};

describe('parseElectionDefinition', () => {
  it('accepts a valid definition and fills the defaults', () => {
    const result = parseElectionDefinition(minimal());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.turnoutTimes).toEqual(['10:00', '12:00', '14:00', '16:00', '18:00', '20:00']);
    expect(result.value.contests[0]).toMatchObject({ minimumAdmittedLists: 2, tieRule: 'registration-order', againstAll: true });
    expect(result.value.commissions[0]).toMatchObject({ keys: [] });
  });

  it('gives every problem a path, a rule and a message', () => {
    const def = minimal();
    def.commissions[2].parent = 'nowhere';
    const result = parseElectionDefinition(def);
    expect(result).toEqual({
      ok: false,
      error: [{ path: 'commissions[2].parent', rule: 'UNKNOWN_PARENT', message: 'commission "p1" names parent "nowhere", which is not defined' }],
    });
  });

  describe('the shape', () => {
    it('rejects what is not an object', () => {
      expect(problemsOf('hello')).toEqual([{ path: '', rule: 'INVALID_TYPE' }]);
      expect(problemsOf(undefined)).toEqual([{ path: '', rule: 'REQUIRED' }]);
    });

    it('refuses an id a stream name could not carry (a dot, a trailing "-") instead of failing later', () => {
      for (const id of ['e1-', 'e.1', '-e1']) expect(problemsOf({ ...minimal(), id })).toEqual([{ path: 'id', rule: 'INVALID_FORMAT' }]);
      expect(problemsOf({ ...minimal(), id: 'e_1-x_' })).toEqual([]);
    });

    it('names missing fields, unknown fields, bad formats and unknown variants', () => {
      const def = minimal();
      delete def.timeZone;
      def.name.de = 'Test';
      def.date = '19.03.2023';
      def.contests[1].kind = 'ranked';
      def.commissions[1].level = 'oblast';
      def.lists[0].colour = 'blue';
      def.commissions[3].registeredVoters = -1;
      expect(problemsOf(def)).toEqual(
        expect.arrayContaining([
          { path: 'timeZone', rule: 'REQUIRED' },
          { path: 'name.de', rule: 'UNKNOWN_FIELD' },
          { path: 'date', rule: 'INVALID_FORMAT' },
          { path: 'contests[1].kind', rule: 'UNKNOWN_KIND' },
          { path: 'commissions[1].level', rule: 'UNKNOWN_KIND' },
          { path: 'lists[0].colour', rule: 'INVALID_FORMAT' },
          { path: 'commissions[3].registeredVoters', rule: 'TOO_SMALL' },
        ]),
      );
    });

    it('reports a precinct in no contest', () => {
      const def = minimal();
      def.commissions[2].contests = [];
      expect(problemsOf(def)).toEqual([{ path: 'commissions[2].contests', rule: 'PRECINCT_IN_NO_CONTEST' }]);
    });

    it('still checks the references of what did parse, without cascading from what did not', () => {
      const def = minimal();
      def.commissions[1].name = 'Region'; // breaks "reg", which both precincts name as parent
      def.commissions[3].parent = 'nowhere';
      def.contests[1].candidates = ['c1', 'ghost'];
      expect(problemsOf(def)).toEqual([
        { path: 'commissions[1].name', rule: 'INVALID_TYPE' },
        { path: 'contests[1].candidates[1]', rule: 'UNKNOWN_CANDIDATE' },
        { path: 'commissions[3].parent', rule: 'UNKNOWN_PARENT' },
      ]);
    });
  });

  describe('cross-references', () => {
    const cases: [string, (def: RawDefinition) => void, { path: string; rule: string }[]][] = [
      ['duplicate list id', (d) => d.lists.push({ ...d.lists[0], registrationOrder: 3 }), [{ path: 'lists[2].id', rule: 'DUPLICATE_ID' }]],
      [
        'a renamed list leaves its references unknown',
        (d) => (d.lists[1].id = 'a'),
        [
          { path: 'lists[1].id', rule: 'DUPLICATE_ID' },
          { path: 'candidates[2].party', rule: 'UNKNOWN_PARTY' },
          { path: 'contests[0].lists[1]', rule: 'UNKNOWN_LIST' },
        ],
      ],
      ['duplicate candidate id', (d) => d.candidates.push({ ...d.candidates[0] }), [{ path: 'candidates[3].id', rule: 'DUPLICATE_ID' }]],
      ['duplicate body id', (d) => d.bodies.push({ ...d.bodies[0] }), [{ path: 'bodies[1].id', rule: 'DUPLICATE_ID' }]],
      ['duplicate commission id', (d) => (d.commissions[3].id = 'p1'), [{ path: 'commissions[3].id', rule: 'DUPLICATE_ID' }]],
      [
        'duplicate contest id',
        (d) => d.contests.push({ ...d.contests[2], district: '3' }),
        [{ path: 'contests[3].id', rule: 'DUPLICATE_ID' }],
      ],
      ['unknown parent', (d) => (d.commissions[1].parent = 'cek'), [{ path: 'commissions[1].parent', rule: 'UNKNOWN_PARENT' }]],
      [
        'two roots',
        (d) => d.commissions.push({ id: 'cec2', name: name('CEC 2'), level: 'central', parent: null }),
        [{ path: 'commissions[4].parent', rule: 'MULTIPLE_ROOTS' }],
      ],
      ['precinct under a precinct', (d) => (d.commissions[3].parent = 'p1'), [{ path: 'commissions[3].parent', rule: 'PRECINCT_PARENT_NOT_TERRITORIAL' }]],
      ['territorial under a precinct', (d) => d.commissions.push({ id: 'x', name: name('X'), level: 'district', parent: 'p2' }), [{ path: 'commissions[4].parent', rule: 'PRECINCT_HAS_CHILDREN' }]],
      ['contest with an unknown body', (d) => (d.contests[2].body = 'senate'), [{ path: 'contests[2].body', rule: 'UNKNOWN_BODY' }]],
      ['list contest naming an unknown list', (d) => d.contests[0].lists.push('c'), [{ path: 'contests[0].lists[2]', rule: 'UNKNOWN_LIST' }]],
      ['the same list twice', (d) => d.contests[0].lists.push('a'), [{ path: 'contests[0].lists[2]', rule: 'DUPLICATE_LIST_ON_BALLOT' }]],
      ['lists against their registration order', (d) => d.contests[0].lists.reverse(), [{ path: 'contests[0].lists[1]', rule: 'LISTS_NOT_IN_REGISTRATION_ORDER' }]],
      ['district contest without candidates', (d) => (d.contests[1].candidates = []), [{ path: 'contests[1].candidates', rule: 'NO_CANDIDATES' }]],
      ['unknown candidate', (d) => d.contests[1].candidates.push('c9'), [{ path: 'contests[1].candidates[2]', rule: 'UNKNOWN_CANDIDATE' }]],
      ['the same candidate twice', (d) => d.contests[1].candidates.push('c1'), [{ path: 'contests[1].candidates[2]', rule: 'DUPLICATE_CANDIDATE_ON_BALLOT' }]],
      ['unknown party', (d) => (d.candidates[0].party = 'z'), [{ path: 'candidates[0].party', rule: 'UNKNOWN_PARTY' }]],
      ['precinct in an unknown contest', (d) => d.commissions[2].contests.push('d9'), [{ path: 'commissions[2].contests[2]', rule: 'UNKNOWN_CONTEST' }]],
      ['precinct naming a contest twice', (d) => d.commissions[2].contests.push('lst'), [{ path: 'commissions[2].contests[2]', rule: 'DUPLICATE_CONTEST_AT_PRECINCT' }]],
      ['precinct in two districts of one body', (d) => d.commissions[2].contests.push('d2'), [{ path: 'commissions[2].contests[2]', rule: 'TWO_DISTRICTS_OF_BODY' }]],
      ['duplicate registration order', (d) => (d.lists[1].registrationOrder = 1), [{ path: 'lists[1].registrationOrder', rule: 'DUPLICATE_REGISTRATION_ORDER' }]],
      [
        'two list contests for one body',
        (d) => {
          d.contests.push({ ...d.contests[0], id: 'lst2' });
          d.commissions[3].contests.push('lst2');
        },
        [{ path: 'contests[3].body', rule: 'TWO_LIST_CONTESTS_FOR_BODY' }],
      ],
      ['two contests for one district', (d) => (d.contests[2].district = '1'), [{ path: 'contests[2].district', rule: 'DUPLICATE_DISTRICT' }]],
      ['a contest no precinct votes in', (d) => (d.commissions[3].contests = ['lst']), [{ path: 'contests[2]', rule: 'CONTEST_AT_NO_PRECINCT' }]],
      ['turnout times out of order', (d) => (d.turnoutTimes = ['10:00', '14:00', '12:00']), [{ path: 'turnoutTimes[2]', rule: 'TURNOUT_TIMES_NOT_ASCENDING' }]],
      ['a turnout time twice', (d) => (d.turnoutTimes = ['10:00', '10:00']), [{ path: 'turnoutTimes[1]', rule: 'DUPLICATE_TURNOUT_TIME' }]],
      ['a date that is not on the calendar', (d) => (d.date = '2023-02-29'), [{ path: 'date', rule: 'INVALID_DATE' }]],
      ['an unknown time zone', (d) => (d.timeZone = 'Asia/Atlantis'), [{ path: 'timeZone', rule: 'UNKNOWN_TIME_ZONE' }]],
    ];

    it.each(cases)('%s', (_, mutate, expected) => {
      const def = minimal();
      mutate(def);
      expect(problemsOf(def)).toEqual(expected);
    });

    it('finds a cycle among territorial commissions', () => {
      const def = minimal();
      def.commissions.push(
        { id: 'x', name: name('X'), level: 'district', parent: 'y' },
        { id: 'y', name: name('Y'), level: 'district', parent: 'z' },
        { id: 'z', name: name('Z'), level: 'district', parent: 'x' },
      );
      def.commissions[3].parent = 'z';
      expect(parseElectionDefinition(def)).toEqual({
        ok: false,
        error: [{ path: 'commissions[4].parent', rule: 'PARENT_CYCLE', message: 'the parents form a cycle: "x" → "y" → "z"' }],
      });
    });

    it('reports no root when every commission has a parent', () => {
      const def = minimal();
      def.commissions[0] = { id: 'cec', name: name('CEC'), level: 'regional', parent: 'reg' };
      expect(problemsOf(def)).toEqual([
        { path: 'commissions', rule: 'NO_ROOT' },
        { path: 'commissions[0].parent', rule: 'PARENT_CYCLE' },
      ]);
    });

    it('returns all problems at once, in a stable order', () => {
      const def = minimal();
      def.lists[1].registrationOrder = 1;
      def.candidates[0].party = 'z';
      def.contests[0].body = 'senate';
      def.commissions[2].parent = 'nowhere';
      def.commissions[3].contests.push('d1');
      const first = parseElectionDefinition(def);
      expect(first.ok ? [] : first.error.map((p: DefinitionProblem) => p.rule)).toEqual([
        'DUPLICATE_REGISTRATION_ORDER',
        'UNKNOWN_PARTY',
        'UNKNOWN_BODY',
        'UNKNOWN_PARENT',
        'TWO_DISTRICTS_OF_BODY',
      ]);
      expect(parseElectionDefinition(def)).toEqual(first);
    });
  });
});

describe('ranked lists and baselines', () => {
  const person = (id: string) => ({ id, name: name(id.toUpperCase()) });

  it('accepts ranked lists and a baseline with successors, and keeps a definition without them as it was', () => {
    const def = minimal();
    def.contests[0].rankedLists = [{ list: 'a', candidates: [person('a1'), person('a2')] }];
    def.baselines = [
      { kind: 'inline', body: 'council', name: name('Last time'), date: '2019-03-19', turnoutPercent: 40.5, parties: [{ party: 'old-a', sharePercent: 61.2, seats: 4 }], successors: [{ from: 'old-a', to: 'a' }] },
    ];
    expect(problemsOf(def)).toEqual([]);
    const plain = parseElectionDefinition(minimal());
    expect(plain.ok && 'baselines' in plain.value).toBe(false);
    expect(plain.ok && 'rankedLists' in plain.value.contests[0]).toBe(false);
  });

  it('refuses a ranked list off the ballot or twice, a candidate twice or under a district candidate’s id', () => {
    const def = minimal();
    def.contests[0].rankedLists = [
      { list: 'a', candidates: [person('a1'), person('a1')] },
      { list: 'a', candidates: [person('c1')] },
      { list: 'z', candidates: [person('z1')] },
    ];
    expect(problemsOf(def)).toEqual([
      { path: 'contests[0].rankedLists[0].candidates[1].id', rule: 'DUPLICATE_LIST_CANDIDATE' },
      { path: 'contests[0].rankedLists[1].list', rule: 'DUPLICATE_RANKED_LIST' },
      { path: 'contests[0].rankedLists[1].candidates[0].id', rule: 'DUPLICATE_LIST_CANDIDATE' },
      { path: 'contests[0].rankedLists[2].list', rule: 'RANKED_LIST_NOT_ON_BALLOT' },
    ]);
  });

  it('refuses a baseline of an unknown body, a party twice, an unknown successor, the election itself, a share with three decimals', () => {
    const def = minimal();
    const inline = { kind: 'inline', body: 'council', name: name('Last'), date: '2019-03-19', parties: [{ party: 'x', sharePercent: 50, seats: 1 }, { party: 'x', sharePercent: 10, seats: 0 }], successors: [{ from: 'x', to: 'nope' }] };
    def.baselines = [inline, { kind: 'election', body: 'senate', electionId: 'e1', previousBody: 'council' }, { ...inline, parties: [{ party: 'y', sharePercent: 1.234, seats: 0 }], successors: [] }];
    expect(problemsOf(def)).toEqual([
      { path: 'baselines[2].parties[0].sharePercent', rule: 'NOT_MULTIPLE_OF' },
      { path: 'baselines[0].parties[1].party', rule: 'DUPLICATE_BASELINE_PARTY' },
      { path: 'baselines[0].successors[0].to', rule: 'UNKNOWN_SUCCESSOR' },
      { path: 'baselines[1].body', rule: 'UNKNOWN_BODY' },
      { path: 'baselines[1].electionId', rule: 'BASELINE_OF_ITSELF' },
    ]);
  });
});

describe('baselines, one per body', () => {
  const inline = (body: string) => ({ kind: 'inline', body, name: name('Last'), date: '2019-03-19', parties: [{ party: 'x', sharePercent: 50, seats: 1 }] });
  const withBaselines = (...baselines: unknown[]) => ({ ...minimal(), baselines });

  it('refuses a second baseline of the same body, naming the first', () => {
    const r = parseElectionDefinition(withBaselines(inline('council'), inline('council')));
    expect(r.ok ? [] : r.error).toEqual([{ path: 'baselines[1].body', rule: 'DUPLICATE_BASELINE', message: 'body "council" already has a baseline (baselines[0])' }]);
  });

  it('a recorded election is a baseline unless it is this very election', () => {
    const previous = (electionId: string) => ({ kind: 'election', body: 'council', electionId, previousBody: 'council' });
    expect(problemsOf(withBaselines(previous('e0')))).toEqual([]);
    expect(problemsOf(withBaselines(previous('e1')))).toEqual([{ path: 'baselines[0].electionId', rule: 'BASELINE_OF_ITSELF' }]);
  });
});

describe('definitionKeyProblems (a rule for admitting a definition, not for reading one recorded)', () => {
  const key = (id: string, n: number) => ({ keyId: id, publicKey: Buffer.alloc(32, n).toString('base64') });

  it('refuses a public key two commissions share, naming the first holder', () => {
    // It parses: a definition recorded before the rule still reads as it was.
    const shared = parsedWith((d) => {
      Object.assign(d.commissions[2], { keys: [key('k1', 1)] });
      Object.assign(d.commissions[3], { keys: [key('k2', 2), key('k3', 1)] });
    });
    expect(definitionKeyProblems(shared)).toEqual([
      {
        path: 'commissions[3].keys[1].publicKey',
        rule: 'DUPLICATE_KEY',
        message: 'this public key is already held by commission "p1" (commissions[2].keys[0]): each commission signs with keys of its own',
      },
    ]);
  });

  it('refuses a key id one commission lists twice; a key id two commissions use is theirs', () => {
    const twice = parsedWith((d) => Object.assign(d.commissions[2], { keys: [key('k1', 1), key('k1', 2)] }));
    expect(definitionKeyProblems(twice)).toEqual([{ path: 'commissions[2].keys[1].keyId', rule: 'DUPLICATE_KEY', message: 'commission "p1" lists key id "k1" twice' }]);
    const sameId = parsedWith((d) => {
      Object.assign(d.commissions[2], { keys: [key('k1', 1)] });
      Object.assign(d.commissions[3], { keys: [key('k1', 2)] });
    });
    expect(definitionKeyProblems(sameId)).toEqual([]);
  });
});

describe('the values a definition may take', () => {
  it('takes every allocation method, threshold base, tie rule, district rule, commission level and mode the rules name', () => {
    for (const method of ['hare', 'droop', 'dhondt', 'sainte-lague']) expect(parsedWith((d) => (d.contests[0].method = method)).contests[0]).toMatchObject({ method });
    for (const thresholdBase of ['list-votes', 'list-votes-plus-against-all', 'ballots-cast']) expect(parsedWith((d) => (d.contests[0].thresholdBase = thresholdBase)).contests[0]).toMatchObject({ thresholdBase });
    for (const tieRule of ['registration-order', 'more-votes-then-registration', 'lot']) expect(parsedWith((d) => (d.contests[0].tieRule = tieRule)).contests[0]).toMatchObject({ tieRule });
    for (const rule of ['plurality', 'majority-runoff']) expect(parsedWith((d) => (d.contests[1].rule = rule)).contests[1]).toMatchObject({ rule });
    for (const level of ['central', 'regional', 'district']) expect(parsedWith((d) => (d.commissions[1].level = level)).commissions[1]).toMatchObject({ level });
    for (const mode of ['test', 'live']) expect(parsedWith((d) => (d.mode = mode))).toMatchObject({ mode });
    expect(problemsOf({ ...minimal(), mode: 'rehearsal' })).toEqual([{ path: 'mode', rule: 'INVALID_VALUE' }]);
  });

  it('a district counts “against all” and is won by plurality unless it says otherwise; lists and candidates may be left out', () => {
    expect(parsedWith(() => undefined).contests[1]).toMatchObject({ rule: 'plurality', againstAll: true });
    const bare = parsedWith((d) => {
      d.contests = [{ ...d.contests[1], candidates: ['c1'] }];
      d.candidates = [{ id: 'c1', name: name('C1'), party: null }];
      delete d.lists;
      d.commissions = d.commissions.map((c: RawDefinition) => (c.level === 'precinct' ? { ...c, contests: ['d1'] } : c));
    });
    expect(bare.lists).toEqual([]);
    const noCandidates = parseElectionDefinition(
      edited((d) => {
        delete d.candidates;
      }),
    );
    expect(noCandidates.ok ? [] : noCandidates.error.map((p) => p.rule)).toEqual(['UNKNOWN_CANDIDATE', 'UNKNOWN_CANDIDATE', 'UNKNOWN_CANDIDATE', 'UNKNOWN_CANDIDATE']);
  });

  it('reads dates, times of day, colours and public keys whole: nothing before or after them', () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    const cases: [string, (d: RawDefinition, v: string) => void, string, string[]][] = [
      ['date', (d, v) => (d.date = v), '2023-03-19', ['x2023-03-19', '2023-03-19x']],
      ['pollsClose', (d, v) => (d.pollsClose = v), '19:30', ['x19:30', '19:30x', '24:00', '2x:00', '19:60']],
      ['turnoutTimes[0]', (d, v) => (d.turnoutTimes = [v]), '09:00', ['x09:00', '09:00x']],
      ['lists[0].colour', (d, v) => (d.lists[0].colour = v), '#a1b2c3', ['x#a1b2c3', '#a1b2c3x']],
      ['commissions[0].keys[0].publicKey', (d, v) => (d.commissions[0].keys = [{ keyId: 'k', publicKey: v }]), key, [`x${key}`, `${key}x`]],
    ];
    for (const [path, set, good, bads] of cases) {
      expect(problemsOf(edited((d) => set(d, good)))).toEqual([]);
      for (const bad of bads) {
        expect([bad, problemsOf(edited((d) => set(d, bad)))]).toEqual([bad, [{ path, rule: 'INVALID_FORMAT' }]]);
      }
    }
  });

  it('a party’s short name is 1 to 32 characters', () => {
    expect(problemsOf(edited((d) => (d.lists[0].shortName = 'A'.repeat(32))))).toEqual([]);
    expect(problemsOf(edited((d) => (d.lists[0].shortName = 'A'.repeat(33))))).toEqual([{ path: 'lists[0].shortName', rule: 'TOO_BIG' }]);
    expect(problemsOf(edited((d) => (d.lists[0].shortName = '')))).toEqual([{ path: 'lists[0].shortName', rule: 'TOO_SMALL' }]);
  });

  it('polling day is a day of the calendar: months 1 to 12, days 1 to the month’s last, 29 February in leap years only', () => {
    for (const date of ['2024-02-29', '2000-02-29', '2023-12-31', '2023-01-01', '2023-04-30']) expect([date, problemsOf({ ...minimal(), date })]).toEqual([date, []]);
    for (const date of ['2023-02-29', '1900-02-29', '2100-02-29', '2023-04-31', '2023-13-01', '2023-00-10', '2023-01-00']) {
      expect([date, problemsOf({ ...minimal(), date })]).toEqual([date, [{ path: 'date', rule: 'INVALID_DATE' }]]);
    }
  });

  it('turnout times are listed once each, in ascending order; the time zone is one the calendar knows', () => {
    expect(problemsOf({ ...minimal(), turnoutTimes: ['10:00', '12:00', '12:00', '11:59', '18:00'] })).toEqual([
      { path: 'turnoutTimes[2]', rule: 'DUPLICATE_TURNOUT_TIME' },
      { path: 'turnoutTimes[3]', rule: 'TURNOUT_TIMES_NOT_ASCENDING' },
    ]);
    const r = parseElectionDefinition({ ...minimal(), turnoutTimes: ['12:00', '10:00'], timeZone: 'Asia/Nowhere' });
    expect(r.ok ? [] : r.error.map((p) => p.message)).toEqual(['"Asia/Nowhere" is not an IANA time zone', '10:00 comes after 12:00; list the times in ascending order']);
  });
});
