/**
 * Differential test of the TypeScript payoff table (sdk/instruments.ts) against the InstrumentVault on the embedded
 * network, to the wei: over random kinds, underlying and collateral decimals (0, 2, 6, 8, 18, 36), strikes and
 * prices (the strike itself and one feed unit either side of it among them), what a write locks (`write`'s return),
 * what a pair burn releases, `payoffAt` for both sides before settlement, the pools the first redemption fixes, and
 * what each holder's redemptions pay.
 *
 * And `findSettlementRound` / `planSettlement` on a feed with phases (a Chainlink proxy's round ids): the rounds they
 * pick are the ones the contract accepts, by `settle` across a phase boundary and by `settleFallback` when the first
 * round after expiry came too late.
 *
 * Deterministic: BALLAST_DIFF_SEED picks the sequence (default 1), BALLAST_INSTRUMENT_RUNS the number of settled
 * series (default 36). A failure names the seed and the case.
 */
import { expect } from "chai";
import { network } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import {
  AccessManager__factory,
  InstrumentVault__factory,
  type InstrumentVault,
  MockERC20__factory,
  type MockERC20,
  MockRoundFeed__factory,
  MockV3Aggregator__factory,
  type MockV3Aggregator,
  OracleAdapter__factory,
} from "../typechain-types/index.js";
import {
  KIND_NAMES,
  Kind,
  type PayoffTerms,
  lockFor,
  pairRelease,
  payoffAt,
  poolStateOf,
  planSettlement,
  poolsAt,
  readSeries,
  findSettlementRound,
} from "../sdk/instruments.js";
import { Rng } from "./lib/bigint-rng.js";

const { ethers, networkHelpers } = await network.create();
const { time } = networkHelpers;
const SEED = BigInt(process.env.BALLAST_DIFF_SEED ?? "1");
const RUNS = Number(process.env.BALLAST_INSTRUMENT_RUNS ?? "36");
const DECIMALS = [0, 2, 6, 8, 18, 36];
const FEED_DECIMALS = 8;
const TO_WAD = 10n ** 10n; // feed answers [8 decimals] to [wad]
const DISPUTE = 600n; // [s] the shortest dispute window
const WAD = 10n ** 18n;

