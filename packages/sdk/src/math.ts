/**
 * TypeScript mirror of `contracts/libraries/FixedMath.sol` and the Vault's valuation, in bigint, with the rounding
 * direction in every name. Tests check these against the contracts; scripts use them to explain figures.
 *
 * Units: `[wad]` = 1e18 fixed point (USD values, synthetic amounts, prices, health), `[ray]` = 1e27 (rate index,
 * per-second rates), `[bps]` = 1e4, `[token]` = a token's own decimals.
 */

/** [wad] One, in 18-decimal fixed point (USD values, synthetic amounts, prices, health). */
export const WAD = 10n ** 18n;
/** [ray] One, in 27-decimal fixed point (rate index, per-second rates). */
export const RAY = 10n ** 27n;
/** [bps] 100%, in basis points. */
export const BPS = 10_000n;
/** `type(uint256).max`: as a repay amount, all of the debt; as a take's max price, no limit. */
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

/** Largest rate index, and largest growth factor (the index's 128-bit width). */
export const MAX_INDEX = 2n ** 128n - 1n;

/**
 * [ray] (1 + ratePerSecond / RAY)^dt rounded up, at most MAX_INDEX (DebtMath.growthUp): the binomial series term by
 * term, each term rounded up from the one before, stopping at the first term of at most 1 ray-wei with twice that term
 * for the tail.
 */
export function growthUp(ratePerSecond: bigint, dt: bigint): bigint {
  if (ratePerSecond >= 2n ** 65n || dt >= 2n ** 40n) throw new RangeError("growthUp: rate or time out of range");
  let sum = RAY;
  let term = RAY;
  for (let k = 0n; ;) {
    const p = term * (dt - k) * ratePerSecond;
    k += 1n;
    const d = k * RAY;
    term = (p + d - 1n) / d;
    if (term < 2n) return sum + 2n * term;
    sum += term;
    if (sum > MAX_INDEX) return MAX_INDEX;
  }
}

/** [ray] The rate index `dt` seconds after `index` at `ratePerSecond` [ray/s], rounded up, saturating at MAX_INDEX
 *  (DebtMath.growUp). */
