/**
 * The SDK's peg previews (packages/sdk/src/peg.ts, read by packages/sdk/src/client.ts) against the chain, to the wei,
 * on the embedded network (deployCore's bUSD/USDC stability module, sbUSD savings token and bUSD redemptions),
 * through both client adapters:
 *
 * - seeded random swaps in and out (USDC 6 decimals, amounts from 1 wei to millions, random fees, the price moved
 *   within the band): each previewed from `stabilityModuleState`, then executed; the minted units, the fee, the
 *   reserve out and the units burned must equal the balances' and the module debt's moves; a depegged reserve
 *   refuses swaps in and a swap out beyond the module's debt is refused, as the previews say;
 * - seeded random deposits, mints, withdrawals and redemptions while a distribution vests, each previewed at a
 *   pinned timestamp from `savingsState` read one or more blocks earlier and mined at that timestamp; the shares and
 *   assets moved must equal the previews; redeeming or withdrawing beyond the owner's shares is refused as previewed.
 *
 * - seeded random redemptions of bUSD against named positions (WETH, WETH + USDC baskets minted close to their
 *   limits so that they are redeemable, one healthy enough to be skipped, amounts past what they owe), each previewed
 *   at a pinned timestamp from `redemptionState` and mined at it: the fee, the units burned, every position's debt and
 *   collateral after and the collateral sent must equal the preview; a fee above the caller's maximum is refused.
 *
 * Deterministic: BALLAST_SDK_SEED picks the sequence (default 1).
 */
import { expect } from "chai";
import { network } from "hardhat";
import { createPublicClient, custom } from "viem";
import {
  type Address,
  type Ballast,
  type PegRefusal,
  addressBook,
  createBallast,
  decodeError,
  fromEthers,
  fromViem,
  previewSavingsDeposit,
  previewSavingsMint,
  previewSavingsRedeem,
  previewSavingsWithdraw,
  maxMint,
  previewRedeem,
  previewSwapIn,
  previewSwapOut,
  redemptionFeeBps,
  savingsTotalAssetsAt,
} from "../packages/sdk/src/index.js";
import { BUSD, Op } from "../sdk/params.js";
import { type Core, deployCore, fundAndApprove } from "../deploy/local/core.js";
import { units, wad } from "../sdk/units.js";
import { Rng } from "./lib/bigint-rng.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const { time } = networkHelpers;
const SEED = BigInt(process.env.BALLAST_SDK_SEED ?? "1");
const ZERO = ethers.ZeroAddress as Address;
const GAS = 3_000_000n;

type Signer = Awaited<ReturnType<typeof ethers.getSigners>>[number];

/** Runs `send`; undefined when it passes, else the error thrown. */
async function attempt(send: () => Promise<{ wait(): Promise<unknown> }>): Promise<unknown> {
  try {
    await (await send()).wait();
    return undefined;
  } catch (e) {
    return e;
  }
}

/**
 * [wad] An amount to swap out whose net of the fee (rounded up) is one wei short of `reserveOut` whole reserve wei
 * (USDC: 1e12 units each) while the fee's exact value is fractional: the reserve out is `reserveOut − 1`, and a fee
 * rounded down would give `reserveOut`.
 */
function edgeOut(feeOutBps: bigint, reserveOut: bigint): bigint {
  const target = reserveOut * 10n ** 12n - 1n;
  for (let a = (target * 10_000n) / (10_000n - feeOutBps) - 3n; ; a++) {
    const up = (a * feeOutBps + 9_999n) / 10_000n;
    if (a - up === target && (a * feeOutBps) % 10_000n !== 0n) return a;
    if (a - up > target) return a; // no amount hits it exactly: the next one
  }
}

/** The chain's refusal, decoded by the SDK, equals the preview's (name and arguments). */
async function expectRefusal(error: unknown, refusal: PegRefusal | undefined, where: string): Promise<void> {
  expect(error, `${where}: the chain passed what the preview refused`).to.not.equal(undefined);
  const decoded = await decodeError(error);
  expect(decoded?.name, `${where}: ${String(error)}`).to.equal(refusal?.error);
  const norm = (xs: readonly unknown[]) =>
    xs.map((x) => (typeof x === "string" ? x.toLowerCase() : typeof x === "number" ? BigInt(x) : x));
  expect(norm(Object.values(decoded?.args ?? {})), where).to.deep.equal(norm(refusal?.args ?? []));
}

