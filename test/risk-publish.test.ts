/**
 * The publishing pipeline end to end on the embedded network: the demo portfolio, a crash, a risk run on the chain's
 * snapshot, the publication planned against the steward's bounds read from the chain and posted with the run's
 * evidence, the keeper applying what the steward accepts, the auction caps tightened, and RiskLens showing less debt
 * sent to auction under the same shock. Also: the evidence is the keccak256 of the inputs file, a replay of the inputs
 * recommends the same values, and what the steward cannot take is refused with its reason.
 */
import { expect } from "chai";
import { network } from "hardhat";
import { keccak256, toUtf8Bytes } from "ethers";
import { buildPortfolio } from "../deploy/local/portfolio.js";
import { readSnapshot, withObservedVolatility } from "../risk/snapshot.js";
import { type Snapshot, defaultConfig } from "../risk/model.js";
import type { Change, Recommendation } from "../risk/recommend.js";
import { runRisk } from "../risk/run.js";
import {
  canonicalJson,
  compareWithSteward,
  evidenceOf,
  parseInputs,
  planPublication,
  renderComparison,
  sendPublication,
} from "../risk/publish.js";
import { Keeper, OracleVenue, staticPositionSource } from "../keeper/keeper.js";
import { RiskLens__factory } from "../typechain-types/index.js";
import { answer8 } from "../sdk/units.js";

const { ethers, networkHelpers } = await network.create();

