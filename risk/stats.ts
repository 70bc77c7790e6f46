/**
 * Confidence bounds for a probability estimated from simulated paths: `k` paths out of `n` exceeded the bad-debt
 * limit. Exact (Clopper–Pearson) bounds from the binomial distribution, so a recommendation can say "the probability
 * is at most X with 95% confidence" rather than quote a point estimate: with 0 exceedances in 400 paths the estimate
 * is 0%, but the 95% upper bound is 0.75%; in 2,000 paths it is 0.15%.
 */

/** ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms; relative error below 1e-13). */
export function lnGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  const z = x - 1;
  let a = c[0] ?? 0;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += (c[i] ?? 0) / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** P(X ≤ k) for X ~ Binomial(n, p), summed in log space. */
export function binomialCdf(k: number, n: number, p: number): number {
  if (k < 0) return 0;
  if (k >= n || p <= 0) return 1;
  if (p >= 1) return 0;
  const lnC = lnGamma(n + 1);
  const lp = Math.log(p);
  const lq = Math.log1p(-p);
  let sum = 0;
  for (let i = 0; i <= k; i++) sum += Math.exp(lnC - lnGamma(i + 1) - lnGamma(n - i + 1) + i * lp + (n - i) * lq);
  return Math.min(1, sum);
}

/** The p in [0, 1] where the decreasing function `f` crosses `target` (bisection to 1e-12). */
function solveDecreasing(f: (p: number) => number, target: number): number {
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 80 && hi - lo > 1e-12; i++) {
    const mid = (lo + hi) / 2;
    if (f(mid) > target) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** One-sided upper bound on p at `confidence` from `k` of `n` (Clopper–Pearson): P(X ≤ k | upper) = 1 − confidence. */
export function upperBound(k: number, n: number, confidence = 0.95): number {
  if (n <= 0) return 1;
  if (k >= n) return 1;
  return solveDecreasing((p) => binomialCdf(k, n, p), 1 - confidence);
}

/** One-sided lower bound on p at `confidence` from `k` of `n`: P(X ≥ k | lower) = 1 − confidence. */
export function lowerBound(k: number, n: number, confidence = 0.95): number {
  if (n <= 0 || k <= 0) return 0;
  return 1 - solveDecreasing((q) => binomialCdf(n - k, n, q), 1 - confidence);
}

/** A probability measured over paths, with its bounds. */
export interface Estimate {
  /** Paths whose bad debt exceeded the limit, and paths simulated. */
  exceeded: number;
  paths: number;
  /** The point estimate exceeded / paths. */
  p: number;
  /** The one-sided 95% upper bound: the risk is at most this with 95% confidence. */
  upper95: number;
  /** The two-sided 95% confidence interval. */
  ci95: [number, number];
}

/** `exceeded` of `paths` as an `Estimate`. */
export function estimate(exceeded: number, paths: number): Estimate {
  return {
    exceeded,
    paths,
    p: paths === 0 ? 0 : exceeded / paths,
    upper95: upperBound(exceeded, paths, 0.95),
    ci95: [lowerBound(exceeded, paths, 0.975), upperBound(exceeded, paths, 0.975)],
  };
}
