// Each forensic test on hand-made precincts: quiet on smooth figures, firing on the pattern it
// looks for, naming the precincts behind it, and saying so when there is too little to judge.
import { FORENSIC_SETTINGS, forensics, integerPercentOf, type ForensicPrecinct, type ForensicSignal, type ForensicsInput } from './forensics';

/** The fractional part of i·φ and i·√2: evenly spread, aimed at no round value. */
const spread = (i: number, step: number): number => (i * step) % 1;

/** A smooth precinct i: no turnout or share is aimed at. */
function precinct(i: number, over: Partial<ForensicPrecinct> = {}): ForensicPrecinct {
  const registered = 1003 + 37 * i;
  const ballotsIssued = Math.floor(registered * (0.41 + 0.2 * spread(i, 0.6180339887498949)));
  const validVotes = ballotsIssued - 7 - (i % 5);
  const leaderVotes = Math.floor(validVotes * (0.38 + 0.2 * spread(i, 0.41421356237309515)));
  const rest = validVotes - leaderVotes;
  return {
    precinctId: `p${i}`,
    parentId: `d${i % 4}`,
    registered,
    ballotsIssued,
    validVotes,
    leaderVotes,
    counts: [leaderVotes, Math.floor(rest * 0.6), rest - Math.floor(rest * 0.6)],
    version: 1,
    arrivedAt: 1_000_000 + i * 60_000,
    ...over,
  };
}

const night = (n: number, over: (i: number) => Partial<ForensicPrecinct> = () => ({})): ForensicsInput => {
  const precincts = Array.from({ length: n }, (_, i) => precinct(i, over(i)));
  return { precincts, contest: { protocols: n, corrected: precincts.filter((p) => p.version > 1).length } };
};
const signal = (input: ForensicsInput, test: ForensicSignal['test']): ForensicSignal => forensics(input).signals.find((s) => s.test === test)!;

