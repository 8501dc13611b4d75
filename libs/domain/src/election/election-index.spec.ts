import fc from 'fast-check';
import { indexElection } from './election-index';
import { parseElectionDefinition } from './parse-election-definition';
import type { ElectionDefinition } from './election-definition';

const name = (en: string) => ({ kk: en, ru: en, en });

function parsed(input: unknown): ElectionDefinition {
  const result = parseElectionDefinition(input);
  if (!result.ok) throw new Error(JSON.stringify(result.error, null, 2));
  return result.value;
}

// Listed out of tree order on purpose: the dense numbering must follow the tree, not the file.
const definition = parsed({
  id: 'e1',
  name: name('Test'),
  date: '2023-03-19',
  timeZone: 'Asia/Almaty',
  turnoutTimes: ['10:00', '20:00'],
  bodies: [{ id: 'council', name: name('Council') }, { id: 'city', name: name('City') }],
  lists: [
    { id: 'a', name: name('A'), colour: '#112233', registrationOrder: 1 },
    { id: 'b', name: name('B'), colour: '#445566', registrationOrder: 2 },
  ],
  candidates: [
    { id: 'c1', name: name('C1'), party: 'a' },
    { id: 'c2', name: name('C2'), party: null },
  ],
  contests: [
    { kind: 'list', id: 'lst', name: name('Lists'), body: 'council', seats: 5, thresholdPercent: 5, thresholdBase: 'list-votes-plus-against-all', method: 'hare', lists: ['a', 'b'] },
    { kind: 'single-member', id: 'd1', name: name('D1'), body: 'council', district: '1', candidates: ['c1', 'c2'] },
    { kind: 'single-member', id: 'd2', name: name('D2'), body: 'council', district: '2', candidates: ['c2', 'c1'] },
    { kind: 'single-member', id: 'm1', name: name('M1'), body: 'city', district: '1', candidates: ['c2'] },
  ],
  commissions: [
    { id: 'p4', name: name('P4'), level: 'precinct', parent: 'dB', registeredVoters: 400, contests: ['lst', 'd2'] },
    { id: 'cec', name: name('CEC'), level: 'central', parent: null },
    { id: 'reg1', name: name('R1'), level: 'regional', parent: 'cec' },
    { id: 'dA', name: name('DA'), level: 'district', parent: 'reg1' },
    { id: 'p1', name: name('P1'), level: 'precinct', parent: 'dA', registeredVoters: 100, contests: ['lst', 'd1', 'm1'] },
    { id: 'p2', name: name('P2'), level: 'precinct', parent: 'dA', registeredVoters: 200, contests: ['lst', 'd1'] },
    { id: 'reg2', name: name('R2'), level: 'regional', parent: 'cec' },
    { id: 'p3', name: name('P3'), level: 'precinct', parent: 'reg1', registeredVoters: 300, contests: ['d2', 'lst'] },
    { id: 'dB', name: name('DB'), level: 'district', parent: 'reg2' },
  ],
});

