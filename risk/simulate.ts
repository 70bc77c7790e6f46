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
 *
 * Stability modules: each hour, each module's coverage (its reserves at the reserve's path price over its debt at the
 * synthetic's) and whether the peg band refuses swaps in or out at the hour's oracle prices (`pegOpen`, the module's
 * own test). The modules' reserves and debt are held at the snapshot's: swaps are not simulated.
 *
 * Redemptions: each hour, after the liquidations, which positions a redemption could take from (`isRedeemable` on the
 * exact health, decided by the bigint mirror near the bounds) and their debt. Redemptions are reported, not executed:
 * who redeems, and when, is not modelled.
 */
import {
  RAY,
  WAD,
  auctionPriceUp,
  computeHealth,
  growIndex,
  isRedeemable,
  keeperPayDown,
  mulDivDown,
  mulDivUp,
  type PlanAsset,
  pegOpen,
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
  /** Per stability module (snapshot order). */
  modules: ModuleOutcome[];
  /** [USD] The most debt, over the hours, in positions a redemption could take from (their whole debt). */
  redeemablePeakUsd: number;
}

/** One stability module along one path. */
export interface ModuleOutcome {
  /** Lowest coverage over the hours: reserves × reserve price / (debt × synthetic price); Infinity without debt. */
  minCoverage: number;
  /** [USD] Debt value not covered by the reserves' value at the last hour (0 when covered). */
  shortfallUsd: number;
  /** Hours in which the peg band refused swaps in (the reserve below 1 − band of the synthetic). */
  swapInRefusedHours: number;
  /** Hours in which the peg band refused swaps out (the reserve above 1 + band). */
  swapOutRefusedHours: number;
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
  /** Per position (snapshot order): share of paths where a redemption could take from it in some hour. */
  redeemableShare: Float64Array;
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
    redeemableShare: new Float64Array(snap.positions.length),
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
  for (let i = 0; i < res.liquidatedShare.length; i++) {
    res.liquidatedShare[i] = (res.liquidatedShare[i] ?? 0) / cfg.paths;
    res.redeemableShare[i] = (res.redeemableShare[i] ?? 0) / cfg.paths;
  }
  res.elapsedMs = Date.now() - started;
  return res;
}

/** One path, played hour by hour: each hour's prices, then (with keepers) liquidations and auctions, then statistics. */
function runPath(
  snap: Snapshot,
  cfg: RiskConfig,
  prep: Prepared,
  mult: Float64Array,
  crash: string | undefined,
  pathIndex: number,
  res: SimResult,
): PathOutcome {
  const path = new PathRun(snap, cfg, prep, mult);
  for (let h = 0; h <= cfg.hours; h++) {
    path.setPrices(h);
    let hour: HourFigures = { capBound: false, liqUsd: 0 };
    if (cfg.keepers) {
      hour = path.liquidateAll(h);
      path.recordPeakDirt(h, res);
      path.runAuctions(h);
    }
    path.recordHour(h, hour, pathIndex, res);
    path.recordModules();
    path.recordRedeemable(h);
  }
  for (let i = 0; i < path.liquidated.length; i++) {
    if (path.liquidated[i] === 1) res.liquidatedShare[i] = (res.liquidatedShare[i] ?? 0) + 1;
    if (path.redeemable[i] === 1) res.redeemableShare[i] = (res.redeemableShare[i] ?? 0) + 1;
  }
  return path.outcome(crash);
}

/** What one hour's liquidations add to the statistics. */
interface HourFigures {
  /** A cap cut down or refused a liquidation. */
  capBound: boolean;
  /** [USD] Debt value sent to auction. */
  liqUsd: number;
}

/** The state of one path: positions, auctions, dirt, surplus and bad debt, counters, and the hour's prices. */
class PathRun {
  private readonly nA: number;
  private readonly nS: number;
  private readonly slip: number;
  private readonly rules: Snapshot["auction"];
  private readonly cut: number;
  private readonly step: number;
  private readonly maxDur: number;
  private readonly liqPerHour: number[];

