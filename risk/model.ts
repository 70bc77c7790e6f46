/**
 * The risk engine's inputs: a snapshot of the chain (read once, then simulated in memory) and the market model.
 *
 * Units: `[token]` a token's own decimals, `[wad]` 1e18 fixed point (USD values, synthetic amounts, prices in USD per
 * whole unit), `[ray]` 1e27, `[bps]` 1e4. Everything read from the chain stays bigint; the market model is float.
 */
import { type HealthFigures, type KeeperPay, type PlanAsset, WAD, computeHealth } from "../sdk/math.js";
import { KIND_NAMES, type KindName } from "../sdk/instruments.js";

/** One listed collateral asset with its Vault and engine parameters. */
export interface AssetSnap {
  address: string;
  symbol: string;
  decimals: number;
  price: bigint; // [wad] USD per whole unit, the oracle's price at the snapshot
  maxLtvBps: bigint;
  liqThresholdBps: bigint;
  liqPenaltyBps: bigint;
  supplyCap: bigint; // [whole tokens]
  frozen: boolean;
  total: bigint; // [token] credited to positions
  cap: bigint; // [wad USD] engine assetCap
  dirt: bigint; // [wad USD] engine assetDirt at the snapshot
  /** [bps] An attested asset's lapse floor (`PositionLens.lapseOf`), 0 when the asset is not attested. */
  lapseFloorBps: bigint;
}

/** One synthetic with what its liquidations need. */
export interface SynthSnap {
  id: number;
  address: string;
  symbol: string;
  /** Index into `Snapshot.assets` of the asset whose price it tracks; -1 for a USD synthetic. */
  priceAsset: number;
  minDebt: bigint; // [wad]
  rateIndex: bigint; // [ray] now
  ratePerSecond: bigint; // [ray/s]
  totalDebt: bigint; // [wad]
  auctionDebt: bigint; // [wad]
  badDebt: bigint; // [wad]
  surplus: bigint; // [wad] Treasury surplus in this synthetic
  keeper: KeeperPay;
}

/** One position: its basket (indices into `Snapshot.assets`) and normalized debt. */
export interface PositionSnap {
  id: bigint;
  owner: string;
  synth: number; // index into Snapshot.synths (= synthId)
  assets: number[];
  amounts: bigint[]; // [token]
  normDebt: bigint; // [wad]
  /** `IRedemptions.exposureOf` at the snapshot; undefined when the deployment has no redeemer. */
  redemption?: { redeemable: boolean; maxRedeemable: bigint; feeBps: bigint }; // [wad], [bps]
}

/** One stability module (`IStabilityModule`) with its Vault debt line (`IVault.ModuleLine`). */
export interface ModuleSnap {
  address: string;
  synth: number; // index into Snapshot.synths
  asset: number; // index into Snapshot.assets of its reserve token
  reserves: bigint; // [token] the reserve it holds
  debt: bigint; // [wad] the synthetic it minted and has not burned
  ceiling: bigint; // [wad] its exposure cap
  bandBps: bigint; // swaps in need the reserve at >= 1 - band of the synthetic's price; swaps out <= 1 + band
  feeInBps: bigint;
  feeOutBps: bigint;
  frozenIn: boolean; // the guardian's freezes
  frozenOut: boolean;
}

/** The Vault's redeemer (`IRedemptions`) and each synthetic's parameters, in `Snapshot.synths` order. */
export interface RedemptionsSnap {
  address: string;
  params: { redeemableHealth: bigint; minFeeBps: bigint; maxFeeBps: bigint; halfLife: bigint; baseRate: bigint }[];
}

/** A live auction at the snapshot (`ILiquidationEngine.Auction`): the simulation goes on clearing it. */
export interface AuctionSnap {
  id: bigint;
  asset: number; // index into Snapshot.assets
  synth: number;
  lot: bigint; // [token]
  tab: bigint; // [wad]
  debt: bigint; // [wad]
  dirt: bigint; // [wad USD]
  dust: bigint; // [wad]
  market: bigint; // [wad] oracle price at its start or last reset, synthetic per whole token
  top: bigint; // [wad]
  floor: bigint; // [wad] lowest price a take may use (moves down as partial takes shrink lot and tab)
  age: bigint; // [s] since its start or last reset, at the snapshot
}

