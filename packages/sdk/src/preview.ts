/**
 * Previews computed in TypeScript from a position's state with the protocol's one math (./math.ts): the health,
 * limits and debt after any list of deposits, withdrawals, mints and repayments (`previewActions`), the most that can
 * be minted or withdrawn (`maxMint`, `maxWithdraw`), each asset's liquidation price (`liquidationPricesOf`), the cost
 * of a take against the oracle price (`previewTake`) and a pre-liquidation's quote (`previewPreLiquidation`). Each
 * mirrors the Vault's rules (contracts/Vault.sol `batch`, `_mint`, `_repay`, `_withdraw`, `_checkMintLimit`;
 * libraries/Valuation.sol; DebtMath.sol) at the block timestamp the state was read for, so test/sdk.previews.test.ts
 * checks them against the chain to the wei.
 *
 * What a preview does not see: the caller's rights over the position (previews assume the owner or a manager with the
 * right), the caller's token balances and allowances, a wrapped or real-world asset's proof-of-reserve check on
 * deposit, and price changes after the state was read (prices are the oracle's at the block read).
 *
 * Units: `[token]` a token's own decimals, `[wad]` 1e18 (synthetic amounts, USD values, prices, health), `[ray]` 1e27
 * (rate index), `[bps]` 1e4, `[s]` seconds.
 */
import type { Address } from "./addresses.js";
import {
  BPS,
  type AuctionState,
  type CurveParams,
  type HealthFigures,
  MAX_UINT256,
  type PreLiquidationPolicy,
  type PreLiquidationQuote,
  RAY,
  type TakeQuote,
  WAD,
  auctionPriceUp,
  computeHealth,
  growIndex,
  liquidationPrices,
  mulDivDown,
  mulDivUp,
  quotePreLiquidation,
  quoteTake,
  startPricesUp,
  valueDown,
} from "./math.js";

/** `VaultStorage.MAX_BASKET`: the most assets one position may hold. */
export const MAX_BASKET = 8;

/** One collateral asset of a position's state: its amount in the position and the Vault's terms for it. */
export interface AssetState {
  asset: Address;
  decimals: number;
  /** [token] held by the position. */
  amount: bigint;
  /** [wad] USD per whole token, as the Vault values it (0: an attested asset written down). */
  price: bigint;
  /** [bps] The loan-to-value in force (0 for an attested asset whose attestation lapsed). */
  maxLtvBps: bigint;
  /** [bps] The liquidation threshold in force at the state's timestamp (a running ramp's value, rounded up). */
  liqThresholdBps: bigint;
  /** The asset is listed in the Vault. */
  listed: boolean;
  /** Frozen: no deposit. */
  frozen: boolean;
  /** Paused: no mint or withdrawal from a position with debt that holds it. */
  paused: boolean;
  /** [token] The Vault's total of the asset (every position's). */
  total: bigint;
  /** [token] The supply cap (`supplyCap` × 10^decimals, at most the 120-bit total). */
  cap: bigint;
}

/** A position and its synthetic as of one block timestamp: everything a preview needs. */
export interface PositionState {
  /** The position id (0n: a position not opened yet). */
  id: bigint;
  owner: Address;
  synthId: bigint;
  /** The synthetic's token. */
  synthetic: Address;
  /** [s] The block timestamp the state is for: the previews hold for a transaction mined at it. */
  timestamp: bigint;
  /** [wad] The position's normalized debt. */
  normDebt: bigint;
  /** [ray] The synthetic's rate index at `timestamp`, as the Vault will book it (DebtMath.indexAt, rounded up). */
  index: bigint;
  /** [wad] USD per synthetic unit (WAD for a USD synthetic). */
  synthPrice: bigint;
  /** [wad] The synthetic's minimum debt per position. */
  minDebt: bigint;
  /** [wad] The synthetic's debt ceiling. */
  debtCeiling: bigint;
  /** [wad] The synthetic's total normalized debt. */
  totalNormDebt: bigint;
  /** False while the Vault is paused or shut down (no mint, no withdrawal with debt). */
  running: boolean;
  /** [bps] The synthetic's flash-mint fee (the Router's flows preview it: ./router.ts `flashFee`). */
  flashFeeBps: bigint;
  /** The position's basket, and any other asset a preview may deposit (amount 0). */
  basket: AssetState[];
}

/** One action of a preview, as `Vault.batch` runs it on the position (`Op.Deposit` … `Op.Repay`). */
export type Operation =
  | { op: "deposit"; asset: Address; amount: bigint }
  | { op: "withdraw"; asset: Address; amount: bigint }
  | { op: "mint"; amount: bigint }
  /** `amount` at least the debt (e.g. MAX_UINT256) repays exactly the debt. */
  | { op: "repay"; amount: bigint };