  readonly positions: Pos[];
  readonly liquidated: Uint8Array;
  /** 1 for the positions a redemption could take from in some hour so far. */
  readonly redeemable: Uint8Array;
  private redeemablePeakUsd = 0;
  private readonly modules: ModuleOutcome[];
  private readonly auctions: Auc[];
  private readonly dirt: bigint[];
  private globalDirt: bigint;
  private readonly surplus: bigint[];
  private readonly badDebt: bigint[];
  private readonly byAsset: number[];
  private penaltiesUsd = 0;
  private keeperPayUsd = 0;
  private liquidations = 0;
  private resets = 0;
  private capRefusals = 0;
  private minBacking = Infinity;

  /** The hour's prices: USD per whole unit (float), and [wad] as the oracle gives them (computed when first used). */
  private readonly pF: Float64Array;
  private readonly pW: (bigint | undefined)[];
  private readonly synthF: Float64Array;
  private readonly synthW: (bigint | undefined)[];

  constructor(
    private readonly snap: Snapshot,
    private readonly cfg: RiskConfig,
    private readonly prep: Prepared,
    private readonly mult: Float64Array,
  ) {
    this.nA = snap.assets.length;
    this.nS = snap.synths.length;
    this.slip = cfg.slippageBps / 1e4;
    this.rules = snap.auction;
    this.cut = Number(this.rules.cutBps) / 1e4;
    this.step = Number(this.rules.step);
    this.maxDur = Number(this.rules.maxDuration);
    this.liqPerHour = snap.assets.map((a) => cfg.liquidityPerHour[a.symbol] ?? cfg.liquidityDefault);
    this.positions = snap.positions.map((p) => ({
      synth: p.synth,
      assets: p.assets,
      amounts: [...p.amounts],
      amountsF: p.amounts.map((a, j) => Number(a) / (prep.unitF[p.assets[j] ?? 0] ?? 1)),
      normDebt: p.normDebt,
      normDebtF: Number(p.normDebt) / 1e18,
    }));
    this.liquidated = new Uint8Array(this.positions.length);
    this.redeemable = new Uint8Array(this.positions.length);
    this.modules = snap.modules.map(() => ({
      minCoverage: Infinity,
      shortfallUsd: 0,
      swapInRefusedHours: 0,
      swapOutRefusedHours: 0,
    }));
    // live auctions at the snapshot go on: started `age` seconds before hour 0
    this.auctions = snap.auctions.map(({ id: _id, age, ...a }) => ({ ...a, pos: -1, start: -Number(age) }));
    this.dirt = snap.assets.map((a) => a.dirt);
    this.globalDirt = snap.globalDirt;
    this.surplus = snap.synths.map((s) => s.surplus);
    this.badDebt = snap.synths.map(() => 0n);
    this.byAsset = snap.assets.map(() => 0);
    this.pF = new Float64Array(this.nA);
    this.pW = new Array<bigint | undefined>(this.nA);
    this.synthF = new Float64Array(this.nS);
    this.synthW = new Array<bigint | undefined>(this.nS);
  }

  private priceWad(a: number): bigint {
    return (this.pW[a] ??= toWad(this.pF[a] ?? 0));
  }

  private synthWad(s: number): bigint {
    const pa = this.snap.synths[s]?.priceAsset ?? -1;
    return (this.synthW[s] ??= pa < 0 ? WAD : this.priceWad(pa));
  }

  /** Position `pos`'s basket at the hour's oracle prices, with what health and the liquidation plan read. */
  private basketAt(pos: Pos): (PlanAsset & { maxLtvBps: bigint })[] {
    return pos.assets.map((a, j) => {
      const as = this.snap.assets[a];
      if (as === undefined) throw new Error(`asset ${a} missing`);
      return {
        amount: pos.amounts[j] ?? 0n,
        decimals: as.decimals,
        price: this.priceWad(a),
        maxLtvBps: as.maxLtvBps,
        liqThresholdBps: as.liqThresholdBps,
        liqPenaltyBps: as.liqPenaltyBps,
        cap: as.cap,
        dirt: this.dirt[a] ?? 0n,
      };
    });
  }