/** `ILiquidationEngine.AuctionParams` with bigint fields. */
export interface AuctionRules {
  startBufferBps: bigint;
  resetBelowBps: bigint;
  curve: bigint; // 0 Linear, 1 StepExponential
  duration: bigint; // [s]
  step: bigint; // [s]
  cutBps: bigint;
  maxDuration: bigint; // [s]
}

/** The instrument vault's series kinds, in the contract's enum order (sdk/instruments.ts). */
export const KINDS = KIND_NAMES;
export type Kind = KindName;

/** One series of the instrument vault as the risk run reads it (risk/instruments.ts). */
export interface SeriesSnap {
  id: bigint;
  kind: Kind;
  /** Index into `Snapshot.assets`, or -1 when the underlying is not a Vault collateral asset. */
  asset: number;
  underlying: string;
  underlyingSymbol: string;
  collateral: string;
  collateralDecimals: number;
  strike: bigint; // [wad] USD per whole underlying
  expiry: bigint; // [s]
  units: bigint; // [wad] contracts outstanding
  locked: bigint; // [collateral units]
  /** The settlement price [wad], 0 while unsettled. */
  settledPrice: bigint;
}

/** Everything the simulation reads from the chain. */
export interface Snapshot {
  network: string;
  chainId: bigint;
  block: bigint;
  timestamp: bigint; // [s]
  addresses: { vault: string; oracle: string; engine: string; treasury: string; authority?: string };
  assets: AssetSnap[];
  synths: SynthSnap[];
  positions: PositionSnap[];
  auctions: AuctionSnap[];
  /** The Vault's stability modules, in the order added. */
  modules: ModuleSnap[];
  /** The redeemer and its parameters; undefined when redemptions are not set up. */
  redemptions: RedemptionsSnap | undefined;
  targetHealth: bigint; // [wad]
  fullLiquidationHealth: bigint; // [wad]
  auction: AuctionRules;
  globalCap: bigint; // [wad USD]
  globalDirt: bigint; // [wad USD]
  /** The instrument vault's series; undefined or empty when the deployment has none. */
  series?: SeriesSnap[];
}

/** A replayed crash: price multipliers per hour from its start (1 = price when it starts), shaped on a real day. */
export interface CrashShape {
  name: string;
  /** Multiplier of the crash factor at hours 0, 1, 2, … after it starts; the last one holds afterwards. */
  hourly: number[];
}

/** The market model and the liquidity assumptions; every field has a documented default (`defaultConfig`). */
export interface RiskConfig {
  seed: number;
  paths: number;
  hours: number;
  /** Per asset symbol: annualized volatility (0.8 = 80%/yr). */
  vol: Record<string, number>;
  /** Per asset symbol: share of a market jump or a crash the asset takes (1 = all of it, 0 = none: a stablecoin). */
  beta: Record<string, number>;
  /** Correlation of the hourly diffusion, in `Snapshot.assets` order (identity when absent). */
  correlation?: number[][];
  /** Market-wide jumps: a compound Poisson process of Student-t sized log-jumps. */
  jumps: { perYear: number; scale: number; dof: number };
  /** Share of paths that also replay one of `crashes`, starting at a random hour of the first half. */
  crashShare: number;
  crashes: CrashShape[];
  /**
   * Reserve-token depegs, drawn apart from the market (a stream of their own, so adding them moves no other draw): on
   * a `share` of the paths every asset named in `assets` replays one of `shapes` (its price multiplied by the shape)
   * from a random hour of the first half. It moves the collateral those tokens back and the stability modules' reserves.
   */
  depeg: { assets: string[]; share: number; shapes: CrashShape[] };
  /** Keepers liquidate and take; with `false` nobody acts (a keeper outage). */
  keepers: boolean;
  /** Takes clear when the auction price falls to oracle × (1 − slippage). */
  slippageBps: number;
  /** [USD] Per asset symbol: what takers can absorb in one hour (default for missing symbols: `liquidityDefault`). */
  liquidityPerHour: Record<string, number>;
  liquidityDefault: number;
  /** [USD] The bad-debt amount the target is about, and the target probability of exceeding it. */
  badDebtLimit: number;
  targetProbability: number;
  /** Paths per candidate when searching recommendations (the screening). */
  recommendPaths: number;
  /**
   * Paths of the evidence each recommendation carries (the risk before and after, with 95% bounds) and of the check a
   * looser parameter must pass: its one-sided 95% upper bound on P(bad debt > limit) at or under the target. A looser
   * parameter is never recommended with fewer than `MIN_EVIDENCE_PATHS` (2,000).
   */
  evidencePaths: number;
  /** Sample paths kept for the pictures. */
  samplePaths: number;
  /**
   * Per asset symbol: the symbol whose price path it follows. A rate-adjusted asset's price is its base's times an
   * exchange rate that moves by a few percent a year: over the horizon it moves with its base (wstETH with ETH: its
   * stETH/USD base tracks ETH).
   */
  follows: Record<string, string>;
  /**
   * The lapse scenario: every attested asset's attestation lapses at the snapshot and runs its course, so its
   * liquidation threshold stands at its lapse floor for the whole horizon (the grace and the ramp already passed).
   */
  lapse: boolean;
}