describe("risk publishing pipeline (risk/publish.ts, the steward, the keeper)", function () {
  this.timeout(300_000);

  it("crash → risk run → publish → apply → auction caps tightened → RiskLens shows less debt sent to auction", async function () {
    // the demo portfolio with auction caps of $40,000 per asset and $100,000 in all
    const core = await buildPortfolio(ethers, {
      caps: { global: 100_000n * 10n ** 18n, perAsset: 40_000n * 10n ** 18n },
    });
    const [deployer] = await ethers.getSigners();
    if (deployer === undefined) throw new Error("no signer");
    // the crash: ETH -30%, BTC -20%
    await core.setPrice("weth", answer8("1700"));
    await core.setPrice("wbtc", answer8("54000"));
    await core.refreshFeeds();

    // the risk run on the chain's snapshot: a market that absorbs only $20,000 of WETH and WBTC an hour
    const snap = await readSnapshot(
      deployer,
      {
        vault: core.addresses.vault ?? "",
        oracle: core.addresses.oracle ?? "",
        engine: core.addresses.engine ?? "",
        lens: core.addresses.lens ?? "",
      },
      "default",
    );
    const cfg = {
      ...defaultConfig(),
      paths: 300,
      recommendPaths: 200,
      evidencePaths: 300,
      hours: 48,
      liquidityPerHour: { ...defaultConfig().liquidityPerHour, WETH: 100_000, WBTC: 100_000 },
    };
    const run = runRisk(snap, cfg, { recommend: true });
    const recs = run.recommendations ?? [];
    const now = BigInt((await ethers.provider.getBlock("latest"))?.timestamp ?? 0);
    // RiskLens before: a further 40% fall of ETH and 30% of BTC, and what the caps let into auction
    const riskLens = await new RiskLens__factory(deployer).deploy();
    const ids = Array.from({ length: 9 }, (_, i) => BigInt(i + 1));
    const shock = async () => (await riskLens.stress(core.vault, ids, [core.weth, core.wbtc], [6_000n, 7_000n]))[1];
    const before = await shock();

    // governance set the portfolio's caps, and the steward's bounds around them (AuctionCap = 4): a tenth to twice
    for (const asset of [core.weth, core.wbtc]) {
      await (
        await core.steward.setBounds(4, asset, {
          maxChangeBps: 5_000,
          minInterval: 3_600,
          maxVolatility: 10n ** 18n,
          volAsset: asset,
          minValue: 4_000n * 10n ** 18n,
          maxValue: 80_000n * 10n ** 18n,
          step: 0n,
        })
      ).wait();
    }
    const planned = await planPublication(snap, cfg, recs, core.steward, now);
    const caps = planned.items.filter((i) => i.param === "AuctionCap");
    expect(caps.map((i) => i.asset)).to.deep.equal(["WETH", "WBTC"]);
    for (const i of caps) {
      expect([i.from, i.to, i.direction, i.recommended]).to.deep.equal([
        40_000n * 10n ** 18n,
        25_000n * 10n ** 18n, // the engine's value, within one 50% step
        "tighter",
        undefined,
      ]);
    }
    // a supply cap far below today's is posted as the steward's largest step toward it
    const supply = planned.items.find((i) => i.param === "SupplyCap" && i.asset === "WETH");
    expect(supply?.to).to.equal(750_000n);
    expect((supply?.recommended ?? 0n) < 750_000n).to.equal(true);
    // the evidence is the hash of the inputs, and the inputs replay to the same recommendations
    expect(planned.evidence).to.equal(keccak256(toUtf8Bytes(planned.inputs)));
    const replayed = parseInputs(planned.inputs);
    expect(canonicalJson(replayed.snapshot)).to.equal(canonicalJson(snap));
    const again = runRisk(replayed.snapshot, replayed.config, { recommend: true }).recommendations ?? [];
    expect(canonicalJson(again.map((r) => r.changes))).to.equal(canonicalJson(recs.map((r) => r.changes)));

    // the engine compares the outcomes with and without the steward's applications over the same paths: the same
    // paths twice give the same outcomes, and the tighter auction caps cut or refuse more liquidations
    const same = compareWithSteward(snap, cfg, { items: [] });
    expect(canonicalJson(same.with)).to.equal(canonicalJson(same.without));
    const compared = compareWithSteward(snap, cfg, planned);
    expect(compared.paths).to.equal(cfg.paths);
    expect(compared.with.meanCapRefusals).to.be.greaterThan(compared.without.meanCapRefusals);
    expect(renderComparison(compared, cfg).join("\n")).to.match(/without[\s\S]*with[\s\S]*difference: mean bad debt/);

    // posted in one transaction with the evidence; the keeper applies every one the steward accepts
    const sent = await sendPublication(core.riskOracle, planned);
    expect(sent.items.every((i) => i.id !== undefined)).to.equal(true);
    for (const i of sent.items)
      expect((await core.riskOracle.recommendation(i.id ?? 0n)).evidence).to.equal(planned.evidence);
    const keeper = new Keeper({
      engine: core.engine,
      lens: core.lens,
      signer: deployer,
      positions: staticPositionSource([]),
      venue: new OracleVenue(core.oracle, core.vault, core.lens, 0n),
      minProfitBps: 0n,
      risk: { observer: core.observer, riskOracle: core.riskOracle, steward: core.steward },
    });
    const tick = await keeper.tick();
    expect(tick.applied).to.deep.equal(sent.items.map((i) => i.id));
    expect(await core.engine.assetCap(core.weth)).to.equal(25_000n * 10n ** 18n);
    expect(await core.engine.assetCap(core.wbtc)).to.equal(25_000n * 10n ** 18n);
    expect((await core.vault.assetConfig(core.weth)).supplyCap).to.equal(750_000n);

    // under the same shock, less debt goes to auction at once; the uncapped figure is the same (a few seconds of
    // interest aside)
    const after = await shock();
    const drift = after.auctionDebtValue - before.auctionDebtValue;
    expect(drift >= 0n && drift * 100_000n < before.auctionDebtValue).to.equal(true);
    expect(after.cappedAuctionDebtValue < before.cappedAuctionDebtValue).to.equal(true);
    expect(before.cappedAuctionDebtValue - after.cappedAuctionDebtValue).to.be.greaterThan(10_000n * 10n ** 18n);
  });

  it("withObservedVolatility(): the larger of the configured and the observed σ, only with 12 fresh returns", async function () {
    const core = await buildPortfolio(ethers);
    const [deployer] = await ethers.getSigners();
    if (deployer === undefined) throw new Error("no signer");
    const addrs = {
      vault: core.addresses.vault ?? "",
      oracle: core.addresses.oracle ?? "",
      engine: core.addresses.engine ?? "",
      lens: core.addresses.lens ?? "",
    };
    const observer = core.addresses.observer ?? "";
    const cfg = defaultConfig();
    // no observation yet: every asset keeps its configured σ, and says why
    let r = await withObservedVolatility(deployer, observer, await readSnapshot(deployer, addrs, "default"), cfg);
    expect(r.cfg.vol).to.deep.equal(cfg.vol);
    expect(r.used.find((u) => u.symbol === "WETH")?.why).to.equal("0 returns observed, fewer than 12");
    // a violent hour of WETH (±6% every 5 minutes) and a calm WBTC: 15 observations each
    const start = await core.priceOf("weth");
    for (let i = 0; i < 15; i++) {
      await networkHelpers.time.increase(300);
      await core.setPrice("weth", (start * (i % 2 === 0 ? 106n : 100n)) / 100n);
      await core.refreshFeeds();
      await (await core.observer.observe(core.weth)).wait();
      await (await core.observer.observe(core.wbtc)).wait();
    }
    const snap = await readSnapshot(deployer, addrs, "default");
    r = await withObservedVolatility(deployer, observer, snap, cfg);
    const [wethVol] = await core.observer.volatilityOf(core.weth);
    expect(Number(wethVol) / 1e18).to.be.greaterThan(cfg.vol.WETH ?? 1);
    expect(r.cfg.vol.WETH).to.equal(Number(wethVol) / 1e18); // more volatile than configured: the observed σ
    expect(r.cfg.vol.WBTC).to.equal(cfg.vol.WBTC); // calmer than configured: never lowered
    expect(r.used.find((u) => u.symbol === "WBTC")?.observed).to.equal(0);
    // the evidence covers the σ used: a run with the observed σ has other inputs than one without
    expect(evidenceOf(snap, r.cfg).evidence).to.not.equal(evidenceOf(snap, cfg).evidence);
    // stale: an observation older than an hour is not used
    await networkHelpers.time.increase(3_601);
    await core.refreshFeeds();
    r = await withObservedVolatility(deployer, observer, await readSnapshot(deployer, addrs, "default"), cfg);
    expect(r.cfg.vol.WETH).to.equal(cfg.vol.WETH);
    expect(r.used.find((u) => u.symbol === "WETH")?.why).to.match(/^last observed 36\d\d s before the snapshot$/);
  });

  it("planPublication(): refuses what the steward cannot move now, each with its reason; posts nothing for them", async function () {
    const core = await buildPortfolio(ethers);
    const weth = await core.weth.getAddress();
    const c = await core.vault.assetConfig(weth);
    const change = (param: Change["param"], from: bigint, to: bigint): Change => ({
      param,
      from: String(from),
      to: String(to),
      direction: to > from === (param !== "liqPenaltyBps") ? "looser" : "tighter",
      evidence: { exceeded: 0, paths: 2_000, p: 0, upper95: 0.0015, ci95: [0, 0.0018] },
    });
    const rec = {
      asset: "WETH",
      address: weth,
      measured: true,
      changes: [
        change("liqPenaltyBps", c.liqPenaltyBps, c.liqPenaltyBps - 100n), // governance's only
        change("liqThresholdBps", c.liqThresholdBps, c.liqThresholdBps + 250n), // up: never through the steward
        change("supplyCap", c.supplyCap, c.supplyCap * 2n), // a loosening: no observation yet, the gate is closed
        change("maxLtvBps", c.maxLtvBps, c.maxLtvBps + 100n), // a loosening too (and above its configured value)
      ],
    } as unknown as Recommendation;
    const snap = { network: "default" } as unknown as Snapshot;
    const now = BigInt((await ethers.provider.getBlock("latest"))?.timestamp ?? 0);
    const pub = await planPublication(snap, defaultConfig(), [rec], core.steward, now);
    expect(pub.items).to.deep.equal([]);
    expect(pub.refused.map((r) => [r.param, r.reason])).to.deep.equal([
      ["liqPenaltyBps", "not a steward parameter: governance only (the report's calldata)"],
      ["liqThresholdBps", "a threshold only goes down through the steward"],
      ["supplyCap", "loosening needs a fresh observed volatility: none yet"],
      ["maxLtvBps", "loosening needs a fresh observed volatility: none yet"],
    ]);
  });
});
