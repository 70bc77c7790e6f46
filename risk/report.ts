/**
 * The risk report: one JSON-safe object (bigints as decimal strings, USD figures as numbers rounded to the cent),
 * the terminal tables rendered from it, and the pictures. Nothing here depends on the clock, so the same snapshot,
 * configuration and seed give the same JSON byte for byte.
 */
import { formatDollars, formatShare, formatShort, renderTable } from "../sdk/format.js";
import { MAX_UINT256, pegOpen } from "../sdk/math.js";
import type { Exposure } from "./exposure.js";
import type { InstrumentRisk } from "./instruments.js";
import { type RiskConfig, type Snapshot, basketOf, healthAt } from "./model.js";
import { type GovernanceCall, MIN_EVIDENCE_PATHS, type Recommendation } from "./recommend.js";
import { type Estimate, estimate } from "./stats.js";
import type { SimResult } from "./simulate.js";
import { histogram, lineChart } from "../sdk/svg.js";

const cents = (x: number): number => Math.round(x * 100) / 100;
const r6 = (x: number): number => Math.round(x * 1e6) / 1e6;

/** Nearest-rank percentile `q` (0…1) of ascending `sorted`. */
export function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  const k = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[k] ?? 0;
}

export interface PositionRisk {
  id: string;
  owner: string;
  synth: string;
  basket: string;
  collateralUsd: number;
  debtUsd: number;
  health: string; // [wad]
  healthRatio: number;
  liquidatedShare: number;
  /** Whether a redemption may take from it now (`exposureOf` at the snapshot; false without a redeemer). */
  redeemableNow: boolean;
  /** Share of paths where a redemption could take from it in some hour. */
  redeemableShare: number;
  /** Per price: the price at which the position becomes liquidatable, the others held (null: never). */
  liquidationPrices: { asset: string; price: number | null; changePct: number | null }[];
}

/** Per position: exact health (mirror) and single-price liquidation prices. */
export function positionsAtRisk(snap: Snapshot, sim?: SimResult): PositionRisk[] {
  return snap.positions
    .map((p, k) => {
      const s = snap.synths[p.synth];
      if (s === undefined) throw new Error(`position ${p.id}: synthetic ${p.synth} missing`);
      const basket = basketOf(snap, p);
      const h = healthAt(snap, p);
      const dv = Number(h.debtValue) / 1e18;
      const contrib = new Map<number, number>(); // liquidation limit per asset [USD]
      p.assets.forEach((a, j) => {
        const as = snap.assets[a];
        const b = basket[j];
        if (as === undefined || b === undefined) return;
        const v = (Number(b.amount) / 10 ** as.decimals) * (Number(as.price) / 1e18);
        contrib.set(a, (contrib.get(a) ?? 0) + (v * Number(as.liqThresholdBps)) / 1e4);
      });
      const ll = [...contrib.values()].reduce((x, y) => x + y, 0);
      const moving = new Set<number>([...p.assets, ...(s.priceAsset >= 0 ? [s.priceAsset] : [])]);
      const liquidationPrices = [...moving].map((a) => {
        const as = snap.assets[a];
        const spot = Number(as?.price ?? 0n) / 1e18;
        const li = contrib.get(a) ?? 0;
        const lo = ll - li;
        let m: number | null;
        if (a === s.priceAsset)
          m = dv > li ? lo / (dv - li) : null; // liability moves with it too
        else m = li > 0 ? (dv - lo) / li : null;
        if (m !== null && !(m > 0)) m = null;
        return {
          asset: as?.symbol ?? String(a),
          price: m === null ? null : Math.round(m * spot * 1e4) / 1e4,
          changePct: m === null ? null : Math.round((m - 1) * 10_000) / 100,
        };
      });
      return {
        id: p.id.toString(),
        owner: p.owner,
        synth: s.symbol,
        basket: p.assets
          .map((a, j) => `${formatShort(p.amounts[j] ?? 0n, snap.assets[a]?.decimals ?? 18)} ${snap.assets[a]?.symbol}`)
          .join(" + "),
        collateralUsd: cents(Number(h.collateralValue) / 1e18),
        debtUsd: cents(dv),
        health: h.health === MAX_UINT256 ? "max" : h.health.toString(),
        healthRatio: h.health === MAX_UINT256 ? Infinity : Number(h.health) / 1e18,
        liquidatedShare: r6(sim?.liquidatedShare[k] ?? 0),
        redeemableNow: p.redemption?.redeemable ?? false,
        redeemableShare: r6(sim?.redeemableShare[k] ?? 0),
        liquidationPrices,
      };
    })
    .sort((a, b) => a.healthRatio - b.healthRatio);
}

/**
 * What risk calls collateralization, measured on the snapshot: the collateral of the positions with debt and of the
 * live auction lots, at oracle prices, over what they owe (position debt, auction debt, and bad debt not yet
 * covered) — the simulation's backing line at hour 0. It is not ReserveLens's system backing (`npm run reserves`):
 * that one counts every collateral the Vault and the engine hold, positions without debt included (leftovers owed
 * back to owners excluded), against every synthetic unit issued (supply plus unminted fees).
 */