/** Default market model: roughly crypto-like volatility, fat tails and the crashes in `CRASHES`. */
export function defaultConfig(): RiskConfig {
  return {
    seed: 7,
    paths: 2_000,
    hours: 168,
    // wstETH follows WETH (`follows`); sDAI is a stable vault share; TBILL a fund's NAV: it barely moves
    vol: { WETH: 0.8, WBTC: 0.65, USDC: 0.01, wstETH: 0.8, sDAI: 0.01, TBILL: 0.02 },
    beta: { WETH: 1, WBTC: 0.8, USDC: 0, wstETH: 1, sDAI: 0, TBILL: 0 },
    jumps: { perYear: 12, scale: 0.04, dof: 3 },
    crashShare: 0.1,
    crashes: CRASHES,
    depeg: { assets: ["USDC"], share: 0.005, shapes: DEPEGS },
    keepers: true,
    slippageBps: 300,
    liquidityPerHour: { WETH: 250_000, WBTC: 150_000, USDC: 1_000_000, wstETH: 100_000, sDAI: 500_000, TBILL: 50_000 },
    liquidityDefault: 100_000,
    badDebtLimit: 1_000,
    targetProbability: 0.01,
    recommendPaths: 400,
    evidencePaths: 2_000,
    samplePaths: 20,
    follows: { wstETH: "WETH" },
    lapse: false,
  };
}

/**
 * Stylized shapes of real crash days (hourly ETH multipliers, rounded, from public hourly candles as remembered —
 * shapes, not data to the cent): 12 March 2020 (−43% in a day, most of it in two waves), 19 May 2021 (−40% intraday
 * with half of it recovered), and the first FTX week of November 2022 (−25% over two days).
 */
export const CRASHES: CrashShape[] = [
  {
    name: "2020-03-12",
    hourly: [
      1, 0.99, 0.97, 0.96, 0.95, 0.93, 0.9, 0.88, 0.86, 0.83, 0.8, 0.78, 0.77, 0.76, 0.75, 0.74, 0.72, 0.68, 0.64, 0.6,
      0.58, 0.57, 0.57, 0.58, 0.59,
    ],
  },
  {
    name: "2021-05-19",
    hourly: [1, 0.97, 0.92, 0.85, 0.76, 0.66, 0.6, 0.63, 0.7, 0.74, 0.76, 0.78, 0.77, 0.79, 0.8, 0.8],
  },
  {
    name: "2022-11-08",
    hourly: [
      1, 0.99, 0.97, 0.95, 0.94, 0.92, 0.93, 0.91, 0.9, 0.88, 0.87, 0.88, 0.86, 0.85, 0.84, 0.83, 0.84, 0.82, 0.8, 0.8,
      0.79, 0.78, 0.78, 0.77, 0.76, 0.75,
    ],
  },
];

/**
 * A stylized reserve depeg (hourly multipliers): a stablecoin whose issuer's bank fails on a weekend, trading down to
 * about 0.88 within a day and back to 0.99 two days later (the shape of USDC in March 2023; a shape, not tick data).
 * The default share of paths (0.5% a week) is about one such event in four years.
 */
