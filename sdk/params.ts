/**
 * Ballast's system parameters: the collateral assets, the synthetics, keeper pay, auction caps, the rate and the feed
 * settings. The same values as test/utils/Fixture.sol and test/utils/LiquidationFixture.sol; the local deploy
 * configuration (deploy/config/networks.ts), the mock deploy (deploy/local/core.ts), the demo, the gas benchmark and
 * the tests all read them from here.
 *
 * Units: `[token]` a token's own decimals, `[wad]` 1e18, `[ray]` 1e27, `[bps]` 1e4, feed answers in 8 decimals.
 */
import type { ILiquidationEngine, IVault } from "../typechain-types/index.js";
import { WAD } from "./math.js";

/** Synthetic ids, in the order every deploy adds them. */
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

/** The collateral assets every deploy lists, in listing order (asset id 0, 1, 2). */
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

/**
 * The collateral priced by price sources (contracts/sources/), listed after `ASSET_KEYS` (asset ids 3, 4, 5) by every
 * local deploy and by test/utils/LiquidationFixture.sol:
 * - wstETH: a wstETH-style token (`MockRateToken`, 1.15 stETH per token) priced as stETH/USD (1,990: stETH trades a
 *   little under ETH) times its rate, the rate capped at 10% a year of growth, failing under half the snapshot;
 * - sDAI: OpenZeppelin's ERC-4626 over an 18-decimal DAI (`MockVaultShare`), priced as DAI/USD times
 *   `convertToAssets(1 share)`, capped at 10% a year, failing under 90% of the snapshot;
 * - TBILL: a tokenized T-bill fund of 6 decimals at a NAV of 100 (`NavSource`), attested weekly; after 3 days of lapse
 *   its threshold may ramp down to 50%.
 * `price` is the answer of the feed the price starts from (the base, or the NAV) [8 decimals].
 */
export const SOURCED_ASSETS = {
  wsteth: {
    name: "Wrapped stETH",
    symbol: "wstETH",
    decimals: 18,
    price: 1_990n * 10n ** 8n,
    rate: (115n * WAD) / 100n,
    source: {
      kind: "rate" as const,
      rate: "stEthPerToken" as const,
      rateDecimals: 18,
      maxYearlyGrowthBps: 1_000,
      minRateBps: 5_000,
    },
    params: { maxLtvBps: 7_000n, liqThresholdBps: 7_800n, liqPenaltyBps: 600n, supplyCap: 100_000n, frozen: false },
  },
  sdai: {
    name: "Savings Dai",
    symbol: "sDAI",
    decimals: 18,
    price: 1n * 10n ** 8n,
    underlying: { symbol: "DAI", decimals: 18 },
    source: {
      kind: "rate" as const,
      rate: "erc4626" as const,
      rateDecimals: 18,
      maxYearlyGrowthBps: 1_000,
      minRateBps: 9_000,
    },
    params: { maxLtvBps: 8_500n, liqThresholdBps: 8_800n, liqPenaltyBps: 400n, supplyCap: 100_000_000n, frozen: false },
  },
  tbill: {
    name: "Tokenized T-Bill Fund",
    symbol: "TBILL",
    decimals: 6,
    price: 100n * 10n ** 8n,
    source: { kind: "nav" as const, ttl: 7 * 86_400, lapse: { floorBps: 5_000, grace: 3 * 86_400 } },
    params: { maxLtvBps: 7_000n, liqThresholdBps: 8_000n, liqPenaltyBps: 500n, supplyCap: 10_000_000n, frozen: false },
  },
} as const;
export type SourcedAssetKey = keyof typeof SOURCED_ASSETS;
export const SOURCED_ASSET_KEYS = ["wsteth", "sdai", "tbill"] as const satisfies readonly SourcedAssetKey[];

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