export function collateralization(snap: Snapshot): { collateralUsd: number; debtUsd: number; ratio: number } {
  let c = 0;
  let d = 0;
  const price = (a: number): number => Number(snap.assets[a]?.price ?? 0n) / 1e18;
  const synthUsd = (k: number): number => {
    const pa = snap.synths[k]?.priceAsset ?? -1;
    return pa < 0 ? 1 : price(pa);
  };
  for (const p of snap.positions) {
    if (p.normDebt === 0n) continue;
    p.assets.forEach((a, j) => (c += (Number(p.amounts[j] ?? 0n) / 10 ** (snap.assets[a]?.decimals ?? 18)) * price(a)));
    const s = snap.synths[p.synth];
    d += (Number(p.normDebt) / 1e18) * (Number(s?.rateIndex ?? 0n) / 1e27) * synthUsd(p.synth);
  }
  for (const au of snap.auctions) {
    c += (Number(au.lot) / 10 ** (snap.assets[au.asset]?.decimals ?? 18)) * price(au.asset);
    d += (Number(au.debt) / 1e18) * synthUsd(au.synth);
  }
  snap.synths.forEach((s, k) => (d += (Number(s.badDebt) / 1e18) * synthUsd(k)));
  return { collateralUsd: c, debtUsd: d, ratio: d === 0 ? 0 : c / d };
}

/** The sentence the report prints under its collateralization figure. */
export const COLLATERALIZATION_MEASURES =
  "collateral of the positions with debt and of the auction lots, at oracle prices, over their debt (positions, " +
  "auctions, uncovered bad debt); ReserveLens's system backing (npm run reserves) differs: it counts all collateral " +
  "held, positions without debt too, over all synthetic supply and unminted fees";

const usdOf = (snap: Snapshot, synth: number): number => {
  const pa = snap.synths[synth]?.priceAsset ?? -1;
  return pa < 0 ? 1 : Number(snap.assets[pa]?.price ?? 0n) / 1e18;
};

/**
 * The coverage a module counts as short of: 1% under its debt. A module at exactly par (reserves = debt) dips under 1
 * by the reserve's smallest wobble on nearly every path; a 1% shortfall is a move of the reserve, not noise.
 */
export const UNDERCOVERED = 0.99;

/** One stability module: its reserves, debt and band now, and what the paths did to its coverage. */
export interface ModuleRisk {
  address: string;
  synth: string;
  reserve: string;
  reserves: string; // [token]
  reservesUsd: number;
  debt: string; // [wad]
  debtUsd: number;
  ceiling: string; // [wad]
  coverageNow: number | null; // reserves value / debt value (null without debt)
  /** [USD] Change of the module's net value (reserves − debt) for +1% of the reserve's price. */
  netMove1pctUsd: number;
  band: { bps: string; swapInOpen: boolean; swapOutOpen: boolean; frozenIn: boolean; frozenOut: boolean };
  fees: { inBps: string; outBps: string };
  paths: {
    /** Paths where the coverage fell below `UNDERCOVERED` (0.99) at some hour, with its bounds. */
    undercovered: Estimate;
    minCoverage: { p1: number | null; p5: number | null; p50: number | null; worst: number | null };
    shortfallUsd: { mean: number; p99: number; max: number };
    /** Share of paths with an hour in which the band refused swaps in, and share of all path-hours. */
    swapInRefusedPaths: number;
    swapInRefusedHours: number;
    swapOutRefusedPaths: number;
  };
}

/** The modules' part of the report (see `ModuleRisk`). */
export function modulesRisk(snap: Snapshot, sim: SimResult): ModuleRisk[] {
  const n = sim.outcomes.length;
  const hours = sim.hours + 1;
  return snap.modules.map((m, k) => {
    const reserve = snap.assets[m.asset];
    const reservesUsd = (Number(m.reserves) / 10 ** (reserve?.decimals ?? 18)) * (Number(reserve?.price ?? 0n) / 1e18);
    const debtUsd = (Number(m.debt) / 1e18) * usdOf(snap, m.synth);
    const os = sim.outcomes.map((o) => o.modules[k]).filter((o) => o !== undefined);
    const cov = os
      .map((o) => o.minCoverage)
      .filter(Number.isFinite)
      .sort((a, b) => a - b);
    const short = os.map((o) => o.shortfallUsd).sort((a, b) => a - b);
    const q = (x: number): number | null => (cov.length === 0 ? null : r6(percentile(cov, x)));
    const synthPrice = snap.synths[m.synth]?.priceAsset ?? -1;
    const open = pegOpen(
      reserve?.price ?? 0n,
      synthPrice < 0 ? 10n ** 18n : (snap.assets[synthPrice]?.price ?? 0n),
      m.bandBps,
    );
    return {
      address: m.address,
      synth: snap.synths[m.synth]?.symbol ?? String(m.synth),
      reserve: reserve?.symbol ?? String(m.asset),
      reserves: m.reserves.toString(),
      reservesUsd: cents(reservesUsd),
      debt: m.debt.toString(),
      debtUsd: cents(debtUsd),
      ceiling: m.ceiling.toString(),
      coverageNow: debtUsd === 0 ? null : r6(reservesUsd / debtUsd),
      netMove1pctUsd: cents(reservesUsd * 0.01),
      band: {
        bps: m.bandBps.toString(),
        swapInOpen: open.swapIn,
        swapOutOpen: open.swapOut,
        frozenIn: m.frozenIn,
        frozenOut: m.frozenOut,
      },
      fees: { inBps: m.feeInBps.toString(), outBps: m.feeOutBps.toString() },
      paths: {
        undercovered: estimate(os.filter((o) => o.minCoverage < UNDERCOVERED).length, n),
        minCoverage: { p1: q(0.01), p5: q(0.05), p50: q(0.5), worst: cov.length === 0 ? null : r6(cov[0] ?? 0) },
        shortfallUsd: {
          mean: cents(short.reduce((a, b) => a + b, 0) / Math.max(1, n)),
          p99: cents(percentile(short, 0.99)),
          max: cents(short[short.length - 1] ?? 0),
        },
        swapInRefusedPaths: r6(os.filter((o) => o.swapInRefusedHours > 0).length / Math.max(1, n)),
        swapInRefusedHours: r6(os.reduce((a, o) => a + o.swapInRefusedHours, 0) / Math.max(1, n * hours)),
        swapOutRefusedPaths: r6(os.filter((o) => o.swapOutRefusedHours > 0).length / Math.max(1, n)),
      },
    };
  });
}

