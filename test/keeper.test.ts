/**
 * The long-running keeper (keeper/service.ts, scan.ts, tx.ts) on the embedded network:
 * configuration, event discovery with a checkpoint across restarts, reverts between simulation and send, profitable
 * and unprofitable auctions, the fee cap, nonce recovery, the stop path, and the bigint mirror of the contract math
 * (sdk/math.ts) against the contracts' own views along an auction.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { network } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { TransactionRequest } from "ethers";
import { ASSETS, BUSD } from "../sdk/params.js";
import { type Core, deployCore, fundAndApprove } from "../deploy/local/core.js";
import { answer8, units, wad } from "../sdk/units.js";
import { Keeper, OracleVenue, type TxSender, staticPositionSource } from "../keeper/keeper.js";
import { CheckpointError, type Checkpoint, readCheckpoint } from "../keeper/scan.js";
import {
  KeeperConfigError,
  type KeeperConfig,
  KeeperService,
  parseKeeperConfig,
  stopOnSignals,
} from "../keeper/service.js";
import { FeeCapExceeded, ManagedSender } from "../keeper/tx.js";
import { TxFailure } from "../sdk/tx.js";
import { BPS, RAY, WAD, auctionPriceUp, computeHealth, startPricesUp } from "../sdk/math.js";

const { ethers, networkHelpers } = await network.create();
const { time } = networkHelpers;
const GWEI = 10n ** 9n;

interface Actors {
  core: Core;
  alice: HardhatEthersSigner;
  bob: HardhatEthersSigner;
  keeper: HardhatEthersSigner;
  taker: HardhatEthersSigner;
  startBlock: number;
}

/** A fresh core; alice and bob hold WETH; the keeper and the taker hold 50,000 bUSD each (from a USDC position). */
async function setup(): Promise<Actors> {
  const core = await deployCore(ethers);
  const startBlock = await ethers.provider.getBlockNumber();
  const [, alice, bob, keeper, taker, funder] = await ethers.getSigners();
  if ([alice, bob, keeper, taker, funder].some((s) => s === undefined)) throw new Error("needs six signers");
  const s = { alice: alice!, bob: bob!, keeper: keeper!, taker: taker!, funder: funder! };
  await fundAndApprove(core, s.alice, { weth: units("weth", "100") });
  await fundAndApprove(core, s.bob, { weth: units("weth", "100") });
  await fundAndApprove(core, s.funder, { usdc: units("usdc", "1000000") });
  for (const to of [s.taker, s.keeper]) {
    await (
      await core.vault.connect(s.funder).openAndMint(BUSD, core.usdc, units("usdc", "100000"), wad("50000"), to)
    ).wait();
  }
  await (await core.busd.connect(s.taker).approve(core.engine, ethers.MaxUint256)).wait();
  return { core, ...s, startBlock };
}

/** `owner` opens 10 WETH / `debt` bUSD; returns the position id. */
async function openEth(core: Core, owner: HardhatEthersSigner, debt: bigint): Promise<bigint> {
  const id = await core.vault.nextPositionId();
  await (await core.vault.connect(owner).openAndMint(BUSD, core.weth, units("weth", "10"), debt, owner.address)).wait();
  return id;
}

const tmpCheckpoint = (): string => join(mkdtempSync(join(tmpdir(), "ballast-keeper-")), "checkpoint.json");

function config(over: Partial<KeeperConfig> = {}): KeeperConfig {
  return {
    pollSeconds: 0.1,
    minProfitBps: 200n,
    batchSize: 50,
    checkpointPath: tmpCheckpoint(),
    maxFeePerGas: 1_000n * GWEI,
    blockChunk: 25,
    confirmations: 0,
    venueSpreadBps: 0n,
    once: true,
    ...over,
  };
}

async function service(
  a: Actors,
  cfg: KeeperConfig,
  lines: string[],
  extra: { sender?: TxSender; venue?: OracleVenue; sleep?: (ms: number, s: AbortSignal) => Promise<void> } = {},
): Promise<KeeperService> {
  const vault = await a.core.vault.getAddress();
  return new KeeperService({
    vault: a.core.vault,
    engine: a.core.engine,
    lens: a.core.lens,
    oracle: a.core.oracle,
    signer: a.keeper,
    scope: { network: "default", chainId: (await ethers.provider.getNetwork()).chainId, vault },
    startBlock: a.startBlock,
    config: cfg,
    log: (l) => lines.push(l),
    ...extra,
  });
}

const once = (): AbortSignal => new AbortController().signal;

