/**
 * The shape of a per-network deploy configuration and its validation. A configuration says which contracts to deploy
 * and every parameter the deploy sets; `validateConfig` checks it against the contracts' hard-coded bounds before a
 * single transaction is sent, and reports every problem at once with the path of the offending field.
 *
 * Units: `[bps]` 1e4 = 100%, `[wad]` 1e18, `[s]` seconds, `[whole tokens]` a supply cap in whole units, feed answers
 * in the feed's own decimals.
 */
import { isAddress } from "ethers";
import { MIN_GAS_MARGIN_BPS } from "../../sdk/tx.js";
import { ASSET_PARAMS, STEWARD_PARAMS, type StewardParam } from "../../sdk/steward.js";

export { ASSET_PARAMS, STEWARD_PARAMS, type StewardParam };

/** An account named in the config: the deploying account, or a fixed address. */
export type AccountRef = "deployer" | string;

/**
 * Which mock feed the deploy creates: Chainlink's `MockV3Aggregator` (the answer is a constructor argument) or the
 * project's `MockFeed` (contracts/mocks/MockFeed.sol: its answer is published with `setAnswer` right after the deploy,
 * and tests can make it revert, return malformed data or burn gas on purpose).
 */
export type MockFeedKind = "MockV3Aggregator" | "MockFeed";

/** The mock feed kinds `validateConfig` accepts. */
export const MOCK_FEED_KINDS: readonly MockFeedKind[] = ["MockV3Aggregator", "MockFeed"];

/** A mock feed the deploy creates: only where `allowMocks` is set. */
export interface MockFeedSpec {
  /** `answer` [feed decimals]: the initial answer; `kind`: default `MockV3Aggregator`. */
  mock: { decimals: number; answer: bigint; kind?: MockFeedKind };
}

/** One Chainlink feed and the limits the OracleAdapter applies to it (`IOracleAdapter.Feed`). */
export interface FeedConfig {
  /** The feed (aggregator proxy) address, or a mock to deploy. */
  aggregator: string | MockFeedSpec;
  /** [s] The feed's heartbeat, as published by Chainlink (documentation only; `maxAge` is what is enforced). */
  heartbeat: number;
  /** [s] Answers older than this are stale: the heartbeat plus a margin for late rounds. */
  maxAge: number;
  /**
   * [feed decimals] Answers at or below / at or above these are refused. `"aggregator"` reads the bound from the
   * feed's current aggregator (`proxy.aggregator().minAnswer()` / `maxAnswer()`) at deploy time, clamped to int128.
   */
  minAnswer: bigint | "aggregator";
  maxAnswer: bigint | "aggregator";
}

/**
 * A mock token the deploy creates: only where `allowMocks` is set. Anyone may mint it (`mint(address,uint256)`).
 * Plain: `MockERC20`. With `rate` [1e18]: a wstETH-style `MockRateToken` whose `stEthPerToken()` starts there. With
 * `vaultOf`: OpenZeppelin's ERC-4626 (`MockVaultShare`) over a fresh `MockERC20` underlying of those decimals.
 */
export interface MockTokenSpec {
  mock: { name: string; decimals: number; rate?: bigint; vaultOf?: { symbol: string; decimals: number } };
}

/**
 * A yield-bearing token priced by a `RateAdjustedSource`: `feed` (and `secondary`) price the underlying (the base, a
 * `ChainlinkSource`), times the token's own exchange rate, capped at `maxYearlyGrowthBps` a year of growth from the
 * rate read at deploy time, and failing under `minRateBps` of it.
 */
export interface RateSourceConfig {
  kind: "rate";
  /** The token's rate view: wstETH's `stEthPerToken()` (18 decimals), or ERC-4626 `convertToAssets(one share)`. */
  rate: "stEthPerToken" | "erc4626";
  /** The decimals of the rate as the view returns it (the underlying's decimals for ERC-4626). */
  rateDecimals: number;
  /** [bps] in (0, 10000]. */
  maxYearlyGrowthBps: number;
  /** [bps] in (0, 10000]: the floor, relative to the snapshot. */
  minRateBps: number;
}

/**
 * A tokenized real-world asset priced by a `NavSource`: `feed` is its NAV feed (its `maxAge` is not enforced: an old
 * answer is a lapse), `ttl` [s] the attestation's time-to-live, and the Vault's lapse terms (`IVault.setLapseParams`):
 * after `grace` [s] of lapse anyone may ramp its threshold down to `floorBps`.
 */
export interface NavSourceConfig {
  kind: "nav";
  ttl: number;
  lapse: { floorBps: number; grace: number };
}

/** One collateral asset. */
export interface AssetConfig {
  /** Unique symbol: the tasks' `--asset` name and the manifest key. */
  symbol: string;
  /** The token address, or a mock to deploy. */
  token: string | MockTokenSpec;
  /** The token's decimals (checked against the token on chain). */
  decimals: number;
  feed: FeedConfig;
  /** Optional second feed, and the most the two may differ [bps]. */
  secondary?: { feed: FeedConfig; maxDeviationBps: number };
  /** A price source (contracts/sources/) built on `feed`; absent: the OracleAdapter reads the feeds itself. */
  source?: RateSourceConfig | NavSourceConfig;
  /** `IVault.AssetParams`. */
  risk: {
    maxLtvBps: number;
    liqThresholdBps: number;
    liqPenaltyBps: number;
    /** [whole tokens] */
    supplyCap: bigint;
    frozen: boolean;
  };
  /** [wad USD] The LiquidationEngine's cap on debt in auction against this asset. */
  auctionCap: bigint;
}

/** A rate model the synthetics refer to by key. */
export type RateModelConfig = { kind: "fixed"; /** [ray/s] */ ratePerSecond: bigint } | { kind: "dynamic" };

/** `IDynamicRateModel.RateParams`, [wad/yr] and [wad]. */
export interface DynamicRateParams {
  baseRate: bigint;
  slopeLow: bigint;
  slopeHigh: bigint;
  kink: bigint;
  minRate: bigint;
  maxRate: bigint;
}