/** Which positions redemptions reach: now (the chain's `exposureOf`) and along the paths. */
export interface RedemptionsRisk {
  address: string;
  params: Record<
    string,
    { redeemableHealth: string; minFeeBps: string; maxFeeBps: string; halfLife: string; baseRate: string }
  >;
  now: { id: string; synth: string; health: string; debtUsd: number; maxRedeemable: string; feeBps: string }[];
  nowDebtUsd: number;
  paths: {
    /** [USD] Per path, the most debt in redeemable positions in one hour. */
    peakDebtUsd: { mean: number; p95: number; max: number };
    /** Positions reached on some path, most often first. */
    positions: { id: string; synth: string; share: number }[];
  };
}

/** The redemptions' part of the report, or null without a redeemer. */
export function redemptionsRisk(snap: Snapshot, sim: SimResult): RedemptionsRisk | null {
  const r = snap.redemptions;
  if (r === undefined) return null;
  const now = snap.positions
    .filter((p) => p.redemption?.redeemable === true)
    .map((p) => {
      const h = healthAt(snap, p);
      return {
        id: p.id.toString(),
        synth: snap.synths[p.synth]?.symbol ?? String(p.synth),
        health: h.health.toString(),
        debtUsd: cents(Number(h.debtValue) / 1e18),
        maxRedeemable: (p.redemption?.maxRedeemable ?? 0n).toString(),
        feeBps: (p.redemption?.feeBps ?? 0n).toString(),
      };
    });
  const peaks = sim.outcomes.map((o) => o.redeemablePeakUsd).sort((a, b) => a - b);
  return {
    address: r.address,
    params: Object.fromEntries(
      r.params.map((p, k) => [
        snap.synths[k]?.symbol ?? String(k),
        {
          redeemableHealth: p.redeemableHealth.toString(),
          minFeeBps: p.minFeeBps.toString(),
          maxFeeBps: p.maxFeeBps.toString(),
          halfLife: p.halfLife.toString(),
          baseRate: p.baseRate.toString(),
        },
      ]),
    ),
    now,
    nowDebtUsd: cents(now.reduce((a, x) => a + x.debtUsd, 0)),
    paths: {
      peakDebtUsd: {
        mean: cents(peaks.reduce((a, b) => a + b, 0) / Math.max(1, peaks.length)),
        p95: cents(percentile(peaks, 0.95)),
        max: cents(peaks[peaks.length - 1] ?? 0),
      },
      positions: snap.positions
        .map((p, k) => ({
          id: p.id.toString(),
          synth: snap.synths[p.synth]?.symbol ?? String(p.synth),
          share: r6(sim.redeemableShare[k] ?? 0),
        }))
        .filter((x) => x.share > 0)
        .sort((a, b) => b.share - a.share),
    },
  };
}

