/**
 * xorshift64*: a small deterministic generator of bigints for the differential tests, so a failing case can be
 * replayed from its seed.
 */
export class Rng {
  private s: bigint;
  constructor(seed: bigint) {
    this.s = (seed * 0x9e3779b97f4a7c15n + 1n) & (2n ** 64n - 1n);
  }
  next(): bigint {
    let x = this.s;
    x ^= x >> 12n;
    x ^= (x << 25n) & (2n ** 64n - 1n);
    x ^= x >> 27n;
    this.s = x;
    return (x * 0x2545f4914f6cdd1dn) & (2n ** 64n - 1n);
  }
  /** Uniform in [lo, hi]. */
  between(lo: bigint, hi: bigint): bigint {
    const span = hi - lo + 1n;
    let r = 0n;
    for (let bits = 0n; 1n << bits < span * 2n ** 32n; bits += 64n) r = (r << 64n) | this.next();
    return lo + (r % span);
  }
  /** A magnitude spread over many orders: 10^[0, maxExp] times a random mantissa. */
  magnitude(maxExp: number): bigint {
    const e = this.between(0n, BigInt(maxExp));
    return this.between(1n, 10n ** e);
  }
  /** Log-uniform in [10^lo, 10^(hi+1)]: small and large magnitudes alike. */
  logUniform(lo: number, hi: number): bigint {
    const e = Number(this.between(BigInt(lo), BigInt(hi)));
    return this.between(10n ** BigInt(e), 10n ** BigInt(e + 1));
  }
  chance(pct: number): boolean {
    return this.between(0n, 99n) < BigInt(pct);
  }
  pick<T>(xs: readonly T[]): T {
    const x = xs[Number(this.between(0n, BigInt(xs.length - 1)))];
    if (x === undefined) throw new Error("pick from an empty list");
    return x;
  }
}
