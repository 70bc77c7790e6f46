/**
 * The risk steward and the risk oracle as the tools see them (contracts/risk/, `IRiskSteward`, `IRiskOracle`): the
 * parameters in the contract's order with their units, the statuses of `check` as sentences, and the readings the
 * `ballast steward` task, the risk engine's publisher and the keeper share (every pending recommendation with its
 * status; every stewarded parameter with its room). Whether a recommendation may apply is the steward's own rule
 * (`check`): nothing here decides it again.
 *
 * Units per parameter: SupplyCap [whole tokens]; MaxLtv, LiqThreshold, KeeperChip [bps]; DebtCeiling, KeeperTip [wad of
 * the synthetic]; AuctionCap [wad USD]; BaseRate, SlopeLow, SlopeHigh [wad/yr].
 */
import { ZeroAddress } from "ethers";
import type { RiskOracle, RiskSteward } from "../typechain-types/index.js";
import { formatWad } from "./format.js";

/** The parameters the steward can move, in `IRiskSteward.Param` order. */
export const STEWARD_PARAMS = [
  "SupplyCap",
  "MaxLtv",
  "LiqThreshold",
  "DebtCeiling",
  "AuctionCap",
  "KeeperTip",
  "KeeperChip",
  "BaseRate",
  "SlopeLow",
  "SlopeHigh",
] as const;
export type StewardParam = (typeof STEWARD_PARAMS)[number];
/** The names, indexable by the contract's number. */
export const STEWARD_PARAM_NAMES: readonly string[] = STEWARD_PARAMS;

/** Parameters whose target is a collateral asset (AuctionCap also takes address(0): the global cap). */
export const ASSET_PARAMS: readonly StewardParam[] = ["SupplyCap", "MaxLtv", "LiqThreshold", "AuctionCap"];

/** `IRiskSteward.Status`, in order. */
export const STEWARD_STATUSES = [
  "Applicable",
  "Unknown",
  "Superseded",
  "Applied",
  "Expired",
  "Paused",
  "NotStewarded",
  "UnknownTarget",
  "Unchanged",
  "ThresholdIncrease",
  "OutOfBounds",
  "ChangeTooLarge",
  "TooSoon",
  "VolatilityGate",
] as const;
export type StewardStatus = (typeof STEWARD_STATUSES)[number];

/** Statuses after which a recommendation can never apply. */
export const FINAL_STATUSES: readonly StewardStatus[] = ["Unknown", "Superseded", "Applied", "Expired"];

const MAX_UINT = 2n ** 256n - 1n;

/** `value` of `param` in human units ("1,200,000 tokens", "80.00%", "2.5 bUSD", "$10,000,000", "4.00%/yr"). */
export function formatStewardValue(param: StewardParam, value: bigint, unit = ""): string {
  switch (param) {
    case "SupplyCap":
      return `${value.toLocaleString("en-US")} ${unit === "" ? "tokens" : unit}`;
    case "MaxLtv":
    case "LiqThreshold":
    case "KeeperChip":
      return `${(Number(value) / 100).toFixed(2)}%`;
    case "AuctionCap":
      return `$${formatWad(value, 0)}`;
    case "DebtCeiling":
    case "KeeperTip":
      return `${formatWad(value, 4)}${unit === "" ? "" : ` ${unit}`}`;
    default:
      return `${(Number(value) / 1e16).toFixed(2)}%/yr`;
  }
}

/** Why a recommendation with `status` and `detail` cannot apply now, as one sentence (empty when it can). */
export function explainStatus(param: StewardParam, status: StewardStatus, detail: bigint, unit = ""): string {
  switch (status) {
    case "Applicable":
      return "";
    case "Unknown":
      return "no such recommendation";
    case "Superseded":
      return `superseded by recommendation #${detail}`;
    case "Applied":
      return "already applied";
    case "Expired":
      return `expired at ${iso(detail)}`;
    case "Paused":
      return "the guardian paused the steward";
    case "NotStewarded":
      return "the steward has no bounds for this parameter: it moves through governance only";
    case "UnknownTarget":
      return "the target is not a listed asset, a synthetic, or (for a rate) a synthetic on a dynamic rate model";
    case "Unchanged":
      return "the value is the current one";
    case "ThresholdIncrease":
      return "a liquidation threshold only goes down through the steward";
    case "OutOfBounds":
      return `outside the bounds: the limit is ${formatStewardValue(param, detail, unit)}`;
    case "ChangeTooLarge":
      return `a larger change than one step allows (${formatStewardValue(param, detail, unit)} at most)`;
    case "TooSoon":
      return `the parameter changed less than its interval ago: next change from ${iso(detail)}`;
    case "VolatilityGate":
      return detail === MAX_UINT
        ? "loosening needs a fresh observed volatility (12 returns at least, recent): none yet"
        : `loosening waits for calmer markets: observed volatility ${(Number(detail) / 1e16).toFixed(0)}% is over the gate`;
  }
}

function iso(seconds: bigint): string {
  return new Date(Number(seconds) * 1000).toISOString().replace(".000Z", "Z");
}

/** One published recommendation with the steward's verdict now. */
export interface RecommendationState {
  id: bigint;
  param: StewardParam;
  target: string;
  value: bigint;
  validUntil: bigint;
  evidence: string;
  status: StewardStatus;
  /** The parameter's value now (0 when the status is decided before reading it). */
  current: bigint;
  detail: bigint;
}

