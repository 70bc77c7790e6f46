/**
 * Parameter recommendations per collateral asset: the values that keep P(bad debt > `badDebtLimit`) at or below
 * `targetProbability`, found by rerunning the simulation over a grid (the same paths for every candidate: common random
 * numbers, so candidates differ by their parameters only). Governance may apply the calldata this emits, so the rules
 * lean to safety:
 *
 * - **Measured assets only.** An asset no position with debt holds has nothing to simulate: it is marked
 *   `measured: false` with the reason, and nothing is recommended for it (no calldata).
 * - **Loosening needs evidence.** A looser value — a higher threshold or max LTV, a lower penalty, a higher supply cap
 *   or auction cap — is recommended only when, over at least `MIN_EVIDENCE_PATHS` (2,000) paths (`evidencePaths`),
 *   the one-sided 95% upper bound of P(bad debt > limit) is at or under the target (risk/stats.ts,
 *   Clopper–Pearson), with the asset's exposure at least doubled (`GROWTH_ROOM`: the growth the supply cap always
 *   leaves room for, so a looser value is not safe only for today's few positions). A screening run
 *   (`recommendPaths`) picks the candidate; the evidence run decides, stepping back toward today's value until a
 *   candidate passes, or keeping today's value.
 * - **One step at a time.** A looser threshold or penalty moves one step of the grid from today's value per run
 *   (2.5 points of threshold, the next lower penalty of the grid): a bounded change, like one a risk steward may
 *   apply, whose effect the next run measures before the next step. A tighter value needs no such limit.
 * - **Tightening needs the target missed.** A tighter value is recommended only when today's value misses the target
 *   (the estimate over `evidencePaths` is above it), and it is the least tightening that meets the target on the
 *   screening run.
 * - **Room for growth.** A supply cap is never cut below twice what is deposited today (`GROWTH_ROOM`); it is the
 *   largest growth of today's exposure whose evidence meets the target, and raising it needs the 95% bound.
 * - **Evidence attached.** Every recommendation carries the risk before and after over `evidencePaths` paths (the
 *   estimate, its one-sided 95% upper bound and its two-sided 95% interval), and every change its own evidence.
 *
 * One asset at a time, the largest contributor to bad debt first, each search starting from the parameters already
 * recommended for the assets before it, in this order: liquidation threshold (50% … 95% by 2.5%, within the Vault's
 * bounds; max LTV keeps its gap below it), penalty (1% … 15%, at least the keepers' slippage), supply cap (the largest
 * growth of the asset's exposure, 1× … 20×, that meets the target) and auction cap (the smallest of 0.25 … 8 hours of
 * keeper liquidity that meets the target).
 */
import { Interface } from "ethers";
import { ILiquidationEngine__factory, IVault__factory } from "../typechain-types/index.js";
import { formatBps, formatShare } from "../sdk/format.js";
import { MAX_UINT256, WAD } from "../sdk/math.js";
import { type RiskConfig, type Snapshot, healthAt } from "./model.js";
import { simulate } from "./simulate.js";
import { type Estimate, estimate } from "./stats.js";

/** The fewest paths a looser parameter's evidence may rest on. */
export const MIN_EVIDENCE_PATHS = 2_000;

/**
 * The growth of an asset's exposure a supply cap always leaves room for, and at which a looser threshold, penalty or
 * auction cap must still meet the target: twice today's.
 */
export const GROWTH_ROOM = 2;

export interface AssetParamsView {
  maxLtvBps: bigint;
  liqThresholdBps: bigint;
  liqPenaltyBps: bigint;
  supplyCap: bigint; // [whole tokens]
  auctionCap: bigint; // [wad USD]
}

export interface Candidate {
  param: "liqThresholdBps" | "liqPenaltyBps" | "supplyCap" | "auctionCap";
  value: string;
  probability: number;
  /** Paths of this run: the screening's, or the evidence's. */
  paths: number;
}

