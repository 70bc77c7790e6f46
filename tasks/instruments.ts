/**
 * Options and binaries (the InstrumentVault) as tasks over a loaded `System`: create a series, list them, write
 * contracts (locking their maximum payoff), burn long and short pairs back before expiry, settle an expired series
 * (the round found on its feed with sdk/instruments.ts, else the fallback or the void path when those are the only
 * way and open) and redeem either side after the dispute window. Each one checks what it can read before sending,
 * previews in human units and prints what the transactions moved, read from their events.
 *
 * Units: series units [wad] (1e18 = one contract on one whole underlying), prices and strikes [wad] USD, collateral in
 * its token's own decimals, times [s].
 */
import type { InstrumentVault, MockERC20, SyntheticToken } from "../typechain-types/index.js";
import { formatAmount, formatUsd, renderTable } from "../sdk/format.js";
import {
  KIND_NAMES,
  Kind,
  type KindName,
  PRICE_SOURCES,
  PriceSource,
  type SeriesInfo,
  type SettlementPlan,
  listSeries,
  lockFor,
  pairRelease,
  payoffAt,
  poolStateOf,
  readSeries,
  settlementCall,
  settlementPlan,
  sideIds,
} from "../sdk/instruments.js";
import {
  type System,
  type TxReport,
  TaskError,
  amountArg,
  assetBySymbol,
  cmd,
  ensureAllowance,
  eventsOf,
  parseId,
  transact,
} from "../sdk/system.js";

/** A token a series uses: an asset or a synthetic of the deployment. */
interface TokenInfo {
  symbol: string;
  address: string;
  decimals: number;
  token: MockERC20 | SyntheticToken;
}

/** The deployment's InstrumentVault, or a refusal saying how to get one. */
function instrumentsOf(sys: System): InstrumentVault {
  if (sys.instruments === undefined) {
    throw new TaskError(
      `this deployment has no InstrumentVault: add \`instruments\` to the "${sys.network}" config ` +
        `(deploy/config/networks.ts) and run \`npm run deploy -- --network ${sys.network}\``,
    );
  }
  return sys.instruments;
}

/** The asset or synthetic at `address`. */
function tokenAt(sys: System, address: string): TokenInfo {
  const a = sys.assets.find((x) => x.address.toLowerCase() === address.toLowerCase());
  if (a !== undefined) return { symbol: a.symbol, address: a.address, decimals: a.decimals, token: a.token };
  const s = sys.synthetics.find((x) => x.address.toLowerCase() === address.toLowerCase());
  if (s !== undefined) return { symbol: s.symbol, address: s.address, decimals: 18, token: s.token };
  throw new TaskError(`${address} is neither an asset nor a synthetic of this deployment's manifest: deploy again`);
}

/** The asset or synthetic with symbol `symbol` (any case). */
function tokenBySymbol(sys: System, symbol: string): TokenInfo {
  const s = sys.synthetics.find((x) => x.symbol.toLowerCase() === symbol.toLowerCase());
  if (s !== undefined) return { symbol: s.symbol, address: s.address, decimals: 18, token: s.token };
  const a = sys.assets.find((x) => x.symbol.toLowerCase() === symbol.toLowerCase());
  if (a !== undefined) return { symbol: a.symbol, address: a.address, decimals: a.decimals, token: a.token };
  const valid = [...sys.assets.map((x) => x.symbol), ...sys.synthetics.map((x) => x.symbol)].join(", ");
  throw new TaskError(`unknown token "${symbol}"; this deployment's assets and synthetics are: ${valid}`);
}

/** `IInstrumentVault.Kind` of "call", "put", "binary-up", "binary-down". */
export function parseKind(text: string): number {
  const i = KIND_NAMES.indexOf(text.trim().toLowerCase() as KindName);
  if (i < 0) throw new TaskError(`"${text}" is not a kind of series: give call, put, binary-up or binary-down`);
  return i;
}

