/**
 * Plays out liquidations hour by hour along simulated price paths, with the engine's own rules through the exact
 * bigint mirror (`sdk/math.ts`): health and the liquidation plan (threshold, target health, full-liquidation
 * rule, minimum debt, caps on debt in auction, penalty, seized fraction, keeper pay), the split into one auction per
 * basket asset, the auction price curve, resets, takes (dust rule, debt burned first, penalty to the Treasury,
 * leftovers to the owner, shortfall written off as bad debt).
 *
 * Keeper-liquidity assumption: in each hour keepers (1) liquidate every position below its liquidation limit, as far
 * as the caps allow, then (2) take every auction at the first point of its price curve at or below
 * oracle × (1 − slippage), up to `liquidityPerHour` [USD] per asset and hour, and reset auctions that fall below their
 * floor or run past `maxDuration` before that. The oracle price is the path's price for the whole hour.
 *
 * Speed: a float pre-screen skips positions whose float health is above 1 + 1e-6 (float error is below 1e-12, so no
 * liquidatable position is skipped); every position that could be liquidatable is decided by the bigint mirror.
 *
 * Bad debt at the horizon = written-off auction debt + keeper pay the surplus could not back (realized) + the
 * shortfall still open (positions under water, auction debt above its lot's value at the clearing price), valued at
 * the last prices.
 */
import {
  RAY,
  WAD,
  auctionPriceUp,
  growIndex,
  keeperPayDown,
  mulDivDown,
  mulDivUp,
  planLiquidation,
  quoteTake,
  splitLiquidation,
  startPricesUp,
} from "../sdk/math.js";
import type { AuctionSnap, RiskConfig, Snapshot } from "./model.js";
import { type PathModel, buildPathModel, generatePath } from "./paths.js";

const HOUR = 3_600;

/** One path's outcome. */
export interface PathOutcome {
  crash: string | undefined;
  badDebtUsd: number; // realized + unrealized, at the last prices
  realizedUsd: number;
  unrealizedUsd: number;
  badDebt: bigint[]; // [wad] per synthetic, realized (written off + unbacked keeper pay)
  /** [USD] Bad debt attributed per asset (snapshot order): write-offs to the auction's asset, open shortfall pro
   *  rata by collateral value; unbacked keeper pay is not attributed. */
  byAsset: number[];
  surplusEnd: bigint[]; // [wad] per synthetic: surplus + penalties − keeper pay
  covered: boolean; // every synthetic's bad debt (incl. unrealized) is within its surplus at the end
  penaltiesUsd: number;
  keeperPayUsd: number;
  liquidations: number;
  resets: number;
  capRefusals: number; // liquidations refused (AuctionCapReached) or cut down by a cap
  minBacking: number;
}

/** Aggregates over all paths, filled by `simulate`. */
export interface SimResult {
  paths: number;
  hours: number;
  outcomes: PathOutcome[];
  /** [USD] Per hour: mean and max over paths of the debt value sent to auction in that hour. */
  liqUsdMean: Float64Array;
  liqUsdMax: Float64Array;
  /** [USD] Per hour: max over paths of the debt in auction (global dirt) after the hour's liquidations. */
  dirtMax: Float64Array;
  /** Per hour and asset (row-major): max over paths of the asset's dirt [USD]. */
  assetDirtMax: Float64Array;
  /** Per hour: share of paths where a cap cut or refused a liquidation. */
  capBindShare: Float64Array;
  /** Backing ratio (collateral value / synthetic liabilities) per path and hour, row-major (paths × (hours + 1)). */
  backing: Float32Array;
  /** Per position (snapshot order): share of paths where it was liquidated at least once. */
  liquidatedShare: Float64Array;
  /** The first `samplePaths` paths' price multipliers ((hours + 1) × assets each). */
  samples: Float64Array[];
  elapsedMs: number;
}

interface Pos {
  synth: number;
  assets: number[];
  amounts: bigint[];
  amountsF: number[]; // whole units
  normDebt: bigint;
  normDebtF: number;
}

/** A live auction in the simulation: the snapshot's fields, the liquidated position and its start time. */
interface Auc extends Omit<AuctionSnap, "id" | "age"> {
  pos: number; // index of the liquidated position, -1 for an auction live at the snapshot
  start: number; // [s] since the snapshot, the start or last reset (negative: before it)
}

