/**
 * `npm run demo`: the Ballast story on the embedded Hardhat network.
 *
 * Deploys the core (Vault, oracle, synthetics, Treasury, LiquidationEngine) with mocks, opens positions for nine users
 * with different baskets and loan-to-values, lets 30 days of interest accrue and mints the fees to the Treasury (its
 * surplus), then crashes prices the way a real crash goes (ETH -35% and BTC -20% in steps over three and a half
 * hours, with a bounce) while a keeper (keeper/keeper.ts) runs every five minutes: it reads every position's
 * health in one `healthOf(ids)` call, starts liquidations (partial ones, cut down by the auction caps when they bind),
 * takes auctions once their price is 3% under what a mock venue pays (the oracle price less 0.3%), simulating each
 * transaction first, and resets stale auctions. The report shows every auction's clearing price against the oracle
 * price, keeper pay, penalty income and bad debt from the Treasury's history, and the reserves before and after.
 *
 * Before the crash, the peg floor and the savings rate: a market maker swaps USDC into the bUSD/USDC stability module,
 * a saver deposits bUSD into sbUSD, bUSD trades under par for a while and holders leave through the module at par less
 * the 0.1% fee (its reserves fall, the peg holds), then USDC itself depegs and the module refuses swaps in while the
 * exit stays open, and holders redeem bUSD at face value against the positions below the redeemable health. During the crash the keeper also runs the Treasury's surplus policy (pokes, distributions to savers
 * and the buyback, none while a deficit is open); at the end the saver withdraws and the report shows what sbUSD paid.
 *
 * Risk automation runs through the crash: the volatility observer (observed for a calm hour before, then by the keeper
 * every tick) shows volatility rising; before the crash and again an hour in, the risk team runs the risk engine on the
 * chain's snapshot and publishes its recommendations (the steward's room read from the chain: steps toward them, loosenings refused while
 * the volatility gate is closed), compares the outcomes with and without the steward over the same paths, and the
 * keeper applies what the steward accepts; and the watch (watch/evaluate.ts) follows every position and alerts before
 * the liquidations it predicts (the report shows each alert's lead time).
 *
 * Options and binaries: before the crash a writer sells a covered call on WETH (collateral WETH) and a cash-secured
 * binary down paying 1 USDC per contract below $1,500 (collateral USDC), both expiring near the end of the crash; the
 * keeper settles them at the first WETH round at or after expiry (the feeds are Chainlink `MockV3Aggregator`s, which
 * keep their rounds), and after the dispute window the buyer and the writer redeem their sides (the report prints what
 * each got).
 *
 * It also writes a picture, reports/demo.svg (`DEMO_SVG` to write elsewhere): the ETH and BTC oracle prices with the
 * auctions' clearing prices, and the system backing ratio, tick by tick (tools/demo/chart.ts).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { network } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import {
  ASSETS,
  ASSET_KEYS,
  type AssetKey,
  BETH,
  BUSD,
  Op,
  SOURCED_ASSETS,
  SOURCED_ASSET_KEYS,
} from "../../sdk/params.js";
import { explainPrice } from "../../sdk/oracle.js";
import { type Core, deployCore, fundAndApprove, oraclePrice } from "../../deploy/local/core.js";
import { WAD } from "../../sdk/math.js";
import { answer8, units, wad } from "../../sdk/units.js";
import { formatAmount, formatHealth, formatUnitsHuman, formatWad, printTable } from "../../sdk/format.js";
import {
  Keeper,
  type LiquidationDone,
  OracleVenue,
  type TakeDone,
  type ResetDone,
  type TickReport,
  vaultPositionSource,
} from "../../keeper/keeper.js";
import { BPS, mulDivDown, mulDivUp, valueDown } from "../../sdk/math.js";
import { type DemoFrame, renderDemoSvg } from "./chart.js";
import { DEMO_PLANS, type Plan } from "../../deploy/local/portfolio.js";
import { explainFailure } from "../../sdk/errors.js";
import { readSnapshot } from "../../risk/snapshot.js";
import { defaultConfig } from "../../risk/model.js";
import { runRisk } from "../../risk/run.js";
import {
  compareWithSteward,
  planPublication,
  renderComparison,
  renderPublication,
  sendPublication,
} from "../../risk/publish.js";
import { type AlertLevel, MODEL_SHORT, alertLine } from "../../sdk/alerts.js";
import { evaluatePositions, manifestReader } from "../../watch/evaluate.js";
import { parseWatchConfig } from "../../watch/service.js";
import { ObservedVolatility } from "../../watch/volatility.js";
import { STEWARD_PARAMS } from "../../sdk/steward.js";
import { KIND_NAMES, Kind, PRICE_SOURCES, lockFor, readSeries, sideIds } from "../../sdk/instruments.js";

/** The demo's users and their positions (shared with the risk engine's demo portfolio). */
const PLANS: Plan[] = DEMO_PLANS;

const DAY = 86_400;
const MINUTE = 60;
/** The crash: feed answers (USD) at minutes after it starts; ETH ends -35%, BTC -20%, with a bounce on the way. */
const CRASH: { minute: number; eth: string; btc: string }[] = [
  { minute: 0, eth: "1880", btc: "58500" },
  { minute: 30, eth: "1760", btc: "57000" },
  { minute: 60, eth: "1610", btc: "54000" },
  { minute: 90, eth: "1680", btc: "55500" }, // a bounce
  { minute: 120, eth: "1520", btc: "52000" },
  { minute: 150, eth: "1400", btc: "50000" },
  { minute: 180, eth: "1340", btc: "48800" },
  { minute: 210, eth: "1300", btc: "48000" },
];
/** [s] Between keeper ticks. */
const TICK = 5 * MINUTE;
/** Keeper ticks after the last price step, at most (stops earlier once no auction is live). */
const TAIL_TICKS = 60;
/** Auction caps for the demo [wad USD], far below the $10M default so they bind: global and per asset. */
const DEMO_CAPS = { global: wad("40000"), perAsset: wad("25000") };
/** [s] When, after the crash starts, the risk team runs the engine and publishes its recommendations. */
const PUBLISH_AT = 60 * MINUTE;
/** [bps] The keeper's least profit against the venue; the venue pays the oracle price less its spread. */
const MIN_PROFIT_BPS = 300n;
const VENUE_SPREAD_BPS = 30n;

