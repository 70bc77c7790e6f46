/**
 * Differential fuzz of the TypeScript mirror (sdk/math.ts) against the one Solidity implementation of each rule:
 *
 * - the liquidation plan: `planLiquidation` against `LiquidationMath.plan` (the library the LiquidationEngine and the
 *   RiskLens compile in), run by a test harness (contracts/mocks/LiquidationMathHarness.sol) on random valuations: baskets of 0-4 assets of 0-36 decimals, failed prices, thresholds
 *   in force anywhere a ramp can put them, penalties, per-asset and global caps with dirt, synthetic prices, debts
 *   with interest, minimum debts and liquidation parameters; every field and every refusal must agree;
 * - the valuation and debt rules: `computeHealth` and `growIndex` against `PositionLens.healthOf` and
 *   `PositionLens.synthetic` on live positions after interest accrued for a random time, with a threshold ramp running.
 *
 * Deterministic: BALLAST_DIFF_SEED picks the sequence (default 1), BALLAST_DIFF_RUNS the number of plans (default
 * 400). A failure prints the seed and the case.
 */
import { expect } from "chai";
import { network } from "hardhat";
import { BUSD, Op } from "../sdk/params.js";
import { deployCore, fundAndApprove } from "../deploy/local/core.js";
import { answer8, units, wad } from "../sdk/units.js";
import {
  BPS,
  RAY,
  WAD,
  type PlanAsset,
  computeHealth,
  growIndex,
  growthUp,
  MAX_INDEX,
  mulDivDown,
  mulDivUp,
  planLiquidation,
  valueDown,
} from "../sdk/math.js";
import { ILiquidationEngine__factory, LiquidationMathHarness__factory } from "../typechain-types/index.js";
import { Rng } from "./lib/bigint-rng.js";

const { ethers, networkHelpers } = await network.create();
const SEED = BigInt(process.env.BALLAST_DIFF_SEED ?? "1");
const RUNS = Number(process.env.BALLAST_DIFF_RUNS ?? "400");
const MAX = 2n ** 256n - 1n;
/** [ray/s] Vault.MAX_RATE_PER_SECOND. */
const MAX_RATE = 31_709_791_983_764_586_504n;
const YEAR = 31_536_000n; // [s]

interface Case {
  basket: (PlanAsset & { liqPenaltyBps: bigint })[];
  debt: bigint;
  synthPrice: bigint;
  minDebt: bigint;
  targetHealth: bigint;
  fullLiquidationHealth: bigint;
  globalCap: bigint;
  globalDirt: bigint;
}

function randomCase(r: Rng): Case {
  const n = Number(r.between(0n, 4n));
  const basket: Case["basket"] = [];
  for (let i = 0; i < n; i++) {
    const decimals = Number(r.between(0n, 36n));
    const threshold = r.between(1n, 9_800n); // [bps] in force: a ramp can hold any value down to its target
    const maxPenalty = (BPS * BPS) / threshold - BPS; // threshold * (1 + penalty) <= 100%, as the Vault enforces
    const penalty = r.between(0n, maxPenalty < 2_500n ? maxPenalty : 2_500n);
    const cap = r.chance(20) ? 0n : r.chance(40) ? MAX : r.magnitude(30);
    basket.push({
      amount: r.chance(5) ? 1n : r.magnitude(decimals + 9 > 38 ? 38 : decimals + 9), // [token] < 2^128
      decimals,
      price: r.chance(15) ? 0n : r.magnitude(24), // [wad USD per whole token]; 0: the oracle failed
      liqThresholdBps: threshold,
      liqPenaltyBps: penalty,
      cap,
      dirt: r.chance(50) ? 0n : r.between(0n, cap === MAX ? 10n ** 30n : cap),
    });
  }
  const synthPrice = r.chance(50) ? WAD : r.magnitude(22);
  // the debt: around the basket's liquidation limit, so healthy and liquidatable positions both come up
  let ll = 0n;
  for (const a of basket) {
    ll += a.price === 0n ? 0n : mulDivDown(valueDown(a.amount, a.price, a.decimals), a.liqThresholdBps, BPS);
  }
  const around = mulDivDown(ll, WAD, synthPrice);
  const debt = r.chance(10) ? r.magnitude(30) : mulDivDown(around, r.between(5_000n, 30_000n), BPS) + r.between(0n, 3n);
  const globalCap = r.chance(50) ? MAX : r.magnitude(30);
  return {
    basket,
    debt: debt > 2n ** 120n ? 2n ** 120n : debt,
    synthPrice,
    minDebt: r.chance(20) ? 0n : r.magnitude(22),
    targetHealth: r.between(WAD + 1n, 2n * WAD),
    fullLiquidationHealth: r.between(WAD / 2n, WAD),
    globalCap,
    globalDirt: r.chance(50) ? 0n : r.between(0n, globalCap === MAX ? 10n ** 30n : globalCap),
  };
}

