// The distributions against published values and against brute force on small cases.
import { chiSquareUpper, hypergeometricUpper, lnGamma, normalUpper, poissonBinomialUpper } from './statistics';

/** Exact Poisson-binomial upper tail by the full convolution: the reference. */
function exactUpper(ps: readonly number[], observed: number): number {
  let dist = new Float64Array([1]);
  for (const p of ps) {
    const next = new Float64Array(dist.length + 1);
    for (let k = 0; k < dist.length; k++) {
      next[k] += dist[k] * (1 - p);
      next[k + 1] += dist[k] * p;
    }
    dist = next;
  }
  let tail = 0;
  for (let k = observed; k < dist.length; k++) tail += dist[k];
  return tail;
}

const choose = (n: number, k: number): number => {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
};

describe('statistics', () => {
  it('normal and chi-square tails match the tables', () => {
    expect(normalUpper(0)).toBeCloseTo(0.5, 7);
    expect(normalUpper(1.959964)).toBeCloseTo(0.025, 6);
    expect(normalUpper(3.090232)).toBeCloseTo(0.001, 6);
    expect(normalUpper(-1.644854)).toBeCloseTo(0.95, 6);
    // χ² critical values with 9 degrees of freedom.
    expect(chiSquareUpper(16.919, 9)).toBeCloseTo(0.05, 4);
    expect(chiSquareUpper(27.877, 9)).toBeCloseTo(0.001, 5);
    expect(chiSquareUpper(2.088, 9)).toBeCloseTo(0.99, 4);
    expect(chiSquareUpper(0, 9)).toBe(1);
    expect(lnGamma(10)).toBeCloseTo(Math.log(362_880), 10);
  });

  it('Fisher’s one-sided tail equals the hypergeometric sum', () => {
    for (const [N, K, n, x] of [
      [20, 7, 8, 5],
      [50, 3, 10, 1],
      [30, 10, 10, 0],
      [12, 5, 6, 6],
      [1000, 20, 50, 4],
    ] as const) {
      let exact = 0;
      for (let k = x; k <= Math.min(n, K); k++) exact += (choose(K, k) * choose(N - K, n - k)) / choose(N, n);
      expect(hypergeometricUpper(N, K, n, x)).toBeCloseTo(Math.min(1, exact), 10);
    }
    expect(hypergeometricUpper(20, 3, 5, 4)).toBe(0);
  });

  it('a Poisson-binomial tail: exact on small counts, and the approximation past them within 10% in the tail that matters (p near 0.001)', () => {
    const ps = Array.from({ length: 60 }, (_, i) => 101 / (150 + 37 * i + 1));
    for (let x = 0; x <= 30; x++) expect(poissonBinomialUpper(ps, x)).toBeCloseTo(exactUpper(ps, x), 12);
    // 25,000 precincts of 1,000–3,000 voters: a mean near 1,250, too many steps for the exact sum.
    const many = Array.from({ length: 25_000 }, (_, i) => 101 / (1000 + (i % 2000) + 1));
    const mean = many.reduce((a, b) => a + b, 0);
    const sd = Math.sqrt(many.reduce((a, p) => a + p * (1 - p), 0));
    const x = Math.ceil(mean + 3.09 * sd);
    expect(many.length * x).toBeGreaterThan(20_000_000);
    const approx = poissonBinomialUpper(many, x);
    const exact = exactUpper(many, x);
    expect(Math.abs(approx / exact - 1)).toBeLessThan(0.1);
  });
});
