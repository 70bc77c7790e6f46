/**
 * The sentences of Ballast's custom errors: one entry per error name (`ERRORS`), each turning the decoded arguments
 * into ONE line that says what happened, in human units, and what to do. The SDK's error decoder (`decodeError`) and
 * the repository's tools (sdk/errors.ts, for ethers failures) both use this one table; test/errors.test.ts keeps it
 * complete against the deployable contracts' ABIs.
 *
 * Units: `[token]` a token's own decimals, `[wad]` 1e18 (USD values, synthetic amounts, prices), `[bps]` 1e4.
 */
import { formatAmount, formatBps, formatHealth, formatUsd, formatWad } from "./format.js";
import { describePermissions } from "./permissions.js";

// ----------------------------------------------------------------------------------------------------------------
// Context
// ----------------------------------------------------------------------------------------------------------------

export interface AssetInfo {
  address: string;
  symbol: string;
  decimals: number;
}

/** The Vault's raw getters the sentences read (any TypeChain Vault or IVault). */
export interface VaultReader {
  /** The connection the Vault was built with (a TypeChain contract's `runner`); unused by the SDK's own helpers. */
  readonly runner?: unknown;
  nextPositionId(): Promise<bigint>;
  positionOf(id: bigint): Promise<{ owner: string; synthId: bigint }>;
  assetConfig(asset: string): Promise<{ decimals: bigint; total: bigint }>;
}

/** The derived views the sentences read (any TypeChain PositionLens or IPositionLens). */
export interface LensReader {
  healthOf(id: bigint): Promise<{ debt: bigint; debtValue: bigint; mintLimit: bigint }>;
  synthetic(synthId: bigint): Promise<{ token: string; totalDebt: bigint }>;
}

/** Stands in for a missing lens: every read fails, so the sentence leaves the figure out. */
const NO_LENS: LensReader = {
  healthOf: () => Promise.reject(new Error("no PositionLens given")),
  synthetic: () => Promise.reject(new Error("no PositionLens given")),
};

/** What the sentences may use to put figures in human units and to name the command that fixes the problem. */
export interface ErrorContext {
  /** Known collateral assets (address, symbol, decimals); others are read from the Vault and the token. */
  assets?: readonly AssetInfo[];
  /** Known synthetics; others are read from the Vault. */
  synthetics?: readonly { synthId: bigint; symbol: string }[];
  /** The Vault, for facts an error does not carry (the owner of a position, its debt and limits now). */
  vault?: VaultReader;
  /** The deployment's PositionLens, for derived figures (a position's debt and limits now, a synthetic's total). */
  lens?: LensReader;
  /** The network name, for the commands the sentences suggest (`--network <name>`). */
  network?: string;
  /** The acting account as the user gave it (`--from`), kept in suggested commands. */
  from?: string;
  /** The acting account's address. */
  account?: string;
}

/** The helpers an entry of `ERRORS` works with. */
export interface Helpers {
  ctx: ErrorContext;
  /** `amount` [token] of `asset` in its units: "0.345 WETH". */
  tokens(asset: string, amount: bigint): Promise<string>;
  /** The symbol of `asset`. */
  symbol(asset: string): Promise<string>;
  /** The symbol of synthetic `synthId`. */
  synth(synthId: bigint): Promise<string>;
  /** The symbol of position `id`'s synthetic. */
  synthOfPosition(id: bigint): Promise<string>;
  /** The owner of position `id`, or undefined when it cannot be read. */
  owner(id: bigint): Promise<string | undefined>;
  /** A suggested command, e.g. cmd("repay 1 max") = "`npx hardhat ballast repay 1 max --network localhost`". */
  cmd(task: string): string;
  /** Reads views through the Vault and its lens; undefined when there is no Vault or a read fails. */
  read<T>(f: (vault: VaultReader, lens: LensReader) => Promise<T>): Promise<T | undefined>;
}

const seconds = (s: bigint): string =>
  s >= 7_200n ? `${formatAmount((s * 10n) / 3_600n, 1, 1)} h` : s >= 120n ? `${s / 60n} min` : `${s} s`;
const date = (s: bigint): string => new Date(Number(s) * 1000).toISOString().replace(".000Z", "Z");
const short = (a: string): string => (a.length > 12 ? `${a.slice(0, 8)}…${a.slice(-4)}` : a);

/** Why a price failed, by `IOracleAdapter.PriceFailure` code: the phrase every message and `explainPrice` use. */
export const PRICE_FAILURES = [
  "no failure",
  "no feed is configured for it",
  "its feed reverted or returned malformed data",
  "its feed answered zero or less",
  "its feed's answer is stale",
  "its feed sits at its minimum answer",
  "its feed sits at its maximum answer",
  "its second feed failed",
  "its two feeds disagree by more than the allowed deviation",
  "the L2 sequencer is down",
  "the L2 sequencer came back up less than the grace period ago",
  "its exchange rate could not be read",
  "its exchange rate fell under the source's floor (a drop too large to be believed)",
  "governance wrote it down: it is worth nothing",
];
const ASSET_PARAM_FIELDS = [
  "the liquidation threshold is 0 or above 98%",
  "the max LTV is above the liquidation threshold",
  "the liquidation penalty is above 25%",
  "threshold × (1 + penalty) is above 100%",
];
const SYNTH_PARAM_FIELDS = [
  "the token's vault() is not this Vault",
  "the rate model is the zero address",
  "the minimum debt is above the debt ceiling",
];
const ENGINE_PARAMS = [
  "targetHealth",
  "fullLiquidationHealth",
  "startBufferBps",
  "resetBelowBps",
  "duration",
  "step",
  "cutBps",
  "maxDuration",
  "tip",
  "chipBps",
  "maxPay",
  "synthId",
  "globalCap",
  "assetCap",
  "asset",
];
/** What a `Panic(uint256)` code means. */
export const PANICS: Record<number, string> = {
  0x01: "an assertion failed",
  0x11: "an arithmetic overflow or underflow",
  0x12: "a division by zero",
  0x21: "an invalid enum value",
  0x31: "a pop from an empty array",
  0x32: "an array index out of bounds",
  0x41: "an out-of-memory allocation",
  0x51: "a call to an uninitialized function",
};

/** The advice for a failure that should not happen. */
export const BUG = "this is a bug or a misconfiguration of the deployment: report it with the command you ran";
const GOVERNANCE = "only governance may do this, through the AccessManager (docs/governance.md)";

/** `IInstrumentVault.Kind`, by index, as the sentences name it. */
const INSTRUMENT_KINDS = ["call", "put", "binary up", "binary down"];

/** `IInstrumentVault.RoundFailure`, by index: why a round cannot settle a series. */
const ROUND_FAILURES = [
  "the feed has no such round",
  "the round is on the wrong side of expiry (at or after it for `settle`, before it for the fallback)",
  "the previous round given does not sit right before it",
  "it is not the first round at or after expiry (or, for the fallback, the last one before it)",
  "it is further from expiry than the feed's maximum age",
  "its answer is not positive or sits at the feed's minimum or maximum",
  "the round after it settles the series by the primary rule: use `settle`",
];

/** "the long side of series #3" for ERC-6909 id `id` of the InstrumentVault (`seriesId << 1 | short`). */
const seriesSide = (id: bigint): string => `the ${(id & 1n) === 1n ? "short" : "long"} side of series #${id >> 1n}`;