describe("keeper service (keeper/service.ts)", function () {
  it("parseKeeperConfig(): defaults, flags over environment, every invalid value named with its flag and variable", function () {
    const d = parseKeeperConfig({}, {}, "localhost");
    expect(d).to.deep.equal({
      pollSeconds: 12,
      minProfitBps: 100n,
      batchSize: 200,
      checkpointPath: "reports/keeper-localhost.json",
      maxFeePerGas: 100n * GWEI,
      blockChunk: 2_000,
      confirmations: 0,
      venueSpreadBps: 30n,
      once: false,
    });
    const c = parseKeeperConfig(
      { poll: "2.5", maxFeeGwei: "0.5", once: true },
      { KEEPER_POLL_SECONDS: "60", KEEPER_MIN_PROFIT_BPS: "250", KEEPER_CHECKPOINT: "/tmp/k.json" },
      "sepolia",
    );
    expect([c.pollSeconds, c.minProfitBps, c.maxFeePerGas, c.checkpointPath, c.once]).to.deep.equal([
      2.5,
      250n,
      GWEI / 2n,
      "/tmp/k.json",
      true,
    ]);
    let err: unknown;
    try {
      parseKeeperConfig({ poll: "0", batchSize: "ten", maxFeeGwei: "0" }, { KEEPER_MIN_PROFIT_BPS: "-5" }, "x");
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(KeeperConfigError);
    const problems = (err as KeeperConfigError).problems;
    expect(problems).to.have.length(4);
    expect(problems[0]).to.match(
      /^--poll = "0": seconds between ticks \(0\.1 to 3600\) \(flag --poll, variable KEEPER_POLL_SECONDS\)/,
    );
    expect(problems.join("\n")).to.match(/KEEPER_MIN_PROFIT_BPS = "-5"/);
    expect(problems.join("\n")).to.match(/--batch-size = "ten"/);
    expect(problems.join("\n")).to.match(/--max-fee-gwei = "0"/);
  });

  it("restart: resumes after the checkpoint's last block, keeps known positions, finds new ones, drops closed ones", async function () {
    const a = await setup();
    const p1 = await openEth(a.core, a.alice, wad("10000"));
    const p2 = await openEth(a.core, a.bob, wad("10000"));
    const cfg = config({ blockChunk: 10 });
    const lines: string[] = [];
    const first = await (await service(a, cfg, lines)).run(once());
    const head1 = await ethers.provider.getBlockNumber();
    const scan1 = first.scans[0];
    expect(scan1?.from).to.equal(a.startBlock);
    expect(scan1?.to).to.equal(head1);
    expect(scan1?.chunks).to.equal(Math.ceil((head1 - a.startBlock + 1) / 10));
    // the keeper's own bUSD positions (opened by the funder) are positions too: 2 funder + alice + bob
    expect(first.checkpoint.positions).to.deep.equal(["1", "2", String(p1), String(p2)]);
    const onDisk = JSON.parse(readFileSync(cfg.checkpointPath, "utf8")) as Checkpoint;
    expect(onDisk.lastBlock).to.equal(head1);
    expect(onDisk.vault).to.equal(await a.core.vault.getAddress());

    // between the runs: a new position, and bob closes his
    const p3 = await openEth(a.core, a.alice, wad("5000"));
    await (await a.core.busd.connect(a.taker).transfer(a.bob, wad("1000"))).wait(); // covers the interest
    await (await a.core.busd.connect(a.bob).approve(a.core.vault, ethers.MaxUint256)).wait();
    await (await a.core.vault.connect(a.bob).close(p2, a.bob.address)).wait();
    const head2 = await ethers.provider.getBlockNumber();

    const lines2: string[] = [];
    const second = await (await service(a, cfg, lines2)).run(once());
    const scan2 = second.scans[0];
    expect(scan2?.from).to.equal(head1 + 1); // no block before the checkpoint is read again
    expect(scan2?.to).to.equal(head2);
    expect(scan2?.chunks).to.equal(Math.ceil((head2 - head1) / 10));
    expect(scan2?.opened).to.deep.equal([p3]);
    expect(scan2?.dropped).to.deep.equal([p2]);
    expect(second.checkpoint.positions).to.deep.equal(["1", "2", String(p1), String(p3)]);
    expect(second.reports[0]?.checked).to.equal(4);
    expect(lines2[0]).to.match(new RegExp(`keeper tick=0 start checkpoint=.* lastBlock=${head1} positions=4$`));
    expect(
      lines2.some((l) => / scan from=\d+ to=\d+ chunks=\d+ events=\d+ opened=1 dropped=1 known=4$/.test(l)),
    ).to.equal(true);
  });

  it("confirmations: the scan stays that many blocks behind the head and finds a new position once it is that deep", async function () {
    const a = await setup();
    const cfg = config({ confirmations: 3 });
    const svc = await service(a, cfg, []);
    const p = await openEth(a.core, a.alice, wad("5000"));
    const opened = await ethers.provider.getBlockNumber();
    const t1 = await svc.tick();
    expect(t1.scan.to).to.equal(opened - 3);
    expect(await svc.source.positionIds()).to.not.include(p);
    await networkHelpers.mine(3);
    const t2 = await svc.tick();
    expect(t2.scan.from).to.equal(opened - 2);
    expect(t2.scan.to).to.equal(opened);
    expect(t2.scan.opened).to.include(p); // with what else setup() opened in the last three blocks
  });

  it("checkpoint: a file for another Vault or chain is refused with what to do", async function () {
    const a = await setup();
    const cfg = config();
    await (await service(a, cfg, [])).run(once());
    const cp = JSON.parse(readFileSync(cfg.checkpointPath, "utf8")) as Checkpoint;
    writeFileSync(cfg.checkpointPath, JSON.stringify({ ...cp, vault: ethers.ZeroAddress, chainId: "1" }));
    let err: unknown;
    try {
      await service(a, cfg, []);
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(CheckpointError);
    expect((err as Error).message).to.match(
      /belongs to another deployment \(chain 1, not 31337; Vault 0x0{40}, not 0x/,
    );
    expect((err as Error).message).to.match(/delete the file to rescan from the deployment block$/);
    expect(
      readCheckpoint(cfg.checkpointPath, { network: "default", chainId: 1n, vault: ethers.ZeroAddress })?.lastBlock,
    ).to.equal(cp.lastBlock);
  });

  it("takes a profitable auction and leaves an unprofitable one alone", async function () {
    const a = await setup();
    const old = await openEth(a.core, a.alice, wad("15000")); // unhealthy below 1,764.7
    const fresh = await openEth(a.core, a.bob, wad("12700")); // unhealthy below 1,494.1
    const cfg = config();
    const lines: string[] = [];
    const svc = await service(a, cfg, lines);
    await a.core.setPrice("weth", answer8("1700"));
    const t1 = await svc.tick();
    expect(t1.report.liquidations.map((l) => l.positionId)).to.deep.equal([old]);
    const oldAuction = t1.report.liquidations[0]?.firstAuctionId ?? 0n;
    // an hour later ETH is at 1,500: the old auction (2,040 * 0.99^40 = 1,365) is under its floor, where its lot
    // covered its tab at 1,700: the keeper resets it at 1,500 (paid, a lower price) and takes nothing
    await time.increase(3_600);
    await a.core.setPrice("weth", answer8("1500"));
    const t2 = await svc.tick();
    expect(t2.report.resets.map((r) => r.auctionId)).to.deep.equal([oldAuction]);
    expect(t2.report.takes).to.deep.equal([]);
    // 21 steps later, ETH at 1,490: the old auction is at 1,800 * 0.99^21 = 1,455, 2% under the venue: taken; the
    // fresh position is now unhealthy, and its new auction (from 1,788) is above the venue: left alone
    await time.increase(21 * 90);
    await a.core.setPrice("weth", answer8("1490"));
    const t3 = await svc.tick();
    expect(t3.report.liquidations.map((l) => l.positionId)).to.include(fresh);
    // the old auction, and the old position's second one (liquidated again at 1,500 in the second tick)
    expect(t3.report.takes.map((t) => t.auctionId)).to.include(oldAuction);
    for (const t of t3.report.takes) expect(t.positionId).to.equal(old);
    const freshAuctions = t3.report.liquidations.map((l) => l.firstAuctionId);
    for (const id of freshAuctions) {
      expect(t3.report.skips.find((s) => s.kind === "take" && s.id === id)?.reason).to.match(/above venue 1490\.00/);
      expect((await a.core.engine.auction(id)).tab > 0n).to.equal(true); // still live, untouched
    }
    const take = t3.report.takes.find((t) => t.auctionId === oldAuction);
    expect(take !== undefined && take.proceeds * BPS >= take.owe * (BPS + 200n)).to.equal(true);
    expect(lines.some((l) => new RegExp(` tick=3 take auction #${oldAuction}: `).test(l))).to.equal(true);
    expect(lines.some((l) => / tick=3 sent tx="take auction #\d+" hash=0x[0-9a-f]{64} nonce=\d+ /.test(l))).to.equal(
      true,
    );
  });

  it("resets a stale auction (past its maximum duration) instead of taking it, at the new oracle price", async function () {
    const a = await setup();
    const p = await openEth(a.core, a.alice, wad("15000"));
    await a.core.setPrice("weth", answer8("1700"));
    await (await a.core.engine.connect(a.taker).liquidate(p)).wait();
    const [{ id } = { id: 0n }] = await a.core.lens.getAuctions(0n, 1n);
    await time.increase(2 * 3_600 + 1); // past maxDuration (2 h)
    await a.core.setPrice("weth", answer8("1600"));
    await a.core.refreshFeeds();
    expect((await a.core.engine.auctionStatus(id))[1]).to.equal(true);
    const lines: string[] = [];
    const owed = await a.core.engine.keeperPayOwed(a.keeper, BUSD);
    const { report } = await (await service(a, config(), lines)).tick();
    expect(report.resets.map((r) => r.auctionId)).to.deep.equal([id]);
    expect(report.takes).to.deep.equal([]);
    const au = await a.core.engine.auction(id);
    const params = await a.core.engine.auctionParams();
    expect(au.market).to.equal(wad("1600"));
    expect(report.resets[0]?.top).to.equal(startPricesUp(au, params.startBufferBps, params.resetBelowBps).top);
    expect(report.resets[0]?.top).to.equal(au.top);
    expect((await a.core.engine.auctionStatus(id))[1]).to.equal(false);
    expect(await a.core.engine.keeperPayOwed(a.keeper, BUSD)).to.equal(owed + (report.resets[0]?.keeperPay ?? 0n));
    expect(
      lines.some((l) =>
        new RegExp(` tick=1 reset auction #${id} \\(price had fallen to [\\d.]+\\): restarts at 1920\\.00`).test(l),
      ),
    ).to.equal(true);
  });

  it("a take front-run between simulation and send: the revert is logged and the next auction is still taken", async function () {
    const a = await setup();
    const p1 = await openEth(a.core, a.alice, wad("15000"));
    const p2 = await openEth(a.core, a.bob, wad("15000"));
    await a.core.setPrice("weth", answer8("1700"));
    await (await a.core.engine.connect(a.taker).liquidate(p1)).wait();
    await (await a.core.engine.connect(a.taker).liquidate(p2)).wait();
    const [first, second] = (await a.core.lens.getAuctions(0n, 10n)).map((x) => x.id);
    // 22 steps: 2,040 * 0.99^22 = 1,635, just above the floor where each lot covers its tab (1,619), 2% under 1,700
    await time.increase(22 * 90);
    await a.core.setPrice("weth", answer8("1700"));

    // the venue's second quote (of the simulated amount) comes after the simulation and before the send: the taker
    // buys the whole first auction right then
    const core = a.core;
    class FrontRun extends OracleVenue {
      done = false;
      override async quote(asset: string, synthId: bigint, amount: bigint): Promise<bigint> {
        if (!this.done && amount !== 10n ** 18n) {
          this.done = true;
          const [price] = await core.engine.auctionStatus(first!);
          await (await core.engine.connect(a.taker).take(first!, ethers.MaxUint256, price, a.taker, "0x")).wait();
        }
        return super.quote(asset, synthId, amount);
      }
    }
    const venue = new FrontRun(core.oracle, core.vault, core.lens, 0n);
    const lines: string[] = [];
    const svc = await service(a, config(), lines, { venue });
    const { report } = await svc.tick();
    expect(venue.done).to.equal(true);
    expect(report.skips.find((s) => s.kind === "take" && s.id === first)?.reason).to.match(/^transaction failed: /);
    expect(report.takes.map((t) => t.auctionId)).to.deep.equal([second]);
    expect(lines.some((l) => new RegExp(`skip take auction #${first}: transaction failed`).test(l))).to.equal(true);
    for (const id of [first, second]) expect((await core.engine.auction(id!)).tab).to.equal(0n); // both settled
  });

  it("a position repaid between the health read and the send: the failed liquidation is logged, the next goes on", async function () {
    const a = await setup();
    const p1 = await openEth(a.core, a.alice, wad("15000"));
    const p2 = await openEth(a.core, a.bob, wad("15000"));
    await a.core.setPrice("weth", answer8("1700"));
    await (await a.core.busd.connect(a.taker).transfer(a.alice, wad("5000"))).wait();
    await (await a.core.busd.connect(a.alice).approve(a.core.vault, ethers.MaxUint256)).wait();
    const lines: string[] = [];
    const cfg = config();
    const inner = new ManagedSender(a.keeper, { maxFeePerGas: cfg.maxFeePerGas, log: (l) => lines.push(l) });
    // alice repays right before the keeper's liquidation of her position is sent (after its simulation passed)
    const racing: TxSender = {
      async send(label: string, tx: TransactionRequest) {
        if (label === `liquidate position #${p1}`) {
          await (await a.core.vault.connect(a.alice).repay(p1, wad("5000"))).wait();
        }
        return inner.send(label, tx);
      },
    };
    const svc = await service(a, cfg, lines, { sender: racing });
    const { report } = await svc.tick();
    expect(report.unhealthy).to.deep.equal([p1, p2]);
    // decoded into a sentence (PositionHealthy), not the raw error
    expect(report.skips.find((s) => s.id === p1)?.reason).to.match(
      new RegExp(
        `^transaction failed: position #${p1} is healthy \\(health 1\\.\\d{3} ≥ 1\\.0\\): nothing to liquidate$`,
      ),
    );
    expect(report.liquidations.map((l) => l.positionId)).to.deep.equal([p2]);
    expect((await a.core.lens.healthOf(p1)).health >= WAD).to.equal(true);
    // the failed send used no nonce: the next one went out with the next nonce in order
    expect(inner.stats.sent).to.equal(1);
  });

  it("fee cap: above the cap nothing is sent and it is logged; under it the keeper liquidates", async function () {
    const a = await setup();
    const p = await openEth(a.core, a.alice, wad("15000"));
    await a.core.setPrice("weth", answer8("1700"));
    await networkHelpers.setNextBlockBaseFeePerGas(80n * GWEI);
    await networkHelpers.mine();
    const lines: string[] = [];
    const svc = await service(a, config({ maxFeePerGas: 50n * GWEI }), lines);
    const { report } = await svc.tick();
    expect(report.liquidations).to.deep.equal([]);
    expect(report.skips.find((s) => s.id === p)?.reason).to.match(
      /base fee 80 gwei is above the max fee cap 50 gwei: not sent/,
    );
    expect(
      lines.some((l) =>
        new RegExp(`fee-skip tx="liquidate position #${p}" baseFee=${80n * GWEI} cap=${50n * GWEI}`).test(l),
      ),
    ).to.equal(true);
    expect((svc.sender as ManagedSender).stats.feeSkips).to.equal(1);
    const svc2 = await service(a, config({ maxFeePerGas: 200n * GWEI }), []);
    const r2 = (await svc2.tick()).report;
    expect(r2.liquidations.map((l) => l.positionId)).to.deep.equal([p]);
    const sent = await ethers.provider.getTransaction(
      (await a.core.engine.queryFilter(a.core.engine.filters.LiquidationStarted(p)))[0]!.transactionHash,
    );
    expect(sent?.maxFeePerGas !== null && sent!.maxFeePerGas! <= 200n * GWEI).to.equal(true);
  });

  it("nonces: consecutive sends use consecutive nonces; a stale nonce is recovered by re-reading the pending one", async function () {
    const a = await setup();
    const lines: string[] = [];
    const sender = new ManagedSender(a.keeper, { maxFeePerGas: 1_000n * GWEI, log: (l) => lines.push(l) });
    const start = await ethers.provider.getTransactionCount(a.keeper.address, "pending");
    const approve = (n: bigint) => a.core.busd.connect(a.keeper).approve.populateTransaction(a.core.engine, n);
    await sender.send("approve 1", await approve(1n));
    await sender.send("approve 2", await approve(2n));
    expect(await sender.nonce()).to.equal(start + 2);
    // a transaction sent behind the sender's back: its cached nonce is now used
    await (await a.core.busd.connect(a.keeper).approve(a.core.engine, 3n)).wait();
    const receipt = await sender.send("approve 4", await approve(4n));
    expect(receipt?.status).to.equal(1);
    expect(sender.stats.nonceResyncs).to.equal(1);
    expect(await a.core.busd.allowance(a.keeper, a.core.engine)).to.equal(4n);
    expect(await sender.nonce()).to.equal(start + 4);
    expect(
      lines.some((l) =>
        new RegExp(`^nonce-resync tx="approve 4" nonce=${start + 2} pending=${start + 3} retrying$`).test(l),
      ),
    ).to.equal(true);
    // a transaction not mined in time fails the step instead of hanging the loop, and the nonce is re-read
    const slow = new ManagedSender(a.keeper, {
      maxFeePerGas: 1_000n * GWEI,
      receiptTimeoutMs: 300,
      log: (l) => lines.push(l),
    });
    await ethers.provider.send("evm_setAutomine", [false]);
    let timeout: unknown;
    try {
      await slow.send("approve 5", await approve(5n));
    } catch (e) {
      timeout = e;
    } finally {
      await ethers.provider.send("evm_setAutomine", [true]);
    }
    // sdk/tx.ts classifies it (the sender no longer surfaces ethers' TIMEOUT code)
    expect(timeout).to.be.instanceOf(TxFailure);
    expect((timeout as TxFailure).kind).to.equal("not-mined");
    expect(
      lines.some((l) => /^timeout tx="approve 5" hash=0x[0-9a-f]{64} nonce=\d+: not mined in time/.test(l)),
    ).to.equal(true);
    await networkHelpers.mine();
    expect(await slow.nonce()).to.equal(start + 5); // re-read: the slow transaction was mined after all
    // and a refusal for the fee cap is a FeeCapExceeded with both figures
    const capped = new ManagedSender(a.keeper, { maxFeePerGas: 1n });
    await networkHelpers.setNextBlockBaseFeePerGas(GWEI);
    await networkHelpers.mine();
    let err: unknown;
    try {
      await capped.send("approve 6", await approve(6n));
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(FeeCapExceeded);
    expect([(err as FeeCapExceeded).baseFee, (err as FeeCapExceeded).cap]).to.deep.equal([GWEI, 1n]);
  });

  it("stop: aborting mid-tick skips the rest of the tick, writes the checkpoint and ends the run; SIGTERM aborts the same controller", async function () {
    const a = await setup();
    const p1 = await openEth(a.core, a.alice, wad("15000"));
    const p2 = await openEth(a.core, a.bob, wad("15000"));
    await a.core.setPrice("weth", answer8("1700"));
    const controller = new AbortController();
    const lines: string[] = [];
    const cfg = config({ once: false });
    const inner = new ManagedSender(a.keeper, { maxFeePerGas: cfg.maxFeePerGas });
    // the stop arrives while the first liquidation is being sent
    const stopping: TxSender = {
      async send(label, tx) {
        controller.abort("SIGINT");
        return inner.send(label, tx);
      },
    };
    const svc = await service(a, cfg, lines, { sender: stopping });
    const summary = await svc.run(controller.signal);
    expect(summary.stoppedBy).to.equal("signal");
    expect(summary.ticks).to.equal(1);
    expect(summary.reports[0]?.aborted).to.equal(true);
    expect(summary.reports[0]?.liquidations.map((l) => l.positionId)).to.deep.equal([p1]); // the one in flight ends
    const [[h2]] = await a.core.lens.liquidationHealthOf([p2]);
    expect((h2 ?? WAD) < WAD).to.equal(true); // p2 is left for the next run
    const cp = JSON.parse(readFileSync(cfg.checkpointPath, "utf8")) as Checkpoint;
    expect(cp.lastBlock).to.be.greaterThanOrEqual(summary.scans[0]?.to ?? Infinity);
    expect(cp.positions).to.include(String(p2));
    expect(lines.at(-1)).to.match(/ stop reason=signal:SIGINT ticks=1 lastBlock=\d+ positions=4$/);

    // the CLI's handler: a real SIGTERM event aborts the controller the loop watches
    const c2 = new AbortController();
    const handlerLines: string[] = [];
    const remove = stopOnSignals(c2, (l) => handlerLines.push(l));
    process.emit("SIGTERM", "SIGTERM");
    remove();
    expect(c2.signal.aborted).to.equal(true);
    expect(c2.signal.reason).to.equal("SIGTERM");
    expect(handlerLines).to.deep.equal(["signal SIGTERM: finishing the current step, then writing the checkpoint"]);
    // a run on an aborted signal ticks no more and still writes its checkpoint
    const cfg2 = config({ once: false });
    const s2 = await (await service(a, cfg2, [])).run(c2.signal);
    expect(s2.ticks).to.equal(0);
    const scope = { network: "default", chainId: 31337n, vault: await a.core.vault.getAddress() };
    expect(readCheckpoint(cfg2.checkpointPath, scope)?.lastBlock).to.equal(s2.checkpoint.lastBlock);
  });

  it("the loop sleeps between ticks and goes on after a failed tick", async function () {
    const a = await setup();
    const controller = new AbortController();
    let sleeps = 0;
    const lines: string[] = [];
    const svc = await service(a, config({ once: false }), lines, {
      sleep: async () => {
        sleeps++;
        if (sleeps === 1) await ethers.provider.send("evm_mine", []);
        if (sleeps === 3) controller.abort("test");
      },
    });
    // the first tick's scan fails (a broken provider call), the next ones run
    const scan = svc.source.scan.bind(svc.source);
    let calls = 0;
    svc.source.scan = async (...args) => {
      if (++calls === 1) throw new Error("rpc down");
      return scan(...args);
    };
    const summary = await svc.run(controller.signal);
    expect(summary.errors).to.equal(1);
    expect(summary.ticks).to.equal(3);
    expect(summary.reports).to.have.length(2);
    expect(lines.some((l) => / tick=1 tick-error error="rpc down"$/.test(l))).to.equal(true);
  });
});

describe("keeper: the pre-liquidation job", function () {
  it("pre-liquidates opted-in positions inside the band, leaves the others to the engine", async function () {
    const a = await setup();
    const optedIn = await openEth(a.core, a.alice, wad("13000")); // health 0.85 × 10 × price / 13,000
    const other = await openEth(a.core, a.bob, wad("13000"));
    await (await a.core.vault.connect(a.alice).setManager(optedIn, a.core.preLiquidation, 16n)).wait();
    const lines: string[] = [];
    const keeper = new Keeper({
      engine: a.core.engine,
      lens: a.core.lens,
      signer: a.keeper,
      positions: staticPositionSource([optedIn, other]),
      venue: new OracleVenue(a.core.oracle, a.core.vault, a.core.lens, 0n),
      minProfitBps: 50n,
      preLiquidation: a.core.preLiquidation,
      log: (l) => lines.push(l),
    });
    await a.core.setPrice("weth", answer8("1620")); // health 1.059: inside the band [1, 1.10)
    const before = (await a.core.lens.healthOf(optedIn)).health;
    const otherBefore = [await a.core.vault.collateralOf(other, a.core.weth), await a.core.lens.normDebtOf(other)];
    const busd0 = await a.core.busd.balanceOf(a.keeper.address);
    const t1 = await keeper.tick();
    expect(t1.unhealthy).to.deep.equal([]);
    expect(t1.inBand).to.deep.equal([optedIn]); // bob did not opt in
    expect(t1.preLiquidations.map((p) => p.positionId)).to.deep.equal([optedIn]);
    const done = t1.preLiquidations[0]!;
    expect(done.repaid).to.be.greaterThan(0n);
    expect(await a.core.busd.balanceOf(a.keeper.address)).to.equal(busd0 - done.repaid);
    expect(await a.core.weth.balanceOf(a.keeper.address)).to.equal(done.seized);
    // the collateral is worth the repay plus the incentive (1% at the band's top to 2.5% at 1)
    expect(done.proceeds * BPS).to.be.greaterThanOrEqual(done.repaid * (BPS + 100n) - 10n ** 18n);
    expect((await a.core.lens.healthOf(optedIn)).health).to.be.greaterThan(before);
    expect([await a.core.vault.collateralOf(other, a.core.weth), await a.core.lens.normDebtOf(other)]).to.deep.equal(
      otherBefore,
    );
    expect(lines.some((l) => /^pre-liquidate #\d+ \(health 1\.05\d\): repaid /.test(l))).to.equal(true);
    // repaying the close factor lifted it out of the band: the next tick leaves it alone
    expect((await a.core.lens.healthOf(optedIn)).health).to.be.greaterThanOrEqual(wad("1.1"));
    const t2 = await keeper.tick();
    expect([t2.inBand, t2.preLiquidations]).to.deep.equal([[], []]);
    // below 1, the engine's turn: a liquidation, not a pre-liquidation
    await a.core.setPrice("weth", answer8("1400"));
    const t3 = await keeper.tick();
    expect(t3.preLiquidations).to.deep.equal([]);
    expect(t3.liquidations.map((l) => l.positionId)).to.include(other);
  });
});

describe("keeper: the attested-asset lifecycle (keeper/keeper.ts runLifecycle)", function () {
  it("starts a lapse ramp once the grace has run out; writes off a written-down basket, then liquidates its debt as bad debt", async function () {
    const a = await setup();
    const { core } = a;
    const tbill = core.sourced.tbill.token;
    const units6 = 100n * 10n ** 6n; // 100 TBILL at a NAV of 100: $10,000
    await (await tbill.mint(a.alice.address, units6)).wait();
    await (await tbill.connect(a.alice).approve(core.vault, ethers.MaxUint256)).wait();
    const id = await core.vault.nextPositionId();
    await (await core.vault.connect(a.alice).openAndMint(BUSD, tbill, units6, wad("5000"), a.alice.address)).wait();
    const bot = new Keeper({
      engine: core.engine,
      lens: core.lens,
      signer: a.keeper,
      positions: staticPositionSource([id]),
      venue: new OracleVenue(core.oracle, core.vault, core.lens, 0n),
      minProfitBps: 0n,
    });
    const quiet = await bot.tick();
    expect(quiet.lapseRamps).to.deep.equal([]);
    expect(quiet.liquidations).to.deep.equal([]);

    // the NAV is not attested again: after its week and the 3-day grace, the keeper starts the ramp
    await time.increase(7 * 86_400 + 3 * 86_400 + 2);
    await core.refreshFeeds();
    const ramp = await bot.tick();
    expect(ramp.lapseRamps).to.deep.equal([await tbill.getAddress()]);
    expect((await core.lens.lapseOf(tbill)).lapseRamp).to.equal(true);
    expect(ramp.liquidations).to.deep.equal([], "the ramp starts at the threshold in force: nobody liquidated yet");

    // governance writes the fund down: the keeper writes the position off, then liquidates it as bad debt
    await (await core.oracle.writeDown(tbill)).wait();
    const debt = await core.lens.debtOf(id);
    const surplus = await core.treasury.surplus(BUSD);
    const off = await bot.tick();
    expect(off.writeOffs).to.deep.equal([id]);
    expect(off.liquidations.map((l) => l.positionId)).to.deep.equal([id]);
    expect(await core.lens.debtOf(id)).to.equal(0n);
    expect(await tbill.balanceOf(core.treasury)).to.equal(units6);
    // the whole debt (and the few seconds of interest since it was read) is bad debt: surplus first, then deficit
    const booked = (await core.treasury.deficit(BUSD)) + surplus - (await core.treasury.surplus(BUSD));
    expect(booked >= debt && booked <= debt + debt / 1_000_000n, `bad debt ${booked} for a debt of ${debt}`).to.equal(
      true,
    );
  });
});

describe("keeper math mirror (sdk/math.ts) against the contracts along an auction", function () {
  it("health, start prices and the auction price agree with healthOf, auction() and getAuctions at every point", async function () {
    const a = await setup();
    const p = await openEth(a.core, a.alice, wad("15000"));
    const wethAddr = await a.core.weth.getAddress();
    const cfgOf = await a.core.vault.assetConfig(wethAddr);
    const healthMirror = async (): Promise<bigint> => {
      const debt = await a.core.lens.debtOf(p);
      const [, amounts] = await a.core.lens.basketOf(p);
      return computeHealth(
        [
          {
            amount: amounts[0] ?? 0n,
            decimals: ASSETS.weth.decimals,
            price: await a.core.oracle.getPrice(wethAddr),
            maxLtvBps: cfgOf.maxLtvBps,
            liqThresholdBps: cfgOf.liqThresholdBps,
          },
        ],
        debt,
        RAY,
        WAD,
      ).health;
    };
    for (const eth of ["2000", "1800", "1700"]) {
      await a.core.setPrice("weth", answer8(eth));
      const mirror = await healthMirror();
      expect(mirror, `ETH ${eth}`).to.equal((await a.core.lens.healthOf(p)).health);
      expect(mirror, `ETH ${eth}`).to.equal((await a.core.lens.liquidationHealthOf([p]))[0][0]);
    }
    await (await a.core.engine.connect(a.taker).liquidate(p)).wait();
    const [view] = await a.core.lens.getAuctions(0n, 1n);
    const id = view!.id;
    const au = await a.core.engine.auction(id);
    const params = await a.core.engine.auctionParams();
    const venue = new OracleVenue(a.core.oracle, a.core.vault, a.core.lens, 0n);
    expect(await venue.marketPrice(wethAddr, BUSD)).to.equal(au.market);
    const sp = startPricesUp(au, params.startBufferBps, params.resetBelowBps);
    expect([sp.top, sp.floor]).to.deep.equal([au.top, au.floor]);
    const curve = { curve: params.curve, duration: params.duration, step: params.step, cutBps: params.cutBps };
    for (const dt of [0, 89, 90, 450, 1_800, 3_601]) {
      const now = Number(au.startTime) + dt;
      if (now > (await time.latest())) await time.increaseTo(now);
      const mirror = auctionPriceUp(au.top, BigInt(dt), curve);
      const [live] = await a.core.lens.getAuctions(0n, 1n); // what the keeper reads
      expect(mirror, `${dt} s`).to.equal(live?.price);
      expect(mirror, `${dt} s`).to.equal((await a.core.engine.auctionStatus(id))[0]);
    }
  });
});