/**
 * [s] An expiry: an ISO date ("2027-01-29", "2027-01-29T08:00:00Z") or a time from `now` [s] ("+7d", "+12h",
 * "+30m", "+90s").
 */
export function parseExpiry(text: string, now: bigint): bigint {
  const t = text.trim();
  const rel = /^\+(\d+)([dhms])$/.exec(t);
  if (rel !== null) {
    const unit = { d: 86_400n, h: 3_600n, m: 60n, s: 1n }[rel[2] as "d" | "h" | "m" | "s"];
    return now + BigInt(rel[1] ?? "0") * unit;
  }
  if (!/^\d{4}-\d{2}-\d{2}/.test(t) || Number.isNaN(Date.parse(t))) {
    throw new TaskError(
      `--expiry "${text}": give an ISO date (2027-01-29 or 2027-01-29T08:00:00Z) or a time from now (+7d, +12h, +30m)`,
    );
  }
  return BigInt(Math.floor(Date.parse(t) / 1000));
}

const date = (s: bigint): string => new Date(Number(s) * 1000).toISOString().replace(".000Z", "Z");

/** The chain's time now [s] (the latest block's). */
async function chainNow(sys: System): Promise<bigint> {
  return BigInt((await sys.ethers.provider.getBlock("latest"))?.timestamp ?? 0);
}

/** "WETH call, strike $2,500.00, expiry 2027-01-29T08:00:00Z, collateral WETH". */
function terms(sys: System, s: SeriesInfo): string {
  return (
    `${tokenAt(sys, s.underlying).symbol} ${KIND_NAMES[s.kind] ?? "?"}, strike ${formatUsd(s.strike)}, ` +
    `expiry ${date(s.expiry)}, collateral ${tokenAt(sys, s.collateral).symbol}`
  );
}

/** `amount` [collateral] of series `s`'s collateral, "1.5 WETH". */
function collateralAmount(sys: System, s: SeriesInfo, amount: bigint): string {
  const t = tokenAt(sys, s.collateral);
  return `${formatAmount(amount, t.decimals)} ${t.symbol}`;
}

/** Series `id` (a number or "#3"), which must exist. */
async function seriesOf(sys: System, text: string): Promise<SeriesInfo> {
  const vault = instrumentsOf(sys);
  const id = parseId(text, "series id");
  const count = await vault.seriesCount();
  if (id < 1n || id > count) {
    throw new TaskError(
      `series #${id} does not exist (${count === 0n ? "no series yet" : `ids run from 1 to ${count}`}): ` +
        `${cmd(sys, "series list")} shows them`,
    );
  }
  return readSeries(vault, id);
}

/** [wad] Series units from `text` (contracts, "1.5"). */
function unitsArg(text: string, what = "units"): bigint {
  return amountArg(text, 18, what);
}

// ----------------------------------------------------------------------------------------------------------------
// series create
// ----------------------------------------------------------------------------------------------------------------

export interface CreateResult {
  seriesId: bigint;
  /** False when a series with these terms existed already (its id is returned). */
  created: boolean;
  txs: TxReport[];
}

/**
 * Creates the series on `underlying` of `kind` (call, put, binary-up, binary-down) with `strike` [USD] and `expiry`
 * (ISO date or +7d), locking `collateral` (default: the underlying for a call, else the first listed quote asset);
 * when one with these terms exists, returns its id without sending anything.
 */