export function growIndex(index: bigint, ratePerSecond: bigint, dt: bigint): bigint {
  if (ratePerSecond === 0n || dt === 0n) return index;
  const grown = mulDivUp(index, growthUp(ratePerSecond, dt), RAY);
  return grown > MAX_INDEX ? MAX_INDEX : grown;
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

/** The figures `PositionLens.healthOf` (`VaultReader.healthOf`) returns, computed off-chain. */
export interface HealthFigures {
  collateralValue: bigint; // [wad]
  mintLimit: bigint; // [wad]
  liquidationLimit: bigint; // [wad]
  debt: bigint; // [wad] synthetic units
  debtValue: bigint; // [wad] USD
  health: bigint; // [wad]; MAX_UINT256 without debt
}

/**
 * Mirrors `VaultReader.healthOf` (what `PositionLens.healthOf` returns): each asset's value rounded down, limits
 * rounded down per asset, debt and its value rounded up, health rounded down.
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

/** One basket asset as `liquidationPrices` reads it. */
export interface LiquidationPriceEntry {
  amount: bigint; // [token]
  decimals: bigint | number;
  price: bigint; // [wad] USD per whole unit now (0 when its price failed: it counts for nothing)
  liqThresholdBps: bigint; // [bps] the threshold in force (`PositionLens.liquidationThreshold`: a ramp's value)
  /** Whether the position's synthetic tracks this asset's price (bETH and WETH): its debt value moves with it. */
  tracksDebt: boolean;
}

/**
 * [wad] Each basket asset's liquidation price: the price of that asset, every other price unchanged, at which the
 * position's liquidation limit equals its debt value (health 1.0), rounded down; `undefined` when no price of that
 * asset alone makes the position liquidatable (no debt, no amount, or the other assets cover the debt). `rising` is
 * true when the position becomes liquidatable ABOVE that price: the synthetic tracks the asset and the debt outgrows
 * the collateral. Each asset's limit is value × threshold as the Vault counts it (value rounded down).
 * The one rule behind `ballast health` (tasks/ops.ts) and the watch (watch/evaluate.ts).
 * @param debt [wad] synthetic units (PositionLens.healthOf `debt`); @param debtValue [wad USD] (its `debtValue`).
 */
export function liquidationPrices(
  basket: LiquidationPriceEntry[],
  debt: bigint,
  debtValue: bigint,
): ({ price: bigint; rising: boolean } | undefined)[] {
  const limits = basket.map((a) => (valueDown(a.amount, a.price, a.decimals) * a.liqThresholdBps) / BPS); // [wad]
  return basket.map((a, i) => {
    // solve  others + amount × p × t / (10^dec × BPS) = debtValue(p)
    const others = limits.reduce((s, l, j) => (j === i ? s : s + l), 0n); // [wad]
    const scale = 10n ** BigInt(a.decimals);
    if (a.amount === 0n || debt === 0n) return undefined;
    if (!a.tracksDebt) {
      // debt value fixed: p = (debtValue - others) × 10^dec × BPS / (amount × t)
      if (debtValue <= others || a.liqThresholdBps === 0n) return undefined;
      return { price: ((debtValue - others) * scale * BPS) / (a.amount * a.liqThresholdBps), rising: false };
    }
    // debt value = debt × p / WAD: p × (debt × 10^dec × BPS − amount × t × WAD) = others × WAD × 10^dec × BPS
    const denom = debt * scale * BPS - a.amount * a.liqThresholdBps * WAD;
    if (denom <= 0n) return undefined;
    return { price: (others * WAD * scale * BPS) / denom, rising: true };
  });
}

/** A PreLiquidation contract's immutable policy (`IPreLiquidation`). */
export interface PreLiquidationPolicy {
  preHealth: bigint; // [wad] the band's top
  closeFactorTop: bigint; // [bps]
  closeFactorBottom: bigint; // [bps]
  incentiveTop: bigint; // [bps]
  incentiveBottom: bigint; // [bps]
}

/** What `PreLiquidation.quote` returns, or why it refuses. */
export type PreLiquidationQuote =
  | {
      health: bigint; // [wad]
      closeFactor: bigint; // [bps]
      incentive: bigint; // [bps]
      maxRepay: bigint; // [wad]
      repay: bigint; // [wad]
      seized: bigint; // [token]
    }
  | { refused: "outside band" | "nothing to repay" | "exceeds collateral"; health: bigint; seized?: bigint };

/**
 * Mirrors `PreLiquidation._quote` for a position whose prices are all valid: the band test, the close factor and the
 * incentive interpolated from the band's top to health 1 (each term rounded down), the repay capped at the close
 * factor of the debt (or at what this block's earlier pre-liquidations left: `left`, undefined for a fresh block),
 * and the collateral taken, rounded down twice (value, then tokens). Checked to the wei against the contract by
 * test/preliquidation.test.ts.
 * @param health [wad] the engine's (liquidation limit over debt value); @param debt [wad]; @param synthPrice [wad];
 * @param asset the taken asset's price [wad], decimals and amount held [token]; @param repay [wad] requested.
 */
export function quotePreLiquidation(
  policy: PreLiquidationPolicy,
  health: bigint,
  debt: bigint,
  synthPrice: bigint,
  asset: { price: bigint; decimals: bigint | number; held: bigint },
  repay: bigint,
  left?: bigint,
): PreLiquidationQuote {
  const top = policy.preHealth;
  if (health < WAD || health >= top) return { refused: "outside band", health };
  const t = mulDivDown(top - health, WAD, top - WAD);
  const closeFactor = policy.closeFactorTop + mulDivDown(policy.closeFactorBottom - policy.closeFactorTop, t, WAD);
  const incentive = policy.incentiveTop + mulDivDown(policy.incentiveBottom - policy.incentiveTop, t, WAD);
  const maxRepay = left ?? mulDivDown(debt, closeFactor, BPS);
  if (maxRepay === 0n) return { refused: "nothing to repay", health };
  const r = repay < maxRepay ? repay : maxRepay;
  const value = mulDivDown(r, synthPrice * (BPS + incentive), WAD * BPS);
  const seized = mulDivDown(value, 10n ** BigInt(asset.decimals), asset.price);
  if (seized > asset.held) return { refused: "exceeds collateral", health, seized };
  return { health, closeFactor, incentive, maxRepay, repay: r, seized };
}

/**
 * Mirrors the eligibility test of `Redemptions._plan` for a priced position with debt: a redemption may take from it
 * while `1 <= health < redeemableHealth` [wad] (below 1 it is the liquidation's; `redeemableHealth` 0: redemptions
 * off). Checked against `Redemptions.exposureOf` by test/risk.test.ts.
 */
export function isRedeemable(health: bigint, redeemableHealth: bigint): boolean {
  return redeemableHealth !== 0n && health >= WAD && health < redeemableHealth;
}

/**
 * Mirrors `StabilityModule._checkPeg` with both prices available: a swap in needs the reserve's price over the
 * synthetic's, rounded down, at least `1 - band`; a swap out needs it, rounded up, at most `1 + band`.
 * @param reservePrice [wad] USD per whole reserve unit. @param synthPrice [wad] USD per synthetic unit.
 * Checked against `maxSwapIn` / `maxSwapOut` by test/risk.test.ts.
 */
export function pegOpen(
  reservePrice: bigint,
  synthPrice: bigint,
  bandBps: bigint,
): { swapIn: boolean; swapOut: boolean } {
  const band = bandBps * (WAD / BPS);
  return {
    swapIn: mulDivDown(reservePrice, WAD, synthPrice) >= WAD - band,
    swapOut: mulDivUp(reservePrice, WAD, synthPrice) <= WAD + band,
  };
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

/** The fields of a live auction its start price and floor depend on (`ILiquidationEngine.Auction`). */
export interface AuctionPricing {
  market: bigint; // [wad] oracle price at the (re)start, synthetic per whole token
  lot: bigint; // [token]
  tab: bigint; // [wad]
  debt: bigint; // [wad]
  decimals: bigint | number;
}

/**
 * [wad] An auction's start price and floor (LiquidationEngine._startPrices): top = market × (1 + startBufferBps)
 * rounded up; floor = market × resetBelowBps rounded up and, while the lot is worth at least its debt at the market
 * price, at least the price at which the lot covers its whole tab (tab / lot rounded up, at most the market price);
 * floor at least 1, top at least floor + 1.
 */
export function startPricesUp(
  a: AuctionPricing,
  startBufferBps: bigint,
  resetBelowBps: bigint,
): { top: bigint; floor: bigint } {
  const unit = 10n ** BigInt(a.decimals);
  let top = mulDivUp(a.market, BPS + startBufferBps, BPS);
  let floor = mulDivUp(a.market, resetBelowBps, BPS);
  if (a.lot !== 0n && mulDivDown(a.lot, a.market, unit) >= a.debt) {
    let cover = mulDivUp(a.tab, unit, a.lot);
    if (cover > a.market) cover = a.market;
    if (cover > floor) floor = cover;
  }
  if (floor === 0n) floor = 1n;
  if (top <= floor) top = floor + 1n;
  return { top, floor };
}

// ----------------------------------------------------------------------------------------------------------------
// Liquidation plan (contracts/libraries/LiquidationMath.sol, run by LiquidationEngine.liquidate and previewLiquidation): used by the risk engine
// ----------------------------------------------------------------------------------------------------------------

/** `LiquidationMath.SEIZE_MARGIN_BPS`: the seized lot covers debt + penalty plus this margin at oracle prices. */
export const SEIZE_MARGIN_BPS = 500n;

/** `LiquidationEngine.OWNER_EXCESS_DIVISOR`: a covering take's excess over the tab is the owner's from dust / this. */
export const OWNER_EXCESS_DIVISOR = 1_000_000n;

/**
 * [wad USD] The debt value to liquidate so that the position ends at `target` health when the seizable part of its
 * basket (value `seizable`, liquidation limit `seizableLimit`) gives up the same fraction of every asset, rounded
 * up, or MAX_UINT256 when no partial liquidation reaches it (LiquidationMath.partialDebtValueUp). `ll`, `dv`, `cv`
 * [wad USD]; `extra` [wad USD] the collateral leaving per `cv` of debt value beyond the debt (`seizeExtraUp`).
 */
export function partialDebtValueUp(
  ll: bigint,
  dv: bigint,
  cv: bigint,
  extra: bigint,
  seizable: bigint,
  seizableLimit: bigint,
  target: bigint,
): bigint {
  if (seizable === 0n) return MAX_UINT256;
  const wanted = mulDivUp(target, dv, WAD);
  if (wanted <= ll) return 0n;
  const k = mulDivUp(mulDivUp(cv + extra, seizableLimit, cv), WAD, seizable);
  if (k >= target) return MAX_UINT256;
  return mulDivUp(wanted - ll, WAD, target - k);
}

/** [wad USD] (cv + penaltyValue) × (1 + SEIZE_MARGIN_BPS) − cv, rounded up (LiquidationMath.seizeExtraUp). */
export function seizeExtraUp(cv: bigint, penaltyValue: bigint): bigint {
  return mulDivUp(cv + penaltyValue, BPS + SEIZE_MARGIN_BPS, BPS) - cv;
}

/** Keeper pay of one synthetic (`ILiquidationEngine.KeeperParams`): tip [wad], chipBps [bps], maxPay [wad]. */
export interface KeeperPay {
  tip: bigint;
  chipBps: bigint;
  maxPay: bigint;
}

/** [wad] tip + chipBps × debt (rounded down), capped at maxPay and at `penalty` (LiquidationEngine._keeperPay). */
export function keeperPayDown(k: KeeperPay, debt: bigint, penalty: bigint): bigint {
  let pay = k.tip + mulDivDown(debt, k.chipBps, BPS);
  if (pay > k.maxPay) pay = k.maxPay;
  if (pay > penalty) pay = penalty;
  return pay;
}

/**
 * One basket asset as the engine's valuation (`VaultReader.liquidationState`) reads it: the health entry (`liqThresholdBps` the threshold in
 * force, a ramp's current value; `price` 0 when the oracle fails) plus penalty and caps.
 */
export interface PlanAsset extends Omit<BasketEntry, "maxLtvBps"> {
  liqPenaltyBps: bigint;
  cap: bigint; // [wad USD] the engine's assetCap
  dirt: bigint; // [wad USD] the engine's assetDirt
}

/** Everything `planLiquidation` needs besides the basket. */
export interface PlanInput {
  basket: PlanAsset[];
  debt: bigint; // [wad] the position's whole debt (PositionLens.debtOf)
  synthPrice: bigint; // [wad] USD per synthetic unit (WAD for a USD synthetic)
  minDebt: bigint; // [wad]
  targetHealth: bigint; // [wad]
  fullLiquidationHealth: bigint; // [wad]
  globalCap: bigint; // [wad USD]
  globalDirt: bigint; // [wad USD]
  keeper: KeeperPay;
}

/** `ILiquidationEngine.LiquidationPlan` plus the per-asset values and the position's health before. */
export interface LiquidationPlanFigures {
  debt: bigint; // [wad] synthetic debt taken into auction
  penalty: bigint; // [wad]
  debtValue: bigint; // [wad USD]
  full: boolean;
  capped: boolean;
  keeperPay: bigint; // [wad]
  lots: bigint[]; // [token] seized of each basket asset
  covers: bigint[]; // [wad USD] debt value each lot carries
  health: bigint; // [wad] before the liquidation
  values: bigint[]; // [wad USD] each asset's value, rounded down
  cv: bigint; // [wad USD]
}

/** Why `planLiquidation` found nothing to do: the position is healthy, or no amount fits the caps or the priced lot. */
export type PlanRefusal =
  | { refused: "PositionHealthy"; health: bigint }
  | { refused: "AuctionCapReached" | "PricedLotTooSmall"; room: bigint; minRoom: bigint };

/** @internal Working figures of one plan (LiquidationMath.Work). */
interface PlanWork {
  cv: bigint;
  extra: bigint;
  seizableValue: bigint;
  seizableLimit: bigint;
  heldBack: boolean;
  roomLimited: boolean;
  minValue: bigint;
  fraction: bigint;
  carry: bigint;
  seizedValue: bigint;
  covered: bigint;
}

/**
 * Mirrors `LiquidationEngine.previewLiquidation` (`LiquidationMath.plan` with the caps' room, plus keeper pay): the
 * figures `previewLiquidation` returns, to the wei: the closed-form partial amount over the seizable assets, the full rules,
 * the per-asset and global caps, the lots (rounded up unless that lowers the health or breaks a cap), the debt each
 * lot carries, the minimum debt, the penalty (capped at what the lot is worth beyond its debt) and keeper pay.
 */
export function planLiquidation(p: PlanInput): LiquidationPlanFigures | PlanRefusal {
  const n = p.basket.length;
  const values: bigint[] = [];
  const limits: bigint[] = [];
  let cv = 0n;
  let ll = 0n;
  let penaltyValue = 0n;
  for (const a of p.basket) {
    const v = a.price === 0n ? 0n : valueDown(a.amount, a.price, a.decimals);
    const l = mulDivDown(v, a.liqThresholdBps, BPS);
    values.push(v);
    limits.push(l);
    cv += v;
    ll += l;
    penaltyValue += mulDivUp(v, a.liqPenaltyBps, BPS);
  }
  const dv = p.debt === 0n ? 0n : mulDivUp(p.debt, p.synthPrice, WAD);
  const health = dv === 0n ? MAX_UINT256 : mulDivDown(ll, WAD, dv);
  if (health >= WAD) return { refused: "PositionHealthy", health };
  const lots: bigint[] = new Array<bigint>(n).fill(0n);
  const covers: bigint[] = new Array<bigint>(n).fill(0n);
  const out = { debt: 0n, debtValue: 0n, full: false, capped: false };
  if (n === 0) {
    return {
      debt: p.debt,
      penalty: 0n,
      debtValue: dv,
      full: true,
      capped: false,
      keeperPay: 0n,
      lots,
      covers,
      health,
      values,
      cv,
    };
  }
  const globalRoom = p.globalCap > p.globalDirt ? p.globalCap - p.globalDirt : 0n;
  const rooms = p.basket.map((a) => (a.cap > a.dirt ? a.cap - a.dirt : 0n));
  const w: PlanWork = {
    cv,
    extra: seizeExtraUp(cv, penaltyValue),
    seizableValue: 0n,
    seizableLimit: 0n,
    heldBack: false,
    roomLimited: false,
    minValue: mulDivUp(p.minDebt, p.synthPrice, WAD),
    fraction: 0n,
    carry: 0n,
    seizedValue: 0n,
    covered: 0n,
  };
  for (let i = 0; i < n; i++) {
    const a = p.basket[i] as PlanAsset;
    if (a.price !== 0n && (rooms[i] ?? 0n) !== 0n && globalRoom !== 0n) {
      w.seizableValue += values[i] ?? 0n;
      w.seizableLimit += limits[i] ?? 0n;
    } else {
      w.heldBack = true;
      if (a.price !== 0n) w.roomLimited = true;
    }
  }

  const emptied = (): boolean => !w.heldBack && p.basket.every((a, i) => lots[i] === a.amount);
  const fillLots = (fractions: bigint[], up: boolean): void => {
    w.seizedValue = 0n;
    w.covered = 0n;
    for (let i = 0; i < n; i++) {
      const a = p.basket[i] as PlanAsset;
      const f = fractions[i] ?? 0n;
      let lot = 0n;
      let value = 0n;
      let cover = 0n;
      if (f !== 0n) {
        const ceil =
          up &&
          (w.fraction === WAD ||
            w.cv === 0n ||
            mulDivUp(limits[i] ?? 0n, w.cv + w.extra, w.cv) <= mulDivDown(p.targetHealth, values[i] ?? 0n, WAD));
        const make = (roundUp: boolean): [bigint, bigint, bigint] => {
          let l = roundUp ? mulDivUp(a.amount, f, WAD) : mulDivDown(a.amount, f, WAD);
          if (l > a.amount) l = a.amount;
          const v = valueDown(l, a.price, a.decimals);
          return [l, v, mulDivDown(v, w.carry, WAD)];
        };
        [lot, value, cover] = make(ceil);
        if (ceil && cover > (rooms[i] ?? 0n)) [lot, value, cover] = make(false);
      }
      lots[i] = lot;
      covers[i] = cover;
      w.seizedValue += value;
      w.covered += cover;
    }
  };
  const size = (full: boolean): boolean | PlanRefusal => {
    let want = dv;
    if (!full) {
      want = partialDebtValueUp(ll, dv, w.cv, w.extra, w.seizableValue, w.seizableLimit, p.targetHealth);
      if (want === MAX_UINT256) return false;
      if (want < w.minValue) want = w.minValue;
      if (want >= dv) return false;
    }
    w.carry = w.cv === 0n ? 0n : mulDivDown(w.cv, WAD, w.cv + w.extra);
    w.fraction = WAD;
    if (w.seizableValue !== 0n) {
      const fraction = mulDivUp(want + (w.cv === 0n ? 0n : mulDivUp(want, w.extra, w.cv)), WAD, w.seizableValue);
      if (fraction < WAD) w.fraction = fraction;
      else if (!w.heldBack) {
        const spread = mulDivUp(want, WAD, w.seizableValue);
        if (spread > w.carry) w.carry = spread;
      }
    }
    // per-asset fractions under the caps (LiquidationMath._capFractions)
    const fractions: bigint[] = new Array<bigint>(n).fill(0n);
    let total = 0n;
    for (let i = 0; i < n; i++) {
      const a = p.basket[i] as PlanAsset;
      const room = rooms[i] ?? 0n;
      if (a.price === 0n || room === 0n || globalRoom === 0n) continue;
      const v = values[i] ?? 0n;
      let f = w.fraction;
      let carried = mulDivUp(mulDivUp(v, f, WAD), w.carry, WAD);
      if (carried > room) {
        f = mulDivDown(mulDivDown(room, WAD, w.carry), WAD, v);
        carried = room;
        w.roomLimited = true;
      }
      fractions[i] = f;
      total += carried;
    }
    if (total > globalRoom) {
      for (let i = 0; i < n; i++) fractions[i] = mulDivDown(fractions[i] ?? 0n, globalRoom, total);
      w.roomLimited = true;
    }
    fillLots(fractions, true);
    if (w.covered > globalRoom || (w.fraction < WAD && w.covered < dv && emptied())) fillLots(fractions, false);

    const limited = w.roomLimited || (w.heldBack && w.fraction === WAD);
    if ((full && !limited) || w.covered >= dv || emptied()) {
      Object.assign(out, { debt: p.debt, debtValue: dv, full: true, capped: false });
      return true;
    }
    let debt = mulDivDown(w.covered, WAD, p.synthPrice);
    if (p.debt - debt < p.minDebt) {
      if (!limited && !full) return false;
      debt = p.debt > p.minDebt ? p.debt - p.minDebt : 0n;
    }
    if (debt < p.minDebt) {
      if (!limited && !full) return false;
      return {
        refused: w.roomLimited ? "AuctionCapReached" : "PricedLotTooSmall",
        room: w.covered,
        minRoom: w.minValue,
      };
    }
    Object.assign(out, { debt, debtValue: mulDivUp(debt, p.synthPrice, WAD), full: false, capped: limited });
    return true;
  };

  let full = health < p.fullLiquidationHealth;
  for (;;) {
    const done = size(full);
    if (typeof done === "object") return done;
    if (done) break;
    full = true;
  }
  let penalty = w.cv === 0n ? 0n : mulDivUp(out.debt, penaltyValue, w.cv);
  const lotValue = mulDivDown(w.seizedValue, WAD, p.synthPrice);
  if (lotValue >= out.debt && penalty > lotValue - out.debt) penalty = lotValue - out.debt;
  const keeperPay = keeperPayDown(p.keeper, out.debt, penalty);
  return { ...out, penalty, keeperPay, lots, covers, health, values, cv };
}

/**
 * How a plan's debt, tab and dirt are split over the basket's auctions (LiquidationEngine._startAuctions): in
 * proportion to the debt value each lot carries (`covers`), each share rounded down, the last lot taking the rest.
 * A lot with no tab is credited back to the owner.
 * @return per basket asset: lot [token], tab [wad], debt [wad], dirt [wad USD] (all 0 for an asset not seized).
 */
export function splitLiquidation(plan: {
  debt: bigint;
  penalty: bigint;
  debtValue: bigint;
  lots: bigint[];
  covers: bigint[];
}): { lot: bigint; tab: bigint; debt: bigint; dirt: bigint }[] {
  const n = plan.lots.length;
  let last = -1;
  let total = 0n;
  for (let i = 0; i < n; i++) {
    if ((plan.lots[i] ?? 0n) === 0n) continue;
    last = i;
    total += plan.covers[i] ?? 0n;
  }
  const left = { lot: total, tab: plan.debt + plan.penalty, debt: plan.debt, dirt: plan.debtValue };
  const out: { lot: bigint; tab: bigint; debt: bigint; dirt: bigint }[] = [];
  for (let i = 0; i < n; i++) {
    const lot = plan.lots[i] ?? 0n;
    if (lot === 0n) {
      out.push({ lot: 0n, tab: 0n, debt: 0n, dirt: 0n });
      continue;
    }
    const sh = { lot, tab: left.tab, debt: left.debt, dirt: left.dirt };
    const cover = plan.covers[i] ?? 0n;
    if (i !== last && cover < left.lot) {
      sh.tab = mulDivDown(left.tab, cover, left.lot);
      sh.debt = mulDivDown(left.debt, cover, left.lot);
      sh.dirt = mulDivDown(left.dirt, cover, left.lot);
    }
    left.tab -= sh.tab;
    left.debt -= sh.debt;
    left.dirt -= sh.dirt;
    left.lot -= cover;
    out.push(sh);
  }
  return out;
}

/** A live auction as the risk engine tracks it (the fields of `ILiquidationEngine.Auction` a take reads). */
export interface AuctionState {
  lot: bigint; // [token]
  tab: bigint; // [wad] debt part + penalty part still owed
  debt: bigint; // [wad] debt part still to burn
  dirt: bigint; // [wad USD] counts against the caps
  decimals: bigint | number;
  dust: bigint; // [wad]
}

/** What one take does (LiquidationEngine._quote and _applyTake), or why it is refused. */
export type TakeQuote =
  | {
      collateral: bigint; // [token] bought, rounded down
      owe: bigint; // [wad] paid, rounded up
      burned: bigint; // [wad] debt part burned
      penalty: bigint; // [wad] to the treasury (with an excess over the tab below the dust)
      dirtCut: bigint; // [wad USD] debt value leaving the caps
      ended: boolean; // the tab is covered or the lot is gone
      writtenOff: bigint; // [wad] debt left when the lot ran out first: bad debt
      leftover: bigint; // [token] collateral back to the owner when the tab is covered
      toOwner: bigint; // [wad] synthetic credited to the owner: a covering take's excess over the tab, if >= dust / 1e6
    }
  | { refused: "TakeLeavesDust" | "ZeroTake" };

/** Mirrors a `take(auctionId, maxCollateral, price, …)` at the auction's current `price` [wad] (no callback). */
export function quoteTake(a: AuctionState, maxCollateral: bigint, price: bigint): TakeQuote {
  const unit = 10n ** BigInt(a.decimals);
  let collateral = maxCollateral < a.lot ? maxCollateral : a.lot;
  let owe = mulDivUp(collateral, price, unit);
  let toOwner = 0n; // [wad] synthetic credited to the owner: a one-unit sale above the tab
  if (owe >= a.tab) {
    // covers the tab: the smallest units that cover it, each at the price; an excess of at least a millionth of the
    // dust is the owner's, a smaller one goes with the penalty to the Treasury
    const needed = mulDivUp(a.tab, unit, price);
    if (needed < collateral) {
      collateral = needed;
      owe = mulDivUp(needed, price, unit);
    }
    const excess = owe - a.tab;
    if (excess * OWNER_EXCESS_DIVISOR >= a.dust) toOwner = excess;
  } else if (collateral < a.lot) {
    const lotValueLeft = mulDivDown(a.lot - collateral, price, unit);
    if (a.tab - owe < a.dust || lotValueLeft < a.dust) return { refused: "TakeLeavesDust" };
  }
  if (collateral === 0n && owe < a.tab) return { refused: "ZeroTake" };
  const toTab = owe - toOwner;
  const burned = toTab < a.debt ? toTab : a.debt;
  const penalty = toTab - burned;
  let dirtCut = burned === a.debt ? a.dirt : mulDivDown(a.dirt, burned, a.debt);
  const lot = a.lot - collateral;
  const tab = toTab >= a.tab ? 0n : a.tab - toTab;
  const debt = a.debt - burned;
  const ended = tab === 0n || lot === 0n;
  let writtenOff = 0n;
  let leftover = 0n;
  if (ended) {
    writtenOff = tab === 0n ? 0n : debt;
    leftover = lot;
    dirtCut = a.dirt; // the rest of the auction's dirt leaves with it
  }
  return { collateral, owe, burned, penalty, dirtCut, ended, writtenOff, leftover, toOwner };
}
