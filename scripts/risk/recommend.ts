/**
 * Parameter recommendations per collateral asset: the values that keep P(bad debt > `badDebtLimit`) at or below
 * `targetProbability`, found by rerunning the simulation over a grid (`recommendPaths` paths per candidate, the same
 * paths for every candidate: common random numbers, so candidates differ by their parameters only).
 *
 * One asset at a time, the largest contributor to bad debt first (bad debt attributed per asset, then collateral
 * value), each search starting from the parameters already recommended
 * for the assets before it (coordinate search: the final set meets the target jointly when the grid allows), in this
 * order:
 *  1. liquidation threshold: the highest on the grid (50% … 95% in 2.5% steps, within the Vault's bounds:
 *     ≤ 98% and threshold × (1 + penalty) ≤ 100%) that meets the target; max LTV keeps its gap below the threshold;
 *  2. penalty: the lowest on the grid (1% … 15%) that meets the target at that threshold and is at least the keepers'
 *     slippage (`slippageBps`: the discount takers need is the liquidated owner's cost, not the protocol's; the model
 *     assumes keepers act whatever the penalty, so the penalty alone never pays for keepers). A lower penalty is
 *     fairer to borrowers; a higher one buys a bigger lot and more Treasury income;
 *  3. supply cap: the largest growth of the asset's exposure (every position holding it scaled by k = 1 … 20, debt
 *     with it) that still meets the target, as a cap in whole tokens; larger positions meet the same hourly keeper
 *     liquidity, so bad debt grows faster than the exposure;
 *  4. auction cap: the smallest per-asset cap on debt in auction (0.25 … 8 hours of keeper liquidity) that meets the
 *     target: the tightest circuit breaker that does not itself delay liquidations into bad debt.
 * When no grid value meets the target the safest one is recommended and a note says so.
 */
import { Interface } from "ethers";
import { ILiquidationEngine__factory, IVault__factory } from "../../typechain-types/index.js";
import { MAX_UINT256, WAD } from "../lib/math.js";
import { type RiskConfig, type Snapshot, healthAt } from "./model.js";
import { simulate } from "./simulate.js";

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
}

