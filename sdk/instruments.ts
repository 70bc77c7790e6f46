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
import { Contract, type ContractTransaction } from "ethers";
import type { IInstrumentVault } from "../typechain-types/index.js";
import {
  PRICE_SOURCES,
  PriceSource,
  toWad,
  type SeriesFeed,
  type SeriesInfo,
} from "../packages/sdk/src/instruments.js";

const UINT64 = (1n << 64n) - 1n;

// the payoff math is the SDK package's (packages/sdk/src/instruments.ts): one copy
export {
  KIND_NAMES,
  type KindName,
  Kind,
  PRICE_SOURCES,
  PriceSource,
  type PayoffTerms,
  type PoolState,
  maxPayoff,
  lockFor,
  longPayoff,
  poolsAt,
  payoffAt,
  pairRelease,
  sideIds,
  toWad,
  type SeriesFeed,
  type SeriesInfo,
  type SeriesReader,
  readSeries,
  listSeries,
  poolStateOf,
} from "../packages/sdk/src/instruments.js";

// ----------------------------------------------------------------------------------------------------------------
// Settlement rounds
// ----------------------------------------------------------------------------------------------------------------

/** One round of a Chainlink feed. */
export interface Round {
  roundId: bigint;
  /** [feed decimals] */
  answer: bigint;
  /** [s] */
  updatedAt: bigint;
}

/** What a settlement reads of a feed (a Chainlink proxy or aggregator, a `MockV3Aggregator`). */
export interface RoundFeed {
  latestRoundData(): Promise<[bigint, bigint, bigint, bigint, bigint] | readonly unknown[]>;
  getRoundData(roundId: bigint): Promise<[bigint, bigint, bigint, bigint, bigint] | readonly unknown[]>;
}

/** The rounds around a series' expiry. */
export interface SettlementRounds {
  /** The feed's latest round (undefined when the feed has none). */
  latest?: Round;
  /** The first round at or after expiry: what `settle` takes (undefined when no round is at or after expiry yet). */
  round?: Round;
  /** The round right before `round` (its proof): undefined when `round` has no readable previous round. */
  previous?: Round;
  /** The fallback candidate: the last round before expiry (`previous`, or the latest when every round is before it). */
  fallback?: Round;
}

/** Round `roundId` of `feed`, or undefined when the feed has no such round (it reverts or reports no timestamp). */
export async function readRound(feed: RoundFeed, roundId: bigint): Promise<Round | undefined> {
  try {
    const r = await feed.getRoundData(roundId);
    const updatedAt = BigInt(r[3] as bigint);
    if (updatedAt === 0n) return undefined;
    return { roundId: BigInt(r[0] as bigint), answer: BigInt(r[1] as bigint), updatedAt };
  } catch {
    return undefined;
  }
}

/**
 * The id of the round before `roundId` in a Chainlink proxy's numbering (id = phase << 64 | the aggregator's round):
 * the one before it in its phase, or, when it opens its phase (aggregator round 1), the last round of the phase before
 * (found by doubling then halving over that phase's rounds, which exist from 1 up to its last). Undefined when there is
 * none (the first round of phase 0 or 1, or an empty previous phase).
 */
export async function previousRoundId(feed: RoundFeed, roundId: bigint): Promise<bigint | undefined> {
  const phase = roundId >> 64n;
  const round = roundId & UINT64;
  if (round > 1n) return roundId - 1n;
  if (round !== 1n || phase === 0n) return undefined;
  const base = (phase - 1n) << 64n;
  const exists = async (r: bigint): Promise<boolean> => (await readRound(feed, base | r)) !== undefined;
  if (!(await exists(1n))) return undefined;
  let lo = 1n; // exists
  let hi = 2n;
  while (await exists(hi)) {
    lo = hi;
    hi *= 2n;
    if (hi > UINT64) break;
  }
  while (hi - lo > 1n) {
    const mid = (lo + hi) / 2n;
    if (await exists(mid)) lo = mid;
    else hi = mid;
  }
  return base | lo;
}

/**
 * The rounds of `feed` around `expiry` [s] (see `SettlementRounds`): walks back from `latestRoundData`, one round at
 * a time within a phase (and to the last round of the phase before at a phase's first round), to the first round at
 * or after expiry, and reads the round before it. At most `maxSteps` rounds are read walking back (default 10,000);
 * a walk that would go further throws, saying so.
 */
