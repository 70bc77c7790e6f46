/**
 * Predictive liquidation alerts: how far each position is from liquidation, how likely it is to get there within a
 * horizon, and which alert level that puts it at. Pure functions over figures the chain gave (the watch, watch/, reads
 * them); no I/O. The health and the liquidation prices are the Vault's (`PositionLens.healthOf`, `liquidationPrices`
 * in sdk/math.ts); this file adds the price model, the levels and the alert payload.
 *
 * THE MODEL. Each price is a driftless geometric Brownian motion: its logarithm is a Brownian motion with zero drift
 * (no −σ²/2 term, stated as a simplification) and annualized volatility σ. The probability that the price touches a
 * barrier B (below spot S for a falling barrier, above for a rising one) at any time within T years is, by the
 * reflection principle,
 *
 *     P = 2·Φ(−|ln(B/S)| / (σ·√T))        (1 when B is already crossed; 0 when σ·√T = 0 and it is not)
 *
 * It is applied to one factor at a time: each collateral asset alone (the others fixed; B its liquidation price),
 * the basket as one factor (every collateral price moving by the same factor, σ the value-weighted σ of the assets: B
 * the uniform drop at which health reaches 1), and, for a synthetic that tracks an asset not in the basket, that
 * asset rising. The position's probability is the largest of these. Limits: no jumps or fat tails (real crashes are
 * more likely than a lognormal says), no correlation model beyond "one at a time" and "all together", no interest
 * accrual over the horizon, oracle updates treated as continuous.
 *
 * Units: `[wad]` 1e18 (health, USD values, prices in USD per whole unit), probabilities and σ as floats (0.05 = 5%,
 * σ 0.8 = 80% a year), horizons in years unless named `…Hours`.
 */
import { WAD, liquidationPrices } from "./math.js";
import { formatHealth, formatUsd } from "./format.js";

/** Hours in the year σ is annualized over (365 days). */
export const HOURS_PER_YEAR = 8_760;

/** The model, named as every report and payload names it. */
export const MODEL =
  "driftless GBM (lognormal, zero drift in log terms), first passage by the reflection principle: " +
  "P = 2·Φ(−|ln(B/S)|/(σ√T)); per asset with the others fixed, and the basket as one factor";

/** Short name of the model for one-line output. */
export const MODEL_SHORT = "driftless GBM first passage";

// ----------------------------------------------------------------------------------------------------------------
// Probability
// ----------------------------------------------------------------------------------------------------------------

/**
 * Φ(x), the standard normal cumulative distribution, to double precision (Hart's 1968 rational approximation in
 * the form of G. West, "Better approximations to cumulative normal functions", 2005; absolute error below 1e-14).
 */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const ax = Math.abs(x);
  let c: number;
  if (ax > 37) {
    c = 0;
  } else {
    const e = Math.exp((-ax * ax) / 2);
    if (ax < 7.07106781186547) {
      let n = 3.52624965998911e-2 * ax + 0.700383064443688;
      n = n * ax + 6.37396220353165;
      n = n * ax + 33.912866078383;
      n = n * ax + 112.079291497871;
      n = n * ax + 221.213596169931;
      n = n * ax + 220.206867912376;
      let d = 8.83883476483184e-2 * ax + 1.75566716318264;
      d = d * ax + 16.064177579207;
      d = d * ax + 86.7807322029461;
      d = d * ax + 296.564248779674;
      d = d * ax + 637.333633378831;
      d = d * ax + 793.826512519948;
      d = d * ax + 440.413735824752;
      c = (e * n) / d;
    } else {
      let b = ax + 0.65;
      b = ax + 4 / b;
      b = ax + 3 / b;
      b = ax + 2 / b;
      b = ax + 1 / b;
      c = e / b / 2.506628274631;
    }
  }
  return x > 0 ? 1 - c : c;
}

/** Whether the barrier is crossed by the price falling to it or rising to it. */
export type Direction = "down" | "up";

/**
 * The probability that a driftless lognormal price starting at `spot` touches `barrier` within `years` (see the file
 * comment): 2·Φ(−|ln(barrier/spot)|/(σ√T)). 1 when the barrier is already reached (at or beyond spot in its
 * `direction`); 0 when σ√T is 0 and it is not. `spot` and `barrier` in the same unit (any: only their ratio counts),
 * positive; `sigma` annualized (0.8 = 80%); `years` ≥ 0.
 */