/** Builds the JSON report. */
export function buildReport(
  snap: Snapshot,
  cfg: RiskConfig,
  sim: SimResult,
  exp: Exposure,
  recs: Recommendation[] | undefined,
  calls: GovernanceCall[] | undefined,
  instruments: InstrumentRisk = { series: [], perAsset: [], issued: [] },
): Record<string, unknown> {
  const bd = sim.outcomes.map((o) => o.badDebtUsd).sort((a, b) => a - b);
  const n = bd.length;
  const share = (f: (x: number) => boolean): number => r6(bd.filter(f).length / n);
  const mean = (xs: number[]): number => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);
  const thresholds = [0, 100, 1_000, 10_000, 100_000, cfg.badDebtLimit]
    .filter((x, i, a) => a.indexOf(x) === i)
    .sort((a, b) => a - b);
  const crashes = [...new Set(sim.outcomes.map((o) => o.crash ?? "none"))].sort();
  const byCrash = Object.fromEntries(
    crashes.map((c) => {
      const os = sim.outcomes.filter((o) => (o.crash ?? "none") === c);
      return [
        c,
        {
          paths: os.length,
          meanBadDebtUsd: cents(mean(os.map((o) => o.badDebtUsd))),
          probabilityAnyBadDebt: r6(os.filter((o) => o.badDebtUsd > 0).length / os.length),
        },
      ];
    }),
  );
  const H = sim.hours;
  const nA = snap.assets.length;
  const hourly = Array.from({ length: H + 1 }, (_, h) => ({
    hour: h,
    liquidatedUsdMean: cents(sim.liqUsdMean[h] ?? 0),
    liquidatedUsdMax: cents(sim.liqUsdMax[h] ?? 0),
    inAuctionUsdMax: cents(sim.dirtMax[h] ?? 0),
    capBindShare: r6(sim.capBindShare[h] ?? 0),
    assetInAuctionUsdMax: Object.fromEntries(
      snap.assets.map((a, i) => [a.symbol, cents(sim.assetDirtMax[h * nA + i] ?? 0)]),
    ),
  }));
  const backingQ = (q: number): number[] =>
    Array.from({ length: H + 1 }, (_, h) => {
      const col: number[] = [];
      for (let p = 0; p < sim.paths; p++) col.push(sim.backing[p * (H + 1) + h] ?? 0);
      col.sort((a, b) => a - b);
      return r6(percentile(col, q));
    });
  const positions = positionsAtRisk(snap, sim);
  const totalDebt = positions.reduce((x, p) => x + p.debtUsd, 0);
  const totalColl = positions.reduce((x, p) => x + p.collateralUsd, 0);
  const coll = collateralization(snap);
  return {
    network: snap.network,
    chainId: snap.chainId.toString(),
    block: snap.block.toString(),
    timestamp: snap.timestamp.toString(),
    addresses: snap.addresses,
    config: cfg,
    portfolio: {
      positions: snap.positions.length,
      collateralUsd: cents(totalColl),
      debtUsd: cents(totalDebt),
      collateralization: {
        ratio: r6(coll.ratio),
        collateralUsd: cents(coll.collateralUsd),
        debtUsd: cents(coll.debtUsd),
        measures: COLLATERALIZATION_MEASURES,
      },
      treasurySurplus: Object.fromEntries(snap.synths.map((s) => [s.symbol, s.surplus.toString()])),
      parameters: {
        targetHealth: snap.targetHealth.toString(),
        fullLiquidationHealth: snap.fullLiquidationHealth.toString(),
        auction: Object.fromEntries(Object.entries(snap.auction).map(([k, v]) => [k, v.toString()])),
        globalCap: snap.globalCap.toString(),
        assets: snap.assets.map((a) => ({
          symbol: a.symbol,
          address: a.address,
          price: a.price.toString(),
          maxLtvBps: a.maxLtvBps.toString(),
          liqThresholdBps: a.liqThresholdBps.toString(),
          liqPenaltyBps: a.liqPenaltyBps.toString(),
          supplyCap: a.supplyCap.toString(),
          total: a.total.toString(),
          auctionCap: a.cap.toString(),
        })),
      },
    },
    badDebt: {
      paths: n,
      meanUsd: cents(mean(bd)),
      meanRealizedUsd: cents(mean(sim.outcomes.map((o) => o.realizedUsd))),
      meanUnrealizedUsd: cents(mean(sim.outcomes.map((o) => o.unrealizedUsd))),
      percentilesUsd: {
        p50: cents(percentile(bd, 0.5)),
        p90: cents(percentile(bd, 0.9)),
        p95: cents(percentile(bd, 0.95)),
        p99: cents(percentile(bd, 0.99)),
        p999: cents(percentile(bd, 0.999)),
        max: cents(bd[n - 1] ?? 0),
      },
      probabilityAbove: Object.fromEntries(thresholds.map((t) => [String(t), share((x) => x > t)])),
      probabilityAboveLimit: share((x) => x > cfg.badDebtLimit),
      byCrash,
    },
    treasury: {
      probabilitySurplusCovers: r6(sim.outcomes.filter((o) => o.covered).length / n),
      meanPenaltiesUsd: cents(mean(sim.outcomes.map((o) => o.penaltiesUsd))),
      meanKeeperPayUsd: cents(mean(sim.outcomes.map((o) => o.keeperPayUsd))),
    },
    liquidations: {
      meanPerPath: r6(mean(sim.outcomes.map((o) => o.liquidations))),
      meanResetsPerPath: r6(mean(sim.outcomes.map((o) => o.resets))),
      pathsWhereCapsBound: r6(sim.outcomes.filter((o) => o.capRefusals > 0).length / n),
      peakHourUsd: cents(Math.max(...hourly.map((x) => x.liquidatedUsdMax))),
      peakInAuctionUsd: cents(Math.max(...hourly.map((x) => x.inAuctionUsdMax))),
      globalCapUsd: cents(Number(snap.globalCap) / 1e18),
      assetCapsUsd: Object.fromEntries(snap.assets.map((a) => [a.symbol, cents(Number(a.cap) / 1e18)])),
      hourly,
    },
    backing: { p1: backingQ(0.01), p5: backingQ(0.05), p50: backingQ(0.5) },
    positionsAtRisk: positions.slice(0, 10),
    modules: modulesRisk(snap, sim),
    redemptions: redemptionsRisk(snap, sim),
    exposure: exp,
    instruments,
    recommendations:
      recs?.map((r) => ({
        ...r,
        current: stringify(r.current),
        recommended: stringify(r.recommended),
      })) ?? null,
    governanceCalls: calls ?? null,
  };
}

