/**
 * Liquidation flows through ethers, on the core `deployCore` wires (the same as test/utils/LiquidationFixture.sol):
 * liquidate → take → claim, `previewLiquidation` against what `liquidate` did, the TypeScript mirror of the auction
 * price curves (sdk/math.ts) against `engine.auctionStatus`, and the keeper (keeper/keeper.ts) taking a
 * profitable auction while skipping an unprofitable one. Every expected figure is computed here in bigint.
 */
import { expect } from "chai";
import { network } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { ContractTransactionReceipt } from "ethers";
import { BUSD, KEEPER_PARAMS, Op } from "../sdk/params.js";
import { type Core, deployCore, fundAndApprove } from "../deploy/local/core.js";
import { answer8, units, wad } from "../sdk/units.js";
import { Keeper, OracleVenue, vaultPositionSource } from "../keeper/keeper.js";
import {
  BPS,
  Curve,
  WAD,
  auctionPriceUp,
  linearPriceUp,
  mulDivDown,
  mulDivUp,
  startPricesUp,
  stepExponentialPriceUp,
} from "../sdk/math.js";

const { ethers, networkHelpers } = await network.create();
const { time } = networkHelpers;
const MAX = ethers.MaxUint256;

interface Actors {
  core: Core;
  alice: HardhatEthersSigner;
  keeper: HardhatEthersSigner;
  taker: HardhatEthersSigner;
}

/** A fresh core; alice holds WETH, WBTC and USDC; the taker and the keeper hold 50,000 bUSD each (from bob's USDC). */
async function setup(): Promise<Actors> {
  const core = await deployCore(ethers);
  const [, alice, bob, keeper, taker] = await ethers.getSigners();
  if (alice === undefined || bob === undefined || keeper === undefined || taker === undefined) {
    throw new Error("needs five signers");
  }
  await fundAndApprove(core, alice, {
    weth: units("weth", "100"),
    wbtc: units("wbtc", "1"),
    usdc: units("usdc", "10000"),
  });
  await fundAndApprove(core, bob, { usdc: units("usdc", "1000000") });
  for (const to of [taker, keeper]) {
    await (
      await core.vault.connect(bob).openAndMint(BUSD, core.usdc, units("usdc", "100000"), wad("50000"), to)
    ).wait();
  }
  await (await core.busd.connect(taker).approve(core.engine, MAX)).wait();
  return { core, alice, keeper, taker };
}

/** alice opens 10 WETH / `debt` bUSD and returns the position id. */
async function openEth(core: Core, alice: HardhatEthersSigner, debt: bigint): Promise<bigint> {
  const id = await core.vault.nextPositionId();
  await (await core.vault.connect(alice).openAndMint(BUSD, core.weth, units("weth", "10"), debt, alice.address)).wait();
  return id;
}

/**
 * `previewLiquidation(id)` evaluated in the block the next transaction will be mined in (pinned 1 s after the latest),
 * so interest accrued to the second is the same in the preview and in the liquidation.
 */
async function previewNext(core: Core, id: bigint) {
  await time.setNextBlockTimestamp((await time.latest()) + 1);
  return core.engine.previewLiquidation(id, { blockTag: "pending" });
}

/** Mines a block at `ts` unless the latest block already has that timestamp (views then read at `ts`). */
async function at(ts: bigint): Promise<void> {
  if (BigInt(await time.latest()) !== ts) await time.increaseTo(ts);
}

/** The engine's events in `receipt`, parsed. */
function engineEvents(core: Core, receipt: ContractTransactionReceipt | null, name: string) {
  if (receipt === null) throw new Error("no receipt");
  return receipt.logs
    .map((l) => {
      try {
        return core.engine.interface.parseLog(l);
      } catch {
        return null;
      }
    })
    .filter((e) => e !== null && e.name === name);
}