export function firstPassageProbability(
  spot: number,
  barrier: number,
  sigma: number,
  years: number,
  direction: Direction,
): number {
  if (!(spot > 0) || !(barrier > 0)) throw new RangeError(`spot ${spot} and barrier ${barrier} must be positive`);
  if (!(sigma >= 0) || !(years >= 0)) throw new RangeError(`σ ${sigma} and T ${years} must be ≥ 0`);
  if (direction === "down" ? barrier >= spot : barrier <= spot) return 1;
  const scale = sigma * Math.sqrt(years);
  if (scale === 0) return 0;
  return Math.min(1, 2 * normalCdf(-Math.abs(Math.log(barrier / spot)) / scale));
}

/**
 * The value-weighted volatility of a basket that moves as one factor: Σ valueᵢ·σᵢ / Σ valueᵢ (every asset perfectly
 * correlated). `values` [wad USD]; undefined when the basket has no value or an asset with value has no σ.
 */
export function basketSigma(values: bigint[], sigmas: (number | undefined)[]): number | undefined {
  let total = 0;
  let weighted = 0;
  for (const [i, v] of values.entries()) {
    if (v === 0n) continue;
    const s = sigmas[i];
    if (s === undefined) return undefined;
    const x = Number(v) / 1e18;
    total += x;
    weighted += x * s;
  }
  return total > 0 ? weighted / total : undefined;
}

// ----------------------------------------------------------------------------------------------------------------
// One position
// ----------------------------------------------------------------------------------------------------------------

/** Where a volatility came from: the on-chain observer, the risk engine's configuration, or the basket's weights. */
export type SigmaSource = "observed" | "configured" | "weighted";

/** A volatility and where it came from. */
export interface Sigma {
  sigma: number; // annualized, 0.8 = 80%
  source: SigmaSource;
}

/** One way a position can reach liquidation, and how likely it is within the horizon. */
export interface FactorRisk {
  /** `asset`: one collateral asset alone; `basket`: every collateral price together; `debt`: the tracked price up. */
  kind: "asset" | "basket" | "debt";
  /** The asset's symbol; "basket" for the basket. */
  symbol: string;
  direction: Direction;
  /** [wad] Now: the asset's price in USD per whole unit, or the basket's collateral value in USD. */
  spot: bigint;
  /** [wad] Where health reaches 1.0, same unit as `spot`; undefined when this factor alone cannot get there. */
  barrier: bigint | undefined;
  /** barrier / spot − 1 (−0.0588: 5.88% below); undefined without a barrier. */
  distance: number | undefined;
  sigma: Sigma | undefined;
  /** P(touch the barrier within the horizon); 0 without a barrier; undefined without a σ. */
  probability: number | undefined;
}

/** One basket asset as `assessPosition` reads it. */
export interface RiskAsset {
  symbol: string;
  amount: bigint; // [token]
  decimals: number;
  price: bigint; // [wad] USD per whole unit (0 when its price failed)
  liqThresholdBps: bigint; // [bps] in force
  tracksDebt: boolean;
  sigma: Sigma | undefined;
}

/** Everything `assessPosition` needs of one position. */
export interface RiskInput {
  id: bigint;
  owner: string;
  synth: string; // symbol
  /** `PositionLens.healthOf` figures [wad]. */
  health: bigint;
  debt: bigint;
  debtValue: bigint;
  collateralValue: bigint;
  liquidationLimit: bigint;
  basket: RiskAsset[];
  /** The asset a tracking synthetic follows, when it is NOT in the basket (bETH over USDC: WETH). */
  debtAsset?: { symbol: string; price: bigint; sigma: Sigma | undefined };
}

/** The alert levels, lowest first. `liquidatable`: health below 1.0 now. */
export const LEVELS = ["ok", "warn", "critical", "liquidatable"] as const;
export type AlertLevel = (typeof LEVELS)[number];

/** The level thresholds. A position is at the highest level any of them puts it at. */
export interface Thresholds {
  /** [wad] Health below which a position is at `warn`, and at `critical`. */
  warnHealth: bigint;
  criticalHealth: bigint;
  /** P(liquidation within the horizon) at or above which it is at `warn`, and at `critical` (0.1 = 10%). */
  warnProbability: number;
  criticalProbability: number;
}

/** A position's distance to liquidation, its probability and its level. */
export interface PositionRisk {
  id: bigint;
  owner: string;
  synth: string;
  health: bigint; // [wad]; 2^256 − 1 without debt
  debt: bigint; // [wad] synthetic units
  debtValue: bigint; // [wad USD]
  collateralValue: bigint; // [wad USD]
  liquidationLimit: bigint; // [wad USD]
  factors: FactorRisk[];
  /** The largest factor probability (1 when liquidatable now, 0 without debt). */
  probability: number;
  /** The factor with that probability. */
  driver: FactorRisk | undefined;
  horizonHours: number;
  level: AlertLevel;
  /** Why it is at its level, one short phrase per threshold crossed ("health 1.04 < 1.05"). */
  reasons: string[];
  /** Set when the figures could not all be read (a price failed): what failed. */
  unavailable?: string;
}

