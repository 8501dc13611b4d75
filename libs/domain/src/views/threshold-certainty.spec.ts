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

  it('judges a base as large as the outstanding voters by the shares, not as a base of nothing', () => {
    expect(at5(500, 500, 500)).toBe('certainly-in'); // worst 500 / 1,000 = 50%
    expect(at5(0, 500, 500)).toBe('undecided'); // best 500 / 1,000
  });

  it('is inclusive when the votes are whole multiples of 10,000 and when the products pass 2^53', () => {
    expect(at5(10_000, 200_000, 0)).toBe('certainly-in'); // exactly 5%
    expect(at5(10_000, 200_001, 0)).toBe('certainly-out');
    // 5·10^13 of 10^15 is exactly 5%: both products are 5·10^17, compared as BigInt.
    expect(at5(5e13, 1e15, 0)).toBe('certainly-in');
    expect(at5(5e13 - 1, 1e15, 0)).toBe('certainly-out');
    expect(atLeast(2 ** 40, 2 ** 20, 2 ** 30, 2 ** 30)).toBe(true);
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

  it('while voters are outstanding, an allocation verdict does not decide: the certainties do', () => {
    expect(admissionCertainty({ ...base, threshold: 'certainly-in', certainlyInLists: 2, finalAdmitted: false })).toBe('certainly-admitted');
    expect(admissionCertainty({ ...base, threshold: 'certainly-out', certainlyInLists: 0, finalAdmitted: true })).toBe('undecided');
  });

  it('a list still undecided on the threshold is undecided, however many lists are certainly in', () => {
    expect(admissionCertainty({ ...base, threshold: 'undecided', certainlyInLists: 5 })).toBe('undecided');
  });

  it('with nothing outstanding but no allocation verdict (a tie), the certainties decide', () => {
    const settled = { ...base, outstandingVoters: 0, finalAdmitted: undefined };
    expect(admissionCertainty({ ...settled, threshold: 'certainly-in', certainlyInLists: 1 })).toBe('certainly-admitted');
    expect(admissionCertainty({ ...settled, threshold: 'certainly-out', certainlyInLists: 1 })).toBe('undecided');
  });

  it('with nothing outstanding, the allocation decides', () => {
    expect(admissionCertainty({ ...base, outstandingVoters: 0, threshold: 'certainly-out', certainlyInLists: 1, finalAdmitted: true })).toBe('certainly-admitted');
    expect(admissionCertainty({ ...base, outstandingVoters: 0, threshold: 'certainly-in', certainlyInLists: 1, finalAdmitted: false })).toBe('certainly-not-admitted');
  });
});