/** A decoded error's arguments by name. */
export type ErrorArgs = Record<string, bigint | string | boolean>;
type Args = ErrorArgs;
/** One sentence: the arguments and the helpers in, the line out. */
export type ErrorEntry = (a: Args, h: Helpers) => string | Promise<string>;
type Entry = ErrorEntry;
const n = (a: Args, k: string): bigint => BigInt((a[k] as bigint | undefined) ?? 0n);
const s = (a: Args, k: string): string => String(a[k] ?? "");

// ----------------------------------------------------------------------------------------------------------------
// The sentences: one per custom error of the deployable contracts (test/errors.test.ts keeps this complete)
// ----------------------------------------------------------------------------------------------------------------

/** The sentence of each custom error, by name. */
export const ERRORS: Record<string, Entry> = {
  // --- Router, pre-liquidation, venues -------------------------------------------------------------------------
  DeadlineExpired: (a) =>
    `the Router call's deadline (${new Date(Number(n(a, "deadline")) * 1000).toISOString()}) passed before it was mined: ` +
    `preview and send again`,
  NoSteps: () => "the Router was given no step: build a flow with sdk/router.ts",
  NotPositionOwner: (a) =>
    `position #${n(a, "id")} belongs to ${s(a, "owner")}, not to ${s(a, "caller")}: the Router acts only on the caller's ` +
    `own positions; send from the owner's account`,
  NoPositionOpened: () =>
    "a Router step names position 0 (the one opened in this call) before any Open step: put the Open step first",
  PermitFailed: async (a, h) =>
    `the permit of ${await h.symbol(s(a, "token"))} failed and the Router may spend only ` +
    `${await h.tokens(s(a, "token"), n(a, "allowance"))} of the ${await h.tokens(s(a, "token"), n(a, "amount"))} the step needs: ` +
    `sign a new permit (its nonce or deadline may be stale) or approve the Router`,
  Permit2PermitFailed: async (a, h) =>
    `the Permit2 permit of ${await h.symbol(s(a, "token"))} failed and Permit2 lets the Router spend ` +
    `${await h.tokens(s(a, "token"), n(a, "allowance"))} (until ${new Date(Number(n(a, "expiration")) * 1000).toISOString()}), ` +
    `less than ${await h.tokens(s(a, "token"), n(a, "amount"))}: sign a new permit with the current Permit2 nonce`,
  WrongSpender: (a) => `the Permit2 permit names ${s(a, "spender")} as spender, not the Router: sign it for the Router`,
  GrantNotCaller: (a) =>
    `the signed grant is ${s(a, "owner")}'s, but the Router call is ${s(a, "caller")}'s: the owner sends the flow that ` +
    `carries their own grant`,
  SwapBelowMinimum: async (a, h) =>
    `the swap through ${short(s(a, "venue"))} brought ${await h.tokens(s(a, "tokenOut"), n(a, "received"))}, less than ` +
    `the ${await h.tokens(s(a, "tokenOut"), n(a, "minOut"))} previewed: the venue's price moved; preview again`,
  MintedTokenMismatch: (a) =>
    `a Router Mint step names ${s(a, "token")}, which is not the position's synthetic: name the synthetic`,
  UntrustedFlash: () => "the Router refused a flash-loan callback it did not start: only its own flash mints run steps",
  FlashNotCovered: (a) =>
    `the Router's flash mint ends holding ${formatWad(n(a, "balance"))} of the synthetic, less than the ` +
    `${formatWad(n(a, "owed"))} (amount and fee) it owes: the flow's swap or mint fell short; preview again`,
  InvalidAmount: (a) =>
    `the amount ${n(a, "amount")} is not allowed here: give a flash mint a number (not the whole-balance marker), ` +
    `and a Permit2 pull at most 2^160 - 1`,
  OutsideBand: (a) =>
    `position #${n(a, "id")} has health ${formatHealth(n(a, "health"))}, outside the pre-liquidation band ` +
    `[1.000, ${formatHealth(n(a, "upper"))}): above it nothing applies, below 1 the liquidation engine takes over`,
  AssetNotInBasket: async (a, h) =>
    `position #${n(a, "id")} holds no ${await h.symbol(s(a, "asset"))}: take an asset of its basket`,
  SeizeExceedsCollateral: async (a, h) =>
    `the pre-liquidation would take ${await h.tokens(s(a, "asset"), n(a, "seized"))} and position #${n(a, "id")} holds ` +
    `${await h.tokens(s(a, "asset"), n(a, "held"))}: repay less or take another asset of the basket`,
  SeizedBelowMinimum: (a) =>
    `the pre-liquidation of #${n(a, "id")} would pay ${n(a, "seized")} units of collateral, under the minimum of ` +
    `${n(a, "minSeized")} asked: prices moved; quote again`,
  NothingToRepay: (a) =>
    `this block's pre-liquidations of #${n(a, "id")} already repaid its close factor: try again in the next block`,
  InvalidVenueParams: (a) =>
    `the venue's router ${s(a, "swapRouter")} or fee tier ${n(a, "fee")} is not valid: deploy it with the DEX's ` +
    `SwapRouter and a fee tier its pools use (100, 500, 3000 or 10000)`,
  VenueBelowMinimum: async (a, h) =>
    `the DEX swap brought ${await h.tokens(s(a, "tokenOut"), n(a, "received"))}, under the minimum ` +
    `${await h.tokens(s(a, "tokenOut"), n(a, "minOut"))}: the pool's price moved; quote again`,
  // --- InstrumentVault: options and binaries ---------------------------------------------------------------------
  UnderlyingNotEnabled: async (a, h) =>
    `${await h.symbol(s(a, "asset"))} is not an underlying of the InstrumentVault (not enabled, or the oracle has no ` +
    `Chainlink feed for it): write series on an enabled one (\`series list\` shows them), or have governance enable it`,
  CollateralNotAllowed: async (a, h) =>
    `${await h.symbol(s(a, "asset"))} cannot back a ${INSTRUMENT_KINDS[Number(n(a, "kind"))] ?? "series"}: a call ` +
    `locks its underlying, a put or a binary a listed USD quote asset (USDC, bUSD): pick that collateral`,
  InvalidExpiry: (a) =>
    `the expiry ${date(n(a, "expiry"))} is not after now (${date(n(a, "nowTimestamp"))}) and within two years of it: ` +
    `give a later expiry (e.g. --expiry +7d)`,
  InvalidStrike: (a) => `the strike ${n(a, "strike")} is zero or too large: give a strike in USD above zero`,
  UnknownSeries: (a) => `series #${n(a, "seriesId")} does not exist: \`series list\` shows the series`,
  SeriesExpired: (a) =>
    `series #${n(a, "seriesId")} expired at ${date(n(a, "expiry"))}: it can no longer be written or burned in pairs; ` +
    `settle it, then redeem`,
  NotExpired: (a, h) =>
    `series #${n(a, "seriesId")} expires at ${date(n(a, "expiry"))}: it cannot be settled before; ` +
    `run ${h.cmd(`series settle ${n(a, "seriesId")}`)} after that`,
  AlreadySettled: (a, h) =>
    `series #${n(a, "seriesId")} already has its price: redeem after the dispute window with ` +
    `${h.cmd(`series redeem ${n(a, "seriesId")}`)}`,
  NotRedeemable: (a, h) =>
    n(a, "opensAt") === 0n
      ? `series #${n(a, "seriesId")} has no settlement price yet: settle it first with ` +
        `${h.cmd(`series settle ${n(a, "seriesId")}`)}`
      : `series #${n(a, "seriesId")} is in its dispute window until ${date(n(a, "opensAt"))}: redeem after that`,
  SeriesFull: (a) => `series #${n(a, "seriesId")} holds the most units a series may (2^128): write fewer units`,
  BadRound: (a) =>
    `round ${n(a, "roundId")} cannot settle series #${n(a, "seriesId")}: ` +
    `${ROUND_FAILURES[Number(n(a, "reason"))] ?? "it is refused"}; let \`series settle\` find the round`,
  TooEarly: (a) =>
    `that settlement path of series #${n(a, "seriesId")} opens at ${date(n(a, "opensAt"))}: until then only a round ` +
    `at or after expiry can settle it; try again after that`,
  CorrectionClosed: (a) =>
    `the dispute window of series #${n(a, "seriesId")} closed at ${date(n(a, "closedAt"))} (or the series is void): ` +
    `its price is final; redeem`,
  CorrectionTooLarge: (a) =>
    `a correction of series #${n(a, "seriesId")} to ${formatUsd(n(a, "price"))} moves it more than the allowed ` +
    `maximum away from the round's ${formatUsd(n(a, "oraclePrice"))}: correct it by less`,
  InvalidSettlementParams: () =>
    "settlement parameters out of bounds: a dispute window of 10 minutes to 7 days, a correction of at most 500 bps, " +
    "and 0 < fallbackDelay < voidDelay <= 365 days",
  UnsupportedDecimals: (a) =>
    `the token ${s(a, "token")} has ${n(a, "decimals")} decimals, more than 36: it cannot back a series; pick another`,
  ERC6909InsufficientBalance: (a) =>
    `${short(s(a, "sender"))} holds ${formatWad(n(a, "balance"))} units of ${seriesSide(n(a, "id"))}, less than the ` +
    `${formatWad(n(a, "needed"))} asked for: use at most that`,
  ERC6909InsufficientAllowance: (a) =>
    `${short(s(a, "spender"))} may move ${formatWad(n(a, "allowance"))} units of ${seriesSide(n(a, "id"))}, less than ` +
    `the ${formatWad(n(a, "needed"))} asked for: have the owner approve more or appoint it operator`,
  ERC6909InvalidApprover: (a) => `${s(a, "approver")} cannot approve: give a non-zero owner`,
  ERC6909InvalidReceiver: (a) => `${s(a, "receiver")} cannot receive series tokens: give a non-zero recipient`,
  ERC6909InvalidSender: (a) => `${s(a, "sender")} cannot send series tokens: give a non-zero sender`,
  ERC6909InvalidSpender: (a) => `${s(a, "spender")} cannot be approved: give a non-zero spender`,
  // --- Vault: positions ---------------------------------------------------------------------------------------
  PositionNotFound: async (a, h) => {
    const next = await h.read((v) => v.nextPositionId());
    return (
      `position #${n(a, "id")} does not exist` +
      (next === undefined ? "" : next > 1n ? ` (ids run from 1 to ${next - 1n})` : " (no position is open yet)") +
      `: check the id, or open one with ${h.cmd("open <synth>")}`
    );
  },
  NotOwner: (a) =>
    `${short(s(a, "caller"))} is not the owner of position #${n(a, "id")} (the owner is ${s(a, "owner")}): ` +
    `only the owner may transfer it or appoint managers; act as the owner (--from <owner>)`,
  NotAuthorized: async (a, h) => {
    const id = n(a, "id");
    const owner = await h.owner(id);
    return (
      `${s(a, "caller")} is neither the owner${owner === undefined ? "" : ` (${owner})`} nor a manager of position ` +
      `#${id} holding the ${describePermissions(n(a, "permission"))} right: act as the owner (--from <owner>), or ` +
      `have the owner grant this account that right (ballast manager grant, or Vault.setManager)`
    );
  },
  InvalidPermissions: (a) =>
    `permissions ${n(a, "permissions")} has a bit no right defines: combine deposit (1), withdraw (2), mint (4), ` +
    `close (8) and repayWithCollateral (16), at most 31 (all)`,
  GrantExpired: (a) =>
    `the signed grant expired at ${new Date(Number(n(a, "deadline")) * 1000).toISOString()} (the chain's time is ` +
    `${new Date(Number(n(a, "timestamp")) * 1000).toISOString()}): have the owner sign a new one with a later deadline`,
  InvalidGrantNonce: (a) =>
    `the signed grant carries nonce ${n(a, "nonce")}, but ${s(a, "owner")}'s next grant nonce is ${n(a, "expected")} ` +
    `(a grant applies once, and revokeSignedGrants uses the nonce up): have the owner sign again with the current nonce`,
  InvalidGrantSignature: (a) =>
    `the grant for position #${n(a, "id")} is not signed by its owner ${s(a, "owner")} on this chain and Vault (or ` +
    `that account no longer owns it): sign with the owner's key, for this network's Vault`,
  HealthLowered: (a) =>
    `repaying with collateral would lower the position's health from ` +
    `${formatHealth(n(a, "debtBefore") === 0n ? 2n ** 256n - 1n : (n(a, "limitBefore") * 10n ** 18n) / n(a, "debtBefore"))} to ` +
    `${formatHealth(n(a, "debtAfter") === 0n ? 2n ** 256n - 1n : (n(a, "limitAfter") * 10n ** 18n) / n(a, "debtAfter"))}: ` +
    `take less collateral, or collateral that counts less towards the liquidation limit, for the debt repaid`,
  RepayBonusExceeded: (a) =>
    `the collateral taken is worth ${formatUsd(n(a, "value"))}, more than the ${formatUsd(n(a, "max"))} a repay with ` +
    `collateral may take for the debt it repays (its value plus 10%): take less collateral or repay more`,
  AssetNotListed: async (a, h) =>
    `${await h.symbol(s(a, "asset"))} is not listed as collateral: use one of the deployment's assets ` +
    `(\`ballast health\` and the manifest list them)`,
  AssetAlreadyListed: async (a, h) =>
    `${await h.symbol(s(a, "asset"))} is already listed: change its parameters with Vault.setAssetParams instead`,
  AssetFrozen: async (a, h) =>
    `${await h.symbol(s(a, "asset"))} is frozen by governance: no new deposits of it; deposit another asset`,
  TooManyAssets: (a) =>
    `the Vault already lists ${n(a, "listed")} assets, its maximum of ${n(a, "max")}: no further asset can be listed`,
  BasketFull: (a, h) =>
    `position #${n(a, "id")} already holds ${n(a, "max")} different assets, the most a basket may hold: deposit more ` +
    `of an asset it holds, or open another position with ${h.cmd("open <synth>")}`,
  SyntheticNotFound: (a) =>
    `synthetic id ${n(a, "synthId")} does not exist: use a synthetic of the deployment (bUSD, bETH, ... in the manifest)`,
  SyntheticAlreadyAdded: (a) =>
    `the synthetic token ${s(a, "token")} is already added: change it with Vault.setSyntheticParams`,
  TooManySynthetics: (a) =>
    `the Vault already has ${n(a, "count")} synthetics, its maximum of ${n(a, "max")}: no further one can be added`,
  ZeroAmount: () => "the amount is zero: give an amount above zero",
  ZeroAddress: () => "an address given is the zero address: give a real account or contract address",
  InsufficientCollateral: async (a, h) =>
    `position #${n(a, "id")} holds ${await h.tokens(s(a, "asset"), n(a, "available"))}, less than the ` +
    `${await h.tokens(s(a, "asset"), n(a, "requested"))} asked for: withdraw at most that, or "max"`,
  SupplyCapExceeded: async (a, h) => {
    const asset = s(a, "asset");
    const cap = n(a, "cap");
    const total = n(a, "totalAfter");
    const room = await h.read(async (v) => cap - (await v.assetConfig(asset)).total);
    return (
      `the deposit would take the Vault's ${await h.symbol(asset)} to ${await h.tokens(asset, total)}, over its ` +
      `supply cap of ${await h.tokens(asset, cap)}: deposit at most ` +
      `${room === undefined || room < 0n ? "the room left under the cap" : await h.tokens(asset, room)}, or another asset`
    );
  },
  DebtCeilingExceeded: async (a, h) => {
    const id = n(a, "synthId");
    const sym = await h.synth(id);
    const ceiling = n(a, "ceiling");
    const room = await h.read(async (_v, lens) => ceiling - (await lens.synthetic(id)).totalDebt);
    return (
      `the ${sym} debt of all positions would reach ${formatWad(n(a, "totalDebtAfter"))}, over the debt ceiling of ` +
      `${formatWad(ceiling)} ${sym}: mint at most ` +
      `${room === undefined || room < 0n ? "what is left under the ceiling" : `${formatWad(room)} ${sym}`}, or wait ` +
      `for repayments`
    );
  },
  DebtBelowMinimum: async (a, h) => {
    const id = n(a, "id");
    const sym = await h.synthOfPosition(id);
    const min = n(a, "minDebt");
    return (
      `position #${id} would owe ${formatWad(n(a, "debtAfter"))} ${sym}, below the minimum debt of ${formatWad(min)} ` +
      `${sym}: borrow at least ${formatWad(min)} ${sym}, or repay everything (${h.cmd(`repay ${id} max`)})`
    );
  },
  AmountTooLarge: (a) =>
    `the amount ${n(a, "amount")} is above the largest the Vault stores (${n(a, "max")} smallest units): give a smaller amount`,
  MintLimitExceeded: async (a, h) => {
    const id = n(a, "id");
    const sym = await h.synthOfPosition(id);
    const limit = n(a, "mintLimit");
    const head = `position #${id}'s debt would be worth ${formatUsd(n(a, "debtValue"))}, over its minting limit of ${formatUsd(limit)}`;
    if (limit === 0n) return `${head}: deposit collateral first (${h.cmd(`deposit ${id} <token> <units>`)})`;
    const room = await h.read(async (_v, lens) => {
      const now = await lens.healthOf(id);
      if (now.mintLimit <= now.debtValue) return 0n;
      const free = now.mintLimit - now.debtValue; // [wad USD]
      // in synthetic units at the price the Vault uses (debt value / debt, or 1 without debt for a USD synthetic)
      return now.debt === 0n ? undefined : (free * now.debt) / now.debtValue;
    });
    if (room === 0n) return `${head}: you can mint nothing more against it; deposit collateral first`;
    return (
      `${head}: you can mint at most ${room === undefined ? `${formatUsd(limit)} worth of ${sym}` : `${formatWad(room)} ${sym}`}` +
      ` against it, or deposit collateral first (${h.cmd(`deposit ${id} <token> <units>`)})`
    );
  },
  TransferAmountMismatch: async (a, h) => {
    const token = s(a, "asset") === "" ? s(a, "token") : s(a, "asset");
    return (
      `the Vault, a stability module or the InstrumentVault received ${await h.tokens(token, n(a, "received"))} ` +
      `instead of ${await h.tokens(token, n(a, "expected"))}: the token takes a fee on transfer and cannot be ` +
      `collateral or a reserve`
    );
  },
  InvalidAssetParams: async (a, h) =>
    `invalid parameters for ${await h.symbol(s(a, "asset"))}: ${ASSET_PARAM_FIELDS[Number(n(a, "field"))] ?? "a bound"}` +
    ` (docs/governance.md lists the bounds): fix the config and retry`,
  InvalidSyntheticParams: (a) =>
    `invalid synthetic parameters: ${SYNTH_PARAM_FIELDS[Number(n(a, "field"))] ?? "a bound"}: fix the config and retry`,
  InvalidTokenDecimals: async (a) =>
    `the token ${s(a, "token")} has ${n(a, "decimals")} decimals; the Vault takes at most 36: it cannot be listed`,
  RateModelStarved: (a) =>
    `the rate model ran out of gas (${n(a, "gasLeft")} left): the transaction had too little gas; retry with a ` +
    `higher gas margin (BALLAST_GAS_MARGIN_BPS)`,
  EmptyBatch: () => "the batch has no step: give at least one action",
  CallerNotLiquidationEngine: (a) =>
    `${s(a, "caller")} is not the liquidation engine: only the engine may call this; ${BUG}`,
  CallerNotTreasury: (a) => `${s(a, "caller")} is not the Treasury: only the Treasury may call this; ${BUG}`,
  NotDelegated: () =>
    "an admin module was called directly: send governance calls to the Vault or the engine, which check the caller and run the module",
  InvalidSeize: async (a, h) =>
    (s(a, "asset") === "0x0000000000000000000000000000000000000000"
      ? `the engine asked to move an impossible debt (${formatWad(n(a, "amount"))}) out of position #${n(a, "id")}`
      : `the engine asked to seize ${await h.tokens(s(a, "asset"), n(a, "amount"))} from position #${n(a, "id")}, ` +
        `more than it holds or without a price`) + `: ${BUG}`,
  ExceedsAuctionDebt: async (a, h) =>
    `${formatWad(n(a, "amount"))} ${await h.synth(n(a, "synthId"))} is more than the debt in auction ` +
    `(${formatWad(n(a, "auctionDebt"))}): ${BUG}`,
  ExceedsBadDebt: async (a, h) =>
    `${formatWad(n(a, "amount"))} ${await h.synth(n(a, "synthId"))} is more than the bad debt ` +
    `(${formatWad(n(a, "badDebt"))}): cover at most the bad debt`,
  Paused: () =>
    "the guardian has paused opening, minting and withdrawing with debt: deposit and repay still work; wait for the pause to end",
  AssetPaused: async (a, h) =>
    `the guardian has paused ${await h.symbol(s(a, "asset"))}: positions holding it cannot mint or withdraw with ` +
    `debt; deposit and repay still work; wait for the pause to end`,
  SystemShutdown: (a) =>
    `the system was shut down at ${date(n(a, "at"))}: no new positions, debt or liquidations; repay and close still ` +
    `work, and holders redeem through the Settlement contract`,
  NotShutdown: () => "the system is not shut down: this is only possible after an emergency shutdown",
  ReserveExceeded: async (a, h) =>
    `the deposit would take ${await h.symbol(s(a, "asset"))} claimed to ${await h.tokens(s(a, "asset"), n(a, "claimed"))}, ` +
    `past its proven reserve of ${await h.tokens(s(a, "asset"), n(a, "reserve"))}: deposit less, or wait for the ` +
    `proof of reserve to rise`,
  InvalidRampDuration: (a) =>
    `a ramp of ${seconds(n(a, "duration"))} is outside ${seconds(n(a, "min"))} to ${seconds(n(a, "max"))}: pick a ` +
    `duration in that range`,

  // --- LiquidationEngine -----------------------------------------------------------------------------------------
  PositionHealthy: (a) =>
    `position #${n(a, "positionId")} is healthy (health ${formatHealth(n(a, "health"))} ≥ 1.0): nothing to liquidate`,
  AuctionCapReached: (a) =>
    `the auction caps have ${formatUsd(n(a, "room"))} of room left, less than one minimum debt (${formatUsd(n(a, "minRoom"))}): ` +
    `position #${n(a, "positionId")} waits until takes clear auctions; retry later`,
  PricedLotTooSmall: (a) =>
    `part of position #${n(a, "positionId")}'s basket has no price and the priced part covers only ` +
    `${formatUsd(n(a, "cover"))} of debt, less than one minimum debt (${formatUsd(n(a, "minRoom"))}): retry once the price is back`,
  AuctionNotFound: (a, h) =>
    `auction ${n(a, "auctionId")} does not exist or has ended: list the live ones with ${h.cmd("auctions")}`,
  AuctionNeedsReset: (a) =>
    `auction ${n(a, "auctionId")} must be reset before anyone can take (price ${formatWad(n(a, "price"))} under its ` +
    `floor ${formatWad(n(a, "floor"))}, or ${seconds(n(a, "elapsed"))} old): reset it (LiquidationEngine.reset, or ` +
    `let the keeper), then take`,
  AuctionNotResettable: (a) =>
    `auction ${n(a, "auctionId")} does not need a reset (price ${formatWad(n(a, "price"))}, ` +
    `${seconds(n(a, "elapsed"))} old): take from it instead`,
  PriceAboveMax: (a) =>
    `auction ${n(a, "auctionId")} is at ${formatWad(n(a, "price"))}, above your limit of ${formatWad(n(a, "maxPrice"))} ` +
    `per whole token: wait for the price to fall, or raise --max-price`,
  TakeLeavesDust: (a) =>
    `that take would leave auction ${n(a, "auctionId")} with a tab of ${formatWad(n(a, "tabLeft"))} and a lot worth ` +
    `${formatWad(n(a, "lotValueLeft"))}, below its dust of ${formatWad(n(a, "dust"))}: take less, or all ("max")`,
  ZeroTake: (a) => `a take of nothing from auction ${n(a, "auctionId")}: give an amount above zero`,
  NothingToClaim: async (a, h) =>
    `${s(a, "owner")} has no ${await h.symbol(s(a, "asset"))} to claim from liquidations: nothing to do`,
  NoKeeperPay: async (a, h) =>
    `${s(a, "keeper")} is owed no keeper pay in ${await h.synth(n(a, "synthId"))}: nothing to claim`,
  InvalidParam: (a) =>
    `${ENGINE_PARAMS[Number(n(a, "field"))] ?? "a parameter"} = ${n(a, "value")} is outside its bounds ` +
    `(ILiquidationEngine's NatSpec lists them): fix the config and retry`,

  // --- OracleAdapter -----------------------------------------------------------------------------------------------
  PriceUnavailable: async (a, h) =>
    `no usable price for ${await h.symbol(s(a, "asset"))}: ${PRICE_FAILURES[Number(n(a, "reason"))] ?? "its feed failed"}` +
    `; minting, withdrawing with debt and liquidating wait for the price (deposit and repay still work)`,
  OracleCallStarved: (a) =>
    `the price read ran out of gas (${n(a, "gasLeft")} left): retry with a higher gas margin (BALLAST_GAS_MARGIN_BPS)`,
  InvalidFeedConfig: async (a, h) =>
    `invalid feed configuration for ${await h.symbol(s(a, "asset"))} (${s(a, "field")}): fix the feed in the config and retry`,
  AssetWrittenDown: async (a, h) =>
    `${await h.symbol(s(a, "asset"))} is written down (worth nothing, final): its price can no longer be set or ` +
    `removed; list a new token if the asset comes back`,
  InvalidRateSourceConfig: (a) =>
    `invalid rate-adjusted source (${s(a, "field")}): the rate's decimals at most 36 (and the rate feed's own), a ` +
    `non-zero snapshot rate below 2^128 taken in the past, a yearly growth cap and a floor each in (0, 100%]`,
  InvalidLapseParams: async (a, h) =>
    `invalid lapse terms for ${await h.symbol(s(a, "asset"))}: floor ${formatBps(n(a, "floorBps"))}, grace ` +
    `${seconds(n(a, "grace"))}; the asset must be priced by an attested source (a NAV source), the floor above 0 and ` +
    `under its liquidation threshold, the grace between 1 and 90 days (both 0 removes the terms)`,
  LapseRampNotDue: async (a, h) => {
    const due = n(a, "dueAt");
    const asset = await h.symbol(s(a, "asset"));
    if (due === 0n) return `${asset}'s attestation is in force (or it has no lapse terms): no lapse ramp to start`;
    if (due === 2n ** 256n - 1n) return `${asset}'s lapse ramp has started already: governance cures it (Vault.cure)`;
    return `${asset}'s attestation has lapsed, and its grace runs until ${date(due)}: start the lapse ramp then`;
  },
  NotCurable: async (a, h) => {
    const asset = await h.symbol(s(a, "asset"));
    if (a.lapseRamp !== true) return `${asset} has no lapse ramp to cure: nothing to do`;
    if (Number(n(a, "failure")) !== 0) {
      return `${asset} has no usable price (${PRICE_FAILURES[Number(n(a, "failure"))] ?? "its source failed"}): a cure needs one`;
    }
    return `${asset}'s attestation is still lapsed: the issuer must attest again (a fresh NAV) before a cure`;
  },
  NotWrittenOff: async (a, h) =>
    s(a, "asset") === "0x0000000000000000000000000000000000000000"
      ? `position ${n(a, "id")} owes no debt or holds no collateral: nothing to write off`
      : `position ${n(a, "id")} still holds ${await h.symbol(s(a, "asset"))}, which is not written down: liquidate ` +
        `it first (a write-off takes only a basket worth nothing)`,
  NotRecoverable: async (a, h) =>
    `${await h.symbol(s(a, "token"))} is a synthetic: the Treasury's synthetic balance is its surplus, which only ` +
    `the surplus policy moves`,
  ReserveUnavailable: async (a, h) =>
    `no usable proof of reserve for ${await h.symbol(s(a, "asset"))}: ` +
    `${PRICE_FAILURES[Number(n(a, "reason"))] ?? "its feed failed"}; deposits of it wait for the feed`,

  // --- Treasury, Settlement ------------------------------------------------------------------------------------------
  AlreadyFinalized: async (a, h) =>
    `${await h.synth(n(a, "synthId"))} is already finalized in the settlement: nothing to do; holders redeem it`,
  NotFinalized: async (a, h) =>
    `${await h.synth(n(a, "synthId"))} is not finalized yet: settle every position and auction of it first (Settlement)`,
  PriceNotFrozen: async (a, h) =>
    `the settlement price of ${await h.symbol(s(a, "asset"))} is not frozen yet: freeze it first (Settlement.freezePrice)`,
  PriceAlreadyFrozen: async (a, h) =>
    `the settlement price of ${await h.symbol(s(a, "asset"))} is already frozen at ${formatUsd(n(a, "price"))}: nothing to do`,
  FallbackTooEarly: (a) =>
    `the fallback price may be set from ${date(n(a, "allowedAt"))}, not yet (${date(n(a, "now_"))}): retry then`,
  CallerNotRedeemer: (a) => `${s(a, "caller")} is not the Vault's redeemer: redeem through Redemptions.redeem`,
  RedemptionsOff: async (a, h) =>
    `redemptions of ${await h.synth(n(a, "synthId"))} are off: use the stability module or a market instead`,
  InvalidParams: () =>
    "invalid parameters: for redemptions, redeemable health 0 or in [1, 3], min fee ≤ max fee ≤ 10%, half-life in " +
    "[1 hour, 30 days]; for a pre-liquidation policy, band top in (1, 1.5], close factors 0 < top ≤ bottom ≤ 50%, " +
    "incentives top ≤ bottom ≤ 10%",
  FeeAboveMax: (a) =>
    `the redemption fee is ${formatBps(n(a, "feeBps"))} now, above your limit of ${formatBps(n(a, "maxFeeBps"))}: ` +
    `redeem less (the fee grows with the amount) or wait for it to decay`,
  NothingRedeemed: () =>
    "none of the named positions may be redeemed against (each must hold this synthetic's debt, be priced, and stand " +
    "between health 1 and the redeemable health): name others (`redeem --positions`, or let the task find them)",
  ModuleDebtOutstanding: async (a, h) =>
    `${await h.synth(n(a, "synthId"))}'s stability modules still carry ${formatWad(n(a, "moduleDebt"))} of debt: ` +
    `settle each module first (Settlement.settleModule, anyone may call it)`,
  ModuleNotFound: (a) =>
    `${s(a, "module")} is not a stability module of this Vault: use a module the Vault added (PositionLens.modules lists them)`,
  ModuleAlreadyAdded: (a) => `stability module ${s(a, "module")} was added already: change its ceiling instead`,
  InvalidModule: (a) =>
    `${s(a, "module")} cannot be added: it must name this Vault, an existing synthetic with its own token, and a ` +
    `listed reserve with the decimals the Vault recorded`,
  TooManyModules: (a) =>
    `the Vault has ${n(a, "count")} stability modules, the most it takes (${n(a, "max")}): raise a module's ceiling instead`,
  ModuleCeilingExceeded: (a) =>
    `the stability module's debt would reach ${formatWad(n(a, "debtAfter"))}, above its ceiling of ` +
    `${formatWad(n(a, "ceiling"))}: swap in at most the room left (StabilityModule.maxSwapIn), or wait for units to be swapped out`,
  ExceedsModuleDebt: (a) =>
    `${formatWad(n(a, "amount"))} is more than the module's debt of ${formatWad(n(a, "debt"))}: swap out at most ` +
    `StabilityModule.maxSwapOut`,
  SwapFrozen: (a) =>
    `the guardian has frozen swaps ${a.swapIn === true ? "in (reserve for synthetic)" : "out (synthetic for reserve)"} ` +
    `on this stability module: the other direction may still work; wait for the freeze to end`,
  ReserveOffPeg: (a) =>
    `the reserve is priced at ${formatWad(n(a, "ratio"))} of the synthetic, outside the module's band ` +
    `[${formatWad(n(a, "low"))}, ${formatWad(n(a, "high"))}]: ${
      n(a, "ratio") < n(a, "low")
        ? "a depegged reserve cannot buy units at par; swapping out still works"
        : "the reserve cannot leave at par while it trades above it; swapping in still works"
    }`,
  PegUnverified: async (a, h) =>
    `swapping in needs a price for ${await h.symbol(s(a, "asset"))}, and it has none ` +
    `(${PRICE_FAILURES[Number(n(a, "failure"))] ?? "its feed failed"}): swapping out still works; retry once the feed answers`,
  SlippageExceeded: (a) =>
    `the swap gives ${n(a, "out")} (in the output token's smallest units), below the minimum of ${n(a, "minOut")} ` +
    `you set: the fees changed or the amount was rounded; preview again and retry`,
  InvalidFees: (a) =>
    `fees of ${formatBps(n(a, "feeInBps"))} in and ${formatBps(n(a, "feeOutBps"))} out: each must be at most 5%`,
  InvalidBand: (a) => `a band of ${formatBps(n(a, "bandBps"))}: it must be between 0.1% and 10%`,
  ReserveNotListed: async (a, h) =>
    `${await h.symbol(s(a, "reserve"))} is not a listed asset of the Vault: list it first (settlement pools a module's ` +
    `reserve with the collateral)`,
  ZeroAsset: () => `the savings token was built without an asset: ${BUG}`,
  VestingPeriodOutOfBounds: (a) =>
    `a vesting period of ${n(a, "period")} s: it must be between ${n(a, "min")} s and ${n(a, "max")} s`,
  ZeroDistribution: () => "nothing to distribute: give a positive amount",
  NothingToSkim: (a) =>
    `the savings token holds ${formatWad(n(a, "balance"))}, no more than it tracks (${formatWad(n(a, "tracked"))}): ` +
    `nothing was sent to it to stream in`,
  TransferShortfall: (a) =>
    `the savings token received ${formatWad(n(a, "received"))} instead of ${formatWad(n(a, "expected"))}: its asset ` +
    `takes a fee on transfer, which it does not support`,
  ERC4626ExceededMaxDeposit: (a) =>
    `a deposit of ${formatWad(n(a, "assets"))} for ${s(a, "receiver")} is above the most it may deposit ` +
    `(${formatWad(n(a, "max"))}): deposit less`,
  ERC4626ExceededMaxMint: (a) =>
    `minting ${n(a, "shares")} shares for ${s(a, "receiver")} is above the most it may mint (${n(a, "max")}): mint fewer`,
  ERC4626ExceededMaxWithdraw: (a) =>
    `${s(a, "owner")} may withdraw at most ${formatWad(n(a, "max"))}, not ${formatWad(n(a, "assets"))}: ` +
    `withdraw less (its shares are worth no more)`,
  ERC4626ExceededMaxRedeem: (a) =>
    `${s(a, "owner")} holds ${n(a, "max")} shares, fewer than the ${n(a, "shares")} asked: redeem at most what it holds`,
  BuybackBelowOracle: (a) =>
    `the venue paid ${n(a, "got")} where the oracle floor was ${n(a, "minOut")} (the asset's smallest units): the ` +
    `buyback is refused; retry when the venue's price is back near the oracle's`,
  InvalidSlippage: (a) => `a buyback slippage bound of ${formatBps(n(a, "slippageBps"))}: at most 5%`,
  InvalidPolicy: (a) =>
    `invalid surplus policy: ${
      [
        "minDuration outside [1 hour, 30 days]",
        "minInterval outside [1 hour, 30 days]",
        "maxShareBps above 50%",
        "savings + buyback weights above 100%",
      ][Number(n(a, "field"))] ?? "a bound"
    }`,
  InvalidSink: (a) =>
    `${s(a, "sink")} is not a savings token of this synthetic: its asset must be the synthetic's token`,
  DeficitOpen: async (a, h) =>
    `${await h.synth(n(a, "synthId"))} has ${formatWad(n(a, "deficit"))} of bad debt not covered: nothing is ` +
    `distributed while a deficit is open (Treasury.absorbBadDebt covers it once fees arrive)`,
  SurplusBelowBuffer: (a) =>
    `the Treasury's surplus of ${formatWad(n(a, "surplus"))} is not above its buffer of ${formatWad(n(a, "buffer"))} ` +
    `(or no poke has seen it above): nothing to distribute yet`,
  DistributionTooEarly: (a) => `the next distribution is allowed from ${date(n(a, "allowedAt"))}: retry then`,
  OutstandingDebt: async (a, h) =>
    `${await h.synth(n(a, "synthId"))} still has ${formatWad(n(a, "positionDebt"))} of debt in positions and ` +
    `${formatWad(n(a, "auctionDebt"))} in auctions: settle them first`,
  NotUnderBacked: (a) =>
    `the system is backed at ${formatBps(n(a, "backingBps"))}, not under the trigger of ${formatBps(n(a, "triggerBackingBps"))}: ` +
    `no shutdown`,
  BackingIncomplete: async (a, h) =>
    `the backing cannot be measured: the price of ${await h.symbol(s(a, "asset"))} is unavailable and somebody holds ` +
    `it; retry once its price is back (governance may retire a frozen asset whose feed died: Settlement.retireAsset)`,
  AssetNotFrozen: async (a, h) =>
    `${await h.symbol(s(a, "asset"))} still takes deposits: freeze it in the Vault (setAssetParams with frozen) ` +
    `before retiring it`,
  AssetStillHeld: async (a, h) =>
    `${await h.tokens(s(a, "asset"), n(a, "exposure"))} is still held and its price works, so it counts as it is: ` +
    `retire it only once nobody holds it or its price is gone`,
  SystemBusy: () =>
    "a Ballast operation is in progress in this transaction (a take's callback, a token hook, a flash loan): the " +
    "backing is not measured mid-operation; call it on its own, outside the operation",
  TriggerTooEarly: (a) =>
    `the system has been under-backed since ${date(n(a, "underSince"))}; a shutdown is allowed from ` +
    `${date(n(a, "allowedAt"))}: retry then (and poke() meanwhile)`,
  InvalidTriggerParams: (a) =>
    `trigger backing ${formatBps(n(a, "backingBps"))} with delay ${seconds(n(a, "delay"))} is outside the bounds: fix and retry`,
  ExceedsOutstanding: (a) =>
    `${formatWad(n(a, "amount"))} is more than the ${formatWad(n(a, "outstanding"))} outstanding: give at most that`,
  UnitsOutstanding: async (a, h) =>
    `${formatWad(n(a, "outstanding"))} ${await h.synth(n(a, "synthId"))} outside the Treasury may still be redeemed: ` +
    `the pool is theirs; sweep it only once every unit left is the Treasury's`,

  // --- SyntheticToken, ERC-20 ----------------------------------------------------------------------------------------
  CallerNotVault: (a) =>
    `${s(a, "caller")} is not the Vault: only the Vault mints and burns synthetics and releases a module's reserves; ${BUG}`,
  ZeroVault: () => `the synthetic was built without a Vault: ${BUG}`,
  FlashCapExceeded: (a) =>
    `a flash loan of ${formatWad(n(a, "amount"))} is above the cap of ${formatWad(n(a, "cap"))}: borrow less`,
  InvalidFlashParams: (a) =>
    `flash parameters (cap ${formatWad(n(a, "cap"))}, fee ${formatBps(n(a, "feeBps"))}) are outside the bounds: fix and retry`,
  ERC20InsufficientBalance: (a) =>
    `${s(a, "sender")} holds ${formatWad(n(a, "balance"))} but ${formatWad(n(a, "needed"))} is needed ` +
    `(18-decimal units): get the difference first`,
  ERC20InsufficientAllowance: (a) =>
    `the allowance of ${s(a, "spender")} is ${n(a, "allowance")}, less than the ${n(a, "needed")} needed (smallest ` +
    `units): approve at least that much, then retry`,
  ERC20InvalidApprover: (a) => `${s(a, "approver")} cannot approve (zero address): ${BUG}`,
  ERC20InvalidReceiver: (a) => `${s(a, "receiver")} cannot receive tokens (zero address): give another recipient`,
  ERC20InvalidSender: (a) => `${s(a, "sender")} cannot send tokens (zero address): ${BUG}`,
  ERC20InvalidSpender: (a) => `${s(a, "spender")} cannot be approved (zero address): give another spender`,
  ERC2612ExpiredSignature: (a) =>
    `the permit expired at ${date(n(a, "deadline"))}: sign a new one with a later deadline`,
  ERC2612InvalidSigner: (a) =>
    `the permit was signed by ${s(a, "signer")}, not by the owner ${s(a, "owner")}: sign it with the owner's key`,
  ERC3156ExceededMaxLoan: (a) =>
    `the flash loan is above the most available (${formatWad(n(a, "maxLoan"))}): borrow less`,
  ERC3156InvalidReceiver: (a) =>
    `${s(a, "receiver")} did not return the ERC-3156 success value: fix the borrower's onFlashLoan`,
  ERC3156UnsupportedToken: (a) => `${s(a, "token")} cannot be flash-borrowed here: borrow the synthetic itself`,
  InvalidAccountNonce: (a) =>
    `the permit's nonce is stale (the account's nonce is ${n(a, "currentNonce")}): sign a new permit`,
  ECDSAInvalidSignature: () => "the signature is invalid: sign again",
  ECDSAInvalidSignatureLength: (a) => `the signature has ${n(a, "length")} bytes, not 65: sign again`,
  ECDSAInvalidSignatureS: () => "the signature's s value is malleable: sign again with a standard library",
  InvalidShortString: () => `a token name or symbol is malformed: ${BUG}`,
  StringTooLong: (a) => `"${s(a, "str")}" is too long for a short string: use a shorter name or symbol`,

  // --- Rate models ---------------------------------------------------------------------------------------------------
  RateTooHigh: (a) =>
    `the rate ${a.rate ?? a.ratePerSecond} is above the maximum ${a.max ?? a.maxRatePerSecond}: give a lower rate`,
  KinkOutOfRange: (a) => `the kink ${formatWad(n(a, "kink"))} is not strictly between 0 and 1: fix the curve`,
  SlopeTooHigh: (a) => `the slope ${formatWad(n(a, "slope"))} is above ${formatWad(n(a, "max"))}: fix the curve`,
  RateBoundsInverted: (a) =>
    `the minimum rate ${formatWad(n(a, "minRate"))} is above the maximum ${formatWad(n(a, "maxRate"))}: fix the curve`,
  InvalidPegTarget: (a) =>
    `the peg target (${s(a, "marketKey")} against ${s(a, "targetKey")} at ${formatWad(n(a, "targetPrice"))}) is ` +
    `invalid: fix the peg configuration`,
  PegAdjustmentTooHigh: (a) =>
    `a peg adjustment of ${formatWad(n(a, "maxAdjustment"))} is above ${formatWad(n(a, "max"))}: lower it`,
  PegSensitivityTooHigh: (a) =>
    `a peg sensitivity of ${formatWad(n(a, "sensitivity"))} is above ${formatWad(n(a, "max"))}: lower it`,
  PegPriceStarved: (a) =>
    `the peg price read ran out of gas (${n(a, "gasLeft")} left): retry with a higher gas margin (BALLAST_GAS_MARGIN_BPS)`,
  SyntheticNotConfigured: (a) =>
    `the synthetic ${s(a, "synthetic")} has no curve in the rate model: set it with setRateParams first`,
  TargetPriceTooHigh: (a) =>
    `a peg target price of ${formatWad(n(a, "targetPrice"))} is above ${formatWad(n(a, "max"))}: lower it`,

  // --- RiskLens, ReserveLens -------------------------------------------------------------------------------------------
  DuplicateShock: async (a, h) => `${await h.symbol(s(a, "asset"))} is shocked twice: give each asset once`,
  InvalidRange: (a) =>
    `ids ${n(a, "fromId")} to ${n(a, "toId")} are not a range of at most ${n(a, "maxLength")}: split the range`,
  ShockLengthMismatch: (a) =>
    `${n(a, "assets")} assets but ${n(a, "multipliers")} multipliers: give one multiplier per asset`,
  ShockTooLarge: async (a, h) =>
    `a shock of ${formatBps(n(a, "multiplierBps"))} on ${await h.symbol(s(a, "asset"))} is above ${formatBps(n(a, "max"))}: ` +
    `give a smaller multiplier`,
  ShockedAssetNotListed: async (a, h) => `${await h.symbol(s(a, "asset"))} is not listed: shock only listed assets`,

  // --- AccessManager, AccessManaged ------------------------------------------------------------------------------------
  AccessManagedUnauthorized: (a) => `${s(a, "caller")} may not call this: ${GOVERNANCE}`,
  AccessManagedRequiredDelay: (a) =>
    `${s(a, "caller")} may call this only after a delay of ${seconds(n(a, "delay"))}: schedule it on the AccessManager ` +
    `(schedule, then execute after the delay)`,
  AccessManagedInvalidAuthority: (a) => `${s(a, "authority")} is not an AccessManager: give the deployment's one`,
  AccessManagerAlreadyScheduled: () => "this operation is already scheduled: execute it once its delay has passed",
  AccessManagerBadConfirmation: () =>
    "renouncing a role was not confirmed: pass the caller's own address as callerConfirmation",
  AccessManagerExpired: () => "the scheduled operation expired: schedule it again",
  AccessManagerInvalidInitialAdmin: (a) =>
    `${s(a, "initialAdmin")} cannot be the initial admin: give a non-zero admin address`,
  AccessManagerLockedFunction: (a) => `the function ${s(a, "selector")} is locked on the AccessManager: ${GOVERNANCE}`,
  AccessManagerLockedRole: (a) => `role ${n(a, "roleId")} is locked: it cannot be changed`,
  AccessManagerNotReady: () => "the scheduled operation's delay has not passed yet: execute it later",
  AccessManagerNotScheduled: () => "the operation is not scheduled: schedule it first",
  AccessManagerUnauthorizedAccount: (a) => `${s(a, "msgsender")} does not hold role ${n(a, "roleId")}: ${GOVERNANCE}`,
  AccessManagerUnauthorizedCall: (a) =>
    `${s(a, "caller")} may not call ${s(a, "selector")} on ${s(a, "target")}: ${GOVERNANCE}`,
  AccessManagerUnauthorizedCancel: (a) =>
    `${s(a, "msgsender")} may not cancel that operation: only its scheduler or a guardian may`,
  AccessManagerUnauthorizedConsume: (a) => `${s(a, "target")} may not consume a scheduled operation: ${BUG}`,
  AddressEmptyCode: (a) => `${s(a, "target")} has no code: check the address (is the deployment on this chain?)`,
  FailedCall: () => "a call from the AccessManager failed: check the target and the calldata",
  InsufficientBalance: (a) =>
    `the balance ${n(a, "balance")} wei is below the ${n(a, "needed")} wei the call sends: fund the caller`,

  // --- Shared ----------------------------------------------------------------------------------------------------------
  ReentrancyGuardReentrantCall: () =>
    "a contract called back into Ballast during a call (reentrancy), which is refused: call it directly",
  SafeCastOverflowedUintDowncast: (a) =>
    `a value ${n(a, "value")} does not fit in ${n(a, "bits")} bits: give a smaller amount`,
  SafeERC20FailedOperation: (a) =>
    `the token ${s(a, "token")} refused a transfer (paused, blocklisted, or not enough balance or allowance): check ` +
    `the token, then retry`,
};