/** One parameter changed, and the evidence for it (with the changes before it on the same asset applied). */
export interface Change {
  param: keyof AssetParamsView;
  from: string;
  to: string;
  direction: "looser" | "tighter";
  evidence: Estimate;
}

export interface Recommendation {
  asset: string;
  address: string;
  /** False when nothing can be measured for the asset (`reason` says why): no recommendation, no calldata. */
  measured: boolean;
  reason?: string;
  current: AssetParamsView;
  recommended: AssetParamsView;
  changes: Change[];
  /** Risk before and after over `paths` paths (undefined when not measured). */
  evidence?: { paths: number; target: number; before: Estimate; after: Estimate };
  /** Point estimates of P(bad debt > limit) before and after (the evidence's). */
  probabilityCurrent: number;
  probabilityRecommended: number;
  /** Ids of positions healthy today that the recommended parameters would make liquidatable at today's prices. */
  newlyLiquidatable: string[];
  searched: Candidate[];
  notes: string[];
}

export interface GovernanceCall {
  target: string;
  contract: "Vault" | "LiquidationEngine";
  signature: string;
  args: string[];
  calldata: string;
  /** `AccessManager.schedule(target, calldata, 0)` for the time-locked role (when the Vault's authority is known). */
  schedule?: { target: string; calldata: string };
}

const THRESHOLDS = Array.from({ length: 19 }, (_, i) => 5_000n + 250n * BigInt(i)); // 50% … 95%
const PENALTIES = [100n, 200n, 300n, 500n, 700n, 1_000n, 1_500n];
const GROWTH = [1, 1.5, 2, 3, 5, 10, 20];
const CAP_HOURS = [0.25, 0.5, 1, 2, 4, 8];
const MAX_SUPPLY_CAP = 2n ** 48n - 1n;

/** A copy of `snap` with asset `i`'s parameters replaced. */
export function withAsset(snap: Snapshot, i: number, p: Partial<AssetParamsView>): Snapshot {
  return {
    ...snap,
    assets: snap.assets.map((a, j) =>
      j !== i
        ? a
        : {
            ...a,
            maxLtvBps: p.maxLtvBps ?? a.maxLtvBps,
            liqThresholdBps: p.liqThresholdBps ?? a.liqThresholdBps,
            liqPenaltyBps: p.liqPenaltyBps ?? a.liqPenaltyBps,
            supplyCap: p.supplyCap ?? a.supplyCap,
            cap: p.auctionCap ?? a.cap,
          },
    ),
  };
}

/** A copy of `snap` where every position holding asset `i` is `k` times larger (collateral and debt). */
export function scaleExposure(snap: Snapshot, i: number, k: number): Snapshot {
  const num = BigInt(Math.round(k * 1000));
  const scale = (x: bigint): bigint => (x * num) / 1000n;
  let total = 0n;
  const positions = snap.positions.map((p) => {
    if (!p.assets.includes(i)) return p;
    const amounts = p.amounts.map(scale);
    return { ...p, amounts, normDebt: scale(p.normDebt) };
  });
  for (const p of positions) p.assets.forEach((a, j) => (total += a === i ? (p.amounts[j] ?? 0n) : 0n));
  return { ...snap, positions, assets: snap.assets.map((a, j) => (j === i ? { ...a, total } : a)) };
}

/** P(bad debt > cfg.badDebtLimit) over `paths` paths (default `cfg.recommendPaths`), with its bounds. */
export function measure(snap: Snapshot, cfg: RiskConfig, paths = cfg.recommendPaths): Estimate {
  const r = simulate(snap, { ...cfg, paths, samplePaths: 0 });
  return estimate(r.outcomes.filter((o) => o.badDebtUsd > cfg.badDebtLimit).length, r.outcomes.length);
}