/** Why the Vault would refuse an operation: the custom error's name and its arguments. */
export interface PreviewFailure {
  /** Index of the operation that fails, or -1 for the check at the end of the batch. */
  index: number;
  /** The Vault's custom error (`MintLimitExceeded`, `InsufficientCollateral`, `DebtBelowMinimum`, …). */
  error: string;
  args: readonly (bigint | string)[];
}

/** What a list of operations leaves. */
export interface ActionsPreview {
  /** Whether the Vault would accept the whole list. */
  ok: boolean;
  failure?: PreviewFailure;
  /** The position after (amounts [token], normalized debt [wad]); up to the failing operation when `ok` is false. */
  after: PositionState;
  /** Its figures (as `PositionLens.healthOf` will return them at `timestamp`): debt, collateral value, limits, health. */
  figures: HealthFigures;
  /** [wad] What each repay burns (0 for other operations). */
  repaid: bigint[];
}

function same(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** The position's figures (`PositionLens.healthOf` at the state's timestamp): `computeHealth` over its basket. */
export function figuresOf(state: PositionState): HealthFigures {
  return computeHealth(
    state.basket.filter((a) => a.amount !== 0n),
    state.normDebt,
    state.index,
    state.synthPrice,
  );
}

/** [wad] The position's debt at the state's timestamp: normalized debt × index, rounded up. */
export function debtOf(state: PositionState): bigint {
  return mulDivUp(state.normDebt, state.index, RAY);
}

/** [ray] The index `Vault._accrue` books at `timestamp` [s] (DebtMath.indexAt): `rateIndex` grown at `ratePerSecond`. */
export function rateIndexAt(rateIndex: bigint, ratePerSecond: bigint, lastAccrual: bigint, timestamp: bigint): bigint {
  return lastAccrual >= timestamp ? rateIndex : growIndex(rateIndex, ratePerSecond, timestamp - lastAccrual);
}

/** [bps] A threshold ramp's value at `now` [s] (Valuation.rampedAt): linear from `fromBps` to `target`, rounded up. */
export function rampedThreshold(
  target: bigint,
  ramp: { fromBps: bigint; start: bigint; end: bigint },
  now: bigint,
): bigint {
  if (now >= ramp.end) return target;
  const drop = (ramp.fromBps - target) * (ramp.end - now);
  return target + mulDivUp(drop, 1n, ramp.end - ramp.start);
}

/**
 * Runs `ops` on the position as one `Vault.batch` mined at `state.timestamp` (`mode: "batch"`, the default: the
 * minting limit is checked once, at the end, when a withdrawal or mint touched the position), or as separate
 * transactions mined at that same timestamp (`mode: "calls"`: checked after each withdrawal and mint). Every
 * operation follows the Vault's rounding: a mint adds normalized debt rounded up (against the minter), a repay removes
 * it rounded down (against the payer), values and limits round down, debt and its value round up. The first check
 * the Vault would fail on is reported (`ok: false`, `failure`) with the state up to it.
 */
