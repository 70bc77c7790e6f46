/**
 * Per-network deploy configurations: the embedded Hardhat network and a local `hardhat node` (mocks, the same
 * parameters as the demo and the TypeScript tests), Sepolia (mock collateral tokens priced by Sepolia's real Chainlink
 * feeds) and Ethereum mainnet (real tokens and Chainlink feeds).
 *
 * Addresses were checked against Chainlink's published feed lists and token contracts (see the README's Deploy
 * section). Governance accounts of live networks come from the environment (`.env`), so no operator address is
 * hard-coded: `MAINNET_ADMIN_ADDRESS`, `MAINNET_GOVERNOR_ADDRESS`, `MAINNET_GUARDIAN_ADDRESS`, `MAINNET_PUBLISHER_ADDRESS`
 * (required on mainnet),
 * `SEPOLIA_ADMIN_ADDRESS`, ... (optional on Sepolia: the deployer by default).
 *
 * Units: `[bps]` 1e4 = 100%, `[wad]` 1e18, `[s]` seconds, feed answers in 8 decimals.
 */
import {
  AUCTION_CAP,
  ASSETS,
  FEED_DECIMALS,
  FEED_MAX_AGE,
  KEEPER_PARAMS,
  RATE_5PCT,
  SOURCED_ASSETS,
  type SourcedAssetKey,
  SYNTHETICS,
} from "../../sdk/params.js";
import { gasMarginFor } from "../../sdk/tx.js";
import {
  ConfigError,
  type AssetConfig,
  type FeedConfig,
  type NetworkConfig,
  type InstrumentsConfig,
  type PreLiquidationConfig,
  type RiskAutomationConfig,
  type StewardBoundsConfig,
  type SyntheticConfig,
  validateConfig,
} from "./types.js";

const WAD = 10n ** 18n;
const HOUR = 3_600;
const DAY = 86_400;

// ----------------------------------------------------------------------------------------------------------------
// Local: the embedded network and `hardhat node` (the parameters of sdk/params.ts: demo and tests)
// ----------------------------------------------------------------------------------------------------------------

function localAsset(key: "weth" | "wbtc" | "usdc"): AssetConfig {
  const a = ASSETS[key];
  return {
    symbol: a.symbol,
    token: { mock: { name: a.name, decimals: a.decimals } },
    decimals: a.decimals,
    feed: {
      aggregator: { mock: { decimals: FEED_DECIMALS, answer: a.price } },
      heartbeat: FEED_MAX_AGE,
      maxAge: FEED_MAX_AGE,
      minAnswer: 1n,
      maxAnswer: 10n ** 30n,
    },
    risk: {
      maxLtvBps: Number(a.params.maxLtvBps),
      liqThresholdBps: Number(a.params.liqThresholdBps),
      liqPenaltyBps: Number(a.params.liqPenaltyBps),
      supplyCap: a.params.supplyCap,
      frozen: false,
    },
    auctionCap: AUCTION_CAP,
  };
}

/** A local asset priced by a source (`SOURCED_ASSETS`): mock token, mock feed (the base or the NAV), the source. */
function localSourcedAsset(key: SourcedAssetKey): AssetConfig {
  const a = SOURCED_ASSETS[key];
  const mock =
    "rate" in a
      ? { name: a.name, decimals: a.decimals, rate: a.rate }
      : "underlying" in a
        ? { name: a.name, decimals: a.decimals, vaultOf: { ...a.underlying } }
        : { name: a.name, decimals: a.decimals };
  return {
    symbol: a.symbol,
    token: { mock },
    decimals: a.decimals,
    feed: {
      aggregator: { mock: { decimals: FEED_DECIMALS, answer: a.price } },
      heartbeat: FEED_MAX_AGE,
      maxAge: FEED_MAX_AGE,
      minAnswer: 1n,
      maxAnswer: 10n ** 30n,
    },
    source: structuredClone(a.source) as AssetConfig["source"],
    risk: {
      maxLtvBps: Number(a.params.maxLtvBps),
      liqThresholdBps: Number(a.params.liqThresholdBps),
      liqPenaltyBps: Number(a.params.liqPenaltyBps),
      supplyCap: a.params.supplyCap,
      frozen: false,
    },
    auctionCap: AUCTION_CAP,
  };
}

const keeper = (k: (typeof KEEPER_PARAMS)["busd"]) => ({ tip: k.tip, chipBps: Number(k.chipBps), maxPay: k.maxPay });

/**
 * bUSD's face-value redemptions, everywhere:
 * - positions below health 1.25 may be redeemed against (about a 147% collateral ratio at an 85% threshold): an owner
 *   who keeps a quarter more room than a liquidation needs is never redeemed, one closer to the edge lends the peg
 *   its floor in exchange for a fee;
 * - a fee from 0.5% (the redeemer's cost even when nobody redeems) to 5%, rising by half the share of the supply each
 *   redemption takes, halving every 12 hours: a run on the peg pays more the larger it is, and the fee falls back
 *   within a day or two.
 */
