// Election forensics over one commission's precinct protocols: signals, never verdicts. Each test
// answers with its name, the statistic, a p-value where a null distribution can be defended, the
// threshold it was held to and the precincts behind it. Every test can fire on a clean election
// (libs/domain/README.md, "Forensic signals", says how); a flag asks a person to look, nothing more.
//
// Pure and deterministic: times arrive as milliseconds, never from a clock.
import { chiSquareUpper, hypergeometricUpper, poissonBinomialUpper } from './statistics';

/** One precinct's counted protocol in the contest, as the tests read it. */
export interface ForensicPrecinct {
  readonly precinctId: string;
  /** The territorial commission the precinct reports to: the group whose corrections are compared. */
  readonly parentId: string;
  /** Voters on the list per the protocol (same-day additions included): turnout's denominator. */
  readonly registered: number;
  readonly ballotsIssued: number;
  /** Votes for every choice plus against all: the leader's share's denominator. */
  readonly validVotes: number;
  /** Votes for the commission's leading choice. */
  readonly leaderVotes: number;
  /** Every choice's votes and against all: the last-digit test's counts. */
  readonly counts: readonly number[];
  /** The protocol version counted: above 1, the protocol was corrected. */
  readonly version: number;
  /** When the store recorded the precinct's first protocol of the contest (ms since the epoch); null if unknown. */
  readonly arrivedAt: number | null;
}

export interface ForensicsInput {
  readonly precincts: readonly ForensicPrecinct[];
  /** The whole contest's counted protocols, and how many were corrected: the corrections test's reference. */
  readonly contest: { readonly protocols: number; readonly corrected: number };
}

/** The significance level and the rules every test is held to (stated, and returned with each signal). */
export const FORENSIC_SETTINGS = {
  /** Per test; the corrections test divides it among the groups it compares (Bonferroni). */
  alpha: 0.001,
  /** Fewer precincts than this and the spike tests say `insufficient-data` (the normal approximation needs them). */
  minPrecincts: 50,
  /** Counts below this are left out of the last-digit test (their last digits are not close to uniform). */
  lastDigitMinCount: 100,
  /** At least this many counts (ten per digit expected) for the chi-square. */
  lastDigitMinSample: 100,
  /**
   * And a digit at least this far from its 10% (a share): over hundreds of thousands of counts the
   * chi-square finds the fraction-of-a-percent tilt any sloping count distribution gives its last
   * digits (100k clean synthetic precincts: p ≈ 1e-7 with no digit 0.3 points off), a size no one
   * would call a signal.
   */
  lastDigitMinDeviation: 0.01,
  /** Late: recorded after the third quartile plus this many interquartile ranges (Tukey's "far out"). */
  lateFenceIqr: 3,
  minArrivals: 20,
  /** Precincts named per signal at most (the count of all is given beside). */
  precinctsListed: 100,
} as const;

export type ForensicTest = 'integer-turnout' | 'integer-leader-share' | 'last-digit' | 'late-arrival' | 'corrections';

export interface ForensicSignal {
  readonly test: ForensicTest;
  /** Where the method comes from. */
  readonly reference: string;
  /** `flagged`: the statistic passed the threshold; `clear`: it did not; `insufficient-data`: too few precincts to say. */
  readonly status: 'flagged' | 'clear' | 'insufficient-data';
  readonly statistic: { readonly name: string; readonly value: number | null };
  /** Null where the test is a rule without a defensible null distribution (late arrival). */
  readonly pValue: number | null;
  readonly threshold: { readonly alpha: number | null; readonly rule: string };
  /** Precincts (or counts, for the last digits) the test looked at. */
  readonly sample: number;
  /** The figures behind the statistic, by name. */
  readonly details: Readonly<Record<string, number | string | null>>;
  /** The precincts behind the signal, most telling first, at most `precinctsListed`. */
  readonly precincts: readonly string[];
  readonly precinctsTotal: number;
}

/** Turnout (x) × the leader's share (y) in whole percent, 0–100: precincts per cell, empty cells left out. */
export interface Fingerprint {
  readonly reference: string;
  readonly precincts: number;
  /** [turnoutPercent, leaderSharePercent, precincts], the percent floored (100 only at exactly 100%). */
  readonly cells: readonly (readonly [number, number, number])[];
}

export interface ForensicsReport {
  readonly fingerprint: Fingerprint;
  readonly signals: readonly ForensicSignal[];
}

