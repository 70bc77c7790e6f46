/**
 * Deploys and wires the whole Ballast core with mock tokens and feeds on any ethers connection — the TypeScript twin of
 * `test/utils/LiquidationFixture.sol` (which extends `test/utils/Fixture.sol`): the Vault, oracle, synthetics and
 * collateral, plus the Treasury and the LiquidationEngine wired into the Vault with the fixture's keeper pay and caps.
 * It is the one deploy sequence every script and TypeScript test reuses.
 *
 *   const { ethers } = await network.create();
 *   const core = await deployCore(ethers);                       // MockFeed feeds
 *   const bench = await deployCore(ethers, { feeds: "chainlink" }); // Chainlink MockV3Aggregator feeds
 *
 * Units: `[token]` a token's own decimals, `[wad]` 1e18, `[ray]` 1e27, `[bps]` 1e4, feed answers in 8 decimals.
 */
import type { HardhatEthers, HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type {
  AccessManager,
  FixedRateModel,
  ILiquidationEngine,
  IVault,
  LiquidationEngine,
  MockERC20,
  MockFeed,
  MockV3Aggregator,
  OracleAdapter,
  PositionLens,
  SyntheticToken,
  Treasury,
  Vault,
} from "../../typechain-types/index.js";
import { RAY, WAD } from "./math.js";

// ----------------------------------------------------------------------------------------------------------------
// Parameters (the same as test/utils/Fixture.sol)
// ----------------------------------------------------------------------------------------------------------------

/** Synthetic ids, in the order `deployCore` adds them. */
export const BUSD = 0n;
export const BETH = 1n;

/** `IVault.Op`: the step kinds of `Vault.batch`. */
export const Op = { Open: 0n, Deposit: 1n, Withdraw: 2n, Mint: 3n, Repay: 4n, Close: 5n } as const;

/** [ray/s] 5% a year, simple: `0.05e27 / 365 days`, rounded down. */
export const RATE_5PCT = (5n * 10n ** 25n) / (365n * 86_400n);

/** Decimals of every mock feed. */
export const FEED_DECIMALS = 8;

/** [s] The OracleAdapter's staleness limit for every mock feed. */
export const FEED_MAX_AGE = 86_400;

/** `ILiquidationEngine.KeeperParams` with bigint fields: tip [wad], chipBps [bps], maxPay [wad]. */
export interface KeeperParams extends ILiquidationEngine.KeeperParamsStruct {
  tip: bigint;
  chipBps: bigint;
  maxPay: bigint;
}

/**
 * Keeper pay per synthetic (LiquidationFixture.sol): a flat tip plus `chipBps` of the debt liquidated, capped at
 * `maxPay` (and, by the engine, at the liquidation's penalty). bUSD: 2 + 0.1% (at most 500); bETH: 0.001 + 0.1% (at
 * most 0.25).
 */
export const KEEPER_PARAMS: Record<"busd" | "beth", KeeperParams> = {
  busd: { tip: 2n * 10n ** 18n, chipBps: 10n, maxPay: 500n * 10n ** 18n },
  beth: { tip: 10n ** 15n, chipBps: 10n, maxPay: 25n * 10n ** 16n },
};

/** [wad USD] The cap on debt value in auction, globally and per collateral asset (LiquidationFixture.sol): $10M. */
export const AUCTION_CAP = 10_000_000n * 10n ** 18n;

/** The collateral assets `deployCore` creates, in listing order (asset id 0, 1, 2). */
export const ASSET_KEYS = ["weth", "wbtc", "usdc"] as const;
export type AssetKey = (typeof ASSET_KEYS)[number];

/** One collateral asset's token and risk parameters. */
export interface AssetSpec {
  name: string;
  symbol: string;
  decimals: number;
  /** [8 decimals] Initial feed answer (USD per whole unit). */
  price: bigint;
  params: IVault.AssetParamsStruct & {
    maxLtvBps: bigint;
    liqThresholdBps: bigint;
    liqPenaltyBps: bigint;
    supplyCap: bigint; // [whole tokens]
  };
}

export const ASSETS: Record<AssetKey, AssetSpec> = {
  weth: {
    name: "Wrapped Ether",
    symbol: "WETH",
    decimals: 18,
    price: 2_000n * 10n ** 8n,
    params: {
      maxLtvBps: 8_000n,
      liqThresholdBps: 8_500n,
      liqPenaltyBps: 500n,
      supplyCap: 1_000_000n,
      frozen: false,
    },
  },
  wbtc: {
    name: "Wrapped Bitcoin",
    symbol: "WBTC",
    decimals: 8,
    price: 60_000n * 10n ** 8n,
    params: {
      maxLtvBps: 7_500n,
      liqThresholdBps: 8_000n,
      liqPenaltyBps: 700n,
      supplyCap: 10_000n,
      frozen: false,
    },
  },
  usdc: {
    name: "USD Coin",
    symbol: "USDC",
    decimals: 6,
    price: 1n * 10n ** 8n,
    params: {
      maxLtvBps: 9_000n,
      liqThresholdBps: 9_300n,
      liqPenaltyBps: 300n,
      supplyCap: 100_000_000n,
      frozen: false,
    },
  },
};

/** One synthetic's token and Vault parameters. `priceAsset` names the collateral whose price it tracks (or USD). */
export interface SyntheticSpec {
  name: string;
  symbol: string;
  priceAsset: AssetKey | "usd";
  flashCap: bigint; // [wad]
  flashFeeBps: bigint; // [bps]
  debtCeiling: bigint; // [wad]
  minDebt: bigint; // [wad]
}

export const SYNTHETICS: { busd: SyntheticSpec; beth: SyntheticSpec } = {
  busd: {
    name: "Ballast USD",
    symbol: "bUSD",
    priceAsset: "usd",
    flashCap: 1_000_000n * WAD,
    flashFeeBps: 9n,
    debtCeiling: 100_000_000n * WAD,
    minDebt: 100n * WAD,
  },
  beth: {
    name: "Ballast ETH",
    symbol: "bETH",
    priceAsset: "weth",
    flashCap: 1_000n * WAD,
    flashFeeBps: 9n,
    debtCeiling: 100_000n * WAD,
    minDebt: WAD / 20n, // 0.05
  },
};

// ----------------------------------------------------------------------------------------------------------------
// deployCore
// ----------------------------------------------------------------------------------------------------------------

/** Which mock stands behind the oracle: the project's `MockFeed` or Chainlink's `MockV3Aggregator`. */
export type FeedKind = "mock" | "chainlink";
export type FeedOf<K extends FeedKind> = K extends "chainlink" ? MockV3Aggregator : MockFeed;

export interface CoreOptions<K extends FeedKind = "mock"> {
  /** Feed contract: `"mock"` (default, `MockFeed`: can misbehave on purpose) or `"chainlink"` (`MockV3Aggregator`). */
  feeds?: K;
  /** Deploys and administers everything (AccessManager admin). Default: the connection's first signer. */
  deployer?: HardhatEthersSigner;
  /**
   * The synthetics' flash-mint fee receiver, also the Vault's treasury until the Treasury contract is wired in (as in
   * the fixture). Default: `treasuryAddress()`, the address forge's `makeAddr("treasury")` gives.
   */
  feeReceiver?: string;
  /** [8 decimals] Initial feed answers, overriding `ASSETS[k].price`. */
  prices?: Partial<Record<AssetKey, bigint>>;
  /** The L2 sequencer-uptime feed and grace period [s] the OracleAdapter is built with. Default: none (L1). */
  sequencer?: { feed: string; gracePeriod: number };
  /** Called after each step (e.g. to print progress). */
  log?: (line: string) => void;
}

export interface Core<K extends FeedKind = "mock"> {
  ethers: HardhatEthers;
  deployer: HardhatEthersSigner;
  /** The synthetics' flash-mint fee receiver (an EOA address; see `CoreOptions.feeReceiver`). */
  feeReceiver: string;
  manager: AccessManager;
  oracle: OracleAdapter;
  vault: Vault;
  rateModel: FixedRateModel;
  busd: SyntheticToken;
  beth: SyntheticToken;
  /** The surplus buffer: the Vault mints fees to it, it pays keepers and absorbs bad debt (`vault.treasury()`). */
  treasury: Treasury;
  /** Liquidations and auctions (`vault.liquidationEngine()`), with the fixture's keeper pay and caps. */
  engine: LiquidationEngine;
  /** Views over the Vault and the engine for keepers and tools (auctions, health in batches, raw fields). */
  lens: PositionLens;
  /** Collateral tokens by key (also `core.weth` etc.). */
  tokens: Record<AssetKey, MockERC20>;
  weth: MockERC20;
  wbtc: MockERC20;
  usdc: MockERC20;
  /** The price feed of each collateral asset (bETH is priced by the WETH feed). */
  feeds: Record<AssetKey, FeedOf<K>>;
  feedKind: K;
  /** Every deployed address, by name. */
  addresses: Record<string, string>;
  /** Publishes `answer` [8 decimals] as a new round of `asset`'s feed, timestamped now. */
  setPrice(asset: AssetKey, answer: bigint): Promise<void>;
  /** [8 decimals] The latest answer of `asset`'s feed. */
  priceOf(asset: AssetKey): Promise<bigint>;
  /** Re-publishes every feed's current answer so it is fresh again (e.g. after time jumps past `FEED_MAX_AGE`). */
  refreshFeeds(): Promise<void>;
}

/** The address `makeAddr("treasury")` gives in forge tests: private key keccak256("treasury"). */
export function treasuryAddress(ethers: HardhatEthers): string {
  return ethers.computeAddress(ethers.id("treasury"));
}

/** Deploys the core with mocks (see the file comment) and returns TypeChain-typed contracts and addresses. */
export async function deployCore<K extends FeedKind = "mock">(
  ethers: HardhatEthers,
  opts: CoreOptions<K> = {},
): Promise<Core<K>> {
  const feedKind = (opts.feeds ?? "mock") as K;
  const log = opts.log ?? (() => {});
  const deployer = opts.deployer ?? (await firstSigner(ethers));
  const feeReceiver = opts.feeReceiver ?? treasuryAddress(ethers);

  const manager = await deployed((await ethers.getContractFactory("AccessManager", deployer)).deploy(deployer.address));
  const sequencer = opts.sequencer ?? { feed: ethers.ZeroAddress, gracePeriod: 0 };
  const oracle = await deployed(
    (await ethers.getContractFactory("OracleAdapter", deployer)).deploy(manager, sequencer.feed, sequencer.gracePeriod),
  );
  const vault = await deployed(
    (await ethers.getContractFactory("Vault", deployer)).deploy(manager, oracle, feeReceiver),
  );
  const rateModel = await deployed((await ethers.getContractFactory("FixedRateModel", deployer)).deploy(RATE_5PCT));
  log(`core: AccessManager, OracleAdapter, Vault and FixedRateModel (5%/yr) deployed`);

  const tokenFactory = await ethers.getContractFactory("MockERC20", deployer);
  const tokens = {} as Record<AssetKey, MockERC20>;
  const feeds = {} as Record<AssetKey, FeedOf<K>>;
  for (const key of ASSET_KEYS) {
    const spec = ASSETS[key];
    tokens[key] = await deployed(tokenFactory.deploy(spec.name, spec.symbol, spec.decimals));
    const answer = opts.prices?.[key] ?? spec.price;
    const feed = await deployFeed(ethers, deployer, feedKind, answer);
    feeds[key] = feed;
    const none = { aggregator: ethers.ZeroAddress, maxAge: 0, minAnswer: 0, maxAnswer: 0 };
    await (
      await oracle.setFeeds(
        tokens[key],
        { aggregator: feed, maxAge: FEED_MAX_AGE, minAnswer: 1, maxAnswer: 10n ** 30n },
        none,
        0,
      )
    ).wait();
  }
  log(`core: WETH, WBTC, USDC and their ${feedKind === "chainlink" ? "MockV3Aggregator" : "MockFeed"} feeds deployed`);

  const synthFactory = await ethers.getContractFactory("SyntheticToken", deployer);
  const synth = async (s: SyntheticSpec): Promise<SyntheticToken> => {
    const token = await deployed(
      synthFactory.deploy(s.name, s.symbol, vault, manager, s.flashCap, s.flashFeeBps, feeReceiver),
    );
    const priceAsset = s.priceAsset === "usd" ? ethers.ZeroAddress : await tokens[s.priceAsset].getAddress();
    const params = { priceAsset, rateModel, debtCeiling: s.debtCeiling, minDebt: s.minDebt };
    await (await vault.addSynthetic(token, params)).wait();
    return token;
  };
  const busd = await synth(SYNTHETICS.busd); // synthId 0 (BUSD)
  const beth = await synth(SYNTHETICS.beth); // synthId 1 (BETH)
  for (const key of ASSET_KEYS) await (await vault.listAsset(tokens[key], ASSETS[key].params)).wait();
  log(`core: bUSD and bETH added, 3 collateral assets listed`);

  // Treasury and LiquidationEngine, wired as LiquidationFixture.sol does (deployed last, so the addresses of
  // everything above do not depend on them)
  const treasury = await deployed((await ethers.getContractFactory("Treasury", deployer)).deploy(vault));
  const engine = await deployed(
    (await ethers.getContractFactory("LiquidationEngine", deployer)).deploy(manager, vault),
  );
  await (await vault.setTreasury(treasury)).wait();
  await (await vault.setLiquidationEngine(engine)).wait();
  // flash-mint fees are protocol income too: route them to the Treasury
  for (const [token, spec] of [
    [busd, SYNTHETICS.busd],
    [beth, SYNTHETICS.beth],
  ] as const) {
    await (await token.setFlashParams(spec.flashCap, spec.flashFeeBps, treasury)).wait();
  }
  await (await engine.setKeeperParams(BUSD, KEEPER_PARAMS.busd)).wait();
  await (await engine.setKeeperParams(BETH, KEEPER_PARAMS.beth)).wait();
  await (await engine.setGlobalCap(AUCTION_CAP)).wait();
  for (const key of ASSET_KEYS) await (await engine.setAssetCap(tokens[key], AUCTION_CAP)).wait();
  log(`core: Treasury and LiquidationEngine deployed and wired (keeper pay set, auction caps $10M)`);
  const lens = await deployed((await ethers.getContractFactory("PositionLens", deployer)).deploy(vault));

  const addresses: Record<string, string> = { feeReceiver };
  const named = { manager, oracle, vault, rateModel, busd, beth, ...tokens, treasury, engine, lens };
  for (const [name, c] of Object.entries(named)) addresses[name] = await c.getAddress();
  for (const key of ASSET_KEYS) addresses[`${key}Feed`] = await feeds[key].getAddress();

  const setPrice = async (asset: AssetKey, answer: bigint): Promise<void> => {
    const tx =
      feedKind === "chainlink"
        ? await (feeds[asset] as MockV3Aggregator).updateAnswer(answer)
        : await (feeds[asset] as MockFeed).setAnswer(answer);
    await tx.wait();
  };
  const priceOf = async (asset: AssetKey): Promise<bigint> => (await feeds[asset].latestRoundData())[1];
  const refreshFeeds = async (): Promise<void> => {
    for (const key of ASSET_KEYS) await setPrice(key, await priceOf(key));
  };

  return {
    ethers,
    deployer,
    feeReceiver,
    manager,
    oracle,
    vault,
    rateModel,
    busd,
    beth,
    treasury,
    engine,
    lens,
    tokens,
    ...tokens,
    feeds,
    feedKind,
    addresses,
    setPrice,
    priceOf,
    refreshFeeds,
  };
}

/** Mints `amounts` [token] of each listed token to `user` and approves the Vault for the maximum. */
export async function fundAndApprove(
  core: Core<FeedKind>,
  user: HardhatEthersSigner,
  amounts: Partial<Record<AssetKey, bigint>>,
): Promise<void> {
  for (const key of ASSET_KEYS) {
    const amount = amounts[key];
    if (amount === undefined) continue;
    const token = core.tokens[key];
    if (amount > 0n) await (await token.mint(user.address, amount)).wait();
    await (await token.connect(user).approve(core.vault, core.ethers.MaxUint256)).wait();
  }
}

/** [wad] The oracle price of one whole unit of `asset` (18 decimals), as the Vault sees it. */
export async function oraclePrice(core: Core<FeedKind>, asset: AssetKey): Promise<bigint> {
  return core.oracle.getPrice(core.tokens[asset]);
}

/** Converts a number of whole units to `[token]` of `asset`, e.g. `units("wbtc", "0.5")` = 50_000_000n. */
export function units(asset: AssetKey, amount: string): bigint {
  return parseAmount(amount, ASSETS[asset].decimals, { allowZero: true });
}

/** [wad] `wad("1.5")` = 1.5e18. */
export function wad(amount: string): bigint {
  return parseAmount(amount, 18, { allowZero: true });
}

/** [8 decimals] A feed answer: `answer8("1300")` = 1300e8. */
export function answer8(amount: string): bigint {
  return parseAmount(amount, FEED_DECIMALS, { allowZero: true });
}

// ----------------------------------------------------------------------------------------------------------------
// The amount parser (every amount a person types goes through it: tasks, keeper settings, scripts)
// ----------------------------------------------------------------------------------------------------------------

/** An amount that cannot be read; the message says what was wrong (the caller adds which field). */
export class AmountError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AmountError";
  }
}