const BUSD_REDEMPTIONS = {
  synthetic: "bUSD",
  redeemableHealth: (125n * WAD) / 100n,
  minFeeBps: 50,
  maxFeeBps: 500,
  halfLife: 12 * HOUR,
};

/**
 * Opt-in pre-liquidation, everywhere: from health 1.10 down to 1, anyone may repay 10% (at the top) to 50% (at 1) of
 * an opted-in position's debt per block for collateral worth it plus 1% to 2.5%: below every asset's liquidation
 * penalty (the smallest is 3%), so it is the gentler outcome for the owner.
 */
const PRE_LIQUIDATION: PreLiquidationConfig = {
  preHealth: 1_100_000_000_000_000_000n,
  closeFactorBps: [1_000, 5_000],
  incentiveBps: [100, 250],
};

/**
 * Options and binaries on the live networks: an hour for the guardian to correct a settlement price by at most 2%, the
 * fallback (the last round before expiry) a day after expiry, and a series with no price at all void (settled at its
 * strike: the shorts take their collateral back) after 30 days. Series on WETH and WBTC; puts and binaries lock USDC
 * or bUSD.
 */
const INSTRUMENTS: InstrumentsConfig = {
  settlement: { disputeWindow: HOUR, maxCorrectionBps: 200, fallbackDelay: DAY, voidDelay: 30 * DAY },
  underlyings: ["WETH", "WBTC"],
  quotes: ["USDC", "bUSD"],
};

// ----------------------------------------------------------------------------------------------------------------
// Risk automation: the steward's bounds, derived from each network's own parameters
// ----------------------------------------------------------------------------------------------------------------

/**
 * The risk steward's bounds for `config`'s assets and synthetics, around the values the config sets (so that the
 * steward moves a parameter near its governed value and never far from it). Per application, and at most once per
 * `interval.caps` (supply caps, auction caps, debt ceilings, keeper pay) or `interval.limits` (max LTV, threshold,
 * rate curve):
 * - supply cap: within [¼×, 2×] the configured cap, 25% of the current value at a time;
 * - max LTV: within [configured − 15 points, configured], 5% of the current value at a time (never above the config);
 * - liquidation threshold: down only, within [configured − 10 points, configured], 5% at a time, through the ramp;
 * - auction cap (each asset's and the global one): within [⅒×, 2×] the configured cap, 50% at a time;
 * - debt ceiling: within [¼×, 2×], 25% at a time; keeper tip within [½×, 2×] (at most the maximum pay), 25% at a
 *   time; keeper chip within [0, 2×] (at most 1%), 25% or 5 bps at a time;
 * - a dynamic rate curve's base rate within [0, 2× + 1 point], 25% or 0.25 points at a time, and its slopes within
 *   [½×, 2×], 25% at a time.
 * Loosening (a higher cap, ceiling, LTV or pay, a lower rate) only while the observed volatility of the gating asset
 * is at most its `gates` value [wad]; an asset without a gate gets no bounds. A synthetic's parameters are gated by
 * `synthGate` (its main collateral).
 */
function riskAutomation(
  config: NetworkConfig,
  opts: {
    publisher: string;
    observer: { minInterval: number; window: number };
    maxObservationAge: number;
    interval: { caps: number; limits: number };
    gates: Record<string, bigint>;
    synthGate: string;
  },
): RiskAutomationConfig {
  const bounds: StewardBoundsConfig[] = [];
  const { caps, limits } = opts.interval;
  /** One parameter's bounds: `[minValue, maxValue]`, `maxChangeBps` a step, every `minInterval`, gated as given. */
  const add = (
    param: StewardBoundsConfig["param"],
    target: string,
    [minValue, maxValue]: [bigint, bigint],
    maxChangeBps: number,
    minInterval: number,
    gate: { maxVolatility: bigint; volAsset?: string },
    step?: bigint,
  ): void => {
    bounds.push({
      param,
      target,
      maxChangeBps,
      minInterval,
      ...gate,
      minValue,
      maxValue,
      ...(step === undefined ? {} : { step }),
    });
  };
  const synthGate = { maxVolatility: opts.gates[opts.synthGate] ?? 0n, volAsset: opts.synthGate };
  for (const a of config.assets) {
    const maxVolatility = opts.gates[a.symbol];
    if (maxVolatility === undefined) continue;
    const r = a.risk;
    const gate = { maxVolatility };
    add("SupplyCap", a.symbol, [r.supplyCap / 4n, r.supplyCap * 2n], 2_500, caps, gate);
    add("MaxLtv", a.symbol, [BigInt(Math.max(0, r.maxLtvBps - 1_500)), BigInt(r.maxLtvBps)], 500, limits, gate);
    const th = BigInt(r.liqThresholdBps);
    add("LiqThreshold", a.symbol, [th - 1_000n > 100n ? th - 1_000n : 100n, th], 500, limits, { maxVolatility: 0n });
    add("AuctionCap", a.symbol, [a.auctionCap / 10n, a.auctionCap * 2n], 5_000, caps, gate);
  }
  add("AuctionCap", "global", [config.globalAuctionCap / 10n, config.globalAuctionCap * 2n], 5_000, caps, synthGate);
  for (const s of config.synthetics) {
    const k = s.keeper;
    const chipMax = BigInt(Math.min(k.chipBps * 2, 100));
    add("DebtCeiling", s.symbol, [s.debtCeiling / 4n, s.debtCeiling * 2n], 2_500, caps, synthGate);
    add("KeeperTip", s.symbol, [k.tip / 2n, k.tip * 2n < k.maxPay ? k.tip * 2n : k.maxPay], 2_500, caps, synthGate);
    add("KeeperChip", s.symbol, [0n, chipMax], 2_500, caps, synthGate, chipMax < 5n ? chipMax : 5n);
    const c = s.rateParams;
    if (c === undefined) continue;
    add("BaseRate", s.symbol, [0n, c.baseRate * 2n + WAD / 100n], 2_500, limits, synthGate, WAD / 400n);
    add("SlopeLow", s.symbol, [c.slopeLow / 2n, c.slopeLow * 2n], 2_500, limits, synthGate);
    add("SlopeHigh", s.symbol, [c.slopeHigh / 2n, c.slopeHigh * 2n], 2_500, limits, synthGate);
  }
  const { publisher, observer, maxObservationAge } = opts;
  return { publisher, observer, maxObservationAge, bounds };
}