function stringify(o: object): Record<string, string> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, String(v)]));
}

/** JSON text of a report (bigints as strings, Infinity as null). */
export function toJson(report: unknown): string {
  return JSON.stringify(report, (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2) + "\n";
}

const priceS = (x: number): string => (x >= 100 ? formatDollars(x) : `$${x.toFixed(3)}`);

/** The figures of `buildReport` that the text report prints. */
type TextReport = {
  portfolio: {
    positions: number;
    collateralUsd: number;
    debtUsd: number;
    collateralization: { ratio: number; collateralUsd: number; debtUsd: number };
  };
  badDebt: {
    meanUsd: number;
    percentilesUsd: Record<string, number>;
    probabilityAbove: Record<string, number>;
    probabilityAboveLimit: number;
    byCrash: Record<string, { paths: number; meanBadDebtUsd: number; probabilityAnyBadDebt: number }>;
  };
  treasury: { probabilitySurplusCovers: number; meanPenaltiesUsd: number; meanKeeperPayUsd: number };
  liquidations: {
    meanPerPath: number;
    peakHourUsd: number;
    peakInAuctionUsd: number;
    globalCapUsd: number;
    pathsWhereCapsBound: number;
    hourly: {
      hour: number;
      liquidatedUsdMean: number;
      liquidatedUsdMax: number;
      inAuctionUsdMax: number;
      capBindShare: number;
    }[];
  };
  positionsAtRisk: PositionRisk[];
  modules: ModuleRisk[];
  redemptions: RedemptionsRisk | null;
  exposure: Exposure;
  instruments: InstrumentRisk;
  recommendations:
    | (Omit<Recommendation, "current" | "recommended"> & {
        current: Record<string, string>;
        recommended: Record<string, string>;
      })[]
    | null;
  governanceCalls: GovernanceCall[] | null;
};

/**
 * The terminal summary of `report` (as built by `buildReport`): portfolio, bad debt, treasury and liquidations,
 * positions at risk, exposure, recommendations.
 */
export function renderText(report: ReturnType<typeof buildReport>, snap: Snapshot, cfg: RiskConfig): string {
  const r = report as TextReport;
  return [
    ...portfolioText(r, cfg),
    ...badDebtText(r, cfg),
    ...liquidationsText(r),
    ...positionsAtRiskText(r),
    ...modulesText(r),
    ...redemptionsText(r),
    ...exposureText(r, snap),
    ...instrumentsText(r),
    ...recommendationsText(r, cfg),
  ].join("\n");
}

/** The portfolio, its collateralization and the model. */
function portfolioText(r: TextReport, cfg: RiskConfig): string[] {
  const out: string[] = [];
  const cz = r.portfolio.collateralization;
  out.push(
    `Portfolio: ${r.portfolio.positions} positions with debt, collateral ${formatDollars(r.portfolio.collateralUsd)}, ` +
      `debt ${formatDollars(r.portfolio.debtUsd)}; collateralization ${(cz.ratio * 100).toFixed(1)}% ` +
      `(${formatDollars(cz.collateralUsd)} / ${formatDollars(cz.debtUsd)})`,
  );
  out.push(`  collateralization = ${COLLATERALIZATION_MEASURES}`);
  out.push(
    `Model: ${cfg.paths} paths × ${cfg.hours} h, seed ${cfg.seed}; vol ${Object.entries(cfg.vol)
      .map(([k, v]) => `${k} ${v * 100}%`)
      .join(", ")}; ` +
      `jumps ${cfg.jumps.perYear}/yr × t(${cfg.jumps.dof})·${cfg.jumps.scale}; crashes on ${cfg.crashShare * 100}% of paths; ` +
      `${cfg.depeg.assets.join("/") || "no reserve"} depegs on ${cfg.depeg.share * 100}% of paths; ` +
      `keepers ${cfg.keepers ? `on, slippage ${cfg.slippageBps / 100}%` : "OFF"}`,
  );
  return out;
}

/** Bad debt at the horizon: percentiles, exceedance probabilities, per crash scenario. */
function badDebtText(r: TextReport, cfg: RiskConfig): string[] {
  const out: string[] = [];
  out.push("\nBad debt at the horizon (realized + open shortfall), USD");
  const p = r.badDebt.percentilesUsd;
  out.push(
    renderTable(
      ["mean", "p50", "p90", "p95", "p99", "p99.9", "max", `P(> $${cfg.badDebtLimit})`, "target"],
      [
        [
          formatDollars(r.badDebt.meanUsd),
          formatDollars(p.p50 ?? 0),
          formatDollars(p.p90 ?? 0),
          formatDollars(p.p95 ?? 0),
          formatDollars(p.p99 ?? 0),
          formatDollars(p.p999 ?? 0),
          formatDollars(p.max ?? 0),
          formatShare(r.badDebt.probabilityAboveLimit),
          formatShare(cfg.targetProbability),
        ],
      ],
    ),
  );
  out.push(
    renderTable(
      ["P(bad debt > X)", ...Object.keys(r.badDebt.probabilityAbove).map((k) => formatDollars(Number(k)))],
      [["", ...Object.values(r.badDebt.probabilityAbove).map(formatShare)]],
    ),
  );
  out.push(
    renderTable(
      ["scenario", "paths", "mean bad debt", "P(any bad debt)"],
      Object.entries(r.badDebt.byCrash).map(([k, v]) => [
        k,
        String(v.paths),
        formatDollars(v.meanBadDebtUsd),
        formatShare(v.probabilityAnyBadDebt),
      ]),
      { align: { scenario: "left" } },
    ),
  );
  return out;
}

/** The Treasury, and liquidations: per path, peak hour, caps, the busiest hours. */
function liquidationsText(r: TextReport): string[] {
  const out: string[] = [];
  out.push(
    `\nTreasury: P(surplus covers the losses) ${formatShare(r.treasury.probabilitySurplusCovers)}; mean penalties ` +
      `${formatDollars(r.treasury.meanPenaltiesUsd)}, mean keeper pay ${formatDollars(r.treasury.meanKeeperPayUsd)}`,
  );
  const busiest = [...r.liquidations.hourly].sort((a, b) => b.liquidatedUsdMean - a.liquidatedUsdMean).slice(0, 5);
  out.push(
    `\nLiquidations: ${r.liquidations.meanPerPath.toFixed(2)} per path; peak ${formatDollars(r.liquidations.peakHourUsd)} in one hour; ` +
      `peak debt in auction ${formatDollars(r.liquidations.peakInAuctionUsd)} against the global cap ${formatDollars(r.liquidations.globalCapUsd)}; ` +
      `caps bound on ${formatShare(r.liquidations.pathsWhereCapsBound)} of paths`,
  );
  out.push(
    renderTable(
      ["hour", "liquidated mean", "liquidated max", "in auction max", "cap bound"],
      busiest.map((h) => [
        String(h.hour),
        formatDollars(h.liquidatedUsdMean),
        formatDollars(h.liquidatedUsdMax),
        formatDollars(h.inAuctionUsdMax),
        formatShare(h.capBindShare),
      ]),
    ),
  );
  return out;
}

/** The positions most at risk, with their liquidation prices. */
function positionsAtRiskText(r: TextReport): string[] {
  const out: string[] = [];
  out.push("\nPositions most at risk (health from the exact mirror; liquidation price: that price alone moving)");
  out.push(
    renderTable(
      ["id", "synth", "basket", "collateral", "debt", "health", "P(liquidated)", "redeemable", "liquidation prices"],
      r.positionsAtRisk
        .slice(0, 8)
        .map((x) => [
          `#${x.id}`,
          x.synth,
          x.basket,
          formatDollars(x.collateralUsd),
          formatDollars(x.debtUsd),
          Number.isFinite(x.healthRatio) ? x.healthRatio.toFixed(3) : "∞",
          formatShare(x.liquidatedShare),
          x.redeemableNow ? "now" : formatShare(x.redeemableShare),
          x.liquidationPrices
            .map(
              (l) =>
                `${l.asset} ${l.price === null ? "never" : `${priceS(l.price)} (${l.changePct! > 0 ? "+" : ""}${l.changePct}%)`}`,
            )
            .join(", "),
        ]),
      { align: { basket: "left", "liquidation prices": "left", synth: "left" } },
    ),
  );
  return out;
}

/** The stability modules: reserves against debt now, and their coverage along the paths. */
function modulesText(r: TextReport): string[] {
  if (r.modules.length === 0) return [];
  const out: string[] = [];
  out.push(
    "\nStability modules (reserves held as at the snapshot; coverage = reserves × reserve price / debt × synthetic " +
      "price, along each path)",
  );
  out.push(
    renderTable(
      [
        "module",
        "reserves",
        "debt",
        "coverage now",
        "net per +1%",
        "band",
        "P(coverage < 0.99)",
        "min coverage p1",
        "worst",
        "shortfall p99",
        "swap-in refused",
      ],
      r.modules.map((m) => [
        `${m.synth}/${m.reserve}`,
        formatDollars(m.reservesUsd),
        formatDollars(m.debtUsd),
        m.coverageNow === null ? "no debt" : m.coverageNow.toFixed(4),
        formatDollars(m.netMove1pctUsd),
        `±${Number(m.band.bps) / 100}%${m.band.swapInOpen ? "" : " (in refused now)"}`,
        `${formatShare(m.paths.undercovered.p)} (≤ ${formatShare(m.paths.undercovered.upper95)})`,
        m.paths.minCoverage.p1 === null ? "n/a" : m.paths.minCoverage.p1.toFixed(4),
        m.paths.minCoverage.worst === null ? "n/a" : m.paths.minCoverage.worst.toFixed(4),
        formatDollars(m.paths.shortfallUsd.p99),
        `${formatShare(m.paths.swapInRefusedPaths)} of paths`,
      ]),
      { align: { module: "left" } },
    ),
  );
  return out;
}

/** The positions redemptions reach now and along the paths. */
function redemptionsText(r: TextReport): string[] {
  const x = r.redemptions;
  if (x === null) return [];
  const out: string[] = [];
  const bounds = Object.entries(x.params)
    .map(([k, p]) =>
      p.redeemableHealth === "0" ? `${k} off` : `${k} below ${(Number(p.redeemableHealth) / 1e18).toFixed(2)}`,
    )
    .join(", ");
  out.push(
    `\nRedemptions (a position between health 1 and the redeemable health: ${bounds}): ${x.now.length} reachable now, ` +
      `debt ${formatDollars(x.nowDebtUsd)}${x.now.length === 0 ? "" : ` (${x.now.map((p) => `#${p.id}`).join(", ")})`}; ` +
      `along the paths the most debt reachable in one hour is ${formatDollars(x.paths.peakDebtUsd.mean)} on average, ` +
      `${formatDollars(x.paths.peakDebtUsd.p95)} at p95`,
  );
  if (x.paths.positions.length > 0) {
    out.push(
      renderTable(
        ["id", "synth", "P(reachable in some hour)"],
        x.paths.positions.slice(0, 8).map((p) => [`#${p.id}`, p.synth, formatShare(p.share)]),
        { align: { synth: "left" } },
      ),
    );
  }
  return out;
}

/** Exposure of the positions with debt to each asset, and the correlation of collateral and liabilities. */
function exposureText(r: TextReport, snap: Snapshot): string[] {
  const out: string[] = [];
  out.push(
    "\nExposure (finite differences, ±1%) of the positions with debt: change of their net value (collateral − debt) " +
      "and of their collateralization ratio (collateral / debt)",
  );
  out.push(
    renderTable(
      [
        "asset",
        "price",
        "collateral",
        "liabilities",
        "net per +1%",
        "ratio per +1%",
        "net gamma",
        "ratio gamma",
        ...snap.synths.map((s) => `${s.symbol} net per +1%`),
      ],
      r.exposure.assets.map((a) => [
        a.asset,
        formatDollars(a.price),
        formatDollars(a.collateralUsd),
        formatDollars(a.liabilityUsd),
        formatDollars(a.netMove1pct),
        `${(a.backingMove1pct * 100).toFixed(3)} pp`,
        a.netGamma.toExponential(2),
        a.backingGamma.toExponential(2),
        ...a.perSynth.map((x) => formatDollars(x.netMove1pct)),
      ]),
    ),
  );
  const c = r.exposure.correlation;
  out.push(
    `Correlation of hourly collateral and liability changes: overall ${c.overall === null ? "n/a" : c.overall.toFixed(3)}; ` +
      Object.entries(c.perSynth)
        .map(([k, v]) => `${k} ${v === null ? "n/a (liability does not move)" : v.toFixed(3)}`)
        .join("; "),
  );
  return out;
}

/**
 * The instrument vault's series (Black–Scholes at the run's volatility: value, delta and gamma of the open interest,
 * held by the longs and backed by the writers' collateral) and what the protocol has issued per asset, synthetics and
 * instruments together. Nothing when the deployment has no series.
 */
function instrumentsText(r: TextReport): string[] {
  const inst = r.instruments;
  if (inst.series.length === 0) return [];
  const out: string[] = [];
  out.push(
    "\nInstruments (fully backed; Black–Scholes at the run's volatility): the longs' value, delta and gamma per series",
  );
  out.push(
    renderTable(
      ["series", "kind", "underlying", "strike", "days left", "units", "σ", "value", "delta", "gamma", "per +1%"],
      inst.series.map((s) => [
        s.id,
        s.kind,
        s.underlying,
        priceS(s.strike),
        s.settled ? "settled" : s.expiresInDays.toFixed(1),
        s.units.toFixed(4),
        `${(s.vol * 100).toFixed(0)}%`,
        formatDollars(s.value),
        s.delta.toFixed(4),
        s.gamma.toExponential(2),
        formatDollars(s.move1pct),
      ]),
    ),
  );
  out.push("Issued exposure per asset (underlying units): synthetic debt priced by it + the instruments' long delta");
  out.push(
    renderTable(
      ["asset", "synthetics", "instruments", "issued", "per +1%"],
      inst.issued
        .filter((a) => a.syntheticUnits !== 0 || a.instrumentDelta !== 0)
        .map((a) => [
          a.asset,
          a.syntheticUnits.toFixed(4),
          a.instrumentDelta.toFixed(4),
          a.issuedDelta.toFixed(4),
          formatDollars(a.move1pct),
        ]),
    ),
  );
  return out;
}

/** The recommended parameters with their risk before and after, and the governance calls that apply them. */
function recommendationsText(r: TextReport, cfg: RiskConfig): string[] {
  if (r.recommendations === null) return [];
  const out: string[] = [];
  out.push(
    `\nRecommendations: keep P(bad debt > $${cfg.badDebtLimit}) ≤ ${formatShare(cfg.targetProbability)}. A looser value ` +
      `needs the one-sided 95% upper bound at or under it over at least ${MIN_EVIDENCE_PATHS.toLocaleString("en-US")} ` +
      `paths (evidence: ${cfg.evidencePaths.toLocaleString("en-US")} paths; screening: ${cfg.recommendPaths} ` +
      "per candidate); risk is shown as estimate (95% upper bound)",
  );
  const bp = (x: string | undefined): string => `${Number(x ?? 0) / 100}%`;
  const arrow = (a: string, b: string): string => (a === b ? a : `${a} → ${b}`);
  const risk = (e: Estimate | undefined): string =>
    e === undefined ? "-" : `${formatShare(e.p)} (≤ ${formatShare(e.upper95)})`;
  out.push(
    renderTable(
      ["asset", "max LTV", "threshold", "penalty", "supply cap", "auction cap", "risk now", "risk after", "notes"],
      r.recommendations.map((x) =>
        x.measured
          ? [
              x.asset,
              arrow(bp(x.current.maxLtvBps), bp(x.recommended.maxLtvBps)),
              arrow(bp(x.current.liqThresholdBps), bp(x.recommended.liqThresholdBps)),
              arrow(bp(x.current.liqPenaltyBps), bp(x.recommended.liqPenaltyBps)),
              arrow(x.current.supplyCap ?? "", x.recommended.supplyCap ?? ""),
              arrow(
                formatDollars(Number(x.current.auctionCap ?? 0) / 1e18),
                formatDollars(Number(x.recommended.auctionCap ?? 0) / 1e18),
              ),
              risk(x.evidence?.before),
              risk(x.evidence?.after),
              x.notes.join("; "),
            ]
          : [x.asset, "kept", "kept", "kept", "kept", "kept", "not measured", "not measured", x.reason ?? ""],
      ),
      { align: { notes: "left" } },
    ),
  );
  if (r.governanceCalls !== null && r.governanceCalls.length > 0) {
    out.push(
      "\nGovernance calls that apply them (target, function, calldata; schedule them through the AccessManager):",
    );
    for (const g of r.governanceCalls)
      out.push(`  ${g.contract} ${g.target} ${g.signature.split("(")[0]}(${g.args.join(", ")})\n    ${g.calldata}`);
  }
  return out;
}

/** The pictures: bad-debt histogram, sample price paths, backing ratio percentiles, liquidations per hour vs caps. */
export function pictures(
  snap: Snapshot,
  cfg: RiskConfig,
  sim: SimResult,
  report: ReturnType<typeof buildReport>,
): Record<string, string> {
  const rep = report as {
    backing: { p1: number[]; p5: number[]; p50: number[] };
    badDebt: { probabilityAboveLimit: number };
  };
  const nA = snap.assets.length;
  const files: Record<string, string> = {};
  const losses = sim.outcomes.map((o) => o.badDebtUsd).filter((x) => x > 0);
  files["bad-debt.svg"] = histogram(losses, {
    title: `Bad debt at the horizon: the ${losses.length} of ${sim.paths} paths with any`,
    xLabel: "bad debt (USD)",
    note: `P(> $${cfg.badDebtLimit}) = ${(rep.badDebt.probabilityAboveLimit * 100).toFixed(2)}%`,
  });
  const series = [];
  for (const [k, s] of sim.samples.entries()) {
    for (let a = 0; a < nA; a++) {
      const ys: number[] = [];
      for (let h = 0; h <= sim.hours; h++) ys.push((s[h * nA + a] ?? 1) * 100);
      series.push({
        ys,
        color: ["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd"][a % 4],
        opacity: 0.5,
        name: k === 0 ? snap.assets[a]?.symbol : undefined,
      });
    }
  }
  files["price-paths.svg"] = lineChart(series, {
    title: `Sample price paths (${sim.samples.length})`,
    xLabel: "hour",
    yLabel: "price (% of today)",
  });
  files["backing.svg"] = lineChart(
    [
      { name: "median", ys: rep.backing.p50.map((x) => x * 100) },
      { name: "5th percentile", ys: rep.backing.p5.map((x) => x * 100), color: "#ff7f0e" },
      { name: "1st percentile", ys: rep.backing.p1.map((x) => x * 100), color: "#d62728" },
      { name: "100%", ys: rep.backing.p50.map(() => 100), color: "#7f7f7f", dashed: true },
    ],
    {
      title: "Collateralization: positions with debt and auctions (collateral / their debt)",
      xLabel: "hour",
      yLabel: "%",
    },
  );
  files["liquidations.svg"] = lineChart(
    [
      { name: "liquidated per hour, max", ys: sim.liqUsdMax },
      { name: "liquidated per hour, mean", ys: sim.liqUsdMean, color: "#2ca02c" },
      { name: "debt in auction, max", ys: sim.dirtMax, color: "#ff7f0e" },
      {
        name: "global cap",
        ys: Array.from({ length: sim.hours + 1 }, () => Number(snap.globalCap) / 1e18),
        color: "#d62728",
        dashed: true,
      },
    ],
    { title: "Liquidation volume per hour against the caps", xLabel: "hour", yLabel: "USD", yMin: 0 },
  );
  return files;
}
