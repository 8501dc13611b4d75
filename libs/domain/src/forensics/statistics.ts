// The few distributions the forensic tests need, in plain floating point. None of this decides a
// seat: a p-value is a signal for a person to read, so doubles (and published approximations,
// each with its error bound named) are the right tool here, unlike the integer seat arithmetic.

const { abs, exp, log, max, min, PI, sin, sqrt } = Math;

/** erfc with fractional error below 1.2e-7 everywhere (Numerical Recipes' Chebyshev fit, `erfcc`). */
export function erfc(x: number): number {
  const z = abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    exp(
      -z * z -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** P(Z ≥ z) for a standard normal Z. */
export const normalUpper = (z: number): number => 0.5 * erfc(z / Math.SQRT2);

const normalDensity = (z: number): number => exp(-0.5 * z * z) / sqrt(2 * PI);

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
  1.5056327351493116e-7,
];

/** ln Γ(x) (Lanczos, g = 7: about 15 significant digits for x > 0). */
export function lnGamma(x: number): number {
  if (x < 0.5) return log(PI / sin(PI * x)) - lnGamma(1 - x);
  const y = x - 1;
  let a = LANCZOS[0];
  const t = y + 7.5;
  for (let i = 1; i < LANCZOS.length; i++) a += LANCZOS[i] / (y + i);
  return 0.5 * log(2 * PI) + (y + 0.5) * log(t) - t + log(a);
}

/** The regularized upper incomplete gamma Q(a, x): series below a + 1, Lentz's continued fraction above. */
export function gammaUpper(a: number, x: number): number {
  if (x <= 0) return 1;
  const lead = -x + a * log(x) - lnGamma(a);
  if (x < a + 1) {
    let sum = 1 / a;
    let term = sum;
    for (let n = 1; n < 1000; n++) {
      term *= x / (a + n);
      sum += term;
      if (abs(term) < abs(sum) * 1e-15) break;
    }
    return max(0, 1 - sum * exp(lead));
  }
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (abs(delta - 1) < 1e-15) break;
  }
  return min(1, exp(lead) * h);
}

/** P(χ²_df ≥ x). */
export const chiSquareUpper = (x: number, df: number): number => gammaUpper(df / 2, x / 2);

const lnChoose = (n: number, k: number): number => lnGamma(n + 1) - lnGamma(k + 1) - lnGamma(n - k + 1);

/**
 * Fisher's exact test, one-sided: P(X ≥ observed) for X hypergeometric — `drawn` items taken from
 * `population` of which `marked` are marked. Summed term by term from the observed count upward.
 */
export function hypergeometricUpper(population: number, marked: number, drawn: number, observed: number): number {
  const low = max(0, drawn - (population - marked));
  const high = min(drawn, marked);
  if (observed <= low) return 1;
  if (observed > high) return 0;
  let term = exp(lnChoose(marked, observed) + lnChoose(population - marked, drawn - observed) - lnChoose(population, drawn));
  let sum = 0;
  for (let k = observed; k <= high; k++) {
    sum += term;
    if (term < sum * 1e-17) break;
    // pmf(k + 1) / pmf(k)
    term *= ((marked - k) * (drawn - k)) / ((k + 1) * (population - marked - drawn + k + 1));
  }
  return min(1, sum);
}

/** Above this many steps (precincts × observed count) the exact sum gives way to the approximation. */
const EXACT_STEPS = 20_000_000;

/**
 * P(X ≥ observed) for X the number of successes among independent trials of probabilities `ps`
 * (a Poisson-binomial count). Exact by dynamic programming over the counts below `observed` when
 * that is at most EXACT_STEPS steps; past it — thousands of precincts, where the count's mean is
 * in the hundreds — by the refined normal approximation (Volkova 1996: Φ corrected for skewness,
 * with a continuity correction), whose error shrinks with the variance. The approximation alone
 * underestimates small tails when the mean is small, hence the exact sum there.
 */
export function poissonBinomialUpper(ps: ArrayLike<number>, observed: number): number {
  if (observed <= 0) return 1;
  if (observed > ps.length) return 0;
  if (ps.length * observed <= EXACT_STEPS) {
    // below[k] = P(k successes so far), k < observed; what reaches `observed` leaves the table.
    const below = new Float64Array(observed);
    below[0] = 1;
    let top = 0;
    for (let i = 0; i < ps.length; i++) {
      const p = ps[i];
      top = Math.min(top + 1, observed - 1);
      for (let k = top; k > 0; k--) below[k] = below[k] * (1 - p) + below[k - 1] * p;
      below[0] *= 1 - p;
    }
    let stay = 0;
    for (let k = 0; k < observed; k++) stay += below[k];
    return min(1, max(0, 1 - stay));
  }
  let mean = 0;
  let variance = 0;
  let third = 0;
  for (let i = 0; i < ps.length; i++) {
    const p = ps[i];
    mean += p;
    variance += p * (1 - p);
    third += p * (1 - p) * (1 - 2 * p);
  }
  if (variance <= 0) return observed <= mean ? 1 : 0;
  const sd = sqrt(variance);
  const z = (observed - 0.5 - mean) / sd;
  const below = 1 - normalUpper(z) + ((third / (sd * sd * sd)) * (1 - z * z) * normalDensity(z)) / 6;
  return min(1, max(0, 1 - below));
}