/** One synthetic token and its Vault, flash-mint and keeper parameters. */
export interface SyntheticConfig {
  symbol: string;
  name: string;
  /** `"USD"` for a USD synthetic (price exactly 1), or the symbol of the collateral asset whose price it tracks. */
  priceAsset: string;
  /** Key in `rateModels`. */
  rateModel: string;
  /** Required when the model is `dynamic`: the synthetic's curve. */
  rateParams?: DynamicRateParams;
  /** [wad] */
  debtCeiling: bigint;
  /** [wad] */
  minDebt: bigint;
  /** [wad] Largest flash loan (0 disables flash mint). */
  flashCap: bigint;
  /** [bps] */
  flashFeeBps: number;
  /** `ILiquidationEngine.KeeperParams`: tip [wad], chipBps [bps], maxPay [wad]. */
  keeper: { tip: bigint; chipBps: number; maxPay: bigint };
}

/**
 * A stability module (contracts/StabilityModule.sol): swaps `reserve` for `synthetic` at par and back, with fees to the
 * Treasury, under an exposure cap, frozen in the risky direction when the reserve's price leaves the band.
 */
export interface StabilityModuleConfig {
  /** Symbol of the synthetic it mints. */
  synthetic: string;
  /** Symbol of its reserve: a configured collateral asset (settlement pools it with the others). */
  reserve: string;
  /** [bps] Entry fee (reserve in, units out), at most `MAX_FEE_BPS`. */
  feeInBps: number;
  /** [bps] Exit fee (units in, reserve out), at most `MAX_FEE_BPS`. */
  feeOutBps: number;
  /** [bps] Half-width of the peg band, in [`MIN_BAND_BPS`, `MAX_BAND_BPS`]. */
  bandBps: number;
  /** [wad] Exposure cap: the most units the module may have outstanding (< 2^96). */
  ceiling: bigint;
}

/**
 * A synthetic's savings token (contracts/SavingsToken.sol) and the Treasury's surplus policy for it
 * (`ITreasury.Policy`): surplus above `buffer` that pokes have seen there for `minDuration` is distributed, at most
 * `maxShareBps` of the excess and `maxAmount` at a time, no more often than `minInterval`, `savingsBps` of it streamed
 * to the savings token and `buybackBps` spent by the buyback sink (when one is configured).
 */
export interface SavingsConfig {
  /** Symbol of the synthetic. */
  synthetic: string;
  name: string;
  symbol: string;
  /** [s] How long a distribution vests, in [1 hour, 30 days] (immutable). */
  vestingPeriod: number;
  policy: {
    /** [wad] */
    buffer: bigint;
    /** [wad] */
    maxAmount: bigint;
    /** [s] in [1 hour, 30 days] */
    minDuration: number;
    /** [s] in [1 hour, 30 days] */
    minInterval: number;
    /** [bps] at most 5,000 */
    maxShareBps: number;
    /** [bps] */
    savingsBps: number;
    /** [bps] savingsBps + buybackBps at most 10,000 */
    buybackBps: number;
  };
  /**
   * The buyback sink: buys `asset` (a configured collateral symbol) through a venue at no worse than the oracle less
   * `slippageBps`, for `recipient`. Test networks only for now: `venue: "mock"` deploys a `MockSwapVenue` that trades at
   * the oracle's prices (a real DEX adapter comes with the periphery work).
   */
  buyback?: { asset: string; venue: "mock"; recipient: AccountRef; slippageBps: number };
}

/**
 * Opt-in pre-liquidation (contracts/periphery/PreLiquidation.sol, immutable): the band [1, `preHealth`) of health in
 * which anyone may repay part of an opted-in position's debt for collateral worth it plus an incentive, the close
 * factor and the incentive interpolated from the band's top to health 1.
 */
export interface PreLiquidationConfig {
  /** [wad] The band's top, in (1e18, 1.5e18]. */
  preHealth: bigint;
  /** [bps] Close factor at the band's top and at health 1: 0 < top <= bottom <= 5,000. */
  closeFactorBps: [number, number];
  /** [bps] Incentive at the top and at health 1: top <= bottom, below every asset's liquidation penalty. */
  incentiveBps: [number, number];
}

/**
 * Fully backed options and binaries (contracts/InstrumentVault.sol): the settlement parameters
 * (`IInstrumentVault.SettlementParams`), the assets series may be written on and the USD quote assets puts and binaries
 * lock. Absent: no InstrumentVault is deployed.
 */
export interface InstrumentsConfig {
  settlement: {
    /** [s] After a price is set, the guardian's time to correct it; redemptions open after. In [10 min, 7 days]. */
    disputeWindow: number;
    /** [bps] The most a correction may move the price from the round's, at most 500. */
    maxCorrectionBps: number;
    /** [s] After expiry, when the fallback (the last round before expiry) may settle a series; > 0. */
    fallbackDelay: number;
    /** [s] After expiry, when a series with no price settles at its strike: in (fallbackDelay, 365 days]. */
    voidDelay: number;
  };
  /** Collateral symbols series may be written on: each must be priced by its own Chainlink feed (no source). */
  underlyings: string[];
  /** Symbols of USD quote assets (worth 1 USD per whole unit): collateral assets or USD synthetics. */
  quotes: string[];
}

/** A synthetic's face-value redemptions (contracts/Redemptions.sol, `IRedemptions.Params`). */
export interface RedemptionConfig {
  /** Symbol of the synthetic. */
  synthetic: string;
  /** [wad] Positions below this health may be redeemed against: in [1e18, 3e18]. */
  redeemableHealth: bigint;
  /** [bps] The fee's floor and ceiling (ceiling at most 1,000). */
  minFeeBps: number;
  maxFeeBps: number;
  /** [s] How long the volume part of the fee takes to halve, in [1 hour, 30 days]. */
  halfLife: number;
}