/** [wad] The health of a position without debt (`type(uint256).max`). */
const NO_DEBT = 2n ** 256n - 1n;

/** A factor with its distance and probability (see `firstPassageProbability`). */
export function factorRisk(f: Omit<FactorRisk, "distance" | "probability">, years: number): FactorRisk {
  if (f.barrier === undefined || f.spot === 0n) {
    return { ...f, distance: undefined, probability: f.sigma === undefined ? undefined : 0 };
  }
  const ratio = Number((f.barrier * 10n ** 12n) / f.spot) / 1e12; // exact to 1e-12 from the bigints
  const distance = ratio - 1;
  if (f.barrier === 0n) return { ...f, distance, probability: f.sigma === undefined ? undefined : 0 };
  const probability =
    f.sigma === undefined ? undefined : firstPassageProbability(1, ratio, f.sigma.sigma, years, f.direction);
  return { ...f, distance, probability };
}

/**
 * A position's factors, probability and level at `horizonHours`, from the Vault's figures (`input`): each asset's
 * liquidation price (sdk/math.ts `liquidationPrices`), the basket's uniform drop to health 1 (the collateral value
 * times debt value / liquidation limit: health is proportional to a uniform move of every collateral price unless the
 * debt tracks one of them), and a tracked price outside the basket rising to liquidation limit / debt.
 */
export function assessPosition(input: RiskInput, horizonHours: number, t: Thresholds): PositionRisk {
  if (!(horizonHours > 0)) throw new RangeError(`horizon ${horizonHours} h must be above 0`);
  const years = horizonHours / HOURS_PER_YEAR;
  const factors: FactorRisk[] = [];
  const hasDebt = input.debt !== 0n && input.health !== NO_DEBT;
  if (hasDebt) {
    const prices = liquidationPrices(input.basket, input.debt, input.debtValue);
    for (const [i, a] of input.basket.entries()) {
      if (a.amount === 0n || a.price === 0n) continue;
      const lp = prices[i];
      factors.push(
        factorRisk(
          {
            kind: "asset",
            symbol: a.symbol,
            direction: lp?.rising === true || a.tracksDebt ? "up" : "down",
            spot: a.price,
            barrier: lp?.price,
            sigma: a.sigma,
          },
          years,
        ),
      );
    }
    const priced = input.basket.filter((a) => a.amount !== 0n && a.price !== 0n);
    const tracked = input.basket.some((a) => a.tracksDebt && a.amount !== 0n);
    if (priced.length > 1 && !tracked && input.liquidationLimit > 0n) {
      // health(k) = k × liquidationLimit / debtValue: the uniform factor k at health 1 is debtValue / limit
      const values = priced.map((a) => (a.amount * a.price) / 10n ** BigInt(a.decimals));
      const s = basketSigma(
        values,
        priced.map((a) => a.sigma?.sigma),
      );
      factors.push(
        factorRisk(
          {
            kind: "basket",
            symbol: "basket",
            direction: "down",
            spot: input.collateralValue,
            barrier: (input.collateralValue * input.debtValue) / input.liquidationLimit,
            sigma: s === undefined ? undefined : { sigma: s, source: "weighted" },
          },
          years,
        ),
      );
    }
    if (input.debtAsset !== undefined && input.debtValue > 0n) {
      // debt value = debt × price: the price at which it reaches the liquidation limit
      const d = input.debtAsset;
      factors.push(
        factorRisk(
          {
            kind: "debt",
            symbol: d.symbol,
            direction: "up",
            spot: d.price,
            barrier: (d.price * input.liquidationLimit) / input.debtValue,
            sigma: d.sigma,
          },
          years,
        ),
      );
    }
  }
  let driver: FactorRisk | undefined;
  for (const f of factors) {
    if (f.probability !== undefined && (driver === undefined || f.probability > (driver.probability ?? 0))) driver = f;
  }
  const liquidatable = hasDebt && input.health < WAD;
  const probability = liquidatable ? 1 : hasDebt ? (driver?.probability ?? 0) : 0;
  const { level, reasons } = classify(input.health, hasDebt ? probability : 0, t, hasDebt);
  return {
    id: input.id,
    owner: input.owner,
    synth: input.synth,
    health: input.health,
    debt: input.debt,
    debtValue: input.debtValue,
    collateralValue: input.collateralValue,
    liquidationLimit: input.liquidationLimit,
    factors,
    probability,
    driver,
    horizonHours,
    level,
    reasons,
  };
}