describe('forensics', () => {
  it('integerPercentOf: the integer percent a count was made to be, or −1', () => {
    expect(integerPercentOf(80, 100)).toBe(80);
    expect(integerPercentOf(1120, 1600)).toBe(70);
    expect(integerPercentOf(1121, 1600)).toBe(-1);
    // 70% of 1,601 is 1,120.7: the count nearest it is 1,121.
    expect(integerPercentOf(1121, 1601)).toBe(70);
    expect(integerPercentOf(1120, 1601)).toBe(-1);
    // Below 100 voters every count is the nearest to some integer percent.
    expect(integerPercentOf(3, 7)).toBe(43);
    expect(integerPercentOf(0, 500)).toBe(0);
    expect(integerPercentOf(500, 500)).toBe(100);
  });

  it('is quiet on smooth figures: every p-value test clear, nobody named', () => {
    const report = forensics(night(400));
    expect(report.signals.map((s) => [s.test, s.status])).toEqual([
      ['integer-turnout', 'clear'],
      ['integer-leader-share', 'clear'],
      ['last-digit', 'clear'],
      ['late-arrival', 'clear'],
      ['corrections', 'clear'],
    ]);
    expect(report.signals.flatMap((s) => s.precincts)).toEqual([]);
    expect(report.fingerprint.precincts).toBe(400);
    expect(report.fingerprint.cells.reduce((s, c) => s + c[2], 0)).toBe(400);
  });

  it('integer turnout: 40 of 400 precincts at 85% turnout fire it, those precincts named first', () => {
    const stuffed = (i: number) => i % 10 === 3;
    const input = night(400, (i) => (stuffed(i) ? { ballotsIssued: Math.floor((2 * 85 * (1003 + 37 * i) + 100) / 200) } : {}));
    const s = signal(input, 'integer-turnout');
    expect(s).toMatchObject({ status: 'flagged', threshold: { alpha: FORENSIC_SETTINGS.alpha }, details: { peakPercent: 85 } });
    expect(s.pValue).toBeLessThan(1e-6);
    expect(s.precincts.slice(0, 40).sort()).toEqual(input.precincts.filter((_, i) => stuffed(i)).map((p) => p.precinctId).sort());
    expect(signal(input, 'integer-leader-share').status).toBe('clear');
    // The fingerprint shows them in one column (floored: the count nearest 85% may fall just short of it).
    expect(forensics(input).fingerprint.cells.filter((c) => c[0] === 84 || c[0] === 85).reduce((a, c) => a + c[2], 0)).toBeGreaterThanOrEqual(40);
  });

  it('integer leader share: 40 precincts with the leader at 70% fire it', () => {
    const input = night(400, (i) => {
      if (i % 10 !== 3) return {};
      const p = precinct(i);
      return { leaderVotes: Math.floor((2 * 70 * p.validVotes + 100) / 200) };
    });
    expect(signal(input, 'integer-leader-share')).toMatchObject({ status: 'flagged', details: { peakPercent: 70 } });
    expect(signal(input, 'integer-turnout').status).toBe('clear');
  });

  it('last digit: counts made to end in 0 fire the chi-square', () => {
    const input = night(400, (i) => (i % 3 === 0 ? { counts: precinct(i).counts.map((c) => c - (c % 10)) } : {}));
    const s = signal(input, 'last-digit');
    expect(s).toMatchObject({ status: 'flagged', details: { mostFrequentDigit: 0 } });
    expect(s.pValue).toBeLessThan(1e-9);
    expect(s.precincts[0]).toBe('p0');
  });

  it('last digit: a tilt of half a point over a million counts is significant but too small to flag', () => {
    // 1,000,000 counts 100–1099, every last digit equally often but 0 (10.5%) and 7 (9.5%).
    const counts = Array.from({ length: 1_000_000 }, (_, i) => 100 + (i % 200 === 1 ? 10 * (10 + ((i >> 8) % 100)) : (i * 7) % 1000));
    const input = night(400, (i) => ({ counts: counts.slice(i * 2500, (i + 1) * 2500) }));
    const s = signal(input, 'last-digit');
    expect(s.pValue).toBeLessThan(FORENSIC_SETTINGS.alpha);
    expect(s.details.largestDeviation).toBeLessThan(FORENSIC_SETTINGS.lastDigitMinDeviation);
    expect(s.status).toBe('clear');
  });

  it('late arrival: a protocol recorded hours after the rest is named, with no p-value claimed', () => {
    const input = night(100, (i) => (i === 42 ? { arrivedAt: 1_000_000 + 100 * 60_000 + 10 * 3_600_000 } : {}));
    const s = signal(input, 'late-arrival');
    expect(s).toMatchObject({ status: 'flagged', pValue: null, threshold: { alpha: null }, precincts: ['p42'], precinctsTotal: 1 });
    // Unknown times are left out; too few known ones say so.
    expect(signal(night(100, () => ({ arrivedAt: null })), 'late-arrival').status).toBe('insufficient-data');
  });

  it('corrections: one reporting commission correcting half its protocols is flagged, its corrected precincts named', () => {
    const input = night(400, (i) => (i % 4 === 1 && i % 8 === 1 ? { version: 2 } : i === 10 ? { version: 2 } : {}));
    const s = signal(input, 'corrections');
    expect(s).toMatchObject({ status: 'flagged', details: { flaggedCommissions: 'd1', groupsCompared: 4 } });
    expect(s.precinctsTotal).toBe(50);
    expect(s.precincts).not.toContain('p10');
    // The same rate everywhere is not a signal.
    expect(signal(night(400, (i) => (i % 9 === 0 ? { version: 2 } : {})), 'corrections').status).toBe('clear');
  });

  it('says insufficient-data, never clear, on too few precincts', () => {
    const report = forensics(night(10));
    expect(report.signals.filter((s) => s.test !== 'corrections').map((s) => s.status)).toEqual(['insufficient-data', 'insufficient-data', 'insufficient-data', 'insufficient-data']);
    expect(report.signals.every((s) => s.status !== 'flagged')).toBe(true);
  });
});