describe("instruments: the TypeScript payoff table against the InstrumentVault (sdk/instruments.ts)", function () {
  let deployer: HardhatEthersSigner;
  let writer: HardhatEthersSigner;
  let other: HardhatEthersSigner;
  let vault: InstrumentVault;
  let oracleAddress: string;
  /** Underlyings by decimals, each with its own feed; quote assets by decimals. */
  const underlyings = new Map<number, { token: MockERC20; feed: MockV3Aggregator }>();
  const quotes = new Map<number, MockERC20>();

  before(async function () {
    const [a, b, c] = await ethers.getSigners();
    if (a === undefined || b === undefined || c === undefined) throw new Error("needs three signers");
    [deployer, writer, other] = [a, b, c];
    const manager = await new AccessManager__factory(deployer).deploy(deployer.address);
    const oracle = await new OracleAdapter__factory(deployer).deploy(manager, ethers.ZeroAddress, 0);
    vault = await new InstrumentVault__factory(deployer).deploy(manager, oracle, {
      disputeWindow: DISPUTE,
      maxCorrectionBps: 200,
      fallbackDelay: 86_400,
      voidDelay: 30 * 86_400,
    });
    oracleAddress = await oracle.getAddress();
    const none = { aggregator: ethers.ZeroAddress, maxAge: 0, minAnswer: 0n, maxAnswer: 0n };
    for (const d of DECIMALS) {
      const token = await new MockERC20__factory(deployer).deploy(`U${d}`, `U${d}`, d);
      const feed = await new MockV3Aggregator__factory(deployer).deploy(FEED_DECIMALS, 2_000n * 10n ** 8n);
      const primary = { aggregator: await feed.getAddress(), maxAge: 86_400, minAnswer: 1n, maxAnswer: 10n ** 30n };
      await (await oracle.setFeeds(token, primary, none, 0)).wait();
      await (await vault.setUnderlying(token, true)).wait();
      underlyings.set(d, { token, feed });
      const quote = await new MockERC20__factory(deployer).deploy(`Q${d}`, `Q${d}`, d);
      await (await vault.setQuote(quote, true)).wait();
      quotes.set(d, quote);
    }
  });

  it("write, burnPair, payoffAt, the pools and redeem agree with the TypeScript to the wei", async function () {
    const rng = new Rng(SEED);
    let checked = 0;
    for (let run = 0; run < RUNS; run++) {
      const kind = run % 4; // every kind as often
      const ud = rng.pick(DECIMALS);
      const cd = kind === Kind.Call ? ud : rng.pick(DECIMALS);
      const u = underlyings.get(ud);
      const collateral = kind === Kind.Call ? u?.token : quotes.get(cd);
      if (u === undefined || collateral === undefined) throw new Error("setup");
      // the settlement answer [8 decimals]; the strike at it, one feed unit either side, or anywhere
      const answer = rng.logUniform(2, 13);
      const shape = run % 3;
      const strike =
        shape === 0 ? answer * TO_WAD : shape === 1 ? (answer + rng.pick([-1n, 1n])) * TO_WAD : rng.logUniform(9, 26);
      const terms: PayoffTerms = { kind, strike, underlyingDecimals: ud, collateralDecimals: cd };
      const label = `seed ${SEED} run ${run}: ${KIND_NAMES[kind]} U${ud}/C${cd} strike ${strike} answer ${answer}`;

      const now = BigInt(await time.latest());
      const expiry = now + 1_000n;
      const id = await vault.createSeries.staticCall(u.token, collateral, kind, strike, expiry);
      await (await vault.createSeries(u.token, collateral, kind, strike, expiry)).wait();

      // two writes of random size (dust among them), to two holders
      const sizes = [rng.pick([1n, 7n, 10n ** 9n + 3n, rng.logUniform(12, 24)]), rng.logUniform(0, 23)];
      for (const [i, units] of sizes.entries()) {
        const w = i === 0 ? writer : other;
        const lock = lockFor(terms, units);
        await (await collateral.mint(w.address, lock)).wait();
        await (await collateral.connect(w).approve(vault, lock)).wait();
        const locked = await vault.connect(w).write.staticCall(id, units, w.address, w.address);
        expect(locked, `${label}: write(${units}) locks`).to.equal(lock);
        await (await vault.connect(w).write(id, units, w.address, w.address)).wait();
      }
      // a pair burn of part of the first write releases its share, rounded down
      let s = await readSeries(vault, id);
      const burn = (sizes[0] ?? 0n) / 3n;
      const release = pairRelease(burn, s.locked, s.units);
      if (release > 0n) {
        expect(await vault.connect(writer).burnPair.staticCall(id, burn, writer.address), `${label}: burn`).to.equal(
          release,
        );
        await (await vault.connect(writer).burnPair(id, burn, writer.address)).wait();
        s = await readSeries(vault, id);
      }
      // before settlement: payoffAt at the strike, either side of it and at random prices, both sides
      const prices = [strike, strike + 1n, strike > 1n ? strike - 1n : 1n, answer * TO_WAD, rng.logUniform(8, 27)];
      for (const price of prices) {
        for (const short of [false, true]) {
          const units = rng.between(1n, s.units);
          expect(await vault.payoffAt(id, price, short, units), `${label}: payoffAt(${price}, ${short})`).to.equal(
            payoffAt(terms, poolStateOf(s), price, short, units),
          );
          checked++;
        }
      }

      // settle at the answer, published after expiry; redeem after the dispute window
      await time.increaseTo(expiry + 10n);
      await (await u.feed.updateAnswer(answer)).wait();
      const round = await u.feed.latestRound();
      await (await vault.settle(id, round, round - 1n)).wait();
      await time.increase(DISPUTE);
      const price = answer * TO_WAD;
      const pools = poolsAt(terms, s.units, s.locked, price);
      const holders = [
        { who: writer, units: await vault.balanceOf(writer, id << 1n) },
        { who: other, units: await vault.balanceOf(other, id << 1n) },
      ];
      for (const short of [false, true]) {
        for (const h of holders) {
          // a part, then the rest: each redemption its share of the fixed pool, rounded down
          const part = h.units / 2n;
          for (const units of [part, h.units - part]) {
            if (units === 0n) continue;
            const expected = (units * (short ? pools.shortPool : pools.longPool)) / s.units;
            const paid = await vault.connect(h.who).redeem.staticCall(id, short, units, h.who.address);
            expect(paid, `${label}: redeem ${short ? "short" : "long"} ${units}`).to.equal(expected);
            await (await vault.connect(h.who).redeem(id, short, units, h.who.address)).wait();
            checked++;
          }
        }
      }
      const after = await readSeries(vault, id);
      expect([after.state.longPool, after.state.shortPool], `${label}: pools`).to.deep.equal([
        pools.longPool,
        pools.shortPool,
      ]);
      // nothing paid beyond what was locked: the dust that rounding kept stays in the series
      expect(after.locked >= 0n && after.locked <= s.locked, `${label}: locked after`).to.equal(true);
      // the finalized payoffAt reads the fixed pools
      expect(await vault.payoffAt(id, 0n, false, s.units)).to.equal(
        payoffAt(terms, poolStateOf(after), 0n, false, s.units),
      );
    }
    expect(checked).to.be.greaterThan(RUNS * 10);
  });
  it("findSettlementRound(): walks back across a phase boundary to the round settle() accepts; the fallback when the first is late", async function () {
    const oracle = OracleAdapter__factory.connect(oracleAddress, deployer);
    const token = await new MockERC20__factory(deployer).deploy("P", "P", 18);
    const feed = await new MockRoundFeed__factory(deployer).deploy(FEED_DECIMALS);
    const MAX_AGE = 3_600n;
    const t0 = BigInt(await time.latest());
    await (await feed.push(2_000n * 10n ** 8n, t0)).wait();
    const primary = { aggregator: await feed.getAddress(), maxAge: MAX_AGE, minAnswer: 1n, maxAnswer: 10n ** 30n };
    const none = { aggregator: ethers.ZeroAddress, maxAge: 0, minAnswer: 0n, maxAnswer: 0n };
    await (await oracle.setFeeds(token, primary, none, 0)).wait();
    await (await vault.setUnderlying(token, true)).wait();
    const quote = quotes.get(6);
    if (quote === undefined) throw new Error("setup");
    const expiry = t0 + 1_000n;
    const params = { fallbackDelay: 86_400n, voidDelay: 30n * 86_400n };
    const create = async (strike: bigint): Promise<bigint> => {
      const id = await vault.createSeries.staticCall(token, quote, Kind.BinaryDown, strike, expiry);
      await (await vault.createSeries(token, quote, Kind.BinaryDown, strike, expiry)).wait();
      return id;
    };
    const a = await create(1_900n * WAD);
    const b = await create(1_800n * WAD);

    // phase 1 ends before expiry with rounds 1..5; phase 2 starts after expiry
    for (let i = 1n; i <= 4n; i++) await (await feed.push((2_000n - i) * 10n ** 8n, t0 + i * 100n)).wait();
    const lastBefore = await feed.latestRound();
    await time.increaseTo(expiry + 50n);
    let now = BigInt(await time.latest());
    // nothing at or after expiry yet: the last round before it is the fallback candidate, and the plan waits
    let rounds = await findSettlementRound(feed, expiry);
    expect([rounds.round, rounds.fallback?.roundId]).to.deep.equal([undefined, lastBefore]);
    let plan = planSettlement(await readSeries(vault, a), rounds, now, params);
    expect(plan.action).to.equal("wait");
    await (await feed.startPhase()).wait();
    const first = await feed.push.staticCall(1_850n * 10n ** 8n, expiry + 60n);
    await (await feed.push(1_850n * 10n ** 8n, expiry + 60n)).wait();
    for (let i = 1n; i <= 3n; i++) await (await feed.push(1_700n * 10n ** 8n, expiry + 60n + i * 10n)).wait();
    expect(first).to.equal((2n << 64n) | 1n);
    rounds = await findSettlementRound(feed, expiry);
    expect([rounds.round?.roundId, rounds.previous?.roundId, rounds.fallback?.roundId]).to.deep.equal([
      first,
      lastBefore,
      lastBefore,
    ]);
    now = BigInt(await time.latest());
    plan = planSettlement(await readSeries(vault, a), rounds, now, params);
    if (plan.action !== "settle") throw new Error(`planned ${plan.action}: ${plan.why}`);
    expect([plan.roundId, plan.previousRoundId, plan.price]).to.deep.equal([first, lastBefore, 1_850n * WAD]);
    await (await vault.settle(a, plan.roundId, plan.previousRoundId)).wait();
    const settled = await readSeries(vault, a);
    expect([settled.state.roundId, settled.state.price]).to.deep.equal([first, 1_850n * WAD]);
    // the walk is bounded: a smaller bound than the rounds since expiry says so
    await findSettlementRound(feed, expiry, { maxSteps: 2 }).then(
      () => expect.fail("walked past maxSteps"),
      (e: Error) => expect(e.message).to.match(/more than 2 rounds of the feed since expiry/),
    );

    // series b, on a feed whose first round after expiry is late (more than maxAge): the fallback, once open
    const late = await new MockRoundFeed__factory(deployer).deploy(FEED_DECIMALS);
    const t1 = BigInt(await time.latest());
    await (await late.push(1_500n * 10n ** 8n, t1)).wait();
    const token2 = await new MockERC20__factory(deployer).deploy("L", "L", 18);
    await (await oracle.setFeeds(token2, { ...primary, aggregator: await late.getAddress() }, none, 0)).wait();
    await (await vault.setUnderlying(token2, true)).wait();
    const expiry2 = t1 + 500n;
    const c = await vault.createSeries.staticCall(token2, quote, Kind.BinaryDown, 1_600n * WAD, expiry2);
    await (await vault.createSeries(token2, quote, Kind.BinaryDown, 1_600n * WAD, expiry2)).wait();
    await (await late.push(1_520n * 10n ** 8n, expiry2 - 10n)).wait();
    await (await late.push(1_400n * 10n ** 8n, expiry2 + MAX_AGE + 1n)).wait();
    await time.increaseTo(expiry2 + MAX_AGE + 100n);
    rounds = await findSettlementRound(late, expiry2);
    plan = planSettlement(await readSeries(vault, c), rounds, BigInt(await time.latest()), params);
    expect(plan.action).to.equal("wait");
    expect(plan.why).to.match(/more than the feed's maximum age/);
    expect(plan.action === "wait" ? plan.until : 0n).to.equal(expiry2 + params.fallbackDelay);
    await time.increaseTo(expiry2 + params.fallbackDelay);
    plan = planSettlement(await readSeries(vault, c), rounds, BigInt(await time.latest()), params);
    if (plan.action !== "fallback") throw new Error(`planned ${plan.action}: ${plan.why}`);
    expect(plan.price).to.equal(1_520n * WAD);
    await (await vault.settleFallback(c, plan.roundId)).wait();
    expect((await readSeries(vault, c)).state.source).to.equal(2);
    // b, on the first feed, is untouched: it still plans the round a settled on (a primary round stays primary)
    const planB = planSettlement(
      await readSeries(vault, b),
      await findSettlementRound(feed, expiry),
      BigInt(await time.latest()),
      params,
    );
    expect(planB.action === "settle" ? planB.roundId : planB.why).to.equal(first);
  });
});