const KLIMEK = 'Klimek, Yegorov, Hanel, Thurner: Statistical detection of systematic election irregularities, PNAS 109 (2012)';
const KOBAK = 'Kobak, Shpilkin, Pshenichnikov: Integer percentages as electoral falsification fingerprints, Annals of Applied Statistics 10 (2016)';
const BEBER = 'Beber, Scacco: What the numbers say — a digit-based test for election fraud, Political Analysis 20 (2012)';
const TUKEY = 'Tukey: Exploratory Data Analysis (1977), outer fences';
const FISHER = 'Fisher’s exact test, one-sided, Bonferroni-corrected over the groups compared';

/** Every forensic signal of one commission over its precincts' counted protocols of one contest. */
export function forensics(input: ForensicsInput): ForensicsReport {
  const ps = input.precincts;
  return {
    fingerprint: fingerprint(ps),
    signals: [
      integerPercent('integer-turnout', ps, (p) => p.ballotsIssued, (p) => p.registered),
      integerPercent('integer-leader-share', ps, (p) => p.leaderVotes, (p) => p.validVotes),
      lastDigit(ps),
      lateArrival(ps),
      corrections(ps, input.contest),
    ],
  };
}

/** floor(100·num/den), in integers (num ≤ den, both below 2^32). */
const percentFloor = (num: number, den: number): number => Math.floor((100 * num) / den);

function fingerprint(ps: readonly ForensicPrecinct[]): Fingerprint {
  const cells = new Map<number, number>();
  let precincts = 0;
  for (const p of ps) {
    if (p.registered === 0 || p.validVotes === 0) continue;
    const key = percentFloor(Math.min(p.ballotsIssued, p.registered), p.registered) * 101 + percentFloor(p.leaderVotes, p.validVotes);
    cells.set(key, (cells.get(key) ?? 0) + 1);
    precincts++;
  }
  const sorted = [...cells.entries()].sort((a, b) => a[0] - b[0]);
  return { reference: KLIMEK, precincts, cells: sorted.map(([key, n]) => [Math.floor(key / 101), key % 101, n] as const) };
}

/** round(100·k/n), half up, in integers. */
const nearestPercent = (k: number, n: number): number => Math.floor((200 * k + n) / (2 * n));

/**
 * The integer percent P nearest to 100·k/n (half up), if k is the numerator nearest to P·n/100 —
 * what a count "made to be P%" is; else −1. Integers only.
 */
export function integerPercentOf(k: number, n: number): number {
  const p = nearestPercent(k, n);
  return Math.floor((2 * p * n + 100) / 200) === k ? p : -1;
}

/**
 * Kobak et al.'s integer-percentage test. Under the null (counts locally smooth, no one aiming at a
 * round figure), a precinct with denominator n lands on the numerator nearest an integer percent
 * with probability min(101, n + 1)/(n + 1): one numerator per integer percent among the n + 1
 * possible. The count of precincts that do is a sum of independent Bernoullis; the p-value is its
 * upper tail (exact, or the refined normal approximation past 20 million steps: statistics.ts).
 */
function integerPercent(test: 'integer-turnout' | 'integer-leader-share', ps: readonly ForensicPrecinct[], num: (p: ForensicPrecinct) => number, den: (p: ForensicPrecinct) => number): ForensicSignal {
  const S = FORENSIC_SETTINGS;
  let mean = 0;
  let variance = 0;
  const probabilities: number[] = [];
  const hits: { id: string; percent: number }[] = [];
  // Per integer percent: precincts on it, and how many the null expects there (Σ q of the precincts nearest it).
  const onPercent = new Float64Array(101);
  const expectedOn = new Float64Array(101);
  for (const p of ps) {
    const n = den(p);
    const k = num(p);
    if (n === 0 || k > n) continue;
    const q = Math.min(101, n + 1) / (n + 1);
    probabilities.push(q);
    mean += q;
    variance += q * (1 - q);
    expectedOn[nearestPercent(k, n)] += q;
    const percent = integerPercentOf(k, n);
    if (percent >= 0) {
      hits.push({ id: p.precinctId, percent });
      onPercent[percent]++;
    }
  }
  const rule = `flagged when the p-value ≤ ${S.alpha}`;
  const what = test === 'integer-turnout' ? 'turnout (ballots issued / voters on the list)' : 'the leader’s share of the valid votes';
  const sample = probabilities.length;
  if (sample < S.minPrecincts) {
    return insufficient(test, KOBAK, 'z', { alpha: S.alpha, rule }, sample, { measure: what, minPrecincts: S.minPrecincts });
  }
  const observed = hits.length;
  const pValue = poissonBinomialUpper(probabilities, observed);
  const z = variance > 0 ? (observed - mean) / Math.sqrt(variance) : 0;
  const flagged = pValue <= S.alpha;
  // A spike is more precincts on one value than the null expects there: the biggest excess first
  // (sorted only when flagged: a clear signal names nobody).
  const excess = (percent: number) => onPercent[percent] - expectedOn[percent];
  const ranked = flagged ? hits.map((h, i) => ({ id: h.id, percent: h.percent, i, excess: excess(h.percent) })).sort((a, b) => b.excess - a.excess || a.percent - b.percent || a.i - b.i) : [];
  let peak = 0;
  for (let percent = 1; percent <= 100; percent++) if (excess(percent) > excess(peak)) peak = percent;
  return judged(
    {
      test,
      reference: KOBAK,
      statistic: { name: 'z', value: z },
      pValue,
      threshold: { alpha: S.alpha, rule },
      sample,
      details: { measure: what, observed, expected: mean, standardDeviation: Math.sqrt(variance), peakPercent: peak, peakPrecincts: onPercent[peak], peakExpected: expectedOn[peak] },
    },
    flagged,
    ranked.map((h) => h.id),
  );
}

