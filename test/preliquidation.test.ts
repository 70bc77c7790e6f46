/**
 * Opt-in pre-liquidation on the embedded network: the opt-in, the band, the interpolated close factor and incentive
 * (the TypeScript mirror against `PreLiquidation.quote`, to the wei), one block's close-factor window, rounding
 * against the caller, and the liquidation engine taking over below health 1.
 */
import { expect } from "chai";
import type { TransactionReceipt } from "ethers";
import type { PreLiquidation } from "../typechain-types/index.js";
import { network } from "hardhat";
import { BUSD } from "../sdk/params.js";
import { deployCore, fundAndApprove } from "../deploy/local/core.js";
import { answer8, units, wad } from "../sdk/units.js";
import { PERMISSIONS } from "../sdk/permissions.js";
import { BPS, WAD, mulDivDown, quotePreLiquidation } from "../sdk/math.js";
import { isProtected, previewPreLiquidation, readPolicy } from "../sdk/protect.js";

const { ethers, networkHelpers } = await network.create();
const { loadFixture } = networkHelpers;

async function fixture() {
  const core = await deployCore(ethers);
  const [, alice, bob, carol] = await ethers.getSigners();
  if (!alice || !bob || !carol) throw new Error("needs 4 signers");
  for (const u of [alice, carol]) await fundAndApprove(core, u, { weth: units("weth", "1000") });
  // alice: 10 WETH at $2,000, 13,000 bUSD: health 0.85 × 20,000 / 13,000 = 1.31
  await core.vault.connect(alice).openAndMint(BUSD, core.weth, wad("10"), wad("13000"), alice.address);
  // carol funds bob, the pre-liquidator, with bUSD
  await core.vault.connect(carol).openAndMint(BUSD, core.weth, wad("200"), wad("100000"), bob.address);
  const pre = core.preLiquidation;
  await core.busd.connect(bob).approve(pre, ethers.MaxUint256);
  return { core, alice, bob, carol, pre, id: 1n };
}

type Fx = Awaited<ReturnType<typeof fixture>>;

/** Opts position 1 in and moves WETH to `price` [USD]. */
async function optedInAt(f: Fx, price: string): Promise<void> {
  await f.core.vault.connect(f.alice).setManager(f.id, f.pre, PERMISSIONS.repayWithCollateral);
  await f.core.setPrice("weth", answer8(price));
}

