/**
 * Previews of the peg capabilities, pure functions of a state the client reads (`stabilityModuleState`,
 * `savingsState`): a StabilityModule swap in or out (contracts/StabilityModule.sol) and a SavingsToken deposit, mint,
 * withdrawal or redemption (contracts/SavingsToken.sol: OpenZeppelin's ERC-4626 with 10^9 virtual shares over a
 * linearly vesting stream). Every rounding is the contracts'.
 * And a face-value redemption against named positions (contracts/Redemptions.sol `redeem`, the Vault's `_take`).
 */
import type { Address } from "./addresses.js";
import { BPS, RAY, WAD, mulDivDown, mulDivUp, pegOpen } from "./math.js";
import { type PositionState, debtOf, figuresOf } from "./preview.js";

/** Why a contract would refuse: the custom error's name (the contract's, the Vault's or the token's) and arguments. */
export interface PegRefusal {
  error: string;
  args: readonly (bigint | string | boolean)[];
}

// ----------------------------------------------------------------------------------------------------------------
// StabilityModule
// ----------------------------------------------------------------------------------------------------------------

/** A StabilityModule's state as a swap mined now reads it (`createBallast(...).stabilityModuleState(module)`). */
export interface StabilityModuleState {
  module: Address;
  reserve: Address;
  reserveDecimals: number;
  /** [bps] */
  feeInBps: bigint;
  /** [bps] */
  feeOutBps: bigint;
  /** [bps] Half-width of the peg band. */
  bandBps: bigint;
  frozenIn: boolean;
  frozenOut: boolean;
  /**
   * [wad] The reserve's and the synthetic's oracle prices (the synthetic's is 1e18 for a USD synthetic), or
   * `undefined` with `failedAsset` and `failure` (`IOracleAdapter.PriceFailure`) when one is unavailable.
   */
  prices: { reserve: bigint; synthetic: bigint } | undefined;
  failedAsset?: Address;
  failure?: number;
  /** The Vault's module line: active, debt and ceiling [wad]. */
  active: boolean;
  /** [wad] */
  debt: bigint;
  /** [wad] */
  ceiling: bigint;
  /** [token] The reserve the module holds. */
  reserves: bigint;
  /** The Vault's pause and shutdown time [s] (0 while running). */
  paused: boolean;
  shutdownAt: bigint;
}

/** A swap in: `minted` [wad] to the receiver and `fee` [wad] to the Treasury, or the refusal. */
export interface SwapInPreview {
  ok: boolean;
  refusal?: PegRefusal;
  /** [wad] gross − fee. */
  minted: bigint;
  /** [wad] gross × feeInBps / 1e4, rounded up. */
  fee: bigint;
}

/** A swap out: `reserveOut` [token] to the receiver, `fee` [wad] to the Treasury, `burned` [wad], or the refusal. */
export interface SwapOutPreview {
  ok: boolean;
  refusal?: PegRefusal;
  /** [token] the net units at par, rounded down. */
  reserveOut: bigint;
  /** [wad] everything handed in that is not burned. */
  fee: bigint;
  /** [wad] the units `reserveOut` backs, rounded up (at most the net units). */
  burned: bigint;
}

/** The band's edges [wad]: 1 − band and 1 + band. */
function bandOf(s: StabilityModuleState): { low: bigint; high: bigint } {
  const band = s.bandBps * (WAD / BPS);
  return { low: WAD - band, high: WAD + band };
}

/**
 * `StabilityModule.swapIn(amount [token], minOut [wad], to)` mined against `s`: the gross units are
 * `amount × 1e18 / 10^decimals` rounded down (against the swapper), the fee `gross × feeInBps / 1e4` rounded up,
 * `minted = gross − fee`. Refusals in the contract's order: `SwapFrozen(true)`, `PegUnverified(asset, failure)`,
 * `ReserveOffPeg(ratio, low, high)` (ratio rounded down below 1 − band), `ZeroAmount`, `SlippageExceeded`, then the
 * Vault's `ModuleNotFound`, `SystemShutdown`, `Paused`, `ModuleCeilingExceeded(module, debt after, ceiling)`. The
 * reserve's transfer from the caller (balance, allowance) is not checked.
 */
