/**
 * The risk engine (risk/**, docs/risk.md): the bigint mirror it simulates with against the contracts' own
 * views over fuzzed baskets and prices, the snapshot it reads, reproducibility of seeded runs, a known scenario with
 * a known answer, the direction of its recommendations, its exposure figures and the calldata it emits.
 */
import { expect } from "chai";
import { network } from "hardhat";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ASSETS, ASSET_KEYS, type AssetKey, BETH, BUSD, KEEPER_PARAMS } from "../sdk/params.js";
import { type Core, fundAndApprove } from "../deploy/local/core.js";
import { units, wad } from "../sdk/units.js";
import {
  RAY,
  WAD,
  auctionPriceUp,
  growIndex,
  mulDivUp,
  computeHealth,
  isRedeemable,
  pegOpen,
  planLiquidation,
  quoteTake,
  splitLiquidation,
  startPricesUp,
} from "../sdk/math.js";
import { exposure } from "../risk/exposure.js";
import { type InstrumentRisk, greeks } from "../risk/instruments.js";
import {
  CRASH_60,
  type RiskConfig,
  SCENARIOS,
  type Snapshot,
  basketOf,
  defaultConfig,
  healthAt,
  synthPriceOf,
} from "../risk/model.js";
import { buildPortfolio, openBasket } from "../deploy/local/portfolio.js";
import { MIN_EVIDENCE_PATHS, governanceCalls, recommend } from "../risk/recommend.js";
import { binomialCdf, estimate, lowerBound, upperBound } from "../risk/stats.js";
import { deploySystem } from "../deploy/deploy.js";
import { configFor } from "../deploy/config/networks.js";
import * as ops from "../tasks/ops.js";
import { loadSystem } from "../sdk/system.js";
import { Rng } from "../risk/rng.js";
import { lapsed, runRisk } from "../risk/run.js";
import { pictures } from "../risk/report.js";
import { PLOT } from "../sdk/svg.js";
import { parseManifest, readSnapshot } from "../risk/snapshot.js";
import { simulate } from "../risk/simulate.js";
import { buildPathModel, generatePath } from "../risk/paths.js";
import { IVault__factory } from "../typechain-types/index.js";

const { ethers } = await network.create();

/** A small, fast configuration for tests. */
function testConfig(over: Partial<RiskConfig> = {}): RiskConfig {
  return { ...defaultConfig(), paths: 150, hours: 48, recommendPaths: 120, samplePaths: 3, ...over };
}

async function snapshotOf(core: Core): Promise<Snapshot> {
  const [signer] = await ethers.getSigners();
  if (signer === undefined) throw new Error("no signer");
  const { vault, oracle, engine, lens } = core.addresses;
  if (vault === undefined || oracle === undefined || engine === undefined || lens === undefined) {
    throw new Error("core addresses");
  }
  return readSnapshot(signer, { vault, oracle, engine, lens }, "test");
}

