/**
 * The Router's step lists (contracts/periphery/Router.sol, `IRouter.Step`) and the one-transaction flows built from
 * them: `leverage`, `deleverage`, `repayWithCollateral` and `closeWithCollateral`, each with a preview of the position
 * it leaves (debt, collateral, health) and the amounts it moves. The preview applies the Vault's own rules through
 * ./math.ts (`growIndex`, `computeHealth`, `mulDivUp`/`mulDivDown` for the normalized debt), so at the block
 * timestamp it is computed for it matches the chain to the wei, for a venue that pays exactly what the caller states
 * (`Quote`: the mock venue's `quote` less its slippage, `mockVenueQuote`). No client library: bigint, and viem's ABI encoder for the steps' data.
 *
 * Units: `[token]` a token's own decimals, `[wad]` 1e18 (synthetic amounts, prices, health), `[ray]` 1e27, `[bps]` 1e4.
 */
import { encodeAbiParameters, parseAbiParameters } from "viem";
import type { Hex } from "./addresses.js";
import {
  BPS,
  type BasketEntry,
  type HealthFigures,
  MAX_UINT256,
  RAY,
  WAD,
  computeHealth,
  mulDivDown,
  mulDivUp,
} from "./math.js";
import { type Grant, PERMISSIONS } from "./permissions.js";

// ----------------------------------------------------------------------------------------------------------------
// Steps
// ----------------------------------------------------------------------------------------------------------------

/** `IRouter.Action`, in declaration order. */
export const Action = {
  Permit: 0,
  Permit2Permit: 1,
  Pull: 2,
  Permit2Pull: 3,
  Grant: 4,
  Open: 5,
  Deposit: 6,
  Withdraw: 7,
  Mint: 8,
  Repay: 9,
  RepayAndWithdraw: 10,
  Close: 11,
  Swap: 12,
  FlashMint: 13,
} as const;
/** A Router action's name. */
export type ActionName = keyof typeof Action;

/** `Router.BALANCE`: as a step's amount, the router's whole balance of the step's token at that moment. */
export const BALANCE = MAX_UINT256;

/** `IRouter.Step`. */
export interface Step {
  action: number;
  id: bigint;
  token: string;
  amount: bigint;
  tokenOut: string;
  limit: bigint;
  target: string;
  data: string;
}

const STEP_TUPLE =
  "(uint8 action,uint256 id,address token,uint256 amount,address tokenOut,uint256 limit,address target,bytes data)";
const GRANT_TUPLE = "(address owner,uint256 id,address manager,uint256 permissions,uint256 nonce,uint256 deadline)";
const PERMIT_SINGLE_TUPLE =
  "((address token,uint160 amount,uint48 expiration,uint48 nonce) details,address spender,uint256 sigDeadline)";
const ZeroAddress = "0x0000000000000000000000000000000000000000";

/** ABI-encodes `values` as the comma-separated parameter list `types` (e.g. "uint256,bytes"). */
function encode(types: string, values: readonly unknown[]): Hex {
  return encodeAbiParameters(parseAbiParameters(types), values as never);
}

/** A step of `action` with the given fields, the others zero. */
export function step(action: ActionName, fields: Partial<Omit<Step, "action">> = {}): Step {
  return {
    action: Action[action],
    id: 0n,
    token: ZeroAddress,
    amount: 0n,
    tokenOut: ZeroAddress,
    limit: 0n,
    target: ZeroAddress,
    data: "0x",
    ...fields,
  };
}

/** The ABI encoding of a list of steps (a `FlashMint` step's `data`). */
export function encodeSteps(steps: Step[]): string {
  return encode(`${STEP_TUPLE}[]`, [steps.map(stepTuple)]);
}

function stepTuple(s: Step): unknown[] {
  return [s.action, s.id, s.token, s.amount, s.tokenOut, s.limit, s.target, s.data];
}