export function previewSwapIn(s: StabilityModuleState, amount: bigint, minOut = 0n): SwapInPreview {
  const gross = mulDivDown(amount, WAD, 10n ** BigInt(s.reserveDecimals));
  const fee = mulDivUp(gross, s.feeInBps, BPS);
  const minted = gross - fee;
  const no = (error: string, ...args: (bigint | string | boolean)[]): SwapInPreview => ({
    ok: false,
    refusal: { error, args },
    minted,
    fee,
  });
  if (s.frozenIn) return no("SwapFrozen", true);
  const { low, high } = bandOf(s);
  if (s.prices === undefined) return no("PegUnverified", s.failedAsset ?? s.reserve, BigInt(s.failure ?? 0));
  if (!pegOpen(s.prices.reserve, s.prices.synthetic, s.bandBps).swapIn)
    return no("ReserveOffPeg", mulDivDown(s.prices.reserve, WAD, s.prices.synthetic), low, high);
  if (minted === 0n) return no("ZeroAmount");
  if (minted < minOut) return no("SlippageExceeded", minted, minOut);
  if (!s.active) return no("ModuleNotFound", s.module);
  if (s.shutdownAt !== 0n) return no("SystemShutdown", s.shutdownAt);
  if (s.paused) return no("Paused");
  const debt = s.debt + minted + fee;
  if (debt > s.ceiling) return no("ModuleCeilingExceeded", s.module, debt, s.ceiling);
  return { ok: true, minted, fee };
}

/**
 * `StabilityModule.swapOut(amount [wad], minOut [token], to)` mined against `s`: the net units are
 * `amount − ceil(amount × feeOutBps / 1e4)`, `reserveOut = net × 10^decimals / 1e18` rounded down, `burned` the units
 * that backs rounded up, `fee = amount − burned`. Refusals in the contract's order: `SwapFrozen(false)`,
 * `ReserveOffPeg(ratio, low, high)` (priced and the ratio, rounded up, above 1 + band; unpriced stays open),
 * `ZeroAmount`, `SlippageExceeded`, the Vault's `ModuleNotFound`, `SystemShutdown`,
 * `ExceedsModuleDebt(module, burned, debt)`, then the reserve token's `ERC20InsufficientBalance(module, reserves,
 * reserveOut)`. The synthetic's transfer from the caller (balance, allowance) is not checked.
 */
export function previewSwapOut(s: StabilityModuleState, amount: bigint, minOut = 0n): SwapOutPreview {
  const unit = 10n ** BigInt(s.reserveDecimals);
  const net = amount - mulDivUp(amount, s.feeOutBps, BPS);
  const reserveOut = mulDivDown(net, unit, WAD);
  const burned = mulDivUp(reserveOut, WAD, unit);
  const fee = amount - burned;
  const no = (error: string, ...args: (bigint | string | boolean)[]): SwapOutPreview => ({
    ok: false,
    refusal: { error, args },
    reserveOut,
    fee,
    burned,
  });
  if (s.frozenOut) return no("SwapFrozen", false);
  const { low, high } = bandOf(s);
  if (s.prices !== undefined && !pegOpen(s.prices.reserve, s.prices.synthetic, s.bandBps).swapOut)
    return no("ReserveOffPeg", mulDivUp(s.prices.reserve, WAD, s.prices.synthetic), low, high);
  if (reserveOut === 0n) return no("ZeroAmount");
  if (reserveOut < minOut) return no("SlippageExceeded", reserveOut, minOut);
  if (!s.active) return no("ModuleNotFound", s.module);
  if (s.shutdownAt !== 0n) return no("SystemShutdown", s.shutdownAt);
  if (burned > s.debt) return no("ExceedsModuleDebt", s.module, burned, s.debt);
  if (reserveOut > s.reserves) return no("ERC20InsufficientBalance", s.module, s.reserves, reserveOut);
  return { ok: true, reserveOut, fee, burned };
}

// ----------------------------------------------------------------------------------------------------------------
// SavingsToken
// ----------------------------------------------------------------------------------------------------------------