describe("liquidation flows (LiquidationEngine through ethers)", function () {
  it("deployCore(): routes interest fees and flash-mint fees to the Treasury", async function () {
    const { core } = await setup();
    const treasury = await core.treasury.getAddress();
    expect(await core.vault.treasury()).to.equal(treasury);
    expect(await core.busd.feeReceiver()).to.equal(treasury);
    expect(await core.beth.feeReceiver()).to.equal(treasury);
    expect(await core.vault.liquidationEngine()).to.equal(await core.engine.getAddress());
  });

  it("liquidate → take → claim: the position is partly liquidated, the taker covers the tab, alice claims the rest", async function () {
    const { core, alice, keeper, taker } = await setup();
    const id = await openEth(core, alice, wad("15000"));
    await core.setPrice("weth", answer8("1700")); // health 8.5 * 1700 / 15000 = 0.963: partial
    const h = await core.lens.healthOf(id);
    expect(h.health).to.be.lessThan(WAD);

    const debtBefore = await core.lens.debtOf(id);
    const wethBefore = await core.vault.collateralOf(id, core.weth);
    const keeperBusd = await core.busd.balanceOf(keeper);
    const auctionId = await core.engine.nextAuctionId();
    const plan = await previewNext(core, id);
    expect(plan.full).to.equal(false);
    expect(plan.capped).to.equal(false);
    // keeper pay: tip + 0.1% of the debt, under the penalty and the cap
    expect(plan.keeperPay).to.equal(KEEPER_PARAMS.busd.tip + mulDivDown(plan.debt, KEEPER_PARAMS.busd.chipBps, BPS));
    await (await core.engine.connect(keeper).liquidate(id)).wait();

    const a = await core.engine.auction(auctionId);
    const seized = wethBefore - (await core.vault.collateralOf(id, core.weth));
    expect(a.lot).to.equal(seized);
    expect(seized).to.equal(plan.lots[0]);
    expect(a.tab).to.equal(plan.debt + plan.penalty);
    expect(a.debt).to.equal(plan.debt);
    const { top, floor } = startPricesUp(a, 2_000n, 7_000n);
    expect(a.top).to.equal(top); // 2,040
    expect(a.floor).to.equal(floor); // where the lot still covers its tab: 1,700 / 1.05
    expect(top).to.equal(wad("2040"));
    expect(floor).to.equal(mulDivUp(a.tab, WAD, a.lot));
    // debt before was read a block earlier: one second of interest (5%/yr) lies between
    const debtAfter = await core.lens.debtOf(id);
    expect(debtBefore - plan.debt <= debtAfter && debtAfter - (debtBefore - plan.debt) < wad("0.001")).to.equal(true);
    expect((await core.lens.synthetic(BUSD)).auctionDebt).to.equal(plan.debt);
    // keeper pay is credited, then claimed through the Treasury
    expect(await core.engine.keeperPayOwed(keeper, BUSD)).to.equal(plan.keeperPay);
    await (await core.engine.connect(keeper).claimKeeperPay(BUSD, keeper)).wait();
    expect(await core.busd.balanceOf(keeper)).to.equal(keeperBusd + plan.keeperPay);
    expect((await core.lens.healthOf(id)).health).to.be.greaterThanOrEqual(wad("1.1") - 10n ** 10n);

    // take right away, at the start price (above the oracle price): the lot covers the tab
    const [price] = await core.engine.auctionStatus(auctionId);
    const takerWeth = await core.weth.balanceOf(taker);
    const takerBusd = await core.busd.balanceOf(taker);
    const receipt = await (await core.engine.connect(taker).take(auctionId, MAX, price, taker, "0x")).wait();
    const paidPrice = (engineEvents(core, receipt, "Take")[0]?.args.price as bigint | undefined) ?? 0n;
    expect(paidPrice).to.equal(price); // the take is mined 1 s later, within the same 90 s step
    // the smallest amount that covers the tab, each unit at the price: never more per whole token than the price
    const bought = mulDivUp(a.tab, WAD, price);
    const owe = mulDivUp(bought, price, WAD);
    expect(await core.weth.balanceOf(taker)).to.equal(takerWeth + bought);
    expect(await core.busd.balanceOf(taker)).to.equal(takerBusd - owe);
    expect(await core.engine.auctionCount()).to.equal(0n);
    expect((await core.lens.synthetic(BUSD)).auctionDebt).to.equal(0n);
    // what the rounding fetched beyond the tab (under one wei of WETH's price) goes with the penalty
    expect((await core.treasury.history(BUSD)).penalties).to.equal(plan.penalty + owe - a.tab);
    const settled = engineEvents(core, receipt, "AuctionEnded")[0];
    expect(settled?.args.leftover).to.equal(a.lot - bought);
    expect(settled?.args.badDebt).to.equal(0n);

    // alice claims the leftover collateral
    const leftover = a.lot - bought;
    expect(await core.engine.claimable(alice, core.weth)).to.equal(leftover);
    const aliceWeth = await core.weth.balanceOf(alice);
    await (await core.engine.connect(alice)["claim(address)"](core.weth)).wait();
    expect(await core.weth.balanceOf(alice)).to.equal(aliceWeth + leftover);
    expect(await core.engine.claimable(alice, core.weth)).to.equal(0n);
  });

  it("previewLiquidation(): matches what liquidate() did on a three-asset basket", async function () {
    const { core, alice, keeper } = await setup();
    const id = await core.vault.nextPositionId();
    const none = ethers.ZeroAddress;
    await (
      await core.vault.connect(alice).batch([
        { op: Op.Open, id: BUSD, asset: none, amount: 0n, to: none },
        { op: Op.Deposit, id: 0n, asset: core.weth, amount: units("weth", "5"), to: none },
        { op: Op.Deposit, id: 0n, asset: core.wbtc, amount: units("wbtc", "0.1"), to: none },
        { op: Op.Deposit, id: 0n, asset: core.usdc, amount: units("usdc", "4000"), to: none },
        { op: Op.Mint, id: 0n, asset: none, amount: wad("15000"), to: alice.address },
      ])
    ).wait();
    await core.setPrice("weth", answer8("1600"));
    await core.setPrice("wbtc", answer8("48000"));
    const [, amountsBefore] = await core.lens.basketOf(id);

    const plan = await previewNext(core, id);
    const first = await core.engine.nextAuctionId();
    const receipt = await (await core.engine.connect(keeper).liquidate(id)).wait();
    const ev = engineEvents(core, receipt, "LiquidationStarted")[0];
    expect(ev?.args.debt).to.equal(plan.debt);
    expect(ev?.args.penalty).to.equal(plan.penalty);
    expect(ev?.args.debtValue).to.equal(plan.debtValue);
    expect(ev?.args.full).to.equal(plan.full);
    expect(ev?.args.keeperPay).to.equal(plan.keeperPay);
    expect(ev?.args.firstAuctionId).to.equal(first);
    expect(plan.full).to.equal(false);

    // three auctions, each the plan's lot (the same share of every asset), tabs and debts summing exactly
    const [, amountsAfter] = await core.lens.basketOf(id);
    let tabs = 0n;
    let debts = 0n;
    for (let i = 0; i < 3; i++) {
      const a = await core.engine.auction(first + BigInt(i));
      const before = amountsBefore[i] ?? 0n;
      expect(a.lot).to.equal(plan.lots[i]);
      expect(a.lot).to.equal(before - (amountsAfter[i] ?? 0n));
      tabs += a.tab;
      debts += a.debt;
    }
    expect(tabs).to.equal(plan.debt + plan.penalty);
    expect(debts).to.equal(plan.debt);
    expect(await core.engine.globalDirt()).to.equal(plan.debtValue);
  });

  it("auction price: the bigint mirror of AuctionMath matches auctionStatus on both curves", async function () {
    const { core, alice, keeper, taker } = await setup();
    const id = await openEth(core, alice, wad("15000"));
    await core.setPrice("weth", answer8("1700"));
    const auctionId = await core.engine.nextAuctionId();
    await (await core.engine.connect(keeper).liquidate(id)).wait();
    const a = await core.engine.auction(auctionId);
    const p = await core.engine.auctionParams();
    expect(p.curve).to.equal(Curve.StepExponential);
    const curve = { curve: p.curve, duration: p.duration, step: p.step, cutBps: p.cutBps };

    // stepped exponential (the default): 2,040 * 0.99^floor(t / 90)
    for (const t of [0n, 89n, 90n, 91n, 1_000n, 1_799n, 3_600n, 5_000n]) {
      await at(a.startTime + t);
      const [price] = await core.engine.auctionStatus(auctionId);
      expect(price, `step exponential at ${t}s`).to.equal(auctionPriceUp(a.top, t, curve));
      expect(price).to.equal(stepExponentialPriceUp(a.top, t, p.step, p.cutBps));
    }
    // 40 steps of 1%: the ray power rounds up, so the price is at or just above the exact value
    const exact = (a.top * 99n ** 40n) / 100n ** 40n;
    const at3600 = auctionPriceUp(a.top, 3_600n, curve);
    expect(at3600 >= exact && at3600 - exact < 10n ** 9n).to.equal(true);

    // the rules apply to live auctions: switch to a linear curve (1 h to zero) and check again
    const linear = {
      startBufferBps: p.startBufferBps,
      resetBelowBps: p.resetBelowBps,
      curve: Curve.Linear,
      duration: 3_600n,
      step: p.step,
      cutBps: p.cutBps,
      maxDuration: p.maxDuration,
    };
    await (await core.engine.setAuctionParams(linear)).wait();
    for (const t of [5_001n, 5_400n, 6_000n]) {
      await at(a.startTime + t);
      const [price, needsReset] = await core.engine.auctionStatus(auctionId);
      expect(price, `linear at ${t}s`).to.equal(
        auctionPriceUp(a.top, t, { ...curve, curve: Curve.Linear, duration: 3_600n }),
      );
      expect(price).to.equal(0n); // past its duration: zero, below the floor
      expect(needsReset).to.equal(true);
    }
    // a fresh auction on the linear curve, inside its duration
    await (await core.engine.connect(keeper).reset(auctionId)).wait();
    const r = await core.engine.auction(auctionId);
    for (const t of [0n, 1n, 77n, 250n, 299n]) {
      await at(r.startTime + t);
      const [price] = await core.engine.auctionStatus(auctionId);
      expect(price, `linear at ${t}s after the reset`).to.equal(linearPriceUp(r.top, t, 3_600n));
    }
    // and a take pays the mirrored price (above the floor, where the lot still covers its tab)
    await time.setNextBlockTimestamp(r.startTime + 300n);
    const receipt = await (
      await core.engine.connect(taker).take(auctionId, units("weth", "1"), MAX, taker, "0x")
    ).wait();
    const paid = engineEvents(core, receipt, "Take")[0];
    expect(paid?.args.price).to.equal(linearPriceUp(r.top, 300n, 3_600n));
    expect(paid?.args.owe).to.equal(mulDivUp(units("weth", "1"), linearPriceUp(r.top, 300n, 3_600n), WAD));
  });

  it("keeper: liquidates, skips an auction priced above its minimum profit and takes one priced below", async function () {
    const { core, alice, keeper } = await setup();
    const a = await openEth(core, alice, wad("15000")); // unhealthy below 1,764.7
    const b = await openEth(core, alice, wad("13000")); // unhealthy below 1,529.4
    const venue = new OracleVenue(core.oracle, core.vault, core.lens, 0n);
    const lines: string[] = [];
    const bot = new Keeper({
      engine: core.engine,
      lens: core.lens,
      signer: keeper,
      positions: vaultPositionSource(core.vault),
      venue,
      minProfitBps: 200n, // 2%
      log: (l) => lines.push(l),
    });

    // ETH 1,700: only A is unhealthy; its fresh auction starts 20% above the oracle price: not profitable
    await core.setPrice("weth", answer8("1700"));
    const first = await bot.tick();
    expect(first.unhealthy).to.deep.equal([a]);
    expect(first.liquidations.map((l) => l.positionId)).to.deep.equal([a]);
    const auctionA = first.liquidations[0]?.firstAuctionId ?? 0n;
    expect(first.takes).to.deep.equal([]);
    expect(first.skips.map((s) => [s.kind, s.id])).to.deep.equal([["take", auctionA]]);
    const lotA = (await core.engine.auction(auctionA)).lot;

    // one hour later ETH is at 1,500: A's auction (2,040 * 0.99^40 = 1,365) is below its floor (where its lot
    // covered its tab at 1,700), so the keeper resets it at 1,500 (paid: it re-prices the lot lower) to restart at
    // 1,800; B (and A again) are now unhealthy: their fresh auctions start at 1,800, above the venue: skipped
    await time.increase(3_600);
    await core.setPrice("weth", answer8("1500"));
    const keeperWeth = await core.weth.balanceOf(keeper);
    const keeperBusd = await core.busd.balanceOf(keeper);
    const keeperOwed = await core.engine.keeperPayOwed(keeper, BUSD);
    const second = await bot.tick();
    expect(second.liquidations.map((l) => l.positionId)).to.include(b);
    expect(second.resets.map((r) => r.auctionId)).to.deep.equal([auctionA]);
    expect(second.resets[0]?.keeperPay).to.be.greaterThan(0n);
    expect(second.takes).to.deep.equal([]);
    // every auction started in this tick was skipped as unprofitable and is still live with its whole lot
    const started = second.liquidations.flatMap((l) =>
      Array.from({ length: l.auctions }, (_, i) => l.firstAuctionId + BigInt(i)),
    );
    expect(started.length).to.be.greaterThan(0);
    for (const id of started) {
      const skip = second.skips.find((s) => s.kind === "take" && s.id === id);
      expect(skip?.reason, `auction ${id}`).to.match(/above venue 1500\.00 less 2%/);
      const live = await core.engine.auction(id);
      expect(live.tab).to.be.greaterThan(0n);
    }

    // 21 steps later A's auction is at 1,800 * 0.99^21 = 1,455 < 1,500 * (1 - 2%): profitable; at 1,500 the lot no
    // longer covers its debt, so its floor is 70% of the price and the whole lot sells
    await time.increase(21 * 90);
    await core.setPrice("weth", answer8("1500"));
    const third = await bot.tick();
    expect(third.takes.map((t) => t.auctionId)).to.include(auctionA); // (B's fresh auctions may sell too)
    const take = third.takes.find((t) => t.auctionId === auctionA);
    if (take === undefined) throw new Error("no take");
    expect(take.collateral).to.equal(lotA); // below the start oracle price the lot no longer covers the tab: all of it
    expect(take.price * (BPS + 200n) <= wad("1500") * BPS).to.equal(true);
    expect(take.price >= stepExponentialPriceUp(wad("1800"), 22n * 90n, 90n, 9_900n)).to.equal(true);
    expect(take.owe).to.equal(mulDivUp(lotA, take.price, WAD));
    expect(take.venuePrice).to.equal(wad("1500"));
    expect(take.proceeds).to.equal(mulDivDown(lotA, wad("1500"), WAD));
    expect(take.proceeds * BPS >= take.owe * (BPS + 200n)).to.equal(true);
    expect(take.ended).to.equal(true);
    const bought = third.takes.reduce((s, t) => s + t.collateral, 0n);
    expect(await core.weth.balanceOf(keeper)).to.equal(keeperWeth + bought); // A's whole lot among them
    const pay = second.liquidations.reduce((s, l) => s + l.keeperPay, 0n) + (second.resets[0]?.keeperPay ?? 0n);
    // the keeper paid for its takes; its pay for the liquidations and the reset is credited, to be claimed
    const paid = third.takes.reduce((s, t) => s + t.owe, 0n);
    expect(await core.busd.balanceOf(keeper)).to.equal(keeperBusd - paid);
    expect(await core.engine.keeperPayOwed(keeper, BUSD)).to.equal(keeperOwed + pay);
    expect(venue.sales).to.deep.include({
      asset: await core.weth.getAddress(),
      synthId: BUSD,
      amount: lotA,
      proceeds: take.proceeds,
    });
    expect(lines.some((l) => l.startsWith(`take auction #${auctionA}`))).to.equal(true);
  });
});