export async function createSeries(
  sys: System,
  args: { underlying: string; kind: string; strike: string; expiry: string; collateral?: string },
): Promise<CreateResult> {
  const vault = instrumentsOf(sys);
  const kind = parseKind(args.kind);
  const underlying = assetBySymbol(sys, args.underlying);
  if (!(await vault.isUnderlying(underlying.address))) {
    const enabled: string[] = [];
    for (const a of sys.assets) if (await vault.isUnderlying(a.address)) enabled.push(a.symbol);
    throw new TaskError(
      `${underlying.symbol} is not an underlying of the InstrumentVault; the enabled ones are: ` +
        `${enabled.join(", ") || "none"} (governance enables more with setUnderlying)`,
    );
  }
  if (args.strike === "") throw new TaskError("give the strike in USD: --strike 2500");
  const strike = amountArg(args.strike, 18, "--strike");
  if (args.expiry === "") throw new TaskError("give the expiry: --expiry 2027-01-29 or --expiry +7d");
  const now = await chainNow(sys);
  const expiry = parseExpiry(args.expiry, now);
  const tenor = await vault.MAX_TENOR();
  if (expiry <= now || expiry > now + tenor) {
    throw new TaskError(
      `--expiry ${date(expiry)} is not between now (${date(now)}) and ${date(now + tenor)} (two years): ` +
        `give an expiry in that range`,
    );
  }
  let collateral: TokenInfo;
  if (args.collateral !== undefined && args.collateral !== "") {
    collateral = tokenBySymbol(sys, args.collateral);
  } else if (kind === Kind.Call) {
    collateral = tokenBySymbol(sys, underlying.symbol);
  } else {
    const quotes = await quoteTokens(sys, vault);
    const first = quotes[0];
    if (first === undefined)
      throw new TaskError("the InstrumentVault lists no quote asset: governance lists one first");
    collateral = first;
  }
  if (kind === Kind.Call && collateral.address.toLowerCase() !== underlying.address.toLowerCase()) {
    throw new TaskError(
      `a call locks its underlying: --collateral ${collateral.symbol} cannot back a ${underlying.symbol} call; ` +
        `leave --collateral out`,
    );
  }
  if (kind !== Kind.Call && !(await vault.isQuote(collateral.address))) {
    const quotes = (await quoteTokens(sys, vault)).map((q) => q.symbol);
    throw new TaskError(
      `a ${KIND_NAMES[kind]} locks a listed USD quote asset and ${collateral.symbol} is not one: give --collateral ` +
        `${quotes.join(" or ") || "(none listed)"}`,
    );
  }
  const existing = await vault.createSeries.staticCall(underlying.address, collateral.address, kind, strike, expiry);
  const before = await vault.seriesCount();
  const described =
    `${underlying.symbol} ${KIND_NAMES[kind]}, strike ${formatUsd(strike)}, expiry ${date(expiry)}, ` +
    `collateral ${collateral.symbol}`;
  if (existing <= before) {
    sys.log(`series #${existing} (${described}) exists already: nothing to send`);
    return { seriesId: existing, created: false, txs: [] };
  }
  const tx = await transact(sys, `create series ${described}`, () =>
    vault.createSeries.populateTransaction(underlying.address, collateral.address, kind, strike, expiry),
  );
  const ev = eventsOf(tx.receipt, vault, await vault.getAddress(), "SeriesCreated")[0];
  const seriesId = (ev?.args[0] as bigint | undefined) ?? existing;
  sys.log(`series #${seriesId}: ${described}; write contracts with ${cmd(sys, `series write ${seriesId} <units>`)}`);
  return { seriesId, created: true, txs: [tx] };
}

/** The deployment's tokens the InstrumentVault lists as quote assets (assets first, then synthetics). */
async function quoteTokens(sys: System, vault: InstrumentVault): Promise<TokenInfo[]> {
  const out: TokenInfo[] = [];
  for (const a of sys.assets) if (await vault.isQuote(a.address)) out.push(tokenAt(sys, a.address));
  for (const s of sys.synthetics) if (await vault.isQuote(s.address)) out.push(tokenAt(sys, s.address));
  return out;
}

// ----------------------------------------------------------------------------------------------------------------
// series list
// ----------------------------------------------------------------------------------------------------------------

/** One series as `series list` shows it. */
export interface SeriesRow {
  series: SeriesInfo;
  /** What the series is waiting for, or "redeemable" / "finalized". */
  state: string;
  /** [wad] The price the payoff columns use: the settlement price once settled, else the oracle's (undefined when it
   *  has none). */
  price?: bigint;
  /** [collateral] What every long and every short unit outstanding receive at `price`. */
  longPayoff: bigint;
  shortPayoff: bigint;
}