/** `SavingsToken.DECIMALS_OFFSET`: each conversion counts 10^9 virtual shares and 1 virtual token. */
export const SAVINGS_VIRTUAL_SHARES = 10n ** 9n;

/**
 * A SavingsToken's books as stored (`createBallast(...).savingsState(savings)`): what `_sync` brings to the block
 * timestamp of the transaction, so one state previews a transaction mined at any later timestamp while no other
 * transaction touches the token.
 */
export interface SavingsState {
  savings: Address;
  /** [token] `accountedAssets()`: deposits − withdrawals + vested distributions, as of `lastUpdate`. */
  accounted: bigint;
  /** [token] The stream's unvested amount as of `lastUpdate`. */
  unvested: bigint;
  /** [s] */
  lastUpdate: bigint;
  /** [s] When the last of `unvested` vests. */
  end: bigint;
  /** [share] */
  totalSupply: bigint;
  /** [share] Below this supply nothing vests (the stream waits). */
  minVestingShares: bigint;
  /** [share] The share balance of `owner` (for the withdrawal limits), when read for one. */
  owner?: Address;
  ownerShares?: bigint;
}

/**
 * [token] `SavingsToken.totalAssets()` in a block with timestamp `at` [s], as the transaction's `_sync` books it:
 * `accounted` plus the part of the stream vested since `lastUpdate`, linear and rounded down, all of it from `end`
 * on; nothing while fewer than `minVestingShares` are out.
 */
export function savingsTotalAssetsAt(s: SavingsState, at: bigint): bigint {
  if (s.totalSupply < s.minVestingShares || s.unvested === 0n) return s.accounted;
  if (at >= s.end) return s.accounted + s.unvested;
  return s.accounted + (s.unvested * (at - s.lastUpdate)) / (s.end - s.lastUpdate);
}

/** A savings preview: the other side of the conversion, or the ERC-4626 limit the token would refuse with. */
export interface SavingsPreview {
  ok: boolean;
  refusal?: PegRefusal;
  /** [token] for `mint`, `redeem`; [share] for `deposit`, `withdraw`. */
  amount: bigint;
}

function convert(s: SavingsState, at: bigint, x: bigint, toShares: boolean, up: boolean): bigint {
  const assets = savingsTotalAssetsAt(s, at) + 1n;
  const shares = s.totalSupply + SAVINGS_VIRTUAL_SHARES;
  const [num, den] = toShares ? [shares, assets] : [assets, shares];
  return up ? mulDivUp(x, num, den) : mulDivDown(x, num, den);
}

/**
 * [share] `deposit(assets [token], receiver)` mined at `at` [s]: `assets × (supply + 10^9) / (totalAssets + 1)`,
 * rounded down (against the depositor). The asset's transfer (balance, allowance) is not checked.
 */
export function previewSavingsDeposit(s: SavingsState, assets: bigint, at: bigint): SavingsPreview {
  return { ok: true, amount: convert(s, at, assets, true, false) };
}

/** [token] `mint(shares, receiver)` mined at `at` [s]: the assets it pulls, rounded up (against the minter). */
export function previewSavingsMint(s: SavingsState, shares: bigint, at: bigint): SavingsPreview {
  return { ok: true, amount: convert(s, at, shares, false, true) };
}

/** The owner's share balance, or the refusal of a state read without one. */
function ownerShares(s: SavingsState): bigint {
  if (s.ownerShares === undefined) throw new Error("savings preview: the state was read without an owner");
  return s.ownerShares;
}

/**
 * [share] `withdraw(assets [token], receiver, owner)` mined at `at` [s] by the owner: the shares it burns, rounded up.
 * Refused with `ERC4626ExceededMaxWithdraw(owner, assets, max)` beyond `max`, the owner's shares in assets rounded
 * down. Needs a state read for the owner.
 */
export function previewSavingsWithdraw(s: SavingsState, assets: bigint, at: bigint): SavingsPreview {
  const max = convert(s, at, ownerShares(s), false, false);
  const amount = convert(s, at, assets, true, true);
  if (assets > max)
    return { ok: false, refusal: { error: "ERC4626ExceededMaxWithdraw", args: [s.owner ?? "", assets, max] }, amount };
  return { ok: true, amount };
}

