/**
 * The volatility observer (contracts/risk/VolatilityObserver.sol) on the embedded network, against the independent
 * floating-point reference (test/lib/volatility-reference.ts): the same readings at the same times give the same
 * estimate within a relative 1e-9 (the contract's logarithm and exponential are series in wad integers, the
 * reference's are the platform's doubles). Then the adversarial patterns: observing too soon, an oracle failure, one
 * outlying reading, observing more or less often, an observer who only observes after large moves, and a crash.
 */
import { expect } from "chai";
import { network } from "hardhat";
import { deployCore } from "../deploy/local/core.js";
import { ReferenceObserver, normals, YEAR } from "./lib/volatility-reference.js";

const WAD = 10n ** 18n;
/** The stated tolerance between the contract and the reference (relative). */
const TOLERANCE = 1e-9;

const { ethers, networkHelpers } = await network.create();

/** A price path: a driftless geometric Brownian motion with volatility `sigma` [1/√yr], sampled every `step` s. */
function gbm(seed: number, start: number, sigma: number, step: number, n: number): number[] {
  const z = normals(seed);
  const out = [start];
  for (let i = 1; i < n; i++) {
    const prev = out[i - 1] ?? start;
    out.push(prev * Math.exp(sigma * Math.sqrt(step / YEAR) * z() - (sigma * sigma * step) / YEAR / 2));
  }
  return out;
}

/** USD → the feed's 8-decimal answer. */
const answer = (usd: number): bigint => BigInt(Math.round(usd * 1e8));