/**
 * One parameter's steward bounds (`IRiskSteward.Bounds`). Values in the parameter's unit: SupplyCap [whole tokens];
 * MaxLtv, LiqThreshold, KeeperChip [bps]; DebtCeiling, KeeperTip [wad of the synthetic]; AuctionCap [wad USD];
 * BaseRate, SlopeLow, SlopeHigh [wad/yr].
 */
export interface StewardBoundsConfig {
  param: StewardParam;
  /** A collateral symbol, a synthetic symbol, or "global" (AuctionCap only: the global auction cap). */
  target: string;
  /** [bps] Largest change per application, as a share of the current value (at most 5,000). */
  maxChangeBps: number;
  /** [s] Least time between two changes (at least 1 hour). */
  minInterval: number;
  /** [wad] Loosening only while the observed volatility of `volAsset` is at most this; 0n: never loosen. */
  maxVolatility: bigint;
  /** The collateral symbol whose volatility gates loosening (default: the target, for an asset's parameter). */
  volAsset?: string;
  minValue: bigint;
  maxValue: bigint;
  /** A change always allowed whatever the current value (default 0). */
  step?: bigint;
}

/**
 * Bounded risk automation (contracts/risk/): the volatility observer, the risk oracle and the risk steward with its
 * bounds. Absent: none of them is deployed and every risk parameter moves through governance alone.
 */
export interface RiskAutomationConfig {
  /** Holder of PUBLISHER: the key that posts the risk engine's recommendations (`npm run risk -- --publish`). */
  publisher: AccountRef;
  /** [s] The observer's least interval between two observations of one asset, and its averaging window. */
  observer: { minInterval: number; window: number };
  /** [s] How old an observation may be for the steward to loosen on it. */
  maxObservationAge: number;
  bounds: StewardBoundsConfig[];
}

/** Roles and delays (see deploy/roles.ts). */
export interface GovernanceConfig {
  /** The AccessManager admin at the end of the deploy (the deployer renounces the role when it is another account). */
  admin: AccountRef;
  /** [s] Execution delay of the admin's own calls (grants, function-role changes); at least `criticalDelay`. */
  adminDelay: number;
  /** Holder of CRITICAL: listing, feeds, treasury, engine, shutdown. */
  critical: AccountRef;
  /** [s] Execution delay of every CRITICAL call. */
  criticalDelay: number;
  /** Holder of GOVERNOR: risk and economic parameters. */
  governor: AccountRef;
  /** [s] Execution delay of every GOVERNOR call. */
  governorDelay: number;
  /** Holder of GUARDIAN: pause functions, no delay. */
  guardian: AccountRef;
}

/** Everything the deploy needs for one network. */
export interface NetworkConfig {
  /** The Hardhat network name(s) this config is for (first is the canonical one). */
  networks: string[];
  /** Expected chain id: the deploy refuses to run on another chain. Omit for the embedded network and local nodes. */
  chainId?: number;
  /** Whether mock tokens and feeds may be deployed (never on mainnet). */
  allowMocks: boolean;
  /** Block confirmations to wait for after each transaction (1 locally). */
  confirmations: number;
  /**
   * [bps] Gas limit over the node's estimate for every transaction the deploy, the tasks and the keeper send on
   * this network (at least 2,000: +20%). An estimate is exact only for the block it ran against; interest accrued
   * for a few more seconds, or another transaction first, can make the mined one need more. `BALLAST_GAS_MARGIN_BPS`
   * overrides it for one run.
   */
  gasMarginBps: number;
  /**
   * Whether keeper pay covers a liquidation's gas, and at what prices: the flat tip plus the chip on the minimum
   * debt (capped by maxPay and by the smallest penalty on it) must pay for the gas of a liquidation of a basket with
   * every listed asset (gas/snapshot.json) at `gasPriceGwei` and, for USD synthetics, `ethUsd`. Or `exempt`, with why.
   * test/deploy.test.ts checks it for every config.
   */
  keeperGas: { gasPriceGwei: number; ethUsd: number } | { exempt: string };
  /** Whether `ballast verify` should submit sources to an explorer for this network. */
  verify: boolean;
  /** The L2 sequencer-uptime feed and its grace period [s]; absent on L1. Immutable in the OracleAdapter. */
  sequencer?: { feed: string; gracePeriod: number };
  rateModels: Record<string, RateModelConfig>;
  assets: AssetConfig[];
  synthetics: SyntheticConfig[];
  /** `ILiquidationEngine.LiquidationParams` [wad]; absent: the engine's constructor defaults are kept. */
  liquidation?: { targetHealth: bigint; fullLiquidationHealth: bigint };
  /** `ILiquidationEngine.AuctionParams`; absent: the constructor defaults are kept. */
  auction?: {
    startBufferBps: number;
    resetBelowBps: number;
    curve: "Linear" | "StepExponential";
    duration: number;
    step: number;
    cutBps: number;
    maxDuration: number;
  };
  /** [wad USD] Cap on all debt in auction. */
  globalAuctionCap: bigint;
  /** Stability modules (none when absent). */
  stabilityModules?: StabilityModuleConfig[];
  /** Savings tokens and the Treasury's surplus policy, per synthetic (none when absent). */
  savings?: SavingsConfig[];
  /** Face-value redemptions, per synthetic (none when absent: no Redemptions contract, redemptions off). */
  redemptions?: RedemptionConfig[];
  /** The volatility observer, risk oracle and risk steward (none when absent). */
  risk?: RiskAutomationConfig;
  /** Opt-in pre-liquidation (none when absent). */
  preLiquidation?: PreLiquidationConfig;
  /** The one-transaction Router (periphery, contracts/periphery/Router.sol; none when absent) and the Permit2 it uses. */
  router?: { permit2: string };
  /** Fully backed options and binaries (none when absent). */
  instruments?: InstrumentsConfig;
  governance: GovernanceConfig;
}