/** Every recommendation from `fromId` on, with its status (`check`): what the task lists and the keeper applies. */
export async function recommendations(
  riskOracle: RiskOracle,
  steward: RiskSteward,
  fromId = 1n,
): Promise<RecommendationState[]> {
  const out: RecommendationState[] = [];
  const count = await riskOracle.count();
  for (let id = fromId; id <= count; id++) {
    const r = await riskOracle.recommendation(id);
    const [status, current, detail] = await steward.check(id);
    out.push({
      id,
      param: (STEWARD_PARAMS[Number(r.param)] ?? `#${r.param}`) as StewardParam,
      target: r.target,
      value: r.value,
      validUntil: r.validUntil,
      evidence: r.evidence,
      status: STEWARD_STATUSES[Number(status)] ?? "Unknown",
      current,
      detail,
    });
  }
  return out;
}

/** One stewarded parameter: its bounds and the room an application has now. */
export interface ParameterRoom {
  param: StewardParam;
  target: string;
  current: bigint;
  /** The range a recommendation applied now may set (the gate's closed side equals `current`). */
  lowest: bigint;
  highest: bigint;
  /** [s] The earliest time of the next change (0: now). */
  nextAt: bigint;
  minValue: bigint;
  maxValue: bigint;
  maxChangeBps: bigint;
  minInterval: bigint;
  /** [wad] The gate, and what the observer sees now (max uint: too few or too old observations). */
  maxVolatility: bigint;
  volAsset: string;
  looseningOpen: boolean;
  volatility: bigint;
}

/** The room of each (param, target) in `keys` that has bounds. */
export async function rooms(
  steward: RiskSteward,
  keys: Array<{ param: StewardParam; target: string }>,
): Promise<ParameterRoom[]> {
  const out: ParameterRoom[] = [];
  for (const { param, target } of keys) {
    const p = STEWARD_PARAMS.indexOf(param);
    const b = await steward.boundsOf(p, target);
    if (b.minInterval === 0n) continue;
    const [current, lowest, highest, nextAt] = await steward.room(p, target);
    const [open, volatility] = await steward.looseningOpen({
      maxChangeBps: b.maxChangeBps,
      minInterval: b.minInterval,
      maxVolatility: b.maxVolatility,
      volAsset: b.volAsset,
      minValue: b.minValue,
      maxValue: b.maxValue,
      step: b.step,
    });
    out.push({
      param,
      target,
      current,
      lowest,
      highest,
      nextAt,
      minValue: b.minValue,
      maxValue: b.maxValue,
      maxChangeBps: b.maxChangeBps,
      minInterval: b.minInterval,
      maxVolatility: b.maxVolatility,
      volAsset: b.volAsset,
      looseningOpen: open,
      volatility,
    });
  }
  return out;
}

/** Every (param, target) the steward could have bounds for in a deployment with `assets` and `synthetics` (tokens). */
export function stewardKeys(assets: string[], synthetics: string[]): Array<{ param: StewardParam; target: string }> {
  const keys: Array<{ param: StewardParam; target: string }> = [];
  for (const param of STEWARD_PARAMS) {
    const targets = ASSET_PARAMS.includes(param) ? assets : synthetics;
    for (const target of targets) keys.push({ param, target });
  }
  keys.push({ param: "AuctionCap", target: ZeroAddress });
  return keys;
}

/** How far a parameter can go through the steward alone over `days` (a compromised publisher's worst case). */
export interface WorstCase {
  /** The lowest and highest values reachable from `current` (the highest only with the volatility gate open). */
  lowest: bigint;
  highest: bigint;
  /** Applications needed to reach each, and the days they take (the first is immediate). */
  stepsDown: number;
  daysDown: number;
  stepsUp: number;
  daysUp: number;
}

/**
 * The worst case over `days` for bounds `b` from value `current`: one application per `minInterval` (the first at
 * once), each moving by the larger of `maxChangeBps` of the value then and `step`, never past the bounds. A threshold
 * only goes down (and then ramps in over the Vault's ramp duration); a parameter whose gate is 0 never goes up; a rate
 * going down is the loosening, but both directions are reachable as computed here.
 */
export function worstCase(
  param: StewardParam,
  b: {
    maxChangeBps: bigint;
    minInterval: bigint;
    maxVolatility: bigint;
    minValue: bigint;
    maxValue: bigint;
    step: bigint;
  },
  current: bigint,
  days = 30,
): WorstCase {
  const applications = Math.floor((days * 86_400) / Number(b.minInterval)) + 1;
  const move = (v: bigint): bigint => {
    const share = (v * b.maxChangeBps) / 10_000n;
    return share > b.step ? share : b.step;
  };
  let lowest = current;
  let stepsDown = 0;
  while (stepsDown < applications && lowest > b.minValue) {
    const m = move(lowest);
    if (m === 0n) break;
    lowest = lowest - m < b.minValue ? b.minValue : lowest - m;
    stepsDown++;
  }
  let highest = current;
  let stepsUp = 0;
  const upAllowed =
    param !== "LiqThreshold" && (b.maxVolatility > 0n || ["BaseRate", "SlopeLow", "SlopeHigh"].includes(param));
  while (upAllowed && stepsUp < applications && highest < b.maxValue) {
    const m = move(highest);
    if (m === 0n) break;
    highest = highest + m > b.maxValue ? b.maxValue : highest + m;
    stepsUp++;
  }
  const daysOf = (steps: number) => (steps <= 1 ? 0 : ((steps - 1) * Number(b.minInterval)) / 86_400);
  return { lowest, highest, stepsDown, daysDown: daysOf(stepsDown), stepsUp, daysUp: daysOf(stepsUp) };
}