/** [wad] Volatility gates: loosen a volatile asset's parameters only under 100% a year, a stable one's under 20%. */
const GATES = {
  volatile: WAD,
  stable: WAD / 5n,
};

/**
 * Permit2 (Uniswap's AllowanceTransfer and SignatureTransfer), at its canonical address on every network; the Router's
 * Permit2 steps call it. The embedded network has no Permit2: the router tests place its published runtime code there
 * (test/fixtures/permit2.json).
 */
export const PERMIT2 = "0x000000000022D473030F116dDEE9F6B43aC78BA3";

/**
 * The embedded Hardhat network and a local node: mock tokens (anyone may mint) and `MockV3Aggregator` feeds. The demo,
 * the gas benchmark and the TypeScript tests deploy this config too, through `deployCore` (deploy/local/core.ts),
 * which may swap the feeds for the project's `MockFeed` and move their initial answers.
 */
export const local: NetworkConfig = {
  networks: ["default", "hardhat", "localhost"],
  allowMocks: true,
  confirmations: 1,
  gasMarginBps: 2_500,
  // keeper pay here is the Solidity fixture's (test/utils/LiquidationFixture.sol, KEEPER_PARAMS in
  // sdk/params.ts), which the gas snapshot, the demo and the tests share: a 100 bUSD minimum debt and a 2 bUSD
  // tip. It does not cover a liquidation's gas at mainnet prices, and need not: gas on the embedded network and a
  // local node costs nothing real. Sepolia and mainnet below are held to the rule.
  keeperGas: {
    exempt: "local chains: gas costs nothing real; the parameters are the Solidity fixture's, shared with the tests",
  },
  verify: false,
  rateModels: { fixed5: { kind: "fixed", ratePerSecond: RATE_5PCT } },
  assets: [
    localAsset("weth"),
    localAsset("wbtc"),
    localAsset("usdc"),
    localSourcedAsset("wsteth"),
    localSourcedAsset("sdai"),
    localSourcedAsset("tbill"),
  ],
  synthetics: [
    {
      symbol: SYNTHETICS.busd.symbol,
      name: SYNTHETICS.busd.name,
      priceAsset: "USD",
      rateModel: "fixed5",
      debtCeiling: SYNTHETICS.busd.debtCeiling,
      minDebt: SYNTHETICS.busd.minDebt,
      flashCap: SYNTHETICS.busd.flashCap,
      flashFeeBps: Number(SYNTHETICS.busd.flashFeeBps),
      keeper: keeper(KEEPER_PARAMS.busd),
    },
    {
      symbol: SYNTHETICS.beth.symbol,
      name: SYNTHETICS.beth.name,
      priceAsset: "WETH",
      rateModel: "fixed5",
      debtCeiling: SYNTHETICS.beth.debtCeiling,
      minDebt: SYNTHETICS.beth.minDebt,
      flashCap: SYNTHETICS.beth.flashCap,
      flashFeeBps: Number(SYNTHETICS.beth.flashFeeBps),
      keeper: keeper(KEEPER_PARAMS.beth),
    },
  ],
  globalAuctionCap: AUCTION_CAP,
  // bUSD against the mock USDC at par: 0.1% each way, a 1% band, 10M bUSD at most
  stabilityModules: [
    { synthetic: "bUSD", reserve: "USDC", feeInBps: 10, feeOutBps: 10, bandBps: 100, ceiling: 10_000_000n * WAD },
  ],
  // fast clocks for the demo and the tests: an hour of surplus above 1,000 bUSD, then half the excess (at most 50,000)
  // hourly, 70% streamed to sbUSD over a day and 20% spent on WETH through a mock venue
  savings: [
    {
      synthetic: "bUSD",
      name: "Ballast Savings USD",
      symbol: "sbUSD",
      vestingPeriod: DAY,
      policy: {
        buffer: 1_000n * WAD,
        maxAmount: 50_000n * WAD,
        minDuration: HOUR,
        minInterval: HOUR,
        maxShareBps: 5_000,
        savingsBps: 7_000,
        buybackBps: 2_000,
      },
      buyback: { asset: "WETH", venue: "mock", recipient: "deployer", slippageBps: 100 },
    },
  ],
  redemptions: [BUSD_REDEMPTIONS],
  preLiquidation: PRE_LIQUIDATION,
  router: { permit2: PERMIT2 },
  // the live networks' settlement parameters, on the local WETH and WBTC with USDC and bUSD as quotes
  instruments: INSTRUMENTS,
  governance: {
    admin: "deployer",
    adminDelay: 0,
    critical: "deployer",
    criticalDelay: 0,
    governor: "deployer",
    governorDelay: 0,
    guardian: "deployer",
  },
};