/** `token.transferFrom(caller, router, amount)`. */
export const pullStep = (token: string, amount: bigint): Step => step("Pull", { token, amount });

/** An EIP-2612 permit of `amount` [token] from the caller to the router; `sig` from `Signature.from(...)`. */
export function permitStep(
  token: string,
  amount: bigint,
  deadline: bigint,
  sig: { v: number; r: string; s: string },
): Step {
  return step("Permit", {
    token,
    amount,
    data: encode("uint256,uint8,bytes32,bytes32", [deadline, sig.v, sig.r, sig.s]),
  });
}

/** Permit2 AllowanceTransfer `PermitSingle`. */
export interface PermitSingle {
  details: { token: string; amount: bigint; expiration: bigint; nonce: bigint };
  spender: string;
  sigDeadline: bigint;
}

/** The EIP-712 types of a Permit2 `PermitSingle` (domain: name "Permit2", chain id, the Permit2 address; no version). */
export const PERMIT_SINGLE_TYPES = {
  PermitSingle: [
    { name: "details", type: "PermitDetails" },
    { name: "spender", type: "address" },
    { name: "sigDeadline", type: "uint256" },
  ],
  PermitDetails: [
    { name: "token", type: "address" },
    { name: "amount", type: "uint160" },
    { name: "expiration", type: "uint48" },
    { name: "nonce", type: "uint48" },
  ],
};

/** A Permit2 permit the caller signed (owner = the caller, spender = the router). */
export function permit2PermitStep(permit: PermitSingle, signature: string): Step {
  const d = permit.details;
  return step("Permit2Permit", {
    token: d.token,
    amount: d.amount,
    data: encode(`${PERMIT_SINGLE_TUPLE},bytes`, [
      [[d.token, d.amount, d.expiration, d.nonce], permit.spender, permit.sigDeadline],
      signature,
    ]),
  });
}

/** Permit2 `transferFrom(caller, router, amount, token)`. */
export const permit2PullStep = (token: string, amount: bigint): Step => step("Permit2Pull", { token, amount });

/** `vault.setManagerWithPermit(grant, signature)` in the same call: the owner needs no transaction of their own. */
export function grantStep(grant: Grant, signature: string): Step {
  return step("Grant", {
    id: grant.id,
    data: encode(`${GRANT_TUPLE},bytes`, [
      [grant.owner, grant.id, grant.manager, grant.permissions, grant.nonce, grant.deadline],
      signature,
    ]),
  });
}

// ----------------------------------------------------------------------------------------------------------------
// Venue quotes
// ----------------------------------------------------------------------------------------------------------------

/** [token of tokenOut] What the venue pays for `amountIn` [token of tokenIn], as the caller states it. */
export type Quote = (amountIn: bigint) => bigint;

/**
 * `MockSwapVenue.quote` at oracle prices less `slippageBps`, floored as the mock floors it:
 * `floor(floor(amountIn × pIn × 10^decOut / (pOut × 10^decIn)) × (1e4 − slippage) / 1e4)`.
 * @param priceIn [wad] USD per whole tokenIn (WAD for a USD synthetic); @param priceOut likewise for tokenOut.
 */
export function mockVenueQuote(
  priceIn: bigint,
  decimalsIn: number | bigint,
  priceOut: bigint,
  decimalsOut: number | bigint,
  slippageBps: bigint,
): Quote {
  const unitIn = 10n ** BigInt(decimalsIn);
  const unitOut = 10n ** BigInt(decimalsOut);
  return (amountIn) => (((amountIn * priceIn * unitOut) / (priceOut * unitIn)) * (BPS - slippageBps)) / BPS;
}