/** The valuation `VaultReader.liquidationState` would hand the planner for this case (ids 0..n-1). */
function stateOf(c: Case) {
  const st = {
    owner: ethers.ZeroAddress,
    synthId: 0n,
    token: ethers.ZeroAddress,
    minDebt: c.minDebt,
    synthPrice: c.synthPrice,
    debt: c.debt,
    debtValue: c.debt === 0n ? 0n : mulDivUp(c.debt, c.synthPrice, WAD),
    collateralValue: 0n,
    liquidationLimit: 0n,
    penaltyValue: 0n,
    pricedMask: 0n,
    assets: [] as string[],
    amounts: [] as bigint[],
    prices: [] as bigint[],
    values: [] as bigint[],
    limits: [] as bigint[],
    decimals: [] as number[],
  };
  c.basket.forEach((a, i) => {
    const v = a.price === 0n ? 0n : valueDown(a.amount, a.price, a.decimals);
    const limit = mulDivDown(v, a.liqThresholdBps, BPS);
    st.assets.push(ethers.getAddress(`0x${(i + 1).toString(16).padStart(40, "0")}`));
    st.amounts.push(a.amount);
    st.prices.push(a.price);
    st.values.push(v);
    st.limits.push(limit);
    st.decimals.push(Number(a.decimals));
    if (a.price !== 0n) {
      st.pricedMask |= 1n << BigInt(i);
      st.collateralValue += v;
      st.liquidationLimit += limit;
      st.penaltyValue += mulDivUp(v, a.liqPenaltyBps, BPS);
    }
  });
  return st;
}

