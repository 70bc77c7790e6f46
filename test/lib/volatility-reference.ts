/**
 * An independent floating-point reference of the volatility observer's estimator (contracts/risk/VolatilityObserver.sol,
 * described in IVolatilityObserver): the same definition (median of the last three readings, log returns of the
 * filtered prices, samples r² · YEAR / dt capped, time-weighted average with w = 1 − exp(−dt / window)) computed with
 * `Math.log` and `Math.exp` in doubles instead of the contract's series in wad integers. test/volatility.test.ts holds
 * the contract to it within a relative tolerance.
 *
 * `filter: false` drops the median filter (each reading is used as is): the estimator the filter protects against,
 * for the outlier test.
 */
export const YEAR = 365 * 86_400;
/** The contract's MAX_SAMPLE_VARIANCE (100 a year), as a number. */
export const MAX_SAMPLE_VARIANCE = 100;

export class ReferenceObserver {
  /** [1/yr] The estimate (a variance a year: 0.64 = a volatility of 80%). */
  variance = 0;
  samples = 0;
  /** [s] */
  updatedAt = 0;
  private readings: number[] = [];
  private last: number | undefined;

  constructor(
    /** [s] The averaging window. */
    private readonly window: number,
    private readonly opts: { filter: boolean } = { filter: true },
  ) {}

  /** Folds in the reading `price` (USD) taken at `time` [s]. */
  observe(price: number, time: number): void {
    let filtered: number | undefined;
    if (!this.opts.filter) {
      filtered = price;
    } else if (this.readings.length >= 2) {
      const three = [...this.readings.slice(-2), price].sort((a, b) => a - b);
      filtered = three[1];
    }
    if (filtered !== undefined) {
      if (this.last !== undefined) {
        const dt = time - this.updatedAt;
        const r = Math.log(filtered / this.last);
        const sample = Math.min((r * r * YEAR) / dt, MAX_SAMPLE_VARIANCE);
        const w = 1 - Math.exp(-dt / this.window);
        this.variance = this.samples === 0 ? sample : this.variance + w * (sample - this.variance);
        this.samples++;
      }
      this.last = filtered;
    }
    this.readings = [...this.readings, price].slice(-2);
    this.updatedAt = time;
  }

  /** [1/√yr] The volatility: the square root of the variance. */
  get volatility(): number {
    return Math.sqrt(this.variance);
  }
}

/** A seeded generator of standard normal numbers (xorshift32 and Box–Muller): the same path on every run. */
export function normals(seed: number): () => number {
  let x = seed >>> 0 || 1;
  const uniform = (): number => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return (x + 0.5) / 4_294_967_296;
  };
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}