/**
 * [token] `redeem(shares, receiver, owner)` mined at `at` [s] by the owner: the assets it pays, rounded down.
 * Refused with `ERC4626ExceededMaxRedeem(owner, shares, max)` beyond the owner's shares. Needs a state read for the
 * owner.
 */
export function previewSavingsRedeem(s: SavingsState, shares: bigint, at: bigint): SavingsPreview {
  const max = ownerShares(s);
  const amount = convert(s, at, shares, false, false);
  if (shares > max)
    return { ok: false, refusal: { error: "ERC4626ExceededMaxRedeem", args: [s.owner ?? "", shares, max] }, amount };
  return { ok: true, amount };
}

// ----------------------------------------------------------------------------------------------------------------
// Redemptions
// ----------------------------------------------------------------------------------------------------------------

/** `IRedemptions.Params` of one synthetic (redeemableHealth 0: redemptions off). */
export interface RedemptionParams {
  /** [wad] Positions below this health (and at least 1.0) may be redeemed against. */
  redeemableHealth: bigint;
  /** [bps] */
  minFeeBps: bigint;
  /** [bps] */
  maxFeeBps: bigint;
  /** [s] */
  halfLife: bigint;
}

/**
 * What a redemption reads (`createBallast(...).redemptionState(synthId, ids, { at })`): the parameters, the fee's
 * volume base as stored, the supply it is measured against, and the named positions brought to `at`.
 */
export interface RedemptionState {
  synthId: bigint;
  params: RedemptionParams;
  /** [wad] The volume base as of `lastUpdate` (a fraction of 1e18). */
  base: bigint;
  /** [s] */
  lastUpdate: bigint;
  /** [wad] The synthetic's supply without flash-minted units. */
  supply: bigint;
  /** The named positions, in the order `redeem` is given them, each at the redemption's timestamp. */
  positions: PositionState[];
}

/** [wad] `Redemptions._decayed`: the base at `at` [s], halved every half-life, linearly in between (rounded down). */
export function redemptionBaseAt(st: Pick<RedemptionState, "base" | "lastUpdate" | "params">, at: bigint): bigint {
  let b = st.base;
  const dt = at - st.lastUpdate;
  const h = st.params.halfLife;
  if (b === 0n || dt <= 0n || h === 0n) return b;
  const halvings = dt / h;
  if (halvings >= 128n) return 0n;
  b >>= halvings;
  return b - (b * (dt % h)) / (2n * h);
}

/** [wad] `Redemptions._raise`: the base after redeeming `amount` [wad] of `supply`, + amount / supply / 2 rounded up. */
function raise(decayed: bigint, amount: bigint, supply: bigint): bigint {
  const b = decayed + (supply === 0n ? WAD : mulDivUp(amount, WAD, 2n * supply));
  return b > WAD ? WAD : b;
}

/**
 * [bps] The fee of redeeming `amount` [wad] at `at` [s] (`Redemptions.feeFor`): `min(maxFee, minFee + base after it
 * × 1e4)`, the base's part rounded up.
 */
export function redemptionFeeBps(st: RedemptionState, amount: bigint, at: bigint): bigint {
  const fee = st.params.minFeeBps + mulDivUp(raise(redemptionBaseAt(st, at), amount, st.supply), BPS, WAD);
  return fee > st.params.maxFeeBps ? st.params.maxFeeBps : fee;
}

/** `IRedemptions.Skip`: why `redeem` passes over a named position. */
export type RedemptionSkip =
  "OtherSynthetic" | "NoDebt" | "Unpriced" | "Liquidatable" | "HealthyEnough" | "MinimumDebt";

/** One named position's part of a redemption. */
export interface RedemptionTake {
  id: bigint;
  /** [wad] The debt burned (0: skipped for `skip`, or not reached). */
  debt: bigint;
  /** [token] The collateral sent, per basket asset (only assets the position holds). */
  lots: { asset: Address; amount: bigint }[];
  skip?: RedemptionSkip;
}