/** A configuration that fails validation; `problems` lists every field at fault. */
export class ConfigError extends Error {
  constructor(
    public readonly network: string,
    public readonly problems: string[],
  ) {
    super(`the deploy config for "${network}" is invalid:\n  - ${problems.join("\n  - ")}`);
    this.name = "ConfigError";
  }
}

/**
 * Bounds the contracts enforce, restated so a config is refused before anything is sent. Each is checked against the
 * deployed contract's constant by test/deploy.test.ts ("the config bounds are the contracts'"): the Vault's, the
 * LiquidationEngine's admin module's, the SyntheticToken's and the DynamicRateModel's.
 */
export const CONTRACT_BOUNDS = {
  vault: { MAX_LIQ_THRESHOLD_BPS: 9_800n, MAX_LIQ_PENALTY_BPS: 2_500n, MAX_DECIMALS: 36n },
  engineAdmin: {
    MAX_TIP: 1_000n * 10n ** 18n,
    MAX_CHIP_BPS: 100n,
    MAX_KEEPER_PAY: 100_000n * 10n ** 18n,
    MAX_CAP: 10n ** 30n,
  },
  token: { MAX_FLASH_FEE_BPS: 100n },
  module: { MAX_FEE_BPS: 500n, MIN_BAND_BPS: 10n, MAX_BAND_BPS: 1_000n },
  savings: { MIN_VESTING_PERIOD: 3_600n, MAX_VESTING_PERIOD: 2_592_000n },
  treasury: { MIN_POLICY_TIME: 3_600n, MAX_POLICY_TIME: 2_592_000n, MAX_SHARE_BPS: 5_000n },
  buyback: { MAX_SLIPPAGE_BPS: 500n },
  redemptions: {
    MAX_REDEEMABLE_HEALTH: 3n * 10n ** 18n,
    MAX_FEE_BPS: 1_000n,
    MIN_HALF_LIFE: 3_600n,
    MAX_HALF_LIFE: 2_592_000n,
  },
  rateModel: { MAX_ANNUAL_RATE: 10n ** 18n, MAX_SLOPE: 10n * 10n ** 18n },
  observer: { MIN_INTERVAL_FLOOR: 60n, MAX_INTERVAL: 86_400n, MAX_WINDOW: 7_776_000n },
  preLiquidation: {
    MAX_PRE_HEALTH: 1_500_000_000_000_000_000n,
    MAX_CLOSE_FACTOR_BPS: 5_000n,
    MAX_INCENTIVE_BPS: 1_000n,
  },
  instruments: {
    MIN_DISPUTE_WINDOW: 600n,
    MAX_DISPUTE_WINDOW: 604_800n,
    MAX_CORRECTION_BPS: 500n,
    MAX_VOID_DELAY: 31_536_000n,
  },
  steward: {
    MAX_CHANGE_BPS: 5_000n,
    MIN_INTERVAL: 3_600n,
    MAX_INTERVAL: 31_536_000n,
    MIN_OBSERVATION_AGE: 600n,
    MAX_OBSERVATION_AGE: 172_800n,
  },
} as const;

const BPS = 10_000;
const MAX_LIQ_THRESHOLD_BPS = Number(CONTRACT_BOUNDS.vault.MAX_LIQ_THRESHOLD_BPS);
const MAX_LIQ_PENALTY_BPS = Number(CONTRACT_BOUNDS.vault.MAX_LIQ_PENALTY_BPS);
const MAX_DECIMALS = Number(CONTRACT_BOUNDS.vault.MAX_DECIMALS);
const MAX_FLASH_FEE_BPS = Number(CONTRACT_BOUNDS.token.MAX_FLASH_FEE_BPS);
const { MAX_TIP, MAX_KEEPER_PAY, MAX_CAP } = CONTRACT_BOUNDS.engineAdmin;
const MAX_CHIP_BPS = Number(CONTRACT_BOUNDS.engineAdmin.MAX_CHIP_BPS);
const MAX_UINT96 = 2n ** 96n - 1n;
const MAX_UINT48 = 2n ** 48n - 1n;
const MAX_UINT32 = 2 ** 32 - 1;
const WAD = 10n ** 18n;
const { MAX_ANNUAL_RATE, MAX_SLOPE } = CONTRACT_BOUNDS.rateModel;

/** True when `x` is a mock spec rather than an address. */
export function isMock<T extends object>(x: string | T): x is T {
  return typeof x !== "string";
}

/**
 * Checks `config` against the contracts' bounds and itself (unique symbols, references that resolve, mocks only where
 * allowed, addresses well formed). Throws a `ConfigError` listing every problem; returns nothing when it is valid.
 */