/** A series' state in words, from its settlement and the time now [s]. */
function stateOf(s: SeriesInfo, now: bigint, disputeWindow: bigint): string {
  const st = s.state;
  if (st.finalized) return `finalized at ${formatUsd(st.price)}`;
  if (st.source === PriceSource.None) return now < s.expiry ? "open" : "expired: to settle";
  const source = PRICE_SOURCES[st.source] ?? "?";
  if (st.source === PriceSource.Void) return "void (settled at the strike): redeemable";
  const opens = st.settledAt + disputeWindow;
  return now < opens
    ? `settled at ${formatUsd(st.price)} (${source}); disputable until ${date(opens)}`
    : `settled at ${formatUsd(st.price)} (${source}): redeemable`;
}

/**
 * Every series with its terms, units, what it locks, its maximum payoff, its state and what both sides receive at
 * the oracle's price now (at the settlement price once settled); prints a table and returns the rows.
 */
export async function seriesList(sys: System): Promise<SeriesRow[]> {
  const vault = instrumentsOf(sys);
  const all = await listSeries(vault);
  const now = await chainNow(sys);
  const { disputeWindow } = await vault.settlementParams();
  const rows: SeriesRow[] = [];
  for (const s of all) {
    let price: bigint | undefined = s.state.source === PriceSource.None ? undefined : s.state.price;
    if (price === undefined) {
      try {
        price = await sys.oracle.getPrice(s.underlying);
      } catch {
        price = undefined; // no valid price now: the payoff columns say so
      }
    }
    const pool = poolStateOf(s);
    const units = s.state.finalized ? s.state.settledUnits : s.units;
    rows.push({
      series: s,
      state: stateOf(s, now, disputeWindow),
      ...(price === undefined ? {} : { price }),
      longPayoff: price === undefined ? 0n : payoffAt(s, pool, price, false, units),
      shortPayoff: price === undefined ? 0n : payoffAt(s, pool, price, true, units),
    });
  }
  if (rows.length === 0) {
    sys.log(`no series yet: create one with ${cmd(sys, "series create WETH call --strike 2500 --expiry +7d")}`);
    return rows;
  }
  const table = renderTable(
    ["#", "terms", "units", "locked", "max payoff", "state", "at price", "long gets", "short gets"],
    rows.map((r) => [
      `${r.series.id}`,
      terms(sys, r.series),
      formatAmount(r.series.units, 18),
      collateralAmount(sys, r.series, r.series.locked),
      collateralAmount(sys, r.series, r.series.maxPayoff),
      r.state,
      r.price === undefined ? "no price" : formatUsd(r.price),
      r.price === undefined ? "-" : collateralAmount(sys, r.series, r.longPayoff),
      r.price === undefined ? "-" : collateralAmount(sys, r.series, r.shortPayoff),
    ]),
    { align: { terms: "left", state: "left" } },
  );
  sys.log(`Series of the InstrumentVault at ${await vault.getAddress()} (now ${date(now)})\n${table}`);
  return rows;
}

// ----------------------------------------------------------------------------------------------------------------
// series write, series burn-pair
// ----------------------------------------------------------------------------------------------------------------

/** Refuses a write or a pair burn on an expired series. */
function requireOpen(sys: System, s: SeriesInfo, now: bigint, what: string): void {
  if (now >= s.expiry) {
    throw new TaskError(
      `series #${s.id} expired at ${date(s.expiry)}: it can no longer be ${what}; settle it with ` +
        `${cmd(sys, `series settle ${s.id}`)}, then redeem`,
    );
  }
}

/**
 * Writes `units` [contracts] of series `series`: previews the collateral it locks (the maximum payoff, rounded up),
 * checks the balance, approves exactly that, writes, and sends the long tokens to `longTo` and the short tokens to
 * `shortTo` (default: the acting account).
 */