export function previewActions(
  state: PositionState,
  ops: readonly Operation[],
  opts: { mode?: "batch" | "calls" } = {},
): ActionsPreview {
  const mode = opts.mode ?? "batch";
  const s: PositionState = { ...state, basket: state.basket.map((a) => ({ ...a })) };
  const repaid: bigint[] = [];
  let touched = false;
  const fail = (index: number, error: string, ...args: (bigint | string)[]): ActionsPreview => ({
    ok: false,
    failure: { index, error, args },
    after: s,
    figures: figuresOf(s),
    repaid,
  });
  for (let i = 0; i < ops.length; i++) {
    const o = ops[i] as Operation;
    repaid.push(0n);
    if (o.amount === 0n) return fail(i, "ZeroAmount");
    if (o.op === "deposit" || o.op === "withdraw") {
      const a = s.basket.find((x) => same(x.asset, o.asset));
      if (a === undefined)
        throw new Error(`previewActions: ${o.asset} is not in the state's assets: read it with them`);
      if (!a.listed) return fail(i, "AssetNotListed", a.asset);
      if (o.op === "deposit") {
        if (a.frozen) return fail(i, "AssetFrozen", a.asset);
        if (a.total + o.amount > a.cap) return fail(i, "SupplyCapExceeded", a.asset, a.total + o.amount, a.cap);
        if (a.amount === 0n && s.basket.filter((x) => x.amount !== 0n).length >= MAX_BASKET) {
          return fail(i, "BasketFull", s.id, BigInt(MAX_BASKET));
        }
        a.amount += o.amount;
        a.total += o.amount;
      } else {
        if (o.amount > a.amount) return fail(i, "InsufficientCollateral", s.id, a.asset, o.amount, a.amount);
        a.amount -= o.amount;
        a.total -= o.amount;
        touched = true;
      }
    } else if (o.op === "mint") {
      const added = mulDivUp(o.amount, RAY, s.index); // DebtMath.toNormUp
      s.normDebt += added;
      s.totalNormDebt += added;
      const totalDebt = mulDivUp(s.totalNormDebt, s.index, RAY);
      if (totalDebt > s.debtCeiling) return fail(i, "DebtCeilingExceeded", s.synthId, totalDebt, s.debtCeiling);
      const debt = debtOf(s);
      if (debt < s.minDebt) return fail(i, "DebtBelowMinimum", s.id, debt, s.minDebt);
      touched = true;
    } else {
      const debt = debtOf(s);
      if (debt !== 0n) {
        let removed: bigint;
        if (o.amount >= debt) {
          removed = s.normDebt;
          repaid[i] = debt;
        } else {
          removed = mulDivDown(o.amount, RAY, s.index); // DebtMath.toNormDown
          const left = mulDivUp(s.normDebt - removed, s.index, RAY);
          if (left < s.minDebt) return fail(i, "DebtBelowMinimum", s.id, left, s.minDebt);
          repaid[i] = o.amount;
        }
        s.normDebt -= removed;
        s.totalNormDebt -= removed;
      }
    }
    if (mode === "calls" && (o.op === "withdraw" || o.op === "mint")) {
      const refused = mintLimitRefusal(s);
      if (refused !== undefined) return fail(i, refused.error, ...refused.args);
    }
  }
  if (mode === "batch" && touched) {
    const refused = mintLimitRefusal(s);
    if (refused !== undefined) return fail(-1, refused.error, ...refused.args);
  }
  return { ok: true, after: s, figures: figuresOf(s), repaid };
}

/** `Vault._checkMintLimit`: nothing without debt; else the system runs, no held asset is paused, debt value ≤ limit. */
function mintLimitRefusal(s: PositionState): { error: string; args: (bigint | string)[] } | undefined {
  if (s.normDebt === 0n) return undefined;
  if (!s.running) return { error: "Paused", args: [] };
  const paused = s.basket.find((a) => a.amount !== 0n && a.paused);
  if (paused !== undefined) return { error: "AssetPaused", args: [paused.asset] };
  const f = figuresOf(s);
  if (f.debtValue > f.mintLimit) return { error: "MintLimitExceeded", args: [s.id, f.debtValue, f.mintLimit] };
  return undefined;
}