/** Per-simulation constants derived from the snapshot. */
interface Prepared {
  model: PathModel;
  spot: Float64Array; // USD per whole unit
  unitF: Float64Array; // 10^decimals
  lt: Float64Array; // threshold as a fraction
  index: bigint[][]; // [synth][hour] [ray]
  indexF: number[][];
}

function prepare(snap: Snapshot, cfg: RiskConfig): Prepared {
  const n = snap.assets.length;
  const spot = new Float64Array(n);
  const unitF = new Float64Array(n);
  const lt = new Float64Array(n);
  snap.assets.forEach((a, i) => {
    spot[i] = Number(a.price) / 1e18;
    unitF[i] = 10 ** a.decimals;
    lt[i] = Number(a.liqThresholdBps) / 1e4;
  });
  const index: bigint[][] = [];
  const indexF: number[][] = [];
  for (const s of snap.synths) {
    const row: bigint[] = [];
    for (let h = 0; h <= cfg.hours; h++) row.push(growIndex(s.rateIndex, s.ratePerSecond, BigInt(h * HOUR)));
    index.push(row);
    indexF.push(row.map((x) => Number(x) / 1e27));
  }
  return { model: buildPathModel(snap, cfg), spot, unitF, lt, index, indexF };
}

/** [wad] A float USD price as an 8-decimal feed answer would give it, scaled to 18 decimals. */
function toWad(p: number): bigint {
  return BigInt(Math.round(p * 1e8)) * 10n ** 10n;
}

/** Runs `cfg.paths` paths over `snap` (path i always draws from stream i of `cfg.seed`). */
export function simulate(snap: Snapshot, cfg: RiskConfig, opts: { progress?: (done: number) => void } = {}): SimResult {
  const started = Date.now();
  const prep = prepare(snap, cfg);
  const H = cfg.hours;
  const nA = snap.assets.length;
  const res: SimResult = {
    paths: cfg.paths,
    hours: H,
    outcomes: [],
    liqUsdMean: new Float64Array(H + 1),
    liqUsdMax: new Float64Array(H + 1),
    dirtMax: new Float64Array(H + 1),
    assetDirtMax: new Float64Array((H + 1) * nA),
    capBindShare: new Float64Array(H + 1),
    backing: new Float32Array(cfg.paths * (H + 1)),
    liquidatedShare: new Float64Array(snap.positions.length),
    samples: [],
    elapsedMs: 0,
  };
  const buf = new Float64Array((H + 1) * nA);
  for (let p = 0; p < cfg.paths; p++) {
    const crash = generatePath(prep.model, p, buf);
    if (p < cfg.samplePaths) res.samples.push(buf.slice());
    res.outcomes.push(runPath(snap, cfg, prep, buf, crash, p, res));
    if (opts.progress !== undefined && (p + 1) % 1000 === 0) opts.progress(p + 1);
  }
  for (let h = 0; h <= H; h++) {
    res.liqUsdMean[h] = (res.liqUsdMean[h] ?? 0) / cfg.paths;
    res.capBindShare[h] = (res.capBindShare[h] ?? 0) / cfg.paths;
  }
  for (let i = 0; i < res.liquidatedShare.length; i++)
    res.liquidatedShare[i] = (res.liquidatedShare[i] ?? 0) / cfg.paths;
  res.elapsedMs = Date.now() - started;
  return res;
}