/**
 * Beber and Scacco's last-digit test: the last digits of counts of 100 and more are uniform under
 * the null; χ² with 9 degrees of freedom, and an effect size (`lastDigitMinDeviation`) a flag needs too.
 */
function lastDigit(ps: readonly ForensicPrecinct[]): ForensicSignal {
  const S = FORENSIC_SETTINGS;
  const digits = new Array<number>(10).fill(0);
  let sample = 0;
  for (const p of ps) {
    for (const c of p.counts) {
      if (c < S.lastDigitMinCount) continue;
      digits[c % 10]++;
      sample++;
    }
  }
  const rule = `counts ≥ ${S.lastDigitMinCount}; flagged when the p-value ≤ ${S.alpha} and a digit is ${100 * S.lastDigitMinDeviation} points or more off its 10%`;
  if (sample < S.lastDigitMinSample) return insufficient('last-digit', BEBER, 'chi-square (9 df)', { alpha: S.alpha, rule }, sample, { minCounts: S.lastDigitMinSample });
  const expected = sample / 10;
  const chi2 = digits.reduce((s, o) => s + ((o - expected) * (o - expected)) / expected, 0);
  const pValue = chiSquareUpper(chi2, 9);
  const deviation = Math.max(...digits.map((o) => Math.abs(o / sample - 0.1)));
  const flagged = pValue <= S.alpha && deviation >= S.lastDigitMinDeviation;
  // The most over-represented digit, and the precincts with the most counts ending in it.
  let top = 0;
  for (let d = 1; d < 10; d++) if (digits[d] > digits[top]) top = d;
  const behind = flagged
    ? ps
        .map((p, i) => ({ id: p.precinctId, i, n: p.counts.filter((c) => c >= S.lastDigitMinCount && c % 10 === top).length }))
        .filter((x) => x.n > 0)
        .sort((a, b) => b.n - a.n || a.i - b.i)
    : [];
  return judged(
    {
      test: 'last-digit',
      reference: BEBER,
      statistic: { name: 'chi-square (9 df)', value: chi2 },
      pValue,
      threshold: { alpha: S.alpha, rule },
      sample,
      details: { ...Object.fromEntries(digits.map((n, d) => [`digit${d}`, n])), expectedPerDigit: expected, mostFrequentDigit: top, largestDeviation: deviation },
    },
    flagged,
    behind.map((x) => x.id),
  );
}

/** The value at quantile q of sorted values, nearest rank. */
const nearestRank = (sorted: Float64Array, q: number): number => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)];

/**
 * Protocols recorded long after the others: after the third quartile of the commission's arrival
 * times plus three interquartile ranges. A rule, not a test: arrival times have no null
 * distribution we could defend (distance, time zones, a recount all move them), so no p-value.
 */
