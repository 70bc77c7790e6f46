/**
 * The SDK package's previews (packages/sdk/src/preview.ts, read by packages/sdk/src/client.ts) against the chain, to
 * the wei, through BOTH client adapters: a viem public client over the embedded network's EIP-1193 provider
 * (`custom` transport) and the ethers provider.
 *
 * - fuzzed baskets (WETH 18, WBTC 8, USDC 6 decimals; bUSD and bETH positions) and random lists of deposits,
 *   withdrawals, mints and repayments, sized around the SDK's own `maxMint` / `maxWithdraw` so that boundaries come
 *   up: each list is previewed at a pinned block timestamp, then run as one `Vault.batch` mined at it; the preview's
 *   verdict (and the refusing error, decoded by the SDK's `decodeError`) and the figures after (`PositionLens.healthOf`,
 *   normalized debt, every collateral lane, the synthetic's total) must equal the chain's;
 * - `maxMint` and `maxWithdraw` are exact: the amount passes and one wei more is refused;
 * - a take's preview (price, collateral, payment, cost against the oracle) equals what `take` does, decoded from its
 *   receipt by the SDK's event decoder; a pre-liquidation preview equals `PreLiquidation.quote`.
 *
 * Deterministic: BALLAST_SDK_SEED picks the sequence (default 1), BALLAST_SDK_ROUNDS the number of lists (default 14).
 */
import { expect } from "chai";
import { network } from "hardhat";
import { createPublicClient, custom } from "viem";
import {
  type Address,
  type Ballast,
  Kind,
  MAX_UINT256,
  type FlowState,
  type Operation,
  type PositionState,
  WAD,
  addressBook,
  createBallast,
  decodeError,
  decodeLogs,
  erc20Calls,
  instrumentCalls,
  lockFor,
  payoffAt,
  poolStateOf,
  readSeries,
  fromEthers,
  flowFigures,
  fromViem,
  maxMint,
  maxWithdraw,
  mulDivDown,
  previewActions,
  previewPreLiquidation,
  valueDown,
} from "../packages/sdk/src/index.js";
import { BETH, BUSD, Op } from "../sdk/params.js";
import { readPositionState } from "../sdk/router.js";
import { type Core, deployCore, fundAndApprove } from "../deploy/local/core.js";
import { answer8, units, wad } from "../sdk/units.js";
import { Rng } from "./lib/bigint-rng.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const { time } = networkHelpers;
const SEED = BigInt(process.env.BALLAST_SDK_SEED ?? "1");
const ROUNDS = Number(process.env.BALLAST_SDK_ROUNDS ?? "14");
const ZERO = ethers.ZeroAddress as Address;
const GAS = 3_000_000n; // explicit: the transaction is mined at the pinned timestamp even when it reverts

type Signer = Awaited<ReturnType<typeof ethers.getSigners>>[number];

interface World {
  core: Core;
  alice: Signer;
  bob: Signer;
  viem: Ballast;
  eth: Ballast;
  assets: Address[];
}

async function world(): Promise<World> {
  const core = await deployCore(ethers);
  const [, alice, bob] = await ethers.getSigners();
  if (alice === undefined || bob === undefined) throw new Error("needs signers");
  await fundAndApprove(core, alice, {
    weth: units("weth", "5000"),
    wbtc: units("wbtc", "100"),
    usdc: units("usdc", "5000000"),
  });
  // alice's float of both synthetics (she repays interest beyond what each fuzzed position minted)
  await (
    await core.vault.connect(alice).batch([
      { op: Op.Open, id: BUSD, asset: ZERO, amount: 0n, to: ZERO },
      { op: Op.Deposit, id: 0n, asset: core.weth, amount: units("weth", "1000"), to: ZERO },
      { op: Op.Mint, id: 0n, asset: ZERO, amount: wad("400000"), to: alice.address },
      { op: Op.Open, id: BETH, asset: ZERO, amount: 0n, to: ZERO },
      { op: Op.Deposit, id: 0n, asset: core.usdc, amount: units("usdc", "2000000"), to: ZERO },
      { op: Op.Mint, id: 0n, asset: ZERO, amount: wad("200"), to: alice.address },
    ])
  ).wait();
  const addresses = addressBook(core.manifest);
  const publicClient = createPublicClient({ transport: custom(connection.provider) });
  const viem = createBallast({ reader: fromViem(publicClient), addresses });
  const eth = createBallast({ reader: fromEthers(ethers.provider), addresses });
  const assets = [core.weth, core.wbtc, core.usdc].map((t) => t.target as Address);
  return { core, alice, bob, viem, eth, assets };
}