interface Opened {
  plan: Plan;
  id: bigint;
  owner: HardhatEthersSigner;
}

const step = (line: string): void => console.log(`• ${line}`);

// ------------------------------------------------------------------------------------------------------------------

const started = Date.now();
console.log("Ballast demo — embedded Hardhat network\n");
const { ethers, networkHelpers } = await network.create();
const { time } = networkHelpers;
// Chainlink `MockV3Aggregator` feeds: they keep their rounds, which an option series settles on
const core = await deployCore(ethers, { feeds: "chainlink", log: step });
step(`Vault at ${core.addresses.vault}, Treasury at ${core.addresses.treasury}, engine at ${core.addresses.engine}`);
await (await core.engine.setGlobalCap(DEMO_CAPS.global)).wait();
for (const k of ASSET_KEYS) await (await core.engine.setAssetCap(core.tokens[k], DEMO_CAPS.perAsset)).wait();
step(
  `governance sets the auction caps to $${formatWad(DEMO_CAPS.global, 0)} of debt in auction globally and ` +
    `$${formatWad(DEMO_CAPS.perAsset, 0)} per collateral asset`,
);
// and the risk steward's bounds around them: from a tenth to twice each cap, at most half of it per hour, loosened
// only under 100% observed volatility of WETH (the deploy's bounds are around the config's $10M caps)
for (const [target, cap, gate] of [
  [ethers.ZeroAddress, DEMO_CAPS.global, core.weth],
  ...ASSET_KEYS.map((k) => [core.tokens[k], DEMO_CAPS.perAsset, core.tokens[k]] as const),
] as const) {
  const bounds = {
    maxChangeBps: 5_000,
    minInterval: 3_600,
    maxVolatility: WAD,
    volAsset: await gate.getAddress(),
    minValue: cap / 10n,
    maxValue: cap * 2n,
    step: 0n,
  };
  await (await core.steward.setBounds(STEWARD_PARAMS.indexOf("AuctionCap"), target, bounds)).wait();
}
step("governance bounds the risk steward around those caps: a tenth to twice each, half of it an hour at most");

// the collateral priced by sources, as listed: how each price is composed (`ballast oracle <token>` prints the same)
for (const key of SOURCED_ASSET_KEYS) {
  const { token } = core.sourced[key];
  const x = await explainPrice(
    ethers.provider,
    core.addresses.oracle ?? "",
    await token.getAddress(),
    SOURCED_ASSETS[key].symbol,
  );
  const leg =
    x.rate !== undefined
      ? `${SOURCED_ASSETS[key].symbol}: base ${formatWad(x.legs[0]?.value ?? 0n)} × rate ${formatWad(x.rate.raw, 4)} (capped at +${Number(x.rate.maxYearlyGrowthBps) / 100}%/yr)`
      : `${SOURCED_ASSETS[key].symbol}: NAV attested, lapses after ${Number(x.attestation?.ttl ?? 0n) / 86_400} days`;
  step(`listed by a ${x.kind} source — ${leg} = $${formatWad(x.price)} per token`);
}

const signers = await ethers.getSigners();
const opened: Opened[] = [];
for (const [i, plan] of PLANS.entries()) {
  const owner = signers[i + 1];
  if (owner === undefined) throw new Error(`demo: needs ${PLANS.length + 2} signers`);
  opened.push(await openPosition(core, owner, plan));
}
await printPositions("Positions after opening", core, opened);

// 30 days of interest, minted to the Treasury: its surplus pays keepers and absorbs bad debt first
await time.increase(30 * DAY);
await core.refreshFeeds();
step("30 days pass (interest accrues at 5%/yr); the feeds re-publish their answers");
for (const [synthId, symbol] of [
  [BUSD, "bUSD"],
  [BETH, "bETH"],
] as const) {
  const receipt = await (await core.vault.mintFees(synthId)).wait();
  const ev = receipt?.logs.map((l) => core.vault.interface.parseLog(l)).find((e) => e?.name === "FeesMinted");
  step(`mintFees(${symbol}): ${formatWad((ev?.args[2] as bigint | undefined) ?? 0n, 4)} ${symbol} to the Treasury`);
}