describe("PreLiquidation (opt-in)", function () {
  it("applies only to an opted-in position, only inside the band [1, 1.10)", async function () {
    const f = await loadFixture(fixture);
    const { pre, core, bob, id } = f;
    const weth = await core.weth.getAddress();
    await core.setPrice("weth", answer8("1620")); // health 1.059
    expect(await isProtected(core.lens, pre, id)).to.equal(false);
    await expect(pre.connect(bob).preLiquidate(id, wad("100"), weth, 0n))
      .to.be.revertedWithCustomError(core.vault, "NotAuthorized")
      .withArgs(id, await pre.getAddress(), PERMISSIONS.repayWithCollateral);

    await core.vault.connect(f.alice).setManager(id, pre, PERMISSIONS.repayWithCollateral);
    expect(await isProtected(core.lens, pre, id)).to.equal(true);
    await core.setPrice("weth", answer8("2000")); // health 1.31: above the band
    await expect(pre.connect(bob).preLiquidate(id, wad("100"), weth, 0n))
      .to.be.revertedWithCustomError(pre, "OutsideBand")
      .withArgs(id, (h: bigint) => h > wad("1.3") && h < wad("1.31"), wad("1.1"));
    await core.setPrice("weth", answer8("1500")); // health 0.98: the engine's
    const below = (await core.lens.liquidationState(id)).liquidationLimit;
    await expect(pre.connect(bob).preLiquidate(id, wad("100"), weth, 0n)).to.be.revertedWithCustomError(
      pre,
      "OutsideBand",
    );
    expect(below).to.be.lessThan((await core.lens.liquidationState(id)).debtValue);
    await core.engine.connect(bob).liquidate(id); // the liquidation takes over below 1
  });

  it("repays the interpolated close factor for collateral plus the interpolated incentive, to the wei", async function () {
    const f = await loadFixture(fixture);
    const { pre, core, bob, id } = f;
    const weth = await core.weth.getAddress();
    await optedInAt(f, "1620");
    const policy = await readPolicy(pre);
    expect(policy).to.deep.equal({
      preHealth: wad("1.1"),
      closeFactorTop: 1_000n,
      closeFactorBottom: 5_000n,
      incentiveTop: 100n,
      incentiveBottom: 250n,
    });
    const st = await core.lens.liquidationState(id);
    const q = await pre.quote(id, ethers.MaxUint256, weth);
    const mirror = await previewPreLiquidation(core.lens, policy, id, weth);
    expect(mirror).to.deep.equal({
      health: q.health,
      closeFactor: q.closeFactor,
      incentive: q.incentive,
      maxRepay: q.maxRepay,
      repay: q.repay,
      seized: q.seized,
    });
    // health 1.059: a little under halfway down the band
    const t = mulDivDown(wad("1.1") - q.health, WAD, wad("0.1"));
    expect(q.closeFactor).to.equal(1_000n + mulDivDown(4_000n, t, WAD));
    expect(q.incentive).to.equal(100n + mulDivDown(150n, t, WAD));
    expect(q.maxRepay).to.equal(mulDivDown(st.debt, q.closeFactor, BPS));
    // the collateral: repaid value × (1 + incentive) at $1,620, rounded down
    expect(q.seized).to.equal(mulDivDown(mulDivDown(q.repay, BPS + q.incentive, BPS), WAD, wad("1620")));

    const [b0, w0, c0] = await Promise.all([
      core.busd.balanceOf(bob.address),
      core.weth.balanceOf(bob.address),
      core.vault.collateralOf(id, weth),
    ]);
    // the call lands a block later (a second more interest): its figures are the event's
    const rc = await (await pre.connect(bob).preLiquidate(id, ethers.MaxUint256, weth, 0n)).wait();
    const ev = preLiquidated(pre, rc!);
    expect(ev.repaid).to.be.closeTo(q.repay, q.repay / 1_000_000n);
    expect(ev.seized).to.equal(mulDivDown(mulDivDown(ev.repaid, BPS + ev.incentive, BPS), WAD, wad("1620")));
    expect(await core.busd.balanceOf(bob.address)).to.equal(b0 - ev.repaid);
    expect(await core.weth.balanceOf(bob.address)).to.equal(w0 + ev.seized);
    expect(await core.vault.collateralOf(id, weth)).to.equal(c0 - ev.seized);
    const after = (await core.lens.healthOf(id)).health;
    expect(after).to.be.greaterThan(q.health); // never lowers health
    // no penalty, no auction: the Treasury and the engine saw nothing
    expect(await core.engine.auctionCount()).to.equal(0n);
  });

  it("bounds one block's pre-liquidations to the close factor: splitting or dust gets no more", async function () {
    const f = await loadFixture(fixture);
    const { pre, core, bob, carol, id } = f;
    const weth = await core.weth.getAddress();
    await optedInAt(f, "1620");
    await core.busd.connect(bob).transfer(carol.address, wad("10000"));
    await core.busd.connect(carol).approve(pre, ethers.MaxUint256);
    await ethers.provider.send("evm_setAutomine", [false]);
    try {
      // all in one block: a dust call (too small to take a wei of collateral: it reverts), half the cap, then two
      // asking for everything
      const q = await pre.quote(id, ethers.MaxUint256, weth);
      const half = q.maxRepay / 2n;
      const txs = [
        await pre.connect(carol).preLiquidate(id, 1n, weth, 0n, { gasLimit: 1_000_000 }),
        await pre.connect(bob).preLiquidate(id, half, weth, 0n, { gasLimit: 1_000_000 }),
        await pre.connect(carol).preLiquidate(id, ethers.MaxUint256, weth, 0n, { gasLimit: 1_000_000 }),
        await pre.connect(bob).preLiquidate(id, ethers.MaxUint256, weth, 0n, { gasLimit: 1_000_000 }),
      ];
      await ethers.provider.send("evm_mine", []);
      const receipts = await Promise.all(txs.map((t) => ethers.provider.getTransactionReceipt(t.hash)));
      expect(receipts.map((r) => r?.status)).to.deep.equal([0, 1, 1, 0]);
      expect(new Set(receipts.map((r) => r?.blockNumber)).size).to.equal(1);
      const repaid = receipts.slice(1, 3).map((r) => preLiquidated(pre, r!).repaid);
      // the whole window, computed at that block's debt, was used once and no more
      expect(repaid[0]).to.equal(half);
      expect(repaid[0]! + repaid[1]!).to.be.closeTo(q.maxRepay, q.maxRepay / 10_000n);
    } finally {
      await ethers.provider.send("evm_setAutomine", [true]);
    }
    // health rose out of the band; back in it, a later block opens a new window
    expect((await core.lens.healthOf(id)).health).to.be.greaterThan(wad("1.1"));
    await core.setPrice("weth", answer8("1500"));
    const again = await pre.quote(id, ethers.MaxUint256, weth);
    expect(again.maxRepay).to.equal(mulDivDown((await core.lens.liquidationState(id)).debt, again.closeFactor, BPS));
    await pre.connect(bob).preLiquidate.staticCall(id, wad("1"), weth, 0n);
  });

  it("refuses what it cannot honour: another asset, too little for the caller, the owner's opt-out", async function () {
    const f = await loadFixture(fixture);
    const { pre, core, bob, id } = f;
    const weth = await core.weth.getAddress();
    await optedInAt(f, "1620");
    await expect(pre.quote(id, wad("1"), core.wbtc))
      .to.be.revertedWithCustomError(pre, "AssetNotInBasket")
      .withArgs(id, await core.wbtc.getAddress());
    const q = await pre.quote(id, wad("1000"), weth);
    await expect(pre.connect(bob).preLiquidate(id, wad("1000"), weth, q.seized * 2n)).to.be.revertedWithCustomError(
      pre,
      "SeizedBelowMinimum",
    );
    await core.vault.connect(f.alice).setManager(id, pre, 0n); // protect off
    await expect(pre.connect(bob).preLiquidate(id, wad("1000"), weth, 0n)).to.be.revertedWithCustomError(
      core.vault,
      "NotAuthorized",
    );
  });

  it("the mirror refuses as the contract does", function () {
    const policy = {
      preHealth: wad("1.1"),
      closeFactorTop: 1_000n,
      closeFactorBottom: 5_000n,
      incentiveTop: 100n,
      incentiveBottom: 250n,
    };
    const asset = { price: wad("2000"), decimals: 18, held: wad("1") };
    expect(quotePreLiquidation(policy, wad("1.1"), wad("1000"), WAD, asset, wad("1"))).to.deep.include({
      refused: "outside band",
    });
    expect(quotePreLiquidation(policy, wad("0.999"), wad("1000"), WAD, asset, wad("1"))).to.deep.include({
      refused: "outside band",
    });
    // at health exactly 1 the bottom's figures apply
    const q = quotePreLiquidation(policy, wad("1"), wad("10000"), WAD, asset, wad("1000"));
    expect(q).to.deep.include({ closeFactor: 5_000n, incentive: 250n, repay: wad("1000") });
    expect(quotePreLiquidation(policy, wad("1"), wad("10000"), WAD, asset, wad("5000"))).to.deep.include({
      refused: "exceeds collateral",
    });
  });
});

/** The PreLiquidated event of a receipt. */
function preLiquidated(pre: PreLiquidation, rc: TransactionReceipt) {
  for (const log of rc.logs) {
    const parsed = pre.interface.parseLog(log);
    if (parsed?.name === "PreLiquidated") {
      const [, , , repaid, seized, health, closeFactor, incentive] = parsed.args as unknown as bigint[];
      return { repaid: repaid!, seized: seized!, health: health!, closeFactor: closeFactor!, incentive: incentive! };
    }
  }
  throw new Error("no PreLiquidated event");
}
