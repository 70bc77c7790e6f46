/**
 * The ballast tasks (tasks/ops.ts) against a system deployed by the deploy entry on the embedded network:
 * each task's effect on chain (balances, collateral, debt, health, auctions) is checked against the contracts' own
 * views, and each failure path checks that its message says what to do. The last test drives the registered Hardhat
 * tasks themselves (`hre.tasks`), the way the CLI does.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import hre, { network } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { deploySystem } from "../deploy/deploy.js";
import { configFor } from "../deploy/config/networks.js";
import * as ops from "../tasks/ops.js";
import { ballastTasks, negativeAmount } from "../tasks/index.js";
import { type System, loadSystem } from "../sdk/system.js";
import { failure } from "./lib/failure.js";
import { formatAmount } from "../sdk/format.js";

const WAD = 10n ** 18n;
const { ethers } = await network.create();

describe("ballast tasks (tasks/ops.ts)", function () {
  let path: string;
  let alice: System;
  let bob: System;
  const lines: string[] = [];
  const load = (from: string): Promise<System> =>
    loadSystem(ethers, "default", { manifestPath: path, from, log: (l) => lines.push(l) });
  const weth = (s: System) => s.assets.find((a) => a.symbol === "WETH")?.token;
  const busd = (s: System) => s.synthetics.find((x) => x.symbol === "bUSD")?.token;
  let aliceAddr: string;

  before(async function () {
    path = join(mkdtempSync(join(tmpdir(), "ballast-tasks-")), "default.json");
    await deploySystem(ethers, "default", configFor("default"), { manifestPath: path, log: () => {} });
    alice = await load("1");
    bob = await load("2");
    aliceAddr = alice.signer.address;
    await ops.faucet(alice, { asset: "WETH", amount: "20" });
    await ops.faucet(alice, { asset: "USDC", amount: "5000" });
    await ops.faucet(bob, { asset: "WETH", amount: "50" });
  });

  it("loadSystem(): without a manifest, says to deploy first", async function () {
    const msg = await failure(() => loadSystem(ethers, "default", { manifestPath: join(tmpdir(), "nope", "x.json") }));
    expect(msg).to.match(/no Ballast deployment on "default" .*: run `npm run deploy -- --network default` first/);
  });

  it("faucet(): mints mock collateral to the acting account", async function () {
    expect(await weth(alice)?.balanceOf(aliceAddr)).to.equal(20n * WAD);
  });

  it("open(): opens, deposits (approving the Vault) and mints in one go", async function () {
    const r = await ops.openPosition(alice, { synth: "busd", asset: "weth", amount: "10", mint: "12000" });
    expect(r.id).to.equal(1n);
    expect(r.txs.length).to.equal(2); // approve + batch
    const [owner, synthId] = await alice.vault.positionOf(1n);
    expect([owner, synthId]).to.deep.equal([aliceAddr, 0n]);
    expect(await alice.vault.collateralOf(1n, alice.assets[0]?.address ?? "")).to.equal(10n * WAD);
    expect((await alice.lens.debtOf(1n)) - 12_000n * WAD).to.be.oneOf([0n, 1n]); // debt rounds up by at most 1 wei
    expect(await busd(alice)?.balanceOf(aliceAddr)).to.equal(12_000n * WAD);
    expect(r.health).to.equal((await alice.lens.healthOf(1n)).health);
    expect(lines.at(-1)).to.match(/^position #1: health 1\.41\d \(debt 12,000\.00 bUSD, collateral \$20,000\.00/);
  });

  it("deposit(): approves when the allowance is short, then credits the position", async function () {
    const usdc = alice.assets.find((a) => a.symbol === "USDC");
    const r = await ops.deposit(alice, { id: 1n, asset: "USDC", amount: "1,000.5" });
    expect(r.txs.length).to.equal(2);
    expect(await alice.vault.collateralOf(1n, usdc?.address ?? "")).to.equal(1_000_500_000n);
    const again = await ops.deposit(alice, { id: 1n, asset: "usdc", amount: "0.5" }); // allowance already spent: approves again
    expect(again.txs.length).to.equal(2);
    expect(await alice.vault.collateralOf(1n, usdc?.address ?? "")).to.equal(1_001_000_000n);
  });

  it("deposit(): an unknown asset lists the valid ones; a short balance points at the faucet", async function () {
    expect(await failure(() => ops.deposit(alice, { id: 1n, asset: "DOGE", amount: "1" }))).to.equal(
      'unknown asset "DOGE"; the assets of this deployment are: WETH, WBTC, USDC, wstETH, sDAI, TBILL',
    );
    // the faucet command keeps the acting account (--from 1) and asks for exactly the shortfall
    expect(await failure(() => ops.deposit(alice, { id: 1n, asset: "WBTC", amount: "1" }))).to.match(
      /holds 0 WBTC, less than 1 WBTC: mint test tokens with `npx hardhat ballast faucet WBTC 1 --from 1`$/,
    );
    expect(await failure(() => ops.deposit(alice, { id: 9n, asset: "WETH", amount: "1" }))).to.match(
      /position #9 does not exist/,
    );
    expect(await failure(() => ops.deposit(alice, { id: 1n, asset: "WETH", amount: "1.2.3" }))).to.match(
      /is not a positive decimal number/,
    );
    expect(await failure(() => ops.deposit(alice, { id: 1n, asset: "WETH", amount: "-5" }))).to.equal(
      'amount: "-5" is negative: amounts are positive numbers',
    );
  });

  it("withdraw(): sends collateral back and lowers health; refuses more than the position holds", async function () {
    const before = (await weth(alice)?.balanceOf(aliceAddr)) ?? 0n;
    const h0 = (await alice.lens.healthOf(1n)).health;
    const r = await ops.withdraw(alice, { id: 1n, asset: "WETH", amount: "0.25" });
    expect(await weth(alice)?.balanceOf(aliceAddr)).to.equal(before + WAD / 4n);
    expect(await alice.vault.collateralOf(1n, alice.assets[0]?.address ?? "")).to.equal(975n * 10n ** 16n);
    expect(r.health < h0).to.equal(true);
    expect(await failure(() => ops.withdraw(alice, { id: 1n, asset: "WETH", amount: "100" }))).to.equal(
      "position #1 holds 9.75 WETH, less than the 100 WETH asked: withdraw at most that, or all of it with " +
        "`npx hardhat ballast withdraw 1 WETH max --from 1`",
    );
    expect(r.withdrawn).to.equal(WAD / 4n);
  });

  it("mint(): adds debt and sends the synthetic; past the minting limit it says how much can be minted", async function () {
    const debt0 = await alice.lens.debtOf(1n);
    const r = await ops.mint(alice, { id: 1n, amount: "500" });
    expect(r.minted).to.equal(500n * WAD);
    expect((await alice.lens.debtOf(1n)) - debt0 >= 500n * WAD).to.equal(true);
    expect(await busd(alice)?.balanceOf(aliceAddr)).to.equal(12_500n * WAD);
    const h = await alice.lens.healthOf(1n);
    const room = h.mintLimit - h.debtValue; // [wad] a USD synthetic: one unit per dollar
    const msg = await failure(() => ops.mint(alice, { id: 1n, amount: "100000" }));
    const whole = (room / WAD).toLocaleString("en-US");
    expect(msg).to.match(
      new RegExp(
        `^with #1 \\(minting limit \\$16,500\\.90, debt \\$12,500\\.\\d\\d\\) you can mint at most ${whole}\\.\\d+ bUSD, ` +
          "not 100,000 bUSD: mint less, or deposit collateral first \\(`npx hardhat ballast deposit 1 <token> <units> --from 1`\\)$",
      ),
    );
    // nothing was sent: the debt is what the 500 left
    expect(await alice.lens.debtOf(1n)).to.be.lessThan(debt0 + 501n * WAD);
  });

  it("repay(): burns from the payer and lowers the debt; prints what was burned", async function () {
    const debt0 = await alice.lens.debtOf(1n);
    const r = await ops.repay(alice, { id: 1n, amount: "2500" });
    expect(r.repaid).to.equal(2_500n * WAD);
    expect(lines).to.include(`repaid 2,500 bUSD of #1 (burned from ${aliceAddr})`);
    expect(await busd(alice)?.balanceOf(aliceAddr)).to.equal(10_000n * WAD);
    const debt1 = await alice.lens.debtOf(1n);
    expect(debt0 - debt1 >= 2_499n * WAD && debt0 - debt1 <= 2_500n * WAD).to.equal(true);
    expect(await failure(() => ops.repay(bob, { id: 1n, amount: "1" }))).to.match(
      /holds 0 bUSD but the repayment needs 1 bUSD: get the difference first/,
    );
  });

  it("repay(): more than the debt points to `repay max`; one that leaves less than the minimum debt says how much", async function () {
    const debt = await alice.lens.debtOf(1n);
    const msg = await failure(() => ops.repay(alice, { id: 1n, amount: "999999" }));
    expect(msg).to.match(
      /^position #1 owes 10,0\d\d\.\d+ bUSD, less than the 999,999 bUSD asked: to repay all of it use `npx hardhat ballast repay 1 max --from 1`/,
    );
    const leave = (debt - 50n * WAD) / WAD; // leaves about 50, under the 100 minimum
    expect(await failure(() => ops.repay(alice, { id: 1n, amount: String(leave) }))).to.match(
      /below the minimum debt of 100 bUSD: repay at most 9,9\d\d\.\d+ bUSD, or all of it with `npx hardhat ballast repay 1 max --from 1`$/,
    );
  });

  it("health(): reports the Vault's figures and liquidation prices that hold", async function () {
    const r = await ops.health(alice, { id: 1n });
    const h = await alice.lens.healthOf(1n);
    expect([r.debt, r.collateralValue, r.liquidationLimit, r.health]).to.deep.equal([
      h.debt,
      h.collateralValue,
      h.liquidationLimit,
      h.health,
    ]);
    const wethLine = r.basket.find((b) => b.symbol === "WETH");
    const p = wethLine?.liquidationPrice ?? 0n;
    expect(p > 0n && wethLine?.rising === false).to.equal(true);
    expect(r.basket.find((b) => b.symbol === "USDC")?.liquidationPrice).to.equal(undefined); // WETH alone covers it
    // one cent above the liquidation price the position is healthy, one cent below it is not
    const feedAnswer = (usd: bigint): string => `${usd / WAD}.${String((usd % WAD) / 10n ** 16n).padStart(2, "0")}`;
    await ops.setPrice(alice, { asset: "WETH", usd: feedAnswer(p + 10n ** 16n) });
    expect((await alice.lens.healthOf(1n)).health >= WAD).to.equal(true);
    await ops.setPrice(alice, { asset: "WETH", usd: feedAnswer(p - 10n ** 16n) });
    expect((await alice.lens.healthOf(1n)).health < WAD).to.equal(true);
    await ops.setPrice(alice, { asset: "WETH", usd: "2000" });
  });

  it("health(): for a synthetic that tracks an asset, that asset's liquidation price is the one above which the debt outgrows the collateral", async function () {
    const carol = await load("3");
    await ops.faucet(carol, { asset: "WBTC", amount: "1" });
    await ops.faucet(carol, { asset: "WETH", amount: "1" });
    const r0 = await ops.openPosition(carol, { synth: "bETH", asset: "WBTC", amount: "1", mint: "10" });
    // WBTC alone: its liquidation price is the usual "below" one; 1 WBTC × 80% = 10 bETH × $2,000 at $25,000
    const r = await ops.health(carol, { id: r0.id });
    const cents = (x: bigint | undefined): bigint | undefined => (x === undefined ? undefined : x / 10n ** 16n);
    expect(r.basket.map((b) => [b.symbol, cents(b.liquidationPrice), b.rising])).to.deep.equal([
      ["WBTC", 2_500_000n, false],
    ]);
    await ops.deposit(carol, { id: r0.id, asset: "WETH", amount: "1" });
    const r2 = await ops.health(carol, { id: r0.id });
    const wethLine = r2.basket.find((b) => b.symbol === "WETH");
    expect(wethLine?.rising).to.equal(true);
    const p = wethLine?.liquidationPrice ?? 0n;
    // 48,000 + 0.85 p = 10 p  =>  p = 48,000 / 9.15 = 5,245.90
    expect(p / 10n ** 16n).to.equal(524_590n);
    const usd = (x: bigint): string => `${x / WAD}.${String((x % WAD) / 10n ** 16n).padStart(2, "0")}`;
    await ops.setPrice(carol, { asset: "WETH", usd: usd(p - 10n ** 16n) });
    expect((await carol.lens.healthOf(r0.id)).health >= WAD).to.equal(true);
    await ops.setPrice(carol, { asset: "WETH", usd: usd(p + 2n * 10n ** 16n) });
    expect((await carol.lens.healthOf(r0.id)).health < WAD).to.equal(true);
    await ops.setPrice(carol, { asset: "WETH", usd: "2000" });
    // minted 10 bETH, owes 10 plus rounding and interest: "max" names the exact shortfall
    expect(await failure(() => ops.repay(carol, { id: r0.id, amount: "max" }))).to.match(
      /holds 10 bETH but the repayment needs 10\.0000000\d+ bETH \(the whole debt, which grows with interest every second\): get the difference first/,
    );
  });

  it("liquidate(): refuses a healthy position, then liquidates an unhealthy one into auctions", async function () {
    expect(await failure(() => ops.liquidate(bob, { id: 1n }))).to.match(
      /^position #1 is healthy \(health 1\.\d+ ≥ 1\.0\): nothing to liquidate$/,
    );
    await ops.setPrice(bob, { asset: "WETH", usd: "1050" }); // health about 0.96: a partial liquidation
    const debt0 = await bob.lens.debtOf(1n);
    const r = await ops.liquidate(bob, { id: 1n });
    expect(r.firstAuctionId).to.equal(1n);
    const left = await bob.lens.debtOf(1n); // debt0 - r.debt, plus the interest of one block
    expect(left >= debt0 - r.debt && left - (debt0 - r.debt) < 10n ** 15n).to.equal(true);
    // keeper pay is credited to the keeper, withdrawn later with claimKeeperPay
    expect(await bob.engine.keeperPayOwed(bob.signer.address, 0n)).to.equal(r.keeperPay);
    const list = await ops.auctions(bob);
    expect(list.map((a) => [a.id, a.positionId, a.asset, a.needsReset])).to.deep.equal([
      [1n, 1n, "WETH", false],
      [2n, 1n, "USDC", false],
    ]);
    const onChain = await bob.lens.getAuctions(0n, 10n);
    expect(list.map((a) => [a.lot, a.tab, a.price])).to.deep.equal(onChain.map((a) => [a.lot, a.tab, a.price]));
  });

  it("take(): by default refuses a price above the oracle's, saying the premium; approves only once the checks pass", async function () {
    // bob opens his own position to hold bUSD for the take
    await ops.openPosition(bob, { synth: "bUSD", asset: "WETH", amount: "50", mint: "20000" });
    const engine = await bob.engine.getAddress();
    const allowance0 = (await busd(bob)?.allowance(bob.signer.address, engine)) ?? 0n;
    // the auction starts 20% over the oracle price (1,050): no take without accepting a premium
    const msg = await failure(() => ops.take(bob, { auction: 1n, amount: "1" }));
    expect(msg).to.match(
      /^auction 1 asks 1,260\.00 bUSD per WETH, a premium of 20% over the oracle, above your limit of the oracle price 1,050\.00 \(the default limit\): wait for the price to fall/,
    );
    expect(lines.at(-1)).to.match(
      /^auction 1 \(position #1\): [\d.]+ WETH left, price 1,260\.00 bUSD per WETH, oracle 1,050\.00: a premium of 20% over the oracle$/,
    );
    expect(await failure(() => ops.take(bob, { auction: 1n, amount: "1", maxPrice: "1" }))).to.match(
      /above your limit of --max-price 1\.00: wait for the price to fall/,
    );
    // more than the lot: refused unless "max"
    const lot = (await bob.engine.auction(1n)).lot;
    expect(await failure(() => ops.take(bob, { auction: 1n, amount: "500", maxPremium: "20" }))).to.match(
      /^auction 1 has [\d.]+ WETH left, less than the 500 WETH asked: ask for at most that, or "max" to buy the whole lot \(`npx hardhat ballast take 1 max --from 2`\)$/,
    );
    expect((await bob.engine.auction(1n)).lot).to.equal(lot);
    // none of the refusals approved anything
    expect(await busd(bob)?.allowance(bob.signer.address, engine)).to.equal(allowance0);
    expect(await failure(() => ops.take(bob, { auction: 99n, amount: "1" }))).to.match(
      /auction 99 does not exist or has ended/,
    );
  });

  it("take(): with a premium accepted it buys at the current price and reports the Take against the oracle", async function () {
    const auction = await bob.engine.auction(1n);
    const wethBefore = (await weth(bob)?.balanceOf(bob.signer.address)) ?? 0n;
    const busdBefore = (await busd(bob)?.balanceOf(bob.signer.address)) ?? 0n;
    const r = await ops.take(bob, { auction: 1n, amount: "1", maxPremium: "20" });
    expect(r.collateral).to.equal(WAD);
    expect(r.oracle).to.equal(1_050n * WAD);
    expect(r.premiumBps).to.be.within(1_900n, 2_000n);
    expect(await weth(bob)?.balanceOf(bob.signer.address)).to.equal(wethBefore + WAD);
    expect(await busd(bob)?.balanceOf(bob.signer.address)).to.equal(busdBefore - r.owe);
    expect((await bob.engine.auction(1n)).lot).to.equal(auction.lot - WAD);
    expect(lines.at(-1)).to.match(
      /^bought 1 WETH for 1,2\d\d(\.\d+)? bUSD at 1,2\d\d\.\d\d bUSD per WETH \(a premium of (1\d(\.\d+)?|20)% over the oracle\)/,
    );
  });

  it("reserves(): matches token balances, credited totals, supplies and debts", async function () {
    const r = await ops.reserves(alice);
    const vaultAddress = await alice.vault.getAddress();
    for (const a of alice.assets) {
      const line = r.assets.find((x) => x.symbol === a.symbol);
      expect(line?.held).to.equal(await a.token.balanceOf(vaultAddress));
      expect(line?.credited).to.equal((await alice.vault.assetConfig(a.address)).total);
    }
    const b = r.synthetics.find((s) => s.symbol === "bUSD");
    expect(b?.supply).to.equal(await busd(alice)?.totalSupply());
    expect(b?.totalDebt).to.equal((await alice.lens.synthetic(0n)).totalDebt);
    expect((b?.auctionDebt ?? 0n) > 0n).to.equal(true);
    const value = r.assets.reduce((s, a) => s + (a.value ?? 0n), 0n);
    const debtValue = r.synthetics.reduce((s, x) => s + (x.debtValue ?? 0n), 0n);
    expect(r.collateralRatio).to.equal((value * WAD) / debtValue);
  });

  it("close(): repays everything from the owner's balance and returns the collateral", async function () {
    const { id } = await ops.openPosition(alice, { synth: "bUSD", asset: "WETH", amount: "5", mint: "1000" });
    const wethBefore = (await weth(alice)?.balanceOf(aliceAddr)) ?? 0n;
    // another account may not close it, and is told whose it is, not to get more bUSD
    expect(await failure(() => ops.close(bob, { id }))).to.equal(
      `${bob.signer.address} may not close position #${id}: it belongs to ${aliceAddr}, and only the owner or a ` +
        "manager holding the close right may; act as the owner (--from <owner's index or address>), or have the " +
        `owner grant it (npx hardhat ballast manager grant ${id} <account> --permissions close)`,
    );
    const r = await ops.close(alice, { id });
    expect(r.repaid >= 1_000n * WAD && r.repaid < 1_001n * WAD).to.equal(true);
    expect(r.returned).to.deep.equal([{ symbol: "WETH", amount: 5n * WAD }]);
    expect(await alice.lens.debtOf(id)).to.equal(0n);
    expect(await alice.vault.collateralOf(id, alice.assets[0]?.address ?? "")).to.equal(0n);
    expect(await weth(alice)?.balanceOf(aliceAddr)).to.equal(wethBefore + 5n * WAD);
  });

  it("open(): an unknown synthetic lists the valid ones; half a deposit is refused", async function () {
    expect(await failure(() => ops.openPosition(alice, { synth: "bXYZ" }))).to.equal(
      'unknown synthetic "bXYZ"; the synthetics of this deployment are: bUSD, bETH',
    );
    expect(await failure(() => ops.openPosition(alice, { synth: "bUSD", asset: "WETH" }))).to.match(
      /give both --asset and --amount/,
    );
  });

  it("the registered `ballast` tasks deploy and drive the system through hre.tasks, as the CLI does", async function () {
    const dir = mkdtempSync(join(tmpdir(), "ballast-cli-"));
    const saved = process.env.BALLAST_MANIFEST_DIR;
    process.env.BALLAST_MANIFEST_DIR = dir;
    const log = console.log;
    const out: string[] = [];
    console.log = (...a: unknown[]) => void out.push(a.join(" "));
    try {
      const run = (name: string, args: Record<string, unknown>) => hre.tasks.getTask(["ballast", name]).run(args);
      await run("deploy", { dryRun: false });
      await run("faucet", { token: "WETH", units: "3", from: "4" });
      await run("open", { synth: "bUSD", asset: "WETH", amount: "3", mint: "1000", from: "4" });
      await run("health", { id: "1", from: "0" });
      const conn = await hre.network.getOrCreate();
      const user = (await conn.ethers.getSigners())[4] as HardhatEthersSigner;
      // the manifest is keyed by chain: <network>-<chain id>-<genesis hash prefix>.json
      const genesis = (await conn.ethers.provider.getBlock(0))?.hash ?? "";
      const file = `${conn.networkName}-31337-${genesis.slice(2, 10)}.json`;
      expect(readdirSync(dir)).to.deep.equal([file]);
      const sys = await loadSystem(conn.ethers, conn.networkName);
      expect(sys.manifestPath).to.equal(join(dir, file));
      expect(await sys.vault.positionOf(1n)).to.deep.equal([user.address, 0n, 1n]);
      expect((await sys.lens.debtOf(1n)) - 1_000n * WAD).to.be.oneOf([0n, 1n]);
      expect(out.some((l) => /^open a bUSD position: tx 0x[0-9a-f]{64}, gas [\d,]+ of limit [\d,]+$/.test(l))).to.equal(
        true,
      );
      expect(out).to.include(`opened position #1 (bUSD), deposited 3 WETH, minted 1,000 bUSD to ${user.address}`);
      expect(out.some((l) => /^debt 1,000\.00 bUSD .* health 5\.\d{3}$/.test(l))).to.equal(true);
    } finally {
      console.log = log;
      if (saved === undefined) delete process.env.BALLAST_MANIFEST_DIR;
      else process.env.BALLAST_MANIFEST_DIR = saved;
    }
  });
  it("approvals are sent only after the checks pass: a deposit past the supply cap and a mint past the limit approve nothing", async function () {
    const carol = await load("5");
    await ops.faucet(carol, { asset: "WETH", amount: "10" });
    const vault = await carol.vault.getAddress();
    const allowance = async (): Promise<bigint> => (await weth(carol)?.allowance(carol.signer.address, vault)) ?? 0n;
    const before = await allowance();
    // minting 100,000 bUSD against 10 WETH ($10,500 at 1,050, an $8,400 limit) is refused before any approval
    expect(
      await failure(() => ops.openPosition(carol, { synth: "bUSD", asset: "WETH", amount: "10", mint: "100000" })),
    ).to.equal(
      "with 10 WETH (minting limit $8,400.00) you can mint at most 8,400 bUSD, not 100,000 bUSD: mint less, or " +
        "deposit collateral first",
    );
    // a position with no collateral: deposit first
    expect(await failure(() => ops.openPosition(carol, { synth: "bUSD", mint: "500" }))).to.equal(
      "a position with no collateral cannot back 500 bUSD: deposit collateral first (--asset and --amount)",
    );
    // under the minimum debt
    expect(
      await failure(() => ops.openPosition(carol, { synth: "bUSD", asset: "WETH", amount: "10", mint: "50" })),
    ).to.equal("the new position would owe 50 bUSD, below the minimum debt of 100 bUSD: mint at least 100 bUSD");
    // past the supply cap (1,000,000 WETH)
    await ops.faucet(carol, { asset: "WETH", amount: "1000000" });
    const total = (await carol.vault.assetConfig(carol.assets[0]?.address ?? "")).total;
    const room = 1_000_000n * WAD - total;
    expect(await failure(() => ops.deposit(carol, { id: 1n, asset: "WETH", amount: "1" }))).to.match(
      /^0x[0-9a-fA-F]{40} may not deposit into position #1: it belongs to 0x/,
    );
    expect(await failure(() => ops.openPosition(carol, { synth: "bUSD", asset: "WETH", amount: "1000000" }))).to.equal(
      `the Vault holds ${formatAmount(total, 18)} WETH of its 1,000,000 WETH supply cap: deposit at most ` +
        `${formatAmount(room, 18)} WETH, or another asset`,
    );
    expect(await allowance()).to.equal(before);
    const next = await carol.vault.nextPositionId();
    await ops.openPosition(carol, { synth: "bUSD", asset: "WETH", amount: "10", mint: "8000" });
    expect(await carol.vault.nextPositionId()).to.equal(next + 1n); // the refusals opened nothing
  });

  it("the Hardhat tasks: help lists positional arguments in the order they are typed; a negative amount gets a clear message", function () {
    for (const def of ballastTasks) {
      if (!("positionalArguments" in def)) continue; // the "ballast" group itself
      const names = def.positionalArguments.map((p) => p.name);
      expect(
        [...names].sort((a, b) => a.localeCompare(b)),
        def.id.join(" "),
      ).to.deep.equal(names);
    }
    const help = spawnSync("npx", ["hardhat", "ballast", "deposit", "--help"], { encoding: "utf8" });
    const section = help.stdout.split("POSITIONAL ARGUMENTS:")[1] ?? "";
    expect(
      section
        .match(/^ {2}(\w+)/gm)
        ?.slice(0, 3)
        .map((x) => x.trim()),
    ).to.deep.equal(["id", "token", "units"]);
    expect(negativeAmount(["node", "hardhat", "ballast", "repay", "1", "-5"])).to.match(/^"-5" is a negative amount/);
    expect(negativeAmount(["node", "hardhat", "ballast", "repay", "1", "5", "--from", "2"])).to.equal(undefined);
    expect(negativeAmount(["node", "hardhat", "test", "-5"])).to.equal(undefined);
    const cli = spawnSync("npx", ["hardhat", "ballast", "repay", "1", "-5"], { encoding: "utf8" });
    expect(cli.status).to.equal(1);
    expect(cli.stderr.trim()).to.equal(
      'error: "-5" is a negative amount: amounts are positive (to lower a debt use `ballast repay`, to take ' +
        "collateral out `ballast withdraw`)",
    );
  });
  it("oracle(): explains a built-in feed, a rate-adjusted price leg by leg, a NAV and its lapse", async function () {
    const addr = (symbol: string): string => alice.assets.find((a) => a.symbol === symbol)?.address ?? "";
    const eth = await ops.oracle(alice, { asset: "WETH" });
    expect(eth.kind).to.equal("feeds");
    expect(eth.price).to.equal(await alice.oracle.getPrice(addr("WETH")));

    const w = await ops.oracle(alice, { asset: "wsteth" });
    expect(w.kind).to.equal("rate-adjusted");
    expect(w.legs.map((l) => l.role)).to.deep.equal(["base price", "exchange rate"]);
    expect(w.legs[0]?.value).to.equal(1_990n * WAD); // stETH/USD
    expect(w.rate?.raw).to.equal((115n * WAD) / 100n);
    expect(w.rate?.capped).to.equal(false);
    expect(w.price).to.equal(2_288_500_000_000_000_000_000n); // 1,990 x 1.15
    expect(w.price).to.equal(await alice.oracle.getPrice(addr("wstETH")));

    const t = await ops.oracle(alice, { asset: "TBILL" });
    expect(t.kind).to.equal("nav");
    expect(t.price).to.equal(100n * WAD);
    expect(t.attestation?.ttl).to.equal(7n * 86_400n);
    expect(t.attestation?.lapsedAt).to.equal(0n);

    // a week and a second later (the last test: the market feeds are stale from here): the attestation has lapsed,
    // the price still serves, no new risk against it
    await ethers.provider.send("evm_increaseTime", [7 * 86_400 + 1]);
    await ethers.provider.send("evm_mine", []);
    lines.length = 0;
    const lapsed = await ops.oracle(alice, { asset: "TBILL" });
    expect(lapsed.attestation?.lapsedAt).to.equal(t.attestation!.attestedAt + 7n * 86_400n);
    expect(lapsed.price).to.equal(100n * WAD);
    expect(lines.join("\n")).to.match(/LAPSED since .*no new risk/);
    expect(lines.join("\n")).to.match(/loan-to-value in force 0(\.00)?%/);
  });
});
