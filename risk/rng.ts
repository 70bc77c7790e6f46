/**
 * Seeded pseudo-random numbers for the risk engine: xoshiro128** (32-bit state words, fast in JavaScript) seeded
 * through splitmix32 from (seed, stream). Each simulated path draws from its own stream, so path i is the same
 * whatever the number of paths, the order they run in or the parameters under test (common random numbers: two
 * parameter sets are compared on the same price paths).
 */

/** One stream of uniform and derived random numbers. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spare: number | undefined;

  constructor(seed: number, stream = 0) {
    let s = (seed ^ Math.imul(stream + 1, 0x9e3779b9)) >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next() | 1; // never all zero
  }

  /** A uniform 32-bit unsigned integer. */
  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** Uniform in (0, 1): never 0, so logarithms are safe. */
  uniform(): number {
    return (this.nextU32() + 0.5) / 4294967296;
  }

  /** Standard normal (Box–Muller, the second value kept for the next call). */
  normal(): number {
    if (this.spare !== undefined) {
      const s = this.spare;
      this.spare = undefined;
      return s;
    }
    const r = Math.sqrt(-2 * Math.log(this.uniform()));
    const theta = 2 * Math.PI * this.uniform();
    this.spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  }

  /** Student-t with `dof` degrees of freedom (integer ≥ 1): normal / sqrt(chi²(dof) / dof). */
  studentT(dof: number): number {
    let chi2 = 0;
    for (let i = 0; i < dof; i++) {
      const z = this.normal();
      chi2 += z * z;
    }
    return this.normal() / Math.sqrt(chi2 / dof);
  }

  /** Poisson with mean `lambda` (Knuth; the means used here are far below 1 per step). */
  poisson(lambda: number): number {
    if (lambda <= 0) return 0;
    const limit = Math.exp(-lambda);
    let k = 0;
    let p = this.uniform();
    while (p > limit) {
      k++;
      p *= this.uniform();
    }
    return k;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** Lower-triangular L with L·Lᵀ = `m` (Cholesky). Throws, naming the row, when `m` is not positive definite. */
export function cholesky(m: number[][]): number[][] {
  const n = m.length;
  const l = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    const row = m[i];
    const li = l[i];
    if (row === undefined || li === undefined || row.length !== n) {
      throw new Error(`correlation matrix: row ${i} must have ${n} entries`);
    }
    for (let j = 0; j <= i; j++) {
      const lj = l[j] as number[];
      let sum = row[j] ?? 0;
      for (let k = 0; k < j; k++) sum -= (li[k] ?? 0) * (lj[k] ?? 0);
      if (i === j) {
        if (sum <= 0) throw new Error(`correlation matrix is not positive definite (pivot ${i} = ${sum})`);
        li[i] = Math.sqrt(sum);
      } else {
        li[j] = sum / (lj[j] ?? 1);
      }
    }
  }
  return l;
}
