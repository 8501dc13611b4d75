import fc from 'fast-check';
import { admissionCertainty, atLeast, thresholdCertainty } from './threshold-certainty';

describe('thresholdCertainty', () => {
  const at5 = (votes: number, base: number, outstandingVoters: number) => thresholdCertainty({ votes, base, outstandingVoters, thresholdBasisPoints: 500 });

  it('is inclusive: exactly 5% with nothing outstanding is in', () => {
    expect(at5(50, 1000, 0)).toBe('certainly-in');
    expect(at5(49, 1000, 0)).toBe('certainly-out');
  });

  it('counts every outstanding voter against the list for "in", and for it for "out"', () => {
    expect(at5(55, 1000, 100)).toBe('certainly-in'); // 55 / 1,100 = 5%
    expect(at5(54, 1000, 100)).toBe('undecided');
    expect(at5(0, 1000, 52)).toBe('certainly-out'); // best 52 / 1,052 < 5%
    expect(at5(0, 1000, 53)).toBe('undecided'); // best 53 / 1,053 ≥ 5%
  });

  it('with no votes and none to come, nothing passes', () => {
    expect(at5(0, 0, 0)).toBe('certainly-out');
    expect(at5(0, 0, 10)).toBe('undecided');
  });

  it('compares exactly beyond 2^53', () => {
    expect(atLeast(2 ** 52 + 1, 10000, 2 ** 52, 10000)).toBe(true);
    expect(atLeast(2 ** 52, 10000, 2 ** 52 + 1, 10000)).toBe(false);
    // One vote-twentieth short of 5%: 500 apart at 4·10^18, where doubles are 512 apart and call it equal.
    expect(atLeast(400035707339568, 10000, 8000714146791361, 500)).toBe(false);
    expect(thresholdCertainty({ votes: 400035707339568, base: 8000714146791361, outstandingVoters: 0, thresholdBasisPoints: 500 })).toBe('certainly-out');
  });

  it('never contradicts a possible outcome: whatever the outstanding voters do, a certain verdict holds', () => {
    fc.assert(
      fc.property(
        fc.nat(10_000),
        fc.nat(10_000),
        fc.nat(5_000),
        fc.integer({ min: 0, max: 10_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (votes, others, outstanding, bp, toList, toOthers) => {
          const verdict = thresholdCertainty({ votes, base: votes + others, outstandingVoters: outstanding, thresholdBasisPoints: bp });
          const x = Math.floor(outstanding * toList);
          const y = Math.floor((outstanding - x) * toOthers);
          const finalVotes = votes + x;
          const finalBase = votes + others + x + y;
          const passes = finalBase > 0 && finalVotes * 10000 >= bp * finalBase;
          if (verdict === 'certainly-in') expect(passes).toBe(true);
          if (verdict === 'certainly-out') expect(passes).toBe(false);
        },
      ),
    );
  });
});

describe('admissionCertainty', () => {
  const base = { votes: 10, outstandingVoters: 100, minimumAdmittedLists: 2, finalAdmitted: undefined };

  it('a list certainly out stays undecided while fewer lists than the minimum are certainly in: runner-up admission may take it', () => {
    expect(admissionCertainty({ ...base, threshold: 'certainly-out', certainlyInLists: 1 })).toBe('undecided');
    expect(admissionCertainty({ ...base, threshold: 'certainly-out', certainlyInLists: 2 })).toBe('certainly-not-admitted');
    expect(admissionCertainty({ ...base, threshold: 'certainly-out', certainlyInLists: 0, minimumAdmittedLists: 0 })).toBe('certainly-not-admitted');
  });

  it('a list certainly in with a vote is certainly admitted; with no vote it is not yet', () => {
    expect(admissionCertainty({ ...base, threshold: 'certainly-in', certainlyInLists: 1 })).toBe('certainly-admitted');
    expect(admissionCertainty({ ...base, votes: 0, threshold: 'certainly-in', certainlyInLists: 1 })).toBe('undecided');
  });

  it('with nothing outstanding, the allocation decides', () => {
    expect(admissionCertainty({ ...base, outstandingVoters: 0, threshold: 'certainly-out', certainlyInLists: 1, finalAdmitted: true })).toBe('certainly-admitted');
    expect(admissionCertainty({ ...base, outstandingVoters: 0, threshold: 'certainly-in', certainlyInLists: 1, finalAdmitted: false })).toBe('certainly-not-admitted');
  });
});