export interface Recommendation {
  asset: string;
  address: string;
  current: AssetParamsView;
  recommended: AssetParamsView;
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

/** P(bad debt > cfg.badDebtLimit) over `cfg.recommendPaths` paths. */
export function exceedance(snap: Snapshot, cfg: RiskConfig): number {
  const r = simulate(snap, { ...cfg, paths: cfg.recommendPaths, samplePaths: 0 });
  return r.outcomes.filter((o) => o.badDebtUsd > cfg.badDebtLimit).length / r.outcomes.length;
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

/** Recommends parameters for every asset (or those named in `only`), see the file comment. */
export function recommend(
  snap: Snapshot,
  cfg: RiskConfig,
  opts: { only?: string[]; log?: (line: string) => void } = {},
): Recommendation[] {
  const log = opts.log ?? (() => {});
  const ok = (p: number): boolean => p <= cfg.targetProbability;
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
  const blameTotal = blame.reduce((x, y) => x + y, 0);
  let work = snap; // parameters recommended so far
  for (const i of order) {
    const asset = snap.assets[i];
    if (asset === undefined) continue;
    if (opts.only !== undefined && !opts.only.includes(asset.symbol)) continue;
    const snap0 = work;
    const current = view(snap, i);
    const searched: Candidate[] = [];
    const notes: string[] = [];
    const probabilityCurrent = exceedance(snap0, cfg);
    const gap = current.liqThresholdBps - current.maxLtvBps;
    const ltv = (lt: bigint): bigint => (lt - gap < current.maxLtvBps ? (lt > gap ? lt - gap : 0n) : current.maxLtvBps);

    // 1. threshold: highest passing, searched from the top
    let lt: bigint | undefined;
    for (const cand of [...THRESHOLDS].reverse()) {
      if (!fitsBounds(cand, current.liqPenaltyBps)) continue;
      const p = exceedance(withAsset(snap0, i, { liqThresholdBps: cand, maxLtvBps: ltv(cand) }), cfg);
      searched.push({ param: "liqThresholdBps", value: cand.toString(), probability: p });
      if (ok(p)) {
        lt = cand;
        break;
      }
    }
    if (lt === undefined) {
      lt = current.liqThresholdBps;
      const share = blameTotal === 0 ? 0 : (blame[i] ?? 0) / blameTotal;
      notes.push(
        `no threshold on the grid meets the target through this asset alone (it carries ${(share * 100).toFixed(0)}% ` +
          "of the bad debt): the threshold is kept",
      );
    }
    let s = withAsset(snap0, i, { liqThresholdBps: lt, maxLtvBps: ltv(lt) });

    // 2. penalty: lowest passing at that threshold
    let pen: bigint | undefined;
    for (const cand of PENALTIES) {
      if (!fitsBounds(lt, cand) || cand < BigInt(cfg.slippageBps)) continue;
      const p = exceedance(withAsset(s, i, { liqPenaltyBps: cand }), cfg);
      searched.push({ param: "liqPenaltyBps", value: cand.toString(), probability: p });
      if (ok(p)) {
        pen = cand;
        break;
      }
    }
    if (pen === undefined) {
      pen = current.liqPenaltyBps;
      notes.push("no penalty on the grid meets the target at this threshold; the current penalty is kept");
    }
    s = withAsset(s, i, { liqPenaltyBps: pen });

    // 3. supply cap: largest passing growth of the exposure
    let supplyCap = current.supplyCap;
    const unit = 10n ** BigInt(asset.decimals);
    if (asset.total === 0n) {
      notes.push("no position holds this asset: nothing to measure, the supply cap is kept");
    } else {
      let best = 0;
      for (const k of GROWTH) {
        const p = exceedance(scaleExposure(s, i, k), cfg);
        searched.push({ param: "supplyCap", value: `${k}x`, probability: p });
        if (!ok(p)) break;
        best = k;
      }
      if (best === 0) {
        notes.push("even today's exposure misses the target: the supply cap is set to what is deposited (no growth)");
        best = 1;
      }
      const whole = (asset.total * BigInt(Math.round(best * 1000))) / 1000n / unit + 1n;
      supplyCap = whole > 2n ** 48n - 1n ? 2n ** 48n - 1n : whole;
    }

    // 4. auction cap: smallest passing multiple of an hour of keeper liquidity
    let auctionCap = current.auctionCap;
    const hourly = cfg.liquidityPerHour[asset.symbol] ?? cfg.liquidityDefault;
    let found = false;
    for (const hrs of CAP_HOURS) {
      const cap = BigInt(Math.round(hourly * hrs)) * 10n ** 18n;
      const p = exceedance(withAsset(s, i, { auctionCap: cap }), cfg);
      searched.push({ param: "auctionCap", value: cap.toString(), probability: p });
      if (ok(p)) {
        auctionCap = cap;
        found = true;
        break;
      }
    }
    if (!found) notes.push("no auction cap on the grid meets the target: the current cap is kept");
    s = withAsset(s, i, { auctionCap });

    const recommended: AssetParamsView = {
      maxLtvBps: ltv(lt),
      liqThresholdBps: lt,
      liqPenaltyBps: pen,
      supplyCap,
      auctionCap,
    };
    const probabilityRecommended = exceedance(s, cfg);
    log(
      `${asset.symbol}: threshold ${pct(current.liqThresholdBps)} → ${pct(lt)}, penalty ${pct(current.liqPenaltyBps)} → ` +
        `${pct(pen)}, P(bad debt > $${cfg.badDebtLimit}) ${probabilityCurrent.toFixed(4)} → ${probabilityRecommended.toFixed(4)}`,
    );
    const newly = newlyLiquidatable(snap0, s);
    if (newly.length > 0) {
      notes.push(
        `positions ${newly.map((id) => `#${id}`).join(", ")} would be liquidatable at once: ramp the threshold down ` +
          "or give their owners notice",
      );
    }
    out.push({
      asset: asset.symbol,
      address: asset.address,
      current,
      recommended,
      probabilityCurrent,
      probabilityRecommended,
      newlyLiquidatable: newly.map(String),
      searched,
      notes,
    });
    work = withAsset(snap0, i, recommended);
  }
  return out;
}

const pct = (bps: bigint): string => `${Number(bps) / 100}%`;

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
    if (a === undefined) continue;
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