/**
 * Parses a human amount ("2.5", "1,000", "1_000.25") into `decimals` units, exactly (no float). A negative amount,
 * more decimals than the unit has, or anything that is not a decimal number is refused with an `AmountError` saying
 * which; zero is refused unless `allowZero`.
 */
export function parseAmount(text: string, decimals: number, opts: { allowZero?: boolean } = {}): bigint {
  const clean = text.trim().replace(/[_,]/g, "");
  if (/^-\s*\d/.test(clean)) throw new AmountError(`"${text}" is negative: amounts are positive numbers`);
  const m = /^(\d+)(?:\.(\d+))?$/.exec(clean);
  if (m === null) throw new AmountError(`"${text}" is not a positive decimal number (e.g. 2.5 or 1,000)`);
  const frac = m[2] ?? "";
  if (frac.length > decimals) {
    throw new AmountError(
      decimals === 0
        ? `"${text}" has decimals, but this unit has none`
        : `"${text}" has more than ${decimals} decimals (the token's smallest unit)`,
    );
  }
  const v = BigInt(m[1] ?? "0") * 10n ** BigInt(decimals) + BigInt(frac.padEnd(decimals, "0") || "0");
  if (v === 0n && opts.allowZero !== true) throw new AmountError(`"${text}" is zero: give an amount above zero`);
  return v;
}

