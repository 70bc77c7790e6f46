/**
 * `ballast series create|list|write|burn-pair|settle|redeem` (tasks/instruments.ts) on a deployment read from its
 * manifest: a covered call and a cash-secured binary written, previewed and approved exactly, pairs burned back,
 * series listed with their payoff at the oracle price, settled at the round the task finds (and by the fallback or the
 * void path when those are the only way), redeemed to the wei the payoff table gives; and every refusal in words.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { network } from "hardhat";
import { deploySystem } from "../deploy/deploy.js";
import { configFor } from "../deploy/config/networks.js";
import * as ops from "../tasks/ops.js";
import {
  burnPair,
  createSeries,
  parseExpiry,
  redeemSeries,
  seriesList,
  settleSeries,
  writeSeries,
} from "../tasks/instruments.js";
import { type System, TaskError, loadSystem } from "../sdk/system.js";
import { longPayoff, readSeries, sideIds } from "../sdk/instruments.js";

const { ethers, networkHelpers } = await network.create();
const { time } = networkHelpers;
const WAD = 10n ** 18n;
const DAY = 86_400;

async function refusal(p: Promise<unknown>): Promise<string> {
  return p.then(
    () => expect.fail("did not refuse"),
    (e: unknown) => {
      expect(e).to.be.instanceOf(TaskError);
      return (e as Error).message;
    },
  );
}

describe("ballast series (tasks/instruments.ts)", function () {
  let alice: System;
  let bob: System;
  const lines: string[] = [];
  const said = (): string => lines.join("\n");

  before(async function () {
    const path = join(mkdtempSync(join(tmpdir(), "ballast-series-")), "manifest.json");
    await deploySystem(ethers, "default", configFor("default"), { manifestPath: path, log: () => {} });
    alice = await loadSystem(ethers, "default", { manifestPath: path, from: "1", log: (l) => lines.push(l) });
    bob = await loadSystem(ethers, "default", { manifestPath: path, from: "2", log: (l) => lines.push(l) });
    await ops.faucet(alice, { asset: "WETH", amount: "20" });
  });

  it("series create: creates a series once, finds it again, and refuses bad terms in words", async function () {
    const call = await createSeries(alice, { underlying: "WETH", kind: "call", strike: "2500", expiry: "+7d" });
    expect([call.seriesId, call.created]).to.deep.equal([1n, true]);
    const s = await readSeries(alice.instruments ?? expect.fail("no vault"), 1n);
    expect([s.kind, s.strike, s.collateral]).to.deep.equal([0, 2_500n * WAD, alice.assets[0]?.address]);
    const expiry = new Date(Number(s.expiry) * 1000).toISOString();
    const again = await createSeries(alice, { underlying: "weth", kind: "call", strike: "2500", expiry });
    expect([again.seriesId, again.created, again.txs.length]).to.deep.equal([1n, false, 0]);
    expect(said()).to.contain("series #1 (WETH call, strike $2,500.00");
    // a put defaults to the first quote asset (USDC); a binary down on bUSD
    const put = await createSeries(alice, { underlying: "WETH", kind: "put", strike: "1500", expiry: "+7d" });
    expect((await readSeries(alice.instruments ?? expect.fail(), put.seriesId)).collateral).to.equal(
      alice.assets.find((a) => a.symbol === "USDC")?.address,
    );
    const binary = await createSeries(alice, {
      underlying: "WETH",
      kind: "binary-down",
      strike: "1800",
      expiry: "+7d",
      collateral: "bUSD",
    });
    expect(binary.seriesId).to.equal(3n);

    expect(
      await refusal(createSeries(alice, { underlying: "WETH", kind: "straddle", strike: "1", expiry: "+1d" })),
    ).to.equal('"straddle" is not a kind of series: give call, put, binary-up or binary-down');
    expect(
      await refusal(createSeries(alice, { underlying: "USDC", kind: "call", strike: "1", expiry: "+1d" })),
    ).to.equal(
      "USDC is not an underlying of the InstrumentVault; the enabled ones are: WETH, WBTC (governance enables more with setUnderlying)",
    );
    expect(
      await refusal(createSeries(alice, { underlying: "WETH", kind: "put", strike: "1", expiry: "soon" })),
    ).to.match(/^--expiry "soon": give an ISO date/);
    expect(
      await refusal(createSeries(alice, { underlying: "WETH", kind: "put", strike: "1", expiry: "2001-01-01" })),
    ).to.match(/^--expiry 2001-01-01T00:00:00Z is not between now/);
    expect(
      await refusal(
        createSeries(alice, { underlying: "WETH", kind: "put", strike: "1", expiry: "+1d", collateral: "WETH" }),
      ),
    ).to.equal("a put locks a listed USD quote asset and WETH is not one: give --collateral USDC or bUSD");
    expect(
      await refusal(
        createSeries(alice, { underlying: "WETH", kind: "call", strike: "1", expiry: "+1d", collateral: "USDC" }),
      ),
    ).to.match(/^a call locks its underlying: --collateral USDC cannot back a WETH call/);
    expect(parseExpiry("+12h", 1_000n)).to.equal(1_000n + 43_200n);
    expect(parseExpiry("2027-01-29T08:00:00Z", 0n)).to.equal(1_801_209_600n);
  });

  it("series write: previews the lock, approves exactly it, and sends the sides where asked", async function () {
    const vault = alice.instruments ?? expect.fail("no vault");
    const weth = alice.assets.find((a) => a.symbol === "WETH") ?? expect.fail("no WETH");
    const before = await weth.token.balanceOf(alice.signer.address);
    const r = await writeSeries(alice, { series: "1", units: "2", longTo: bob.signer.address });
    expect(r.locked).to.equal(2n * WAD);
    expect(await weth.token.balanceOf(alice.signer.address)).to.equal(before - 2n * WAD);
    expect(await weth.token.allowance(alice.signer.address, await vault.getAddress())).to.equal(0n); // exact approval
    expect(await vault.balanceOf(bob.signer.address, sideIds(1n).long)).to.equal(2n * WAD);
    expect(await vault.balanceOf(alice.signer.address, sideIds(1n).short)).to.equal(2n * WAD);
    expect(said()).to.contain("locks 2 WETH (the maximum payoff, rounded up)");
    // the binary on bUSD: alice mints bUSD from a position and writes 1,000 contracts, locking 1,000 bUSD
    await ops.openPosition(alice, { synth: "bUSD", asset: "WETH", amount: "10", mint: "5000" });
    const b = await writeSeries(alice, { series: "3", units: "1000" });
    expect(b.locked).to.equal(1_000n * WAD);
    expect(
      await refusal(writeSeries(alice, { series: "2", units: "10" })), // a 1,500 put locks 15,000 USDC
    ).to.match(/holds 0 USDC, less than the 15,000 USDC the write locks: write fewer units; get some with/);
    expect(await refusal(writeSeries(alice, { series: "9", units: "1" }))).to.match(
      /^series #9 does not exist \(ids run from 1 to 3\)/,
    );
    expect(await refusal(writeSeries(alice, { series: "1", units: "0" }))).to.match(/^units: "0" is zero/);
  });

  it("series burn-pair: releases the pairs' share; refuses without both sides", async function () {
    const busd = alice.synthetics.find((s) => s.symbol === "bUSD") ?? expect.fail("no bUSD");
    const before = await busd.token.balanceOf(alice.signer.address);
    const r = await burnPair(alice, { series: "3", units: "100" });
    expect(r.released).to.equal(100n * WAD);
    expect(await busd.token.balanceOf(alice.signer.address)).to.equal(before + 100n * WAD);
    expect(await refusal(burnPair(alice, { series: "1", units: "1" }))).to.equal(
      `${alice.signer.address} holds 0 long and 2 short of series #1: a pair burn needs both, so at most 0 pair(s); ` +
        "write some first, or buy the missing side",
    );
  });

  it("series list: terms, units, locked, max payoff, state and the payoff at the oracle price", async function () {
    const rows = await seriesList(alice);
    expect(rows.map((r) => [r.series.id, r.state, r.series.units, r.series.locked])).to.deep.equal([
      [1n, "open", 2n * WAD, 2n * WAD],
      [2n, "open", 0n, 0n],
      [3n, "open", 900n * WAD, 900n * WAD],
    ]);
    // WETH at $2,000: the $2,500 call pays its longs nothing, the $1,800 binary down nothing either
    expect(rows.map((r) => [r.price, r.longPayoff, r.shortPayoff])).to.deep.equal([
      [2_000n * WAD, 0n, 2n * WAD],
      [2_000n * WAD, 0n, 0n],
      [2_000n * WAD, 0n, 900n * WAD],
    ]);
    expect(said()).to.match(/#\s+terms\s+units\s+locked\s+max payoff\s+state\s+at price\s+long gets\s+short gets/);
    expect(said()).to.match(
      /1\s+WETH call, strike \$2,500.00, expiry .*, collateral WETH\s+2\s+2 WETH\s+2 WETH\s+open/,
    );
  });

  it("series settle: refuses before expiry and before a round; settles at the first round at or after expiry", async function () {
    expect(await refusal(settleSeries(alice, { series: "1" }))).to.match(
      /^series #1 expires at .*: settle it after that/,
    );
    await time.increase(7 * DAY + 60);
    expect(await refusal(settleSeries(alice, { series: "1" }))).to.match(
      /^series #1 cannot be settled yet: the feed has no round at or after expiry yet: its next round settles it, else \(the last round before expiry \(1\) is \d+ s older than expiry, more than the feed's maximum age\) only the void path remains$/,
    );
    await ops.setPrice(alice, { asset: "WETH", usd: "3000" });
    const r = await settleSeries(bob, { series: "1" });
    expect([r.plan.action, r.price]).to.deep.equal(["settle", 3_000n * WAD]);
    expect(said()).to.match(/settle at round \d+, \$3,000.00 .*is the first at or after expiry/);
    await settleSeries(bob, { series: "3" });
    expect(await refusal(settleSeries(bob, { series: "1" }))).to.match(/^series #1 is settled already at \$3,000.00/);
  });

  it("series redeem: after the dispute window, each side its payoff to the wei", async function () {
    expect(await refusal(redeemSeries(bob, { series: "1" }))).to.match(
      /dispute window runs until .*: redeem after that/,
    );
    await time.increase(3_600);
    const weth = bob.assets.find((a) => a.symbol === "WETH") ?? expect.fail("no WETH");
    const s = await readSeries(bob.instruments ?? expect.fail(), 1n);
    const long = longPayoff(s, 2n * WAD, 3_000n * WAD); // (3,000 - 2,500) / 3,000 WETH per contract, rounded down
    expect(long).to.equal(333_333_333_333_333_333n);
    const before = await weth.token.balanceOf(bob.signer.address);
    const b = await redeemSeries(bob, { series: "1" });
    expect(b.redemptions).to.deep.equal([{ side: "long", units: 2n * WAD, paid: long }]);
    expect(await weth.token.balanceOf(bob.signer.address)).to.equal(before + long);
    expect(await refusal(redeemSeries(alice, { series: "1", side: "short", units: "3" }))).to.equal(
      `${alice.signer.address} holds 2 short of series #1, less than 3: redeem at most that, or "all"`,
    );
    const a = await redeemSeries(alice, { series: "1", side: "short", units: "all" });
    expect(a.redemptions).to.deep.equal([{ side: "short", units: 2n * WAD, paid: 2n * WAD - long }]);
    // the binary down at $1,800 and a $3,000 settlement: the longs get nothing, the shorts their 900 bUSD
    const c = await redeemSeries(alice, { series: "3" });
    expect(c.redemptions).to.deep.equal([
      { side: "long", units: 900n * WAD, paid: 0n },
      { side: "short", units: 900n * WAD, paid: 900n * WAD },
    ]);
    expect(await refusal(redeemSeries(bob, { series: "3", side: "long" }))).to.equal(
      `${bob.signer.address} holds no long of series #3: nothing to redeem on that side`,
    );
    expect(await refusal(redeemSeries(bob, { series: "3" }))).to.equal(
      `${bob.signer.address} holds no long or short of series #3: nothing to redeem`,
    );
    expect(await refusal(redeemSeries(bob, { series: "1", side: "both" }))).to.equal(
      '--side "both": give long or short (or leave it out for every side you hold)',
    );
  });

  it("series settle: the fallback when the first round after expiry is late, the void path when nothing can price it", async function () {
    await ops.setPrice(alice, { asset: "WETH", usd: "2000" });
    const f = await createSeries(alice, { underlying: "WETH", kind: "call", strike: "1900", expiry: "+1h" });
    const v = await createSeries(alice, { underlying: "WETH", kind: "call", strike: "1900", expiry: "+3d" });
    await writeSeries(alice, { series: String(f.seriesId), units: "1" });
    await writeSeries(alice, { series: String(v.seriesId), units: "1" });
    // just after f's expiry, no round yet: the feed's next round would settle it, else the fallback opens in a day
    await time.increase(3_600 + 60);
    expect(await refusal(settleSeries(alice, { series: String(f.seriesId) }))).to.match(
      /the feed has no round at or after expiry yet: its next round settles it, else the fallback opens later; try again after/,
    );
    // no round for more than the feed's maximum age (a day) after f's expiry, then a late one: the fallback
    await time.increase(DAY);
    await ops.setPrice(alice, { asset: "WETH", usd: "2500" });
    const r = await settleSeries(alice, { series: String(f.seriesId) });
    expect([r.plan.action, r.price]).to.deep.equal(["fallback", 2_000n * WAD]);
    expect(said()).to.contain("settle by the fallback at round");
    // v expires with its last round before expiry too old and none after it within a day: only the void path
    await time.increase(4 * DAY);
    await ops.setPrice(alice, { asset: "WETH", usd: "2600" });
    expect(await refusal(settleSeries(alice, { series: String(v.seriesId) }))).to.match(
      /only the void path remains; try again after/,
    );
    await time.increase(30 * DAY);
    const vr = await settleSeries(alice, { series: String(v.seriesId) });
    expect([vr.plan.action, vr.price]).to.deep.equal(["void", 1_900n * WAD]);
    // void: redeemable at once, the long gets nothing, the short its WETH back
    const red = await redeemSeries(alice, { series: String(v.seriesId) });
    expect(red.redemptions.map((x) => x.paid)).to.deep.equal([0n, WAD]);
  });
});