/** Pins the next block's timestamp `ahead` [s] after the latest block; returns it. */
async function pin(ahead: bigint): Promise<bigint> {
  const t = BigInt(await time.latest()) + ahead;
  await time.setNextBlockTimestamp(t);
  return t;
}

/** Runs `ops` on position `id` as one batch from alice mined at the pinned timestamp: undefined, or the error thrown. */
async function runBatch(w: World, id: bigint, ops: readonly Operation[]): Promise<unknown> {
  const actions = ops.map((o) => ({
    op: { deposit: Op.Deposit, withdraw: Op.Withdraw, mint: Op.Mint, repay: Op.Repay }[o.op],
    id,
    asset: o.op === "deposit" || o.op === "withdraw" ? o.asset : ZERO,
    amount: o.amount,
    to: o.op === "withdraw" || o.op === "mint" ? w.alice.address : ZERO,
  }));
  try {
    await (await w.core.vault.connect(w.alice).batch(actions, { gasLimit: GAS })).wait();
    return undefined;
  } catch (e) {
    return e;
  }
}

/** The chain's figures of position `id` now, in the preview's shapes. */
async function chainOf(w: World, id: bigint, assets: readonly Address[]) {
  const h = await w.core.lens.healthOf(id);
  const [, synthId] = await w.core.vault.positionOf(id);
  return {
    figures: {
      collateralValue: h.collateralValue,
      mintLimit: h.mintLimit,
      liquidationLimit: h.liquidationLimit,
      debt: h.debt,
      debtValue: h.debtValue,
      health: h.health,
    },
    normDebt: await w.core.lens.normDebtOf(id),
    amounts: await Promise.all(assets.map((a) => w.core.vault.collateralOf(id, a))),
    totalNormDebt: (await w.core.lens.synthetic(synthId)).totalNormDebt,
  };
}

function amountOf(s: PositionState, asset: Address): bigint {
  return s.basket.find((a) => a.asset.toLowerCase() === asset.toLowerCase())?.amount ?? 0n;
}

/** A random operation on the state `s` (the state after the list so far), often at or one past a boundary. */
function randomOp(r: Rng, s: PositionState, assets: readonly Address[]): Operation {
  const asset = assets[Number(r.between(0n, BigInt(assets.length - 1)))] as Address;
  const held = amountOf(s, asset);
  const kind = Number(r.between(0n, 3n));
  const dec = BigInt(s.basket.find((a) => a.asset.toLowerCase() === asset.toLowerCase())?.decimals ?? 18);
  if (kind === 0 || (kind === 1 && held === 0n)) {
    return { op: "deposit", asset, amount: r.between(1n, 20n * 10n ** dec) };
  }
  if (kind === 1) {
    const max = maxWithdraw(s, asset);
    const pick = r.between(0n, 3n);
    const amount = pick === 0n ? max : pick === 1n ? max + 1n : pick === 2n ? held : r.between(1n, held);
    return { op: "withdraw", asset, amount: amount === 0n ? 1n : amount };
  }
  const debt = (s.normDebt * s.index + 10n ** 27n - 1n) / 10n ** 27n;
  if (kind === 2 || debt === 0n) {
    const max = maxMint(s);
    const pick = r.between(0n, 3n);
    const amount = pick === 0n ? max : pick === 1n ? max + 1n : r.between(1n, max > 1n ? max : 2n);
    return { op: "mint", amount: amount === 0n ? s.minDebt : amount };
  }
  const pick = r.between(0n, 3n);
  const amount = pick === 0n ? MAX_UINT256 : pick === 1n ? debt - s.minDebt : r.between(1n, debt);
  return { op: "repay", amount: amount <= 0n ? 1n : amount };
}

