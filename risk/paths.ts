/**
 * Price paths for the collateral assets, hour by hour, as multipliers of the snapshot price (float: the market model
 * is statistics; every on-chain figure computed from a path goes through the exact bigint mirror).
 *
 *   log m_i(t) = log m_i(t−1) − σ_i²·dt/2 + σ_i·√dt·(L·z)_i + β_i·Σ J_k        (dt = 1 hour = 1/8760 year)
 *   m_i(t)    ← m_i(t) · crash(t − s)^β_i                                      (on a `crashShare` of the paths)
 *
 * z: independent standard normals; L: Cholesky factor of the correlation matrix (correlated random walks); J_k:
 * market-wide jumps, a compound Poisson process (`perYear` jumps a year) of Student-t sized log-jumps (`scale` × t(dof),
 * fat tails); crash: a replayed crash shape starting at a random hour s of the first half of the horizon; β_i: the
 * share of jumps and crashes the asset takes (0 for a stablecoin).
 *
 *   m_i(t)    ← m_i(t) · depeg(t − d)                                         (on a `depeg.share` of the paths, for
 *                                                                                the assets in `depeg.assets`)
 *
 * depeg: a reserve stablecoin losing its peg (a replayed shape from a random hour d of the first half), drawn from a
 * stream of its own so that the market draws of every path are the same with or without it.
 */
import type { RiskConfig, Snapshot } from "./model.js";
import { Rng, cholesky } from "./rng.js";

const HOURS_PER_YEAR = 8_760;

/** The model in the form `generatePath` runs, built once per simulation. */
export interface PathModel {
  n: number;
  hours: number;
  seed: number;
  sigma: Float64Array; // per hour
  drift: Float64Array; // per hour
  beta: Float64Array;
  chol: number[][];
  jumpRate: number; // per hour
  jumpScale: number;
  jumpDof: number;
  crashShare: number;
  crashes: RiskConfig["crashes"];
  /** 1 for the assets a depeg moves. */
  depegMask: Uint8Array;
  depegShare: number;
  depegShapes: RiskConfig["crashes"];
  /** Per asset: the index of the asset whose path it follows (`RiskConfig.follows`), or -1. */
  follow: Int32Array;
}

/** Offset of the depeg draws' seed: a stream apart from the market's. */
const DEPEG_SEED = 0x6a09e667;

export function buildPathModel(snap: Snapshot, cfg: RiskConfig): PathModel {
  const n = snap.assets.length;
  const sigma = new Float64Array(n);
  const drift = new Float64Array(n);
  const beta = new Float64Array(n);
  // an asset needs a volatility when something rides on it: a position's basket or a live auction; one nobody holds,
  // or one that follows another's path, does without
  const held = new Set<number>([...snap.positions.flatMap((p) => p.assets), ...snap.auctions.map((a) => a.asset)]);
  snap.assets.forEach((a, i) => {
    const vol = cfg.vol[a.symbol] ?? (held.has(i) && cfg.follows[a.symbol] === undefined ? undefined : 0);
    if (vol === undefined || !(vol >= 0)) {
      throw new Error(`no volatility for ${a.symbol}: set it with --vol ${a.symbol}=0.8 (annualized)`);
    }
    sigma[i] = vol / Math.sqrt(HOURS_PER_YEAR);
    drift[i] = -0.5 * (sigma[i] ?? 0) ** 2;
    beta[i] = cfg.beta[a.symbol] ?? 1;
  });
  const corr = cfg.correlation ?? snap.assets.map((_, i) => snap.assets.map((__, j) => (i === j ? 1 : 0)));
  if (corr.length !== n) throw new Error(`correlation matrix has ${corr.length} rows for ${n} assets`);
  const follow = new Int32Array(n).fill(-1);
  snap.assets.forEach((a, i) => {
    const leader = cfg.follows[a.symbol];
    if (leader !== undefined) follow[i] = snap.assets.findIndex((b) => b.symbol === leader);
  });
  const depegMask = new Uint8Array(n);
  snap.assets.forEach((a, i) => (depegMask[i] = cfg.depeg.assets.includes(a.symbol) ? 1 : 0));
  return {
    n,
    hours: cfg.hours,
    seed: cfg.seed,
    sigma,
    drift,
    beta,
    chol: cholesky(corr),
    jumpRate: cfg.jumps.perYear / HOURS_PER_YEAR,
    jumpScale: cfg.jumps.scale,
    jumpDof: cfg.jumps.dof,
    crashShare: cfg.crashShare,
    crashes: cfg.crashes,
    depegMask,
    depegShare: cfg.depeg.share,
    depegShapes: cfg.depeg.shapes,
    follow,
  };
}

