/**
 * The keeper's settlement job (keeper/keeper.ts, `instruments`) on the embedded network with Chainlink
 * `MockV3Aggregator` feeds (they keep their rounds): an expired series is settled at the first round of its feed at or
 * after expiry, found with sdk/instruments.ts; before expiry nothing happens, and after expiry without such a round the
 * keeper skips it, saying why, until the round comes.
 */
import { expect } from "chai";
import { network } from "hardhat";
import { deployCore } from "../deploy/local/core.js";
import { answer8, units } from "../sdk/units.js";
import { Keeper, OracleVenue, type Skip, staticPositionSource } from "../keeper/keeper.js";
import { Kind, PriceSource, readSeries } from "../sdk/instruments.js";

const { ethers, networkHelpers } = await network.create();
const { time } = networkHelpers;
const WAD = 10n ** 18n;

describe("keeper: the settlement job of options and binaries", function () {
  it("settles an expired series at the first round at or after expiry, and not before", async function () {
    const core = await deployCore(ethers, { feeds: "chainlink" });
    const [, alice, keeperSigner] = await ethers.getSigners();
    if (alice === undefined || keeperSigner === undefined) throw new Error("needs three signers");
    const expiry = BigInt(await time.latest()) + 3_600n;
    const strike = 2_500n * WAD;
    await (await core.instruments.createSeries(core.weth, core.weth, Kind.Call, strike, expiry)).wait();
    await (await core.weth.mint(alice.address, units("weth", "1"))).wait();
    await (await core.weth.connect(alice).approve(core.instruments, units("weth", "1"))).wait();
    await (await core.instruments.connect(alice).write(1n, WAD, alice.address, alice.address)).wait();
    // series #2: same expiry, nobody wrote any (anyone can create series: the keeper spends no gas on empty ones)
    await (await core.instruments.createSeries(core.weth, core.weth, Kind.Call, strike + WAD, expiry)).wait();

    const lines: string[] = [];
    const keeper = new Keeper({
      engine: core.engine,
      lens: core.lens,
      signer: keeperSigner,
      positions: staticPositionSource([]),
      venue: new OracleVenue(core.oracle, core.vault, core.lens, 0n),
      minProfitBps: 100n,
      instruments: core.instruments,
      log: (l) => lines.push(l),
    });
    const settleSkips = (skips: Skip[]): Skip[] => skips.filter((s) => s.kind === "settle");

    // before expiry: nothing to do, nothing said
    let r = await keeper.tick();
    expect([r.settlements, settleSkips(r.skips)]).to.deep.equal([[], []]);
    expect((await readSeries(core.instruments, 1n)).state.source).to.equal(PriceSource.None);

    // expired, but the feed has published nothing since: a skip that says why
    await time.increaseTo(expiry + 30n);
    r = await keeper.tick();
    expect(r.settlements).to.deep.equal([]);
    expect(settleSkips(r.skips).map((s) => [s.id, s.reason])).to.deep.equal([
      [
        1n,
        "the feed has no round at or after expiry yet: its next round settles it, else the fallback opens later (until " +
          new Date(Number(expiry + 86_400n) * 1000).toISOString() +
          ")",
      ],
    ]);
    expect((await readSeries(core.instruments, 1n)).state.source).to.equal(PriceSource.None);

    // the feed's next round: the keeper settles at it, proven by the round before it
    await core.setPrice("weth", answer8("3000"));
    const round = await core.feeds.weth.latestRound();
    r = await keeper.tick();
    expect(r.settlements.map((x) => [x.seriesId, x.source, x.roundId, x.price])).to.deep.equal([
      [1n, "settle", round, 3_000n * WAD],
    ]);
    const s = await readSeries(core.instruments, 1n);
    expect([s.state.source, s.state.roundId, s.state.price]).to.deep.equal([PriceSource.Round, round, 3_000n * WAD]);
    expect((await readSeries(core.instruments, 2n)).state.source).to.equal(PriceSource.None); // empty: left alone
    expect(lines.join("\n")).to.match(/settle series #1 \(settle round \d+\) at 3000.00 USD: round \d+ is the first/);

    // settled: later ticks leave it alone
    await core.setPrice("weth", answer8("3100"));
    r = await keeper.tick();
    expect([r.settlements, settleSkips(r.skips)]).to.deep.equal([[], []]);
    expect((await readSeries(core.instruments, 1n)).state.price).to.equal(3_000n * WAD);
  });
});