function runPath(
  snap: Snapshot,
  cfg: RiskConfig,
  prep: Prepared,
  mult: Float64Array,
  crash: string | undefined,
  pathIndex: number,
  res: SimResult,
): PathOutcome {
  const H = cfg.hours;
  const nA = snap.assets.length;
  const nS = snap.synths.length;
  const slip = cfg.slippageBps / 1e4;
  const rules = snap.auction;
  const cut = Number(rules.cutBps) / 1e4;
  const step = Number(rules.step);
  const maxDur = Number(rules.maxDuration);
  const liqPerHour = snap.assets.map((a) => cfg.liquidityPerHour[a.symbol] ?? cfg.liquidityDefault);

  const positions: Pos[] = snap.positions.map((p) => ({
    synth: p.synth,
    assets: p.assets,
    amounts: [...p.amounts],
    amountsF: p.amounts.map((a, j) => Number(a) / (prep.unitF[p.assets[j] ?? 0] ?? 1)),
    normDebt: p.normDebt,
    normDebtF: Number(p.normDebt) / 1e18,
  }));
  const liquidated = new Uint8Array(positions.length);
  // live auctions at the snapshot go on: started `age` seconds before hour 0
  const auctions: Auc[] = snap.auctions.map(({ id: _id, age, ...a }) => ({ ...a, pos: -1, start: -Number(age) }));
  const dirt = snap.assets.map((a) => a.dirt);
  let globalDirt = snap.globalDirt;
  const surplus = snap.synths.map((s) => s.surplus);
  const badDebt = snap.synths.map(() => 0n);
  const byAsset = snap.assets.map(() => 0);
  let penaltiesUsd = 0;
  let keeperPayUsd = 0;
  let liquidations = 0;
  let resets = 0;
  let capRefusals = 0;
  let minBacking = Infinity;

  const pF = new Float64Array(nA);
  const pW: (bigint | undefined)[] = new Array<bigint | undefined>(nA);
  const synthF = new Float64Array(nS);
  const synthW: (bigint | undefined)[] = new Array<bigint | undefined>(nS);
  const priceWad = (a: number): bigint => (pW[a] ??= toWad(pF[a] ?? 0));
  const synthWad = (s: number): bigint => {
    const pa = snap.synths[s]?.priceAsset ?? -1;
    return (synthW[s] ??= pa < 0 ? WAD : priceWad(pa));
  };
  const payKeeper = (s: number, pay: bigint): void => {
    const have = surplus[s] ?? 0n;
    if (pay <= have) surplus[s] = have - pay;
    else {
      surplus[s] = 0n;
      badDebt[s] = (badDebt[s] ?? 0n) + (pay - have);
    }
    keeperPayUsd += (Number(pay) / 1e18) * (synthF[s] ?? 1);
  };

  for (let h = 0; h <= H; h++) {
    for (let a = 0; a < nA; a++) {
      pF[a] = (prep.spot[a] ?? 0) * (mult[h * nA + a] ?? 1);
      pW[a] = undefined;
    }
    for (let s = 0; s < nS; s++) {
      const pa = snap.synths[s]?.priceAsset ?? -1;
      synthF[s] = pa < 0 ? 1 : (pF[pa] ?? 0);
      synthW[s] = undefined;
    }
    const t0 = h * HOUR;
    let capBound = false;
    let liqUsd = 0;

    if (cfg.keepers) {
      // (1) liquidations
      for (let i = 0; i < positions.length; i++) {
        const pos = positions[i] as Pos;
        if (pos.normDebt === 0n) continue;
        const s = pos.synth;
        const synth = snap.synths[s];
        if (synth === undefined) continue;
        let llF = 0;
        for (let j = 0; j < pos.assets.length; j++) {
          const a = pos.assets[j] ?? 0;
          llF += (pos.amountsF[j] ?? 0) * (pF[a] ?? 0) * (prep.lt[a] ?? 0);
        }
        const dvF = pos.normDebtF * (prep.indexF[s]?.[h] ?? 1) * (synthF[s] ?? 1);
        if (llF >= dvF * (1 + 1e-6)) continue; // certainly healthy (see the file comment)

        const index = prep.index[s]?.[h] ?? RAY;
        const debt = mulDivUp(pos.normDebt, index, RAY);
        const synthPrice = synthWad(s);
        const plan = planLiquidation({
          basket: pos.assets.map((a, j) => {
            const as = snap.assets[a];
            if (as === undefined) throw new Error(`asset ${a} missing`);
            return {
              amount: pos.amounts[j] ?? 0n,
              decimals: as.decimals,
              price: priceWad(a),
              liqThresholdBps: as.liqThresholdBps,
              liqPenaltyBps: as.liqPenaltyBps,
              cap: as.cap,
              dirt: dirt[a] ?? 0n,
            };
          }),
          debt,
          synthPrice,
          minDebt: synth.minDebt,
          targetHealth: snap.targetHealth,
          fullLiquidationHealth: snap.fullLiquidationHealth,
          globalCap: snap.globalCap,
          globalDirt,
          keeper: synth.keeper,
        });
        if ("refused" in plan) {
          if (plan.refused === "AuctionCapReached") {
            capRefusals++;
            capBound = true;
          }
          continue;
        }
        if (plan.capped) {
          capRefusals++;
          capBound = true;
        }
        liquidations++;
        liquidated[i] = 1;
        liqUsd += Number(plan.debtValue) / 1e18;
        // Vault.seize: normalized debt falls by debt / index rounded down, or to zero for the whole debt
        pos.normDebt = plan.debt === debt ? 0n : pos.normDebt - mulDivDown(plan.debt, RAY, index);
        pos.normDebtF = Number(pos.normDebt) / 1e18;
        if (pos.assets.length === 0) {
          badDebt[s] = (badDebt[s] ?? 0n) + plan.debt; // nothing to sell
        } else {
          const shares = splitLiquidation(plan);
          for (let j = 0; j < shares.length; j++) {
            const sh = shares[j];
            const a = pos.assets[j] ?? 0;
            if (sh === undefined) continue;
            pos.amounts[j] = (pos.amounts[j] ?? 0n) - sh.lot;
            pos.amountsF[j] = Number(pos.amounts[j]) / (prep.unitF[a] ?? 1);
            if (sh.tab === 0n) continue; // a worthless share goes back to the owner
            const market = mulDivDown(priceWad(a), WAD, synthPrice);
            const decimals = snap.assets[a]?.decimals ?? 18;
            const { top, floor } = startPricesUp(
              { market, lot: sh.lot, tab: sh.tab, debt: sh.debt, decimals },
              rules.startBufferBps,
              rules.resetBelowBps,
            );
            auctions.push({
              asset: a,
              synth: s,
              pos: i,
              lot: sh.lot,
              tab: sh.tab,
              debt: sh.debt,
              dirt: sh.dirt,
              dust: synth.minDebt,
              market,
              top,
              floor,
              start: t0,
            });
            dirt[a] = (dirt[a] ?? 0n) + sh.dirt;
            globalDirt += sh.dirt;
          }
        }
        if (plan.keeperPay !== 0n) payKeeper(s, plan.keeperPay);
      }

      // peak debt in auction in the hour: after the liquidations, before the takes
      const peak = Number(globalDirt) / 1e18;
      if (peak > (res.dirtMax[h] ?? 0)) res.dirtMax[h] = peak;
      for (let a = 0; a < nA; a++) {
        const d = Number(dirt[a] ?? 0n) / 1e18;
        if (d > (res.assetDirtMax[h * nA + a] ?? 0)) res.assetDirtMax[h * nA + a] = d;
      }

      // (2) auctions: takes at oracle × (1 − slippage), limited liquidity per asset, resets
      const liqLeft = liqPerHour.slice();
      for (let k = 0; k < auctions.length; k++) {
        const au = auctions[k] as Auc;
        const s = au.synth;
        const a = au.asset;
        const m = (pF[a] ?? 0) / (synthF[s] ?? 1); // synthetic per whole token
        const clearing = m * (1 - slip);
        const synthPrice = synthWad(s);
        const marketW = mulDivDown(priceWad(a), WAD, synthPrice);
        const resetLine = mulDivUp(marketW, rules.resetBelowBps, 10_000n);
        let tau = Math.max(0, t0 - au.start); // [s] age at the start of this hour
        let end = t0 + HOUR - au.start; // [s] age at the end of this hour
        for (let round = 0; round < 4 && au.tab !== 0n; round++) {
          const topF = Number(au.top) / 1e18;
          // first curve time >= tau with price <= clearing
          let e: number;
          if (clearing <= 0) e = Infinity;
          else if (rules.curve === 0n) e = Math.ceil(Number(rules.duration) * (1 - clearing / topF));
          else e = clearing >= topF ? 0 : Math.ceil(Math.log(clearing / topF) / Math.log(cut) - 1e-12) * step;
          e = Math.max(tau, e);
          let price = e === Infinity ? 0n : auctionPriceUp(au.top, BigInt(e), rules);
          while (e !== Infinity && Number(price) / 1e18 > clearing * (1 + 1e-12) && e < end) {
            e += rules.curve === 0n ? 1 : step;
            price = auctionPriceUp(au.top, BigInt(e), rules);
          }
          // first time >= tau the auction becomes resettable (older than maxDuration, below its floor or the line)
          const resettableAt = firstResettable(au, tau, maxDur, resetLine, rules, cut, step);
          if (e < end && e < resettableAt && price >= au.floor && price >= resetLine) {
            // take at `price`, as much as the hour's liquidity buys
            const usdLeft = liqLeft[a] ?? 0;
            if (usdLeft <= 0) break;
            const unit = prep.unitF[a] ?? 1;
            const priceUsd = (Number(price) / 1e18) * (synthF[s] ?? 1);
            const canBuy = Math.floor((usdLeft / priceUsd) * unit);
            const maxColl = canBuy >= Number(au.lot) ? au.lot : BigInt(Math.max(0, canBuy));
            const q = quoteTake(
              {
                lot: au.lot,
                tab: au.tab,
                debt: au.debt,
                dirt: au.dirt,
                decimals: snap.assets[a]?.decimals ?? 18,
                dust: au.dust,
              },
              maxColl,
              price,
            );
            if ("refused" in q) break; // too little liquidity left for a take that respects the dust rule
            liqLeft[a] = usdLeft - (Number(q.owe) / 1e18) * (synthF[s] ?? 1);
            au.lot -= q.collateral;
            const paid = q.owe - q.toOwner; // an excess over the tab of at least the dust goes to the owner
            au.tab = paid >= au.tab ? 0n : au.tab - paid;
            au.debt -= q.burned;
            au.dirt -= q.dirtCut;
            dirt[a] = (dirt[a] ?? 0n) - q.dirtCut;
            globalDirt -= q.dirtCut;
            surplus[s] = (surplus[s] ?? 0n) + q.penalty;
            penaltiesUsd += (Number(q.penalty) / 1e18) * (synthF[s] ?? 1);
            if (q.ended) {
              badDebt[s] = (badDebt[s] ?? 0n) + q.writtenOff;
              byAsset[a] = (byAsset[a] ?? 0) + (Number(q.writtenOff) / 1e18) * (synthF[s] ?? 1);
              if (q.leftover !== 0n) au.lot = 0n; // back to the owner as a claim
              au.tab = 0n;
            } else {
              // a partial take lowers the floor that keeps the lot covering its tab
              au.floor = startPricesUp(
                {
                  market: au.market,
                  lot: au.lot,
                  tab: au.tab,
                  debt: au.debt,
                  decimals: snap.assets[a]?.decimals ?? 18,
                },
                rules.startBufferBps,
                rules.resetBelowBps,
              ).floor;
            }
            break;
          }
          if (resettableAt < end) {
            // a keeper resets it at the first moment it may, at this hour's oracle price; it is paid only when the
            // reset re-prices the lot lower
            const { top, floor } = startPricesUp(
              { market: marketW, lot: au.lot, tab: au.tab, debt: au.debt, decimals: snap.assets[a]?.decimals ?? 18 },
              rules.startBufferBps,
              rules.resetBelowBps,
            );
            const before = au.market;
            au.start += resettableAt;
            au.market = marketW;
            au.top = top;
            au.floor = floor;
            end -= resettableAt;
            tau = 0;
            resets++;
            if (marketW < before) {
              const pay = keeperPayDown(
                snap.synths[s]?.keeper ?? { tip: 0n, chipBps: 0n, maxPay: 0n },
                au.debt,
                au.tab - au.debt,
              );
              if (pay !== 0n) payKeeper(s, pay);
            }
            continue;
          }
          break;
        }
      }
      for (let k = auctions.length - 1; k >= 0; k--) if ((auctions[k] as Auc).tab === 0n) auctions.splice(k, 1);
    }

    // statistics of the hour
    res.liqUsdMean[h] = (res.liqUsdMean[h] ?? 0) + liqUsd;
    if (liqUsd > (res.liqUsdMax[h] ?? 0)) res.liqUsdMax[h] = liqUsd;
    if (capBound) res.capBindShare[h] = (res.capBindShare[h] ?? 0) + 1;
    const backing = backingRatio(snap, prep, positions, auctions, badDebt, pF, synthF, h);
    res.backing[pathIndex * (H + 1) + h] = backing;
    if (backing < minBacking) minBacking = backing;
  }

  // the horizon: realized bad debt, and the shortfall still open at the last prices
  let realizedUsd = 0;
  const openShortfall = snap.synths.map(() => 0);
  for (let s = 0; s < nS; s++) realizedUsd += (Number(badDebt[s] ?? 0n) / 1e18) * (synthF[s] ?? 1);
  for (const pos of positions) {
    if (pos.normDebt === 0n) continue;
    let cv = 0;
    for (let j = 0; j < pos.assets.length; j++) cv += (pos.amountsF[j] ?? 0) * (pF[pos.assets[j] ?? 0] ?? 0);
    const dv = pos.normDebtF * (prep.indexF[pos.synth]?.[H] ?? 1) * (synthF[pos.synth] ?? 1);
    if (dv > cv) {
      openShortfall[pos.synth] = (openShortfall[pos.synth] ?? 0) + dv - cv;
      for (let j = 0; j < pos.assets.length; j++) {
        const a = pos.assets[j] ?? 0;
        const share = cv === 0 ? 1 / pos.assets.length : ((pos.amountsF[j] ?? 0) * (pF[a] ?? 0)) / cv;
        byAsset[a] = (byAsset[a] ?? 0) + (dv - cv) * share;
      }
    }
  }
  for (const au of auctions) {
    const lotUsd = (Number(au.lot) / (prep.unitF[au.asset] ?? 1)) * (pF[au.asset] ?? 0) * (1 - slip);
    const debtUsd = (Number(au.debt) / 1e18) * (synthF[au.synth] ?? 1);
    if (debtUsd > lotUsd) {
      openShortfall[au.synth] = (openShortfall[au.synth] ?? 0) + debtUsd - lotUsd;
      byAsset[au.asset] = (byAsset[au.asset] ?? 0) + debtUsd - lotUsd;
    }
  }
  const unrealizedUsd = openShortfall.reduce((x, y) => x + y, 0);
  let covered = true;
  for (let s = 0; s < nS; s++) {
    const lossUsd = (Number(badDebt[s] ?? 0n) / 1e18) * (synthF[s] ?? 1) + (openShortfall[s] ?? 0);
    const surplusUsd = (Number(surplus[s] ?? 0n) / 1e18) * (synthF[s] ?? 1);
    if (lossUsd > surplusUsd) covered = false;
  }
  for (let i = 0; i < liquidated.length; i++)
    if (liquidated[i] === 1) res.liquidatedShare[i] = (res.liquidatedShare[i] ?? 0) + 1;
  return {
    crash,
    badDebtUsd: realizedUsd + unrealizedUsd,
    realizedUsd,
    unrealizedUsd,
    badDebt,
    byAsset,
    surplusEnd: surplus,
    covered,
    penaltiesUsd,
    keeperPayUsd,
    liquidations,
    resets,
    capRefusals,
    minBacking,
  };
}