export { RAY, WAD };

// ----------------------------------------------------------------------------------------------------------------
// Formatting (used by the scripts)
// ----------------------------------------------------------------------------------------------------------------

/**
 * `x` [decimals] as a human number with thousands separators (unless `grouping` is false) and exactly `digits`
 * decimals, rounded toward zero.
 */
export function formatUnitsHuman(x: bigint, decimals: number, digits = 2, grouping = true): string {
  const negative = x < 0n;
  const abs = negative ? -x : x;
  const scale = 10n ** BigInt(decimals);
  const whole = abs / scale;
  let frac = "";
  if (digits > 0) {
    const f = ((abs % scale) * 10n ** BigInt(digits)) / scale;
    frac = "." + f.toString().padStart(digits, "0");
  }
  const w = whole.toString();
  return (negative ? "-" : "") + (grouping ? w.replace(/\B(?=(\d{3})+(?!\d))/g, ",") : w) + frac;
}

/**
 * `x` [decimals] with as many decimals as it has, up to `maxDigits` (rounded toward zero), trailing zeros trimmed and
 * thousands separated: 0.345 WETH is "0.345", 10 WETH is "10", 12,000.5 bUSD is "12,000.5". A non-zero amount below
 * the last digit shown is "<0.000001" rather than a misleading "0".
 */