function view(snap: Snapshot, i: number): AssetParamsView {
  const a = snap.assets[i];
  if (a === undefined) throw new Error(`no asset ${i}`);
  return {
    maxLtvBps: a.maxLtvBps,
    liqThresholdBps: a.liqThresholdBps,
    liqPenaltyBps: a.liqPenaltyBps,
    supplyCap: a.supplyCap,
    auctionCap: a.cap,
  };
}

/** Ids of positions healthy under `before`'s parameters and liquidatable under `after`'s (exact mirror). */
export function newlyLiquidatable(before: Snapshot, after: Snapshot): bigint[] {
  const health = (snap: Snapshot, k: number): bigint => {
    const p = snap.positions[k];
    return p === undefined ? MAX_UINT256 : healthAt(snap, p).health;
  };
  const out: bigint[] = [];
  before.positions.forEach((p, k) => {
    if (health(before, k) >= WAD && health(after, k) < WAD) out.push(p.id);
  });
  return out;
}

const fitsBounds = (lt: bigint, pen: bigint): boolean => lt <= 9_800n && lt * (10_000n + pen) <= 10n ** 8n;

/** Whether a change of `param` from `from` to `to` loosens risk. */
export function isLooser(param: keyof AssetParamsView, from: bigint, to: bigint): boolean {
  return param === "liqPenaltyBps" ? to < from : to > from;
}

