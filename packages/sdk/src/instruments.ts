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
 * [collateral] The maximum payoff of `units` [wad]: what a write of them locks (`IInstrumentVault.write` returns it)
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
 * [collateral] The two pools a series' first redemption fixes at `price` [wad]: the longs' the exact payoff of every
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