/**
 * Locally: observations every 5 minutes at most, averaged over 6 hours, so that the demo's crash shows within its
 * hours; the steward may change a parameter hourly (its floor), and loosens on an observation up to an hour old.
 */
local.risk = riskAutomation(local, {
  publisher: "deployer",
  observer: { minInterval: 5 * 60, window: 6 * HOUR },
  maxObservationAge: HOUR,
  interval: { caps: HOUR, limits: HOUR },
  gates: { WETH: GATES.volatile, WBTC: GATES.volatile, wstETH: GATES.volatile, USDC: GATES.stable, sDAI: GATES.stable },
  synthGate: "WETH",
});

// ----------------------------------------------------------------------------------------------------------------
// Live networks: shared risk parameters
// ----------------------------------------------------------------------------------------------------------------

/** A dynamic curve: 2% at zero utilization, +4% to the 80% kink, +75% beyond it, within [1%, 100%] a year. */
const CURVE = {
  baseRate: (2n * WAD) / 100n,
  slopeLow: (4n * WAD) / 100n,
  slopeHigh: (75n * WAD) / 100n,
  kink: (80n * WAD) / 100n,
  minRate: WAD / 100n,
  maxRate: WAD,
};

/** A Chainlink feed read through its proxy, with the bounds read from its current aggregator at deploy time. */
function chainlink(
  aggregator: string,
  heartbeat: number,
  margin: number,
  band?: { min: bigint; max: bigint },
): FeedConfig {
  return {
    aggregator,
    heartbeat,
    maxAge: heartbeat + margin,
    minAnswer: band?.min ?? "aggregator",
    maxAnswer: band?.max ?? "aggregator",
  };
}

/**
 * [feed decimals] Sanity bands for the mainnet feeds, whose own aggregators no longer clamp in practice (their
 * min/max answers are 1 and near int192's maximum). An answer outside the band is refused by the OracleAdapter: a
 * 1000x spike for one round, or a feed stuck at a floor, stops minting and liquidation of that asset instead of being
 * used. Each band is wide enough (about 1000x on either side of today's market) never to refuse a real price; governance
 * (CRITICAL, `OracleAdapter.setFeeds`) moves a band with the market long before it could bind.
 */
const MAINNET_BANDS = {
  ETH_USD: { min: 1n * 10n ** 8n, max: 1_000_000n * 10n ** 8n }, // $1 to $1,000,000
  BTC_USD: { min: 100n * 10n ** 8n, max: 10_000_000n * 10n ** 8n }, // $100 to $10,000,000
  USDC_USD: { min: 10n ** 6n, max: 10n * 10n ** 8n }, // $0.01 to $10
  STETH_USD: { min: 1n * 10n ** 8n, max: 1_000_000n * 10n ** 8n }, // $1 to $1,000,000, as ETH
  DAI_USD: { min: 10n ** 6n, max: 10n * 10n ** 8n }, // $0.01 to $10, as USDC
};

/** A live network's synthetic on the dynamic model: 1M / 1,000 flash cap, 0.09% flash fee. */
function liveSynth(
  kind: "bUSD" | "bETH",
  limits: { debtCeiling: bigint; minDebt: bigint; keeper: { tip: bigint; chipBps: number; maxPay: bigint } },
): SyntheticConfig {
  const usd = kind === "bUSD";
  return {
    symbol: kind,
    name: usd ? "Ballast USD" : "Ballast ETH",
    priceAsset: usd ? "USD" : "WETH",
    rateModel: "dynamic",
    rateParams: CURVE,
    flashCap: (usd ? 1_000_000n : 1_000n) * WAD,
    flashFeeBps: 9,
    ...limits,
  };
}

/** An account from the environment, or the deployer when `optional` and unset. */
function envAccount(variable: string, optional: boolean): string {
  const v = process.env[variable]?.trim();
  if (v !== undefined && v !== "") return v;
  if (optional) return "deployer";
  return `<unset: set ${variable} in .env>`;
}

/**
 * Minimum debt and keeper pay of the live networks (see `LIVE_KEEPER_GAS`): bUSD 2,000 minimum, tip 50 + 0.1%
 * (52 bUSD on the minimum, under the smallest penalty on it, 3% = 60); bETH 1 minimum, tip 0.02 + 0.1% (0.021 bETH,
 * under 3% = 0.03). Both pay for 534k gas at 30 gwei (0.0160 ETH, $48 at $3,000).
 */