/**
 * The helpers the sentences use, over `ctx`: `symbolOf` names a token the context does not list (e.g. an ERC-20
 * `symbol()` call through the caller's client); without it an unknown token is named by its short address.
 */
export function makeHelpers(ctx: ErrorContext, symbolOf?: (token: string) => Promise<string>): Helpers {
  const meta = new Map<string, AssetInfo>();
  for (const a of ctx.assets ?? []) meta.set(a.address.toLowerCase(), a);
  const assetInfo = async (address: string): Promise<AssetInfo> => {
    const known = meta.get(address.toLowerCase());
    if (known !== undefined) return known;
    let info: AssetInfo = { address, symbol: short(address), decimals: 18 };
    if (ctx.vault !== undefined && symbolOf !== undefined) {
      try {
        const decimals = Number((await ctx.vault.assetConfig(address)).decimals);
        const symbol = await symbolOf(address);
        info = { address, symbol, decimals };
      } catch {
        // keep the short address
      }
    }
    meta.set(address.toLowerCase(), info);
    return info;
  };
  const synthSymbol = async (synthId: bigint): Promise<string> => {
    const known = ctx.synthetics?.find((x) => x.synthId === synthId);
    if (known !== undefined) return known.symbol;
    if (ctx.lens !== undefined && symbolOf !== undefined) {
      try {
        const token = (await ctx.lens.synthetic(synthId)).token;
        return await symbolOf(token);
      } catch {
        // fall through
      }
    }
    return `synthetic ${synthId}`;
  };
  const read = async <T>(f: (vault: VaultReader, lens: LensReader) => Promise<T>): Promise<T | undefined> => {
    if (ctx.vault === undefined) return undefined;
    try {
      return await f(ctx.vault, ctx.lens ?? NO_LENS);
    } catch {
      return undefined;
    }
  };
  return {
    ctx,
    tokens: async (asset, amount) => {
      const a = await assetInfo(asset);
      return `${formatAmount(amount, a.decimals)} ${a.symbol}`;
    },
    symbol: async (asset) => (await assetInfo(asset)).symbol,
    synth: synthSymbol,
    synthOfPosition: async (id) => {
      const synthId = await read(async (v) => (await v.positionOf(id)).synthId);
      return synthId === undefined ? "of its synthetic" : synthSymbol(synthId);
    },
    owner: async (id) => {
      const owner = await read(async (v) => (await v.positionOf(id)).owner);
      return owner === undefined || /^0x0{40}$/i.test(owner) ? undefined : owner;
    },
    cmd: (task) => {
      const from = ctx.from !== undefined && ctx.from !== "" && ctx.from !== "0" ? ` --from ${ctx.from}` : "";
      const net = ctx.network !== undefined && ctx.network !== "default" ? ` --network ${ctx.network}` : "";
      return `\`npx hardhat ballast ${task}${from}${net}\``;
    },
    read,
  };
}
