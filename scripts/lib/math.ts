/**
 * TypeScript mirror of `contracts/libraries/FixedMath.sol` and the Vault's valuation, in bigint, with the rounding
 * direction in every name. Tests check these against the contracts; scripts use them to explain figures.
 *
 * Units: `[wad]` = 1e18 fixed point (USD values, synthetic amounts, prices, health), `[ray]` = 1e27 (rate index,
 * per-second rates), `[bps]` = 1e4, `[token]` = a token's own decimals.
 */

export const WAD = 10n ** 18n;
export const RAY = 10n ** 27n;
export const BPS = 10_000n;
export const MAX_UINT256 = 2n ** 256n - 1n;

/** floor(x * y / d) */
export function mulDivDown(x: bigint, y: bigint, d: bigint): bigint {
  return (x * y) / d;
}

/** ceil(x * y / d) */
export function mulDivUp(x: bigint, y: bigint, d: bigint): bigint {
  const p = x * y;
  return p === 0n ? 0n : (p - 1n) / d + 1n;
}

/** [ray] x^n, every intermediate product rounded up (FixedMath.rpowUp). */
export function rpowUp(x: bigint, n: bigint): bigint {
  let z = n % 2n !== 0n ? x : RAY;
  for (n /= 2n; n !== 0n; n /= 2n) {
    x = mulDivUp(x, x, RAY);
    if (n % 2n !== 0n) z = mulDivUp(z, x, RAY);
  }
  return z;
}

/** [ray] The rate index `dt` seconds after `index` at `ratePerSecond` [ray/s], rounded up (Vault._grow). */
export function growIndex(index: bigint, ratePerSecond: bigint, dt: bigint): bigint {
  if (ratePerSecond === 0n || dt === 0n) return index;
  return mulDivUp(index, rpowUp(RAY + ratePerSecond, dt), RAY);
}

/** [wad] Value of `amount` [token] with `decimals` at `price` [wad per whole unit], rounded down. */
export function valueDown(amount: bigint, price: bigint, decimals: bigint | number): bigint {
  return mulDivDown(amount, price, 10n ** BigInt(decimals));
}

/** [wad] Scales a feed answer with `decimals` to 18 decimals, rounded down (OracleAdapter._toWadDown). */
export function answerToWad(answer: bigint, decimals: bigint | number): bigint {
  const d = BigInt(decimals);
  return d <= 18n ? answer * 10n ** (18n - d) : answer / 10n ** (d - 18n);
}

/** One basket entry, as the health computation needs it. */
export interface BasketEntry {
  amount: bigint; // [token]
  decimals: bigint | number;
  price: bigint; // [wad] USD per whole unit
  maxLtvBps: bigint;
  liqThresholdBps: bigint;
}

/** The figures `IVault.healthOf` returns, computed off-chain. */
export interface HealthFigures {
  collateralValue: bigint; // [wad]
  mintLimit: bigint; // [wad]
  liquidationLimit: bigint; // [wad]
  debt: bigint; // [wad] synthetic units
  debtValue: bigint; // [wad] USD
  health: bigint; // [wad]; MAX_UINT256 without debt
}

/**
 * Mirrors `Vault.healthOf`: each asset's value rounded down, limits rounded down per asset, debt and its value
 * rounded up, health rounded down.
 * @param normDebt [wad] normalized debt; @param index [ray] rate index now; @param debtPrice [wad] price of one
 *        synthetic unit in USD (WAD for a USD synthetic).
 */
export function computeHealth(
  basket: BasketEntry[],
  normDebt: bigint,
  index: bigint,
  debtPrice: bigint,
): HealthFigures {
  let collateralValue = 0n;
  let mintLimit = 0n;
  let liquidationLimit = 0n;
  for (const a of basket) {
    const v = valueDown(a.amount, a.price, a.decimals);
    collateralValue += v;
    mintLimit += mulDivDown(v, a.maxLtvBps, BPS);
    liquidationLimit += mulDivDown(v, a.liqThresholdBps, BPS);
  }
  const debt = mulDivUp(normDebt, index, RAY);
  const debtValue = mulDivUp(debt, debtPrice, WAD); // a USD synthetic has debtPrice = WAD: exactly `debt`
  const health = debtValue === 0n ? MAX_UINT256 : mulDivDown(liquidationLimit, WAD, debtValue);
  return { collateralValue, mintLimit, liquidationLimit, debt, debtValue, health };
}

// ----------------------------------------------------------------------------------------------------------------
// Auction prices (contracts/libraries/AuctionMath.sol `price`)
// ----------------------------------------------------------------------------------------------------------------

/** `ILiquidationEngine.Curve`. */
export const Curve = { Linear: 0n, StepExponential: 1n } as const;

/** The parts of `ILiquidationEngine.AuctionParams` the price curve reads. */
export interface CurveParams {
  curve: bigint; // Curve.Linear or Curve.StepExponential
  duration: bigint; // [s] linear: time to reach zero
  step: bigint; // [s] step exponential: length of one step
  cutBps: bigint; // [bps] step exponential: price kept per step
}

/** [wad] Linear curve: top * (duration - elapsed) / duration rounded up, 0 from `duration` on. */
export function linearPriceUp(top: bigint, elapsed: bigint, duration: bigint): bigint {
  if (elapsed >= duration) return 0n;
  return mulDivUp(top, duration - elapsed, duration);
}

/**
 * [wad] Stepped exponential curve: top * (cutBps / 1e4)^floor(elapsed / step), the factor computed in ray with every
 * product rounded up (`rpowUp`), then applied rounded up. Never below the exact value, never zero.
 */
export function stepExponentialPriceUp(top: bigint, elapsed: bigint, step: bigint, cutBps: bigint): bigint {
  const steps = elapsed / step;
  if (steps === 0n) return top;
  const factor = rpowUp(cutBps * (RAY / BPS), steps); // [ray]
  return mulDivUp(top, factor, RAY);
}

/** [wad] The price of an auction started at `top` [wad], `elapsed` [s] ago, under `p` (AuctionMath.price). */
export function auctionPriceUp(top: bigint, elapsed: bigint, p: CurveParams): bigint {
  return p.curve === Curve.Linear
    ? linearPriceUp(top, elapsed, p.duration)
    : stepExponentialPriceUp(top, elapsed, p.step, p.cutBps);
}

/**
 * [wad] An auction's start price and floor from the market price [wad synthetic per whole token]
 * (LiquidationEngine._startPrices): top = market * (1 + startBufferBps) rounded up; floor = market * resetBelowBps
 * rounded up and at least 1; top at least floor + 1.
 */
export function startPricesUp(
  market: bigint,
  startBufferBps: bigint,
  resetBelowBps: bigint,
): { top: bigint; floor: bigint } {
  let top = mulDivUp(market, BPS + startBufferBps, BPS);
  let floor = mulDivUp(market, resetBelowBps, BPS);
  if (floor === 0n) floor = 1n;
  if (top <= floor) top = floor + 1n;
  return { top, floor };
}