const LIVE_PAY = {
  bUSD: { minDebt: 2_000n * WAD, keeper: { tip: 50n * WAD, chipBps: 10, maxPay: 2_000n * WAD } },
  bETH: { minDebt: WAD, keeper: { tip: WAD / 50n, chipBps: 10, maxPay: WAD } },
};

// ----------------------------------------------------------------------------------------------------------------
// Sepolia: mock collateral tokens (there are no canonical WETH/WBTC/USDC with feeds), Sepolia's Chainlink feeds
// ----------------------------------------------------------------------------------------------------------------

/** Chainlink feeds on Sepolia (8 decimals). */
const SEPOLIA_FEEDS = {
  ETH_USD: "0x694AA1769357215DE4FAC081bf1f309aDC325306",
  BTC_USD: "0x1b44F3514812d835EB1BDB0acB33d3fA3351Ee43",
  USDC_USD: "0xA2F78ab2355fe2f984D808B5CeE7FD0A93D5270E",
};

/**
 * What a liquidation's gas must be paid at on the live networks: 30 gwei and ETH at $3,000. A liquidation of a
 * three-asset basket costs about 534k gas (gas/snapshot.json), 0.0160 ETH or $48 at those prices: the tip plus the
 * chip on the minimum debt must reach that (and the penalty on the minimum debt, which caps keeper pay, too), or no
 * keeper liquidates the smallest positions when gas is dear. Sepolia keeps mainnet's keeper pay and minimum debts,
 * so a keeper tried there behaves as it will on mainnet.
 */
const LIVE_KEEPER_GAS = { gasPriceGwei: 30, ethUsd: 3_000 };

/**
 * The live bUSD/USDC stability module (Sepolia rehearses mainnet's values):
 * - fees 0.1% in and 0.1% out: bUSD then trades between about 0.999 and 1.001 against USDC, since any wider gap is an
 *   arbitrage through the module; the entry fee keeps the module from being the cheapest way to mint bUSD when the rate
 *   model's peg term should be doing that work, and both fees pay the Treasury's buffer;
 * - a 1% band: four times the USDC/USD feed's 0.25% deviation trigger, so the feed's normal noise never freezes it,
 *   while a real depeg (USDC traded at 0.87 in March 2023) freezes swaps in within one feed update;
 * - a 2M bUSD ceiling: a fifth of bUSD's 10M debt ceiling, so at most a fifth of bUSD's backing is one issuer's
 *   stablecoin, which an issuer freeze or a depeg could impair without any liquidation to fall back on.
 */
const BUSD_USDC_MODULE = {
  synthetic: "bUSD",
  reserve: "USDC",
  feeInBps: 10,
  feeOutBps: 10,
  bandBps: 100,
  ceiling: 2_000_000n * WAD,
};

/**
 * The live sbUSD savings token and bUSD's surplus policy (Sepolia rehearses mainnet's values):
 * - a 7-day vesting period: a distribution reaches savers over a week, so nobody gains by depositing for a day around
 *   it, and the savings rate moves slowly enough to quote;
 * - a 100,000 bUSD buffer (1% of the 10M debt ceiling): the Treasury keeps that much against bad debt and keeper pay
 *   before anything leaves; distributions wait until pokes have seen the surplus above it for 3 days, come at most
 *   weekly, and take at most a quarter of the excess and 50,000 bUSD at a time, so a burst of penalties is paid out
 *   over weeks and a later loss still finds most of it;
 * - everything distributed goes to savers: no buyback until a venue adapter for a real DEX is reviewed.
 */
const BUSD_SAVINGS = {
  synthetic: "bUSD",
  name: "Ballast Savings USD",
  symbol: "sbUSD",
  vestingPeriod: 7 * DAY,
  policy: {
    buffer: 100_000n * WAD,
    maxAmount: 50_000n * WAD,
    minDuration: 3 * DAY,
    minInterval: 7 * DAY,
    maxShareBps: 2_500,
    savingsBps: 10_000,
    buybackBps: 0,
  },
};

