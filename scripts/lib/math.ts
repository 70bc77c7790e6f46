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

// ----------------------------------------------------------------------------------------------------------------
// Liquidation plan (LiquidationEngine._plan, AuctionMath.partialDebtValue): used by the risk engine
// ----------------------------------------------------------------------------------------------------------------

/** `LiquidationEngine.SEIZE_MARGIN_BPS`: the seized lot covers debt + penalty plus this margin at oracle prices. */
export const SEIZE_MARGIN_BPS = 500n;

/**
 * [wad] The debt value to liquidate so that the position ends at `target` health, rounded up, or MAX_UINT256 when no
 * partial liquidation reaches it (AuctionMath.partialDebtValue). `cv`, `ll`, `dv` [wad USD]; `extra` [wad USD] the
 * collateral leaving per `cv` of debt value beyond the debt itself (`seizeExtraUp`); `target` [wad].
 */
export function partialDebtValueUp(cv: bigint, ll: bigint, dv: bigint, extra: bigint, target: bigint): bigint {
  if (cv === 0n) return MAX_UINT256;
  const wanted = mulDivUp(target, dv, WAD);
  if (wanted <= ll) return 0n;
  const k = mulDivUp(mulDivUp(cv + extra, ll, cv), WAD, cv);
  if (k >= target) return MAX_UINT256;
  return mulDivUp(wanted - ll, WAD, target - k);
}

/** [wad USD] (cv + penaltyValue) × (1 + SEIZE_MARGIN_BPS) − cv, rounded up (LiquidationEngine._seizeExtra). */
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

/** One basket asset as `LiquidationEngine._plan` reads it: the health entry plus penalty and caps. */
export interface PlanAsset extends Omit<BasketEntry, "maxLtvBps"> {
  liqPenaltyBps: bigint;
  cap: bigint; // [wad USD] the engine's assetCap
  dirt: bigint; // [wad USD] the engine's assetDirt
}

/** Everything `planLiquidation` needs besides the basket. */
export interface PlanInput {
  basket: PlanAsset[];
  debt: bigint; // [wad] the position's whole debt (Vault.debtOf)
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
  fraction: bigint; // [wad] share of every basket amount seized
  debtValue: bigint; // [wad USD]
  full: boolean;
  capped: boolean;
  keeperPay: bigint; // [wad]
  health: bigint; // [wad] before the liquidation
  values: bigint[]; // [wad USD] each asset's value, rounded down
  cv: bigint; // [wad USD]
}

/** Why `planLiquidation` found nothing to do: the position is healthy, or no auction room is left. */
export type PlanRefusal =
  { refused: "PositionHealthy"; health: bigint } | { refused: "AuctionCapReached"; room: bigint; minRoom: bigint };

/**
 * Mirrors `LiquidationEngine._plan` (the figures `previewLiquidation` returns) to the wei: health as the Vault
 * computes it, the closed-form partial amount to the target health, the full-liquidation rules, the minimum debt,
 * the caps (global and per asset, attributed pro rata by value), the penalty, the seized fraction and keeper pay.
 */
export function planLiquidation(p: PlanInput): LiquidationPlanFigures | PlanRefusal {
  let cv = 0n;
  let ll = 0n;
  let penaltyValue = 0n;
  const values: bigint[] = [];
  for (const a of p.basket) {
    const v = valueDown(a.amount, a.price, a.decimals);
    values.push(v);
    cv += v;
    ll += mulDivDown(v, a.liqThresholdBps, BPS);
    penaltyValue += mulDivUp(v, a.liqPenaltyBps, BPS);
  }
  const dv = p.debt === 0n ? 0n : mulDivUp(p.debt, p.synthPrice, WAD);
  const health = dv === 0n ? MAX_UINT256 : mulDivDown(ll, WAD, dv);
  if (health >= WAD) return { refused: "PositionHealthy", health };

  let debt = p.debt;
  let full = health < p.fullLiquidationHealth;
  if (!full) {
    let d = partialDebtValueUp(cv, ll, dv, seizeExtraUp(cv, penaltyValue), p.targetHealth);
    if (d !== MAX_UINT256) {
      d = mulDivUp(d, WAD, p.synthPrice);
      if (d < p.minDebt) d = p.minDebt;
      if (d < debt && debt - d >= p.minDebt) debt = d;
    }
    full = debt === p.debt;
  }

  let capped = false;
  let debtValue = mulDivUp(debt, p.synthPrice, WAD);
  let room = p.globalCap > p.globalDirt ? p.globalCap - p.globalDirt : 0n;
  p.basket.forEach((a, i) => {
    const v = values[i] ?? 0n;
    if (v === 0n) return;
    const r = mulDivDown(a.cap > a.dirt ? a.cap - a.dirt : 0n, cv, v);
    if (r < room) room = r;
  });
  if (p.basket.length !== 0 && debtValue > room) {
    capped = true;
    full = false;
    debt = mulDivDown(room, WAD, p.synthPrice);
    if (p.debt - debt < p.minDebt) debt = p.debt > p.minDebt ? p.debt - p.minDebt : 0n;
    if (debt === 0n || debt < p.minDebt) {
      return { refused: "AuctionCapReached", room, minRoom: mulDivUp(p.minDebt, p.synthPrice, WAD) };
    }
    debtValue = mulDivUp(debt, p.synthPrice, WAD);
  }

  let penalty = 0n;
  let fraction: bigint;
  if (cv === 0n) {
    fraction = WAD;
  } else {
    penalty = mulDivUp(debt, penaltyValue, cv);
    const seizeValue = debtValue + mulDivUp(debtValue, seizeExtraUp(cv, penaltyValue), cv);
    fraction = mulDivUp(seizeValue, WAD, cv);
    if (fraction > WAD) fraction = WAD;
  }
  const keeperPay = keeperPayDown(p.keeper, debt, penalty);
  return { debt, penalty, fraction, debtValue, full, capped, keeperPay, health, values, cv };
}