/**
 * Fills `out` ((hours + 1) × n, row t = hour t) with path `index`'s price multipliers (row 0 is all 1).
 * @return the name of the crash replayed on this path, if any, and of the depeg (`crash+depeg` when both).
 */
export function generatePath(m: PathModel, index: number, out: Float64Array): string | undefined {
  const rng = new Rng(m.seed, index);
  const n = m.n;
  const z = new Float64Array(n);
  const x = new Float64Array(n); // log multipliers
  let crash: RiskConfig["crashes"][number] | undefined;
  let crashStart = 0;
  if (m.crashes.length > 0 && rng.uniform() < m.crashShare) {
    crash = m.crashes[rng.int(m.crashes.length)];
    crashStart = rng.int(Math.max(1, Math.floor(m.hours / 2)));
  }
  for (let i = 0; i < n; i++) out[i] = 1;
  for (let t = 1; t <= m.hours; t++) {
    for (let i = 0; i < n; i++) z[i] = rng.normal();
    let jump = 0;
    const k = m.jumpRate > 0 ? rng.poisson(m.jumpRate) : 0;
    for (let j = 0; j < k; j++) jump += m.jumpScale * rng.studentT(m.jumpDof);
    let crashLog = 0;
    if (crash !== undefined && t > crashStart) {
      const shape = crash.hourly;
      crashLog = Math.log(shape[Math.min(t - crashStart, shape.length - 1)] ?? 1);
    }
    for (let i = 0; i < n; i++) {
      const li = m.chol[i] as number[];
      let e = 0;
      for (let j = 0; j <= i; j++) e += (li[j] ?? 0) * (z[j] ?? 0);
      const b = m.beta[i] ?? 0;
      x[i] = (x[i] ?? 0) + (m.drift[i] ?? 0) + (m.sigma[i] ?? 0) * e + b * jump;
      out[t * n + i] = Math.exp((x[i] ?? 0) + b * crashLog);
    }
  }
  // a follower moves with its leader (after the leader's whole path is drawn, so the draws stay as they were)
  for (let i = 0; i < n; i++) {
    const leader = m.follow[i] ?? -1;
    if (leader < 0) continue;
    for (let t = 1; t <= m.hours; t++) out[t * n + i] = out[t * n + leader] ?? 1;
  }
  const depeg = applyDepeg(m, index, out);
  if (depeg === undefined) return crash?.name;
  return crash === undefined ? depeg : `${crash.name}+${depeg}`;
}

/** Multiplies the depegging assets' multipliers by a depeg shape on a `depegShare` of the paths; its name, if any. */
function applyDepeg(m: PathModel, index: number, out: Float64Array): string | undefined {
  if (m.depegShapes.length === 0 || m.depegShare <= 0 || !m.depegMask.includes(1)) return undefined;
  const rng = new Rng((m.seed + DEPEG_SEED) >>> 0, index);
  if (rng.uniform() >= m.depegShare) return undefined;
  const shape = m.depegShapes[rng.int(m.depegShapes.length)];
  if (shape === undefined) return undefined;
  const start = rng.int(Math.max(1, Math.floor(m.hours / 2)));
  const n = m.n;
  for (let t = start + 1; t <= m.hours; t++) {
    const f = shape.hourly[Math.min(t - start, shape.hourly.length - 1)] ?? 1;
    for (let i = 0; i < n; i++) if (m.depegMask[i] === 1) out[t * n + i] = (out[t * n + i] ?? 1) * f;
  }
  return shape.name;
}
