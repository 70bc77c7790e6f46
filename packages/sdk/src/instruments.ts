/**
 * Options and binaries (contracts/InstrumentVault.sol) off chain: the payoff table as exact bigint math that mirrors
 * the contract to the wei, the series of a deployment read in one place, and the settlement round of an expired
 * series found on its Chainlink feed.
 *
 * Units, as in `IInstrumentVault`: series tokens [wad] units (1e18 = one contract on one whole underlying); prices
 * and strikes [wad] USD per whole underlying; collateral in the collateral token's own units ([collateral]); feed
 * answers in the feed's decimals; times [s].
 *
 * Rounding, as the contract's (always for the vault): a write locks the maximum payoff rounded up; a pair burn returns
 * its share of what the series locks rounded down; at settlement the longs' pool is the exact payoff of every unit
 * outstanding rounded down (and never more than is locked), the shorts' pool the rest; each redemption pays its share
 * of its side's pool rounded down.
 */
import { mulDivDown, mulDivUp } from "./math.js";

const WAD = 10n ** 18n;

/** `IInstrumentVault.Kind`, by index. */
export const KIND_NAMES = ["call", "put", "binary-up", "binary-down"] as const;
/** A kind's name. */
export type KindName = (typeof KIND_NAMES)[number];
/** `IInstrumentVault.Kind` by name. */
export const Kind = { Call: 0, Put: 1, BinaryUp: 2, BinaryDown: 3 } as const;

/** `IInstrumentVault.PriceSource`, by index. */
export const PRICE_SOURCES = ["none", "round", "fallback", "void"] as const;
/** `IInstrumentVault.PriceSource` by name. */
export const PriceSource = { None: 0, Round: 1, Fallback: 2, Void: 3 } as const;

/** What the payoff of a series depends on. */
export interface PayoffTerms {
  /** `Kind` index: 0 call, 1 put, 2 binary up, 3 binary down. */
  kind: number;
  /** [wad] USD per whole underlying. */
  strike: bigint;
  underlyingDecimals: number;
  collateralDecimals: number;
}

/** The state of a series the payoff of a holder depends on (`SeriesState` and the units outstanding). */
export interface PoolState {
  /** [wad] Units outstanding now (the long id's total supply). */
  outstanding: bigint;
  /** [collateral] What the series holds. */
  locked: bigint;
  /** Whether the pools are fixed (the first redemption fixed them). */
  finalized: boolean;
  /** [wad] Units outstanding when the pools were fixed. */
  settledUnits: bigint;
  /** [collateral] The longs' and the shorts' pools, once fixed. */
  longPool: bigint;
  shortPool: bigint;
}

/**
 * [collateral] The maximum payoff of `units` [wad], that is what a write of them locks (`IInstrumentVault.write` returns it)
 * with `up` true (the default), rounded up; per contract one whole underlying (call), the strike in quote (put) or one
 * whole quote unit (binaries).
 */
export function maxPayoff(t: PayoffTerms, units: bigint, up = true): bigint {
  const f = up ? mulDivUp : mulDivDown;
  if (t.kind === Kind.Call) return f(units, 10n ** BigInt(t.underlyingDecimals), WAD);
  if (t.kind === Kind.Put) return f(units, t.strike * 10n ** BigInt(t.collateralDecimals), WAD * WAD);
  return f(units, 10n ** BigInt(t.collateralDecimals), WAD);
}

/** [collateral] What a write of `units` [wad] locks: the maximum payoff rounded up. */
export function lockFor(t: PayoffTerms, units: bigint): bigint {
  return maxPayoff(t, units, true);
}

/**
 * [collateral] The exact payoff of `units` [wad] longs at settlement price `price` [wad], rounded down (the contract's
 * `_longPool`): a call pays (P - K) / P underlying per contract above the strike, a put K - P quote below it, a binary
 * one quote unit strictly above (up) or below (down) it. The strike itself pays the longs nothing.
 */
export function longPayoff(t: PayoffTerms, units: bigint, price: bigint): bigint {
  const k = t.strike;
  if (t.kind === Kind.Call) {
    if (price <= k) return 0n;
    return mulDivDown(units * 10n ** BigInt(t.underlyingDecimals), price - k, price * WAD);
  }
  if (t.kind === Kind.Put) {
    if (price >= k) return 0n;
    return mulDivDown(units, (k - price) * 10n ** BigInt(t.collateralDecimals), WAD * WAD);
  }
  const pays = t.kind === Kind.BinaryUp ? price > k : price < k;
  return pays ? mulDivDown(units, 10n ** BigInt(t.collateralDecimals), WAD) : 0n;
}

/**
 * [collateral] The two pools a series' first redemption fixes at `price` [wad], namely the longs' the exact payoff of every
 * unit outstanding rounded down, at most what is locked; the shorts' the rest.
 */
export function poolsAt(
  t: PayoffTerms,
  outstanding: bigint,
  locked: bigint,
  price: bigint,
): { longPool: bigint; shortPool: bigint } {
  const long = longPayoff(t, outstanding, price);
  const longPool = long < locked ? long : locked;
  return { longPool, shortPool: locked - longPool };
}

/**
 * [collateral] What `units` [wad] of one side (`short`) receive at `price` [wad], as `IInstrumentVault.payoffAt`
 * computes it: from the fixed pools once finalized, else from the pools `price` would fix with the units outstanding
 * now; each holder's share rounded down. Zero when nothing is outstanding or `units` is more than is.
 */