// the peg floor: a market maker brings USDC to the module; a saver deposits into sbUSD
const maker = signers[PLANS.length + 2];
const saver = signers[PLANS.length + 3];
if (maker === undefined || saver === undefined) throw new Error(`demo: needs ${PLANS.length + 4} signers`);
console.log("\n=== The peg floor and the savings rate ===");
await (await core.usdc.mint(maker, units("usdc", "200000"))).wait();
await (await core.usdc.connect(maker).approve(core.psm, ethers.MaxUint256)).wait();
await (await core.busd.connect(maker).approve(core.psm, ethers.MaxUint256)).wait();
await (await core.psm.connect(maker).swapIn(units("usdc", "200000"), 0n, maker)).wait();
step(
  `a market maker swaps 200,000 USDC into the bUSD/USDC module for ${formatWad(await core.busd.balanceOf(maker), 2)} bUSD ` +
    `(0.1% to the Treasury); the module holds ${formatUnitsHuman(await core.psm.reserves(), 6, 2)} USDC`,
);
await (await core.busd.connect(maker).transfer(saver, wad("50000"))).wait();
await (await core.busd.connect(saver).approve(core.savings, ethers.MaxUint256)).wait();
await (await core.savings.connect(saver).deposit(wad("50000"), saver)).wait();
const savedShares = await core.savings.balanceOf(saver);
step(`a saver deposits 50,000 bUSD into sbUSD (${formatUnitsHuman(savedShares, 27, 2)} shares)`);
// depeg pressure: bUSD trades at 0.995 elsewhere; holders sell to the module at par less the fee instead
const reservesBefore = await core.psm.reserves();
const [out] = await core.psm.previewSwapOut(wad("120000"));
await (await core.psm.connect(maker).swapOut(wad("120000"), out, maker)).wait();
step(
  `bUSD trades at 0.995 on the market: holders hand 120,000 bUSD to the module for ${formatUnitsHuman(out, 6, 2)} USDC ` +
    `(par less 0.1%), so bUSD's floor holds at 0.999; the module's USDC falls from ${formatUnitsHuman(reservesBefore, 6, 0)} ` +
    `to ${formatUnitsHuman(await core.psm.reserves(), 6, 0)}`,
);
await core.setPrice("usdc", answer8("0.97"));
try {
  await core.psm.connect(maker).swapIn.staticCall(units("usdc", "1000"), 0n, maker);
  throw new Error("demo: the module took a depegged USDC");
} catch (e) {
  step(`USDC depegs to $0.97: the module refuses swaps in (${await explainFailure(e, { vault: core.vault })})`);
}
const [exitOut] = await core.psm.previewSwapOut(wad("1000"));
await (await core.psm.connect(maker).swapOut(wad("1000"), exitOut, maker)).wait();
step(`the exit stays open: 1,000 bUSD still swap out for ${formatUnitsHuman(exitOut, 6, 2)} USDC`);
await core.setPrice("usdc", answer8("1"));
step("USDC is back at $1.00: swaps in reopen");
// face-value redemptions: the holders still selling under par redeem against the positions closest to the edge
const exposed: { id: bigint; health: bigint }[] = [];
for (const o of opened) {
  const x = await core.redemptions.exposureOf(o.id);
  if (x.redeemable) exposed.push({ id: o.id, health: x.health });
}
exposed.sort((a, b) => (a.health < b.health ? -1 : 1));
if (exposed.length === 0) {
  step("no position stands below the redeemable health (1.25): redemptions have nobody to take from");
} else {
  const ids = exposed.map((e) => e.id);
  const fee = await core.redemptions.feeFor(BUSD, wad("5000"));
  await (await core.busd.connect(maker).approve(core.redemptions, ethers.MaxUint256)).wait();
  const receipt = await (await core.redemptions.connect(maker).redeem(BUSD, wad("5000"), ids, fee, maker)).wait();
  const redeemedFrom = (receipt?.logs ?? [])
    .map((l) => {
      try {
        return core.vault.interface.parseLog(l);
      } catch {
        return null;
      }
    })
    .filter((e) => e?.name === "PositionRedeemed")
    .map((e) => `#${String(e?.args[0])}`);
  step(
    `holders redeem 5,000 bUSD at face value (fee ${Number(fee) / 100}%) against the positions below health 1.25, ` +
      `lowest first: ${redeemedFrom.join(", ")} ${redeemedFrom.length === 1 ? "gives" : "give"} up collateral worth ` +
      `the debt less the fee, and ${redeemedFrom.length === 1 ? "its health rises" : "their health rises"}`,
  );
}

// the keeper: pre-funded with bUSD from its own USDC position, watching every position
const keeperSigner = signers[PLANS.length + 1];
if (keeperSigner === undefined) throw new Error(`demo: needs ${PLANS.length + 2} signers`);
await fundAndApprove(core, keeperSigner, { usdc: units("usdc", "250000") });
await (
  await core.vault
    .connect(keeperSigner)
    .openAndMint(BUSD, core.usdc, units("usdc", "250000"), wad("150000"), keeperSigner.address)
).wait();
const keeperFunds = await core.busd.balanceOf(keeperSigner);
step(`keeper ${keeperSigner.address.slice(0, 10)}… holds ${formatWad(keeperFunds)} bUSD (from its own USDC position)`);
const keeperPositions = new Set<bigint>([(await core.vault.nextPositionId()) - 1n]);

// a calm hour: anyone observes the oracle's prices every five minutes (the keeper does it during the crash)
console.log("\n=== A calm hour: the volatility observer ===");
const calmStart = { weth: await core.priceOf("weth"), wbtc: await core.priceOf("wbtc") };
for (let i = 0; i < 15; i++) {
  await time.increase(5 * MINUTE);
  const wiggle = BigInt(10_000 + ((i * 37) % 9) - 4); // within ±0.04%
  await core.setPrice("weth", (calmStart.weth * wiggle) / 10_000n);
  await core.setPrice("wbtc", (calmStart.wbtc * (20_000n - wiggle)) / 10_000n);
  await core.refreshFeeds();
  for (const k of ASSET_KEYS) await (await core.observer.observe(core.tokens[k])).wait();
}
step(`observed every 5 minutes for an hour and a quarter: ${await volatilityLine()}`);

console.log("\n=== Before the crash ===");
const before = await printReserves(core);