export function formatAmount(x: bigint, decimals: number, maxDigits = 6): string {
  const digits = Math.min(decimals, maxDigits);
  const negative = x < 0n;
  const abs = negative ? -x : x;
  const scale = 10n ** BigInt(decimals);
  const step = 10n ** BigInt(decimals - digits); // [decimals] the smallest amount shown
  if (abs !== 0n && abs < step) return `${negative ? ">-" : "<"}0.${"0".repeat(digits - 1)}1`;
  const whole = (abs / scale).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const frac = digits === 0 ? "" : ((abs % scale) / step).toString().padStart(digits, "0").replace(/0+$/, "");
  return (negative ? "-" : "") + whole + (frac === "" ? "" : `.${frac}`);
}

/** A `[wad]` as a human number: `formatWad(1234567n * 10n ** 15n)` = "1,234.56". */
export function formatWad(x: bigint, digits = 2): string {
  return formatUnitsHuman(x, 18, digits);
}

/** A health `[wad]`: "1.234", or "∞" without debt. */
export function formatHealth(h: bigint): string {
  return h >= 2n ** 255n ? "∞" : formatWad(h, 3);
}

/** Gas as "123,456". */
export function formatGas(gas: bigint): string {
  return formatUnitsHuman(gas, 0, 0);
}