/** The largest `x` in [0, hi] with `ok(x)`, for `ok` true at 0 and monotone (true up to a point, false beyond). */
function largest(hi: bigint, ok: (x: bigint) => boolean): bigint {
  if (ok(hi)) return hi;
  let lo = 0n;
  while (lo + 1n < hi) {
    const mid = (lo + hi) / 2n;
    if (ok(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}

/**
 * [wad] The most the position can mint at `state.timestamp`: the largest amount whose `mint` passes the minting
 * limit (debt value rounded up ≤ minting limit rounded down), the debt ceiling and the minimum debt; one wei more
 * fails. 0n when no mint passes (no room, or the room is below the minimum debt).
 */
export function maxMint(state: PositionState): bigint {
  const f = figuresOf(state);
  if (f.mintLimit <= f.debtValue) return 0n;
  // the room in synthetic units, rounded up, plus one: an upper bound the search narrows to the wei
  const hi = mulDivUp(f.mintLimit - f.debtValue, WAD, state.synthPrice) + 1n;
  const ok = (x: bigint): boolean => x === 0n || previewActions(state, [{ op: "mint", amount: x }]).ok;
  const best = largest(hi, ok);
  return best;
}

/**
 * [token] The most of `asset` the position can withdraw at `state.timestamp`: all of it without debt, else the
 * largest amount after which the debt value stays within the minting limit; one unit more fails. 0n when nothing can
 * leave (no room, a paused asset in the basket, the system paused).
 */
export function maxWithdraw(state: PositionState, asset: Address): bigint {
  const a = state.basket.find((x) => same(x.asset, asset));
  if (a === undefined || a.amount === 0n) return 0n;
  const ok = (x: bigint): boolean => x === 0n || previewActions(state, [{ op: "withdraw", asset, amount: x }]).ok;
  return largest(a.amount, ok);
}

/**
 * [wad] Each basket asset's liquidation price at the state (`liquidationPrices` in ./math.ts): the asset's USD price,
 * every other price unchanged, at which health reaches 1.0, rounded down; `undefined` where no price of that asset
 * alone makes the position liquidatable. `tracksDebt` names the asset whose price the synthetic follows (bETH: WETH).
 */
export function liquidationPricesOf(
  state: PositionState,
  tracksDebt?: Address,
): { asset: Address; liquidationPrice: { price: bigint; rising: boolean } | undefined }[] {
  const held = state.basket.filter((a) => a.amount !== 0n);
  const f = figuresOf(state);
  const prices = liquidationPrices(
    held.map((a) => ({ ...a, tracksDebt: tracksDebt !== undefined && same(a.asset, tracksDebt) })),
    f.debt,
    f.debtValue,
  );
  return held.map((a, i) => ({ asset: a.asset, liquidationPrice: prices[i] }));
}

/** A live auction as `LiquidationEngine.auction(id)` returns it, and the engine's price curve. */
export interface AuctionView extends AuctionState {
  auctionId: bigint;
  asset: Address;
  synthId: bigint;
  /** [s] Start or last reset. */
  startTime: bigint;
  /** [wad] Oracle price at the (re)start, synthetic per whole token. */
  market: bigint;
  /** [wad] Start price and floor (`startPricesUp`). */
  top: bigint;
  floor: bigint;
}

/** The engine's auction rules (`ILiquidationEngine.AuctionParams`). */
export interface AuctionRules extends CurveParams {
  startBufferBps: bigint;
  resetBelowBps: bigint;
  /** [s] Age beyond which the auction needs a reset. */
  maxDuration: bigint;
}

/** A take's preview: the price, what it buys and pays, and its cost against the oracle. */
export type TakePreview =
  | (Extract<TakeQuote, { collateral: bigint }> & {
      /** [wad] The auction's price at the timestamp, synthetic per whole token. */
      price: bigint;
      /** [wad] The oracle's price now, synthetic per whole token (`LiquidationEngine._marketPrice`, rounded down). */
      oraclePrice: bigint;
      /** [wad] What the collateral bought is worth at the oracle price, in synthetic, rounded down. */
      oracleValue: bigint;
      /** [wad] `oracleValue − owe`: the taker's gain against the oracle (negative: paying above it). */
      gain: bigint;
      /** [bps] The price's discount to the oracle price, rounded down (negative: a premium). */
      discountBps: bigint;
    })
  | { refused: "AuctionNeedsReset" | "TakeLeavesDust" | "ZeroTake" | "PriceAboveMax"; price: bigint };

/**
 * What `take(auctionId, maxCollateral, maxPrice, …)` mined at `timestamp` [s] buys and pays (LiquidationEngine._quote
 * and _applyTake): the curve's price at the auction's age (rounded up), collateral rounded down and the payment rounded
 * up; and its cost against the oracle: `assetPrice` [wad USD per whole token] over `synthPrice` [wad USD per
 * synthetic unit], rounded down, as the engine prices the market.
 */
export function previewTake(
  auction: AuctionView,
  rules: AuctionRules,
  timestamp: bigint,
  maxCollateral: bigint,
  prices: { assetPrice: bigint; synthPrice: bigint },
  maxPrice: bigint = MAX_UINT256,
): TakePreview {
  const elapsed = timestamp - auction.startTime;
  const { top, floor } = startPricesUp(auction, rules.startBufferBps, rules.resetBelowBps);
  const price = auctionPriceUp(top, elapsed, rules);
  if (elapsed > rules.maxDuration || price < floor) return { refused: "AuctionNeedsReset", price };
  if (price > maxPrice) return { refused: "PriceAboveMax", price };
  const q = quoteTake(auction, maxCollateral, price);
  if ("refused" in q) return { refused: q.refused, price };
  const oraclePrice = mulDivDown(prices.assetPrice, WAD, prices.synthPrice);
  const oracleValue = valueDown(q.collateral, oraclePrice, auction.decimals);
  const discountBps = oraclePrice === 0n ? 0n : ((oraclePrice - price) * BPS) / oraclePrice;
  return { ...q, price, oraclePrice, oracleValue, gain: oracleValue - q.owe, discountBps };
}

/**
 * A pre-liquidation of the position (`PreLiquidation.quote`): the health by the engine's rule (liquidation limit over
 * debt value, rounded down), then `quotePreLiquidation` for `repay` [wad] taken in `asset`. `left` [wad] is what this
 * block's earlier pre-liquidations left of the close factor (undefined in a fresh block).
 */
export function previewPreLiquidation(
  state: PositionState,
  policy: PreLiquidationPolicy,
  asset: Address,
  repay: bigint,
  left?: bigint,
): PreLiquidationQuote {
  const f = figuresOf(state);
  const a = state.basket.find((x) => same(x.asset, asset));
  return quotePreLiquidation(
    policy,
    f.health,
    f.debt,
    state.synthPrice,
    { price: a?.price ?? 0n, decimals: a?.decimals ?? 18, held: a?.amount ?? 0n },
    repay,
    left,
  );
}