  /** Keeper pay from synthetic `s`'s surplus; what the surplus cannot back is bad debt. */
  private payKeeper(s: number, pay: bigint): void {
    const have = this.surplus[s] ?? 0n;
    if (pay <= have) this.surplus[s] = have - pay;
    else {
      this.surplus[s] = 0n;
      this.badDebt[s] = (this.badDebt[s] ?? 0n) + (pay - have);
    }
    this.keeperPayUsd += (Number(pay) / 1e18) * (this.synthF[s] ?? 1);
  }

  /** Hour `h`'s prices from the path's multipliers. */
  setPrices(h: number): void {
    for (let a = 0; a < this.nA; a++) {
      this.pF[a] = (this.prep.spot[a] ?? 0) * (this.mult[h * this.nA + a] ?? 1);
      this.pW[a] = undefined;
    }
    for (let s = 0; s < this.nS; s++) {
      const pa = this.snap.synths[s]?.priceAsset ?? -1;
      this.synthF[s] = pa < 0 ? 1 : (this.pF[pa] ?? 0);
      this.synthW[s] = undefined;
    }
  }

  /** (1) Keepers liquidate every position below its liquidation limit, as far as the caps allow. */
  liquidateAll(h: number): HourFigures {
    const hour: HourFigures = { capBound: false, liqUsd: 0 };
    for (let i = 0; i < this.positions.length; i++) this.liquidate(i, h, hour);
    return hour;
  }

  /** Liquidates position `i` at hour `h` if the bigint mirror says it is liquidatable; adds to `hour`. */
  private liquidate(i: number, h: number, hour: HourFigures): void {
    const { snap, prep } = this;
    const pos = this.positions[i] as Pos;
    if (pos.normDebt === 0n) return;
    const s = pos.synth;
    const synth = snap.synths[s];
    if (synth === undefined) return;
    let llF = 0;
    for (let j = 0; j < pos.assets.length; j++) {
      const a = pos.assets[j] ?? 0;
      llF += (pos.amountsF[j] ?? 0) * (this.pF[a] ?? 0) * (prep.lt[a] ?? 0);
    }
    const dvF = pos.normDebtF * (prep.indexF[s]?.[h] ?? 1) * (this.synthF[s] ?? 1);
    if (llF >= dvF * (1 + 1e-6)) return; // certainly healthy (see the file comment)

    const index = prep.index[s]?.[h] ?? RAY;
    const debt = mulDivUp(pos.normDebt, index, RAY);
    const synthPrice = this.synthWad(s);
    const plan = planLiquidation({
      basket: this.basketAt(pos),
      debt,
      synthPrice,
      minDebt: synth.minDebt,
      targetHealth: snap.targetHealth,
      fullLiquidationHealth: snap.fullLiquidationHealth,
      globalCap: snap.globalCap,
      globalDirt: this.globalDirt,
      keeper: synth.keeper,
    });
    if ("refused" in plan) {
      if (plan.refused === "AuctionCapReached") {
        this.capRefusals++;
        hour.capBound = true;
      }
      return;
    }
    if (plan.capped) {
      this.capRefusals++;
      hour.capBound = true;
    }
    this.liquidations++;
    this.liquidated[i] = 1;
    hour.liqUsd += Number(plan.debtValue) / 1e18;
    // Vault.seize: normalized debt falls by debt / index rounded down, or to zero for the whole debt
    pos.normDebt = plan.debt === debt ? 0n : pos.normDebt - mulDivDown(plan.debt, RAY, index);
    pos.normDebtF = Number(pos.normDebt) / 1e18;
    if (pos.assets.length === 0) {
      this.badDebt[s] = (this.badDebt[s] ?? 0n) + plan.debt; // nothing to sell
    } else {
      this.startAuctions(i, s, splitLiquidation(plan), synthPrice, h * HOUR);
    }
    if (plan.keeperPay !== 0n) this.payKeeper(s, plan.keeperPay);
  }