export async function writeSeries(
  sys: System,
  args: { series: string; units: string; longTo?: string; shortTo?: string },
): Promise<{ seriesId: bigint; units: bigint; locked: bigint; txs: TxReport[] }> {
  const vault = instrumentsOf(sys);
  const s = await seriesOf(sys, args.series);
  const units = unitsArg(args.units);
  requireOpen(sys, s, await chainNow(sys), "written");
  const me = sys.signer.address;
  const longTo = recipient(sys, args.longTo, "--long-to");
  const shortTo = recipient(sys, args.shortTo, "--short-to");
  const locked = lockFor(s, units);
  const c = tokenAt(sys, s.collateral);
  sys.log(
    `write ${formatAmount(units, 18)} contract(s) of series #${s.id} (${terms(sys, s)}): locks ` +
      `${collateralAmount(sys, s, locked)} (the maximum payoff, rounded up); long to ${longTo}, short to ${shortTo}`,
  );
  const balance = await c.token.balanceOf(me);
  if (balance < locked) {
    const faucet = sys.assets.some((a) => a.symbol === c.symbol && a.mock)
      ? `; get some with ${cmd(sys, `faucet ${c.symbol} ${formatAmount(locked - balance, c.decimals, c.decimals)}`)}`
      : "";
    throw new TaskError(
      `${me} holds ${formatAmount(balance, c.decimals)} ${c.symbol}, less than the ` +
        `${collateralAmount(sys, s, locked)} the write locks: write fewer units${faucet}`,
    );
  }
  const txs: TxReport[] = [];
  const approval = await ensureAllowance(sys, c.token, c.symbol, await vault.getAddress(), locked);
  if (approval !== undefined) txs.push(approval);
  const tx = await transact(sys, `write series #${s.id}`, () =>
    vault.write.populateTransaction(s.id, units, longTo, shortTo),
  );
  txs.push(tx);
  const ev = eventsOf(tx.receipt, vault, await vault.getAddress(), "Written")[0];
  const took = (ev?.args[5] as bigint | undefined) ?? 0n;
  sys.log(`wrote ${formatAmount(units, 18)} contract(s) of series #${s.id}: locked ${collateralAmount(sys, s, took)}`);
  return { seriesId: s.id, units, locked: took, txs };
}

/** `text` as an address, or the acting account when empty. */
function recipient(sys: System, text: string | undefined, what: string): string {
  if (text === undefined || text === "") return sys.signer.address;
  if (!sys.ethers.isAddress(text)) throw new TaskError(`${what} "${text}" is not an address: give an account address`);
  return sys.ethers.getAddress(text);
}

/**
 * Before expiry, burns `units` [contracts] long and short of series `series` from the acting account for their share
 * of what the series locks (rounded down), sent to `to` (default: the acting account).
 */
export async function burnPair(
  sys: System,
  args: { series: string; units: string; to?: string },
): Promise<{ seriesId: bigint; released: bigint; txs: TxReport[] }> {
  const vault = instrumentsOf(sys);
  const s = await seriesOf(sys, args.series);
  requireOpen(sys, s, await chainNow(sys), "burned in pairs");
  const me = sys.signer.address;
  const ids = sideIds(s.id);
  const long = await vault.balanceOf(me, ids.long);
  const short = await vault.balanceOf(me, ids.short);
  const held = long < short ? long : short;
  const units = args.units.trim().toLowerCase() === "all" ? held : unitsArg(args.units);
  if (units === 0n || units > held) {
    throw new TaskError(
      `${me} holds ${formatAmount(long, 18)} long and ${formatAmount(short, 18)} short of series #${s.id}: a pair ` +
        `burn needs both, so at most ${formatAmount(held, 18)} pair(s)` +
        (held === 0n ? "; write some first, or buy the missing side" : `; burn at most that, or "all"`),
    );
  }
  const released = pairRelease(units, s.locked, s.units);
  if (released === 0n) {
    throw new TaskError(`${formatAmount(units, 18)} pair(s) of series #${s.id} release nothing: burn more units`);
  }
  const to = recipient(sys, args.to, "--to");
  sys.log(
    `burn ${formatAmount(units, 18)} pair(s) of series #${s.id}: releases ${collateralAmount(sys, s, released)} ` +
      `(its share of the ${collateralAmount(sys, s, s.locked)} locked, rounded down) to ${to}`,
  );
  const tx = await transact(sys, `burn pairs of series #${s.id}`, () =>
    vault.burnPair.populateTransaction(s.id, units, to),
  );
  const ev = eventsOf(tx.receipt, vault, await vault.getAddress(), "PairBurned")[0];
  const got = (ev?.args[4] as bigint | undefined) ?? 0n;
  sys.log(`burned ${formatAmount(units, 18)} pair(s) of series #${s.id}: ${collateralAmount(sys, s, got)} back`);
  return { seriesId: s.id, released: got, txs: [tx] };
}

