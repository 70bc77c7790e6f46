/**
 * Vault flows through ethers, on the core `deployCore` wires (the same as test/utils/Fixture.sol). Every expected
 * figure is computed here in bigint from amounts, prices and parameters with the TypeScript mirror of the Vault's math
 * (sdk/math.ts), and every transaction is mined at a pinned timestamp so interest is exact.
 */
import { expect } from "chai";
import { network } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { ASSETS, type AssetKey, BETH, BUSD, Op, RATE_5PCT } from "../sdk/params.js";
import { type Core, deployCore, fundAndApprove } from "../deploy/local/core.js";
import { answer8, units, wad } from "../sdk/units.js";
import { ALL_PERMISSIONS, PERMISSIONS } from "../sdk/permissions.js";
import type { PositionLens } from "../typechain-types/index.js";
import {
  type HealthFigures,
  MAX_UINT256,
  RAY,
  WAD,
  answerToWad,
  computeHealth,
  growIndex,
  mulDivDown,
  mulDivUp,
} from "../sdk/math.js";

const { ethers, networkHelpers } = await network.create();
const { time } = networkHelpers;

/** `PriceFailure.NonPositive` in IOracleAdapter. */
const NON_POSITIVE = 3n;
const DAY = 86_400;
/** [token] What each user starts with. */
const START: Record<AssetKey, bigint> = {
  weth: units("weth", "1000"),
  wbtc: units("wbtc", "100"),
  usdc: units("usdc", "10000000"),
};

/** The rate index of one synthetic, tracked off-chain: grows at every accruing call exactly as `Vault._accrue`. */
class IndexMirror {
  constructor(
    public index: bigint, // [ray]
    public last: bigint, // [s]
    public readonly rate: bigint, // [ray/s]
  ) {}

  /** Starts from a synthetic no call has accrued yet: index 1 ray since it was added. */
  static async fresh(core: Core, synthId: bigint): Promise<IndexMirror> {
    const s = await core.lens.synthetic(synthId);
    return new IndexMirror(RAY, s.lastAccrual, RATE_5PCT);
  }

  /** [ray] The index at `ts` without booking it (a view). */
  at(ts: bigint | number): bigint {
    return growIndex(this.index, this.rate, BigInt(ts) - this.last);
  }

  /** [ray] Books an accrual at `ts` (a mint, repay, close, accrue or mintFees mined then) and returns the index. */
  accrue(ts: bigint | number): bigint {
    this.index = this.at(ts);
    this.last = BigInt(ts);
    return this.index;
  }
}

/** The named fields of a `healthOf` result, as the mirror's `HealthFigures`. */
function healthFigures(h: Awaited<ReturnType<PositionLens["healthOf"]>>): HealthFigures {
  const { collateralValue, mintLimit, liquidationLimit, debt, debtValue, health } = h;
  return { collateralValue, mintLimit, liquidationLimit, debt, debtValue, health };
}

async function coreFixture() {
  const core = await deployCore(ethers);
  const [, alice, bob, carol] = await ethers.getSigners();
  if (alice === undefined || bob === undefined || carol === undefined) throw new Error("needs 4 signers");
  for (const u of [alice, bob, carol]) await fundAndApprove(core, u, START);
  return { core, alice, bob, carol };
}