// options and binaries, written before the crash: fully backed, settled by the keeper at the first WETH round at or
// after expiry, redeemed after the dispute window
const writer = signers[PLANS.length + 4];
const buyer = signers[PLANS.length + 5];
if (writer === undefined || buyer === undefined) throw new Error(`demo: needs ${PLANS.length + 6} signers`);
console.log("\n=== Options and binaries, before the crash ===");
const OPTION_EXPIRY_MINUTES = 200; // after the crash starts: between its last two price steps
const optionExpiry = BigInt(await time.latest()) + BigInt(OPTION_EXPIRY_MINUTES * MINUTE);
const options: { id: bigint; name: string; units: bigint; decimals: number; symbol: string }[] = [];
for (const o of [
  { name: "covered call", kind: Kind.Call, strike: wad("2200"), collateral: core.weth, key: "weth", units: wad("10") },
  {
    name: "cash-secured binary down",
    kind: Kind.BinaryDown,
    strike: wad("1500"),
    collateral: core.usdc,
    key: "usdc",
    units: wad("10000"),
  },
] as const) {
  const id = await core.instruments.createSeries.staticCall(core.weth, o.collateral, o.kind, o.strike, optionExpiry);
  await (await core.instruments.createSeries(core.weth, o.collateral, o.kind, o.strike, optionExpiry)).wait();
  const s = await readSeries(core.instruments, id);
  const lock = lockFor(s, o.units);
  await (await o.collateral.mint(writer.address, lock)).wait();
  await (await o.collateral.connect(writer).approve(core.instruments, lock)).wait();
  await (await core.instruments.connect(writer).write(id, o.units, buyer.address, writer.address)).wait();
  const { decimals, symbol } = ASSETS[o.key];
  options.push({ id, name: o.name, units: o.units, decimals, symbol });
  step(
    `a writer sells a ${o.name} on WETH (series #${id}: ${KIND_NAMES[o.kind]}, strike $${formatWad(o.strike)}, ` +
      `expiry at t+${OPTION_EXPIRY_MINUTES}m): ${formatWad(o.units, 0)} contracts lock ` +
      `${formatUnitsHuman(lock, decimals, 2)} ${symbol}, the long side to a buyer`,
  );
}

const venue = new OracleVenue(core.oracle, core.vault, core.lens, VENUE_SPREAD_BPS);
let clock = 0; // [s] since the crash started
const stamp = (): string => `[t+${String(Math.floor(clock / 60)).padStart(3, " ")}m]`;
const keeper = new Keeper({
  engine: core.engine,
  lens: core.lens,
  signer: keeperSigner,
  positions: vaultPositionSource(core.vault),
  venue,
  minProfitBps: MIN_PROFIT_BPS,
  // and the Treasury's surplus policy: a poke when the surplus rises above its buffer, a distribution once due
  treasury: core.treasury,
  synthIds: [BUSD, BETH],
  // and the risk job: observations every tick, the steward's recommendations as they become applicable
  risk: { observer: core.observer, riskOracle: core.riskOracle, steward: core.steward },
  // and the settlement job: the option series above, at the first WETH round at or after their expiry
  instruments: core.instruments,
  log: (line) => {
    if (!line.startsWith("skip take") && !line.startsWith("skip observe")) console.log(`  ${stamp()} keeper: ${line}`);
  },
});
const distributions: { at: number; toSavings: bigint; toBuyback: bigint }[] = [];
// the watch over the owners' positions, on the observer's volatility (the configured one until it has samples)
const watchConfig = parseWatchConfig({}, {}, "default");
const watchReader = manifestReader(core.manifest, { vault: core.vault, lens: core.lens, oracle: core.oracle });
const watchOptions = {
  horizonHours: watchConfig.horizonHours,
  thresholds: watchConfig.thresholds,
  volatility: new ObservedVolatility(core.addresses.observer ?? "", ethers.provider, 3_600),
  network: "default",
  chainId: 31_337n,
};
let watchLevels = new Map<bigint, AlertLevel>();
const firstAlert = new Map<bigint, { at: number; level: AlertLevel; p: number }>();

interface TakeRow extends TakeDone {
  at: number; // [s] since the crash started
  oracle: bigint; // [wad] oracle price of the asset in the synthetic at the take
}
const liquidations: (LiquidationDone & { at: number; health: bigint })[] = [];
const takes: TakeRow[] = [];
const resets: (ResetDone & { at: number })[] = [];
let capSkips = 0;
const frames: DemoFrame[] = []; // one per keeper tick, for the picture

console.log("\n=== The risk team's routine run, before the crash ===");
await publishRecommendations();
await keeper.tick(); // the keeper applies what the steward accepts
console.log(
  `\n=== The crash: ETH and BTC fall in steps over ${CRASH[CRASH.length - 1]?.minute ?? 0} minutes; the keeper ticks every ${TICK / 60} minutes ===`,
);
let stepIndex = 0;
let tail = 0;
for (;;) {
  const next = CRASH[stepIndex];
  if (next !== undefined && clock >= next.minute * MINUTE) {
    await core.setPrice("weth", answer8(next.eth));
    await core.setPrice("wbtc", answer8(next.btc));
    await core.setPrice("usdc", await core.priceOf("usdc"));
    console.log(`  ${stamp()} prices: ETH $${next.eth}, BTC $${next.btc}; ${await volatilityLine()}`);
    stepIndex++;
    if (clock === PUBLISH_AT) await publishRecommendations();
  }
  // the watch: every position's level, an alert when one crosses into a higher level
  const watched = await evaluatePositions(
    watchReader,
    opened.map((o) => o.id),
    { ...watchOptions, previous: watchLevels },
  );
  for (const a of watched.alerts) {
    if (a.kind !== "alert") continue;
    console.log(`  ${stamp()} watch: ${alertLine(a)}`);
    if (!firstAlert.has(a.risk.id)) firstAlert.set(a.risk.id, { at: clock, level: a.level, p: a.risk.probability });
  }
  watchLevels = watched.levels;
  const healthBefore = new Map<bigint, bigint>();
  const ids = (await vaultPositionSource(core.vault).positionIds()).filter((id) => !keeperPositions.has(id));
  const [hs, ok] = await core.lens.liquidationHealthOf(ids);
  ids.forEach((id, i) => {
    if (ok[i] === true) healthBefore.set(id, hs[i] ?? 0n);
  });

  const r = await keeper.tick();
  for (const l of r.liquidations) liquidations.push({ ...l, at: clock, health: healthBefore.get(l.positionId) ?? 0n });
  for (const t of r.takes) takes.push({ ...t, at: clock, oracle: await venue.marketPrice(t.asset, t.synthId) });
  for (const x of r.resets) resets.push({ ...x, at: clock });
  for (const d of r.distributions) distributions.push({ at: clock, toSavings: d.toSavings, toBuyback: d.toBuyback });
  for (const s of r.skips) {
    if (s.kind === "liquidate" && s.error === "AuctionCapReached") capSkips++;
  }
  frames.push(await frameNow(r));

  if (stepIndex >= CRASH.length) {
    tail++;
    const live = await core.engine.auctionCount();
    const unhealthy = r.unhealthy.filter((id) => !keeperPositions.has(id)).length;
    if ((live === 0n && unhealthy === 0) || tail >= TAIL_TICKS) break;
  }
  await time.increase(TICK);
  clock += TICK;
}
const live = await core.engine.auctionCount();
console.log(`  ${stamp()} keeper stops: ${live} auction(s) still live`);
// keeper pay is credited on each liquidation and reset; the keeper withdraws it in one claim per synthetic
for (const [synthId, symbol] of [
  [BUSD, "bUSD"],
  [BETH, "bETH"],
] as const) {
  const owed = await core.engine.keeperPayOwed(keeperSigner, synthId);
  if (owed === 0n) continue;
  await (await core.engine.connect(keeperSigner).claimKeeperPay(synthId, keeperSigner)).wait();
  console.log(`  ${stamp()} keeper claims its pay: ${formatWad(owed)} ${symbol}`);
}