describe("risk engine: the bigint mirror against the contracts", function () {
  it("health, liquidation plans, auction splits and takes match the Vault and engine to the wei over fuzzed baskets and prices", async function () {
    const rng = new Rng(0xba11a57, 1);
    const core = await buildPortfolio(ethers, { plans: [], interestDays: 0 });
    const signers = await ethers.getSigners();
    const [, taker] = signers;
    if (taker === undefined) throw new Error("needs signers");
    // the taker mints bUSD against USDC to pay for takes
    await fundAndApprove(core, taker, { usdc: units("usdc", "5000000") });
    await (
      await core.vault
        .connect(taker)
        .openAndMint(BUSD, core.usdc, units("usdc", "5000000"), wad("3000000"), taker.address)
    ).wait();
    await (await core.busd.connect(taker).approve(core.engine, ethers.MaxUint256)).wait();
    const takerPosition = (await core.vault.nextPositionId()) - 1n;

    // random baskets (1-3 assets, random amounts) minted at 40-80% of value, in bUSD or bETH
    for (let k = 0; k < 10; k++) {
      const owner = signers[2 + (k % 8)];
      if (owner === undefined) throw new Error("needs signers");
      const keys = ASSET_KEYS.filter(() => rng.uniform() < 0.6);
      if (keys.length === 0) keys.push("weth");
      const amounts: Partial<Record<AssetKey, bigint>> = {};
      let value = 0;
      for (const key of keys) {
        const whole = key === "wbtc" ? rng.uniform() * 2 : key === "weth" ? rng.uniform() * 40 : rng.uniform() * 50_000;
        amounts[key] = BigInt(Math.floor(whole * 10 ** ASSETS[key].decimals)) + 1000n;
        value += whole * (Number(ASSETS[key].price) / 1e8) * (Number(ASSETS[key].params.maxLtvBps) / 1e4);
      }
      await fundAndApprove(core, owner, amounts);
      const synth = rng.uniform() < 0.3 ? BETH : BUSD;
      const usd = Math.max(value * (0.5 + 0.45 * rng.uniform()), 300);
      const debt =
        synth === BUSD ? BigInt(Math.floor(usd)) * WAD : (BigInt(Math.floor((usd / 2000) * 1e6)) * WAD) / 10n ** 6n;
      await openBasket(core, owner, synth, amounts, debt);
    }

    let compared = 0;
    let plans = 0;
    let takes = 0;
    for (let round = 0; round < 6; round++) {
      // time passes (interest), prices move by -45% … +30%, caps are random (some bind)
      await ethers.provider.send("evm_increaseTime", [Math.floor(rng.uniform() * 30 * 86_400)]);
      for (const key of ["weth", "wbtc"] as const) {
        const m = 0.4 + 0.8 * rng.uniform();
        await core.setPrice(key, BigInt(Math.floor(Number(ASSETS[key].price) * m)));
      }
      await core.setPrice("usdc", BigInt(Math.floor(1e8 * (0.97 + 0.06 * rng.uniform()))));
      const cap = rng.uniform() < 0.5 ? wad("10000000") : BigInt(Math.floor(2_000 + rng.uniform() * 40_000)) * WAD;
      await (await core.engine.setGlobalCap(cap)).wait();
      for (const key of ASSET_KEYS) {
        await (
          await core.engine.setAssetCap(core.tokens[key], BigInt(Math.floor(1_000 + rng.uniform() * 60_000)) * WAD)
        ).wait();
      }
      const snap = await snapshotOf(core);
      for (const p of snap.positions) {
        if (p.id === takerPosition) continue;
        // earlier liquidations and takes in this round moved time and the debt in auction: read them again
        for (const s of snap.synths) s.rateIndex = (await core.lens.synthetic(s.id)).rateIndex;
        for (const a of snap.assets) a.dirt = await core.engine.assetDirt(a.address);
        snap.globalDirt = await core.engine.globalDirt();
        const s = snap.synths[p.synth];
        if (s === undefined) throw new Error("synth");
        const synthPrice = synthPriceOf(snap, p.synth);
        const basket = basketOf(snap, p);
        const mirror = computeHealth(basket, p.normDebt, s.rateIndex, synthPrice);
        const h = await core.lens.healthOf(p.id);
        expect(mirror.collateralValue, `#${p.id} collateral value`).to.equal(h.collateralValue);
        expect(mirror.mintLimit, `#${p.id} mint limit`).to.equal(h.mintLimit);
        expect(mirror.liquidationLimit, `#${p.id} liquidation limit`).to.equal(h.liquidationLimit);
        expect(mirror.debt, `#${p.id} debt`).to.equal(h.debt);
        expect(mirror.debtValue, `#${p.id} debt value`).to.equal(h.debtValue);
        expect(mirror.health, `#${p.id} health`).to.equal(h.health);
        compared++;

        const input = {
          basket,
          debt: mirror.debt,
          synthPrice,
          minDebt: s.minDebt,
          targetHealth: snap.targetHealth,
          fullLiquidationHealth: snap.fullLiquidationHealth,
          globalCap: snap.globalCap,
          globalDirt: snap.globalDirt,
          keeper: s.keeper,
        };
        const plan = planLiquidation(input);
        if ("refused" in plan) {
          await expect(core.engine.previewLiquidation(p.id)).to.be.revertedWithCustomError(core.engine, plan.refused);
          continue;
        }
        const preview = await core.engine.previewLiquidation(p.id);
        expect([
          plan.debt,
          plan.penalty,
          plan.debtValue,
          plan.full,
          plan.capped,
          plan.keeperPay,
          plan.lots,
          plan.covers,
        ]).to.deep.equal([
          preview.debt,
          preview.penalty,
          preview.debtValue,
          preview.full,
          preview.capped,
          preview.keeperPay,
          [...preview.lots],
          [...preview.covers],
        ]);
        plans++;

        // liquidate for real: the auctions are the mirror's split, priced by the mirror's start prices
        const first = await core.engine.nextAuctionId();
        const receipt = await (await core.engine.liquidate(p.id)).wait();
        if (receipt === null) throw new Error("no receipt");
        // the transaction runs a block later than the preview (a second more interest): the mirror's plan at the
        // index the Vault used then
        const indexAtTx = (await core.lens.synthetic(p.synth, { blockTag: receipt.blockNumber })).rateIndex;
        const atTx = planLiquidation({ ...input, debt: mulDivUp(p.normDebt, indexAtTx, RAY) });
        if ("refused" in atTx) throw new Error(`the mirror refused #${p.id} one block later: ${atTx.refused}`);
        const ev = receipt.logs
          .map((l) => core.engine.interface.parseLog(l))
          .find((e) => e?.name === "LiquidationStarted");
        if (ev === undefined || ev === null) throw new Error("no LiquidationStarted");
        expect([ev.args.debt, ev.args.penalty, ev.args.debtValue, ev.args.keeperPay]).to.deep.equal([
          atTx.debt,
          atTx.penalty,
          atTx.debtValue,
          atTx.keeperPay,
        ]);
        const shares = splitLiquidation(atTx);
        let auctionId = first;
        for (const [j, sh] of shares.entries()) {
          if (sh.tab === 0n) continue;
          const a = await core.engine.auction(auctionId);
          const as = snap.assets[p.assets[j] ?? 0];
          if (as === undefined) throw new Error("asset");
          const { top, floor } = startPricesUp(
            { market: (as.price * WAD) / synthPrice, lot: sh.lot, tab: sh.tab, debt: sh.debt, decimals: as.decimals },
            snap.auction.startBufferBps,
            snap.auction.resetBelowBps,
          );
          expect([a.lot, a.tab, a.debt, a.dirt, a.top, a.floor]).to.deep.equal([
            sh.lot,
            sh.tab,
            sh.debt,
            sh.dirt,
            top,
            floor,
          ]);
          // a take of half the lot one step later, at the curve's price
          await ethers.provider.send("evm_increaseTime", [Number(snap.auction.step) * 3]);
          await ethers.provider.send("evm_mine", []);
          const now = BigInt((await ethers.provider.getBlock("latest"))?.timestamp ?? 0);
          const price = auctionPriceUp(a.top, now + 1n - a.startTime, snap.auction);
          const q = quoteTake(
            { lot: a.lot, tab: a.tab, debt: a.debt, dirt: a.dirt, decimals: as.decimals, dust: a.dust },
            a.lot / 2n,
            price,
          );
          if ("refused" in q) {
            await expect(
              core.engine.connect(taker).take(auctionId, a.lot / 2n, price, taker.address, "0x"),
            ).to.be.revertedWithCustomError(core.engine, q.refused);
          } else {
            const dirtBefore = await core.engine.globalDirt();
            await (await core.engine.connect(taker).take(auctionId, a.lot / 2n, price, taker.address, "0x")).wait();
            const after = await core.engine.auction(auctionId);
            if (q.ended) {
              expect(after.tab).to.equal(0n);
            } else {
              expect([after.lot, after.tab, after.debt, after.dirt]).to.deep.equal([
                a.lot - q.collateral,
                a.tab - q.owe,
                a.debt - q.burned,
                a.dirt - q.dirtCut,
              ]);
            }
            expect(dirtBefore - (await core.engine.globalDirt())).to.equal(q.dirtCut);
            takes++;
          }
          auctionId++;
        }
      }
    }
    expect(compared).to.be.greaterThan(40);
    expect(plans, "some positions were liquidatable").to.be.greaterThan(2);
    expect(takes, "some takes were checked").to.be.greaterThan(0);
  });
});