/** Recommends parameters for every asset (or those named in `only`), see the file comment. */
export function recommend(
  snap: Snapshot,
  cfg: RiskConfig,
  opts: { only?: string[]; log?: (line: string) => void } = {},
): Recommendation[] {
  const log = opts.log ?? (() => {});
  const target = cfg.targetProbability;
  const evidencePaths = cfg.evidencePaths;
  const canLoosen = evidencePaths >= MIN_EVIDENCE_PATHS;
  const out: Recommendation[] = [];
  const usdOf = (i: number): number => {
    const a = snap.assets[i];
    return a === undefined ? 0 : (Number(a.total) / 10 ** a.decimals) * (Number(a.price) / 1e18);
  };
  const base = simulate(snap, { ...cfg, paths: cfg.recommendPaths, samplePaths: 0 });
  const blame = snap.assets.map((_, i) => base.outcomes.reduce((x, o) => x + (o.byAsset[i] ?? 0), 0));
  const order = snap.assets
    .map((_, i) => i)
    .sort((x, y) => (blame[y] ?? 0) - (blame[x] ?? 0) || usdOf(y) - usdOf(x) || x - y);
  let work = snap; // parameters recommended so far
  for (const i of order) {
    const asset = snap.assets[i];
    if (asset === undefined) continue;
    if (opts.only !== undefined && !opts.only.includes(asset.symbol)) continue;
    const current = view(snap, i);
    const held = snap.positions.filter((p) => p.assets.includes(i) && (p.amounts[p.assets.indexOf(i)] ?? 0n) > 0n);
    if (held.length === 0) {
      const reason =
        `no position with debt holds ${asset.symbol}: the simulation has nothing to measure, so nothing is ` +
        "recommended (today's parameters stand)";
      log(`${asset.symbol}: not measured (${reason})`);
      out.push({
        asset: asset.symbol,
        address: asset.address,
        measured: false,
        reason,
        current,
        recommended: current,
        changes: [],
        probabilityCurrent: 0,
        probabilityRecommended: 0,
        newlyLiquidatable: [],
        searched: [],
        notes: [reason],
      });
      continue;
    }
    const snap0 = work;
    const searched: Candidate[] = [];
    const notes: string[] = [];
    const changes: Change[] = [];
    const screen = (s: Snapshot, param: Candidate["param"], value: string): number => {
      const p = measure(s, cfg).p;
      searched.push({ param, value, probability: p, paths: cfg.recommendPaths });
      return p;
    };
    const proof = (s: Snapshot, param: Candidate["param"], value: string): Estimate => {
      const e = measure(s, cfg, evidencePaths);
      searched.push({ param, value, probability: e.p, paths: evidencePaths });
      return e;
    };
    /**
     * Of `looser` candidates (most wanted first, today's value last excluded), the first whose evidence meets the
     * target; the screening picks where to start. Undefined when none does (today's value stands).
     */
    const loosen = <T>(
      param: Candidate["param"],
      candidates: T[],
      build: (c: T) => Snapshot,
      label: (c: T) => string,
    ): { value: T; evidence: Estimate } | undefined => {
      let start = -1;
      for (const [k, c] of candidates.entries()) {
        if (screen(build(c), param, label(c)) <= target) {
          start = k;
          break;
        }
      }
      if (start < 0) return undefined;
      if (!canLoosen) {
        notes.push(
          `${paramName(param)} ${label(candidates[start] as T)} met the target on the screening paths, but a looser ` +
            `value needs evidence over at least ${MIN_EVIDENCE_PATHS} paths (evidencePaths is ${evidencePaths}): kept`,
        );
        return undefined;
      }
      for (const c of candidates.slice(start)) {
        const e = proof(build(c), param, label(c));
        if (e.upper95 <= target) return { value: c, evidence: e };
      }
      notes.push(
        `${paramName(param)} ${label(candidates[start] as T)} met the target on ${cfg.recommendPaths} screening ` +
          `paths, but no looser value met it at 95% confidence over ${evidencePaths} paths (at ${GROWTH_ROOM}× ` +
          "today's exposure, or the exposure the cap allows): kept",
      );
      return undefined;
    };
    const before = measure(snap0, cfg, evidencePaths);
    const misses = before.p > target;
    const gap = current.liqThresholdBps - current.maxLtvBps;
    const ltv = (lt: bigint): bigint => (lt > gap ? lt - gap : 0n);

    const grown = (x: Snapshot): Snapshot => scaleExposure(x, i, GROWTH_ROOM);
    // 1. threshold
    let lt = current.liqThresholdBps;
    let ltEvidence: Estimate | undefined;
    const withLt = (c: bigint): Snapshot => withAsset(snap0, i, { liqThresholdBps: c, maxLtvBps: ltv(c) });
    if (misses) {
      const tighter = THRESHOLDS.filter((c) => c < current.liqThresholdBps).reverse();
      const found = tighter.find((c) => screen(withLt(c), "liqThresholdBps", c.toString()) <= target);
      if (found !== undefined) lt = found;
      else
        notes.push("no lower threshold on the grid meets the target through this asset alone: the threshold is kept");
    } else {
      // one step: the nearest higher threshold of the grid
      const looser = [...THRESHOLDS]
        .filter((c) => c > current.liqThresholdBps && fitsBounds(c, current.liqPenaltyBps))
        .slice(0, 1);
      const r = loosen(
        "liqThresholdBps",
        looser,
        (c) => grown(withLt(c)),
        (c) => `${formatBps(c)} at ${GROWTH_ROOM}x`,
      );
      if (r !== undefined) {
        lt = r.value;
        ltEvidence = r.evidence;
      }
    }
    let s = withLt(lt);
    if (lt !== current.liqThresholdBps) {
      const direction = isLooser("liqThresholdBps", current.liqThresholdBps, lt) ? "looser" : "tighter";
      const e = ltEvidence ?? measure(s, cfg, evidencePaths);
      changes.push({
        param: "liqThresholdBps",
        from: String(current.liqThresholdBps),
        to: String(lt),
        direction,
        evidence: e,
      });
      if (ltv(lt) !== current.maxLtvBps) {
        changes.push({
          param: "maxLtvBps",
          from: String(current.maxLtvBps),
          to: String(ltv(lt)),
          direction,
          evidence: e,
        });
      }
    }

    // 2. penalty
    let pen = current.liqPenaltyBps;
    const withPen = (c: bigint): Snapshot => withAsset(s, i, { liqPenaltyBps: c });
    const penaltyOk = (c: bigint): boolean => fitsBounds(lt, c) && c >= BigInt(cfg.slippageBps);
    let penEvidence: Estimate | undefined;
    if (misses && measure(s, cfg).p > target) {
      const higher = PENALTIES.filter((c) => c > current.liqPenaltyBps && penaltyOk(c));
      const found = higher.find((c) => screen(withPen(c), "liqPenaltyBps", c.toString()) <= target);
      if (found !== undefined) pen = found;
    } else if (!misses) {
      // one step: the nearest lower penalty of the grid
      const lower = PENALTIES.filter((c) => c < current.liqPenaltyBps && penaltyOk(c)).slice(-1);
      const r = loosen(
        "liqPenaltyBps",
        lower,
        (c) => grown(withPen(c)),
        (c) => `${formatBps(c)} at ${GROWTH_ROOM}x`,
      );
      if (r !== undefined) {
        pen = r.value;
        penEvidence = r.evidence;
      }
    }
    if (!fitsBounds(lt, pen)) pen = current.liqPenaltyBps;
    if (pen !== current.liqPenaltyBps) {
      s = withPen(pen);
      const direction = isLooser("liqPenaltyBps", current.liqPenaltyBps, pen) ? "looser" : "tighter";
      changes.push({
        param: "liqPenaltyBps",
        from: String(current.liqPenaltyBps),
        to: String(pen),
        direction,
        evidence: penEvidence ?? measure(s, cfg, evidencePaths),
      });
    }

    // 3. supply cap: the largest growth whose evidence meets the target, never under twice today's use
    const unit = 10n ** BigInt(asset.decimals);
    const use = (asset.total + unit - 1n) / unit; // [whole tokens] deposited today, rounded up
    const floor = BigInt(GROWTH_ROOM) * use;
    const capAt = (k: number): bigint => {
      const c = (asset.total * BigInt(Math.round(k * 1000)) + 1000n * unit - 1n) / (1000n * unit);
      return c > MAX_SUPPLY_CAP ? MAX_SUPPLY_CAP : c;
    };
    let supplyCap = current.supplyCap;
    let capEvidence: Estimate | undefined;
    let best = 0;
    for (const k of GROWTH) {
      if (screen(scaleExposure(s, i, k), "supplyCap", `${k}x`) > target) break;
      best = k;
    }
    if (best > 0 && capAt(best) > current.supplyCap) {
      // raising the cap: the 95% bound at the new exposure, stepping back toward today's cap
      const looser = GROWTH.filter((k) => capAt(k) > current.supplyCap && k <= best).reverse();
      const r = loosen(
        "supplyCap",
        looser,
        (k) => scaleExposure(s, i, k),
        (k) => `${k}x`,
      );
      if (r !== undefined) {
        supplyCap = capAt(r.value);
        capEvidence = r.evidence;
      }
    } else {
      // lowering it (or keeping it): the largest growth whose evidence meets the target, at least GROWTH_ROOM
      const steps = GROWTH.filter((k) => k <= Math.max(best, GROWTH_ROOM) && k >= GROWTH_ROOM).reverse();
      let chosen = GROWTH_ROOM;
      for (const k of steps) {
        const e = proof(scaleExposure(s, i, k), "supplyCap", `${k}x`);
        capEvidence = e;
        if (e.p <= target) {
          chosen = k;
          break;
        }
      }
      const next = capAt(chosen) > floor ? capAt(chosen) : floor;
      if (next < current.supplyCap) supplyCap = next;
      if (capEvidence !== undefined && capEvidence.p > target) {
        notes.push(
          `even ${GROWTH_ROOM}× today's exposure misses the target (${formatShare(capEvidence.p)}); the supply cap keeps room ` +
            `for twice today's use (${floor}): tighten the threshold or freeze the asset to stop its growth`,
        );
      }
    }
    if (supplyCap !== current.supplyCap) {
      changes.push({
        param: "supplyCap",
        from: String(current.supplyCap),
        to: String(supplyCap),
        direction: supplyCap > current.supplyCap ? "looser" : "tighter",
        evidence: capEvidence ?? measure(scaleExposure(s, i, GROWTH_ROOM), cfg, evidencePaths),
      });
    }

    // 4. auction cap: the smallest that meets the target
    let auctionCap = current.auctionCap;
    const hourly = cfg.liquidityPerHour[asset.symbol] ?? cfg.liquidityDefault;
    const caps = CAP_HOURS.map((h) => BigInt(Math.round(hourly * h)) * 10n ** 18n);
    const withCap = (c: bigint): Snapshot => withAsset(s, i, { auctionCap: c });
    // measured with room for growth, so the breaker does not bind as soon as the exposure grows
    const smallest = caps.find((c) => screen(grown(withCap(c)), "auctionCap", `${c} at ${GROWTH_ROOM}x`) <= target);
    if (smallest === undefined) notes.push("no auction cap on the grid meets the target: the current cap is kept");
    else if (smallest < current.auctionCap) auctionCap = smallest;
    else if (smallest > current.auctionCap) {
      const looser = caps.filter((c) => c > current.auctionCap && c >= smallest);
      const r = loosen(
        "auctionCap",
        looser,
        (c) => grown(withCap(c)),
        (c) => `${c} at ${GROWTH_ROOM}x`,
      );
      if (r !== undefined) auctionCap = r.value;
    }
    if (auctionCap !== current.auctionCap) {
      s = withCap(auctionCap);
      changes.push({
        param: "auctionCap",
        from: String(current.auctionCap),
        to: String(auctionCap),
        direction: isLooser("auctionCap", current.auctionCap, auctionCap) ? "looser" : "tighter",
        evidence: measure(s, cfg, evidencePaths),
      });
    }

    if (before.exceeded === 0 && changes.some((c) => c.direction === "looser" && c.evidence.exceeded === 0)) {
      notes.push(
        `no path's bad debt exceeds $${cfg.badDebtLimit} before or after (the looser values measured at ` +
          `${GROWTH_ROOM}× today's exposure): at this size the target cannot tell the values apart; a lower ` +
          "badDebtLimit measures finer",
      );
    }
    let recommended: AssetParamsView = {
      maxLtvBps: ltv(lt),
      liqThresholdBps: lt,
      liqPenaltyBps: pen,
      supplyCap,
      auctionCap,
    };
    if (lt === current.liqThresholdBps) recommended.maxLtvBps = current.maxLtvBps;
    let final = withAsset(snap0, i, recommended);
    let after = measure(final, cfg, evidencePaths);
    // the looser changes together must still meet the target with confidence; else they all go
    if (changes.some((c) => c.direction === "looser") && after.upper95 > target) {
      notes.push(
        `together the looser values miss the target at 95% confidence (upper bound ${formatShare(after.upper95)}): only the ` +
          "tighter ones are kept",
      );
      const keep = (param: keyof AssetParamsView): boolean =>
        changes.some((c) => c.param === param && c.direction === "tighter");
      recommended = {
        maxLtvBps: keep("maxLtvBps") ? recommended.maxLtvBps : current.maxLtvBps,
        liqThresholdBps: keep("liqThresholdBps") ? recommended.liqThresholdBps : current.liqThresholdBps,
        liqPenaltyBps: keep("liqPenaltyBps") ? recommended.liqPenaltyBps : current.liqPenaltyBps,
        supplyCap: keep("supplyCap") ? recommended.supplyCap : current.supplyCap,
        auctionCap: keep("auctionCap") ? recommended.auctionCap : current.auctionCap,
      };
      changes.splice(0, changes.length, ...changes.filter((c) => c.direction === "tighter"));
      final = withAsset(snap0, i, recommended);
      after = measure(final, cfg, evidencePaths);
    }
    log(
      `${asset.symbol}: threshold ${formatBps(current.liqThresholdBps)} → ${formatBps(recommended.liqThresholdBps)}, penalty ` +
        `${formatBps(current.liqPenaltyBps)} → ${formatBps(recommended.liqPenaltyBps)}, P(bad debt > $${cfg.badDebtLimit}) ` +
        `${formatShare(before.p)} (≤ ${formatShare(before.upper95)}) → ${formatShare(after.p)} (≤ ${formatShare(after.upper95)}) over ` +
        `${evidencePaths} paths`,
    );
    const newly = newlyLiquidatable(snap0, final);
    if (newly.length > 0) {
      notes.push(
        `positions ${newly.map((id) => `#${id}`).join(", ")} would be liquidatable at once: ramp the threshold down ` +
          "or give their owners notice",
      );
    }
    out.push({
      asset: asset.symbol,
      address: asset.address,
      measured: true,
      current,
      recommended,
      changes,
      evidence: { paths: evidencePaths, target, before, after },
      probabilityCurrent: before.p,
      probabilityRecommended: after.p,
      newlyLiquidatable: newly.map(String),
      searched,
      notes,
    });
    work = final;
  }
  return out;
}

