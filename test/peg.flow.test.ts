/**
 * The peg floor and the savings rate end to end on the embedded network, through the tasks (tasks/ops.ts) and the
 * keeper, on a system deployed by the deploy entry: swaps through the bUSD/USDC stability module at par (amounts
 * equal the module's previews and its events), the depeg band refusing swaps in while the exit stays open, savings
 * deposits and withdrawals, the Treasury's surplus policy (its clock, the waiting, the split) run by hand and by the
 * keeper, and face-value redemptions through the `redeem` task (the exposed positions found, or named).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { network } from "hardhat";
import { deploySystem } from "../deploy/deploy.js";
import { configFor } from "../deploy/config/networks.js";
import * as ops from "../tasks/ops.js";
import { type System, loadSystem } from "../sdk/system.js";
import { failure } from "./lib/failure.js";
import { Keeper, OracleVenue, staticPositionSource } from "../keeper/keeper.js";
import {
  Redemptions__factory,
  type SavingsToken,
  SavingsToken__factory,
  type StabilityModule,
  StabilityModule__factory,
} from "../typechain-types/index.js";

const WAD = 10n ** 18n;
const { ethers, networkHelpers } = await network.create();

describe("peg floor and savings (stability module, savings token, surplus policy)", function () {
  let path: string;
  let alice: System;
  let bob: System;
  let psm: StabilityModule;
  let savings: SavingsToken;
  const lines: string[] = [];
  const load = (from: string): Promise<System> =>
    loadSystem(ethers, "default", { manifestPath: path, from, log: (l) => lines.push(l) });
  const busdOf = (s: System) => {
    const t = s.synthetics.find((x) => x.symbol === "bUSD")?.token;
    if (t === undefined) throw new Error("no bUSD");
    return t;
  };
  const usdcOf = (s: System) => {
    const t = s.assets.find((x) => x.symbol === "USDC")?.token;
    if (t === undefined) throw new Error("no USDC");
    return t;
  };
  /** Moves the chain `seconds` on and republishes the feeds so prices stay fresh. */
  const later = async (seconds: number): Promise<void> => {
    await networkHelpers.time.increase(seconds);
    for (const [symbol, usd] of [
      ["WETH", "2000"],
      ["WBTC", "60000"],
      ["USDC", "1"],
    ] as const) {
      await ops.setPrice(alice, { asset: symbol, usd });
    }
  };

  before(async function () {
    path = join(mkdtempSync(join(tmpdir(), "ballast-peg-")), "default.json");
    await deploySystem(ethers, "default", configFor("default"), { manifestPath: path, log: () => {} });
    alice = await load("1");
    bob = await load("2");
    psm = StabilityModule__factory.connect(
      alice.manifest.contracts["StabilityModule:bUSD/USDC"]?.address ?? "",
      alice.signer,
    );
    savings = SavingsToken__factory.connect(
      alice.manifest.contracts["SavingsToken:sbUSD"]?.address ?? "",
      alice.signer,
    );
    await ops.faucet(alice, { asset: "USDC", amount: "10000" });
    await ops.faucet(bob, { asset: "WETH", amount: "10" });
  });

  it("swap-in: the reserve in at par, the units out less the 0.1% fee, the fee to the Treasury", async function () {
    const treasury = await alice.treasury.getAddress();
    const feesBefore = await busdOf(alice).balanceOf(treasury);
    const [minted, fee] = await psm.previewSwapIn(1_000n * 10n ** 6n);
    const r = await ops.swapIn(alice, { reserve: "USDC", amount: "1000" });
    expect(r.amountOut).to.equal(minted);
    expect(r.fee).to.equal(fee);
    expect(minted).to.equal(999n * WAD);
    expect(await busdOf(alice).balanceOf(alice.signer.address)).to.equal(999n * WAD);
    expect((await busdOf(alice).balanceOf(treasury)) - feesBefore).to.equal(WAD);
    expect(await psm.reserves()).to.equal(1_000n * 10n ** 6n);
    expect((await psm.debt())[0]).to.equal(1_000n * WAD);
    expect(lines.at(-1)).to.match(
      /^swapped 1,000(\.00)? USDC for 999(\.00)? bUSD to 0x[0-9a-fA-F]{40} \(fee 1(\.00)? bUSD to the Treasury\)$/,
    );
  });

  it("swap-out: the units in, the reserve out at par less the fee; refuses more than the caller holds", async function () {
    const before = await usdcOf(alice).balanceOf(alice.signer.address);
    const [out] = await psm.previewSwapOut(500n * WAD);
    const r = await ops.swapOut(alice, { reserve: "USDC", amount: "500" });
    expect(r.amountOut).to.equal(out);
    expect(out).to.equal(4995n * 10n ** 5n);
    expect((await usdcOf(alice).balanceOf(alice.signer.address)) - before).to.equal(out);
    expect(await failure(() => ops.swapOut(bob, { reserve: "USDC", amount: "1" }))).to.match(
      /holds 0(\.0+)? bUSD, less than 1(\.0+)? bUSD/,
    );
    expect(await failure(() => ops.swapIn(alice, { reserve: "WETH", amount: "1" }))).to.match(
      /no stability module holds WETH on "default" \(modules: bUSD\/USDC\)/,
    );
  });

  it("a depegged reserve: swapping in is refused with the band, swapping out still works", async function () {
    await ops.setPrice(alice, { asset: "USDC", usd: "0.97" });
    expect(await failure(() => ops.swapIn(alice, { reserve: "USDC", amount: "10" }))).to.match(
      /USDC is priced at 0\.97\d* of par, below the module's band of 0\.99\d*: a depegged reserve cannot buy units at par \(swapping out still works\)/,
    );
    const r = await ops.swapOut(alice, { reserve: "USDC", amount: "100" });
    expect(r.amountOut).to.equal(999n * 10n ** 5n);
    await ops.setPrice(alice, { asset: "USDC", usd: "1" });
  });

  it("savings-deposit and savings-withdraw: shares at the vault's price, everything back with max", async function () {
    const shares = await savings.previewDeposit(300n * WAD);
    const d = await ops.savingsDeposit(alice, { synth: "bUSD", amount: "300" });
    expect(d.shares).to.equal(shares);
    expect(await savings.balanceOf(alice.signer.address)).to.equal(shares);
    expect(await savings.decimals()).to.equal(27n); // 18 + the 9-decimal offset against inflation
    const w = await ops.savingsWithdraw(alice, { synth: "bUSD", amount: "max" });
    expect(w.assets).to.equal(300n * WAD);
    expect(await savings.balanceOf(alice.signer.address)).to.equal(0n);
    await ops.savingsDeposit(alice, { synth: "bUSD", amount: "200" }); // a saver for the distributions below
  });

  it("distribute: waits for the surplus above the buffer, pokes the clock, then splits by the policy", async function () {
    const t = alice.treasury;
    expect(await failure(() => ops.distribute(alice, { synth: "bUSD" }))).to.match(
      /the Treasury holds [\d.,]+ bUSD of bUSD, not above its buffer of 1,000(\.00)? bUSD: nothing to distribute/,
    );
    // bob mints bUSD and hands 5,000 to the Treasury (as fees and penalties would arrive)
    await ops.openPosition(bob, { synth: "bUSD", asset: "WETH", amount: "10", mint: "6000" });
    await (
      await busdOf(bob)
        .connect(bob.signer)
        .transfer(await t.getAddress(), 5_000n * WAD)
    ).wait();
    const msg = await failure(() => ops.distribute(alice, { synth: "bUSD" }));
    expect(msg).to.match(/the next distribution of bUSD is allowed from \d{4}-\d\d-\d\dT/);
    const clock = await t.clock(0n);
    expect(clock.aboveSince).to.not.equal(0n); // the task poked it
    await later(3_600);
    const surplus = await t.surplus(0n);
    const [due, s, b] = await t.previewDistribution(0n);
    expect(due).to.equal(true);
    const amount = (surplus - 1_000n * WAD) / 2n; // half the excess (under the 50,000 cap)
    expect(s).to.equal((amount * 7_000n) / 10_000n);
    expect(b).to.equal((amount * 2_000n) / 10_000n);
    const r = await ops.distribute(alice, { synth: "bUSD" });
    expect([r.toSavings, r.toBuyback]).to.deep.equal([s, b]);
    expect((await t.history(0n)).distributedSavings).to.equal(s);
    expect((await savings.vesting())[0]).to.equal(s); // streamed in, not paid at once
    expect(await failure(() => ops.distribute(alice, { synth: "bUSD" }))).to.match(/is allowed from/);
  });

  it("the keeper runs the policy: pokes when the surplus rises, distributes once due, and not again before the interval", async function () {
    const t = alice.treasury;
    await later(3_600); // the interval since the last distribution has run
    const keeper = new Keeper({
      engine: alice.engine,
      lens: alice.lens,
      signer: alice.signer,
      positions: staticPositionSource([]),
      venue: new OracleVenue(alice.oracle, alice.vault, alice.lens, 0n),
      minProfitBps: 100n,
      treasury: t,
      synthIds: [0n, 1n],
    });
    const [due, s, b] = await t.previewDistribution(0n);
    expect(due).to.equal(true);
    const first = await keeper.tick();
    expect(first.distributions).to.deep.equal([
      { synthId: 0n, toSavings: s, toBuyback: b, gas: first.distributions[0]?.gas },
    ]);
    const again = await keeper.tick();
    expect(again.distributions).to.deep.equal([]);
    expect(again.skips).to.deep.equal([]);
  });

  it("redeem: finds the positions exposed now (lowest health first), redeems at the fee now, and says why it cannot", async function () {
    await later(60);
    await ops.faucet(bob, { asset: "WETH", amount: "10" });
    // bob: one position at 75% of its WETH (health 0.85 / 0.75 = 1.13, under the redeemable 1.25), one far healthier
    const exposed = await ops.openPosition(bob, { synth: "bUSD", asset: "WETH", amount: "5", mint: "7500" });
    const healthy = await ops.openPosition(bob, { synth: "bUSD", asset: "WETH", amount: "5", mint: "2000" });
    const r = Redemptions__factory.connect(bob.manifest.contracts.Redemptions?.address ?? "", bob.signer);
    expect((await r.exposureOf(exposed.id)).redeemable).to.equal(true);
    expect((await r.exposureOf(healthy.id)).redeemable).to.equal(false);
    const weth = bob.assets.find((a) => a.symbol === "WETH")?.token;
    if (weth === undefined) throw new Error("no WETH");
    const wethBefore = await weth.balanceOf(bob.signer.address);
    const debtBefore = await bob.lens.debtOf(exposed.id);
    const fee = await r.feeFor(0n, 1_000n * WAD);
    const done = await ops.redeem(bob, { synth: "bUSD", amount: "1000" });
    expect(done.ids).to.deep.equal([exposed.id]);
    expect([done.redeemed, done.feeBps]).to.deep.equal([1_000n * WAD, fee]);
    // the debt's worth at $2,000 less the fee, in WETH
    const take = (1_000n * WAD * (10_000n - fee)) / 10_000n;
    expect((await weth.balanceOf(bob.signer.address)) - wethBefore).to.equal((take * WAD) / (2_000n * WAD));
    // the Vault took exactly 1,000 of its debt (interest of the block in between aside)
    const vaultAddress = (await bob.vault.getAddress()).toLowerCase();
    const taken = (done.tx.receipt?.logs ?? [])
      .filter((l) => l.address.toLowerCase() === vaultAddress)
      .map((l) => bob.vault.interface.parseLog(l))
      .find((e) => e?.name === "PositionRedeemed");
    expect([taken?.args[0], taken?.args[1]]).to.deep.equal([exposed.id, 1_000n * WAD]);
    const debtAfter = await bob.lens.debtOf(exposed.id);
    expect(debtBefore - debtAfter).to.be.lessThanOrEqual(1_000n * WAD);
    expect(debtBefore - debtAfter).to.be.greaterThan(999n * WAD);
    expect(lines.at(-1)).to.match(
      /^redeemed 1,000(\.00)? bUSD at a \d+\.\d+% fee; the collateral went to 0x[0-9a-fA-F]{40}$/,
    );

    expect(
      await failure(() => ops.redeem(bob, { synth: "bUSD", amount: "10", positions: String(healthy.id) })),
    ).to.match(/none of the named positions may be redeemed against/);
    expect(await failure(() => ops.redeem(bob, { synth: "bUSD", amount: "10", maxFee: "0.1" }))).to.match(
      /the redemption fee for 10(\.00)? bUSD is \d+\.\d+% now, above your --max-fee of 0\.1%/,
    );
    expect(await failure(() => ops.redeem(alice, { synth: "bUSD", amount: "1000000" }))).to.match(
      /less than 1,000,000/,
    );
  });
});