export async function findSettlementRound(
  feed: RoundFeed,
  expiry: bigint,
  opts: { maxSteps?: number } = {},
): Promise<SettlementRounds> {
  let latest: Round | undefined;
  try {
    const r = await feed.latestRoundData();
    const updatedAt = BigInt(r[3] as bigint);
    latest =
      updatedAt === 0n ? undefined : { roundId: BigInt(r[0] as bigint), answer: BigInt(r[1] as bigint), updatedAt };
  } catch {
    latest = undefined;
  }
  if (latest === undefined) return {};
  if (latest.updatedAt < expiry) return { latest, fallback: latest };
  const maxSteps = opts.maxSteps ?? 10_000;
  let current = latest;
  for (let step = 0; ; step++) {
    if (step >= maxSteps) {
      throw new Error(
        `findSettlementRound: more than ${maxSteps} rounds of the feed since expiry ${expiry}; raise maxSteps`,
      );
    }
    const prevId = await previousRoundId(feed, current.roundId);
    const previous = prevId === undefined ? undefined : await readRound(feed, prevId);
    if (previous === undefined) return { latest, round: current };
    if (previous.updatedAt < expiry) return { latest, round: current, previous, fallback: previous };
    current = previous;
  }
}

/** Why a feed's answer cannot price a series (the contract's `FeedGuard.judge`), or undefined when it can. */
export function unguarded(feed: SeriesFeed, answer: bigint): string | undefined {
  if (answer <= 0n) return "its answer is not positive";
  if (answer <= feed.minAnswer) return "its answer is at the feed's minimum";
  if (answer >= feed.maxAnswer) return "its answer is at the feed's maximum";
  if (toWad(answer, feed.decimals) === 0n) return "its answer is below one wei in 18 decimals";
  return undefined;
}

/** How a series can be settled now, and with which rounds, or why it cannot yet. */
export type SettlementPlan =
  | { action: "settle"; roundId: bigint; previousRoundId: bigint; price: bigint; updatedAt: bigint; why: string }
  | { action: "fallback"; roundId: bigint; price: bigint; updatedAt: bigint; why: string }
  | { action: "void"; why: string }
  | { action: "wait"; why: string; until?: bigint }
  | { action: "none"; why: string };

/**
 * What settles series `s` at time `now` [s], from its feed's `rounds` (`findSettlementRound`) and the settlement
 * delays [s] (`settlementParams`), by the contract's rules in order: the first guarded round at or after expiry, at
 * most the feed's maxAge after it, proven by the round before it (`settle`); from `fallbackDelay` after expiry, when
 * that is impossible, the last guarded round before expiry, at most maxAge before it (`settleFallback`); from
 * `voidDelay` after expiry, when neither is possible, the strike (`settleVoid`). Otherwise why not, and when to try
 * again (none when the feed's next round would settle it).
 * Prices [wad].
 */