/**
 * How `planLiquidation`'s debt, tab and dirt are split over the basket's auctions (LiquidationEngine._startAuctions):
 * pro rata by value, each share rounded down, the last valued asset taking the rest; the lot of each asset is
 * `amount × fraction` rounded up, capped at the amount. A share with no tab is credited back to the owner.
 * @return per basket asset: lot [token], tab [wad], debt [wad], dirt [wad USD].
 */
export function splitLiquidation(
  amounts: bigint[],
  values: bigint[],
  cv: bigint,
  plan: { debt: bigint; penalty: bigint; fraction: bigint; debtValue: bigint },
): { lot: bigint; tab: bigint; debt: bigint; dirt: bigint }[] {
  const n = amounts.length;
  const left = { tab: plan.debt + plan.penalty, debt: plan.debt, dirt: plan.debtValue };
  let valueLeft = cv;
  const out: { lot: bigint; tab: bigint; debt: bigint; dirt: bigint }[] = [];
  for (let i = 0; i < n; i++) {
    const amount = amounts[i] ?? 0n;
    let lot = mulDivUp(amount, plan.fraction, WAD);
    if (lot > amount) lot = amount;
    const sh = { lot, tab: left.tab, debt: left.debt, dirt: left.dirt };
    const v = values[i] ?? 0n;
    if (valueLeft === 0n ? i + 1 < n : v < valueLeft) {
      if (valueLeft === 0n) {
        sh.tab = 0n;
        sh.debt = 0n;
        sh.dirt = 0n;
      } else {
        sh.tab = mulDivDown(left.tab, v, valueLeft);
        sh.debt = mulDivDown(left.debt, v, valueLeft);
        sh.dirt = mulDivDown(left.dirt, v, valueLeft);
      }
    }
    left.tab -= sh.tab;
    left.debt -= sh.debt;
    left.dirt -= sh.dirt;
    valueLeft -= v;
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
      penalty: bigint; // [wad] to the treasury
      dirtCut: bigint; // [wad USD] debt value leaving the caps
      ended: boolean; // the tab is covered or the lot is gone
      writtenOff: bigint; // [wad] debt left when the lot ran out first: bad debt
      leftover: bigint; // [token] collateral back to the owner when the tab is covered
      toOwner: bigint; // [wad] synthetic credited to the owner when one unit of a coarse token sold above the tab
    }
  | { refused: "TakeLeavesDust" | "ZeroTake" };

/** Mirrors a `take(auctionId, maxCollateral, price, …)` at the auction's current `price` [wad] (no callback). */
export function quoteTake(a: AuctionState, maxCollateral: bigint, price: bigint): TakeQuote {
  const unit = 10n ** BigInt(a.decimals);
  let collateral = maxCollateral < a.lot ? maxCollateral : a.lot;
  let owe = mulDivUp(collateral, price, unit);
  let toOwner = 0n; // [wad] synthetic credited to the owner: a one-unit sale above the tab
  if (owe >= a.tab) {
    owe = a.tab;
    let bought = mulDivDown(owe, unit, price); // never more than asked: it can exceed the lot by < unit / price
    if (bought === 0n) {
      // one smallest unit is worth more than the tab: it sells at the price, the excess is the owner's
      bought = 1n;
      owe = mulDivUp(price, 1n, unit);
      toOwner = owe - a.tab;
    }
    if (bought < collateral) collateral = bought;
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
  const tab = a.tab - toTab;
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