export function validateConfig(name: string, config: NetworkConfig): void {
  const p: string[] = [];
  const addr = (path: string, a: string): void => {
    if (!isAddress(a) || /^0x0{40}$/i.test(a)) p.push(`${path}: "${a}" is not a non-zero address`);
  };
  const account = (path: string, a: AccountRef): void => {
    if (a !== "deployer") addr(path, a);
  };
  const bps = (path: string, v: number, max = BPS): void => {
    if (!Number.isInteger(v) || v < 0 || v > max) p.push(`${path}: ${v} is not an integer in [0, ${max}] bps`);
  };
  const seconds = (path: string, v: number, min = 0): void => {
    if (!Number.isInteger(v) || v < min || v > MAX_UINT32)
      p.push(`${path}: ${v} is not a whole number of seconds ≥ ${min}`);
  };
  const feed = (path: string, f: FeedConfig): void => {
    if (isMock(f.aggregator)) {
      if (!config.allowMocks) p.push(`${path}.aggregator: a mock feed, but this network does not allow mocks`);
      const { decimals, answer } = f.aggregator.mock;
      if (!Number.isInteger(decimals) || decimals < 0 || decimals > MAX_DECIMALS) {
        p.push(`${path}.aggregator.mock.decimals: ${decimals} is not in [0, ${MAX_DECIMALS}]`);
      }
      if (answer <= 0n) p.push(`${path}.aggregator.mock.answer: must be > 0`);
      const kind = f.aggregator.mock.kind;
      if (kind !== undefined && !MOCK_FEED_KINDS.includes(kind)) {
        p.push(`${path}.aggregator.mock.kind: "${String(kind)}" is not one of ${MOCK_FEED_KINDS.join(", ")}`);
      }
    } else addr(`${path}.aggregator`, f.aggregator);
    seconds(`${path}.heartbeat`, f.heartbeat, 1);
    seconds(`${path}.maxAge`, f.maxAge, 1);
    if (f.maxAge < f.heartbeat) p.push(`${path}.maxAge: ${f.maxAge} s is below the heartbeat ${f.heartbeat} s`);
    if (typeof f.minAnswer === "bigint" && typeof f.maxAnswer === "bigint" && f.minAnswer >= f.maxAnswer) {
      p.push(`${path}: minAnswer ${f.minAnswer} is not below maxAnswer ${f.maxAnswer}`);
    }
    if (typeof f.maxAnswer === "bigint" && f.maxAnswer <= 0n) p.push(`${path}.maxAnswer: must be > 0`);
  };

  if (config.networks.length === 0) p.push("networks: names no Hardhat network");
  if (!Number.isInteger(config.confirmations) || config.confirmations < 1) p.push("confirmations: must be ≥ 1");
  if (
    !Number.isInteger(config.gasMarginBps) ||
    config.gasMarginBps < MIN_GAS_MARGIN_BPS ||
    config.gasMarginBps > 100_000
  ) {
    p.push(`gasMarginBps: ${config.gasMarginBps} is not an integer in [${MIN_GAS_MARGIN_BPS}, 100000] bps`);
  }
  if (config.sequencer !== undefined) {
    addr("sequencer.feed", config.sequencer.feed);
    seconds("sequencer.gracePeriod", config.sequencer.gracePeriod);
  }

  for (const [key, m] of Object.entries(config.rateModels)) {
    if (m.kind === "fixed" && (m.ratePerSecond < 0n || m.ratePerSecond > 31_709_791_983_764_586_504n)) {
      p.push(`rateModels.${key}.ratePerSecond: ${m.ratePerSecond} is above the Vault's MAX_RATE_PER_SECOND`);
    }
  }

  const symbols = new Set<string>();
  config.assets.forEach((a, i) => {
    const at = `assets[${i}] (${a.symbol})`;
    if (!/^[A-Za-z0-9.]{1,16}$/.test(a.symbol)) p.push(`${at}.symbol: use 1-16 letters, digits or dots`);
    if (symbols.has(a.symbol.toUpperCase())) p.push(`${at}.symbol: duplicate symbol`);
    symbols.add(a.symbol.toUpperCase());
    if (isMock(a.token)) {
      if (!config.allowMocks) p.push(`${at}.token: a mock token, but this network does not allow mocks`);
      if (a.token.mock.decimals !== a.decimals) p.push(`${at}.token.mock.decimals: differs from decimals`);
    } else addr(`${at}.token`, a.token);
    if (!Number.isInteger(a.decimals) || a.decimals < 0 || a.decimals > MAX_DECIMALS) {
      p.push(`${at}.decimals: ${a.decimals} is not in [0, ${MAX_DECIMALS}]`);
    }
    feed(`${at}.feed`, a.feed);
    const src = a.source;
    if (src?.kind === "rate") {
      if (!Number.isInteger(src.rateDecimals) || src.rateDecimals < 0 || src.rateDecimals > MAX_DECIMALS) {
        p.push(`${at}.source.rateDecimals: ${src.rateDecimals} is not in [0, ${MAX_DECIMALS}]`);
      }
      if (src.maxYearlyGrowthBps <= 0) p.push(`${at}.source.maxYearlyGrowthBps: must be > 0`);
      bps(`${at}.source.maxYearlyGrowthBps`, src.maxYearlyGrowthBps);
      if (src.minRateBps <= 0) p.push(`${at}.source.minRateBps: must be > 0`);
      bps(`${at}.source.minRateBps`, src.minRateBps);
      if (isMock(a.token) && (src.rate === "stEthPerToken") !== (a.token.mock.rate !== undefined)) {
        p.push(`${at}.token.mock: a stEthPerToken rate needs a mock with \`rate\`, and only it`);
      }
      if (isMock(a.token) && (src.rate === "erc4626") !== (a.token.mock.vaultOf !== undefined)) {
        p.push(`${at}.token.mock: an erc4626 rate needs a mock with \`vaultOf\`, and only it`);
      }
    } else if (src?.kind === "nav") {
      if (a.secondary !== undefined) p.push(`${at}.secondary: a NAV source reads one feed`);
      seconds(`${at}.source.ttl`, src.ttl, 3_600);
      if (src.ttl > 400 * 86_400) p.push(`${at}.source.ttl: above NavSource.MAX_TTL (400 days)`);
      if (src.lapse.floorBps <= 0 || src.lapse.floorBps >= a.risk.liqThresholdBps) {
        p.push(`${at}.source.lapse.floorBps: must be in (0, liqThresholdBps)`);
      }
      if (src.lapse.grace < 86_400 || src.lapse.grace > 90 * 86_400) {
        p.push(`${at}.source.lapse.grace: ${src.lapse.grace} s is not in [1 day, 90 days]`);
      }
    }
    if (isMock(a.token) && a.source === undefined && (a.token.mock.rate ?? a.token.mock.vaultOf) !== undefined) {
      p.push(`${at}.token.mock: a yield-bearing mock needs a rate source`);
    }
    if (a.secondary !== undefined) {
      feed(`${at}.secondary.feed`, a.secondary.feed);
      if (a.secondary.maxDeviationBps === 0) p.push(`${at}.secondary.maxDeviationBps: must be > 0`);
      bps(`${at}.secondary.maxDeviationBps`, a.secondary.maxDeviationBps);
    }
    const r = a.risk;
    if (r.liqThresholdBps <= 0 || r.liqThresholdBps > MAX_LIQ_THRESHOLD_BPS || !Number.isInteger(r.liqThresholdBps)) {
      p.push(`${at}.risk.liqThresholdBps: ${r.liqThresholdBps} is not in (0, ${MAX_LIQ_THRESHOLD_BPS}]`);
    }
    bps(`${at}.risk.maxLtvBps`, r.maxLtvBps);
    if (r.maxLtvBps > r.liqThresholdBps) {
      p.push(`${at}.risk.maxLtvBps: ${r.maxLtvBps} is above liqThresholdBps ${r.liqThresholdBps}`);
    }
    bps(`${at}.risk.liqPenaltyBps`, r.liqPenaltyBps, MAX_LIQ_PENALTY_BPS);
    if (r.liqThresholdBps * (BPS + r.liqPenaltyBps) > BPS * BPS) {
      p.push(`${at}.risk: liqThresholdBps × (1 + liqPenaltyBps) is above 100% (the penalty could not be paid)`);
    }
    if (r.supplyCap < 0n || r.supplyCap > MAX_UINT48) p.push(`${at}.risk.supplyCap: does not fit in uint48`);
    if (a.auctionCap < 0n || a.auctionCap > MAX_CAP) p.push(`${at}.auctionCap: above the engine's MAX_CAP (1e30)`);
  });

  const synthSymbols = new Set<string>();
  config.synthetics.forEach((s, i) => {
    const at = `synthetics[${i}] (${s.symbol})`;
    if (synthSymbols.has(s.symbol.toUpperCase()) || symbols.has(s.symbol.toUpperCase())) {
      p.push(`${at}.symbol: duplicate symbol (assets and synthetics share one namespace)`);
    }
    synthSymbols.add(s.symbol.toUpperCase());
    if (s.priceAsset !== "USD" && !config.assets.some((a) => a.symbol === s.priceAsset)) {
      p.push(`${at}.priceAsset: "${s.priceAsset}" is neither "USD" nor a configured asset symbol`);
    }
    const model = config.rateModels[s.rateModel];
    if (model === undefined) p.push(`${at}.rateModel: "${s.rateModel}" is not a key of rateModels`);
    else if (model.kind === "dynamic") {
      const r = s.rateParams;
      if (r === undefined) p.push(`${at}.rateParams: required with the dynamic rate model "${s.rateModel}"`);
      else {
        if (r.baseRate > MAX_ANNUAL_RATE || r.maxRate > MAX_ANNUAL_RATE)
          p.push(`${at}.rateParams: a rate above 100%/yr`);
        if (r.minRate > r.maxRate) p.push(`${at}.rateParams: minRate above maxRate`);
        if (r.slopeLow > MAX_SLOPE || r.slopeHigh > MAX_SLOPE) p.push(`${at}.rateParams: a slope above 1000%/yr`);
        if (r.kink <= 0n || r.kink >= WAD) p.push(`${at}.rateParams.kink: not strictly between 0 and 1e18`);
      }
    } else if (s.rateParams !== undefined) p.push(`${at}.rateParams: only for a dynamic rate model`);
    if (s.debtCeiling > MAX_UINT96) p.push(`${at}.debtCeiling: does not fit in uint96`);
    if (s.minDebt > s.debtCeiling) p.push(`${at}.minDebt: above debtCeiling`);
    bps(`${at}.flashFeeBps`, s.flashFeeBps, MAX_FLASH_FEE_BPS);
    if (s.keeper.tip > MAX_TIP) p.push(`${at}.keeper.tip: above the engine's MAX_TIP (1,000)`);
    if (s.keeper.tip > s.keeper.maxPay) p.push(`${at}.keeper.tip: above keeper.maxPay`);
    bps(`${at}.keeper.chipBps`, s.keeper.chipBps, MAX_CHIP_BPS);
    if (s.keeper.maxPay > MAX_KEEPER_PAY) p.push(`${at}.keeper.maxPay: above the engine's MAX_KEEPER_PAY (100,000)`);
  });
  if (config.synthetics.length === 0) p.push("synthetics: at least one synthetic is needed");

  const { MAX_FEE_BPS, MIN_BAND_BPS, MAX_BAND_BPS } = CONTRACT_BOUNDS.module;
  const pairs = new Set<string>();
  (config.stabilityModules ?? []).forEach((m, i) => {
    const at = `stabilityModules[${i}] (${m.synthetic}/${m.reserve})`;
    if (!config.synthetics.some((s) => s.symbol === m.synthetic)) {
      p.push(`${at}.synthetic: "${m.synthetic}" is not a configured synthetic`);
    }
    if (!config.assets.some((a) => a.symbol === m.reserve)) {
      p.push(`${at}.reserve: "${m.reserve}" is not a configured collateral asset (the Vault must list it)`);
    }
    if (pairs.has(`${m.synthetic}/${m.reserve}`)) p.push(`${at}: a second module for the same pair`);
    pairs.add(`${m.synthetic}/${m.reserve}`);
    bps(`${at}.feeInBps`, m.feeInBps, Number(MAX_FEE_BPS));
    bps(`${at}.feeOutBps`, m.feeOutBps, Number(MAX_FEE_BPS));
    if (!Number.isInteger(m.bandBps) || m.bandBps < Number(MIN_BAND_BPS) || m.bandBps > Number(MAX_BAND_BPS)) {
      p.push(`${at}.bandBps: ${m.bandBps} is not an integer in [${MIN_BAND_BPS}, ${MAX_BAND_BPS}] bps`);
    }
    if (m.ceiling < 0n || m.ceiling > MAX_UINT96) p.push(`${at}.ceiling: does not fit in uint96`);
  });

  const pre = config.preLiquidation;
  if (pre !== undefined) {
    const B = CONTRACT_BOUNDS.preLiquidation;
    const [cfTop, cfBottom] = pre.closeFactorBps;
    const [incTop, incBottom] = pre.incentiveBps;
    if (pre.preHealth <= WAD || pre.preHealth > B.MAX_PRE_HEALTH) {
      p.push(`preLiquidation.preHealth: ${pre.preHealth} is not in (1e18, 1.5e18]`);
    }
    bps("preLiquidation.closeFactorBps[1]", cfBottom, Number(B.MAX_CLOSE_FACTOR_BPS));
    if (!Number.isInteger(cfTop) || cfTop <= 0 || cfTop > cfBottom) {
      p.push(`preLiquidation.closeFactorBps: ${cfTop} at the top must be in (0, ${cfBottom}] (the bottom's)`);
    }
    bps("preLiquidation.incentiveBps[1]", incBottom, Number(B.MAX_INCENTIVE_BPS));
    bps("preLiquidation.incentiveBps[0]", incTop, incBottom);
    const penalties = config.assets.map((a) => a.risk.liqPenaltyBps);
    const least = Math.min(...penalties);
    if (penalties.length > 0 && incBottom >= least) {
      p.push(
        `preLiquidation.incentiveBps: ${incBottom} at health 1 is not below the smallest liquidation penalty ` +
          `(${least} bps): a pre-liquidation must cost the owner less than a liquidation`,
      );
    }
  }
  if (config.router !== undefined) addr("router.permit2", config.router.permit2);

  const ins = config.instruments;
  if (ins !== undefined) {
    const I = CONTRACT_BOUNDS.instruments;
    const { disputeWindow, maxCorrectionBps, fallbackDelay, voidDelay } = ins.settlement;
    if (
      !Number.isInteger(disputeWindow) ||
      disputeWindow < Number(I.MIN_DISPUTE_WINDOW) ||
      disputeWindow > Number(I.MAX_DISPUTE_WINDOW)
    ) {
      p.push(`instruments.settlement.disputeWindow: ${disputeWindow} s is not in [10 minutes, 7 days]`);
    }
    bps("instruments.settlement.maxCorrectionBps", maxCorrectionBps, Number(I.MAX_CORRECTION_BPS));
    seconds("instruments.settlement.fallbackDelay", fallbackDelay, 1);
    if (!Number.isInteger(voidDelay) || voidDelay <= fallbackDelay || voidDelay > Number(I.MAX_VOID_DELAY)) {
      p.push(`instruments.settlement.voidDelay: ${voidDelay} s is not in (fallbackDelay ${fallbackDelay} s, 365 days]`);
    }
    const seenUnderlyings = new Set<string>();
    ins.underlyings.forEach((u, i) => {
      const at = `instruments.underlyings[${i}] (${u})`;
      const asset = config.assets.find((a) => a.symbol === u);
      if (asset === undefined) p.push(`${at}: not a configured collateral asset`);
      else if (asset.source !== undefined) {
        p.push(`${at}: priced by a source, not by its own Chainlink feed: a series settles on a feed's rounds`);
      }
      if (seenUnderlyings.has(u)) p.push(`${at}: listed twice`);
      seenUnderlyings.add(u);
    });
    const seenQuotes = new Set<string>();
    ins.quotes.forEach((q, i) => {
      const at = `instruments.quotes[${i}] (${q})`;
      const synth = config.synthetics.find((x) => x.symbol === q);
      // (an unknown priceAsset is reported with the synthetic)
      if (synth !== undefined && config.assets.some((a) => a.symbol === synth.priceAsset)) {
        p.push(`${at}: a synthetic that tracks ${synth.priceAsset}, not USD`);
      }
      if (synth === undefined && !config.assets.some((a) => a.symbol === q)) {
        p.push(`${at}: neither a configured collateral asset nor a synthetic`);
      }
      if (seenQuotes.has(q)) p.push(`${at}: listed twice`);
      seenQuotes.add(q);
    });
  }

  const R = CONTRACT_BOUNDS.redemptions;
  (config.redemptions ?? []).forEach((r, i) => {
    const at = `redemptions[${i}] (${r.synthetic})`;
    if (!config.synthetics.some((s) => s.symbol === r.synthetic)) {
      p.push(`${at}.synthetic: "${r.synthetic}" is not a configured synthetic`);
    }
    if (r.redeemableHealth < WAD || r.redeemableHealth > R.MAX_REDEEMABLE_HEALTH) {
      p.push(`${at}.redeemableHealth: ${r.redeemableHealth} is not in [1e18, 3e18]`);
    }
    bps(`${at}.maxFeeBps`, r.maxFeeBps, Number(R.MAX_FEE_BPS));
    bps(`${at}.minFeeBps`, r.minFeeBps, r.maxFeeBps);
    if (!Number.isInteger(r.halfLife) || r.halfLife < Number(R.MIN_HALF_LIFE) || r.halfLife > Number(R.MAX_HALF_LIFE)) {
      p.push(`${at}.halfLife: ${r.halfLife} s is not in [${R.MIN_HALF_LIFE}, ${R.MAX_HALF_LIFE}]`);
    }
  });

  const { MIN_VESTING_PERIOD, MAX_VESTING_PERIOD } = CONTRACT_BOUNDS.savings;
  const { MIN_POLICY_TIME, MAX_POLICY_TIME, MAX_SHARE_BPS } = CONTRACT_BOUNDS.treasury;
  const savedSynths = new Set<string>();
  (config.savings ?? []).forEach((v, i) => {
    const at = `savings[${i}] (${v.symbol})`;
    if (!config.synthetics.some((s) => s.symbol === v.synthetic)) {
      p.push(`${at}.synthetic: "${v.synthetic}" is not a configured synthetic`);
    }
    if (savedSynths.has(v.synthetic)) p.push(`${at}: a second savings token for ${v.synthetic}`);
    savedSynths.add(v.synthetic);
    const within = (path: string, x: number, lo: bigint, hi: bigint): void => {
      if (!Number.isInteger(x) || x < Number(lo) || x > Number(hi))
        p.push(`${at}.${path}: ${x} s is not in [${lo}, ${hi}]`);
    };
    within("vestingPeriod", v.vestingPeriod, MIN_VESTING_PERIOD, MAX_VESTING_PERIOD);
    within("policy.minDuration", v.policy.minDuration, MIN_POLICY_TIME, MAX_POLICY_TIME);
    within("policy.minInterval", v.policy.minInterval, MIN_POLICY_TIME, MAX_POLICY_TIME);
    bps(`${at}.policy.maxShareBps`, v.policy.maxShareBps, Number(MAX_SHARE_BPS));
    bps(`${at}.policy.savingsBps`, v.policy.savingsBps);
    bps(`${at}.policy.buybackBps`, v.policy.buybackBps);
    if (v.policy.savingsBps + v.policy.buybackBps > BPS) p.push(`${at}.policy: savingsBps + buybackBps above 100%`);
    if (v.policy.buffer < 0n || v.policy.buffer >= 2n ** 128n) p.push(`${at}.policy.buffer: does not fit in uint128`);
    if (v.policy.maxAmount < 0n || v.policy.maxAmount >= 2n ** 128n)
      p.push(`${at}.policy.maxAmount: does not fit in uint128`);
    if (v.buyback === undefined) {
      if (v.policy.buybackBps !== 0) p.push(`${at}.policy.buybackBps: a buyback weight without a buyback sink`);
    } else {
      if (!config.allowMocks) p.push(`${at}.buyback.venue: a mock venue, but this network does not allow mocks`);
      if (!config.assets.some((a) => a.symbol === v.buyback?.asset)) {
        p.push(`${at}.buyback.asset: "${v.buyback.asset}" is not a configured collateral asset`);
      }
      account(`${at}.buyback.recipient`, v.buyback.recipient);
      bps(`${at}.buyback.slippageBps`, v.buyback.slippageBps, Number(CONTRACT_BOUNDS.buyback.MAX_SLIPPAGE_BPS));
    }
  });
  if (config.globalAuctionCap < 0n || config.globalAuctionCap > MAX_CAP)
    p.push("globalAuctionCap: above MAX_CAP (1e30)");

  if (config.risk !== undefined) {
    const r = config.risk;
    const O = CONTRACT_BOUNDS.observer;
    const S = CONTRACT_BOUNDS.steward;
    account("risk.publisher", r.publisher);
    const { minInterval, window } = r.observer;
    if (minInterval < Number(O.MIN_INTERVAL_FLOOR) || minInterval > Number(O.MAX_INTERVAL))
      p.push(`risk.observer.minInterval: ${minInterval} s is not in [1 minute, 1 day]`);
    if (window < 10 * minInterval || window > Number(O.MAX_WINDOW))
      p.push(`risk.observer.window: ${window} s is not in [10 × minInterval, 90 days]`);
    if (r.maxObservationAge < Number(S.MIN_OBSERVATION_AGE) || r.maxObservationAge > Number(S.MAX_OBSERVATION_AGE))
      p.push(`risk.maxObservationAge: ${r.maxObservationAge} s is not in [10 minutes, 2 days]`);
    const synthSet = new Set(config.synthetics.map((x) => x.symbol));
    const assetSet = new Set(config.assets.map((x) => x.symbol));
    const seen = new Set<string>();
    r.bounds.forEach((b, i) => {
      const at = `risk.bounds[${i}] (${b.param} ${b.target})`;
      if (!STEWARD_PARAMS.includes(b.param)) p.push(`${at}.param: unknown (known: ${STEWARD_PARAMS.join(", ")})`);
      const onAsset = ASSET_PARAMS.includes(b.param);
      const targetOk =
        (onAsset && assetSet.has(b.target)) ||
        (b.param === "AuctionCap" && b.target === "global") ||
        (!onAsset && synthSet.has(b.target));
      if (!targetOk) p.push(`${at}.target: not a ${onAsset ? "collateral asset" : "synthetic"} of this config`);
      if (seen.has(`${b.param}/${b.target}`)) p.push(`${at}: bounds given twice`);
      seen.add(`${b.param}/${b.target}`);
      if (!Number.isInteger(b.maxChangeBps) || b.maxChangeBps <= 0 || b.maxChangeBps > Number(S.MAX_CHANGE_BPS))
        p.push(`${at}.maxChangeBps: ${b.maxChangeBps} is not in [1, 5000]`);
      if (b.minInterval < Number(S.MIN_INTERVAL) || b.minInterval > Number(S.MAX_INTERVAL))
        p.push(`${at}.minInterval: ${b.minInterval} s is not in [1 hour, 365 days]`);
      const gate = b.volAsset ?? (onAsset && b.target !== "global" ? b.target : undefined);
      if (b.maxVolatility > 0n && (gate === undefined || !assetSet.has(gate)))
        p.push(`${at}.volAsset: a volatility gate needs a collateral asset to observe`);
      if (b.minValue > b.maxValue) p.push(`${at}: minValue above maxValue`);
      if ((b.step ?? 0n) > b.maxValue - b.minValue) p.push(`${at}.step: above maxValue - minValue`);
    });
  }

  const g = config.governance;
  account("governance.admin", g.admin);
  account("governance.critical", g.critical);
  account("governance.governor", g.governor);
  account("governance.guardian", g.guardian);
  seconds("governance.adminDelay", g.adminDelay);
  seconds("governance.criticalDelay", g.criticalDelay);
  seconds("governance.governorDelay", g.governorDelay);
  // The admin grants roles: granting SETTLEMENT (which may release every position) or CRITICAL to a new account must
  // wait at least as long as a CRITICAL call, or the admin would be the shorter way to the same power.
  if (g.adminDelay < g.criticalDelay)
    p.push(
      `governance.adminDelay: ${g.adminDelay} s is below criticalDelay ${g.criticalDelay} s (a role grant would outrun a CRITICAL change)`,
    );

  if (p.length > 0) throw new ConfigError(name, p);
}