describe("risk engine: the take mirror's edges", function () {
  it("quoteTake: a take covering the tab never buys more than the lot when a wei of collateral is worth under a wei of synthetic", function () {
    // the case of LiquidationEngineEdges.t.sol: at 0.84 per whole token the whole lot rounds up to the tab, and the
    // tab would buy one wei more than the lot
    const a = { lot: 17_500n * WAD + 24n, tab: 14_700n * WAD + 21n, debt: 14_000n * WAD + 19n, decimals: 18 };
    const q = quoteTake({ ...a, dirt: a.debt, dust: 100n * WAD }, a.lot, 84n * 10n ** 16n);
    if ("refused" in q) throw new Error(`refused: ${q.refused}`);
    expect([q.collateral, q.owe, q.ended, q.leftover, q.writtenOff]).to.deep.equal([a.lot, a.tab, true, 0n, 0n]);
  });

  it("quoteTake: one unit of a coarse token worth more than the tab sells at the price, the excess to the owner", function () {
    // the case of LiquidationEngineEdges.t.sol: a 0-decimal bar at 2,400 per unit against a tab of ~1,156
    const a = { lot: 1n, tab: 1_156n * WAD, debt: 1_100n * WAD, decimals: 0 };
    const q = quoteTake({ ...a, dirt: a.debt, dust: 100n * WAD }, 1n, 2_400n * WAD);
    if ("refused" in q) throw new Error(`refused: ${q.refused}`);
    expect([q.collateral, q.owe, q.toOwner, q.burned, q.penalty, q.ended]).to.deep.equal([
      1n,
      2_400n * WAD,
      1_244n * WAD,
      1_100n * WAD,
      56n * WAD,
      true,
    ]);
  });
});