/**
 * The level `health` [wad] and `probability` put a position at, and why: `liquidatable` below health 1.0, else the
 * highest of the health level (below `criticalHealth`, below `warnHealth`) and the probability level (at or above
 * `criticalProbability`, `warnProbability`); `ok` without debt.
 */
export function classify(
  health: bigint,
  probability: number,
  t: Thresholds,
  hasDebt = health !== NO_DEBT,
): { level: AlertLevel; reasons: string[] } {
  if (!hasDebt) return { level: "ok", reasons: [] };
  if (health < WAD) return { level: "liquidatable", reasons: [`health ${formatHealth(health)} < 1.000`] };
  let level: AlertLevel = "ok";
  const reasons: string[] = [];
  const raise = (to: AlertLevel, why: string): void => {
    reasons.push(why);
    if (rank(to) > rank(level)) level = to;
  };
  if (health < t.criticalHealth)
    raise("critical", `health ${formatHealth(health)} < ${formatHealth(t.criticalHealth)}`);
  else if (health < t.warnHealth) raise("warn", `health ${formatHealth(health)} < ${formatHealth(t.warnHealth)}`);
  if (probability >= t.criticalProbability) {
    raise("critical", `P ${formatPercent(probability)} ≥ ${formatPercent(t.criticalProbability)}`);
  } else if (probability >= t.warnProbability) {
    raise("warn", `P ${formatPercent(probability)} ≥ ${formatPercent(t.warnProbability)}`);
  }
  return { level, reasons };
}

/** The order of a level: ok 0, warn 1, critical 2, liquidatable 3. */
export function rank(level: AlertLevel): number {
  return LEVELS.indexOf(level);
}

/**
 * What a move from `previous` to `current` sends: `alert` when the position crosses up into a level, `cleared` when
 * it leaves one downwards (to a lower level or to ok), nothing when the level is unchanged.
 */
export function transition(previous: AlertLevel, current: AlertLevel): "alert" | "cleared" | undefined {
  if (rank(current) > rank(previous)) return "alert";
  if (rank(current) < rank(previous)) return "cleared";
  return undefined;
}

// ----------------------------------------------------------------------------------------------------------------
// Alerts: the line a person reads and the JSON a machine reads
// ----------------------------------------------------------------------------------------------------------------

/** One alert: a position crossed into a level (`alert`) or left one (`cleared`). */
export interface Alert {
  kind: "alert" | "cleared";
  level: AlertLevel;
  previous: AlertLevel;
  risk: PositionRisk;
  /** The chain and block it was read at. */
  network: string;
  chainId: bigint;
  block: number;
  /** [s] The block's timestamp. */
  timestamp: number;
  /** Why it cleared, when the position is gone rather than safer ("closed"). */
  note?: string;
}

/** The JSON payload's version: a field's meaning never changes within one version. */
export const ALERT_SCHEMA = "ballast.watch.alert/1";

/** A factor in the payload: bigint as decimal strings, fractions as numbers. */
export interface FactorJson {
  kind: FactorRisk["kind"];
  symbol: string;
  direction: Direction;
  spot: string; // [wad]
  barrier: string | null; // [wad]
  distance: number | null; // barrier / spot − 1
  sigma: number | null;
  sigmaSource: SigmaSource | null;
  probability: number | null;
}

/** The alert payload: one JSON object per alert (stdout with `--json`, the webhook's POST body). */
export interface AlertJson {
  schema: typeof ALERT_SCHEMA;
  kind: Alert["kind"];
  level: AlertLevel;
  previous: AlertLevel;
  positionId: string;
  owner: string;
  synthetic: string;
  network: string;
  chainId: string;
  block: number;
  timestamp: number; // [s]
  time: string; // ISO of `timestamp`
  health: string; // [wad]; "115792…" (2^256 − 1) without debt
  debt: string; // [wad]
  debtValue: string; // [wad USD]
  collateralValue: string; // [wad USD]
  liquidationLimit: string; // [wad USD]
  probability: number; // within horizonHours
  horizonHours: number;
  model: string;
  driver: FactorJson | null;
  factors: FactorJson[];
  reasons: string[];
  unavailable: string | null;
  note: string | null;
  message: string; // the human line
}