export function planSettlement(
  s: Pick<SeriesInfo, "id" | "expiry" | "feed" | "state">,
  rounds: SettlementRounds,
  now: bigint,
  params: { fallbackDelay: bigint; voidDelay: bigint },
): SettlementPlan {
  if (s.state.source !== PriceSource.None) {
    return { action: "none", why: `series #${s.id} is settled already (${PRICE_SOURCES[s.state.source]})` };
  }
  if (now < s.expiry) return { action: "wait", why: `series #${s.id} has not expired`, until: s.expiry };
  const fallbackAt = s.expiry + params.fallbackDelay;
  const voidAt = s.expiry + params.voidDelay;
  let primaryProblem: string;
  const r = rounds.round;
  // no round at or after expiry yet, and one the feed publishes now would still be within its maximum age
  const roundMayCome = r === undefined && now - s.expiry <= s.feed.maxAge;
  if (r === undefined) primaryProblem = "the feed has no round at or after expiry yet";
  else if (r.updatedAt - s.expiry > s.feed.maxAge) {
    primaryProblem = `the first round after expiry (${r.roundId}) came ${r.updatedAt - s.expiry} s after it, more than the feed's maximum age of ${s.feed.maxAge} s`;
  } else if (unguarded(s.feed, r.answer) !== undefined) {
    primaryProblem = `the first round after expiry (${r.roundId}) cannot price it: ${unguarded(s.feed, r.answer)}`;
  } else if (rounds.previous === undefined) {
    primaryProblem = `the first round after expiry (${r.roundId}) has no earlier round to prove it is the first`;
  } else {
    return {
      action: "settle",
      roundId: r.roundId,
      previousRoundId: rounds.previous.roundId,
      price: toWad(r.answer, s.feed.decimals),
      updatedAt: r.updatedAt,
      why: `round ${r.roundId} is the first at or after expiry (the round before it, ${rounds.previous.roundId}, is before)`,
    };
  }
  let fallbackProblem: string | undefined;
  const f = rounds.fallback;
  if (f === undefined) fallbackProblem = "the feed has no round before expiry";
  else if (s.expiry - f.updatedAt > s.feed.maxAge) {
    fallbackProblem = `the last round before expiry (${f.roundId}) is ${s.expiry - f.updatedAt} s older than expiry, more than the feed's maximum age`;
  } else if (unguarded(s.feed, f.answer) !== undefined) {
    fallbackProblem = `the last round before expiry (${f.roundId}) cannot price it: ${unguarded(s.feed, f.answer)}`;
  }
  if (fallbackProblem === undefined && f !== undefined) {
    if (now >= fallbackAt) {
      return {
        action: "fallback",
        roundId: f.roundId,
        price: toWad(f.answer, s.feed.decimals),
        updatedAt: f.updatedAt,
        why: `${primaryProblem}; the fallback is open, and round ${f.roundId} is the last before expiry`,
      };
    }
    return {
      action: "wait",
      why: roundMayCome
        ? `${primaryProblem}: its next round settles it, else the fallback opens later`
        : `${primaryProblem}; the fallback opens later`,
      until: fallbackAt,
    };
  }
  if (now >= voidAt) {
    return { action: "void", why: `${primaryProblem}, and ${fallbackProblem ?? "no fallback"}; the void path is open` };
  }
  if (roundMayCome) {
    return {
      action: "wait",
      why: `${primaryProblem}: its next round settles it, else (${fallbackProblem ?? "no fallback"}) only the void path remains`,
    };
  }
  return {
    action: "wait",
    why: `${primaryProblem}, and ${fallbackProblem ?? "no fallback"}; only the void path remains`,
    until: voidAt,
  };
}

/** What a settlement reads and sends through (any TypeChain InstrumentVault or IInstrumentVault). */
export type SettlementVault = Pick<
  IInstrumentVault,
  "settlementParams" | "settle" | "settleFallback" | "settleVoid" | "runner"
>;

const FEED_ABI = [
  "function latestRoundData() view returns (uint80, int256, uint256, uint256, uint80)",
  "function getRoundData(uint80) view returns (uint80, int256, uint256, uint256, uint80)",
];

/**
 * How series `s` settles now: the rounds of its feed around expiry (`findSettlementRound`) judged by the contract's
 * rules (`planSettlement`), with the vault's delays.
 */
export async function settlementPlan(vault: SettlementVault, s: SeriesInfo, now: bigint): Promise<SettlementPlan> {
  if (s.state.source !== PriceSource.None || now < s.expiry) {
    return planSettlement(s, {}, now, { fallbackDelay: 0n, voidDelay: 0n });
  }
  const runner = vault.runner;
  const feed = new Contract(s.feed.aggregator, FEED_ABI, runner);
  const rounds = await findSettlementRound(
    {
      latestRoundData: () => feed.getFunction("latestRoundData")() as Promise<readonly unknown[]>,
      getRoundData: (id: bigint) => feed.getFunction("getRoundData")(id) as Promise<readonly unknown[]>,
    },
    s.expiry,
  );
  const p = await vault.settlementParams();
  return planSettlement(s, rounds, now, { fallbackDelay: p.fallbackDelay, voidDelay: p.voidDelay });
}

/** The transaction a plan sends, or undefined for a plan that sends nothing. */
export function settlementCall(
  vault: SettlementVault,
  id: bigint,
  plan: SettlementPlan,
): (() => Promise<ContractTransaction>) | undefined {
  if (plan.action === "settle") return () => vault.settle.populateTransaction(id, plan.roundId, plan.previousRoundId);
  if (plan.action === "fallback") return () => vault.settleFallback.populateTransaction(id, plan.roundId);
  if (plan.action === "void") return () => vault.settleVoid.populateTransaction(id);
  return undefined;
}