// the saver leaves a day later with what sbUSD streamed in
await time.increase(DAY);
await core.refreshFeeds();
const savedBack = await core.savings.connect(saver).redeem.staticCall(savedShares, saver, saver);
await (await core.savings.connect(saver).redeem(savedShares, saver, saver)).wait();
const earned = savedBack - wad("50000");

// the option series, settled by the keeper during the crash; their dispute window has passed: each side redeems
console.log("\n=== Options and binaries, after the crash ===");
for (const o of options) {
  const s = await readSeries(core.instruments, o.id);
  const paid: bigint[] = [];
  for (const [who, short] of [
    [buyer, false],
    [writer, true],
  ] as const) {
    const units = await core.instruments.balanceOf(who, short ? sideIds(o.id).short : sideIds(o.id).long);
    const got = await core.instruments.connect(who).redeem.staticCall(o.id, short, units, who.address);
    await (await core.instruments.connect(who).redeem(o.id, short, units, who.address)).wait();
    paid.push(got);
  }
  console.log(
    `  ${o.name} #${o.id} settled at $${formatWad(s.state.price)} (${PRICE_SOURCES[s.state.source]} ` +
      `${s.state.roundId}): the buyer's ${formatWad(o.units, 0)} long redeem ` +
      `${formatUnitsHuman(paid[0] ?? 0n, o.decimals, 2)} ${o.symbol}, the writer's short ` +
      `${formatUnitsHuman(paid[1] ?? 0n, o.decimals, 2)} ${o.symbol}`,
  );
}

console.log("\n=== After the crash ===");
const after = await printPositions("Positions after the crash and the liquidations", core, opened);
const reservesAfter = await printReserves(core);
await printReport();
console.log("\n=== Surplus policy and savings ===");
for (const d of distributions) {
  console.log(
    `  [t+${String(Math.floor(d.at / 60)).padStart(3, " ")}m] distribution: ${formatWad(d.toSavings, 2)} bUSD streamed to ` +
      `sbUSD, ${formatWad(d.toBuyback, 2)} bUSD spent on WETH (oracle-bounded)`,
  );
}
const hist = await core.treasury.history(BUSD);
console.log(
  `  distributed in all: ${formatWad(hist.distributedSavings, 2)} bUSD to savers, ${formatWad(hist.distributedBuyback, 2)} ` +
    `bUSD to the buyback; the Treasury keeps ${formatWad(await core.treasury.surplus(BUSD), 2)} bUSD`,
);
console.log(
  `  the saver's 50,000 bUSD came back as ${formatWad(savedBack, 4)} bUSD: earned ${formatWad(earned, 4)} bUSD over ` +
    `the crash and a day (sbUSD's rate now ${formatWad((await core.savings.apr()) * 100n, 2)}% a year, simple)`,
);
const svgPath = process.env.DEMO_SVG ?? "reports/demo.svg";
mkdirSync(dirname(svgPath), { recursive: true });
writeFileSync(svgPath, renderDemoSvg(frames, { tickMinutes: TICK / 60 }));
console.log(
  `\nPicture: ${svgPath} (ETH and BTC prices with auction clearing prices, backing ratio, liquidations and cap ` +
    `waits, bad debt; ${frames.length} ticks)`,
);

// ------------------------------------------------------------------------------------------------------------------

/** The observed volatility of WETH and WBTC, in one phrase. */
async function volatilityLine(): Promise<string> {
  const parts: string[] = [];
  for (const k of ["weth", "wbtc"] as const) {
    const [vol, , samples] = await core.observer.volatilityOf(core.tokens[k]);
    parts.push(`${ASSETS[k].symbol} ${(Number(vol) / 1e16).toFixed(0)}%`);
    if (k === "wbtc") return `observed volatility ${parts.join(", ")} (${samples} returns)`;
  }
  return `observed volatility ${parts.join(", ")}`;
}

/**
 * The risk team's run an hour into the crash: the engine on the chain's snapshot (a short run), the publication
 * planned against the steward's room and posted, and the outcomes with and without it over the same paths. The keeper
 * applies what the steward accepts at its next tick.
 */
