/**
 * The risk engine's option figures (risk/instruments.ts) against what they must satisfy whatever the implementation:
 * delta and gamma equal the finite differences of the value, put–call parity (C − P = S − K with no rates), a binary
 * up and a binary down together are worth 1 USD, a call is worth at least its intrinsic value and less than the spot,
 * and at expiry each kind is worth its payoff with no greeks (the strike pays the long nothing).
 */
import { expect } from "chai";
import { type Kind, KINDS, greeks, instrumentRisk, normCdf } from "../risk/instruments.js";
import { defaultConfig, type Snapshot } from "../risk/model.js";

/** A small deterministic generator for the cases (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Asserts |actual − expected| <= tolerance (floats: chai's closeTo is taken over by the bigint matchers). */
function near(actual: number | undefined, expected: number, tolerance: number, message?: string): void {
  expect(actual, message).to.be.a("number");
  expect(Math.abs((actual ?? NaN) - expected), `${message ?? ""} ${actual} vs ${expected}`).to.be.at.most(tolerance);
}

/** The normal distribution's stated absolute error bound. */
const E = 7.5e-8;

describe("risk/instruments: option values and greeks", function () {
  it("the normal distribution matches known values to 1e-7", function () {
    near(normCdf(0), 0.5, 1e-7);
    near(normCdf(1), 0.8413447461, 1e-7);
    near(normCdf(-1.96), 0.0249978952, 1e-7);
    near(normCdf(3), 0.998650102, 1e-7);
  });

  it("delta and gamma are the derivatives of the value, for every kind over random terms", function () {
    const next = rng(21);
    for (let i = 0; i < 200; i++) {
      const s = 100 + next() * 4_000;
      const k = s * (0.6 + next() * 0.8);
      const t = 0.01 + next() * 1.5;
      const sigma = 0.1 + next() * 1.2;
      for (const kind of KINDS) {
        // the value's finite difference checks delta; the delta's checks gamma (the density is exact, the
        // distribution an approximation good to 7.5e-8); the step is 0.1% of one standard deviation of the price
        const h = 0.001 * s * sigma * Math.sqrt(t);
        const mid = greeks(kind, s, k, t, sigma);
        const up = greeks(kind, s + h, k, t, sigma);
        const dn = greeks(kind, s - h, k, t, sigma);
        const fdDelta = (up.value - dn.value) / (2 * h);
        const fdGamma = (up.delta - dn.delta) / (2 * h);
        // tolerance: 0.1% for the step, plus what the distribution's error (E) can move a difference: a value is off
        // by at most (S + K)·E (an option) or E (a binary), an option's delta by E, a binary's delta not at all
        const option = kind === "call" || kind === "put";
        const valueError = option ? (s + k) * E : E;
        const deltaError = option ? E : 0;
        near(mid.delta, fdDelta, 1e-3 * Math.abs(fdDelta) + valueError / h + 1e-12, `${kind} delta at S=${s} K=${k}`);
        near(mid.gamma, fdGamma, 1e-3 * Math.abs(fdGamma) + deltaError / h + 1e-15, `${kind} gamma at S=${s} K=${k}`);
      }
    }
  });

  it("put–call parity, binaries summing to one, and the value bounds", function () {
    const next = rng(7);
    for (let i = 0; i < 200; i++) {
      const s = 50 + next() * 5_000;
      const k = s * (0.5 + next());
      const t = 0.02 + next();
      const sigma = 0.05 + next();
      const c = greeks("call", s, k, t, sigma);
      const p = greeks("put", s, k, t, sigma);
      near(c.value - p.value, s - k, 1e-6 * s);
      near(c.delta - p.delta, 1, 1e-12);
      near(c.gamma, p.gamma, 1e-15);
      const up = greeks("binary-up", s, k, t, sigma);
      const down = greeks("binary-down", s, k, t, sigma);
      near(up.value + down.value, 1, 1e-9);
      near(up.delta + down.delta, 0, 1e-15);
      expect(c.value).to.be.at.least(Math.max(s - k, 0) - 1e-6 * s);
      expect(c.value).to.be.below(s);
      expect(c.delta).to.be.within(0, 1);
      expect(p.delta).to.be.within(-1, 0);
    }
  });

  it("at expiry: the payoff, no greeks, and nothing at the strike", function () {
    const payoffs: Record<Kind, [number, number, number]> = {
      // S below, at and above K = 2,000
      call: [0, 0, 500],
      put: [500, 0, 0],
      "binary-up": [0, 0, 1],
      "binary-down": [1, 0, 0],
    };
    for (const kind of KINDS) {
      [1_500, 2_000, 2_500].forEach((s, j) => {
        expect(greeks(kind, s, 2_000, 0, 0.8)).to.deep.equal({ value: payoffs[kind][j], delta: 0, gamma: 0 });
      });
    }
  });

  it("a series' figures scale with its units and sum per underlying", function () {
    const snap = {
      timestamp: 1_700_000_000n,
      assets: [{ address: "0x01", symbol: "WETH", decimals: 18, price: 2_000n * 10n ** 18n }],
      synths: [],
    } as unknown as Snapshot;
    const cfg = defaultConfig();
    const year = 365n * 86_400n;
    const common = {
      asset: 0,
      underlying: "0x01",
      underlyingSymbol: "WETH",
      collateral: "0x02",
      collateralDecimals: 18,
    };
    const r = instrumentRisk(
      snap,
      [
        {
          ...common,
          id: 1n,
          kind: "call",
          strike: 2_500n * 10n ** 18n,
          expiry: snap.timestamp + year / 4n,
          units: 3n * 10n ** 18n,
          locked: 3n * 10n ** 18n,
          settledPrice: 0n,
        },
        {
          ...common,
          id: 2n,
          kind: "binary-down",
          strike: 1_500n * 10n ** 18n,
          expiry: snap.timestamp + year / 4n,
          units: 10n * 10n ** 18n,
          locked: 10n * 10n ** 6n,
          settledPrice: 0n,
        },
      ],
      cfg,
    );
    const call = greeks("call", 2_000, 2_500, 0.25, cfg.vol.WETH ?? 0);
    const down = greeks("binary-down", 2_000, 1_500, 0.25, cfg.vol.WETH ?? 0);
    near(r.series[0]?.delta, 3 * call.delta, 1e-12);
    near(r.series[1]?.value, 10 * down.value, 1e-12);
    expect(r.perAsset).to.have.length(1);
    near(r.perAsset[0]?.longDelta, 3 * call.delta + 10 * down.delta, 1e-12);
    near(r.perAsset[0]?.move1pct, (3 * call.delta + 10 * down.delta) * 20, 1e-9);
  });
});