describe("Vault flows (TypeScript, deployCore)", function () {
  let core: Core;
  let alice: HardhatEthersSigner;
  let bob: HardhatEthersSigner;
  let carol: HardhatEthersSigner;
  let now: number; // [s] timestamp the next pinned transaction is mined at

  beforeEach(async function () {
    ({ core, alice, bob, carol } = await networkHelpers.loadFixture(coreFixture));
    now = await time.latest();
  });

  /** Pins the next block `seconds` after the previous pinned one and returns its timestamp. */
  async function after(seconds: number): Promise<number> {
    now += seconds;
    await time.setNextBlockTimestamp(now);
    return now;
  }

  /** As `after`, and the feeds re-publish their answers just before (the oracle rejects answers over a day old). */
  async function afterWithFreshFeeds(seconds: number): Promise<number> {
    await time.setNextBlockTimestamp(now + seconds - 10);
    await core.refreshFeeds(); // three blocks, a second apart
    return after(seconds);
  }

  describe("end to end", function () {
    it("openAndMint → deposit a second asset → mint → time passes → repay part → close: every balance exact", async function () {
      const { vault, weth, usdc, busd } = core;
      const busdIdx = await IndexMirror.fresh(core, BUSD);

      // bob's position exists first and sends alice 500 bUSD (she will need it to pay the interest at close)
      let t = await after(60);
      await vault.connect(bob).openAndMint(BUSD, weth, wad("5"), wad("500"), alice.address);
      busdIdx.accrue(t);
      const bobId = 1n;
      const id = 2n;

      // 1. open with 10 WETH and mint 8,000 bUSD
      t = await after(3_600);
      let idx = busdIdx.at(t);
      const norm1 = mulDivUp(wad("8000"), RAY, idx);
      const openTx = vault.connect(alice).openAndMint(BUSD, weth, wad("10"), wad("8000"), alice.address);
      await expect(openTx).to.emit(vault, "PositionOpened").withArgs(id, alice.address, BUSD);
      await expect(openTx).to.emit(vault, "Deposited").withArgs(id, weth, alice.address, wad("10"));
      await expect(openTx).to.emit(vault, "Minted").withArgs(id, alice.address, wad("8000"), norm1);
      busdIdx.accrue(t);
      expect(await busd.balanceOf(alice.address)).to.equal(wad("8500"));
      expect(await weth.balanceOf(alice.address)).to.equal(START.weth - wad("10"));
      expect(await weth.balanceOf(vault)).to.equal(wad("15"));
      expect(await core.lens.normDebtOf(id)).to.equal(norm1);

      // 2. deposit 5,000 USDC: a second asset in the basket (WETH is asset 0, USDC asset 2)
      await after(600);
      await expect(vault.connect(alice).deposit(id, usdc, units("usdc", "5000")))
        .to.emit(vault, "Deposited")
        .withArgs(id, usdc, alice.address, units("usdc", "5000"));
      const [basketAssets, basketAmounts] = await core.lens.basketOf(id);
      expect(basketAssets).to.deep.equal([await weth.getAddress(), await usdc.getAddress()]);
      expect(basketAmounts).to.deep.equal([wad("10"), units("usdc", "5000")]);
      expect((await vault.positionOf(id)).assetMask).to.equal(0b101n);
      expect(await usdc.balanceOf(alice.address)).to.equal(START.usdc - units("usdc", "5000"));
      expect(await core.lens.normDebtOf(id)).to.equal(norm1); // a deposit leaves the debt alone

      // 3. a week later, mint 2,000 more
      t = await afterWithFreshFeeds(7 * DAY);
      idx = busdIdx.accrue(t);
      const added = mulDivUp(wad("2000"), RAY, idx);
      await expect(vault.connect(alice).mint(id, wad("2000"), alice.address))
        .to.emit(vault, "Minted")
        .withArgs(id, alice.address, wad("2000"), added);
      expect(await busd.balanceOf(alice.address)).to.equal(wad("10500"));
      const norm2 = norm1 + added;
      expect(await core.lens.normDebtOf(id)).to.equal(norm2);

      // 4. thirty days later, repay 3,000
      t = await after(30 * DAY);
      idx = busdIdx.accrue(t);
      const removed = mulDivDown(wad("3000"), RAY, idx);
      await expect(vault.connect(alice).repay(id, wad("3000")))
        .to.emit(vault, "Repaid")
        .withArgs(id, alice.address, wad("3000"), removed);
      expect(await busd.balanceOf(alice.address)).to.equal(wad("7500"));
      const norm3 = norm2 - removed;
      expect(await core.lens.normDebtOf(id)).to.equal(norm3);
      expect(await core.lens.debtOf(id)).to.equal(mulDivUp(norm3, idx, RAY));

      // 5. thirty days later, close: pays the debt with interest, returns every collateral unit
      t = await after(30 * DAY);
      idx = busdIdx.accrue(t);
      const owed = mulDivUp(norm3, idx, RAY);
      expect(owed).to.be.greaterThan(wad("7000")); // 10,000 minted - 3,000 repaid + interest
      const closeTx = vault.connect(alice).close(id, alice.address);
      await expect(closeTx).to.emit(vault, "Repaid").withArgs(id, alice.address, owed, norm3);
      await expect(closeTx).to.emit(vault, "Withdrawn").withArgs(id, weth, alice.address, wad("10"));
      await expect(closeTx).to.emit(vault, "Withdrawn").withArgs(id, usdc, alice.address, units("usdc", "5000"));

      expect(await busd.balanceOf(alice.address)).to.equal(wad("7500") - owed);
      expect(await weth.balanceOf(alice.address)).to.equal(START.weth);
      expect(await usdc.balanceOf(alice.address)).to.equal(START.usdc);
      expect(await core.lens.normDebtOf(id)).to.equal(0n);
      expect((await vault.positionOf(id)).assetMask).to.equal(0n);
      // what is left in the Vault is exactly bob's
      expect(await weth.balanceOf(vault)).to.equal(wad("5"));
      expect(await usdc.balanceOf(vault)).to.equal(0n);
      expect(await vault.totalCollateral(weth)).to.equal(wad("5"));
      expect(await vault.collateralOf(bobId, weth)).to.equal(wad("5"));
    });
  });

  describe("batch()", function () {
    it("batch(): Open then id-0 Deposit, Deposit and Mint build one new position", async function () {
      const { vault, usdc, wbtc, beth } = core;
      const bethIdx = await IndexMirror.fresh(core, BETH);
      const none = ethers.ZeroAddress;
      const t = await after(120);
      const id = await vault.nextPositionId();
      const norm = mulDivUp(wad("5"), RAY, bethIdx.at(t));

      const tx = vault.connect(alice).batch([
        { op: Op.Open, id: BETH, asset: none, amount: 0n, to: none },
        { op: Op.Deposit, id: 0n, asset: usdc, amount: units("usdc", "20000"), to: none },
        { op: Op.Deposit, id: 0n, asset: wbtc, amount: units("wbtc", "0.1"), to: none },
        { op: Op.Mint, id: 0n, asset: none, amount: wad("5"), to: carol.address },
      ]);
      await expect(tx).to.emit(vault, "PositionOpened").withArgs(id, alice.address, BETH);
      await expect(tx).to.emit(vault, "Deposited").withArgs(id, usdc, alice.address, units("usdc", "20000"));
      await expect(tx).to.emit(vault, "Deposited").withArgs(id, wbtc, alice.address, units("wbtc", "0.1"));
      await expect(tx).to.emit(vault, "Minted").withArgs(id, carol.address, wad("5"), norm);

      const [owner, synthId, mask] = await vault.positionOf(id);
      expect([owner, synthId, mask]).to.deep.equal([alice.address, BETH, 0b110n]); // WBTC id 1, USDC id 2
      expect(await vault.collateralOf(id, usdc)).to.equal(units("usdc", "20000"));
      expect(await vault.collateralOf(id, wbtc)).to.equal(units("wbtc", "0.1"));
      expect(await beth.balanceOf(carol.address)).to.equal(wad("5"));
      expect(await beth.balanceOf(alice.address)).to.equal(0n);
      expect(await usdc.balanceOf(alice.address)).to.equal(START.usdc - units("usdc", "20000"));
    });

    it("batch(): checks the minting limit once, at the end (Mint before Deposit passes, ending over it reverts)", async function () {
      const { vault, weth, busd } = core;
      const none = ethers.ZeroAddress;
      // minting first would fail on its own (no collateral yet), but the check runs after the deposit
      const id = await vault.nextPositionId();
      const busdIdx = await IndexMirror.fresh(core, BUSD);
      busdIdx.accrue(await after(60));
      await vault.connect(alice).batch([
        { op: Op.Open, id: BUSD, asset: none, amount: 0n, to: none },
        { op: Op.Mint, id: 0n, asset: none, amount: wad("1000"), to: alice.address },
        { op: Op.Deposit, id: 0n, asset: weth, amount: wad("1"), to: none },
      ]);
      expect(await busd.balanceOf(alice.address)).to.equal(wad("1000"));
      expect(await vault.collateralOf(id, weth)).to.equal(wad("1"));

      // 1 WETH at $2,000 and 80% LTV: 1,600 limit; withdrawing half leaves 800, below the 1,000 + interest owed
      const t = await after(60);
      const debtValue = mulDivUp(await core.lens.normDebtOf(id), busdIdx.at(t), RAY);
      await expect(
        vault.connect(alice).batch([
          { op: Op.Withdraw, id, asset: weth, amount: wad("0.5"), to: alice.address },
          { op: Op.Deposit, id, asset: weth, amount: wad("0.1"), to: none },
        ]),
      )
        .to.be.revertedWithCustomError(vault, "MintLimitExceeded")
        .withArgs(id, debtValue, wad("960")); // 0.6 WETH * 2,000 * 80%
      expect(await vault.collateralOf(id, weth)).to.equal(wad("1")); // reverted: nothing moved
    });
  });

  describe("managers", function () {
    it("setManager(): a manager deposits, mints and withdraws for the owner until removed", async function () {
      const { vault, weth, busd } = core;
      await vault.connect(alice).openAndMint(BUSD, weth, wad("10"), 0n, alice.address);
      const id = 1n;
      await expect(vault.connect(alice).setManager(id, bob.address, ALL_PERMISSIONS))
        .to.emit(vault, "ManagerSet")
        .withArgs(id, alice.address, bob.address, ALL_PERMISSIONS);
      expect(await core.lens.permissionsOf(id, bob.address)).to.equal(ALL_PERMISSIONS);
      expect(await core.lens.permissionsOf(id, carol.address)).to.equal(0n);

      await vault.connect(bob).deposit(id, weth, wad("1")); // pulled from bob
      await vault.connect(bob).mint(id, wad("1000"), bob.address);
      await vault.connect(bob).withdraw(id, weth, wad("2"), bob.address);

      expect(await weth.balanceOf(bob.address)).to.equal(START.weth - wad("1") + wad("2"));
      expect(await busd.balanceOf(bob.address)).to.equal(wad("1000"));
      expect(await vault.collateralOf(id, weth)).to.equal(wad("9"));
      expect(await core.lens.debtOf(id)).to.be.greaterThanOrEqual(wad("1000"));
      expect((await vault.positionOf(id)).owner).to.equal(alice.address); // still alice's

      await expect(vault.connect(carol).mint(id, wad("100"), carol.address))
        .to.be.revertedWithCustomError(vault, "NotAuthorized")
        .withArgs(id, carol.address, PERMISSIONS.mint);
      await vault.connect(alice).setManager(id, bob.address, 0n);
      await expect(vault.connect(bob).withdraw(id, weth, wad("1"), bob.address))
        .to.be.revertedWithCustomError(vault, "NotAuthorized")
        .withArgs(id, bob.address, PERMISSIONS.withdraw);
      expect(await vault.collateralOf(id, weth)).to.equal(wad("9"));
    });

    it("transferPosition(): the new owner controls the position and the old manager's right lapses", async function () {
      const { vault, weth } = core;
      await vault.connect(alice).openAndMint(BUSD, weth, wad("2"), 0n, alice.address);
      await vault.connect(alice).setManager(1n, bob.address, ALL_PERMISSIONS);
      await expect(vault.connect(alice).transferPosition(1n, carol.address))
        .to.emit(vault, "PositionTransferred")
        .withArgs(1n, alice.address, carol.address);
      expect(await core.lens.permissionsOf(1n, bob.address)).to.equal(0n);
      await expect(vault.connect(bob).withdraw(1n, weth, wad("1"), bob.address))
        .to.be.revertedWithCustomError(vault, "NotAuthorized")
        .withArgs(1n, bob.address, PERMISSIONS.withdraw);
      await vault.connect(carol).withdraw(1n, weth, wad("2"), carol.address);
      expect(await weth.balanceOf(carol.address)).to.equal(START.weth + wad("2"));
    });
  });

  describe("mint limit", function () {
    it("mint(): reverts with MintLimitExceeded carrying the exact debt value and limit", async function () {
      const { vault, weth, busd } = core;
      const busdIdx = await IndexMirror.fresh(core, BUSD);
      let t = await after(60);
      await vault.connect(alice).openAndMint(BUSD, weth, wad("10"), wad("15000"), alice.address);
      const idx0 = busdIdx.accrue(t);
      const norm0 = mulDivUp(wad("15000"), RAY, idx0);

      // 10 WETH at $2,000 with 80% max LTV: limit 16,000. Minting 1,000 more hours later goes over by the interest.
      t = await after(6 * 3_600);
      const idx1 = busdIdx.at(t);
      const debtAfter = mulDivUp(norm0 + mulDivUp(wad("1000"), RAY, idx1), idx1, RAY); // USD synthetic: value = debt
      const limit = mulDivDown(mulDivDown(wad("10"), answerToWad(ASSETS.weth.price, 8), WAD), 8_000n, 10_000n);
      expect(limit).to.equal(wad("16000"));
      await expect(vault.connect(alice).mint(1n, wad("1000"), alice.address))
        .to.be.revertedWithCustomError(vault, "MintLimitExceeded")
        .withArgs(1n, debtAfter, limit);
      expect(await busd.balanceOf(alice.address)).to.equal(wad("15000"));
    });

    it("mint(): a bETH position's limit counts the debt at the ETH price (MintLimitExceeded values)", async function () {
      const { vault, usdc } = core;
      const bethIdx = await IndexMirror.fresh(core, BETH);
      const t = await after(60);
      // 18,000 USDC at 90% LTV: limit 16,200; 8.1 bETH at $2,000 = 16,200 + rounding up → over
      const debt = mulDivUp(mulDivUp(wad("8.1"), RAY, bethIdx.at(t)), bethIdx.at(t), RAY);
      const debtValue = mulDivUp(debt, answerToWad(ASSETS.weth.price, 8), WAD);
      expect(debtValue).to.be.greaterThan(wad("16200"));
      await expect(vault.connect(alice).openAndMint(BETH, usdc, units("usdc", "18000"), wad("8.1"), alice.address))
        .to.be.revertedWithCustomError(vault, "MintLimitExceeded")
        .withArgs(1n, debtValue, wad("16200"));
    });
  });

  describe("healthOf()", function () {
    it("healthOf(): matches a bigint computation from prices, amounts and parameters", async function () {
      const { vault, weth, wbtc, usdc } = core;
      const busdIdx = await IndexMirror.fresh(core, BUSD);
      const bethIdx = await IndexMirror.fresh(core, BETH);
      const none = ethers.ZeroAddress;
      // odd amounts, so each asset's value has a remainder to round away
      const basket = {
        weth: wad("3.333333333333333333"),
        wbtc: units("wbtc", "0.12345678"),
        usdc: units("usdc", "1234.567891"),
      };
      const debt = wad("7777.777777777777777777");
      let t = await after(60);
      await vault.connect(alice).batch([
        { op: Op.Open, id: BUSD, asset: none, amount: 0n, to: none },
        { op: Op.Deposit, id: 0n, asset: weth, amount: basket.weth, to: none },
        { op: Op.Deposit, id: 0n, asset: wbtc, amount: basket.wbtc, to: none },
        { op: Op.Deposit, id: 0n, asset: usdc, amount: basket.usdc, to: none },
        { op: Op.Mint, id: 0n, asset: none, amount: debt, to: alice.address },
      ]);
      const normBusd = mulDivUp(debt, RAY, busdIdx.accrue(t));
      t = await after(60);
      const bethDebt = wad("1.234567890123456789");
      await vault.connect(bob).openAndMint(BETH, wbtc, units("wbtc", "0.2"), bethDebt, bob.address);
      const normBeth = mulDivUp(bethDebt, RAY, bethIdx.accrue(t));

      // prices move to odd values and 10 days pass; the view runs at the latest block's timestamp
      await time.increase(10 * DAY);
      const answers = { weth: answer8("1234.56789012"), wbtc: answer8("43210.12345678"), usdc: answer8("0.99990001") };
      for (const k of ["weth", "wbtc", "usdc"] as const) await core.setPrice(k, answers[k]);
      const ts = await time.latest();
      const price = (k: AssetKey): bigint => answerToWad(answers[k], 8);
      const entry = (k: AssetKey, amount: bigint) => ({
        amount,
        decimals: ASSETS[k].decimals,
        price: price(k),
        maxLtvBps: ASSETS[k].params.maxLtvBps,
        liqThresholdBps: ASSETS[k].params.liqThresholdBps,
      });

      const expected1 = computeHealth(
        [entry("weth", basket.weth), entry("wbtc", basket.wbtc), entry("usdc", basket.usdc)],
        normBusd,
        busdIdx.at(ts),
        WAD,
      );
      const h1 = await core.lens.healthOf(1n);
      expect(healthFigures(h1)).to.deep.equal(expected1);
      // [wad * wad] the exact value: it has a remainder (from WETH), which the Vault rounds away (down)
      const scaled = (k: AssetKey, a: bigint): bigint => a * price(k) * 10n ** BigInt(18 - ASSETS[k].decimals);
      const exact = scaled("weth", basket.weth) + scaled("wbtc", basket.wbtc) + scaled("usdc", basket.usdc);
      expect(exact % WAD).to.not.equal(0n);
      expect(h1.collateralValue).to.equal(exact / WAD);
      expect((await core.lens.healthOf(1n)).health).to.equal(expected1.health);
      expect(await core.lens.debtOf(1n)).to.equal(expected1.debt);

      const expected2 = computeHealth([entry("wbtc", units("wbtc", "0.2"))], normBeth, bethIdx.at(ts), price("weth"));
      expect(healthFigures(await core.lens.healthOf(2n))).to.deep.equal(expected2);
      expect(expected2.debtValue).to.equal(mulDivUp(expected2.debt, price("weth"), WAD));
    });

    it("healthOf(): without debt the health is the maximum uint256", async function () {
      await core.vault.connect(alice).openAndMint(BUSD, core.usdc, units("usdc", "100"), 0n, alice.address);
      const h = await core.lens.healthOf(1n);
      expect(h.health).to.equal(MAX_UINT256);
      expect(h.collateralValue).to.equal(wad("100"));
      expect([h.debt, h.debtValue]).to.deep.equal([0n, 0n]);
    });
  });

  describe("a feed reports zero", function () {
    /** alice's position #1 (10 WETH, 5,000 bUSD), then the WETH feed answers 0. */
    async function openThenBreakFeed(): Promise<{ norm: bigint; busdIdx: IndexMirror }> {
      const busdIdx = await IndexMirror.fresh(core, BUSD);
      const t = await after(60);
      await core.vault.connect(alice).openAndMint(BUSD, core.weth, wad("10"), wad("5000"), alice.address);
      const norm = mulDivUp(wad("5000"), RAY, busdIdx.accrue(t));
      await core.setPrice("weth", 0n);
      now = await time.latest();
      const [price, failure] = await core.oracle.tryGetPrice(core.weth);
      expect([price, failure]).to.deep.equal([0n, NON_POSITIVE]);
      return { norm, busdIdx };
    }

    it("repay(): works while a feed reports zero", async function () {
      const { norm, busdIdx } = await openThenBreakFeed();
      const t = await after(DAY);
      const removed = mulDivDown(wad("1000"), RAY, busdIdx.accrue(t));
      await expect(core.vault.connect(alice).repay(1n, wad("1000")))
        .to.emit(core.vault, "Repaid")
        .withArgs(1n, alice.address, wad("1000"), removed);
      expect(await core.busd.balanceOf(alice.address)).to.equal(wad("4000"));
      expect(await core.lens.normDebtOf(1n)).to.equal(norm - removed);
    });

    it("deposit(): works while a feed reports zero", async function () {
      await openThenBreakFeed();
      await expect(core.vault.connect(alice).deposit(1n, core.weth, wad("2")))
        .to.emit(core.vault, "Deposited")
        .withArgs(1n, core.weth, alice.address, wad("2"));
      expect(await core.vault.collateralOf(1n, core.weth)).to.equal(wad("12"));
      expect(await core.weth.balanceOf(core.vault)).to.equal(wad("12"));
    });

    it("close(): works while a feed reports zero", async function () {
      const { norm, busdIdx } = await openThenBreakFeed();
      // bob sends alice 200 bUSD for the interest (his mint accrues the bUSD index too)
      busdIdx.accrue(await after(60));
      await core.vault.connect(bob).openAndMint(BUSD, core.usdc, units("usdc", "1000"), wad("200"), alice.address);
      const t = await after(DAY);
      const owed = mulDivUp(norm, busdIdx.accrue(t), RAY);
      await expect(core.vault.connect(alice).close(1n, alice.address))
        .to.emit(core.vault, "Withdrawn")
        .withArgs(1n, core.weth, alice.address, wad("10"));
      expect(await core.weth.balanceOf(alice.address)).to.equal(START.weth);
      expect(await core.busd.balanceOf(alice.address)).to.equal(wad("5200") - owed);
    });

    it("mint(): reverts with PriceUnavailable while a feed reports zero", async function () {
      await openThenBreakFeed();
      await expect(core.vault.connect(alice).mint(1n, wad("100"), alice.address))
        .to.be.revertedWithCustomError(core.oracle, "PriceUnavailable")
        .withArgs(core.weth, NON_POSITIVE);
      await expect(core.vault.connect(alice).withdraw(1n, core.weth, wad("1"), alice.address))
        .to.be.revertedWithCustomError(core.oracle, "PriceUnavailable")
        .withArgs(core.weth, NON_POSITIVE);
      await expect(core.lens.healthOf(1n))
        .to.be.revertedWithCustomError(core.oracle, "PriceUnavailable")
        .withArgs(core.weth, NON_POSITIVE);
      expect(await core.busd.balanceOf(alice.address)).to.equal(wad("5000"));
      expect(await core.vault.collateralOf(1n, core.weth)).to.equal(wad("10"));
    });
  });
});