describe("differential: the TypeScript mirror against the one Solidity implementation", function () {
  it(`planLiquidation == LiquidationMath.plan on ${RUNS} random valuations (seed ${SEED})`, async function () {
    const [deployer] = await ethers.getSigners();
    const planner = await new LiquidationMathHarness__factory(deployer!).deploy();
    const errors = ILiquidationEngine__factory.createInterface();
    const r = new Rng(SEED);
    const seen = { planned: 0, healthy: 0, capped: 0, refusedByCaps: 0 };
    for (let k = 0; k < RUNS; k++) {
      const c = randomCase(r);
      const ts = planLiquidation({
        ...c,
        keeper: { tip: 0n, chipBps: 0n, maxPay: 0n },
      });
      const rooms = c.basket.map((a) => (a.cap > a.dirt ? a.cap - a.dirt : 0n));
      const globalRoom = c.globalCap > c.globalDirt ? c.globalCap - c.globalDirt : 0n;
      const lp = { targetHealth: c.targetHealth, fullLiquidationHealth: c.fullLiquidationHealth };
      const where = `seed ${SEED} case ${k}: ${JSON.stringify(c, (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v))}`;
      let sol: Awaited<ReturnType<typeof planner.planFor>> | undefined;
      let error: { name: string; args: bigint[] } | undefined;
      try {
        sol = await planner.planFor(stateOf(c), rooms, globalRoom, lp, BigInt(k + 1));
      } catch (e) {
        const data = (e as { data?: string }).data;
        const parsed = data === undefined ? null : errors.parseError(data);
        if (parsed === null) throw new Error(`${where}: unexpected failure ${String(e)}`);
        error = { name: parsed.name, args: [...parsed.args].map((x) => BigInt(x as bigint)) };
      }
      if ("refused" in ts) {
        expect(error?.name, where).to.equal(ts.refused);
        if (ts.refused === "PositionHealthy") {
          expect(error?.args, where).to.deep.equal([BigInt(k + 1), ts.health]);
          seen.healthy++;
        } else {
          expect(error?.args, where).to.deep.equal([BigInt(k + 1), ts.room, ts.minRoom]);
          seen.refusedByCaps++;
        }
        continue;
      }
      expect(error, where).to.equal(undefined);
      if (sol === undefined) throw new Error(where);
      expect(
        [sol.debt, sol.penalty, sol.debtValue, sol.full, sol.capped, sol.keeperPay, [...sol.lots], [...sol.covers]],
        where,
      ).to.deep.equal([ts.debt, ts.penalty, ts.debtValue, ts.full, ts.capped, 0n, ts.lots, ts.covers]);
      seen.planned++;
      if (ts.capped) seen.capped++;
    }
    // the generator reaches every branch the comparison is about
    expect(seen.planned, JSON.stringify(seen)).to.be.greaterThan(RUNS / 10);
    expect(seen.healthy, JSON.stringify(seen)).to.be.greaterThan(0);
    expect(seen.capped, JSON.stringify(seen)).to.be.greaterThan(0);
    expect(seen.refusedByCaps, JSON.stringify(seen)).to.be.greaterThan(0);
  });

  it("computeHealth and growIndex == PositionLens.healthOf and synthetic after interest, with a ramp running", async function () {
    const core = await deployCore(ethers);
    const [, alice] = await ethers.getSigners();
    if (alice === undefined) throw new Error("needs a signer");
    await fundAndApprove(core, alice, {
      weth: units("weth", "50"),
      wbtc: units("wbtc", "2"),
      usdc: units("usdc", "50000"),
    });
    await (
      await core.vault.connect(alice).batch([
        { op: Op.Open, id: BUSD, asset: ethers.ZeroAddress, amount: 0n, to: ethers.ZeroAddress },
        { op: Op.Deposit, id: 0n, asset: core.weth, amount: units("weth", "7.123456789"), to: ethers.ZeroAddress },
        { op: Op.Deposit, id: 0n, asset: core.wbtc, amount: units("wbtc", "0.31415926"), to: ethers.ZeroAddress },
        { op: Op.Deposit, id: 0n, asset: core.usdc, amount: units("usdc", "1234.567891"), to: ethers.ZeroAddress },
        { op: Op.Mint, id: 0n, asset: ethers.ZeroAddress, amount: wad("9876.54321"), to: alice.address },
      ])
    ).wait();
    const id = (await core.vault.nextPositionId()) - 1n;
    // lower WETH's threshold: a ramp starts from the threshold in force
    const weth = await core.vault.assetConfig(core.weth);
    await (
      await core.vault.setAssetParams(core.weth, {
        maxLtvBps: weth.maxLtvBps - 1_000n,
        liqThresholdBps: weth.liqThresholdBps - 1_000n,
        liqPenaltyBps: weth.liqPenaltyBps,
        supplyCap: weth.supplyCap,
        frozen: false,
      })
    ).wait();
    const r = new Rng(SEED + 7n);
    for (let step = 0; step < 6; step++) {
      await networkHelpers.time.increase(Number(r.between(1n, 40_000n)));
      await core.refreshFeeds();
      await core.setPrice("weth", answer8(r.between(1_500n, 2_500n).toString()));
      const block = await ethers.provider.getBlock("latest");
      if (block === null) throw new Error("no block");
      const now = BigInt(block.timestamp);
      const s = await core.lens.synthetic(BUSD);
      const raw = await core.vault.extSload(
        ethers.toBeHex(BigInt(ethers.keccak256(ethers.AbiCoder.defaultAbiCoder().encode(["uint256"], [11n]))) + 1n, 32),
      );
      const w = BigInt(raw);
      const stored = w & (2n ** 128n - 1n);
      const rate = (w >> 128n) & (2n ** 88n - 1n);
      const last = w >> 216n;
      const index = last >= now ? stored : growIndex(stored, rate, now - last);
      expect(s.rateIndex).to.equal(index);
      expect(s.totalDebt).to.equal(mulDivUp(s.totalNormDebt, index, RAY));
      const basket = [];
      for (const [asset] of [[core.weth], [core.wbtc], [core.usdc]] as const) {
        const cfg = await core.vault.assetConfig(asset);
        basket.push({
          amount: await core.vault.collateralOf(id, asset),
          decimals: cfg.decimals,
          price: await core.oracle.getPrice(asset),
          maxLtvBps: cfg.maxLtvBps,
          liqThresholdBps: await core.lens.liquidationThreshold(asset), // the ramp's value now
        });
      }
      const h = await core.lens.healthOf(id);
      const expected = computeHealth(basket, await core.lens.normDebtOf(id), index, WAD);
      expect([h.collateralValue, h.mintLimit, h.liquidationLimit, h.debt, h.debtValue, h.health]).to.deep.equal([
        expected.collateralValue,
        expected.mintLimit,
        expected.liquidationLimit,
        expected.debt,
        expected.debtValue,
        expected.health,
      ]);
    }
  });

  it("growthUp is never below the exact (1 + r)^dt and within K (K + 1) / 2 + 2 ray-wei above it (bigint, exact)", function () {
    const r = new Rng(SEED + 11n);
    for (let i = 0; i < 300; i++) {
      const rate = r.chance(30) ? r.between(0n, MAX_RATE) : r.magnitude(19);
      const dt = r.chance(50) ? r.between(0n, 60n) : r.between(0n, 3_000n);
      const g = growthUp(rate, dt);
      // exact: (RAY + rate)^dt / RAY^(dt - 1), as a fraction
      const num = dt === 0n ? RAY : (RAY + rate) ** dt;
      const den = dt === 0n ? 1n : RAY ** (dt - 1n);
      const ceil = (num + den - 1n) / den;
      const terms = seriesTerms(rate, dt);
      expect(g >= ceil, `rate ${rate}, dt ${dt}: ${g} below the exact ${ceil}`).to.equal(true);
      expect(g - num / den <= (terms * (terms + 1n)) / 2n + 2n, `rate ${rate}, dt ${dt}: overshoot`).to.equal(true);
    }
  });

  it("growIndex == DebtMath.growUp on any rate, gap and index, saturation included", async function () {
    const [deployer] = await ethers.getSigners();
    const harness = await new LiquidationMathHarness__factory(deployer!).deploy();
    const r = new Rng(SEED + 13n);
    let saturated = 0;
    for (let i = 0; i < 120; i++) {
      const rate = r.chance(40) ? r.between(0n, MAX_RATE) : r.magnitude(19);
      const dt = r.chance(30) ? r.between(0n, 70n * YEAR) : r.magnitude(8);
      const index = r.chance(50) ? RAY : r.between(RAY, MAX_INDEX);
      const expected = growIndex(index, rate, dt);
      expect(await harness.growUp(index, rate, dt), `index ${index}, rate ${rate}, dt ${dt}`).to.equal(expected);
      if (expected === MAX_INDEX) saturated++;
    }
    expect(saturated).to.be.greaterThan(0);
  });
});

/** The number of terms `growthUp` adds for `rate` and `dt` (the series' K). */
function seriesTerms(rate: bigint, dt: bigint): bigint {
  let term = RAY;
  for (let k = 0n; ;) {
    const p = term * (dt - k) * rate;
    k += 1n;
    term = (p + k * RAY - 1n) / (k * RAY);
    if (term < 2n) return k;
  }
}