/** [token] The least input for which `quote` pays at least `wanted`, by bisection (the quote only grows). */
export function minInputFor(quote: Quote, wanted: bigint): bigint {
  if (wanted === 0n) return 0n;
  let hi = 1n;
  while (quote(hi) < wanted) {
    hi *= 2n;
    if (hi > 2n ** 200n) throw new Error("minInputFor: the venue never pays that much");
  }
  let lo = hi / 2n;
  while (lo + 1n < hi) {
    const mid = (lo + hi) / 2n;
    if (quote(mid) >= wanted) hi = mid;
    else lo = mid;
  }
  return quote(lo) >= wanted && lo > 0n ? lo : hi;
}

// ----------------------------------------------------------------------------------------------------------------
// Position state
// ----------------------------------------------------------------------------------------------------------------

/** One basket asset as the preview reads it: the health entry plus its address. */
export interface FlowAsset extends BasketEntry {
  asset: string;
}

/**
 * Everything a flow's preview needs about a position and its synthetic, as of one block timestamp (a `PositionState`
 * of ./preview.ts, read by the client, is one).
 */
export interface FlowState {
  /** 0n for a position the flow opens. */
  id: bigint;
  synthetic: string;
  /** [wad] normalized debt. */
  normDebt: bigint;
  /** [ray] The rate index at `timestamp` (`rateIndexAt`). */
  index: bigint;
  /** [wad] USD per synthetic unit (WAD for a USD synthetic). */
  synthPrice: bigint;
  /** [wad] The synthetic's minimum debt. */
  minDebt: bigint;
  /** [bps] The synthetic's flash fee. */
  flashFeeBps: bigint;
  /** Every asset the flow may touch (the basket and the flow's collateral), `amount` the position's [token]. */
  basket: FlowAsset[];
}

/** The figures of a position state, by the Vault's rules (`computeHealth`). */
export function flowFigures(state: FlowState): HealthFigures {
  return computeHealth(
    state.basket.filter((a) => a.amount !== 0n),
    state.normDebt,
    state.index,
    state.synthPrice,
  );
}

/** [wad] The synthetic's flash fee on `amount` (SyntheticToken._flashFee: rounded up). */
export function flashFee(state: FlowState, amount: bigint): bigint {
  return mulDivUp(amount, state.flashFeeBps, BPS);
}

function withAmount(state: FlowState, asset: string, delta: bigint, normDebt = state.normDebt): FlowState {
  const basket = state.basket.map((a) => (same(a.asset, asset) ? { ...a, amount: a.amount + delta } : { ...a }));
  if (!basket.some((a) => same(a.asset, asset))) throw new Error(`preview: ${asset} is not in the state's assets`);
  return { ...state, basket, normDebt };
}

function amountOf(state: FlowState, asset: string): bigint {
  return state.basket.find((a) => same(a.asset, asset))?.amount ?? 0n;
}