async function publishRecommendations(): Promise<void> {
  console.log(`  ${stamp()} risk team: runs the risk engine on the chain's snapshot and publishes`);
  const snap = await readSnapshot(
    ethers.provider,
    {
      vault: core.addresses.vault ?? "",
      oracle: core.addresses.oracle ?? "",
      engine: core.addresses.engine ?? "",
      lens: core.addresses.lens ?? "",
    },
    "default",
  );
  // the demo's market: the venue absorbs $40,000 of WETH or WBTC an hour (the scale of its caps)
  const base = defaultConfig();
  const cfg = {
    ...base,
    paths: 400,
    recommendPaths: 200,
    evidencePaths: 400,
    liquidityPerHour: { ...base.liquidityPerHour, WETH: 40_000, WBTC: 40_000 },
  };
  const run = runRisk(snap, cfg, { recommend: true });
  const now = BigInt((await ethers.provider.getBlock("latest"))?.timestamp ?? 0);
  const planned = await planPublication(snap, cfg, run.recommendations ?? [], core.steward, now);
  const sent = await sendPublication(core.riskOracle, planned);
  for (const l of renderPublication(sent, true)) console.log(`  ${stamp()}   ${l.trim()}`);
  for (const l of renderComparison(compareWithSteward(snap, cfg, planned), cfg))
    console.log(`  ${stamp()}   ${l.trim()}`);
}