describe('indexElection', () => {
  const index = indexElection(definition);

  it('numbers precincts densely in depth-first order', () => {
    expect(index.precinctIds).toEqual(['p1', 'p2', 'p3', 'p4']);
    expect(index.precinctCount).toBe(4);
    expect(['p1', 'p2', 'p3', 'p4'].map((id) => index.precinctIndex(id))).toEqual([0, 1, 2, 3]);
    expect(index.precinctAt(3)?.id).toBe('p4');
    expect(index.precinctIndex('dA')).toBeUndefined();
    expect(index.precinctIndex('nope')).toBeUndefined();
    expect(index.precinctAt(4)).toBeUndefined();
  });

  it('gives every commission its precincts as one range', () => {
    expect(index.precinctRange('cec')).toEqual([0, 4]);
    expect(index.precinctRange('reg1')).toEqual([0, 3]);
    expect(index.precinctRange('dA')).toEqual([0, 2]);
    expect(index.precinctRange('reg2')).toEqual([3, 4]);
    expect(index.precinctRange('p3')).toEqual([2, 3]);
    expect(index.precinctRange('nope')).toBeUndefined();
    expect(index.precinctsUnder('reg1')).toEqual(['p1', 'p2', 'p3']);
    expect(index.precinctsUnder('reg1')).toBe(index.precinctsUnder('reg1')); // cached
    expect(index.precinctsUnder('nope')).toEqual([]);
  });

  it('navigates the tree', () => {
    expect(index.root.id).toBe('cec');
    expect(index.parentOf('p1')).toBe('dA');
    expect(index.parentOf('cec')).toBeUndefined();
    expect(index.ancestors('p1')).toEqual(['dA', 'reg1', 'cec']);
    expect(index.ancestors('cec')).toEqual([]);
    expect(index.children('cec')).toEqual(['reg1', 'reg2']);
    expect(index.children('reg1')).toEqual(['dA', 'p3']);
    expect(index.children('p1')).toEqual([]);
    expect(index.isWithin('p1', 'reg1')).toBe(true);
    expect(index.isWithin('p1', 'p1')).toBe(true);
    expect(index.isWithin('p4', 'reg1')).toBe(false);
    expect(index.isWithin('reg1', 'p1')).toBe(false);
    expect(index.isWithin('p1', 'nope')).toBe(false);
  });

  it('looks things up by id', () => {
    expect(index.commission('dB')?.level).toBe('district');
    expect(index.precinct('dB')).toBeUndefined();
    expect(index.precinct('p2')?.registeredVoters).toBe(200);
    expect(index.contest('d1')?.kind).toBe('single-member');
    expect(index.list('b')?.registrationOrder).toBe(2);
    expect(index.candidate('c2')?.party).toBeNull();
    expect(index.body('city')?.id).toBe('city');
    expect(index.bodies.map((b) => b.id)).toEqual(['council', 'city']);
    expect(index.turnoutTimes).toEqual(['10:00', '20:00']);
  });

  it('knows which contests are voted where', () => {
    expect(index.contestsAt('dA').map((c) => c.id)).toEqual(['lst', 'd1', 'm1']);
    expect(index.contestsAt('reg2').map((c) => c.id)).toEqual(['lst', 'd2']);
    expect(index.contestsAt('cec').map((c) => c.id)).toEqual(['lst', 'd1', 'd2', 'm1']);
    expect(Array.from(index.precinctsInContest('d2'))).toEqual([2, 3]);
    expect(Array.from(index.precinctsInContest('nope'))).toEqual([]);
    expect(index.expectedPrecincts('cec', 'lst')).toBe(4);
    expect(index.expectedPrecincts('reg1', 'd2')).toBe(1);
    expect(index.expectedPrecincts('reg2', 'd1')).toBe(0);
    expect(index.expectedPrecincts('p1', 'm1')).toBe(1);
  });

  it('knows the ballots and the bodies', () => {
    expect(index.choices('lst')).toEqual(['a', 'b']);
    expect(index.choices('d2')).toEqual(['c2', 'c1']);
    expect(index.choiceIndex('d2', 'c1')).toBe(1);
    expect(index.choiceIndex('d2', 'a')).toBeUndefined();
    expect(index.listContestOfBody('council')?.id).toBe('lst');
    expect(index.listContestOfBody('city')).toBeUndefined();
    expect(index.districtContestsOfBody('council').map((c) => c.id)).toEqual(['d1', 'd2']);
    expect(index.districtOf('p3', 'council')?.id).toBe('d2');
    expect(index.districtOf('p1', 'city')?.id).toBe('m1');
    expect(index.districtOf('p2', 'city')).toBeUndefined();
  });

  it('agrees with a naive walk on any tree', () => {
    // Territorial node k hangs under an earlier one; precincts under any territorial node;
    // then the whole list is shuffled so file order says nothing about tree order.
    const tree = fc
      .record({
        parents: fc.array(fc.nat(), { minLength: 0, maxLength: 12 }),
        precinctParents: fc.array(fc.nat(), { minLength: 1, maxLength: 30 }),
        order: fc.array(fc.nat(), { minLength: 50, maxLength: 50 }),
      })
      .map(({ parents, precinctParents, order }) => {
        const territorial = [{ id: 't0', name: name('t0'), level: 'central', parent: null }, ...parents.map((p, k) => ({ id: `t${k + 1}`, name: name('t'), level: 'district', parent: `t${p % (k + 1)}` }))];
        const precincts = precinctParents.map((p, k) => ({ id: `p${k}`, name: name('p'), level: 'precinct', parent: `t${p % territorial.length}`, registeredVoters: 1, contests: ['lst'] }));
        const all: object[] = [...territorial, ...precincts];
        const shuffled = all.map((c, i) => ({ c, key: order[i % order.length] * 100 + i })).sort((x, y) => x.key - y.key).map((x) => x.c);
        return parsed({ ...definition, candidates: [], contests: [definition.contests[0]], commissions: shuffled });
      });
    fc.assert(
      fc.property(tree, (def) => {
        const idx = indexElection(def);
        const parentOf = new Map(def.commissions.map((c) => [c.id, c.parent]));
        const naiveAncestors = (id: string): string[] => {
          const out: string[] = [];
          for (let p = parentOf.get(id); p; p = parentOf.get(p)) out.push(p);
          return out;
        };
        for (const c of def.commissions) {
          expect(idx.ancestors(c.id)).toEqual(naiveAncestors(c.id));
          const under = def.commissions.filter((p) => p.level === 'precinct' && naiveAncestors(p.id).includes(c.id)).map((p) => p.id);
          if (c.level === 'precinct') under.push(c.id);
          expect([...idx.precinctsUnder(c.id)].sort()).toEqual(under.sort());
          const [start, end] = idx.precinctRange(c.id)!;
          expect(end - start).toBe(under.length);
          for (const other of def.commissions) {
            expect(idx.isWithin(other.id, c.id)).toBe(other.id === c.id || naiveAncestors(other.id).includes(c.id));
          }
        }
        idx.precinctIds.forEach((id, i) => expect(idx.precinctIndex(id)).toBe(i));
      }),
      { numRuns: 100 },
    );
  });

  it('refuses a definition that was not parsed (a bug in the caller)', () => {
    const cyclic = { ...definition, commissions: definition.commissions.map((c) => (c.id === 'cec' ? { ...c, parent: 'reg1' } : c)) };
    expect(() => indexElection(cyclic)).toThrow(/no root/);
    const unknownParent = { ...definition, commissions: definition.commissions.map((c) => (c.id === 'p2' ? { ...c, parent: 'nowhere' } : c)) };
    expect(() => indexElection(unknownParent)).toThrow('indexElection: unknown parent "nowhere" of "p2"; parse the definition first');
    const precinctRoot = { ...definition, commissions: [{ ...definition.commissions[0], parent: null }] } as unknown as ElectionDefinition;
    expect(() => indexElection(precinctRoot)).toThrow('indexElection: the root is a precinct');
    // A cycle beside a root: dA and p1 under each other.
    const loop = { ...definition, commissions: definition.commissions.map((c) => (c.id === 'dA' ? { ...c, parent: 'p1' } : c)) };
    expect(() => indexElection(loop)).toThrow('indexElection: some commissions do not reach the root (a cycle); parse the definition first');
  });

  it('answers nothing, never a neighbour’s, for an id or a place it does not hold', () => {
    for (const id of ['nope', '']) {
      expect([index.commission(id), index.precinct(id), index.parentOf(id), index.precinctIndex(id), index.precinctRange(id)]).toEqual([undefined, undefined, undefined, undefined, undefined]);
      expect([index.ancestors(id), index.children(id), index.precinctsUnder(id), index.contestsAt(id), index.choices(id), index.districtContestsOfBody(id)]).toEqual([[], [], [], [], [], []]);
      expect([index.isWithin(id, 'cec'), index.isWithin('p1', id), index.expectedPrecincts(id, 'lst'), index.choiceIndex(id, 'a'), index.districtOf(id, 'council')]).toEqual([false, false, 0, undefined, undefined]);
    }
    // The first commission in the file (p4, at place 0) is no answer for an unknown id.
    expect(index.precinctIndex('p4')).toBe(3);
    expect(index.commission('p4')?.id).toBe('p4');
    expect([index.precinctAt(-1), index.precinctAt(4), index.precinctAt(0.5)]).toEqual([undefined, undefined, undefined]);
    expect([index.precinctAt(0)?.id, index.precinctAt(3)?.id]).toEqual(['p1', 'p4']);
    expect(index.precinctIndex('dA')).toBeUndefined();
  });

  it('gives the same lists on every call: children, precincts under and contests at a commission', () => {
    expect(index.children('cec')).toBe(index.children('cec'));
    expect(index.precinctsUnder('reg1')).toBe(index.precinctsUnder('reg1'));
    expect(index.contestsAt('dA')).toBe(index.contestsAt('dA'));
    expect(index.children('dB')).toEqual(['p4']);
    expect(index.precinctsUnder('dB')).toEqual(['p4']);
  });
});