export type Align = "left" | "right";

/**
 * Renders `rows` under `headers` as an aligned text table (`markdown: false`, for the terminal) or a Markdown table.
 * Columns whose header is listed in `align` with "left" are left-aligned; all others right-aligned (numbers).
 */
export function renderTable(
  headers: string[],
  rows: string[][],
  opts: { markdown?: boolean; align?: Record<string, Align> } = {},
): string {
  const alignOf = (i: number): Align => opts.align?.[headers[i] ?? ""] ?? (i === 0 ? "left" : "right");
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const cell = (s: string, i: number): string =>
    alignOf(i) === "left" ? s.padEnd(widths[i] ?? 0) : s.padStart(widths[i] ?? 0);
  const line = (r: string[]): string =>
    opts.markdown
      ? "| " + headers.map((_, i) => cell(r[i] ?? "", i)).join(" | ") + " |"
      : headers.map((_, i) => cell(r[i] ?? "", i)).join("  ");
  const rule = opts.markdown
    ? "| " + widths.map((w, i) => (alignOf(i) === "left" ? "-".repeat(w) : "-".repeat(w - 1) + ":")).join(" | ") + " |"
    : widths.map((w) => "-".repeat(w)).join("  ");
  return [line(headers), rule, ...rows.map(line)].join("\n");
}