export function payoffAt(t: PayoffTerms, s: PoolState, price: bigint, short: boolean, units: bigint): bigint {
  const outstanding = s.finalized ? s.settledUnits : s.outstanding;
  if (outstanding === 0n || units > outstanding) return 0n;
  const pools = s.finalized
    ? { longPool: s.longPool, shortPool: s.shortPool }
    : poolsAt(t, outstanding, s.locked, price);
  return mulDivDown(units, short ? pools.shortPool : pools.longPool, outstanding);
}

/** [collateral] What a pair burn of `units` [wad] releases: its share of what the series locks, rounded down. */
export function pairRelease(units: bigint, locked: bigint, outstanding: bigint): bigint {
  return outstanding === 0n ? 0n : mulDivDown(units, locked, outstanding);
}

/** ERC-6909 ids of a series' sides: long `seriesId << 1`, short `seriesId << 1 | 1`. */
export function sideIds(seriesId: bigint): { long: bigint; short: bigint } {
  return { long: seriesId << 1n, short: (seriesId << 1n) | 1n };
}

/** [wad] A feed answer of `decimals` decimals in 18 decimals, rounded down. */
export function toWad(answer: bigint, decimals: number): bigint {
  return decimals <= 18 ? answer * 10n ** BigInt(18 - decimals) : answer / 10n ** BigInt(decimals - 18);
}

// ----------------------------------------------------------------------------------------------------------------
// Series
// ----------------------------------------------------------------------------------------------------------------

/** The feed a series settles on, as it was copied at creation. */
export interface SeriesFeed {
  aggregator: string;
  /** [s] How far from expiry a settling round may be. */
  maxAge: bigint;
  decimals: number;
  /** [feed decimals] Answers at or beyond these are refused. */
  minAnswer: bigint;
  maxAnswer: bigint;
}

/** One series: its terms, balances and settlement. */
export interface SeriesInfo extends PayoffTerms {
  id: bigint;
  underlying: string;
  collateral: string;
  /** [s] */
  expiry: bigint;
  feed: SeriesFeed;
  /** [wad] Units outstanding (long = short until redemptions start). */
  units: bigint;
  /** [collateral] What the series holds. */
  locked: bigint;
  /** [collateral] The maximum payoff of the units outstanding (what is locked once finalized). */
  maxPayoff: bigint;
  state: {
    /** [wad] The settlement price (the round's, or the guardian's correction); 0 before settlement. */
    price: bigint;
    /** [wad] The round's price. */
    oraclePrice: bigint;
    /** [s] When the price was set (0: not settled). */
    settledAt: bigint;
    /** `PriceSource` index: 0 none, 1 round, 2 fallback, 3 void. */
    source: number;
    finalized: boolean;
    roundId: bigint;
    settledUnits: bigint;
    longPool: bigint;
    shortPool: bigint;
  };
}

/**
 * The views of the InstrumentVault the listing reads: any TypeChain `InstrumentVault`, or the SDK client's
 * `instrumentViews()` (viem or ethers).
 */
export interface SeriesReader {
  seriesCount(): Promise<bigint>;
  series(id: bigint): Promise<{
    underlying: string;
    collateral: string;
    kind: bigint | number;
    strike: bigint;
    expiry: bigint;
    underlyingDecimals: bigint | number;
    collateralDecimals: bigint | number;
    feed: {
      aggregator: string;
      maxAge: bigint | number;
      decimals: bigint | number;
      minAnswer: bigint | number;
      maxAnswer: bigint | number;
    };
  }>;
  seriesState(id: bigint): Promise<{
    price: bigint;
    oraclePrice: bigint;
    settledAt: bigint | number;
    source: bigint | number;
    finalized: boolean;
    roundId: bigint | number;
    settledUnits: bigint;
    longPool: bigint;
    shortPool: bigint;
  }>;
  exposure(id: bigint): Promise<readonly bigint[]>;
}

/** Series `id` of `vault`, read from `series`, `seriesState` and `exposure`. */
export async function readSeries(vault: SeriesReader, id: bigint): Promise<SeriesInfo> {
  const [s, st, ex] = await Promise.all([vault.series(id), vault.seriesState(id), vault.exposure(id)]);
  return {
    id,
    underlying: s.underlying,
    collateral: s.collateral,
    kind: Number(s.kind),
    strike: s.strike,
    expiry: BigInt(s.expiry),
    underlyingDecimals: Number(s.underlyingDecimals),
    collateralDecimals: Number(s.collateralDecimals),
    feed: {
      aggregator: s.feed.aggregator,
      maxAge: BigInt(s.feed.maxAge),
      decimals: Number(s.feed.decimals),
      minAnswer: BigInt(s.feed.minAnswer),
      maxAnswer: BigInt(s.feed.maxAnswer),
    },
    units: ex[0] ?? 0n,
    locked: ex[1] ?? 0n,
    maxPayoff: ex[2] ?? 0n,
    state: {
      price: st.price,
      oraclePrice: st.oraclePrice,
      settledAt: BigInt(st.settledAt),
      source: Number(st.source),
      finalized: st.finalized,
      roundId: BigInt(st.roundId),
      settledUnits: st.settledUnits,
      longPool: st.longPool,
      shortPool: st.shortPool,
    },
  };
}

/** Every series of `vault` (ids 1 to `seriesCount`), in id order. */
export async function listSeries(vault: SeriesReader): Promise<SeriesInfo[]> {
  const count = await vault.seriesCount();
  const out: SeriesInfo[] = [];
  for (let id = 1n; id <= count; id++) out.push(await readSeries(vault, id));
  return out;
}

/** A series' `PoolState` as `payoffAt` takes it. */
export function poolStateOf(s: SeriesInfo): PoolState {
  return {
    outstanding: s.units,
    locked: s.locked,
    finalized: s.state.finalized,
    settledUnits: s.state.settledUnits,
    longPool: s.state.longPool,
    shortPool: s.state.shortPool,
  };
}
