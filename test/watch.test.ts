/**
 * The watch (watch/, sdk/alerts.ts) on the embedded network: an alert before a liquidation on a falling price path
 * and the liquidation it predicted; no alert for the demo portfolio in a calm market; restarts and a reorg from the
 * checkpoint without duplicate alerts; webhook delivery with retries against local HTTP servers; the probability math
 * against closed-form values; the JSON lines; the volatility observer and its fallback; configuration errors.
 */
import { type IncomingMessage, type Server, createServer } from "node:http";
import { mkdtempSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { network } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { Interface, type TransactionRequest } from "ethers";
import { BUSD } from "../sdk/params.js";
import { type Core, deployCore, fundAndApprove } from "../deploy/local/core.js";
import { buildPortfolio } from "../deploy/local/portfolio.js";
import { answer8, units, wad } from "../sdk/units.js";
import { WAD } from "../sdk/math.js";
import {
  type AlertJson,
  HOURS_PER_YEAR,
  type Thresholds,
  assessPosition,
  classify,
  firstPassageProbability,
  normalCdf,
  transition,
} from "../sdk/alerts.js";
import { type ChainReader, UnknownPositionError, evaluatePositions, manifestReader } from "../watch/evaluate.js";
import {
  type WatchCheckpoint,
  type WatchConfig,
  WatchConfigError,
  WatchService,
  parseWatchConfig,
} from "../watch/service.js";
import {
  ConfiguredVolatility,
  ObservedVolatility,
  VOLATILITY_OBSERVER_ABI,
  configuredVolatilities,
  volatilitySourceFor,
} from "../watch/volatility.js";
import { postWebhook } from "../watch/webhook.js";
import { WATCH_FLAGS, watchFlagName, watchFlags } from "../watch/flags.js";

const { ethers, networkHelpers } = await network.create();

/** The defaults, as parsed (`parseWatchConfig({}, {}, …)`). */
const DEFAULTS = parseWatchConfig({}, {}, "default");

const tmpCheckpoint = (): string => join(mkdtempSync(join(tmpdir(), "ballast-watch-")), "watch.json");

function config(over: Partial<WatchConfig> = {}): WatchConfig {
  return { ...DEFAULTS, pollSeconds: 0.1, checkpointPath: tmpCheckpoint(), once: true, blockChunk: 50, ...over };
}

const readerOf = (core: Core): ChainReader =>
  manifestReader(core.manifest, { vault: core.vault, lens: core.lens, oracle: core.oracle });

async function service(
  core: Core,
  startBlock: number,
  cfg: WatchConfig,
  sink: { out: string[]; log: string[] },
  extra: { sleep?: (ms: number, s: AbortSignal) => Promise<void> } = {},
): Promise<WatchService> {
  return new WatchService({
    reader: readerOf(core),
    scope: {
      network: "default",
      chainId: (await ethers.provider.getNetwork()).chainId,
      vault: await core.vault.getAddress(),
    },
    startBlock,
    config: cfg,
    volatility: new ConfiguredVolatility(),
    out: (l) => sink.out.push(l),
    log: (l) => sink.log.push(l),
    webhookBaseDelayMs: 10,
    webhookTimeoutMs: 2_000,
    ...extra,
  });
}

/** A fresh core; `owner` opens 10 WETH against `debt` bUSD. */
async function oneEthPosition(
  debt: string,
): Promise<{ core: Core; id: bigint; owner: HardhatEthersSigner; start: number }> {
  const core = await deployCore(ethers);
  const start = await ethers.provider.getBlockNumber();
  const [, owner] = await ethers.getSigners();
  if (owner === undefined) throw new Error("needs two signers");
  await fundAndApprove(core, owner, { weth: units("weth", "10") });
  const id = await core.vault.nextPositionId();
  await (await core.vault.connect(owner).openAndMint(BUSD, core.weth, units("weth", "10"), wad(debt), owner)).wait();
  return { core, id, owner, start };
}

const once = (): AbortSignal => new AbortController().signal;

/** |a − b| ≤ tol (chai's closeTo is taken over for bigints by the ethers matchers: floats are compared by hand). */
function expectNear(a: number | undefined, b: number, tol: number): void {
  expect(a !== undefined && Math.abs(a - b) <= tol, `${a} is not within ${tol} of ${b}`).to.equal(true);
}

describe("watch: probability math (sdk/alerts.ts)", function () {
  const T = 24 / HOURS_PER_YEAR;

  it("normalCdf(): matches closed-form values of Φ to 1e-12", function () {
    const known: [number, number][] = [
      [0, 0.5],
      [-1, 0.15865525393145707],
      [-1.959963984540054, 0.025],
      [-3, 0.0013498980316300957],
      [1.5, 0.9331927987311419],
      [-8, 6.220960574271819e-16],
    ];
    for (const [x, p] of known) expect(Math.abs(normalCdf(x) - p), `Φ(${x})`).to.be.below(1e-12 + p * 1e-10);
    expect(normalCdf(-40)).to.equal(0);
    expect(normalCdf(40)).to.equal(1);
  });

  it("firstPassageProbability(): barrier at spot → 1, σ → 0 → 0, the 5% point, and both directions", function () {
    expect(firstPassageProbability(2000, 2000, 0.8, T, "down")).to.equal(1);
    expect(firstPassageProbability(2000, 2100, 0.8, T, "down")).to.equal(1); // already below: liquidatable
    expect(firstPassageProbability(2000, 1900, 0, T, "down")).to.equal(0);
    expect(firstPassageProbability(2000, 1900, 1e-9, T, "down")).to.be.below(1e-300);
    expect(firstPassageProbability(2000, 1900, 0.8, 0, "down")).to.equal(0);
    // ln(B/S) = −1.959964·σ√T gives 2·Φ(−1.959964) = 5%
    const b = 2000 * Math.exp(-1.959963984540054 * 0.8 * Math.sqrt(T));
    expectNear(firstPassageProbability(2000, b, 0.8, T, "down"), 0.05, 1e-12);
    // the same distance in log terms above spot: the same probability (driftless in log terms)
    expectNear(firstPassageProbability(2000, (2000 * 2000) / b, 0.8, T, "up"), 0.05, 1e-12);
    // a known value: S 100, B 90, σ 50%, T 1 year: 2·Φ(ln 0.9 / 0.5) = 2·Φ(−0.210721) = 0.8331049625
    expectNear(firstPassageProbability(100, 90, 0.5, 1, "down"), 0.8331049625, 1e-9);
    expect(() => firstPassageProbability(100, 0, 0.5, 1, "down")).to.throw(RangeError);
  });

  it("firstPassageProbability(): rises with σ, with the horizon and as the barrier nears; never above 1", function () {
    let last = -1;
    for (const sigma of [0.01, 0.1, 0.3, 0.8, 1.5, 5]) {
      const p = firstPassageProbability(2000, 1800, sigma, T, "down");
      expect(p).to.be.above(last);
      last = p;
    }
    last = -1;
    for (const hours of [1, 6, 24, 168, 8760]) {
      const p = firstPassageProbability(2000, 1800, 0.8, hours / HOURS_PER_YEAR, "down");
      expect(p).to.be.above(last);
      last = p;
    }
    last = -1;
    for (const barrier of [1000, 1500, 1800, 1900, 1990, 1999.9]) {
      const p = firstPassageProbability(2000, barrier, 0.8, T, "down");
      expect(p).to.be.above(last).and.at.most(1);
      last = p;
    }
  });

  it("classify() and transition(): levels from health and probability; alerts only on crossings", function () {
    const t: Thresholds = {
      warnHealth: wad("1.05"),
      criticalHealth: wad("1.02"),
      warnProbability: 0.1,
      criticalProbability: 0.3,
    };
    expect(classify(wad("1.2"), 0.01, t).level).to.equal("ok");
    expect(classify(wad("1.04"), 0.01, t).level).to.equal("warn");
    expect(classify(wad("1.2"), 0.1, t).level).to.equal("warn");
    expect(classify(wad("1.2"), 0.3, t).level).to.equal("critical");
    expect(classify(wad("1.019"), 0, t).level).to.equal("critical");
    expect(classify(wad("0.999"), 0, t).level).to.equal("liquidatable");
    expect(classify(2n ** 256n - 1n, 0, t).level).to.equal("ok"); // no debt
    expect(classify(wad("1.04"), 0.35, t).reasons).to.deep.equal(["health 1.040 < 1.050", "P 35.0% ≥ 30.0%"]);
    expect(transition("ok", "warn")).to.equal("alert");
    expect(transition("warn", "warn")).to.equal(undefined);
    expect(transition("critical", "warn")).to.equal("cleared");
    expect(transition("liquidatable", "ok")).to.equal("cleared");
  });

  it("assessPosition(): per-asset liquidation prices, the basket as one factor with value-weighted σ, the largest P", function () {
    // 10 WETH at $2,000 (threshold 85%) and 0.5 WBTC at $60,000 (80%): limit 17,000 + 24,000 = 41,000; debt 30,000
    const r = assessPosition(
      {
        id: 1n,
        owner: "0x0000000000000000000000000000000000000001",
        synth: "bUSD",
        health: (wad("41000") * WAD) / wad("30000"),
        debt: wad("30000"),
        debtValue: wad("30000"),
        collateralValue: wad("50000"),
        liquidationLimit: wad("41000"),
        basket: [
          {
            symbol: "WETH",
            amount: units("weth", "10"),
            decimals: 18,
            price: wad("2000"),
            liqThresholdBps: 8_500n,
            tracksDebt: false,
            sigma: { sigma: 0.8, source: "configured" },
          },
          {
            symbol: "WBTC",
            amount: units("wbtc", "0.5"),
            decimals: 8,
            price: wad("60000"),
            liqThresholdBps: 8_000n,
            tracksDebt: false,
            sigma: { sigma: 0.65, source: "configured" },
          },
        ],
      },
      24,
      DEFAULTS.thresholds,
    );
    const [eth, btc, basket] = r.factors;
    // WETH alone: 17,000 − 11,000 = 6,000 of limit left → 6,000 / 8,500 × 2,000... p = (30,000 − 24,000) / (10 × 0.85)
    expect(eth?.barrier).to.equal((wad("6000") * 10_000n) / (10n * 8_500n));
    expect(btc?.barrier).to.equal((wad("13000") * 10n ** 8n * 10_000n) / (units("wbtc", "0.5") * 8_000n));
    // the basket: every price × 30,000 / 41,000; σ = (20,000 × 0.8 + 30,000 × 0.65) / 50,000 = 0.71
    expect(basket?.kind).to.equal("basket");
    expect(basket?.barrier).to.equal((wad("50000") * wad("30000")) / wad("41000"));
    expectNear(basket?.sigma?.sigma, 0.71, 1e-12);
    expectNear(basket?.distance, 30_000 / 41_000 - 1, 1e-9);
    const expected = firstPassageProbability(1, 30_000 / 41_000, 0.71, 24 / HOURS_PER_YEAR, "down");
    expectNear(basket?.probability, expected, 1e-9);
    const max = Math.max(...r.factors.map((f) => f.probability ?? 0));
    expect(r.probability).to.equal(max);
    expect(r.driver?.probability).to.equal(max);
  });
});

describe("watch: on the embedded network (watch/)", function () {
  this.timeout(300_000);

  it("a falling price path: the alert fires before the position is liquidatable, and the liquidation it predicted happens", async function () {
    const { core, id, start } = await oneEthPosition("14000"); // health 0.85 × 20,000 / 14,000 = 1.214
    const sink = { out: [] as string[], log: [] as string[] };
    const svc = await service(core, start, config(), sink);
    const path = ["2000", "1950", "1900", "1850", "1800", "1760", "1700", "1660", "1640"];
    const seen: { price: string; level: string; p: number; health: bigint; alerts: number }[] = [];
    let first: { price: string; barrier: bigint; distance: number; probability: number; health: bigint } | undefined;
    for (const usd of path) {
      await core.setPrice("weth", answer8(usd));
      const t = await svc.tick(once());
      const r = t.risks[0];
      if (r === undefined) throw new Error("no risk for the position");
      seen.push({ price: usd, level: r.level, p: r.probability, health: r.health, alerts: t.alerts.length });
      const a = t.alerts[0];
      if (first === undefined && a !== undefined) {
        expect(a.kind).to.equal("alert");
        first = {
          price: usd,
          barrier: a.risk.driver?.barrier ?? 0n,
          distance: a.risk.driver?.distance ?? 0,
          probability: a.risk.probability,
          health: a.risk.health,
        };
      }
      expect(r.health).to.equal((await core.lens.healthOf(id)).health);
    }
    // the probability rises along the path; the first alert comes while the position is still healthy
    for (let i = 1; i < seen.length; i++) expect(seen[i]?.p).to.be.at.least(seen[i - 1]?.p ?? 0);
    if (first === undefined) throw new Error(`no alert along the path: ${JSON.stringify(seen, (_, v) => String(v))}`);
    expect(first.health >= WAD).to.equal(true);
    expect(first.probability).to.be.at.least(DEFAULTS.thresholds.warnProbability);
    expect(first.distance).to.be.below(0);
    const firstIndex = path.indexOf(first.price);
    const liquidatableIndex = seen.findIndex((s) => s.level === "liquidatable");
    expect(
      liquidatableIndex,
      JSON.stringify(seen, (_, v) => String(v)),
    ).to.be.greaterThan(firstIndex);
    expect(seen.map((s) => s.level)).to.deep.equal([
      "ok",
      "ok",
      "ok",
      "ok",
      "ok",
      "warn",
      "critical",
      "critical",
      "liquidatable",
    ]);
    expect(seen.map((s) => s.alerts)).to.deep.equal([0, 0, 0, 0, 0, 1, 1, 0, 1]);
    expect(sink.out.filter((l) => / ALERT WARN /.test(l))).to.have.length(1);
    expect(sink.out.find((l) => / ALERT WARN /.test(l))).to.match(
      /P\(liquidation within 24 h\) \d+\.\d+% \[driftless GBM first passage\]; WETH \$1,760\.00 → liquidation below \$1,64\d\.\d\d \(−\d+\.\d+%\), σ 80\.0% \(configured\)/,
    );

    // the liquidation price the first alert named: a cent above it the position is healthy, at it liquidatable
    const cents = first.barrier / 10n ** 16n;
    await core.setPrice("weth", (cents + 1n) * 10n ** 6n);
    expect((await core.lens.healthOf(id)).health >= WAD).to.equal(true);
    await core.setPrice("weth", (cents - 1n) * 10n ** 6n);
    expect((await core.lens.healthOf(id)).health < WAD).to.equal(true);
    const [, , keeper] = await ethers.getSigners();
    const rc = await (await core.engine.connect(keeper!).liquidate(id)).wait();
    const liquidated = rc?.logs
      .map((l) => core.engine.interface.parseLog(l))
      .find((e) => e?.name === "LiquidationStarted");
    expect(liquidated, "a LiquidationStarted event").to.not.equal(undefined);
    // after the partial liquidation (to the target health 1.10) the watch clears the position's level
    const after = await svc.tick(once());
    expect(after.alerts.map((a) => [a.kind, a.previous, a.level])).to.deep.equal([["cleared", "liquidatable", "ok"]]);
  });

  it("the barriers hold on chain: every collateral price moved by the basket's factor, and each asset at its liquidation price", async function () {
    const core = await deployCore(ethers);
    const [, owner] = await ethers.getSigners();
    await fundAndApprove(core, owner!, { weth: units("weth", "10"), wbtc: units("wbtc", "0.5") });
    const id = await core.vault.nextPositionId();
    await (await core.vault.connect(owner!).openAndMint(BUSD, core.weth, units("weth", "10"), 0n, owner!)).wait();
    await (await core.vault.connect(owner!).deposit(id, core.wbtc, units("wbtc", "0.5"))).wait();
    await (await core.vault.connect(owner!).mint(id, wad("30000"), owner!)).wait(); // health 41,000 / 30,000
    const opts = { horizonHours: 24, thresholds: DEFAULTS.thresholds, volatility: new ConfiguredVolatility() };
    const [risk] = (await evaluatePositions(readerOf(core), [id], { ...opts, network: "default", chainId: 31337n }))
      .risks;
    const basket = risk?.factors.find((f) => f.kind === "basket");
    if (risk === undefined || basket?.barrier === undefined) throw new Error("no basket factor");
    expect(basket.sigma?.source).to.equal("weighted");
    // every price × (1 + 1e-4) of the factor: healthy; × (1 − 1e-4): liquidatable
    const k = (basket.barrier * 10n ** 18n) / basket.spot; // [wad]
    const move = async (f: bigint): Promise<bigint> => {
      await core.setPrice("weth", (answer8("2000") * f) / WAD);
      await core.setPrice("wbtc", (answer8("60000") * f) / WAD);
      return (await core.lens.healthOf(id)).health;
    };
    expect((await move((k * 10_001n) / 10_000n)) >= WAD).to.equal(true);
    expect((await move((k * 9_999n) / 10_000n)) < WAD).to.equal(true);
    await move(WAD);
    for (const f of risk.factors.filter((x) => x.kind === "asset")) {
      const key = f.symbol === "WETH" ? "weth" : "wbtc";
      const at = async (price: bigint): Promise<bigint> => {
        await core.setPrice(key, price / 10n ** 10n); // [wad] to the feed's 8 decimals
        return (await core.lens.healthOf(id)).health;
      };
      const b = f.barrier ?? 0n;
      expect((await at((b * 10_001n) / 10_000n)) >= WAD, f.symbol).to.equal(true);
      expect((await at((b * 9_999n) / 10_000n)) < WAD, f.symbol).to.equal(true);
      await at(f.spot);
    }
  });

  it("the demo portfolio at the demo's prices, and with prices moving a little, gives no alert", async function () {
    const core = await buildPortfolio(ethers);
    const next = await core.vault.nextPositionId();
    const ids = Array.from({ length: Number(next - 1n) }, (_, i) => BigInt(i + 1));
    expect(ids).to.have.length(9);
    const opts = {
      horizonHours: DEFAULTS.horizonHours,
      thresholds: DEFAULTS.thresholds,
      volatility: new ConfiguredVolatility(),
      network: "default",
      chainId: 31337n,
    };
    const calm = await evaluatePositions(readerOf(core), ids, opts);
    expect(calm.alerts).to.deep.equal([]);
    expect(calm.risks.map((r) => r.level)).to.deep.equal(ids.map(() => "ok"));
    // the model is at work: the most leveraged position (erin, 78% of WETH) has a real but small probability
    const worst = Math.max(...calm.risks.map((r) => r.probability));
    expect(worst).to.be.above(0.01).and.below(DEFAULTS.thresholds.warnProbability);
    // prices wobble by ±1% over a few polls: still no alert
    const levels = calm.levels;
    for (const [eth, btc] of [
      ["1980", "60600"],
      ["2015", "59400"],
      ["1990", "60000"],
    ] as const) {
      await core.setPrice("weth", answer8(eth));
      await core.setPrice("wbtc", answer8(btc));
      const r = await evaluatePositions(readerOf(core), ids, { ...opts, previous: levels });
      expect(r.alerts, `at ETH ${eth}, BTC ${btc}`).to.deep.equal([]);
    }
  });

  it("a restart from the checkpoint sends no duplicate, a new crossing after it fires, and a reorg keeps the levels", async function () {
    const { core, id, start } = await oneEthPosition("14000");
    const cfg = config();
    await core.setPrice("weth", answer8("1760")); // warn (P ≥ 10%)
    const first = { out: [] as string[], log: [] as string[] };
    const run1 = await (await service(core, start, cfg, first)).run(once());
    expect(run1.alerts.map((a) => [a.kind, a.level])).to.deep.equal([["alert", "warn"]]);
    const cp = JSON.parse(readFileSync(cfg.checkpointPath, "utf8")) as WatchCheckpoint;
    expect(cp.watch.levels[id.toString()]?.level).to.equal("warn");
    expect(cp.watch.followed).to.deep.equal([id.toString()]);
    expect(cp.positions).to.deep.equal([id.toString()]);

    // restart: the same level, no alert
    const second = { out: [] as string[], log: [] as string[] };
    const run2 = await (await service(core, start, cfg, second)).run(once());
    expect(run2.alerts).to.deep.equal([]);
    expect(second.out).to.deep.equal([]);
    expect(second.log.some((l) => / start .* levels=1$/.test(l))).to.equal(true);

    // a reorg: the checkpoint's last block is replaced by another one; the scan starts over, the level is kept
    const snap = (await ethers.provider.send("evm_snapshot", [])) as string;
    const third = { out: [] as string[], log: [] as string[] };
    await networkHelpers.mine(3);
    await (await service(core, start, cfg, third)).run(once()); // checkpoints a block that is about to vanish
    const vanished = (JSON.parse(readFileSync(cfg.checkpointPath, "utf8")) as WatchCheckpoint).lastBlock;
    await ethers.provider.send("evm_revert", [snap]);
    await networkHelpers.time.increase(7); // another timestamp: the blocks mined now differ from the vanished ones
    await networkHelpers.mine(4);
    const fourth = { out: [] as string[], log: [] as string[] };
    const svc4 = await service(core, start, cfg, fourth);
    const run4 = await svc4.run(once());
    expect(svc4.source.rescans.map((r) => r.lastBlock)).to.deep.equal([vanished]);
    expect(fourth.log.some((l) => / checkpoint-refused lastBlock=/.test(l))).to.equal(true);
    expect(run4.alerts).to.deep.equal([]);
    expect(run4.checkpoint.watch.levels[id.toString()]?.level).to.equal("warn");

    // a new crossing after the restart fires, once
    await core.setPrice("weth", answer8("1700"));
    const fifth = { out: [] as string[], log: [] as string[] };
    const run5 = await (await service(core, start, cfg, fifth)).run(once());
    expect(run5.alerts.map((a) => [a.kind, a.previous, a.level])).to.deep.equal([["alert", "warn", "critical"]]);
    expect(fifth.out).to.have.length(1);
    const run6 = await (await service(core, start, cfg, { out: [], log: [] })).run(once());
    expect(run6.alerts).to.deep.equal([]);
  });

  it("webhook: a server failing twice with 503 gets the alert once after retries; one that never accepts gets bounded attempts and the loop goes on", async function () {
    const servers: Server[] = [];
    const serve = async (status: (n: number) => number): Promise<{ url: string; hits: number[]; bodies: string[] }> => {
      const seen = { hits: [] as number[], bodies: [] as string[] };
      const server = createServer((req: IncomingMessage, res) => {
        let body = "";
        req.on("data", (c: Buffer) => (body += c.toString()));
        req.on("end", () => {
          const code = status(seen.hits.length + 1);
          seen.hits.push(code);
          if (code === 200) seen.bodies.push(body);
          res.writeHead(code).end();
        });
      });
      servers.push(server);
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, ...seen };
    };
    try {
      const flaky = await serve((n) => (n <= 2 ? 503 : 200));
      const { core, id, start } = await oneEthPosition("14000");
      await core.setPrice("weth", answer8("1760"));
      const sink = { out: [] as string[], log: [] as string[] };
      const svc = await service(core, start, config({ webhook: { url: flaky.url, attempts: 5 } }), sink);
      const t = await svc.tick(once());
      expect(t.deliveries).to.deep.equal([{ delivered: true, attempts: 3, status: 200 }]);
      expect(flaky.hits).to.deep.equal([503, 503, 200]);
      expect(flaky.bodies).to.have.length(1);
      const body = JSON.parse(flaky.bodies[0] ?? "") as AlertJson;
      expect([body.kind, body.level, body.positionId]).to.deep.equal(["alert", "warn", id.toString()]);
      expect(sink.log.filter((l) => / webhook attempt=\d\/5 failed: HTTP 503 /.test(l))).to.have.length(2);
      // the next poll at the same level sends nothing more
      await svc.tick(once());
      expect(flaky.hits).to.have.length(3);

      // a server that never accepts: 3 attempts, then the loop goes on to its next tick
      const down = await serve(() => 503);
      await core.setPrice("weth", answer8("1700")); // critical, for a watch that starts now
      const cfg = config({ webhook: { url: down.url, attempts: 3 }, once: false });
      const sink2 = { out: [] as string[], log: [] as string[] };
      const controller = new AbortController();
      let sleeps = 0;
      const svc2 = await service(core, start, cfg, sink2, {
        sleep: async () => {
          if (++sleeps === 2) controller.abort("test");
        },
      });
      const t0 = Date.now();
      const summary = await svc2.run(controller.signal);
      expect(summary.ticks).to.equal(2);
      expect(summary.errors).to.equal(0);
      expect(summary.alerts.map((a) => a.level)).to.deep.equal(["critical"]);
      expect(down.hits).to.deep.equal([503, 503, 503]);
      expect(sink2.log.some((l) => / webhook attempt=3\/3 failed: HTTP 503 .*giving up/.test(l))).to.equal(true);
      expect(Date.now() - t0).to.be.below(20_000);

      // nobody listening at all: connection refused, bounded too
      const closed = await serve(() => 200);
      const url = closed.url;
      await new Promise<void>((resolve) => servers.pop()?.close(() => resolve()));
      const lines: string[] = [];
      const d = await postWebhook({ x: 1 }, { url, attempts: 2, baseDelayMs: 5, log: (l) => lines.push(l) });
      expect(d).to.include({ delivered: false, attempts: 2 });
      expect(d.error).to.match(/ECONNREFUSED/);
      expect(lines).to.have.length(2);
    } finally {
      for (const s of servers) await new Promise<void>((resolve) => s.close(() => resolve()));
    }
  });

  it("--json: one JSON object per alert, with stable fields and bigint as decimal strings", async function () {
    const { core, id, owner, start } = await oneEthPosition("14000");
    await core.setPrice("weth", answer8("1700"));
    const sink = { out: [] as string[], log: [] as string[] };
    const svc = await service(core, start, config({ json: true }), sink);
    await svc.tick(once());
    expect(sink.out).to.have.length(1);
    const j = JSON.parse(sink.out[0] ?? "") as AlertJson;
    const h = await core.lens.healthOf(id);
    expect(Object.keys(j)).to.deep.equal([
      "schema",
      "kind",
      "level",
      "previous",
      "positionId",
      "owner",
      "synthetic",
      "network",
      "chainId",
      "block",
      "timestamp",
      "time",
      "health",
      "debt",
      "debtValue",
      "collateralValue",
      "liquidationLimit",
      "probability",
      "horizonHours",
      "model",
      "driver",
      "factors",
      "reasons",
      "unavailable",
      "note",
      "message",
    ]);
    expect(j).to.deep.include({
      schema: "ballast.watch.alert/1",
      kind: "alert",
      level: "critical",
      previous: "ok",
      positionId: id.toString(),
      owner: owner.address,
      synthetic: "bUSD",
      chainId: "31337",
      health: h.health.toString(),
      debt: h.debt.toString(),
      horizonHours: 24,
      unavailable: null,
    });
    expect(j.model).to.match(/reflection principle/);
    expect(j.time).to.equal(new Date(j.timestamp * 1000).toISOString());
    expect(j.probability).to.be.above(0.3).and.below(1);
    expect(j.driver).to.deep.include({ kind: "asset", symbol: "WETH", direction: "down", sigma: 0.8 });
    expect(j.driver?.sigmaSource).to.equal("configured");
    expect(j.driver?.spot).to.equal(wad("1700").toString());
    expect(j.driver?.barrier).to.match(/^\d+$/);
    expect(j.factors).to.have.length(1);
    expect(j.message).to.match(/^ALERT CRITICAL \(was ok\) #\d+ bUSD/);
    // status lines stay out of the JSON stream
    expect(sink.log.length).to.be.above(0);
    expect(sink.log.every((l) => !l.startsWith("{"))).to.equal(true);
  });

  it("following an owner's positions, or listed ids; an unknown id is refused with the range", async function () {
    const { core, id, owner, start } = await oneEthPosition("14000");
    const [, , other] = await ethers.getSigners();
    await fundAndApprove(core, other!, { weth: units("weth", "10") });
    await (
      await core.vault.connect(other!).openAndMint(BUSD, core.weth, units("weth", "10"), wad("15000"), other!)
    ).wait();
    await core.setPrice("weth", answer8("1760"));
    const mine = await (
      await service(core, start, config({ owner: owner.address }), { out: [], log: [] })
    ).tick(once());
    expect(mine.followed).to.deep.equal([id]);
    const listed = await (
      await service(core, start, config({ positions: [id + 1n] }), { out: [], log: [] })
    ).tick(once());
    expect(listed.followed).to.deep.equal([id + 1n]);
    expect(listed.risks[0]?.owner).to.equal(other!.address);
    const bad = await service(core, start, config({ positions: [99n] }), { out: [], log: [] });
    let err: unknown;
    try {
      await bad.run(once());
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(UnknownPositionError);
    expect((err as Error).message).to.equal(`position #99 does not exist (ids run from 1 to ${id + 1n})`);
  });

  it("volatility: the observer's σ when fresh and sampled, else the configured one, and the output says which", async function () {
    const iface = new Interface(VOLATILITY_OBSERVER_ABI);
    const weth = "0x00000000000000000000000000000000000000e1";
    const wbtc = "0x00000000000000000000000000000000000000b1";
    const usdc = "0x00000000000000000000000000000000000000c1";
    const now = 1_800_000_000;
    const answers: Record<string, [bigint, bigint, bigint]> = {
      [weth]: [wad("0.95"), BigInt(now - 600), 48n], // fresh, enough samples
      [wbtc]: [wad("0.50"), BigInt(now - 7_200), 48n], // two hours old
      [usdc]: [wad("0.02"), BigInt(now - 60), 2n], // too few samples
    };
    const runner = {
      provider: null,
      call: async (tx: TransactionRequest): Promise<string> => {
        const [asset] = iface.decodeFunctionData("volatilityOf", String(tx.data));
        const a = answers[String(asset).toLowerCase()];
        if (a === undefined) throw new Error("execution reverted: unknown asset");
        return iface.encodeFunctionResult("volatilityOf", a);
      },
    };
    const observer = "0x00000000000000000000000000000000000000aa";
    const src = volatilitySourceFor({ volatilityObserver: { address: observer } }, runner, 3_600);
    expect(src).to.be.instanceOf(ObservedVolatility);
    expect(volatilitySourceFor({ Vault: { address: observer } }, runner, 3_600)).to.be.instanceOf(ConfiguredVolatility);
    const vol = configuredVolatilities();
    expect(await src.volatilityOf({ address: weth, symbol: "WETH" }, now)).to.deep.include({
      sigma: 0.95,
      source: "observed",
    });
    const stale = await src.volatilityOf({ address: wbtc, symbol: "WBTC" }, now);
    expect(stale).to.deep.include({ sigma: vol.WBTC, source: "configured" });
    expect(stale?.fallback).to.equal("observer value is stale (2.0 h old)");
    const few = await src.volatilityOf({ address: usdc, symbol: "USDC" }, now);
    expect(few).to.deep.include({ sigma: vol.USDC, source: "configured" });
    expect(few?.fallback).to.equal("observer has 2 sample(s), needs 3");
    const unknown = await src.volatilityOf(
      { address: "0x00000000000000000000000000000000000000dd", symbol: "TBILL" },
      now,
    );
    expect(unknown).to.deep.include({ sigma: vol.TBILL, source: "configured" });
    expect(unknown?.fallback).to.match(/^observer call failed/);
    expect(
      await src.volatilityOf({ address: "0x00000000000000000000000000000000000000dd", symbol: "NOPE" }, now),
    ).to.equal(undefined);
    // a longer stale limit takes the two-hour-old value
    const lax = new ObservedVolatility(observer, runner, 3 * 3_600);
    expect(await lax.volatilityOf({ address: wbtc, symbol: "WBTC" }, now)).to.deep.include({
      source: "observed",
      sigma: 0.5,
    });
  });

  it("parseWatchConfig(): defaults, flags over environment, every bad value named in its units with flag and variable", function () {
    expect(DEFAULTS).to.deep.equal({
      horizonHours: 24,
      pollSeconds: 12,
      thresholds: {
        warnHealth: wad("1.05"),
        criticalHealth: wad("1.02"),
        warnProbability: 0.1,
        criticalProbability: 0.3,
      },
      volMaxAgeSeconds: 3_600,
      checkpointPath: "reports/watch-default.json",
      json: false,
      once: false,
      blockChunk: 2_000,
      confirmations: 0,
    });
    const c = parseWatchConfig(
      { horizon: "6", positions: "1, #2,2", json: true, webhook: "http://127.0.0.1:9/x" },
      { WATCH_HORIZON_HOURS: "48", WATCH_WARN_PROBABILITY: "5", WATCH_WEBHOOK_ATTEMPTS: "3" },
      "localhost",
    );
    expect([c.horizonHours, c.positions, c.json, c.thresholds.warnProbability, c.webhook]).to.deep.equal([
      6,
      [1n, 2n],
      true,
      0.05,
      { url: "http://127.0.0.1:9/x", attempts: 3 },
    ]);
    const owner = parseWatchConfig({ owner: "0x70997970c51812dc3a010c7d01b50e0d17dc79c8" }, {}, "x").owner;
    expect(owner).to.equal("0x70997970C51812dc3A010C7d01b50e0d17dc79C8");
    const problems = (flags: Parameters<typeof parseWatchConfig>[0], env = {}): string[] => {
      try {
        parseWatchConfig(flags, env, "x");
      } catch (e) {
        expect(e).to.be.instanceOf(WatchConfigError);
        return (e as WatchConfigError).problems;
      }
      return [];
    };
    expect(problems({ owner: "0x1234" })).to.deep.equal([
      '--owner = "0x1234": not an address (0x followed by 40 hexadecimal digits) (flag --owner, variable WATCH_OWNER)',
    ]);
    expect(problems({ horizon: "0" })).to.deep.equal([
      '--horizon = "0": hours ahead the liquidation probability looks (above 0, at most 8760) (flag --horizon, variable WATCH_HORIZON_HOURS)',
    ]);
    expect(problems({}, { WATCH_HORIZON_HOURS: "a day" })[0]).to.match(/^WATCH_HORIZON_HOURS = "a day": hours ahead/);
    expect(problems({ horizon: "10000" })).to.have.length(1);
    expect(problems({ positions: "1,x,0" })).to.deep.equal([
      '--positions = "1,x,0": "x", "0" not a position id (ids are whole numbers from 1, e.g. 1,2,7) (flag --positions, variable WATCH_POSITIONS)',
    ]);
    expect(problems({ owner: "0x70997970c51812dc3a010c7d01b50e0d17dc79c8", positions: "1" })).to.deep.equal([
      "give --owner or --positions, not both",
    ]);
    expect(problems({ warnHealth: "1.02", criticalHealth: "1.05" })[0]).to.match(
      /^critical health 1\.050 is above warn health 1\.020/,
    );
    expect(problems({ warnHealth: "0.9" })[0]).to.match(
      /health below which a position is at warn \(above 1, at most 10\)/,
    );
    expect(problems({ warnProbability: "40" })[0]).to.match(
      /^critical probability 30\.0% is under warn probability 40\.0%/,
    );
    expect(problems({ webhook: "ftp://x" })).to.deep.equal([
      '--webhook = "ftp://x": not an http(s) URL (flag --webhook, variable WATCH_WEBHOOK_URL)',
    ]);
    expect(problems({ poll: "0", webhookAttempts: "50" })).to.have.length(2);
  });

  it("the README's flag table lists every flag of watch/flags.ts with its variable", function () {
    const readme = readFileSync(fileURLToPath(new URL("../README.md", import.meta.url)), "utf8");
    const section = readme.split("## Alerts for position owners")[1]?.split("\n## ")[0] ?? "";
    for (const k of watchFlags()) {
      expect(section, k).to.match(new RegExp(`\\| \`${watchFlagName(k)}\`\\s+\\| \`${WATCH_FLAGS[k].env}\` `));
    }
  });
});