function sepolia(): NetworkConfig {
  const config: NetworkConfig = {
    networks: ["sepolia"],
    chainId: 11_155_111,
    allowMocks: true,
    confirmations: 2,
    gasMarginBps: 3_000,
    keeperGas: LIVE_KEEPER_GAS,
    verify: true,
    rateModels: { dynamic: { kind: "dynamic" } },
    assets: [
      {
        symbol: "WETH",
        token: { mock: { name: "Ballast Test WETH", decimals: 18 } },
        decimals: 18,
        feed: chainlink(SEPOLIA_FEEDS.ETH_USD, HOUR, HOUR),
        risk: { maxLtvBps: 8_000, liqThresholdBps: 8_500, liqPenaltyBps: 500, supplyCap: 1_000_000n, frozen: false },
        auctionCap: 1_000_000n * WAD,
      },
      {
        symbol: "WBTC",
        token: { mock: { name: "Ballast Test WBTC", decimals: 8 } },
        decimals: 8,
        feed: chainlink(SEPOLIA_FEEDS.BTC_USD, HOUR, HOUR),
        risk: { maxLtvBps: 7_500, liqThresholdBps: 8_000, liqPenaltyBps: 700, supplyCap: 10_000n, frozen: false },
        auctionCap: 1_000_000n * WAD,
      },
      {
        symbol: "USDC",
        token: { mock: { name: "Ballast Test USDC", decimals: 6 } },
        decimals: 6,
        feed: chainlink(SEPOLIA_FEEDS.USDC_USD, DAY, HOUR),
        risk: { maxLtvBps: 9_000, liqThresholdBps: 9_300, liqPenaltyBps: 300, supplyCap: 100_000_000n, frozen: false },
        auctionCap: 1_000_000n * WAD,
      },
      // mainnet's two yield-bearing listings, mirrored: Sepolia has no stETH/USD or DAI/USD feed, so the bases are
      // the ETH/USD and USDC/USD feeds above; the tokens are mocks whose rate anyone may move (a rebase, a slashing)
      {
        symbol: "wstETH",
        token: { mock: { name: "Ballast Test wstETH", decimals: 18, rate: SOURCED_ASSETS.wsteth.rate } },
        decimals: 18,
        feed: chainlink(SEPOLIA_FEEDS.ETH_USD, HOUR, HOUR),
        source: { ...SOURCED_ASSETS.wsteth.source },
        risk: { maxLtvBps: 7_000, liqThresholdBps: 7_800, liqPenaltyBps: 600, supplyCap: 100_000n, frozen: false },
        auctionCap: 1_000_000n * WAD,
      },
      {
        symbol: "sDAI",
        token: { mock: { name: "Ballast Test sDAI", decimals: 18, vaultOf: { symbol: "DAI", decimals: 18 } } },
        decimals: 18,
        feed: chainlink(SEPOLIA_FEEDS.USDC_USD, DAY, HOUR),
        source: { ...SOURCED_ASSETS.sdai.source },
        risk: { maxLtvBps: 8_500, liqThresholdBps: 8_800, liqPenaltyBps: 400, supplyCap: 100_000_000n, frozen: false },
        auctionCap: 1_000_000n * WAD,
      },
      // a tokenized fund whose NAV the deployer attests on a mock feed (`setAnswer`): the lifecycle can be tried by hand
      {
        symbol: "TBILL",
        token: { mock: { name: "Ballast Test T-Bill Fund", decimals: 6 } },
        decimals: 6,
        feed: {
          aggregator: { mock: { decimals: 8, answer: SOURCED_ASSETS.tbill.price, kind: "MockFeed" } },
          heartbeat: 7 * DAY,
          maxAge: 7 * DAY,
          minAnswer: 1n,
          maxAnswer: 10_000n * 10n ** 8n,
        },
        source: { kind: "nav", ttl: 7 * DAY, lapse: { floorBps: 5_000, grace: 3 * DAY } },
        risk: { maxLtvBps: 7_000, liqThresholdBps: 8_000, liqPenaltyBps: 500, supplyCap: 10_000_000n, frozen: false },
        auctionCap: 1_000_000n * WAD,
      },
    ],
    synthetics: [
      liveSynth("bUSD", { debtCeiling: 10_000_000n * WAD, ...LIVE_PAY.bUSD }),
      liveSynth("bETH", { debtCeiling: 10_000n * WAD, ...LIVE_PAY.bETH }),
    ],
    globalAuctionCap: 2_000_000n * WAD,
    stabilityModules: [BUSD_USDC_MODULE],
    savings: [BUSD_SAVINGS],
    redemptions: [BUSD_REDEMPTIONS],
    preLiquidation: PRE_LIQUIDATION,
    router: { permit2: PERMIT2 },
    instruments: INSTRUMENTS,
    governance: {
      admin: envAccount("SEPOLIA_ADMIN_ADDRESS", true),
      adminDelay: 2 * HOUR, // never below criticalDelay: a role grant must not outrun a CRITICAL change
      critical: envAccount("SEPOLIA_ADMIN_ADDRESS", true),
      criticalDelay: 2 * HOUR,
      governor: envAccount("SEPOLIA_GOVERNOR_ADDRESS", true),
      governorDelay: HOUR,
      guardian: envAccount("SEPOLIA_GUARDIAN_ADDRESS", true),
    },
  };
  // a test network: hourly changes (the steward's floor), observations every 10 minutes averaged over a day
  config.risk = riskAutomation(config, {
    publisher: envAccount("SEPOLIA_PUBLISHER_ADDRESS", true),
    observer: { minInterval: 10 * 60, window: DAY },
    maxObservationAge: 2 * HOUR,
    interval: { caps: HOUR, limits: HOUR },
    gates: {
      WETH: GATES.volatile,
      WBTC: GATES.volatile,
      wstETH: GATES.volatile,
      USDC: GATES.stable,
      sDAI: GATES.stable,
    },
    synthGate: "WETH",
  });
  return config;
}