function lateArrival(ps: readonly ForensicPrecinct[]): ForensicSignal {
  const S = FORENSIC_SETTINGS;
  const arrived = ps.filter((p) => p.arrivedAt !== null);
  // A typed array sorts numerically, and several times faster than an array with a comparator.
  const times = Float64Array.from(arrived, (p) => p.arrivedAt as number).sort();
  const rule = `recorded after Q3 + ${S.lateFenceIqr}·IQR of the commission's arrival times`;
  const q1 = times.length > 0 ? nearestRank(times, 0.25) : null;
  const q3 = times.length > 0 ? nearestRank(times, 0.75) : null;
  if (times.length < S.minArrivals || q1 === null || q3 === null || q3 === q1) {
    return insufficient('late-arrival', TUKEY, 'late precincts', { alpha: null, rule }, times.length, { minArrivals: S.minArrivals, q1, q3 });
  }
  const iqr = q3 - q1;
  const fence = q3 + S.lateFenceIqr * iqr;
  const late = arrived
    .map((p, i) => ({ id: p.precinctId, at: p.arrivedAt as number, i }))
    .filter((x) => x.at > fence)
    .sort((a, b) => b.at - a.at || a.i - b.i);
  return judged(
    {
      test: 'late-arrival',
      reference: TUKEY,
      statistic: { name: 'late precincts', value: late.length },
      pValue: null,
      threshold: { alpha: null, rule },
      sample: times.length,
      details: {
      q1,
      median: nearestRank(times, 0.5),
      q3,
      fence,
      latest: times[times.length - 1],
      // How far past Q3 the latest came, in interquartile ranges.
      latestIqrsPastQ3: (times[times.length - 1] - q3) / iqr,
      },
    },
    late.length > 0,
    late.map((x) => x.id),
  );
}

/**
 * Corrections concentrated in one reporting commission: for each commission the precincts report
 * to, Fisher's exact test of its corrected protocols against the rest of the contest's, one-sided,
 * each p-value multiplied by the number of groups compared (Bonferroni).
 */
function corrections(ps: readonly ForensicPrecinct[], contest: ForensicsInput['contest']): ForensicSignal {
  const S = FORENSIC_SETTINGS;
  const groups = new Map<string, { protocols: number; corrected: number; precincts: string[] }>();
  let corrected = 0;
  for (const p of ps) {
    let g = groups.get(p.parentId);
    if (!g) groups.set(p.parentId, (g = { protocols: 0, corrected: 0, precincts: [] }));
    g.protocols++;
    if (p.version > 1) {
      g.corrected++;
      g.precincts.push(p.precinctId);
      corrected++;
    }
  }
  // A group that is the whole contest has nothing to be compared with.
  const tested = [...groups.entries()].filter(([, g]) => g.protocols < contest.protocols);
  const rule = `a reporting commission flagged when its Bonferroni-adjusted p-value ≤ ${S.alpha}`;
  const rates = { protocols: ps.length, corrected, contestProtocols: contest.protocols, contestCorrected: contest.corrected };
  if (tested.length === 0) return insufficient('corrections', FISHER, 'smallest adjusted p-value', { alpha: S.alpha, rule }, ps.length, rates);
  const results = tested
    .map(([id, g]) => ({ id, g, p: Math.min(1, hypergeometricUpper(contest.protocols, contest.corrected, g.protocols, g.corrected) * tested.length) }))
    .sort((a, b) => a.p - b.p || (a.id < b.id ? -1 : 1));
  const flagged = results.filter((r) => r.p <= S.alpha);
  const behind = flagged.flatMap((r) => r.g.precincts);
  return judged(
    {
      test: 'corrections',
      reference: FISHER,
      statistic: { name: 'smallest adjusted p-value', value: results[0].p },
      pValue: results[0].p,
      threshold: { alpha: S.alpha, rule },
      sample: ps.length,
      details: { ...rates, groupsCompared: tested.length, flaggedCommissions: flagged.map((r) => r.id).join(',') || null, mostCorrected: results[0].id },
    },
    flagged.length > 0,
    behind,
  );
}

/** A judged signal: flagged or clear, the precincts behind it named up to the limit and counted in all. */
function judged(signal: Omit<ForensicSignal, 'status' | 'precincts' | 'precinctsTotal'>, flagged: boolean, behind: readonly string[]): ForensicSignal {
  return { ...signal, status: flagged ? 'flagged' : 'clear', precincts: behind.slice(0, FORENSIC_SETTINGS.precinctsListed), precinctsTotal: behind.length };
}

function insufficient(
  test: ForensicTest,
  reference: string,
  statistic: string,
  threshold: ForensicSignal['threshold'],
  sample: number,
  details: ForensicSignal['details'],
): ForensicSignal {
  return { test, reference, status: 'insufficient-data', statistic: { name: statistic, value: null }, pValue: null, threshold, sample, details, precincts: [], precinctsTotal: 0 };
}