/** A redemption's preview: the fee, what it burns and takes per position, or the refusal. */
export interface RedemptionPreview {
  ok: boolean;
  refusal?: PegRefusal;
  /** [bps] */
  feeBps: bigint;
  /** [wad] The units burned; the rest of `amount` goes back to the caller. */
  redeemed: bigint;
  takes: RedemptionTake[];
}

/**
 * `Redemptions.redeem(synthId, amount [wad], ids, maxFeeBps, to)` mined at `at` [s] (the state's positions read for
 * `at`): the fee for `amount`, then each named position in turn: skipped unless it owes this synthetic, is priced and
 * its health (oracle prices, liquidation thresholds, rounded down) is in [1.0, redeemableHealth); it gives
 * `min(left, debt)` (less, or nothing, rather than leave less than the minimum debt) and, of each basket asset, its
 * amount × (debt × synthetic price, rounded down, × (1e4 − fee) / 1e4, rounded down) / the basket's value, rounded
 * down. Refusals: `RedemptionsOff`, `ZeroAmount`, `FeeAboveMax(fee, max)`, the Vault's `DebtBelowMinimum` (the debt
 * left, rounded up from the normalized debt), `NothingRedeemed`. The caller's balance is not checked. Assets are
 * valued at `price` as read: an attested asset's attested price is not what `Redemptions` reads.
 */
export function previewRedeem(st: RedemptionState, amount: bigint, at: bigint, maxFeeBps = BPS): RedemptionPreview {
  const takes: RedemptionTake[] = [];
  const no = (feeBps: bigint, error: string, ...args: bigint[]): RedemptionPreview => ({
    ok: false,
    refusal: { error, args },
    feeBps,
    redeemed: 0n,
    takes,
  });
  if (st.params.redeemableHealth === 0n) return no(0n, "RedemptionsOff", st.synthId);
  if (amount === 0n) return no(0n, "ZeroAmount");
  const feeBps = redemptionFeeBps(st, amount, at);
  if (feeBps > maxFeeBps) return no(feeBps, "FeeAboveMax", feeBps, maxFeeBps);
  let left = amount;
  for (const p of st.positions) {
    if (left === 0n) break;
    const skip = (why: RedemptionSkip) => takes.push({ id: p.id, debt: 0n, lots: [], skip: why });
    if (p.synthId !== st.synthId || p.owner === "0x0000000000000000000000000000000000000000") {
      skip("OtherSynthetic");
      continue;
    }
    const owed = debtOf(p);
    const held = p.basket.filter((a) => a.amount !== 0n);
    if (owed === 0n) {
      skip("NoDebt");
      continue;
    }
    const { health } = figuresOf(p);
    if (health < WAD) {
      skip("Liquidatable");
      continue;
    }
    if (health >= st.params.redeemableHealth) {
      skip("HealthyEnough");
      continue;
    }
    let debt = left < owed ? left : owed;
    const rest = owed - debt;
    if (rest !== 0n && rest < p.minDebt) debt = owed > p.minDebt ? owed - p.minDebt : 0n;
    if (debt === 0n) {
      skip("MinimumDebt");
      continue;
    }
    // Vault._take: the normalized debt removed rounded down, the debt left rounded up
    const removed = debt === owed ? p.normDebt : mulDivDown(debt, RAY, p.index);
    const leftDebt = mulDivUp(p.normDebt - removed, p.index, RAY);
    if (leftDebt !== 0n && leftDebt < p.minDebt) return no(feeBps, "DebtBelowMinimum", p.id, leftDebt, p.minDebt);
    const take = mulDivDown(mulDivDown(debt, p.synthPrice, WAD), BPS - feeBps, BPS);
    const values = held.map((a) => mulDivDown(a.amount, a.price, 10n ** BigInt(a.decimals)));
    const basket = values.reduce((x, y) => x + y, 0n);
    takes.push({
      id: p.id,
      debt,
      lots: held.map((a) => ({ asset: a.asset, amount: mulDivDown(a.amount, take, basket) })),
    });
    left -= debt;
  }
  const redeemed = amount - left;
  if (redeemed === 0n) return no(feeBps, "NothingRedeemed");
  return { ok: true, feeBps, redeemed, takes };
}