/** Prints `renderTable(headers, rows)` to the console, with an optional title line. */
export function printTable(
  title: string | undefined,
  headers: string[],
  rows: string[][],
  align?: Record<string, Align>,
): void {
  if (title !== undefined) console.log(`\n${title}`);
  console.log(renderTable(headers, rows, { align }));
}

// ----------------------------------------------------------------------------------------------------------------
// Internals
// ----------------------------------------------------------------------------------------------------------------

async function firstSigner(ethers: HardhatEthers): Promise<HardhatEthersSigner> {
  const [signer] = await ethers.getSigners();
  if (signer === undefined) throw new Error("deployCore: the connection has no signer; pass `deployer`");
  return signer;
}

/** Waits until a deployment is mined and returns the typed contract. */
async function deployed<T extends { waitForDeployment(): Promise<unknown> }>(pending: Promise<T>): Promise<T> {
  const c = await pending;
  await c.waitForDeployment();
  return c;
}

async function deployFeed<K extends FeedKind>(
  ethers: HardhatEthers,
  deployer: HardhatEthersSigner,
  kind: K,
  answer: bigint,
): Promise<FeedOf<K>> {
  if (kind === "chainlink") {
    const f = await ethers.getContractFactory("MockV3Aggregator", deployer);
    return (await deployed(f.deploy(FEED_DECIMALS, answer))) as FeedOf<K>;
  }
  const f = await ethers.getContractFactory("MockFeed", deployer);
  const feed = await deployed(f.deploy(FEED_DECIMALS));
  await (await feed.setAnswer(answer)).wait();
  return feed as FeedOf<K>;
}