describe("SDK previews == chain, to the wei (viem and ethers clients)", function () {
  this.timeout(240_000);

  it("fuzzed baskets and action lists: verdict, refusing error and every figure after equal the chain's", async function () {
    const w = await world();
    const r = new Rng(SEED);
    const positions: bigint[] = [];
    let refused = 0;
    let passed = 0;
    for (let round = 0; round < ROUNDS; round++) {
      if (positions.length === 0 || r.chance(35)) {
        // a new position: a random basket of 1-3 assets, in bUSD or bETH
        const synth = r.chance(30) ? BETH : BUSD;
        const steps: { op: bigint; id: bigint; asset: string; amount: bigint; to: string }[] = [
          { op: Op.Open, id: synth, asset: ZERO, amount: 0n, to: ZERO },
        ];
        for (const [i, a] of w.assets.entries()) {
          if (i > 0 && r.chance(40)) continue;
          const dec = [18n, 8n, 6n][i] as bigint;
          steps.push({
            op: Op.Deposit,
            id: 0n,
            asset: a,
            amount: r.between(10n ** dec / 100n, 30n * 10n ** dec),
            to: ZERO,
          });
        }
        await (await w.core.vault.connect(w.alice).batch(steps)).wait();
        positions.push((await w.core.vault.nextPositionId()) - 1n);
      }
      const id = positions[Number(r.between(0n, BigInt(positions.length - 1)))] as bigint;
      // time passes (interest), the feeds move
      await time.increase(Number(r.between(1n, 30_000n)));
      await w.core.refreshFeeds();
      await w.core.setPrice("weth", answer8(r.between(1_500n, 2_600n).toString()));
      await w.core.setPrice("wbtc", answer8(r.between(40_000n, 70_000n).toString()));
      const at = BigInt(await time.latest()) + r.between(1n, 60n);
      const sdk = round % 2 === 0 ? w.viem : w.eth;
      const state = await sdk.positionState(id, { assets: w.assets, at });
      const ops: Operation[] = [];
      let s = state;
      const n = Number(r.between(1n, 4n));
      for (let i = 0; i < n; i++) {
        ops.push(randomOp(r, s, w.assets));
        const p = previewActions(state, ops);
        if (!p.ok) break;
        s = p.after;
      }
      const preview = previewActions(state, ops);
      const before = await chainOf(w, id, w.assets);
      await time.setNextBlockTimestamp(at);
      const error = await runBatch(w, id, ops);
      const where = `round ${round}, position ${id}, ops ${JSON.stringify(ops, (_, v) => (typeof v === "bigint" ? `${v}` : v))}`;
      if (preview.ok) {
        expect(error, `${where}: the chain refused what the preview passed: ${String(error)}`).to.equal(undefined);
        passed++;
        const after = await chainOf(w, id, w.assets);
        expect(BigInt(await time.latest()), where).to.equal(at);
        expect(after.figures, where).to.deep.equal(preview.figures);
        expect(after.normDebt, where).to.equal(preview.after.normDebt);
        expect(after.amounts, where).to.deep.equal(w.assets.map((a) => amountOf(preview.after, a)));
        expect(after.totalNormDebt, where).to.equal(preview.after.totalNormDebt);
        // the client's own read of the chain's figures agrees
        expect(await sdk.health(id), where).to.deep.equal(preview.figures);
      } else {
        expect(error, `${where}: the chain passed what the preview refused (${preview.failure?.error})`).to.not.equal(
          undefined,
        );
        refused++;
        if (process.env.BALLAST_SDK_DEBUG)
          console.log(
            preview.failure?.error,
            preview.failure?.index,
            ops.map((o) => o.op),
          );
        const decoded = await decodeError(error);
        expect(decoded?.name, `${where}: ${String(error)}`).to.equal(preview.failure?.error);
        expect(decoded?.sentence.length ?? 0).to.be.greaterThan(10);
        expect((await chainOf(w, id, w.assets)).amounts, where).to.deep.equal(before.amounts);
      }
    }
    if (process.env.BALLAST_SDK_DEBUG) console.log({ passed, refused });
    // the fuzz covered both verdicts
    expect(passed, `passed ${passed}, refused ${refused}`).to.be.greaterThan(2);
    expect(refused, `passed ${passed}, refused ${refused}`).to.be.greaterThan(1);
  });

  it("maxMint and maxWithdraw are exact: the amount passes, one wei more is refused; both clients read the same state", async function () {
    const w = await world();
    await (
      await w.core.vault.connect(w.alice).batch([
        { op: Op.Open, id: BUSD, asset: ZERO, amount: 0n, to: ZERO },
        { op: Op.Deposit, id: 0n, asset: w.assets[0] as Address, amount: units("weth", "3.3333"), to: ZERO },
        { op: Op.Deposit, id: 0n, asset: w.assets[1] as Address, amount: units("wbtc", "0.12345678"), to: ZERO },
        { op: Op.Deposit, id: 0n, asset: w.assets[2] as Address, amount: units("usdc", "777.777777"), to: ZERO },
        { op: Op.Mint, id: 0n, asset: ZERO, amount: wad("1234.5"), to: w.alice.address },
      ])
    ).wait();
    const id = (await w.core.vault.nextPositionId()) - 1n;
    await time.increase(86_000);
    await w.core.refreshFeeds();
    const at = BigInt(await time.latest()) + 17n;
    const [sv, se] = await Promise.all([w.viem.positionState(id, { at }), w.eth.positionState(id, { at })]);
    expect(sv).to.deep.equal(se);
    // the Router's flows preview the same state: the client's read equals the ethers reader's (sdk/router.ts), which
    // test/router.test.ts checks the flows against
    const flow = await readPositionState(
      { vault: w.core.vault, lens: w.core.lens, oracle: w.core.oracle, runner: ethers.provider },
      id,
      BUSD,
      w.assets,
      at,
    );
    const mine: FlowState = sv;
    expect(flowFigures(mine)).to.deep.equal(flowFigures(flow));
    expect([sv.index, sv.normDebt, sv.synthPrice, sv.minDebt, sv.flashFeeBps]).to.deep.equal([
      flow.index,
      flow.normDebt,
      flow.synthPrice,
      flow.minDebt,
      flow.flashFeeBps,
    ]);
    const m = maxMint(sv);
    expect(m).to.equal(await w.eth.maxMint(id, { at }));
    expect(m).to.be.greaterThan(wad("1000"));
    const snap = await networkHelpers.takeSnapshot();
    await time.setNextBlockTimestamp(at);
    const over = await runBatch(w, id, [{ op: "mint", amount: m + 1n }]);
    expect((await decodeError(over))?.name, String(over)).to.equal("MintLimitExceeded");
    await snap.restore();
    await time.setNextBlockTimestamp(at);
    expect(await runBatch(w, id, [{ op: "mint", amount: m }])).to.equal(undefined);
    const h = (await chainOf(w, id, w.assets)).figures;
    expect(h.debtValue).to.be.at.most(h.mintLimit);
    expect(h).to.deep.equal(previewActions(sv, [{ op: "mint", amount: m }]).figures);

    // withdrawal: at the limit now (just minted the most), so some room comes from repaying first
    await (await w.core.vault.connect(w.alice).repay(id, wad("500"))).wait();
    for (const [i, asset] of w.assets.entries()) {
      const at2 = BigInt(await time.latest()) + 5n + BigInt(i);
      const st = await (i % 2 === 0 ? w.viem : w.eth).positionState(id, { at: at2 });
      const x = maxWithdraw(st, asset);
      expect(x, `asset ${i}`).to.be.greaterThan(0n);
      expect(x, `asset ${i}`).to.be.lessThan(amountOf(st, asset)); // the debt holds some back
      const snap2 = await networkHelpers.takeSnapshot();
      await time.setNextBlockTimestamp(at2);
      const err = await runBatch(w, id, [{ op: "withdraw", asset, amount: x + 1n }]);
      expect((await decodeError(err))?.name, String(err)).to.equal("MintLimitExceeded");
      await snap2.restore();
      await time.setNextBlockTimestamp(at2);
      expect(await runBatch(w, id, [{ op: "withdraw", asset, amount: x }])).to.equal(undefined);
      expect(await w.core.vault.collateralOf(id, asset)).to.equal(amountOf(st, asset) - x);
      await snap2.restore();
    }

    // the system's parameters as the client reads them
    const sp = await w.viem.systemParameters();
    expect(sp.assets.map((a) => a.asset)).to.deep.equal(await w.core.vault.assets());
    const wethCfg = await w.core.vault.assetConfig(w.assets[0] as Address);
    expect([sp.assets[0]?.maxLtvBps, sp.assets[0]?.liqThresholdBps, sp.assets[0]?.decimals]).to.deep.equal([
      wethCfg.maxLtvBps,
      wethCfg.liqThresholdBps,
      Number(wethCfg.decimals),
    ]);
    expect(sp.synthetics.map((x) => x.token)).to.deep.equal([w.core.busd.target, w.core.beth.target]);
    expect(sp.paused).to.equal(false);
    const rules = await w.core.engine.auctionParams();
    expect([sp.auctionRules.startBufferBps, sp.auctionRules.maxDuration]).to.deep.equal([
      rules.startBufferBps,
      rules.maxDuration,
    ]);

    // the WETH liquidation price: an answer a millionth under it liquidates, a millionth over it does not (the
    // seconds of interest between the read and the check move it by about a billionth)
    const lp = (await w.eth.liquidationPrices(id)).find((x) => x.asset === w.assets[0])?.liquidationPrice;
    if (lp === undefined) throw new Error("no WETH liquidation price");
    expect(lp.rising).to.equal(false);
    const answer = lp.price / 10n ** 10n; // [8 decimals]
    await w.core.setPrice("weth", answer - answer / 1_000_000n);
    expect((await w.core.lens.healthOf(id)).health).to.be.lessThan(WAD);
    await w.core.setPrice("weth", answer + answer / 1_000_000n);
    expect((await w.core.lens.healthOf(id)).health).to.be.at.least(WAD);
  });

  it("a take's preview (price, collateral, payment, cost against the oracle) equals the take; pre-liquidation quote too", async function () {
    const w = await world();
    const weth = w.assets[0] as Address;
    // a position at 90% of its minting limit in WETH, then WETH falls: first into the pre-liquidation band, then below 1
    await (
      await w.core.vault.connect(w.alice).batch([
        { op: Op.Open, id: BUSD, asset: ZERO, amount: 0n, to: ZERO },
        { op: Op.Deposit, id: 0n, asset: weth, amount: units("weth", "10"), to: ZERO },
        { op: Op.Mint, id: 0n, asset: ZERO, amount: wad("14400"), to: w.alice.address },
      ])
    ).wait();
    const id = (await w.core.vault.nextPositionId()) - 1n;
    await w.core.setPrice("weth", answer8("1650")); // health 10 × 1650 × 0.85 / 14400 = 0.974 .. band first:
    await w.core.setPrice("weth", answer8("1780")); // 1.05: in the band [1, 1.10)
    const policy = await w.viem.preLiquidationPolicy();
    const st = await w.viem.positionState(id);
    for (const repay of [wad("100"), wad("5000"), MAX_UINT256]) {
      const q = previewPreLiquidation(st, policy, weth, repay);
      const chain = await w.core.preLiquidation.quote(id, repay, weth);
      expect("refused" in q ? undefined : q, `repay ${repay}`).to.deep.equal({
        health: chain.health,
        closeFactor: chain.closeFactor,
        incentive: chain.incentive,
        maxRepay: chain.maxRepay,
        repay: chain.repay,
        seized: chain.seized,
      });
    }

    await w.core.setPrice("weth", answer8("1650"));
    const auctionId = await w.core.engine.nextAuctionId();
    await (await w.core.engine.connect(w.bob).liquidate(id)).wait();
    await (await w.core.busd.connect(w.alice).approve(w.core.engine, MAX_UINT256)).wait();
    const a0 = await w.eth.auction(auctionId);
    if (a0 === undefined) throw new Error("no auction");
    const r = new Rng(SEED + 3n);
    let takes = 0;
    for (let i = 0; i < 4 && (await w.eth.auction(auctionId)) !== undefined; i++) {
      const a = await w.eth.auction(auctionId);
      if (a === undefined) break;
      const at = await pin(r.between(30n, 400n));
      const maxCollateral = i < 2 ? r.between(a.lot / 10n, a.lot / 2n) : MAX_UINT256;
      const sdk = i % 2 === 0 ? w.viem : w.eth;
      const p = await sdk.previewTake(auctionId, maxCollateral, { at });
      const wethBefore = await w.core.weth.balanceOf(w.alice);
      const busdBefore = await w.core.busd.balanceOf(w.alice);
      let receipt;
      try {
        receipt = await (
          await w.core.engine
            .connect(w.alice)
            .take(auctionId, maxCollateral, MAX_UINT256, w.alice, "0x", { gasLimit: GAS })
        ).wait();
      } catch (e) {
        expect("refused" in p ? p.refused : "passed", String(e)).to.equal((await decodeError(e))?.name);
        continue;
      }
      if ("refused" in p) throw new Error(`the preview refused (${p.refused}) a take the chain ran`);
      takes++;
      const events = decodeLogs(receipt?.logs ?? []);
      const take = events.find((e) => e.eventName === "Take");
      if (take === undefined || take.eventName !== "Take") throw new Error("no Take event");
      expect(take.args.price).to.equal(p.price);
      expect(take.args.collateral).to.equal(p.collateral);
      expect(take.args.owe).to.equal(p.owe);
      expect(take.args.burned).to.equal(p.burned);
      expect(take.args.penalty).to.equal(p.penalty);
      expect(await w.core.weth.balanceOf(w.alice)).to.equal(wethBefore + p.collateral);
      expect(await w.core.busd.balanceOf(w.alice)).to.equal(busdBefore - p.owe);
      // the cost against the oracle: what the collateral is worth at the oracle's price, less what was paid
      const oracle = await w.core.oracle.getPrice(weth);
      expect(p.oraclePrice).to.equal(oracle);
      expect(p.oracleValue).to.equal(valueDown(p.collateral, oracle, 18));
      expect(p.gain).to.equal(p.oracleValue - p.owe);
      expect(p.discountBps).to.equal(((oracle - p.price) * 10_000n) / oracle);
      expect(mulDivDown(p.owe, WAD, p.collateral)).to.be.at.most(p.price);
      const ended = events.some((e) => e.eventName === "AuctionEnded");
      expect(ended).to.equal(p.ended);
    }
    expect(takes).to.be.greaterThan(0);
  });

  it("instruments: the client's series read equals the ethers reader's, and payoffAt previews equal the contract's; writes built by the SDK's calldata", async function () {
    const w = await world();
    const iv = w.core.instruments;
    const weth = w.assets[0] as Address;
    const usdc = w.assets[2] as Address;
    const calls = instrumentCalls(iv.target as Address);
    const expiry = BigInt(await time.latest()) + 3_600n;
    const ids: bigint[] = [];
    for (const [kind, collateral, strike] of [
      [Kind.Call, weth, wad("2100")],
      [Kind.Put, usdc, wad("1900.5")],
      [Kind.BinaryUp, usdc, wad("2000")],
    ] as const) {
      await (await w.alice.sendTransaction(calls.createSeries(weth, collateral, kind, strike, expiry))).wait();
      const id = await iv.seriesCount();
      ids.push(id);
      const terms = await w.viem.series(id);
      const units = wad("3.3") + BigInt(kind);
      const token = collateral === weth ? w.core.weth : w.core.usdc;
      await (await w.alice.sendTransaction(erc20Calls(collateral).approve(iv.target as Address))).wait();
      const before = await token.balanceOf(w.alice);
      await (
        await w.alice.sendTransaction(calls.write(id, units, w.alice.address as Address, w.bob.address as Address))
      ).wait();
      expect(before - (await token.balanceOf(w.alice))).to.equal(lockFor(terms, units)); // the lock, rounded up
    }
    const all = await w.eth.listSeries();
    expect(all.map((x) => x.id)).to.deep.equal(ids);
    for (const id of ids) {
      const mine = await w.viem.series(id);
      expect(mine).to.deep.equal(await readSeries(iv, id));
      for (const price of [wad("1500"), wad("1900.5"), wad("2000"), wad("2000") + 1n, wad("2500")]) {
        for (const short of [false, true]) {
          const units = wad("1.25");
          expect(payoffAt(mine, poolStateOf(mine), price, short, units), `series ${id} at ${price}`).to.equal(
            await iv.payoffAt(id, price, short, units),
          );
        }
      }
    }
  });
});