  /** One auction per basket share of position `i`'s liquidation, started at `t0`. */
  private startAuctions(
    i: number,
    s: number,
    shares: ReturnType<typeof splitLiquidation>,
    synthPrice: bigint,
    t0: number,
  ): void {
    const { snap, prep, rules } = this;
    const pos = this.positions[i] as Pos;
    const synth = snap.synths[s];
    if (synth === undefined) return;
    for (let j = 0; j < shares.length; j++) {
      const sh = shares[j];
      const a = pos.assets[j] ?? 0;
      if (sh === undefined) continue;
      pos.amounts[j] = (pos.amounts[j] ?? 0n) - sh.lot;
      pos.amountsF[j] = Number(pos.amounts[j]) / (prep.unitF[a] ?? 1);
      if (sh.tab === 0n) continue; // a worthless share goes back to the owner
      const market = mulDivDown(this.priceWad(a), WAD, synthPrice);
      const decimals = snap.assets[a]?.decimals ?? 18;
      const { top, floor } = startPricesUp(
        { market, lot: sh.lot, tab: sh.tab, debt: sh.debt, decimals },
        rules.startBufferBps,
        rules.resetBelowBps,
      );
      this.auctions.push({
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
      this.dirt[a] = (this.dirt[a] ?? 0n) + sh.dirt;
      this.globalDirt += sh.dirt;
    }
  }

  /** Peak debt in auction in hour `h`: after the liquidations, before the takes. */
  recordPeakDirt(h: number, res: SimResult): void {
    const peak = Number(this.globalDirt) / 1e18;
    if (peak > (res.dirtMax[h] ?? 0)) res.dirtMax[h] = peak;
    for (let a = 0; a < this.nA; a++) {
      const d = Number(this.dirt[a] ?? 0n) / 1e18;
      if (d > (res.assetDirtMax[h * this.nA + a] ?? 0)) res.assetDirtMax[h * this.nA + a] = d;
    }
  }

  /** (2) Auctions: takes at oracle × (1 − slippage), limited liquidity per asset, resets; ended ones removed. */
  runAuctions(h: number): void {
    const liqLeft = this.liqPerHour.slice();
    for (const au of this.auctions) this.runAuction(au, h * HOUR, liqLeft);
    for (let k = this.auctions.length - 1; k >= 0; k--) {
      if ((this.auctions[k] as Auc).tab === 0n) this.auctions.splice(k, 1);
    }
  }

  /**
   * Auction `au` in the hour from `t0`: a take at the first point of its curve at or below the clearing price, unless
   * it becomes resettable first; then a keeper resets it and it goes on from there (at most 4 rounds an hour).
   */
  private runAuction(au: Auc, t0: number, liqLeft: number[]): void {
    const { rules } = this;
    const s = au.synth;
    const a = au.asset;
    const m = (this.pF[a] ?? 0) / (this.synthF[s] ?? 1); // synthetic per whole token
    const clearing = m * (1 - this.slip);
    const synthPrice = this.synthWad(s);
    const marketW = mulDivDown(this.priceWad(a), WAD, synthPrice);
    const resetLine = mulDivUp(marketW, rules.resetBelowBps, 10_000n);
    let tau = Math.max(0, t0 - au.start); // [s] age at the start of this hour
    let end = t0 + HOUR - au.start; // [s] age at the end of this hour
    for (let round = 0; round < 4 && au.tab !== 0n; round++) {
      const { e, price } = this.firstClearing(au, clearing, tau, end);
      // first time >= tau the auction becomes resettable (older than maxDuration, below its floor or the line)
      const resettableAt = firstResettable(au, tau, this.maxDur, resetLine, rules, this.cut, this.step);
      if (e < end && e < resettableAt && price >= au.floor && price >= resetLine) {
        this.take(au, price, liqLeft);
        break;
      }
      if (resettableAt < end) {
        this.reset(au, marketW, resettableAt);
        end -= resettableAt;
        tau = 0;
        continue;
      }
      break;
    }
  }

  /** The first curve time >= `tau` (before `end`) with a price at or below `clearing`, and that price. */
  private firstClearing(au: Auc, clearing: number, tau: number, end: number): { e: number; price: bigint } {
    const { rules } = this;
    const topF = Number(au.top) / 1e18;
    let e: number;
    if (clearing <= 0) e = Infinity;
    else if (rules.curve === 0n) e = Math.ceil(Number(rules.duration) * (1 - clearing / topF));
    else e = clearing >= topF ? 0 : Math.ceil(Math.log(clearing / topF) / Math.log(this.cut) - 1e-12) * this.step;
    e = Math.max(tau, e);
    let price = e === Infinity ? 0n : auctionPriceUp(au.top, BigInt(e), rules);
    while (e !== Infinity && Number(price) / 1e18 > clearing * (1 + 1e-12) && e < end) {
      e += rules.curve === 0n ? 1 : this.step;
      price = auctionPriceUp(au.top, BigInt(e), rules);
    }
    return { e, price };
  }

  /** A take of `au` at `price`, as much as the hour's liquidity left for its asset buys. */
  private take(au: Auc, price: bigint, liqLeft: number[]): void {
    const { snap, prep, rules } = this;
    const s = au.synth;
    const a = au.asset;
    const usdLeft = liqLeft[a] ?? 0;
    if (usdLeft <= 0) return;
    const unit = prep.unitF[a] ?? 1;
    const priceUsd = (Number(price) / 1e18) * (this.synthF[s] ?? 1);
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
    if ("refused" in q) return; // too little liquidity left for a take that respects the dust rule
    liqLeft[a] = usdLeft - (Number(q.owe) / 1e18) * (this.synthF[s] ?? 1);
    au.lot -= q.collateral;
    const paid = q.owe - q.toOwner; // an excess over the tab of at least the dust goes to the owner
    au.tab = paid >= au.tab ? 0n : au.tab - paid;
    au.debt -= q.burned;
    au.dirt -= q.dirtCut;
    this.dirt[a] = (this.dirt[a] ?? 0n) - q.dirtCut;
    this.globalDirt -= q.dirtCut;
    this.surplus[s] = (this.surplus[s] ?? 0n) + q.penalty;
    this.penaltiesUsd += (Number(q.penalty) / 1e18) * (this.synthF[s] ?? 1);
    if (q.ended) {
      this.badDebt[s] = (this.badDebt[s] ?? 0n) + q.writtenOff;
      this.byAsset[a] = (this.byAsset[a] ?? 0) + (Number(q.writtenOff) / 1e18) * (this.synthF[s] ?? 1);
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
  }

  /**
   * A keeper resets `au` at the first moment it may (`resettableAt` after the hour's start of its clock), at this
   * hour's oracle price `marketW`; it is paid only when the reset re-prices the lot lower.
   */
  private reset(au: Auc, marketW: bigint, resettableAt: number): void {
    const { snap, rules } = this;
    const s = au.synth;
    const { top, floor } = startPricesUp(
      { market: marketW, lot: au.lot, tab: au.tab, debt: au.debt, decimals: snap.assets[au.asset]?.decimals ?? 18 },
      rules.startBufferBps,
      rules.resetBelowBps,
    );
    const before = au.market;
    au.start += resettableAt;
    au.market = marketW;
    au.top = top;
    au.floor = floor;
    this.resets++;
    if (marketW < before) {
      const pay = keeperPayDown(
        snap.synths[s]?.keeper ?? { tip: 0n, chipBps: 0n, maxPay: 0n },
        au.debt,
        au.tab - au.debt,
      );
      if (pay !== 0n) this.payKeeper(s, pay);
    }
  }

  /** Statistics of hour `h`: debt sent to auction, cap binding, the backing ratio. */
  recordHour(h: number, hour: HourFigures, pathIndex: number, res: SimResult): void {
    res.liqUsdMean[h] = (res.liqUsdMean[h] ?? 0) + hour.liqUsd;
    if (hour.liqUsd > (res.liqUsdMax[h] ?? 0)) res.liqUsdMax[h] = hour.liqUsd;
    if (hour.capBound) res.capBindShare[h] = (res.capBindShare[h] ?? 0) + 1;
    const backing = backingRatio(
      this.snap,
      this.prep,
      this.positions,
      this.auctions,
      this.badDebt,
      this.pF,
      this.synthF,
      h,
    );
    res.backing[pathIndex * (this.cfg.hours + 1) + h] = backing;
    if (backing < this.minBacking) this.minBacking = backing;
  }

  /** The modules at this hour's prices: coverage, the last hour's shortfall, hours the band refuses each direction. */
  recordModules(): void {
    const { snap, prep } = this;
    for (let k = 0; k < snap.modules.length; k++) {
      const m = snap.modules[k];
      const o = this.modules[k];
      if (m === undefined || o === undefined) continue;
      const reservesUsd = (Number(m.reserves) / (prep.unitF[m.asset] ?? 1)) * (this.pF[m.asset] ?? 0);
      const debtUsd = (Number(m.debt) / 1e18) * (this.synthF[m.synth] ?? 1);
      if (debtUsd > 0) o.minCoverage = Math.min(o.minCoverage, reservesUsd / debtUsd);
      o.shortfallUsd = Math.max(0, debtUsd - reservesUsd);
      const open = pegOpen(this.priceWad(m.asset), this.synthWad(m.synth), m.bandBps);
      if (!open.swapIn) o.swapInRefusedHours++;
      if (!open.swapOut) o.swapOutRefusedHours++;
    }
  }

  /**
   * Marks the positions a redemption could take from at hour `h` (`isRedeemable` on the exact health; the float health
   * decides only when it is clear of both bounds by 1e-6) and records the hour's redeemable debt if it is the peak.
   */
  recordRedeemable(h: number): void {
    const { snap, prep } = this;
    const params = snap.redemptions?.params;
    if (params === undefined) return;
    let usd = 0;
    for (let i = 0; i < this.positions.length; i++) {
      const pos = this.positions[i] as Pos;
      const rh = params[pos.synth]?.redeemableHealth ?? 0n;
      if (pos.normDebt === 0n || rh === 0n) continue;
      let llF = 0;
      for (let j = 0; j < pos.assets.length; j++) {
        const a = pos.assets[j] ?? 0;
        llF += (pos.amountsF[j] ?? 0) * (this.pF[a] ?? 0) * (prep.lt[a] ?? 0);
      }
      const dvF = pos.normDebtF * (prep.indexF[pos.synth]?.[h] ?? 1) * (this.synthF[pos.synth] ?? 1);
      const hF = llF / dvF;
      const rhF = Number(rh) / 1e18;
      const near = Math.abs(hF - 1) < 1e-6 || Math.abs(hF / rhF - 1) < 1e-6;
      let yes: boolean;
      if (!near) yes = hF >= 1 && hF < rhF;
      else {
        const index = prep.index[pos.synth]?.[h] ?? RAY;
        const health = computeHealth(this.basketAt(pos), pos.normDebt, index, this.synthWad(pos.synth)).health;
        yes = isRedeemable(health, rh);
      }
      if (!yes) continue;
      this.redeemable[i] = 1;
      usd += dvF;
    }
    if (usd > this.redeemablePeakUsd) this.redeemablePeakUsd = usd;
  }

  /** The horizon: realized bad debt, and the shortfall still open at the last prices. */
  outcome(crash: string | undefined): PathOutcome {
    const { snap, prep, pF, synthF, badDebt, surplus, byAsset, nS } = this;
    const H = this.cfg.hours;
    let realizedUsd = 0;
    const openShortfall = snap.synths.map(() => 0);
    for (let s = 0; s < nS; s++) realizedUsd += (Number(badDebt[s] ?? 0n) / 1e18) * (synthF[s] ?? 1);
    for (const pos of this.positions) {
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
    for (const au of this.auctions) {
      const lotUsd = (Number(au.lot) / (prep.unitF[au.asset] ?? 1)) * (pF[au.asset] ?? 0) * (1 - this.slip);
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
    return {
      crash,
      badDebtUsd: realizedUsd + unrealizedUsd,
      realizedUsd,
      unrealizedUsd,
      badDebt,
      byAsset,
      surplusEnd: surplus,
      covered,
      penaltiesUsd: this.penaltiesUsd,
      keeperPayUsd: this.keeperPayUsd,
      liquidations: this.liquidations,
      resets: this.resets,
      capRefusals: this.capRefusals,
      minBacking: this.minBacking,
      modules: this.modules,
      redeemablePeakUsd: this.redeemablePeakUsd,
    };
  }
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