// ----------------------------------------------------------------------------------------------------------------
// series settle
// ----------------------------------------------------------------------------------------------------------------

/**
 * Settles expired series `series`: at the first round of its feed at or after expiry (found here, with the round
 * before it as proof); when that is impossible, by the fallback (the last round before expiry) or the void path (the
 * strike) if those are open, saying why; otherwise refuses, saying when to try again.
 */
export async function settleSeries(
  sys: System,
  args: { series: string },
): Promise<{ seriesId: bigint; plan: SettlementPlan; price: bigint; txs: TxReport[] }> {
  const vault = instrumentsOf(sys);
  const s = await seriesOf(sys, args.series);
  const now = await chainNow(sys);
  if (s.state.source !== PriceSource.None) {
    throw new TaskError(
      `series #${s.id} is settled already at ${formatUsd(s.state.price)} (${PRICE_SOURCES[s.state.source]}): redeem ` +
        `with ${cmd(sys, `series redeem ${s.id}`)} once the dispute window is over`,
    );
  }
  if (now < s.expiry) {
    throw new TaskError(`series #${s.id} expires at ${date(s.expiry)} (now ${date(now)}): settle it after that`);
  }
  const plan = await settlementPlan(vault, s, now);
  const call = settlementCall(vault, s.id, plan);
  if (call === undefined) {
    const until = plan.action === "wait" && plan.until !== undefined ? `; try again after ${date(plan.until)}` : "";
    throw new TaskError(`series #${s.id} cannot be settled yet: ${plan.why}${until}`);
  }
  const how =
    plan.action === "settle"
      ? `settle at round ${plan.roundId}, ${formatUsd(plan.price)} (updated ${date(plan.updatedAt)})`
      : plan.action === "fallback"
        ? `settle by the fallback at round ${plan.roundId}, ${formatUsd(plan.price)} (updated ${date(plan.updatedAt)})`
        : `settle void, at the strike ${formatUsd(s.strike)}: the longs receive nothing`;
  sys.log(`series #${s.id} (${terms(sys, s)}): ${how}; ${plan.why}`);
  const tx = await transact(sys, `settle series #${s.id}`, call);
  const after = await readSeries(vault, s.id);
  const { disputeWindow } = await vault.settlementParams();
  const opens = after.state.source === PriceSource.Void ? after.state.settledAt : after.state.settledAt + disputeWindow;
  sys.log(
    `series #${s.id} settled at ${formatUsd(after.state.price)} (${PRICE_SOURCES[after.state.source]}); ` +
      `redeem from ${date(opens)} with ${cmd(sys, `series redeem ${s.id}`)}`,
  );
  return { seriesId: s.id, plan, price: after.state.price, txs: [tx] };
}

// ----------------------------------------------------------------------------------------------------------------
// series redeem
// ----------------------------------------------------------------------------------------------------------------

/** One side redeemed. */
export interface Redemption {
  side: "long" | "short";
  units: bigint; // [wad]
  paid: bigint; // [collateral]
}

