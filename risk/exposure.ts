/**
 * The protocol's exposure to each collateral price: how the backing moves when one price moves, the others held.
 *
 *   net(P)     = Σ collateral value − Σ liability value      [USD]   (positions with debt, at oracle prices)
 *   backing(P) = Σ collateral value / Σ liability value
 *
 * For each asset i, with a relative bump h (1%), central finite differences:
 *   delta_i = (f(P_i·(1+h)) − f(P_i·(1−h))) / (2·h·P_i)              [USD per USD of price, or 1/USD for backing]
 *   gamma_i = (f(P_i·(1+h)) − 2·f(P) + f(P_i·(1−h))) / (h·P_i)²
 * and `move1pct` = delta_i · P_i / 100, the change for a 1% move. net is linear in each price, so its gamma is zero up
 * to rounding; the backing ratio is not (a price both backs and prices a liability, like WETH under bETH).
 * Per synthetic the same figures show which liabilities are hedged: bETH backed by WETH has a net delta to WETH near
 * its collateral's excess only; bUSD backed by WETH carries the whole WETH delta.
 * Correlation: of hourly changes in collateral value and in liability value over simulated paths (no liquidations),
 * overall and per synthetic (null when the liability does not move, e.g. a USD synthetic).
 */
import type { RiskConfig, Snapshot } from "./model.js";
import { buildPathModel, generatePath } from "./paths.js";

export interface AssetExposure {
  asset: string;
  price: number; // USD
  collateralUsd: number;
  liabilityUsd: number; // liabilities priced by this asset
  netDelta: number;
  netGamma: number;
  netMove1pct: number; // USD
  backingDelta: number;
  backingGamma: number;
  backingMove1pct: number; // change of the ratio
  perSynth: { synth: string; netDelta: number; netMove1pct: number }[];
}

export interface Exposure {
  bump: number;
  collateralUsd: number;
  liabilityUsd: number;
  backing: number;
  assets: AssetExposure[];
  correlation: { overall: number | null; perSynth: Record<string, number | null> };
}

/** Collateral and liability value [USD] of the positions of `synth` (-1: all) at prices `p` (USD per whole unit). */
function values(snap: Snapshot, p: number[], synth: number): { c: number; l: number } {
  let c = 0;
  let l = 0;
  for (const pos of snap.positions) {
    if (synth >= 0 && pos.synth !== synth) continue;
    pos.assets.forEach((a, j) => {
      const as = snap.assets[a];
      if (as !== undefined) c += (Number(pos.amounts[j] ?? 0n) / 10 ** as.decimals) * (p[a] ?? 0);
    });
    const s = snap.synths[pos.synth];
    if (s === undefined) continue;
    const debt = (Number(pos.normDebt) / 1e18) * (Number(s.rateIndex) / 1e27);
    l += debt * (s.priceAsset < 0 ? 1 : (p[s.priceAsset] ?? 0));
  }
  return { c, l };
}

export function exposure(snap: Snapshot, cfg: RiskConfig, bump = 0.01, corrPaths = 200): Exposure {
  const spot = snap.assets.map((a) => Number(a.price) / 1e18);
  const base = values(snap, spot, -1);
  const net = (v: { c: number; l: number }): number => v.c - v.l;
  const ratio = (v: { c: number; l: number }): number => (v.l === 0 ? 0 : v.c / v.l);
  const bumped = (i: number, f: number): number[] => spot.map((x, j) => (j === i ? x * f : x));
  const assets: AssetExposure[] = snap.assets.map((a, i) => {
    const P = spot[i] ?? 0;
    const dP = bump * P;
    const up = values(snap, bumped(i, 1 + bump), -1);
    const dn = values(snap, bumped(i, 1 - bump), -1);
    const netDelta = (net(up) - net(dn)) / (2 * dP);
    const netGamma = (net(up) - 2 * net(base) + net(dn)) / (dP * dP);
    const backingDelta = (ratio(up) - ratio(dn)) / (2 * dP);
    const backingGamma = (ratio(up) - 2 * ratio(base) + ratio(dn)) / (dP * dP);
    let collateralUsd = 0;
    for (const pos of snap.positions) {
      pos.assets.forEach((x, j) => {
        if (x === i) collateralUsd += (Number(pos.amounts[j] ?? 0n) / 10 ** a.decimals) * P;
      });
    }
    let liabilityUsd = 0;
    snap.synths.forEach((s, k) => {
      if (s.priceAsset === i) liabilityUsd += values(snap, spot, k).l;
    });
    const perSynth = snap.synths.map((s, k) => {
      const u = values(snap, bumped(i, 1 + bump), k);
      const d = values(snap, bumped(i, 1 - bump), k);
      const delta = (net(u) - net(d)) / (2 * dP);
      return { synth: s.symbol, netDelta: delta, netMove1pct: (delta * P) / 100 };
    });
    return {
      asset: a.symbol,
      price: P,
      collateralUsd,
      liabilityUsd,
      netDelta,
      netGamma,
      netMove1pct: (netDelta * P) / 100,
      backingDelta,
      backingGamma,
      backingMove1pct: (backingDelta * P) / 100,
      perSynth,
    };
  });

  // correlation of hourly changes of collateral and liability value, over simulated paths
  const model = buildPathModel(snap, cfg);
  const n = snap.assets.length;
  const buf = new Float64Array((cfg.hours + 1) * n);
  const series = [-1, ...snap.synths.map((_, k) => k)].map(() => ({ dc: [] as number[], dl: [] as number[] }));
  for (let p = 0; p < corrPaths; p++) {
    generatePath(model, p, buf);
    let prev = series.map((_, k) => values(snap, spot, k - 1));
    for (let t = 1; t <= cfg.hours; t++) {
      const prices = spot.map((x, i) => x * (buf[t * n + i] ?? 1));
      const now = series.map((_, k) => values(snap, prices, k - 1));
      series.forEach((sr, k) => {
        sr.dc.push((now[k]?.c ?? 0) - (prev[k]?.c ?? 0));
        sr.dl.push((now[k]?.l ?? 0) - (prev[k]?.l ?? 0));
      });
      prev = now;
    }
  }
  const perSynth: Record<string, number | null> = {};
  snap.synths.forEach((s, k) => {
    const sr = series[k + 1];
    perSynth[s.symbol] = sr === undefined ? null : pearson(sr.dc, sr.dl);
  });
  const all = series[0];
  return {
    bump,
    collateralUsd: base.c,
    liabilityUsd: base.l,
    backing: ratio(base),
    assets,
    correlation: { overall: all === undefined ? null : pearson(all.dc, all.dl), perSynth },
  };
}

/** Pearson correlation, or null when either series does not vary. */
export function pearson(x: number[], y: number[]): number | null {
  const n = Math.min(x.length, y.length);
  if (n < 2) return null;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i] ?? 0;
    my += y[i] ?? 0;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (x[i] ?? 0) - mx;
    const dy = (y[i] ?? 0) - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx <= 1e-18 * n || syy <= 1e-18 * n) return null;
  return sxy / Math.sqrt(sxx * syy);
}