export const DEPEGS: CrashShape[] = [
  {
    name: "reserve-depeg",
    hourly: [
      1, 0.995, 0.99, 0.98, 0.97, 0.96, 0.95, 0.94, 0.92, 0.9, 0.89, 0.88, 0.88, 0.89, 0.9, 0.9, 0.91, 0.91, 0.92, 0.92,
      0.93, 0.93, 0.94, 0.94, 0.95, 0.95, 0.96, 0.96, 0.97, 0.97, 0.97, 0.98, 0.98, 0.98, 0.98, 0.985, 0.985, 0.985,
      0.99, 0.99, 0.99, 0.99, 0.99, 0.99, 0.99, 0.99, 0.995, 0.995, 0.995,
    ],
  },
];

/** A 60% one-hour crash followed by a flat market: the known scenario of the tests and `--scenario crash60`. */
export const CRASH_60: CrashShape = { name: "crash-60", hourly: [1, 0.4] };

/** Position `p`'s basket as the mirror reads it (`computeHealth`, `planLiquidation`), at the snapshot's prices. */
export function basketOf(snap: Snapshot, p: PositionSnap): (PlanAsset & { maxLtvBps: bigint })[] {
  return p.assets.map((a, j) => {
    const as = snap.assets[a];
    if (as === undefined) throw new Error(`position ${p.id}: asset ${a} is not in the snapshot`);
    return {
      amount: p.amounts[j] ?? 0n,
      decimals: as.decimals,
      price: as.price,
      maxLtvBps: as.maxLtvBps,
      liqThresholdBps: as.liqThresholdBps,
      liqPenaltyBps: as.liqPenaltyBps,
      cap: as.cap,
      dirt: as.dirt,
    };
  });
}

/** [wad] USD per unit of synthetic `synth` at the snapshot's prices (WAD for a USD synthetic). */
export function synthPriceOf(snap: Snapshot, synth: number): bigint {
  const s = snap.synths[synth];
  if (s === undefined) throw new Error(`synthetic ${synth} is not in the snapshot`);
  if (s.priceAsset < 0) return WAD;
  const a = snap.assets[s.priceAsset];
  if (a === undefined) throw new Error(`synthetic ${synth}: price asset ${s.priceAsset} is not in the snapshot`);
  return a.price;
}

/** `PositionLens.healthOf` of position `p` at the snapshot's prices and rate index, through the exact mirror. */
export function healthAt(snap: Snapshot, p: PositionSnap): HealthFigures {
  const s = snap.synths[p.synth];
  if (s === undefined) throw new Error(`position ${p.id}: synthetic ${p.synth} is not in the snapshot`);
  return computeHealth(basketOf(snap, p), p.normDebt, s.rateIndex, synthPriceOf(snap, p.synth));
}

/** The named scenarios of `RISK_SCENARIO`: every path the same event, with no diffusion, jumps or other event. */
export const SCENARIOS = {
  /** A 60% one-hour crash of every asset with β > 0. */
  crash60: (cfg: RiskConfig): RiskConfig => ({
    ...cfg,
    crashShare: 1,
    crashes: [CRASH_60],
    depeg: { ...cfg.depeg, share: 0 },
    jumps: { ...cfg.jumps, perYear: 0 },
    vol: Object.fromEntries(Object.keys(cfg.vol).map((k) => [k, 0])),
  }),
  /** Every attested asset's attestation lapses and runs its course: thresholds at their lapse floors (`lapse`). */
  lapse: (cfg: RiskConfig): RiskConfig => ({ ...cfg, lapse: true }),
  /** The reserve depeg (`DEPEGS`) of the assets in `depeg.assets`, from a random hour of the first half. */
  depeg: (cfg: RiskConfig): RiskConfig => ({
    ...cfg,
    crashShare: 0,
    depeg: { ...cfg.depeg, share: 1 },
    jumps: { ...cfg.jumps, perYear: 0 },
    vol: Object.fromEntries(Object.keys(cfg.vol).map((k) => [k, 0])),
  }),
} as const;