describe("volatility observer (contracts/risk/VolatilityObserver.sol)", function () {
  let core: Awaited<ReturnType<typeof deployCore>>;
  let weth: string;
  let window: number;
  let minInterval: number;
  let snapshot: string;

  before(async function () {
    core = await deployCore(ethers);
    weth = await core.weth.getAddress();
    window = Number(await core.observer.window());
    minInterval = Number(await core.observer.minInterval());
    snapshot = await ethers.provider.send("evm_snapshot", []);
  });

  beforeEach(async function () {
    await ethers.provider.send("evm_revert", [snapshot]);
    snapshot = await ethers.provider.send("evm_snapshot", []);
  });

  /** Sets WETH's feed to `usd` and observes it `wait` seconds after the last block; returns the block time. */
  async function observeAt(usd: number, wait: number): Promise<number> {
    if (wait > 0) await networkHelpers.time.increase(wait);
    await core.setPrice("weth", answer(usd));
    await (await core.observer.observe(weth)).wait();
    return Number((await ethers.provider.getBlock("latest"))?.timestamp ?? 0);
  }

  /** Observes `prices` at the given waits on chain and in the reference; checks them together after each step. */
  async function run(
    prices: number[],
    waits: number[],
    ref = new ReferenceObserver(window),
  ): Promise<{ ref: ReferenceObserver; variance: bigint }> {
    let variance = 0n;
    for (let i = 0; i < prices.length; i++) {
      const usd = prices[i] ?? 0;
      const t = await observeAt(usd, waits[i] ?? minInterval);
      // the reference sees what the feed holds: the 8-decimal answer
      ref.observe(Number(answer(usd)) / 1e8, t);
      const o = await core.observer.observationOf(weth);
      variance = o.variance;
      expect(Number(o.samples)).to.equal(ref.samples);
      const onChain = Number(variance) / 1e18;
      expect(Math.abs(onChain - ref.variance)).to.be.at.most(TOLERANCE * ref.variance + 1e-18, `step ${i}`);
    }
    return { ref, variance };
  }

  it("observe(): matches the reference within 1e-9 over a random path at irregular intervals", async function () {
    const n = 60;
    const prices = gbm(11, 2_000, 0.8, 600, n);
    const waits = Array.from({ length: n }, (_, i) => minInterval + ((i * 7_919) % 1_500)); // 5 to 30 minutes
    const { ref, variance } = await run(prices, waits);
    expect(ref.samples).to.equal(n - 3);
    // volatilityOf is the square root of the variance, in wad, rounded down
    const [vol, updatedAt, samples] = await core.observer.volatilityOf(weth);
    expect(samples).to.equal(BigInt(n - 3));
    expect(vol * vol <= variance * WAD && (vol + 1n) * (vol + 1n) > variance * WAD).to.equal(true);
    expect(Math.abs(Number(vol) / 1e18 - ref.volatility)).to.be.below(1e-9);
    expect(updatedAt).to.equal(BigInt(ref.updatedAt));
    // an 80% path reads as a volatility of the same order (the estimator is noisy over 60 samples, not biased wild)
    expect(ref.volatility).to.be.within(0.4, 1.6);
  });

  it("observe(): the first two readings and the first filtered price add no sample; the third return is the first", async function () {
    await observeAt(2_000, 0);
    await observeAt(2_100, minInterval);
    const t3 = await observeAt(2_050, minInterval);
    let o = await core.observer.observationOf(weth);
    expect([o.readings, o.samples, o.variance]).to.deep.equal([3n, 0n, 0n]);
    expect(o.last).to.equal(2_050n * WAD); // median of 2,000, 2,100, 2,050
    const t = await observeAt(2_200, minInterval);
    o = await core.observer.observationOf(weth);
    expect(o.samples).to.equal(1n);
    expect(o.last).to.equal(2_100n * WAD); // median of 2,100, 2,050, 2,200
    const r = Math.log(2_100 / 2_050);
    const expected = (r * r * YEAR) / (t - t3); // the first sample sets the estimate
    expect(Math.abs(Number(o.variance) / 1e18 - expected)).to.be.at.most(expected * TOLERANCE);
    expect(Number(o.updatedAt)).to.equal(t);
  });

  it("observe(): refuses a second observation within the interval, with the time it becomes possible", async function () {
    const t = await observeAt(2_000, 0);
    const before = await core.observer.observationOf(weth);
    await networkHelpers.time.increase(minInterval - 10);
    await expect(core.observer.observe(weth))
      .to.be.revertedWithCustomError(core.observer, "ObservedTooSoon")
      .withArgs(weth, t + minInterval);
    expect(await core.observer.observationOf(weth)).to.deep.equal(before);
    // every asset has its own clock
    await (await core.observer.observe(await core.wbtc.getAddress())).wait();
  });

  it("observe(): refuses an asset without a valid price (stale feed, unknown asset) and records nothing", async function () {
    await observeAt(2_000, 0);
    const before = await core.observer.observationOf(weth);
    await networkHelpers.time.increase(2 * 86_400); // past the feed's maximum age
    await expect(core.observer.observe(weth))
      .to.be.revertedWithCustomError(core.observer, "ObservationFailed")
      .withArgs(weth, 4n); // PriceFailure.Stale
    expect(await core.observer.observationOf(weth)).to.deep.equal(before);
    const stranger = ethers.Wallet.createRandom().address;
    await expect(core.observer.observe(stranger))
      .to.be.revertedWithCustomError(core.observer, "ObservationFailed")
      .withArgs(stranger, 1n); // PriceFailure.NoFeed
  });

  it("observe(): one outlying reading moves the estimate little; the unfiltered estimator would jump", async function () {
    const n = 30;
    const calm = gbm(5, 2_000, 0.3, minInterval, n);
    const spiked = [...calm];
    spiked[20] = (calm[20] ?? 0) * 1.5; // one reading 50% off, then back
    const waits = Array.from({ length: n }, () => minInterval);
    const a = await run(calm, waits);
    await ethers.provider.send("evm_revert", [snapshot]);
    snapshot = await ethers.provider.send("evm_snapshot", []);
    const b = await run(spiked, waits);
    const raw = new ReferenceObserver(window, { filter: false });
    const clean = new ReferenceObserver(window, { filter: false });
    spiked.forEach((p, i) => raw.observe(p, (i + 1) * minInterval));
    calm.forEach((p, i) => clean.observe(p, (i + 1) * minInterval));
    const filteredMove = Math.abs(Math.sqrt(b.ref.variance) - Math.sqrt(a.ref.variance));
    const rawMove = Math.abs(raw.volatility - clean.volatility);
    expect(filteredMove).to.be.below(0.05); // under 5 points of volatility
    expect(rawMove).to.be.above(0.5); // without the filter: more than 50 points
  });

  it("observe(): observing every 5 minutes or every 20 gives the same estimate within sampling noise", async function () {
    const n = 241; // 20 hours of one-minute prices
    const path = gbm(23, 2_000, 0.8, 300, n);
    // the same price path, observed at every point, or at every fourth point
    const often = await run(
      path,
      Array.from({ length: n }, () => minInterval),
    );
    await ethers.provider.send("evm_revert", [snapshot]);
    snapshot = await ethers.provider.send("evm_snapshot", []);
    const sparse = path.filter((_, i) => i % 4 === 0);
    const rarely = await run(
      sparse,
      Array.from({ length: sparse.length }, (_, i) => (i === 0 ? minInterval : 4 * minInterval)),
    );
    const ratio = often.ref.volatility / rarely.ref.volatility;
    expect(ratio).to.be.within(0.7, 1.43);
  });

  it("observe(): an observer who only observes after large moves raises the estimate boundedly: each sample weighs 1 − exp(−dt / window)", async function () {
    // calm market, observed honestly for 12 samples
    const prices = Array.from({ length: 15 }, (_, i) => 2_000 * (1 + 0.0005 * Math.sin(i)));
    const honest = await run(
      prices,
      Array.from({ length: prices.length }, () => minInterval),
    );
    const before = honest.ref.variance;
    // then one observation right after a 3% jump (the largest sample the adversary can pick), then back
    const w = 1 - Math.exp(-minInterval / window);
    const after = await run([2_000 * 1.03, 2_000 * 1.03], [minInterval, minInterval], honest.ref);
    const jump = Math.log(1.03 / (prices.at(-1) ?? 2_000));
    const sample = Math.min((jump * jump * YEAR) / minInterval, 100);
    // the first of the two readings is filtered out; the second enters as one sample of weight w at most
    expect(after.ref.variance).to.be.at.most(before + w * sample + 1e-12);
    expect(w).to.be.below(0.014); // 5 minutes over a 6-hour window
  });

  it("observe(): a crash raises the volatility well above the steward's 100% gate within the hour", async function () {
    const calm = gbm(3, 2_000, 0.3, minInterval, 20);
    const a = await run(
      calm,
      Array.from({ length: calm.length }, () => minInterval),
    );
    const [calmVol] = await core.observer.volatilityOf(weth);
    expect(Number(calmVol) / 1e18).to.be.below(1);
    const last = calm.at(-1) ?? 2_000;
    const crash = Array.from({ length: 12 }, (_, i) => last * (1 - 0.03 * (i + 1))); // -3% every 5 minutes
    await run(
      crash,
      Array.from({ length: crash.length }, () => minInterval),
      a.ref,
    );
    const [vol] = await core.observer.volatilityOf(weth);
    expect(Number(vol) / 1e18).to.be.above(1);
  });

  it("volatilityOf(): an asset never observed reads as zero samples, so no reader takes it as calm", async function () {
    expect(await core.observer.volatilityOf(await core.usdc.getAddress())).to.deep.equal([0n, 0n, 0n]);
  });

  it("constructor: refuses an interval or window outside its bounds", async function () {
    const oracle = await core.oracle.getAddress();
    const factory = await ethers.getContractFactory("VolatilityObserver");
    for (const [interval, win, field] of [
      [30, 86_400, "minInterval"],
      [2 * 86_400, 30 * 86_400, "minInterval"],
      [600, 5_999, "window"],
      [600, 91 * 86_400, "window"],
    ] as const) {
      await expect(factory.deploy(oracle, interval, win))
        .to.be.revertedWithCustomError(core.observer, "InvalidObserverConfig")
        .withArgs(field);
    }
  });
});