async function printReport(): Promise<void> {
  const ownerOf = new Map(opened.map((o) => [o.id, o.plan.name]));
  const symbolOf = async (asset: string): Promise<AssetKey> =>
    ASSET_KEYS.find((k) => core.addresses[k]?.toLowerCase() === asset.toLowerCase()) ?? "weth";

  printTable(
    "Liquidations (started by the keeper)",
    ["time", "pos", "owner", "health", "kind", "debt taken", "penalty", "auctions", "keeper pay"],
    liquidations.map((l) => [
      `t+${l.at / 60}m`,
      `#${l.positionId}`,
      ownerOf.get(l.positionId) ?? "?",
      formatHealth(l.health),
      (l.full ? "full" : "partial") + (l.capped ? ", capped" : ""),
      formatWad(l.debt),
      formatWad(l.penalty),
      `${l.auctions} from #${l.firstAuctionId}`,
      formatWad(l.keeperPay),
    ]),
    { owner: "left", kind: "left" },
  );

  // the watch's alerts against the liquidations: each liquidated position's first alert, and how long before
  const firstLiquidation = new Map<bigint, number>();
  for (const l of liquidations) if (!firstLiquidation.has(l.positionId)) firstLiquidation.set(l.positionId, l.at);
  const alertRows = [...firstLiquidation.entries()].map(([id, at]) => {
    const a = firstAlert.get(id);
    return [
      `#${id}`,
      ownerOf.get(id) ?? "?",
      a === undefined ? "none" : `t+${a.at / 60}m (${a.level}, P ${(a.p * 100).toFixed(0)}%)`,
      `t+${at / 60}m`,
      a === undefined ? "-" : a.at < at ? `${(at - a.at) / 60} min before` : "at the liquidation",
    ];
  });
  printTable(
    "The watch's first alert before each liquidation",
    ["pos", "owner", "first alert", "liquidated", "lead"],
    alertRows,
    {
      owner: "left",
      "first alert": "left",
    },
  );
  const warnedEarly = alertRows.filter((r) => r[4]?.endsWith("before")).length;
  console.log(
    `  ${warnedEarly} of ${alertRows.length} liquidated positions were alerted before their liquidation ` +
      `(model: ${MODEL_SHORT}, σ from the observer); ${[...firstAlert.keys()].filter((id) => !firstLiquidation.has(id)).length} alerted position(s) were not liquidated`,
  );

  const takeRows: string[][] = [];
  for (const t of takes) {
    const k = await symbolOf(t.asset);
    takeRows.push([
      `t+${t.at / 60}m`,
      `#${t.auctionId}`,
      `#${t.positionId}`,
      `${formatUnitsHuman(t.collateral, ASSETS[k].decimals, 4)} ${ASSETS[k].symbol}`,
      formatWad(t.owe),
      formatWad(t.price),
      formatWad(t.oracle),
      `${formatWad(mulDivDown(t.price, 100n * WAD, t.oracle), 1)}%`,
      formatWad(t.proceeds - t.owe),
      t.ended ? "yes" : "no",
    ]);
  }
  printTable(
    "Takes: clearing price against the oracle price (bUSD per whole token)",
    ["time", "auction", "pos", "bought", "paid bUSD", "clearing", "oracle", "of oracle", "keeper profit", "ended"],
    takeRows,
  );
  if (resets.length !== 0) {
    printTable(
      "Resets",
      ["time", "auction", "new start price", "keeper pay"],
      resets.map((x) => [`t+${x.at / 60}m`, `#${x.auctionId}`, formatWad(x.top), formatWad(x.keeperPay)]),
    );
  }

  const h = await core.treasury.history(BUSD);
  const surplus = await core.treasury.surplus(BUSD);
  const deficit = await core.treasury.deficit(BUSD);
  printTable(
    "Treasury (bUSD), cumulative",
    [
      "penalties in",
      "keeper pay out",
      "of it unbacked",
      "bad debt",
      "absorbed by surplus",
      "surplus now",
      "deficit now",
    ],
    [
      [
        formatWad(h.penalties),
        formatWad(h.keeperPay),
        formatWad(h.keeperPayUnbacked),
        formatWad(h.badDebt),
        formatWad(h.absorbed),
        formatWad(surplus),
        formatWad(deficit),
      ],
    ],
  );

  const unhealthy = after.filter((p) => p.health < WAD);
  const keeperProfit = takes.reduce((s, t) => s + t.proceeds - t.owe, 0n);
  const keeperPay = liquidations.reduce((s, l) => s + l.keeperPay, 0n) + resets.reduce((s, x) => s + x.keeperPay, 0n);
  const paid = takes.reduce((s, t) => s + t.owe, 0n);
  const weighted = takes.reduce((s, t) => s + mulDivDown(t.owe, mulDivDown(t.price, WAD, t.oracle), WAD), 0n);
  console.log("\nSummary");
  console.log(`  positions opened:            ${opened.length} (${PLANS.map((p) => p.name).join(", ")})`);
  console.log(
    `  liquidations:                ${liquidations.length} (${liquidations.filter((l) => !l.full).length} partial, ` +
      `${liquidations.filter((l) => l.capped).length} cut down by a cap; ${capSkips} waited for cap room)`,
  );
  console.log(`  takes / resets:              ${takes.length} / ${resets.length}; ${live} auction(s) still live`);
  console.log(
    `  clearing price:              ${paid === 0n ? "-" : formatWad(mulDivDown(weighted, 100n * WAD, paid), 1) + "%"} of the oracle price (weighted by bUSD paid)`,
  );
  console.log(
    `  keeper:                      ${formatWad(keeperPay)} bUSD pay + ${formatWad(keeperProfit)} bUSD trading profit`,
  );
  console.log(`  penalty income (Treasury):   ${formatWad(h.penalties)} bUSD`);
  console.log(
    `  bad debt:                    ${formatWad(h.badDebt)} bUSD written off, ${formatWad(h.absorbed)} absorbed by the surplus, ${formatWad(deficit)} deficit left`,
  );
  console.log(
    `  collateral value:            $${formatWad(before.collateralValue)} before → $${formatWad(reservesAfter.collateralValue)} after`,
  );
  console.log(
    `  debt value:                  $${formatWad(before.debtValue)} before → $${formatWad(reservesAfter.debtValue)} after`,
  );
  console.log(
    `  system backing ratio:        ${formatWad(before.backing * 100n)}% before → ${formatWad(reservesAfter.backing * 100n)}% after ` +
      "(all collateral held in positions and auctions, at oracle prices, over all debt: positions, auctions, bad debt)",
  );
  console.log(
    `  below liquidation threshold: ${unhealthy.length === 0 ? "none" : unhealthy.map((p) => `#${p.id} ${p.owner} (${formatHealth(p.health)})`).join(", ")}`,
  );
  console.log(`  (ran in ${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

/**
 * The picture's figures after a tick: oracle prices, backing ratio, the tick's clearing prices in USD, the
 * liquidations started and the positions that waited for cap room, and the bad debt written off so far.
 */
async function frameNow(r: TickReport): Promise<DemoFrame> {
  const eth = await oraclePrice(core, "weth");
  const btc = await oraclePrice(core, "wbtc");
  const { backing } = await printReserves(core, false);
  const usd = (t: TakeDone): bigint => (t.synthId === BUSD ? t.price : mulDivDown(t.price, eth, WAD));
  const of = (k: AssetKey): bigint[] =>
    r.takes.filter((t) => t.asset.toLowerCase() === core.addresses[k]?.toLowerCase()).map(usd);
  const badDebt =
    (await core.treasury.history(BUSD)).badDebt + mulDivDown((await core.treasury.history(BETH)).badDebt, eth, WAD);
  return {
    minute: clock / 60,
    eth,
    btc,
    backing,
    ethClearing: of("weth"),
    btcClearing: of("wbtc"),
    liquidations: r.liquidations.length,
    capWaits: r.skips.filter((s) => s.kind === "liquidate" && s.error === "AuctionCapReached").length,
    badDebt,
  };
}

/** Funds `owner`, opens `plan`'s position (openAndMint for one asset, batch for a basket) and mints at its LTV. */
async function openPosition(core: Core<"chainlink">, owner: HardhatEthersSigner, plan: Plan): Promise<Opened> {
  const amounts = Object.fromEntries(
    Object.entries(plan.basket).map(([k, v]) => [k, units(k as AssetKey, v)]),
  ) as Partial<Record<AssetKey, bigint>>;
  await fundAndApprove(core, owner, amounts);

  // [wad] value of the basket at oracle prices, each asset rounded down (as the Vault values it)
  let value = 0n;
  for (const [k, amount] of Object.entries(amounts) as [AssetKey, bigint][]) {
    value += valueDown(amount, await oraclePrice(core, k), ASSETS[k].decimals);
  }
  const usd = mulDivDown(value, plan.ltvBps, BPS); // [wad] USD to borrow
  const debtPrice = plan.synth === "bUSD" ? WAD : await oraclePrice(core, "weth");
  const debt = roundDownTo(mulDivDown(usd, WAD, debtPrice), plan.synth === "bUSD" ? WAD : WAD / 100n); // [wad]

  const synthId = plan.synth === "bUSD" ? BUSD : BETH;
  const id = await core.vault.nextPositionId();
  const vault = core.vault.connect(owner);
  const entries = Object.entries(amounts) as [AssetKey, bigint][];
  const [first] = entries;
  if (entries.length === 1 && first !== undefined) {
    await (await vault.openAndMint(synthId, core.tokens[first[0]], first[1], debt, owner.address)).wait();
  } else {
    const none = ethers.ZeroAddress;
    await (
      await vault.batch([
        { op: Op.Open, id: synthId, asset: none, amount: 0n, to: none },
        ...entries.map(([k, amount]) => ({ op: Op.Deposit, id: 0n, asset: core.tokens[k], amount, to: none })),
        { op: Op.Mint, id: 0n, asset: none, amount: debt, to: owner.address },
      ])
    ).wait();
  }
  step(
    `${plan.name} opens #${id}: ${basketText(amounts)}, mints ${formatWad(debt)} ${plan.synth} ` +
      `(${Number(plan.ltvBps) / 100}% of $${formatWad(value)})` +
      (entries.length > 1 ? " in one batch" : ""),
  );
  return { plan, id, owner };
}

interface PositionRow {
  id: bigint;
  owner: string;
  health: bigint;
  debtValue: bigint;
  liquidationLimit: bigint;
}