// ----------------------------------------------------------------------------------------------------------------
// Ethereum mainnet: real tokens and Chainlink feeds (8 decimals each)
// ----------------------------------------------------------------------------------------------------------------

/** Token contracts on Ethereum mainnet. */
export const MAINNET_TOKENS = {
  WETH: "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2",
  WBTC: "0x2260FAC5E5542a773Aa44fBCfeDf7C193bc2C599",
  USDC: "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48",
  // Lido's wrapped stETH (etherscan's verified WstETH; lidofinance/core contracts/0.6.12/WstETH.sol): 18 decimals,
  // `stEthPerToken()` = stETH per wstETH [1e18]
  wstETH: "0x7f39C581F595B53c5cb19bD0b3f8dA6c935E2Ca0",
  // Maker's Savings Dai, an ERC-4626 over DAI 0x6B175474E89094C44Da98b954EedeAC495271d0F (etherscan; Chainlink's CCIP
  // token directory): 18 decimals, `convertToAssets(1e18)` = DAI per sDAI
  sDAI: "0x83F20F44975D03b1b09e64809B757c47f942BEeA",
};

/** Chainlink feed proxies on Ethereum mainnet and their published heartbeats [s]. */
export const MAINNET_FEEDS = {
  ETH_USD: { address: "0x5f4eC3Df9cbd43714FE2740f5E3616155c5b8419", heartbeat: HOUR }, // deviation 0.5%
  BTC_USD: { address: "0xF4030086522a5bEEa4988F8cA5B36dbC97BeE88c", heartbeat: HOUR }, // deviation 0.5%
  USDC_USD: { address: "0x8fFfFfd4AfB6115b954Bd326cbe7B4BA576818f6", heartbeat: DAY }, // deviation 0.25%
  // stETH/USD (data.chain.link "steth-usd", as Lido's staking widget links it): the base of wstETH, so the stETH/ETH
  // discount is priced in. Chainlink publishes no second, independent stETH/USD or wstETH/USD feed on Ethereum (the
  // "wstETH/USD Calculated" feed is derived from this one; stETH/ETH x ETH/USD is the same provider's and lags with
  // a 24 h heartbeat): wstETH has no deviation check
  STETH_USD: { address: "0xCfE54B5cD566aB89272946F602D76Ea879CAb4a8", heartbeat: HOUR }, // deviation 1%
  // DAI/USD: the base of sDAI. Chainlink publishes no second DAI/USD feed on Ethereum (DAI/ETH x ETH/USD is derived
  // from the same provider): sDAI has no deviation check
  DAI_USD: { address: "0xAed0c38402a5d19df6E4c03F4E2DceD6e29c1ee9", heartbeat: HOUR }, // deviation 0.25%
};