function same(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** [wad] normalized debt after minting `amount` (Vault._mint: added rounded up). */
function afterMint(state: FlowState, amount: bigint): bigint {
  return state.normDebt + mulDivUp(amount, RAY, state.index);
}

/** Vault._repay: [repaid, normalized debt after]; throws where the Vault reverts DebtBelowMinimum. */
function afterRepay(state: FlowState, normDebt: bigint, amount: bigint): [bigint, bigint] {
  const debt = mulDivUp(normDebt, state.index, RAY);
  if (debt === 0n) return [0n, normDebt];
  if (amount >= debt) return [debt, 0n];
  const left = normDebt - mulDivDown(amount, RAY, state.index);
  const leftDebt = mulDivUp(left, state.index, RAY);
  if (leftDebt < state.minDebt) throw new Error(`preview: the debt left (${leftDebt} wad) is below the minimum`);
  return [amount, left];
}

// ----------------------------------------------------------------------------------------------------------------
// Flows
// ----------------------------------------------------------------------------------------------------------------

/** What every flow returns: the steps to `execute`, the position after, and the amounts moved. */
export interface FlowPreview {
  steps: Step[];
  /** The position after the call (amounts per asset [token], normalized debt [wad]). */
  after: FlowState;
  /** Its figures (`computeHealth`): debt [wad], collateral value, limits, health. */
  figures: HealthFigures;
  /** The position's figures before. */
  before: HealthFigures;
  /** The rights the router needs on an existing position (`Permissions` bits; 0 for a position it opens). */
  permissions: bigint;
  amounts: {
    /** [wad] flash-minted, and its fee. */
    flash: bigint;
    fee: bigint;
    /** [token] sold to the venue and bought from it (tokenIn / tokenOut per flow). */
    swapIn: bigint;
    swapOut: bigint;
    /** [token] collateral deposited (the caller's plus what was bought) or taken out. */
    deposited: bigint;
    withdrawn: bigint;
    /** [wad] minted, repaid. */
    minted: bigint;
    repaid: bigint;
    /** Returned to the caller at the end: [wad] synthetic, [token] collateral. */
    returnedSynthetic: bigint;
    returnedCollateral: bigint;
  };
}

/** The target of `leverage`: a share [bps] of the minting limit, or a health [wad]. */
export type LeverageTarget = { ltvBps: bigint } | { health: bigint };

/** What `leverage` needs: the position state, the collateral, the venue and its quote, the target. */
export interface LeverageParams {
  state: FlowState;
  /** The collateral asset deposited and bought. */
  asset: string;
  /** [token] The caller's own collateral added (pulled by `funding`, default a plain `Pull`). */
  deposit: bigint;
  target: LeverageTarget;
  /** What the venue pays in `asset` for synthetic (`Quote` over [wad] in). */
  quote: Quote;
  venue: string;
  /** The synthetic id, to open a new position when `state.id` is 0. */
  synthId: bigint;
  /** Steps that bring the caller's collateral to the router (permits, Permit2); default `[pullStep(asset, deposit)]`. */
  funding?: Step[];
}

/**
 * Opens or adds to a position with leverage: pull the caller's collateral, flash-mint X synthetic, swap it for
 * collateral, deposit everything, mint X + fee to repay the flash. X is the largest (found by bisection over the
 * exact rules) for which the position ends at most at the target: debt value ≤ ltvBps × minting limit, or
 * health ≥ target health; and within the minting limit.
 */
export function leverage(p: LeverageParams): FlowPreview {
  const { state, asset } = p;
  const before = flowFigures(state);
  const simulate = (x: bigint): { after: FlowState; figures: HealthFigures; bought: bigint; fee: bigint } => {
    const fee = flashFee(state, x);
    const bought = x === 0n ? 0n : p.quote(x);
    const deposited = withAmount(state, asset, p.deposit + bought);
    const after = { ...deposited, normDebt: x === 0n ? state.normDebt : afterMint(deposited, x + fee) };
    return { after, figures: flowFigures(after), bought, fee };
  };
  const ok = (x: bigint): boolean => {
    const { figures: f } = simulate(x);
    if (f.debtValue > f.mintLimit) return false;
    return "ltvBps" in p.target
      ? f.debtValue * BPS <= p.target.ltvBps * f.mintLimit
      : f.debtValue === 0n || f.liquidationLimit * WAD >= p.target.health * f.debtValue;
  };
  // an upper bound: the collateral's whole value, bought at the quote, cannot carry more than that much debt
  let hi = 1n;
  while (ok(hi) && hi < 2n ** 160n) hi *= 2n;
  let lo = 0n;
  while (lo + 1n < hi) {
    const mid = (lo + hi) / 2n;
    if (ok(mid)) lo = mid;
    else hi = mid;
  }
  const x = lo;
  if (x === 0n) throw new Error("leverage: the target leaves no room to borrow");
  const { after, figures, bought, fee } = simulate(x);
  if (figures.debt < state.minDebt) {
    throw new Error(`leverage: the debt it reaches (${figures.debt} wad) is below the minimum (${state.minDebt} wad)`);
  }
  const id = state.id;
  const inner = [
    step("Swap", { token: state.synthetic, amount: x, tokenOut: asset, limit: bought, target: p.venue }),
    step("Deposit", { id, token: asset, amount: BALANCE }),
    step("Mint", { id, token: state.synthetic, amount: x + fee }),
  ];
  const steps = [
    ...(p.funding ?? (p.deposit === 0n ? [] : [pullStep(asset, p.deposit)])),
    ...(id === 0n ? [step("Open", { id: p.synthId })] : []),
    step("FlashMint", { token: state.synthetic, amount: x, data: encodeSteps(inner) }),
  ];
  return {
    steps,
    after,
    figures,
    before,
    permissions: id === 0n ? 0n : PERMISSIONS.deposit | PERMISSIONS.mint,
    amounts: {
      flash: x,
      fee,
      swapIn: x,
      swapOut: bought,
      deposited: p.deposit + bought,
      withdrawn: 0n,
      minted: x + fee,
      repaid: 0n,
      returnedSynthetic: 0n,
      returnedCollateral: 0n,
    },
  };
}

/** What the repay-with-collateral flows need: the position state, the collateral sold, the venue and its quote. */
export interface CollateralRepayParams {
  state: FlowState;
  /** The collateral asset taken out and sold. */
  asset: string;
  /** What the venue pays in synthetic for the asset (`Quote` over [token] in, [wad] out). */
  quote: Quote;
  venue: string;
}

/**
 * The core of `repayWithCollateral` and `deleverage`: flash-mint `debt`, `repayAndWithdraw(debt, asset, w)` with w
 * the least collateral the venue turns into `debt` + fee, swap w back to the synthetic, repay the flash; what the swap
 * brought beyond that is repaid (`repayLeftover`) or returned. Throws where the Vault would revert (the minimum
 * debt, health lowered, the 10% bonus cap).
 */
function repayFromCollateral(p: CollateralRepayParams, debt: bigint, repayLeftover: boolean): FlowPreview {
  const { state, asset } = p;
  const before = flowFigures(state);
  const fee = flashFee(state, debt);
  const w = minInputFor(p.quote, debt + fee);
  if (w > amountOf(state, asset)) {
    throw new Error(`preview: repaying ${debt} wad takes ${w} of ${asset}, more than the position holds`);
  }
  const got = p.quote(w);
  const [repaid, norm1] = afterRepay(state, state.normDebt, debt);
  const mid = withAmount(state, asset, -w, norm1);
  const f0 = before;
  const f1 = flowFigures(mid);
  if (f1.liquidationLimit * f0.debtValue < f0.liquidationLimit * f1.debtValue) {
    throw new Error("preview: repayAndWithdraw would lower the health (HealthLowered)");
  }
  const max = mulDivDown(f0.debtValue - f1.debtValue, BPS + 1_000n, BPS);
  if (f0.collateralValue - f1.collateralValue > max) {
    throw new Error("preview: the collateral taken is worth more than the repaid debt + 10% (RepayBonusExceeded)");
  }
  const leftover = got - debt - fee + (debt - repaid);
  let after = mid;
  let extra = 0n;
  if (repayLeftover && leftover > 0n && norm1 !== 0n) {
    const [r2, norm2] = afterRepay(mid, norm1, leftover);
    after = { ...mid, normDebt: norm2 };
    extra = r2;
  }
  const id = state.id;
  const inner = [
    step("RepayAndWithdraw", { id, token: state.synthetic, amount: debt, tokenOut: asset, limit: w }),
    step("Swap", { token: asset, amount: w, tokenOut: state.synthetic, limit: got, target: p.venue }),
  ];
  const steps = [
    step("FlashMint", { token: state.synthetic, amount: debt, data: encodeSteps(inner) }),
    ...(repayLeftover ? [step("Repay", { id, token: state.synthetic, amount: BALANCE })] : []),
  ];
  return {
    steps,
    after,
    figures: flowFigures(after),
    before,
    permissions: PERMISSIONS.repayWithCollateral,
    amounts: {
      flash: debt,
      fee,
      swapIn: w,
      swapOut: got,
      deposited: 0n,
      withdrawn: w,
      minted: 0n,
      repaid: repaid + extra,
      returnedSynthetic: leftover - extra,
      returnedCollateral: 0n,
    },
  };
}

/** Repays `debt` [wad] of the position from its collateral `asset` (the swap's surplus goes back to the caller). */
export function repayWithCollateral(p: CollateralRepayParams & { debt: bigint }): FlowPreview {
  return repayFromCollateral(p, p.debt, false);
}

/**
 * Lowers the debt from the collateral until the position's health is at least `health` [wad], with the least flash amount
 * (bisection over the exact rules) whose result reaches it; the swap's surplus is repaid too.
 */
export function deleverage(p: CollateralRepayParams & { health: bigint }): FlowPreview {
  const debt = flowFigures(p.state).debt;
  const reaches = (x: bigint): FlowPreview | undefined => {
    try {
      const r = repayFromCollateral(p, x, true);
      return r.figures.health >= p.health ? r : undefined;
    } catch {
      return undefined;
    }
  };
  if (flowFigures(p.state).health >= p.health) throw new Error("deleverage: the position is already at that health");
  // the least repayment reaching the health: bracket it by doubling (a partial repayment leaves the minimum debt)
  const most = debt - p.state.minDebt;
  let lo = 0n;
  let hi = debt / 1_024n > 0n ? debt / 1_024n : 1n;
  while (reaches(hi) === undefined) {
    lo = hi;
    hi *= 2n;
    if (lo >= most) {
      throw new Error("deleverage: no partial repayment from this collateral reaches that health (close it instead)");
    }
    if (hi > most) hi = most;
  }
  while (lo + 1n < hi) {
    const mid = (lo + hi) / 2n;
    if (reaches(mid) !== undefined) hi = mid;
    else lo = mid;
  }
  return reaches(hi) as FlowPreview;
}

/**
 * Repays the whole debt from collateral `asset` and closes the position: flash-mint the debt (plus `bufferBps` of it,
 * for interest accrued before the transaction is mined), `close` it to the router (every basket asset comes back),
 * sell the least `asset` that covers the debt and the fee, repay the flash. Everything left, collateral and synthetic,
 * goes to the caller.
 */
export function closeWithCollateral(p: CollateralRepayParams & { bufferBps?: bigint }): FlowPreview {
  const { state, asset } = p;
  const before = flowFigures(state);
  const debt = before.debt;
  const flash = debt + mulDivUp(debt, p.bufferBps ?? 0n, BPS);
  const fee = flashFee(state, flash);
  // close burns the debt out of the flash; the swap must bring the debt (as buffered) and the fee back
  const w = minInputFor(p.quote, flash + fee);
  const held = amountOf(state, asset);
  if (w > held) throw new Error(`preview: closing takes ${w} of ${asset}, more than the position holds (${held})`);
  const got = p.quote(w);
  const after: FlowState = {
    ...state,
    normDebt: 0n,
    basket: state.basket.map((a) => ({ ...a, amount: 0n })),
  };
  const id = state.id;
  const inner = [
    step("Close", { id, token: state.synthetic }),
    step("Swap", { token: asset, amount: w, tokenOut: state.synthetic, limit: got, target: p.venue }),
  ];
  return {
    steps: [step("FlashMint", { token: state.synthetic, amount: flash, data: encodeSteps(inner) })],
    after,
    figures: flowFigures(after),
    before,
    permissions: PERMISSIONS.close,
    amounts: {
      flash,
      fee,
      swapIn: w,
      swapOut: got,
      deposited: 0n,
      withdrawn: held,
      minted: 0n,
      repaid: debt,
      returnedSynthetic: got - debt - fee,
      returnedCollateral: held - w,
    },
  };
}