describe("SDK peg previews against the chain (stability module, savings token, redemptions)", function () {
  this.timeout(120_000);
  let core: Core;
  let alice: Signer;
  let bob: Signer;
  let clients: Ballast[];
  let psm: Address;
  let savings: Address;
  const rng = new Rng(SEED);

  before(async function () {
    core = await deployCore(ethers);
    [, alice, bob] = (await ethers.getSigners()) as [Signer, Signer, Signer];
    await fundAndApprove(core, alice, { weth: units("weth", "5000"), usdc: units("usdc", "50000000") });
    // alice's bUSD float (for swaps out and savings)
    await (
      await core.vault.connect(alice).batch([
        { op: Op.Open, id: BUSD, asset: ZERO, amount: 0n, to: ZERO },
        { op: Op.Deposit, id: 0n, asset: core.weth, amount: units("weth", "1000"), to: ZERO },
        { op: Op.Mint, id: 0n, asset: ZERO, amount: wad("400000"), to: alice.address },
      ])
    ).wait();
    await (await core.usdc.connect(alice).approve(core.psm, ethers.MaxUint256)).wait();
    await (await core.busd.connect(alice).approve(core.psm, ethers.MaxUint256)).wait();
    await (await core.busd.connect(alice).approve(core.savings, ethers.MaxUint256)).wait();
    const addresses = addressBook(core.manifest);
    psm = (await core.psm.getAddress()) as Address;
    savings = (await core.savings.getAddress()) as Address;
    expect(addresses.stabilityModules["bUSD/USDC"]?.toLowerCase()).to.equal(psm.toLowerCase());
    clients = [
      createBallast({ reader: fromViem(createPublicClient({ transport: custom(connection.provider) })), addresses }),
      createBallast({ reader: fromEthers(ethers.provider), addresses }),
    ];
  });

  it("swaps in and out: minted, fee, reserve out and burned equal the previews to the wei; refusals match", async function () {
    const treasury = await core.treasury.getAddress();
    const debtOf = async () => (await core.psm.debt())[0];
    let [ins, outs, refusedIn] = [0, 0, 0];
    for (let i = 0; i < 12; i++) {
      const client = clients[i % 2] as Ballast;
      // the reserve's price within the band (100 bps): both ways stay open
      await core.setPrice("usdc", 100_000_000n + rng.between(-90_000n, 90_000n));
      // fees anywhere in [0, MAX_FEE_BPS] (governance: the deployer), so that their rounding shows
      const fee = () => (rng.chance(15) ? 0n : rng.between(1n, 500n));
      await (await core.psm.connect(core.deployer).setFees(fee(), fee())).wait();
      const s = await client.stabilityModuleState(psm);
      const where = `round ${i}`;
      const [busd0, usdc0, fees0, debt0] = await Promise.all([
        core.busd.balanceOf(alice.address),
        core.usdc.balanceOf(alice.address),
        core.busd.balanceOf(treasury),
        debtOf(),
      ]);
      if (i < 4 || rng.chance(50)) {
        const amount = rng.chance(30) ? rng.between(1n, 10n ** 13n) : rng.logUniform(0, 12);
        const p = previewSwapIn(s, amount);
        if (!p.ok) {
          // past the module's ceiling (2M bUSD) or below one wei of bUSD
          expect(p.refusal?.error, where).to.be.oneOf(["ModuleCeilingExceeded", "ZeroAmount"]);
          await expectRefusal(
            await attempt(() => core.psm.connect(alice).swapIn(amount, 0n, alice.address, { gasLimit: GAS })),
            p.refusal,
            where,
          );
          refusedIn++;
          continue;
        }
        await (await core.psm.connect(alice).swapIn(amount, p.minted, alice.address)).wait();
        expect((await core.busd.balanceOf(alice.address)) - busd0, where).to.equal(p.minted);
        expect((await core.busd.balanceOf(treasury)) - fees0, where).to.equal(p.fee);
        expect((await debtOf()) - debt0, where).to.equal(p.minted + p.fee);
        expect(usdc0 - (await core.usdc.balanceOf(alice.address)), where).to.equal(amount);
        ins++;
      } else {
        // any wei amount up to the module's debt (the fee is rounded up; the reserve out down)
        const amount = rng.chance(40)
          ? edgeOut(s.feeOutBps, rng.between(1n, s.debt / 10n ** 12n / 2n))
          : rng.chance(30)
            ? rng.between(1n, 10n ** 13n)
            : rng.between(1n, s.debt);
        const p = previewSwapOut(s, amount);
        if (!p.ok) {
          expect(p.refusal?.error, where).to.equal("ZeroAmount");
          await expectRefusal(
            await attempt(() => core.psm.connect(alice).swapOut(amount, 0n, alice.address, { gasLimit: GAS })),
            p.refusal,
            where,
          );
          continue;
        }
        await (await core.psm.connect(alice).swapOut(amount, p.reserveOut, alice.address)).wait();
        expect((await core.usdc.balanceOf(alice.address)) - usdc0, where).to.equal(p.reserveOut);
        expect((await core.busd.balanceOf(treasury)) - fees0, where).to.equal(p.fee);
        expect(debt0 - (await debtOf()), where).to.equal(p.burned);
        expect(busd0 - (await core.busd.balanceOf(alice.address)), where).to.equal(amount);
        outs++;
      }
    }
    expect(ins, `ins ${ins}`).to.be.greaterThan(2);
    expect(outs, `outs ${outs}`).to.be.greaterThan(1);
    if (process.env.BALLAST_SDK_DEBUG) console.log({ ins, outs, refusedIn });

    await (await core.psm.connect(core.deployer).setFees(10, 10)).wait();
    // a swap out beyond the module's debt: the Vault refuses to burn more than the module owes
    let s = await clients[0]!.stabilityModuleState(psm);
    const over = (s.debt * 1_002n) / 1_000n + wad("1") + 12_345n; // net of the 0.1% fee: past the debt
    expect(over).to.be.lessThan(await core.busd.balanceOf(alice.address));
    const beyond = previewSwapOut(s, over);
    expect(beyond.refusal?.error).to.equal("ExceedsModuleDebt");
    await expectRefusal(
      await attempt(() => core.psm.connect(alice).swapOut(over, 0n, alice.address, { gasLimit: GAS })),
      beyond.refusal,
      "beyond the debt",
    );
    // a depegged reserve (0.985 against a 1% band): swaps in refused with the ratio and the band, out still open
    await core.setPrice("usdc", 98_500_000n);
    s = await clients[1]!.stabilityModuleState(psm);
    const refused = previewSwapIn(s, 1_000n * 10n ** 6n);
    expect(refused.refusal?.error).to.equal("ReserveOffPeg");
    await expectRefusal(
      await attempt(() => core.psm.connect(alice).swapIn(1_000n * 10n ** 6n, 0n, alice.address, { gasLimit: GAS })),
      refused.refusal,
      "depegged",
    );
    const out = previewSwapOut(s, wad("10"));
    expect(out.ok).to.equal(true);
    const usdc0 = await core.usdc.balanceOf(alice.address);
    await (await core.psm.connect(alice).swapOut(wad("10"), 0n, alice.address)).wait();
    expect((await core.usdc.balanceOf(alice.address)) - usdc0).to.equal(out.reserveOut);
    await core.setPrice("usdc", 100_000_000n);
    // the guardian's freeze of swaps in
    await (await core.psm.connect(core.deployer).setFrozen(true, false)).wait();
    const frozen = previewSwapIn(await clients[0]!.stabilityModuleState(psm), 10n ** 6n);
    expect(frozen.refusal).to.deep.equal({ error: "SwapFrozen", args: [true] });
    await expectRefusal(
      await attempt(() => core.psm.connect(alice).swapIn(10n ** 6n, 0n, alice.address, { gasLimit: GAS })),
      frozen.refusal,
      "frozen",
    );
    await (await core.psm.connect(core.deployer).setFrozen(false, false)).wait();
  });

  it("savings deposits, mints, withdrawals and redemptions mined at a later timestamp equal the previews", async function () {
    const token = core.savings.connect(alice);
    // a first deposit so the stream vests, then a distribution vesting over the token's period
    await (await token.deposit(wad("1000"), alice.address)).wait();
    await (await token.distribute(wad("777.777777777777777777"))).wait();
    let rounds = 0;
    for (let i = 0; i < 14; i++) {
      const client = clients[i % 2] as Ballast;
      const s = await client.savingsState(savings, { owner: alice.address as Address });
      // the state read now, the transaction mined 1 s to 3 h later (a day's vesting: partly, sometimes all of it)
      if (rng.chance(30)) await networkHelpers.mine(Number(rng.between(1n, 5n)));
      const latest = BigInt(await time.latest());
      const at = latest + (rng.chance(15) ? rng.between(86_400n, 100_000n) : rng.between(1n, 3n * 3600n));
      await time.setNextBlockTimestamp(at);
      const where = `round ${i} at ${at}`;
      const [shares0, busd0] = await Promise.all([token.balanceOf(alice.address), core.busd.balanceOf(alice.address)]);
      const op = rng.pick(["deposit", "mint", "withdraw", "redeem"] as const);
      const ownerAssets = previewSavingsRedeem(s, s.ownerShares ?? 0n, at).amount;
      let shares: bigint;
      let assets: bigint;
      if (op === "deposit") {
        assets = rng.chance(30) ? rng.between(1n, 10n ** 12n) : rng.logUniform(15, 21);
        shares = previewSavingsDeposit(s, assets, at).amount;
        await (await token.deposit(assets, alice.address)).wait();
        expect((await token.balanceOf(alice.address)) - shares0, where).to.equal(shares);
        expect(busd0 - (await core.busd.balanceOf(alice.address)), where).to.equal(assets);
      } else if (op === "mint") {
        shares = rng.chance(30) ? rng.between(1n, 10n ** 20n) : rng.logUniform(24, 30);
        assets = previewSavingsMint(s, shares, at).amount;
        await (await token.mint(shares, alice.address)).wait();
        expect((await token.balanceOf(alice.address)) - shares0, where).to.equal(shares);
        expect(busd0 - (await core.busd.balanceOf(alice.address)), where).to.equal(assets);
      } else if (op === "withdraw") {
        assets = rng.between(1n, ownerAssets / 3n);
        const p = previewSavingsWithdraw(s, assets, at);
        expect(p.ok, where).to.equal(true);
        shares = p.amount;
        await (await token.withdraw(assets, alice.address, alice.address)).wait();
        expect(shares0 - (await token.balanceOf(alice.address)), where).to.equal(shares);
        expect((await core.busd.balanceOf(alice.address)) - busd0, where).to.equal(assets);
      } else {
        shares = rng.between(1n, (s.ownerShares ?? 0n) / 3n);
        const p = previewSavingsRedeem(s, shares, at);
        expect(p.ok, where).to.equal(true);
        assets = p.amount;
        await (await token.redeem(shares, alice.address, alice.address)).wait();
        expect(shares0 - (await token.balanceOf(alice.address)), where).to.equal(shares);
        expect((await core.busd.balanceOf(alice.address)) - busd0, where).to.equal(assets);
      }
      // the books at `at`, as the preview computed them
      const after = await client.savingsState(savings);
      const sign = op === "deposit" || op === "mint" ? 1n : -1n;
      expect(after.accounted, where).to.equal(savingsTotalAssetsAt(s, at) + sign * assets);
      rounds++;
    }
    expect(rounds).to.equal(14);

    // beyond the owner's shares: redeem and withdraw refused with the ERC-4626 limits the previews name
    const s = await clients[0]!.savingsState(savings, { owner: bob.address as Address });
    await (await core.busd.connect(alice).transfer(bob.address, wad("5"))).wait();
    await (await core.busd.connect(bob).approve(core.savings, ethers.MaxUint256)).wait();
    await (await core.savings.connect(bob).deposit(wad("5"), bob.address)).wait();
    const t = BigInt(await time.latest()) + 60n;
    const s2 = await clients[1]!.savingsState(savings, { owner: bob.address as Address });
    expect(s.ownerShares).to.equal(0n);
    await time.setNextBlockTimestamp(t);
    const redeem = previewSavingsRedeem(s2, (s2.ownerShares ?? 0n) + 1n, t);
    expect(redeem.refusal?.error).to.equal("ERC4626ExceededMaxRedeem");
    await expectRefusal(
      await attempt(() =>
        core.savings.connect(bob).redeem((s2.ownerShares ?? 0n) + 1n, bob.address, bob.address, { gasLimit: GAS }),
      ),
      redeem.refusal,
      "redeem beyond",
    );
    await time.setNextBlockTimestamp(t + 30n);
    const max = previewSavingsRedeem(s2, s2.ownerShares ?? 0n, t + 30n).amount;
    const withdraw = previewSavingsWithdraw(s2, max + 1n, t + 30n);
    expect(withdraw.refusal?.error).to.equal("ERC4626ExceededMaxWithdraw");
    await expectRefusal(
      await attempt(() => core.savings.connect(bob).withdraw(max + 1n, bob.address, bob.address, { gasLimit: GAS })),
      withdraw.refusal,
      "withdraw beyond",
    );
    // and the exact maximum passes at its timestamp
    await time.setNextBlockTimestamp(t + 31n);
    const exact = previewSavingsRedeem(s2, s2.ownerShares ?? 0n, t + 31n);
    const bobBusd = await core.busd.balanceOf(bob.address);
    await (await core.savings.connect(bob).redeem(s2.ownerShares ?? 0n, bob.address, bob.address)).wait();
    expect((await core.busd.balanceOf(bob.address)) - bobBusd).to.equal(exact.amount);
  });

  it("redemptions against named positions: fee, units burned, each position's debt and collateral equal the preview", async function () {
    const [, , , owner, carol] = (await ethers.getSigners()) as Signer[];
    if (owner === undefined || carol === undefined) throw new Error("needs signers");
    await core.refreshFeeds(); // the savings rounds moved the clock by days
    await fundAndApprove(core, owner, { weth: units("weth", "1000"), usdc: units("usdc", "1000000") });
    const ids: bigint[] = [];
    const client = clients[0] as Ballast;
    for (const [weth, usdc, fraction] of [
      ["10", "0", 400n], // healthy enough: skipped
      ["30", "0", 995n],
      ["20", "20000", 990n],
      ["25", "5000", 985n],
    ] as const) {
      const id = await core.vault.nextPositionId();
      await (
        await core.vault
          .connect(owner)
          .batch([
            { op: Op.Open, id: BUSD, asset: ZERO, amount: 0n, to: ZERO },
            { op: Op.Deposit, id: 0n, asset: core.weth, amount: units("weth", weth), to: ZERO },
            ...(usdc === "0"
              ? []
              : [{ op: Op.Deposit, id: 0n, asset: core.usdc, amount: units("usdc", usdc), to: ZERO }]),
          ])
      ).wait();
      const room = maxMint(await client.positionState(id));
      await (await core.vault.connect(owner).mint(id, (room * fraction) / 1000n, owner.address)).wait();
      ids.push(id);
    }
    const redemptions = core.redemptions.connect(alice);
    await (await core.busd.connect(alice).approve(core.redemptions, ethers.MaxUint256)).wait();
    const tokens = [core.weth, core.usdc];
    let [took, skipped] = [0, 0];
    for (let i = 0; i < 4; i++) {
      const c = clients[i % 2] as Ballast;
      await core.refreshFeeds();
      const at = BigInt(await time.latest()) + rng.between(1n, 1800n);
      const order = i % 2 === 0 ? ids : [...ids].reverse();
      const st = await c.redemptionState(BUSD, order, { at });
      const owed = st.positions.reduce((x, p) => x + (p.normDebt * p.index) / 10n ** 27n, 0n);
      // three partial redemptions, then one past everything the positions owe (the rest goes back)
      const amount = i === 3 ? owed + rng.between(1n, wad("5000")) : rng.between(wad("1"), owed / 3n);
      const p = previewRedeem(st, amount, at);
      const where = `redemption ${i}: ${amount} at ${at}`;
      expect(p.ok, `${where}: ${p.refusal?.error}`).to.equal(true);
      if (p.takes.some((t) => t.skip === "HealthyEnough")) skipped++;
      await networkHelpers.time.setNextBlockTimestamp(at);
      const [busd0, sent0] = await Promise.all([
        core.busd.balanceOf(alice.address),
        Promise.all(tokens.map((t) => t.balanceOf(carol.address))),
      ]);
      // the feeds stay fresh: the redemption is the only transaction of its block, prices as read
      const receipt = await (await redemptions.redeem(BUSD, amount, order, p.feeBps, carol.address)).wait();
      const event = receipt?.logs
        .map((l) => core.redemptions.interface.parseLog(l))
        .find((e) => e?.name === "Redemption");
      expect(event?.args.feeBps, where).to.equal(p.feeBps);
      expect(event?.args.redeemed, where).to.equal(p.redeemed);
      expect(busd0 - (await core.busd.balanceOf(alice.address)), where).to.equal(p.redeemed);
      for (const [k, t] of tokens.entries()) {
        const asset = (await t.getAddress()).toLowerCase();
        const sent = p.takes.flatMap((x) => x.lots).filter((l) => l.asset.toLowerCase() === asset);
        expect((await t.balanceOf(carol.address)) - (sent0[k] ?? 0n), `${where} ${asset}`).to.equal(
          sent.reduce((x, l) => x + l.amount, 0n),
        );
      }
      for (const before of st.positions) {
        const taken = p.takes.find((x) => x.id === before.id);
        const after = await c.positionState(before.id);
        const debtBefore = (before.normDebt * before.index + 10n ** 27n - 1n) / 10n ** 27n;
        const debtAfter = (after.normDebt * after.index + 10n ** 27n - 1n) / 10n ** 27n;
        if (taken === undefined || taken.debt === 0n) {
          expect(after.normDebt, `${where} #${before.id}`).to.equal(before.normDebt);
          continue;
        }
        took++;
        // the debt falls by what was burned (to within the normalized debt's rounding: one wei)
        expect(debtBefore - debtAfter - taken.debt, `${where} #${before.id}`).to.be.within(-1n, 1n);
        for (const l of taken.lots) {
          const a0 = before.basket.find((a) => a.asset === l.asset)?.amount ?? 0n;
          const a1 = after.basket.find((a) => a.asset === l.asset)?.amount ?? 0n;
          expect(a0 - a1, `${where} #${before.id} ${l.asset}`).to.equal(l.amount);
        }
      }
    }
    expect(took).to.be.greaterThan(3);
    expect(skipped).to.be.greaterThan(0);
    // nothing left to redeem against
    const now = BigInt(await time.latest()) + 5n;
    const none = previewRedeem(await clients[1]!.redemptionState(BUSD, ids, { at: now }), wad("10"), now);
    expect(none.refusal?.error).to.equal("NothingRedeemed");
    await networkHelpers.time.setNextBlockTimestamp(now);
    await expectRefusal(
      await attempt(() => redemptions.redeem(BUSD, wad("10"), ids, 10_000n, carol.address, { gasLimit: GAS })),
      none.refusal,
      "nothing to redeem",
    );
    // the fee above the caller's maximum: refused with the fee the preview names
    const at = BigInt(await time.latest()) + 10n;
    const st = await clients[1]!.redemptionState(BUSD, ids, { at });
    const fee = redemptionFeeBps(st, wad("100"), at);
    const refused = previewRedeem(st, wad("100"), at, fee - 1n);
    expect(refused.refusal).to.deep.equal({ error: "FeeAboveMax", args: [fee, fee - 1n] });
    await networkHelpers.time.setNextBlockTimestamp(at);
    await expectRefusal(
      await attempt(() => redemptions.redeem(BUSD, wad("100"), ids, fee - 1n, carol.address, { gasLimit: GAS })),
      refused.refusal,
      "fee above max",
    );
  });
});