describe("risk engine: snapshot, simulation and report", function () {
  let core: Core;
  let snap: Snapshot;

  before(async function () {
    core = await buildPortfolio(ethers);
    snap = await snapshotOf(core);
  });

  it("readSnapshot: reads every position with debt, the parameters and the Treasury's surplus", async function () {
    expect(snap.positions.length).to.equal(9);
    expect(snap.assets.map((a) => a.symbol)).to.deep.equal(["WETH", "WBTC", "USDC", "wstETH", "sDAI", "TBILL"]);
    expect(snap.synths.map((s) => s.symbol)).to.deep.equal(["bUSD", "bETH"]);
    expect(snap.synths[1]?.priceAsset).to.equal(0);
    expect(snap.synths[0]?.keeper).to.deep.equal(KEEPER_PARAMS.busd);
    expect(snap.synths[0]?.surplus).to.equal(await core.treasury.surplus(BUSD));
    expect(snap.synths[0]?.surplus).to.be.greaterThan(0n);
    for (const p of snap.positions) expect(p.normDebt).to.equal(await core.lens.normDebtOf(p.id));
    expect(snap.globalCap).to.equal(wad("40000"));
  });

  it("a rate-adjusted asset follows its base's path; the lapse scenario puts attested thresholds at their floors", function () {
    const cfg = testConfig({ hours: 24 });
    const m = buildPathModel(snap, cfg);
    const n = snap.assets.length;
    const out = new Float64Array((cfg.hours + 1) * n);
    const w = snap.assets.findIndex((a) => a.symbol === "wstETH");
    const e = snap.assets.findIndex((a) => a.symbol === "WETH");
    let moved = false;
    for (let p = 0; p < 5; p++) {
      generatePath(m, p, out);
      for (let t = 0; t <= cfg.hours; t++) {
        expect(out[t * n + w]).to.equal(out[t * n + e]);
        moved ||= out[t * n + e] !== 1;
      }
    }
    expect(moved).to.equal(true);
    const tbill = snap.assets.find((a) => a.symbol === "TBILL");
    expect(tbill?.lapseFloorBps).to.equal(5_000n);
    expect(snap.assets.find((a) => a.symbol === "WETH")?.lapseFloorBps).to.equal(0n);
    const lapsedSnap = lapsed(snap);
    expect(lapsedSnap.assets.map((a) => a.liqThresholdBps)).to.deep.equal(
      snap.assets.map((a) => (a.symbol === "TBILL" ? 5_000n : a.liqThresholdBps)),
    );
    expect(SCENARIOS.lapse(cfg).lapse).to.equal(true);
  });

  it("runRisk: the same seed gives the same JSON; another seed gives another", function () {
    const cfg = testConfig();
    const a = runRisk(snap, cfg);
    const b = runRisk(snap, cfg);
    expect(a.json).to.equal(b.json);
    const c = runRisk(snap, { ...cfg, seed: cfg.seed + 1 });
    expect(c.json).to.not.equal(a.json);
    const report = JSON.parse(a.json) as { badDebt: { paths: number }; positionsAtRisk: { id: string }[] };
    expect(report.badDebt.paths).to.equal(150);
    expect(report.positionsAtRisk[0]?.id).to.equal("5"); // erin, 78% LTV on WETH
  });

  it("runRisk: writes the JSON report and four SVG pictures", function () {
    const dir = mkdtempSync(join(tmpdir(), "risk-"));
    const r = runRisk(snap, testConfig({ paths: 40 }), { outDir: dir });
    expect(r.files.map((f) => f.slice(dir.length + 1))).to.deep.equal([
      "risk-test.json",
      "risk-test-bad-debt.svg",
      "risk-test-price-paths.svg",
      "risk-test-backing.svg",
      "risk-test-liquidations.svg",
    ]);
    for (const svg of Object.values(r.files.slice(1))) expect(svg).to.match(/\.svg$/);
  });

  it("pictures: legends sit under the plots and the histogram's note above it, never over the data", function () {
    const r = runRisk(snap, testConfig({ paths: 40 }));
    const svgs = Object.entries(pictures(snap, testConfig({ paths: 40 }), r.sim, r.report));
    expect(svgs.map(([f]) => f)).to.deep.equal(["bad-debt.svg", "price-paths.svg", "backing.svg", "liquidations.svg"]);
    const bottom = PLOT.y + PLOT.height;
    for (const [file, svg] of svgs) {
      const legend = /<g class="legend">([\s\S]*?)<\/g>/.exec(svg)?.[1];
      if (file === "bad-debt.svg") {
        expect(legend).to.equal(undefined);
        const noteY = Number(/<text x="\d+" y="([\d.]+)" text-anchor="end" font-size="12">P\(&gt; \$/.exec(svg)?.[1]);
        expect(noteY, file).to.be.lessThan(PLOT.y);
        continue;
      }
      const ys = [...(legend ?? "").matchAll(/ y1?="([\d.]+)"/g)].map((m) => Number(m[1]));
      expect(ys.length, file).to.be.greaterThan(0);
      for (const y of ys) expect(y, file).to.be.greaterThan(bottom);
      const height = Number(/<svg [^>]*height="(\d+)"/.exec(svg)?.[1]);
      expect(Math.max(...ys), file).to.be.lessThan(height);
    }
  });

  it("known scenario: a 60% one-hour crash with no keepers leaves debt − 40% of the collateral as bad debt", async function () {
    // one position: 10 WETH at $2,000, 14,000 bUSD (70% LTV)
    const c2 = await buildPortfolio(ethers, {
      plans: [{ name: "one", synth: "bUSD", basket: { weth: "10" }, ltvBps: 7_000n }],
      interestDays: 0,
    });
    const s2 = await snapshotOf(c2);
    const crash = {
      crashShare: 1,
      crashes: [CRASH_60],
      vol: { WETH: 0, WBTC: 0, USDC: 0 },
      jumps: { perYear: 0, scale: 0, dof: 3 },
    };
    const noKeepers = simulate(s2, testConfig({ ...crash, paths: 5, hours: 24, keepers: false }));
    // the debt at the horizon: a day of interest on top of today's (the mirror's index growth)
    const s2p = s2.positions[0];
    const s2s = s2.synths[0];
    if (s2p === undefined || s2s === undefined) throw new Error("snapshot");
    const debt = Number(mulDivUp(s2p.normDebt, growIndex(s2s.rateIndex, s2s.ratePerSecond, 24n * 3_600n), RAY)) / 1e18;
    expect(debt).to.be.greaterThan(14_000);
    for (const o of noKeepers.outcomes) {
      expect(o.realizedUsd).to.equal(0);
      expect(Math.abs(o.badDebtUsd - (debt - 8_000))).to.be.lessThan(1); // interest over a day is below $1
    }
    // with keepers and ample liquidity the auction sells the whole basket at ≤ 97% of the crashed price: realized
    const keepers = simulate(s2, testConfig({ ...crash, paths: 5, hours: 24, keepers: true }));
    for (const o of keepers.outcomes) {
      expect(o.liquidations).to.equal(1);
      expect(o.unrealizedUsd).to.equal(0);
      expect(o.realizedUsd >= debt - 8_000 * 0.97 && o.realizedUsd <= debt - 8_000 * 0.96, `${o.realizedUsd}`).to.equal(
        true,
      );
    }
    // the same crash on a 30%-LTV position: no bad debt
    const c3 = await buildPortfolio(ethers, {
      plans: [{ name: "safe", synth: "bUSD", basket: { weth: "10" }, ltvBps: 3_000n }],
      interestDays: 0,
    });
    const safe = simulate(await snapshotOf(c3), testConfig({ ...crash, paths: 5, hours: 24, keepers: false }));
    for (const o of safe.outcomes) expect(o.badDebtUsd).to.equal(0);
  });

  it("simulate: auctions live at the snapshot go on and clear, freeing the caps", async function () {
    const c5 = await buildPortfolio(ethers, {
      plans: [{ name: "one", synth: "bUSD", basket: { weth: "10" }, ltvBps: 7_500n }],
      interestDays: 0,
    });
    await c5.setPrice("weth", 1_700n * 10n ** 8n); // health 0.85 × 17,000 / 15,000 < 1
    await (await c5.engine.liquidate(1n)).wait();
    const s5 = await snapshotOf(c5);
    expect(s5.auctions.length).to.equal(1);
    expect(s5.globalDirt).to.be.greaterThan(0n);
    expect(s5.auctions[0]?.dirt).to.equal(s5.globalDirt);
    const calm = { crashShare: 0, vol: { WETH: 0, WBTC: 0, USDC: 0 }, jumps: { perYear: 0, scale: 0, dof: 3 } };
    const r = simulate(s5, testConfig({ ...calm, paths: 1, hours: 3 }));
    expect(r.dirtMax[0]).to.equal(Number(s5.globalDirt) / 1e18); // in auction before the first hour's takes
    expect(r.dirtMax[1]).to.equal(0); // taken in the first hour
    expect(r.outcomes[0]?.penaltiesUsd).to.be.greaterThan(0);
    expect(r.outcomes[0]?.badDebtUsd).to.equal(0);
  });

  it("recommend: higher volatility gives a lower recommended WETH threshold; the calldata encodes it", function () {
    const base = { crashShare: 0, badDebtLimit: 100, targetProbability: 0.05, hours: 48, recommendPaths: 100 };
    const calm = recommend(snap, testConfig({ ...base, vol: { WETH: 0.4, WBTC: 0.4, USDC: 0.01 } }), {
      only: ["WETH"],
    });
    const wild = recommend(snap, testConfig({ ...base, vol: { WETH: 2.5, WBTC: 0.4, USDC: 0.01 } }), {
      only: ["WETH"],
    });
    const lt = (r: typeof calm): bigint => r[0]?.recommended.liqThresholdBps ?? 0n;
    expect(lt(wild)).to.be.lessThan(lt(calm));
    expect(wild[0]?.probabilityRecommended).to.be.at.most(0.05);

    const calls = governanceCalls(snap, wild);
    const set = calls.find((c) => c.contract === "Vault");
    if (set === undefined) throw new Error("no setAssetParams call");
    const decoded = IVault__factory.createInterface().decodeFunctionData("setAssetParams", set.calldata);
    expect(decoded[0]).to.equal(snap.assets[0]?.address);
    expect(decoded[1][1]).to.equal(lt(wild));
    expect(set.target).to.equal(snap.addresses.vault);
    expect(set.schedule?.target).to.equal(snap.addresses.authority);
  });

  it("exposure: bUSD on WETH carries the WETH delta, bETH on WETH is hedged, bETH on USDC is short WETH", async function () {
    const c4 = await buildPortfolio(ethers, {
      plans: [
        { name: "usd", synth: "bUSD", basket: { weth: "10" }, ltvBps: 5_000n },
        { name: "hedged", synth: "bETH", basket: { weth: "10" }, ltvBps: 5_000n },
        { name: "short", synth: "bETH", basket: { usdc: "20000" }, ltvBps: 5_000n },
      ],
      interestDays: 0,
    });
    const s4 = await snapshotOf(c4);
    const e = exposure(s4, testConfig({ crashShare: 0 }), 0.01, 20);
    const weth = e.assets[0];
    if (weth === undefined) throw new Error("no WETH");
    const beth = (Number(await c4.lens.debtOf(2n)) + Number(await c4.lens.debtOf(3n))) / 1e18;
    // d(net)/d(price) in units of WETH: bUSD side +10; bETH side 10 − bETH debt
    const near = (x: number | undefined, y: number): boolean => x !== undefined && Math.abs(x - y) < 1e-6;
    expect(near(weth.perSynth[0]?.netDelta, 10), `${weth.perSynth[0]?.netDelta}`).to.equal(true);
    expect(near(weth.perSynth[1]?.netDelta, 10 - beth), `${weth.perSynth[1]?.netDelta} vs ${10 - beth}`).to.equal(true);
    expect(near(weth.netGamma, 0), `${weth.netGamma}`).to.equal(true);
    expect(weth.backingGamma).to.not.equal(0); // WETH prices both sides of bETH
    expect(e.correlation.perSynth.bUSD).to.equal(null);
    expect(e.correlation.perSynth.bETH).to.be.a("number");
  });

  it("instruments: readSnapshot reads every series; the report prices each and adds its delta to the issued exposure", async function () {
    const c5 = await buildPortfolio(ethers, {
      plans: [{ name: "usd", synth: "bUSD", basket: { weth: "10" }, ltvBps: 5_000n }],
      interestDays: 0,
    });
    const [writer] = await ethers.getSigners();
    if (writer === undefined) throw new Error("no signer");
    const iv = c5.instruments.connect(writer);
    const weth = await c5.weth.getAddress();
    const now = BigInt((await ethers.provider.getBlock("latest"))?.timestamp ?? 0);
    const expiry = now + 30n * 86_400n;
    await (await iv.createSeries(weth, weth, 0, wad("2500"), expiry)).wait();
    await (await c5.weth.mint(writer.address, units("weth", "3"))).wait();
    await (await c5.weth.connect(writer).approve(await iv.getAddress(), units("weth", "3"))).wait();
    await (await iv.write(1n, wad("3"), writer.address, writer.address)).wait();
    const { vault, oracle, engine, lens } = c5.addresses;
    if (vault === undefined || oracle === undefined || engine === undefined || lens === undefined) {
      throw new Error("core addresses");
    }
    const s5 = await readSnapshot(writer, { vault, oracle, engine, lens, instruments: await iv.getAddress() }, "test");
    expect(s5.series).to.have.length(1);
    const series = s5.series?.[0];
    expect(series?.kind).to.equal("call");
    expect(series?.units).to.equal(wad("3"));
    expect(series?.locked).to.equal(units("weth", "3"));
    const cfg = testConfig({ paths: 20, hours: 24 });
    const r = runRisk(s5, cfg);
    const inst = (r.report as { instruments: InstrumentRisk }).instruments;
    const spot = Number(s5.assets[0]?.price ?? 0n) / 1e18;
    const years = Number(expiry - s5.timestamp) / (365 * 86_400);
    const g = greeks("call", spot, 2_500, years, cfg.vol.WETH ?? 0);
    expect(Math.abs((inst.series[0]?.delta ?? 0) - 3 * g.delta)).to.be.below(1e-9);
    expect(Math.abs((inst.series[0]?.value ?? 0) - 3 * g.value)).to.be.below(1e-6);
    const issued = inst.issued.find((a) => a.asset === "WETH");
    expect(Math.abs((issued?.instrumentDelta ?? 0) - 3 * g.delta)).to.be.below(1e-9);
    expect(issued?.syntheticUnits).to.equal(0); // the portfolio's synthetic is bUSD: no WETH-priced debt
    expect(r.text).to.match(/Instruments \(fully backed; Black–Scholes/);
    expect(r.text).to.match(/Issued exposure per asset/);
  });
});

describe("risk engine: stability modules and redemptions", function () {
  let core: Core;
  let snap: Snapshot;

  before(async function () {
    core = await buildPortfolio(ethers);
    snap = await snapshotOf(core);
  });

  it("readSnapshot: reads each module's reserves, debt line and band, the redeemer's parameters and each position's exposure", async function () {
    expect(snap.modules.length).to.equal(1);
    const m = snap.modules[0];
    if (m === undefined) throw new Error("no module");
    const line = await core.lens.moduleLine(core.psm);
    expect(m.address).to.equal(await core.psm.getAddress());
    expect(m.reserves).to.equal(await core.psm.reserves());
    expect(m.reserves).to.equal(units("usdc", "200000"));
    expect([m.debt, m.ceiling, m.synth]).to.deep.equal([line.debt, line.ceiling, Number(line.synthId)]);
    expect(m.debt).to.equal(wad("200000")); // par: one unit per whole USDC, the fee included
    expect(snap.assets[m.asset]?.symbol).to.equal("USDC");
    expect(m.bandBps).to.equal((await core.psm.config()).bandBps);
    const r = snap.redemptions;
    if (r === undefined) throw new Error("no redeemer");
    expect(r.address).to.equal(await core.redemptions.getAddress());
    expect(r.params[Number(BUSD)]?.redeemableHealth).to.equal((await core.redemptions.params(BUSD)).redeemableHealth);
    for (const p of snap.positions) {
      const x = await core.redemptions.exposureOf(p.id);
      expect(p.redemption).to.deep.equal({
        redeemable: x.redeemable,
        maxRedeemable: x.maxRedeemable,
        feeBps: x.feeBps,
      });
    }
  });

  it("isRedeemable on the mirror's health agrees with Redemptions.exposureOf for every position, as WETH falls", async function () {
    const c = await buildPortfolio(ethers, { interestDays: 0, moduleSwapIn: "0" });
    let reachable = 0;
    let unreachable = 0;
    for (const answer of [2_000n, 1_900n, 1_800n, 1_700n, 1_600n]) {
      await c.setPrice("weth", answer * 10n ** 8n);
      const s = await snapshotOf(c);
      for (const p of s.positions) {
        const x = await c.redemptions.exposureOf(p.id);
        const h = healthAt(s, p).health;
        expect(h, `#${p.id} at $${answer}`).to.equal(x.health);
        const rh = s.redemptions?.params[p.synth]?.redeemableHealth ?? 0n;
        expect(isRedeemable(h, rh), `#${p.id} at $${answer}: health ${h}`).to.equal(x.redeemable);
        if (x.redeemable) reachable++;
        else unreachable++;
      }
    }
    // both answers occur, so the check can fail either way
    expect(reachable).to.be.greaterThan(0);
    expect(unreachable).to.be.greaterThan(0);
  });

  it("pegOpen agrees with the module's maxSwapIn / maxSwapOut at the band's edges", async function () {
    const c = await buildPortfolio(ethers, { plans: [], interestDays: 0, moduleSwapIn: "1000" });
    const band = (await c.psm.config()).bandBps; // 100 bps
    // 8-decimal answers at and around 0.99 and 1.01
    const edges = [98_999_999n, 99_000_000n, 99_000_001n, 100_000_000n, 100_999_999n, 101_000_000n, 101_000_001n];
    const seen = { inRefused: 0, outRefused: 0 };
    for (const answer of edges) {
      await c.setPrice("usdc", answer);
      const price = await c.oracle.getPrice(c.tokens.usdc);
      const open = pegOpen(price, WAD, band);
      expect(open.swapIn, `in at ${price}`).to.equal((await c.psm.maxSwapIn()) > 0n);
      expect(open.swapOut, `out at ${price}`).to.equal((await c.psm.maxSwapOut()) > 0n);
      if (!open.swapIn) seen.inRefused++;
      if (!open.swapOut) seen.outRefused++;
    }
    expect(seen).to.deep.equal({ inRefused: 1, outRefused: 1 });
  });

  it("the depeg scenario: every path replays the reserve depeg; the module's coverage follows the reserve's price and swaps in are refused below the band", function () {
    const r = simulate(snap, SCENARIOS.depeg(testConfig({ paths: 20 })));
    const coverageNow =
      ((Number(snap.modules[0]?.reserves ?? 0n) / 1e6) * (Number(snap.assets[2]?.price ?? 0n) / 1e18)) /
      (Number(snap.modules[0]?.debt ?? 1n) / 1e18);
    for (const o of r.outcomes) {
      expect(o.crash).to.equal("reserve-depeg");
      const m = o.modules[0];
      if (m === undefined) throw new Error("no module outcome");
      // the shape's low, 0.88, on the price at the snapshot
      expect(Math.abs(m.minCoverage - 0.88 * coverageNow), `${m.minCoverage}`).to.be.lessThan(1e-9);
      expect(m.swapInRefusedHours).to.be.greaterThan(0);
      expect(m.swapOutRefusedHours).to.equal(0);
    }
    const calm = simulate(snap, testConfig({ paths: 20, depeg: { ...defaultConfig().depeg, share: 0 } }));
    for (const o of calm.outcomes) {
      expect(o.modules[0]?.swapInRefusedHours).to.equal(0);
      expect(o.modules[0]?.minCoverage ?? 0).to.be.greaterThan(0.97);
    }
  });

  it("the depeg draws come from a stream of their own: the market's multipliers are the same with or without them", function () {
    const cfg = testConfig({ hours: 48 });
    const on = buildPathModel(snap, { ...cfg, depeg: { ...cfg.depeg, share: 1 } });
    const off = buildPathModel(snap, { ...cfg, depeg: { ...cfg.depeg, share: 0 } });
    const n = snap.assets.length;
    const a = new Float64Array((cfg.hours + 1) * n);
    const b = new Float64Array((cfg.hours + 1) * n);
    let moved = 0;
    for (let p = 0; p < 10; p++) {
      generatePath(on, p, a);
      generatePath(off, p, b);
      for (let t = 0; t <= cfg.hours; t++) {
        for (let i = 0; i < n; i++) {
          if (snap.assets[i]?.symbol === "USDC") {
            if (a[t * n + i] !== b[t * n + i]) moved++;
          } else expect(a[t * n + i]).to.equal(b[t * n + i]);
        }
      }
    }
    expect(moved).to.be.greaterThan(0);
  });

  it("the report: the modules' coverage and the positions redemptions reach now and along the paths", function () {
    const run = runRisk(snap, testConfig({ paths: 60 }));
    const report = JSON.parse(run.json) as {
      modules: {
        synth: string;
        reserve: string;
        coverageNow: number;
        reservesUsd: number;
        debtUsd: number;
        paths: { undercovered: { exceeded: number } };
      }[];
      redemptions: { now: { id: string }[]; paths: { positions: { id: string; share: number }[] } };
      positionsAtRisk: { id: string; redeemableNow: boolean }[];
    };
    expect(report.modules.map((m) => `${m.synth}/${m.reserve}`)).to.deep.equal(["bUSD/USDC"]);
    expect(report.modules[0]?.debtUsd).to.equal(200_000);
    // a module held at exactly par counts as short only when its reserve moves (a depeg path), not by its wobble
    const depegged = run.sim.outcomes.filter((o) => o.crash?.includes("reserve-depeg") === true).length;
    expect(report.modules[0]?.paths.undercovered.exceeded).to.equal(depegged);
    const nowIds = snap.positions.filter((p) => p.redemption?.redeemable === true).map((p) => p.id.toString());
    expect(nowIds.length).to.be.greaterThan(0);
    expect(report.redemptions.now.map((x) => x.id)).to.deep.equal(nowIds);
    for (const p of report.positionsAtRisk) expect(p.redeemableNow).to.equal(nowIds.includes(p.id));
    // a position redeemable at the snapshot is reachable at hour 0 of every path
    for (const id of nowIds) expect(report.redemptions.paths.positions.find((x) => x.id === id)?.share).to.equal(1);
    expect(run.text).to.include("Stability modules");
    expect(run.text).to.include("bUSD/USDC");
    expect(run.text).to.match(/Redemptions \(a position between health 1 and the redeemable health: bUSD below 1\.25/);
  });
});

describe("risk engine: the command", function () {
  /** Runs `hardhat run tools/risk.ts` with `env`, on the build profile this test run was given (no rebuild). */
  async function runCli(env: Record<string, string>): Promise<{ status: number | null; out: string }> {
    const hre = (await import("hardhat")).default;
    const profile = (hre.globalOptions as { buildProfile?: string }).buildProfile;
    const args = ["hardhat", "run", ...(profile === undefined ? [] : ["--build-profile", profile]), "tools/risk.ts"];
    const r = spawnSync("npx", args, { env: { ...process.env, ...env }, encoding: "utf8" });
    return { status: r.status, out: `${r.stdout}${r.stderr}` };
  }

  it("npm run risk: builds the demo portfolio, prints the report and writes the JSON", async function () {
    this.timeout(120_000);
    const dir = mkdtempSync(join(tmpdir(), "risk-cli-"));
    const r = await runCli({ RISK_PATHS: "60", RISK_HOURS: "24", RISK_RECOMMEND: "0", RISK_OUT: dir });
    expect(r.status, r.out).to.equal(0);
    expect(r.out).to.match(/9 positions with debt/);
    expect(r.out).to.match(/Bad debt at the horizon/);
    const report = JSON.parse(readFileSync(join(dir, "risk-default.json"), "utf8")) as { badDebt: { paths: number } };
    expect(report.badDebt.paths).to.equal(60);
  });

  it("npm run risk: a bad setting stops with a message naming it", async function () {
    this.timeout(120_000);
    const r = await runCli({ RISK_PATHS: "many" });
    expect(r.status).to.equal(1);
    expect(r.out).to.match(/RISK_PATHS=many must be an integer/);
  });
});

describe("risk engine: manifest and lens size", function () {
  it("parseManifest: accepts the documented shapes and names what is missing", function () {
    const dir = mkdtempSync(join(tmpdir(), "manifest-"));
    const a = "0x" + "11".repeat(20);
    const b = "0x" + "22".repeat(20);
    const c = "0x" + "33".repeat(20);
    const write = (name: string, json: unknown): string => {
      const p = join(dir, name);
      writeFileSync(p, JSON.stringify(json));
      return p;
    };
    const d = "0x" + "44".repeat(20);
    expect(parseManifest(write("flat.json", { vault: a, oracle: b, engine: c, lens: d }))).to.deep.equal({
      vault: a,
      oracle: b,
      engine: c,
      lens: d,
    });
    expect(
      parseManifest(
        write("nested.json", {
          contracts: {
            Vault: { address: a },
            OracleAdapter: b,
            LiquidationEngine: { address: c },
            PositionLens: { address: d },
            Treasury: a,
          },
        }),
      ),
    ).to.deep.equal({ vault: a, oracle: b, engine: c, lens: d, treasury: a });
    expect(
      parseManifest(write("instruments.json", { vault: a, oracle: b, engine: c, lens: d, InstrumentVault: b })),
    ).to.deep.equal({ vault: a, oracle: b, engine: c, lens: d, instruments: b });
    expect(() => parseManifest(write("missing.json", { addresses: { vault: a, oracle: b } }))).to.throw(
      /no engine address/,
    );
    expect(() => parseManifest(write("nolens.json", { vault: a, oracle: b, engine: c }))).to.throw(/no lens address/);
    expect(() => parseManifest(write("bad.json", { vault: "0x12", oracle: b, engine: c, lens: d }))).to.throw(
      /is no address/,
    );
    expect(() => parseManifest(join(dir, "none.json"))).to.throw(/cannot read it as JSON/);
  });

  it("RiskLens: runtime bytecode fits the EIP-170 limit", async function () {
    const hre = (await import("hardhat")).default;
    const artifact = await hre.artifacts.readArtifact("RiskLens");
    const bytes = (artifact.deployedBytecode.length - 2) / 2;
    expect(bytes).to.be.greaterThan(0).and.at.most(24_576);
  });
});

describe("risk engine: recommendations rest on evidence (risk/recommend.ts, stats.ts)", function () {
  it("stats: exact 95% bounds (Clopper–Pearson) — 0 of 400 is at most 0.75%, 0 of 2,000 at most 0.15%", function () {
    // chai's closeTo is taken over for bigints by the ethers matchers: compare floats by hand
    const near = (a: number, b: number, eps: number): boolean => Math.abs(a - b) <= eps;
    expect(near(upperBound(0, 400), 1 - 0.05 ** (1 / 400), 1e-9)).to.equal(true);
    expect(near(upperBound(0, 2_000), 1 - 0.05 ** (1 / 2_000), 1e-9)).to.equal(true);
    expect(upperBound(0, 400) > 0.0074 && upperBound(0, 400) < 0.0075).to.equal(true);
    for (const [k, n] of [
      [1, 100],
      [5, 400],
      [20, 2_000],
      [150, 2_000],
    ] as const) {
      const up = upperBound(k, n);
      const lo = lowerBound(k, n);
      expect(near(binomialCdf(k, n, up), 0.05, 1e-6), `P(X ≤ ${k} | upper) for n ${n}`).to.equal(true);
      expect(near(1 - binomialCdf(k - 1, n, lo), 0.05, 1e-6), `P(X ≥ ${k} | lower) for n ${n}`).to.equal(true);
      expect(lo < k / n && k / n < up).to.equal(true);
    }
    const e = estimate(3, 2_000);
    expect(e.p).to.equal(0.0015);
    expect(e.ci95[0] < e.p && e.p < e.upper95 && e.upper95 < e.ci95[1]).to.equal(true);
    expect(estimate(0, 2_000).ci95[0]).to.equal(0);
  });

  it("the local case: a README-built deployment gets no recommendation for assets no position holds, no loosening without 95% evidence over 2,000 paths, and supply caps of at least twice today's use", async function () {
    this.timeout(300_000);
    // the README's local-node steps on the embedded network
    const dir = mkdtempSync(join(tmpdir(), "risk-local-"));
    const manifestPath = join(dir, "localhost.json");
    await deploySystem(ethers, "default", configFor("default"), { manifestPath, log: () => {} });
    const as = (from: string) => loadSystem(ethers, "default", { manifestPath, from, log: () => {} });
    const alice = await as("1");
    await ops.faucet(alice, { asset: "WETH", amount: "10" });
    await ops.openPosition(alice, { synth: "bUSD", asset: "WETH", amount: "10", mint: "12000" });
    const admin = await as("0");
    await ops.setPrice(admin, { asset: "WETH", usd: "1350" });
    await ops.liquidate(admin, { id: 1n });
    const bob = await as("2");
    await ops.faucet(bob, { asset: "WETH", amount: "20" });
    await ops.openPosition(bob, { synth: "bUSD", asset: "WETH", amount: "20", mint: "15000" });
    await ops.take(bob, { auction: 1n, amount: "0.5", maxPremium: "25" });
    const c = admin.manifest.contracts;
    const snap = await readSnapshot(
      admin.signer,
      {
        vault: c.Vault?.address ?? "",
        oracle: c.OracleAdapter?.address ?? "",
        engine: c.LiquidationEngine?.address ?? "",
        lens: c.PositionLens?.address ?? "",
      },
      "localhost",
    );
    const cfg = testConfig({ hours: 48, recommendPaths: 200, evidencePaths: 2_000 });
    const recs = recommend(snap, cfg);
    if (process.env.RISK_DEBUG === "1")
      console.log(JSON.stringify(recs, (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 1));
    expect(recs.map((r) => [r.asset, r.measured])).to.have.deep.members([
      ["WETH", true],
      ["WBTC", false],
      ["USDC", false],
      ["wstETH", false],
      ["sDAI", false],
      ["TBILL", false],
    ]);
    for (const r of recs.filter((x) => !x.measured)) {
      expect(r.reason).to.match(
        new RegExp(`^no position with debt holds ${r.asset}: the simulation has nothing to measure`),
      );
      expect(r.recommended).to.deep.equal(r.current);
      expect(r.changes).to.deep.equal([]);
    }
    const weth = recs.find((r) => r.asset === "WETH");
    if (weth === undefined || weth.evidence === undefined) throw new Error("no WETH recommendation");
    // the evidence: 2,000 paths, risk before and after with bounds
    expect(weth.evidence.paths).to.equal(2_000);
    for (const e of [weth.evidence.before, weth.evidence.after]) {
      expect(e.paths).to.equal(2_000);
      expect(e.ci95[0] <= e.p && e.p <= e.ci95[1] && e.p <= e.upper95).to.equal(true);
    }
    // a looser threshold or penalty moves one step of the grid at most (2.5 points; 5% → 3%), never 85% → 95%
    for (const ch of weth.changes.filter((x) => x.direction === "looser")) {
      if (ch.param === "liqThresholdBps") expect(BigInt(ch.to) - BigInt(ch.from)).to.be.at.most(250n);
      if (ch.param === "liqPenaltyBps") expect(BigInt(ch.from) - BigInt(ch.to)).to.be.at.most(200n);
    }
    // a looser value only with its 95% upper bound at or under the target over at least 2,000 paths
    for (const ch of weth.changes.filter((x) => x.direction === "looser")) {
      expect(ch.evidence.paths, ch.param).to.be.at.least(MIN_EVIDENCE_PATHS);
      expect(ch.evidence.upper95, ch.param).to.be.at.most(cfg.targetProbability);
    }
    if (weth.changes.some((x) => x.direction === "looser")) {
      expect(weth.evidence.after.upper95).to.be.at.most(cfg.targetProbability);
    }
    // supply caps keep room for growth: at least twice what is deposited (not 1,000,000 → 10)
    const wethSnap = snap.assets.find((a) => a.symbol === "WETH");
    const use = ((wethSnap?.total ?? 0n) + WAD - 1n) / WAD;
    expect(use).to.be.greaterThan(20n);
    expect(weth.recommended.supplyCap).to.be.at.least(2n * use);
    // calldata only for what changes, never for an asset not measured
    const calls = governanceCalls(snap, recs);
    const touched = calls.map((x) => x.args[0]?.toLowerCase());
    for (const r of recs.filter((x) => !x.measured)) expect(touched).to.not.include(r.address.toLowerCase());
    const text = runRisk(snap, { ...cfg, paths: 40 }, { recommend: false }).text;
    expect(text).to.match(/collateralization \d+\.\d% \(\$[\d,]+ \/ \$[\d,]+\)/);
    // with fewer than 2,000 paths of evidence nothing is loosened, and a note says why
    const thin = recommend(snap, { ...cfg, evidencePaths: 1_000 }, { only: ["WETH"] });
    expect(thin[0]?.changes.filter((x) => x.direction === "looser")).to.deep.equal([]);
  });

  it("loosening with evidence: a calm market and a safe position loosen the threshold with a 95% bound under the target; the report shows the bounds and marks unmeasured assets", async function () {
    this.timeout(120_000);
    const c6 = await buildPortfolio(ethers, {
      plans: [{ name: "safe", synth: "bUSD", basket: { weth: "10" }, ltvBps: 2_000n }],
      interestDays: 0,
    });
    const s6 = await snapshotOf(c6);
    const calm = {
      crashShare: 0,
      vol: { WETH: 0.2, WBTC: 0.2, USDC: 0.01 },
      jumps: { perYear: 0, scale: 0, dof: 3 },
      hours: 24,
      recommendPaths: 100,
      evidencePaths: 2_000,
    };
    const recs = recommend(s6, testConfig(calm), { only: ["WETH", "WBTC"] });
    const weth = recs.find((r) => r.asset === "WETH");
    const lt = weth?.changes.find((x) => x.param === "liqThresholdBps");
    expect(lt?.direction).to.equal("looser");
    expect(BigInt(lt?.to ?? "0")).to.be.greaterThan(8_500n);
    expect(lt?.evidence.paths).to.equal(2_000);
    expect(lt?.evidence.upper95).to.be.at.most(0.01);
    const report = runRisk(s6, testConfig({ ...calm, paths: 20 }), {
      recommend: true,
      recommendOnly: ["WETH", "WBTC"],
    });
    expect(report.text).to.match(
      /WBTC +kept +kept +kept +kept +kept +not measured +not measured +no position with debt holds WBTC/,
    );
    expect(report.text).to.match(/WETH .* 0\.00% \(≤ 0\.15%\) +0\.00% \(≤ 0\.15%\)/);
    expect(report.text).to.match(/needs the one-sided 95% upper bound at or under it over at least 2,000 paths/);
  });
});