const paramName = (p: Candidate["param"]): string =>
  ({ liqThresholdBps: "threshold", liqPenaltyBps: "penalty", supplyCap: "supply cap", auctionCap: "auction cap" })[p];

const SCHEDULE = new Interface([
  "function schedule(address target, bytes data, uint48 when) returns (bytes32, uint32)",
]);

/** The governance calls that apply `recs` (only what changes), with `AccessManager.schedule` wrappers. */
export function governanceCalls(snap: Snapshot, recs: Recommendation[]): GovernanceCall[] {
  const vault = IVault__factory.createInterface();
  const engine = ILiquidationEngine__factory.createInterface();
  const calls: GovernanceCall[] = [];
  const wrap = (target: string, calldata: string): GovernanceCall["schedule"] =>
    snap.addresses.authority === undefined
      ? undefined
      : { target: snap.addresses.authority, calldata: SCHEDULE.encodeFunctionData("schedule", [target, calldata, 0]) };
  for (const r of recs) {
    const a = snap.assets.find((x) => x.address === r.address);
    if (a === undefined || !r.measured) continue;
    const c = r.current;
    const n = r.recommended;
    if (
      c.maxLtvBps !== n.maxLtvBps ||
      c.liqThresholdBps !== n.liqThresholdBps ||
      c.liqPenaltyBps !== n.liqPenaltyBps ||
      c.supplyCap !== n.supplyCap
    ) {
      const params = {
        maxLtvBps: n.maxLtvBps,
        liqThresholdBps: n.liqThresholdBps,
        liqPenaltyBps: n.liqPenaltyBps,
        supplyCap: n.supplyCap,
        frozen: a.frozen,
      };
      const calldata = vault.encodeFunctionData("setAssetParams", [a.address, params]);
      calls.push({
        target: snap.addresses.vault,
        contract: "Vault",
        signature: "setAssetParams(address,(uint16,uint16,uint16,uint48,bool))",
        args: [a.address, `(${n.maxLtvBps}, ${n.liqThresholdBps}, ${n.liqPenaltyBps}, ${n.supplyCap}, ${a.frozen})`],
        calldata,
        schedule: wrap(snap.addresses.vault, calldata),
      });
    }
    if (c.auctionCap !== n.auctionCap) {
      const calldata = engine.encodeFunctionData("setAssetCap", [a.address, n.auctionCap]);
      calls.push({
        target: snap.addresses.engine,
        contract: "LiquidationEngine",
        signature: "setAssetCap(address,uint256)",
        args: [a.address, n.auctionCap.toString()],
        calldata,
        schedule: wrap(snap.addresses.engine, calldata),
      });
    }
  }
  return calls;
}