/**
 * After the dispute window, redeems `units` [contracts] or "all" (the default) of the acting account's `side` (long,
 * short, or both held when not given) of series `series` for its payoff (its share of its side's pool, rounded down),
 * sent to `to`.
 */
export async function redeemSeries(
  sys: System,
  args: { series: string; side?: string; units?: string; to?: string },
): Promise<{ seriesId: bigint; redemptions: Redemption[]; txs: TxReport[] }> {
  const vault = instrumentsOf(sys);
  const s = await seriesOf(sys, args.series);
  const now = await chainNow(sys);
  const st = s.state;
  if (st.source === PriceSource.None) {
    const next = now < s.expiry ? `it expires at ${date(s.expiry)}; ` : "";
    throw new TaskError(
      `series #${s.id} has no settlement price yet: ${next}settle it with ${cmd(sys, `series settle ${s.id}`)}, ` +
        `then redeem after the dispute window`,
    );
  }
  const { disputeWindow } = await vault.settlementParams();
  const opens = st.source === PriceSource.Void ? st.settledAt : st.settledAt + disputeWindow;
  if (!st.finalized && now < opens) {
    throw new TaskError(
      `series #${s.id} is settled at ${formatUsd(st.price)} but its dispute window runs until ${date(opens)}: ` +
        `redeem after that`,
    );
  }
  const sideText = (args.side ?? "").trim().toLowerCase();
  if (sideText !== "" && sideText !== "long" && sideText !== "short") {
    throw new TaskError(`--side "${args.side}": give long or short (or leave it out for every side you hold)`);
  }
  const me = sys.signer.address;
  const ids = sideIds(s.id);
  const sides: Array<"long" | "short"> = sideText === "" ? ["long", "short"] : [sideText as "long" | "short"];
  const held = {
    long: await vault.balanceOf(me, ids.long),
    short: await vault.balanceOf(me, ids.short),
  };
  const all = args.units === undefined || args.units.trim() === "" || args.units.trim().toLowerCase() === "all";
  const plan: Array<{ side: "long" | "short"; units: bigint }> = [];
  for (const side of sides) {
    if (sideText !== "" && held[side] === 0n) {
      throw new TaskError(`${me} holds no ${side} of series #${s.id}: nothing to redeem on that side`);
    }
    const units = all ? held[side] : unitsArg(args.units ?? "");
    if (units > held[side]) {
      throw new TaskError(
        `${me} holds ${formatAmount(held[side], 18)} ${side} of series #${s.id}, less than ` +
          `${formatAmount(units, 18)}: redeem at most that, or "all"`,
      );
    }
    if (units > 0n) plan.push({ side, units });
  }
  if (plan.length === 0) {
    throw new TaskError(`${me} holds no long or short of series #${s.id}: nothing to redeem`);
  }
  const to = recipient(sys, args.to, "--to");
  const txs: TxReport[] = [];
  const redemptions: Redemption[] = [];
  for (const p of plan) {
    const short = p.side === "short";
    const preview = await vault.redeem.staticCall(s.id, short, p.units, to);
    sys.log(
      `redeem ${formatAmount(p.units, 18)} ${p.side} of series #${s.id} (${terms(sys, s)}) settled at ` +
        `${formatUsd(st.price)}: pays ${collateralAmount(sys, s, preview)} to ${to}`,
    );
    const tx = await transact(sys, `redeem ${p.side} of series #${s.id}`, () =>
      vault.redeem.populateTransaction(s.id, short, p.units, to),
    );
    txs.push(tx);
    const ev = eventsOf(tx.receipt, vault, await vault.getAddress(), "Redeemed")[0];
    const paid = (ev?.args[5] as bigint | undefined) ?? 0n;
    redemptions.push({ side: p.side, units: p.units, paid });
    sys.log(`redeemed ${formatAmount(p.units, 18)} ${p.side} of series #${s.id}: ${collateralAmount(sys, s, paid)}`);
  }
  return { seriesId: s.id, redemptions, txs };
}