function mainnet(): NetworkConfig {
  const config: NetworkConfig = {
    networks: ["mainnet"],
    chainId: 1,
    allowMocks: false,
    confirmations: 3,
    gasMarginBps: 3_000,
    keeperGas: LIVE_KEEPER_GAS,
    verify: true,
    rateModels: { dynamic: { kind: "dynamic" } },
    assets: [
      {
        symbol: "WETH",
        token: MAINNET_TOKENS.WETH,
        decimals: 18,
        feed: chainlink(MAINNET_FEEDS.ETH_USD.address, MAINNET_FEEDS.ETH_USD.heartbeat, 15 * 60, MAINNET_BANDS.ETH_USD),
        risk: { maxLtvBps: 8_000, liqThresholdBps: 8_500, liqPenaltyBps: 500, supplyCap: 50_000n, frozen: false },
        auctionCap: 5_000_000n * WAD,
      },
      {
        // priced with BTC/USD: WBTC's own peg (WBTC/BTC) is not checked by the OracleAdapter's single USD feed
        symbol: "WBTC",
        token: MAINNET_TOKENS.WBTC,
        decimals: 8,
        feed: chainlink(MAINNET_FEEDS.BTC_USD.address, MAINNET_FEEDS.BTC_USD.heartbeat, 15 * 60, MAINNET_BANDS.BTC_USD),
        risk: { maxLtvBps: 7_300, liqThresholdBps: 7_800, liqPenaltyBps: 700, supplyCap: 1_000n, frozen: false },
        auctionCap: 3_000_000n * WAD,
      },
      {
        symbol: "USDC",
        token: MAINNET_TOKENS.USDC,
        decimals: 6,
        feed: chainlink(MAINNET_FEEDS.USDC_USD.address, MAINNET_FEEDS.USDC_USD.heartbeat, HOUR, MAINNET_BANDS.USDC_USD),
        risk: { maxLtvBps: 9_000, liqThresholdBps: 9_300, liqPenaltyBps: 300, supplyCap: 50_000_000n, frozen: false },
        auctionCap: 5_000_000n * WAD,
      },
      {
        // stETH/USD x wstETH's own rate; the rate may grow at most 10% a year from the deploy's snapshot (staking
        // yields about 3%: room for years, none for a donated or manipulated rate); a drop passes through down to
        // half the snapshot, under which the price fails
        symbol: "wstETH",
        token: MAINNET_TOKENS.wstETH,
        decimals: 18,
        feed: chainlink(
          MAINNET_FEEDS.STETH_USD.address,
          MAINNET_FEEDS.STETH_USD.heartbeat,
          15 * 60,
          MAINNET_BANDS.STETH_USD,
        ),
        source: { kind: "rate", rate: "stEthPerToken", rateDecimals: 18, maxYearlyGrowthBps: 1_000, minRateBps: 5_000 },
        risk: { maxLtvBps: 7_000, liqThresholdBps: 7_800, liqPenaltyBps: 600, supplyCap: 20_000n, frozen: false },
        auctionCap: 3_000_000n * WAD,
      },
      {
        // DAI/USD x convertToAssets(1 sDAI); the savings rate may grow the share price at most 15% a year from the
        // snapshot; a loss passes through down to 90% of it
        symbol: "sDAI",
        token: MAINNET_TOKENS.sDAI,
        decimals: 18,
        feed: chainlink(MAINNET_FEEDS.DAI_USD.address, MAINNET_FEEDS.DAI_USD.heartbeat, HOUR, MAINNET_BANDS.DAI_USD),
        source: { kind: "rate", rate: "erc4626", rateDecimals: 18, maxYearlyGrowthBps: 1_500, minRateBps: 9_000 },
        risk: { maxLtvBps: 8_500, liqThresholdBps: 8_800, liqPenaltyBps: 400, supplyCap: 20_000_000n, frozen: false },
        auctionCap: 3_000_000n * WAD,
      },
    ],
    synthetics: [
      liveSynth("bUSD", { debtCeiling: 10_000_000n * WAD, ...LIVE_PAY.bUSD }),
      liveSynth("bETH", { debtCeiling: 3_000n * WAD, ...LIVE_PAY.bETH }),
    ],
    globalAuctionCap: 10_000_000n * WAD,
    stabilityModules: [BUSD_USDC_MODULE],
    savings: [BUSD_SAVINGS],
    redemptions: [BUSD_REDEMPTIONS],
    preLiquidation: PRE_LIQUIDATION,
    router: { permit2: PERMIT2 },
    instruments: INSTRUMENTS,
    governance: {
      admin: envAccount("MAINNET_ADMIN_ADDRESS", false),
      adminDelay: 7 * DAY, // never below criticalDelay: a role grant must not outrun a CRITICAL change
      // the protocol multisig holds CRITICAL too (docs/governance.md), behind the longest delay
      critical: envAccount("MAINNET_ADMIN_ADDRESS", false),
      criticalDelay: 7 * DAY,
      governor: envAccount("MAINNET_GOVERNOR_ADDRESS", false),
      governorDelay: 2 * DAY,
      guardian: envAccount("MAINNET_GUARDIAN_ADDRESS", false),
    },
  };
  // caps, ceilings and keeper pay at most daily, max LTV, thresholds and rate curves every three days; observations
  // every 10 minutes at most (the keeper's), averaged over a day
  config.risk = riskAutomation(config, {
    publisher: envAccount("MAINNET_PUBLISHER_ADDRESS", false),
    observer: { minInterval: 10 * 60, window: DAY },
    maxObservationAge: 2 * HOUR,
    interval: { caps: DAY, limits: 3 * DAY },
    gates: {
      WETH: GATES.volatile,
      WBTC: GATES.volatile,
      wstETH: GATES.volatile,
      USDC: GATES.stable,
      sDAI: GATES.stable,
    },
    synthGate: "WETH",
  });
  return config;
}

/** Every configuration, built on demand (live ones read governance accounts from the environment). */
const CONFIGS: Array<() => NetworkConfig> = [() => local, sepolia, mainnet];

/** Every configuration, unvalidated (for checks across networks, e.g. keeper pay against gas). */
export function allConfigs(): NetworkConfig[] {
  return CONFIGS.map((c) => c());
}

/**
 * [bps] The gas margin of `network`'s transactions: `BALLAST_GAS_MARGIN_BPS`, else its config's `gasMarginBps`
 * (read without validating the rest, so a task on mainnet does not need the governance accounts), else the default.
 */
export function gasMarginOf(network: string, env: Record<string, string | undefined> = process.env): number {
  const config = CONFIGS.map((c) => c()).find((c) => c.networks.includes(network));
  return gasMarginFor(config?.gasMarginBps, env);
}

/** Names of the Hardhat networks that have a deploy configuration. */
export function configuredNetworks(): string[] {
  return CONFIGS.flatMap((c) => c().networks);
}

/**
 * The validated configuration for Hardhat network `network`. Throws a `ConfigError` when no config names it or the
 * config is invalid (every problem listed).
 */
export function configFor(network: string): NetworkConfig {
  const config = CONFIGS.map((c) => c()).find((c) => c.networks.includes(network));
  if (config === undefined) {
    throw new ConfigError(network, [
      `no deploy config names the network "${network}"; configured: ${configuredNetworks().join(", ")} ` +
        `(add one in deploy/config/networks.ts)`,
    ]);
  }
  validateConfig(network, config);
  return config;
}