/** [s] The first age >= `tau` at which `reset` is allowed (see `ILiquidationEngine.reset`), or Infinity. */
function firstResettable(
  au: Auc,
  tau: number,
  maxDur: number,
  resetLine: bigint,
  rules: Snapshot["auction"],
  cut: number,
  step: number,
): number {
  const line = au.floor > resetLine ? au.floor : resetLine; // price below either makes it resettable
  const topF = Number(au.top) / 1e18;
  const lineF = Number(line) / 1e18;
  let t: number;
  if (lineF >= topF) t = tau;
  else if (rules.curve === 0n) t = Math.floor(Number(rules.duration) * (1 - lineF / topF));
  else t = Math.floor(Math.log(lineF / topF) / Math.log(cut)) * step;
  t = Math.max(tau, t);
  // exact: step forward while the bigint price is still at or above the line
  for (let i = 0; i < 4 && auctionPriceUp(au.top, BigInt(t), rules) >= line; i++) t += rules.curve === 0n ? 1 : step;
  while (t > tau && auctionPriceUp(au.top, BigInt(t - (rules.curve === 0n ? 1 : step)), rules) < line) {
    t -= rules.curve === 0n ? 1 : step;
  }
  if (auctionPriceUp(au.top, BigInt(t), rules) >= line) t = Infinity;
  return Math.min(t, maxDur + 1 > tau ? maxDur + 1 : tau);
}

/** Collateral value (positions + auction lots) / liabilities (position debt + auction debt + bad debt), floats. */
function backingRatio(
  snap: Snapshot,
  prep: Prepared,
  positions: Pos[],
  auctions: Auc[],
  badDebt: bigint[],
  pF: Float64Array,
  synthF: Float64Array,
  h: number,
): number {
  let coll = 0;
  let liab = 0;
  for (const pos of positions) {
    if (pos.normDebt === 0n) continue;
    for (let j = 0; j < pos.assets.length; j++) coll += (pos.amountsF[j] ?? 0) * (pF[pos.assets[j] ?? 0] ?? 0);
    liab += pos.normDebtF * (prep.indexF[pos.synth]?.[h] ?? 1) * (synthF[pos.synth] ?? 1);
  }
  for (const au of auctions) {
    coll += (Number(au.lot) / (prep.unitF[au.asset] ?? 1)) * (pF[au.asset] ?? 0);
    liab += (Number(au.debt) / 1e18) * (synthF[au.synth] ?? 1);
  }
  for (let s = 0; s < snap.synths.length; s++) liab += (Number(badDebt[s] ?? 0n) / 1e18) * (synthF[s] ?? 1);
  return liab === 0 ? 0 : coll / liab;
}