function factorJson(f: FactorRisk): FactorJson {
  return {
    kind: f.kind,
    symbol: f.symbol,
    direction: f.direction,
    spot: f.spot.toString(),
    barrier: f.barrier === undefined ? null : f.barrier.toString(),
    distance: f.distance ?? null,
    sigma: f.sigma?.sigma ?? null,
    sigmaSource: f.sigma?.source ?? null,
    probability: f.probability ?? null,
  };
}

/** The alert as its JSON payload (stable field names, bigint as decimal strings). */
export function alertJson(a: Alert): AlertJson {
  const r = a.risk;
  return {
    schema: ALERT_SCHEMA,
    kind: a.kind,
    level: a.level,
    previous: a.previous,
    positionId: r.id.toString(),
    owner: r.owner,
    synthetic: r.synth,
    network: a.network,
    chainId: a.chainId.toString(),
    block: a.block,
    timestamp: a.timestamp,
    time: new Date(a.timestamp * 1_000).toISOString(),
    health: r.health.toString(),
    debt: r.debt.toString(),
    debtValue: r.debtValue.toString(),
    collateralValue: r.collateralValue.toString(),
    liquidationLimit: r.liquidationLimit.toString(),
    probability: r.probability,
    horizonHours: r.horizonHours,
    model: MODEL,
    driver: r.driver === undefined ? null : factorJson(r.driver),
    factors: r.factors.map(factorJson),
    reasons: r.reasons,
    unavailable: r.unavailable ?? null,
    note: a.note ?? null,
    message: alertLine(a),
  };
}

/** A fraction as a percentage: 0.0523 is "5.23%", under 0.01% "<0.01%", 0 "0%". */
export function formatPercent(x: number): string {
  if (x === 0) return "0%";
  const p = x * 100;
  if (Math.abs(p) < 0.01) return p < 0 ? ">-0.01%" : "<0.01%";
  return `${p.toFixed(Math.abs(p) >= 10 ? 1 : 2)}%`;
}

/** A signed distance as "−5.88%" / "+12.0%". */
export function formatDistance(d: number): string {
  return `${d < 0 ? "−" : "+"}${formatPercent(Math.abs(d))}`;
}

/** "σ 80% (configured)". */
export function formatSigma(s: Sigma | undefined): string {
  return s === undefined ? "σ unknown" : `σ ${formatPercent(s.sigma)} (${s.source})`;
}

/**
 * One factor in words: "WETH $2,000.00 → liquidation below $1,882.35 (−5.88%), σ 80% (configured), P 12.3%";
 * the basket: "basket $20,000.00 → $18,823.53 (−5.88%) …".
 */
export function factorLine(f: FactorRisk): string {
  const what =
    f.kind === "basket" ? "all collateral together" : f.kind === "debt" ? `${f.symbol} (the debt)` : f.symbol;
  if (f.barrier === undefined) return `${what} ${formatUsd(f.spot)}: no liquidation price`;
  const side = f.direction === "down" ? "below" : "above";
  const dist = f.distance === undefined ? "" : ` (${formatDistance(f.distance)})`;
  const p = f.probability === undefined ? "P n/a" : `P ${formatPercent(f.probability)}`;
  return `${what} ${formatUsd(f.spot)} → liquidation ${side} ${formatUsd(f.barrier)}${dist}, ${formatSigma(f.sigma)}, ${p}`;
}

/** A position's state in one line: health, probability, the driving factor. */
export function riskLine(r: PositionRisk): string {
  const head = `#${r.id} ${r.synth} owner ${r.owner}: health ${formatHealth(r.health)}`;
  if (r.unavailable !== undefined) return `${head}; ${r.unavailable}`;
  if (r.debt === 0n) return `${head} (no debt)`;
  const p = `P(liquidation within ${r.horizonHours} h) ${formatPercent(r.probability)} [${MODEL_SHORT}]`;
  return `${head}; ${p}${r.driver === undefined ? "" : `; ${factorLine(r.driver)}`}`;
}

/** The human line of an alert: "ALERT warn #3 …" or "cleared warn → ok #3 …". */
export function alertLine(a: Alert): string {
  const what =
    a.kind === "alert"
      ? `ALERT ${a.level.toUpperCase()} (was ${a.previous})`
      : `cleared ${a.previous} → ${a.level}${a.note === undefined ? "" : ` (${a.note})`}`;
  const why = a.risk.reasons.length > 0 ? ` — ${a.risk.reasons.join(", ")}` : "";
  return `${what} ${riskLine(a.risk)}${why}`;
}