/** Prints every position's figures from `healthOf` and returns them. */
async function printPositions(title: string, core: Core<"chainlink">, list: Opened[]): Promise<PositionRow[]> {
  const out: PositionRow[] = [];
  const rows: string[][] = [];
  for (const { plan, id } of list) {
    const h = await core.lens.healthOf(id);
    const [assets, amounts] = await core.lens.basketOf(id);
    const basket: Partial<Record<AssetKey, bigint>> = {};
    for (const [i, a] of assets.entries()) {
      const key = ASSET_KEYS.find((k) => core.addresses[k] === a);
      if (key !== undefined) basket[key] = amounts[i] ?? 0n;
    }
    const ltv = h.collateralValue === 0n ? 0n : mulDivDown(h.debtValue, 100n * WAD, h.collateralValue);
    rows.push([
      `#${id}`,
      plan.name,
      basketText(basket),
      formatWad(h.collateralValue),
      `${formatWad(h.debt, plan.synth === "bUSD" ? 2 : 4)} ${plan.synth}`,
      formatWad(h.debtValue),
      `${formatWad(ltv, 1)}%`,
      formatWad(h.mintLimit),
      formatWad(h.liquidationLimit),
      formatHealth(h.health),
      h.health < WAD ? "BELOW LIQ. THRESHOLD" : h.debtValue > h.mintLimit ? "above mint limit" : "ok",
    ]);
    out.push({ id, owner: plan.name, health: h.health, debtValue: h.debtValue, liquidationLimit: h.liquidationLimit });
  }
  printTable(
    `${title} (USD values from the oracle; health = liquidation limit / debt value)`,
    [
      "pos",
      "owner",
      "basket",
      "collateral $",
      "debt",
      "debt $",
      "LTV",
      "mint limit $",
      "liq. limit $",
      "health",
      "status",
    ],
    rows,
    { owner: "left", basket: "left", status: "left" },
  );
  return out;
}

/**
 * Prints the reserves (unless `print` is false): collateral held and credited per asset, supply and debt per
 * synthetic, backing ratio; returns the figures.
 */
async function printReserves(core: Core<"chainlink">, print = true) {
  const vaultAddr = core.addresses.vault ?? "";
  let collateralValue = 0n; // [wad]
  const assetRows: string[][] = [];
  for (const k of ASSET_KEYS) {
    const spec = ASSETS[k];
    const held = await core.tokens[k].balanceOf(vaultAddr);
    const inAuctions = await core.tokens[k].balanceOf(core.engine);
    const owed = await core.engine.totalClaimable(core.tokens[k]); // leftovers owed back to owners: no backing
    const credited = await core.vault.totalCollateral(core.tokens[k]);
    const price = await oraclePrice(core, k);
    const value = valueDown(credited + inAuctions - owed, price, spec.decimals);
    collateralValue += value;
    assetRows.push([
      spec.symbol,
      formatUnitsHuman(held, spec.decimals, 4),
      formatUnitsHuman(credited, spec.decimals, 4),
      formatUnitsHuman(inAuctions, spec.decimals, 4),
      formatWad(price),
      formatWad(value),
    ]);
  }
  if (print)
    printTable(
      "Reserves: collateral",
      ["asset", "Vault holds", "credited to positions", "engine holds", "price $", "value $ (positions + lots)"],
      assetRows,
    );

  let debtValue = 0n; // [wad]
  const synthRows: string[][] = [];
  const treasury = { bUSD: 0n, bETH: 0n };
  for (const [synthId, symbol, token] of [
    [BUSD, "bUSD", core.busd],
    [BETH, "bETH", core.beth],
  ] as const) {
    const s = await core.lens.synthetic(synthId);
    const supply = await token.totalSupply();
    const price = s.params.priceAsset === ethers.ZeroAddress ? WAD : await core.oracle.getPrice(s.params.priceAsset);
    // every unit owed: position debt, debt in auction and bad debt not yet covered; debt value rounds up
    const value = mulDivUp(s.totalDebt + s.auctionDebt + s.badDebt, price, WAD);
    debtValue += value;
    treasury[symbol] = await core.treasury.surplus(synthId);
    synthRows.push([
      symbol,
      formatWad(supply, 4),
      formatWad(s.totalDebt, 4),
      formatWad(s.auctionDebt, 4),
      formatWad(s.badDebt, 4),
      formatWad(s.unmintedFees, 6),
      formatWad(treasury[symbol], 4),
      formatWad(price),
      formatWad(value),
    ]);
  }
  if (print)
    printTable(
      "Reserves: synthetics",
      [
        "synthetic",
        "total supply",
        "position debt",
        "in auction",
        "bad debt",
        "unminted fees",
        "Treasury holds",
        "price $",
        "debt value $",
      ],
      synthRows,
    );
  const backing = debtValue === 0n ? 0n : mulDivDown(collateralValue, WAD, debtValue); // [wad]
  if (print)
    console.log(
      `\nSystem backing ratio: $${formatWad(collateralValue)} collateral / $${formatWad(debtValue)} debt = ` +
        `${formatWad(backing * 100n)}% (collateral held in positions and auctions, less leftovers owed to owners, at ` +
        "oracle prices; debt of positions, auctions and bad debt)",
    );
  return { collateralValue, debtValue, backing, treasury };
}

/** "10 WETH + 0.345 WBTC": every decimal an amount has, up to 4 (a small amount never reads as 0). */
function basketText(amounts: Partial<Record<AssetKey, bigint>>): string {
  return (Object.entries(amounts) as [AssetKey, bigint][])
    .map(([k, a]) => `${formatAmount(a, ASSETS[k].decimals, 4)} ${ASSETS[k].symbol}`)
    .join(" + ");
}

function roundDownTo(x: bigint, unit: bigint): bigint {
  return (x / unit) * unit;
}
