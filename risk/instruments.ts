/**
 * The instrument vault's series in the risk report: what each series is worth to its long side, its delta and gamma,
 * and the open interest's exposure per underlying.
 *
 * Model: Black–Scholes with no rates or dividends (the collateral earns nothing in the vault), σ per underlying from
 * the risk config, raised to the volatility the on-chain observer measures where it has enough samples
 * (snapshot.ts `withObservedVolatility`). With S the underlying's oracle price, K the strike, T the years to expiry:
 *   d1 = (ln(S/K) + σ²T/2) / (σ√T),  d2 = d1 − σ√T,  φ the normal density, N its distribution
 *   call         value S·N(d1) − K·N(d2)   delta N(d1)           gamma φ(d1) / (S·σ·√T)
 *   put          value K·N(−d2) − S·N(−d1) delta N(d1) − 1       gamma φ(d1) / (S·σ·√T)
 *   binary up    value N(d2)               delta φ(d2)/(S·σ·√T)  gamma −d1·φ(d2) / (S²·σ²·T)
 *   binary down  value N(−d2)              delta −φ(d2)/(S·σ·√T) gamma d1·φ(d2) / (S²·σ²·T)
 * A call pays (P − K)/P of the underlying, worth (P − K) USD: the same value as a USD call. Binaries pay 1 USD (one
 * whole quote unit). Units: value [USD per contract]; delta = dValue/dS [USD per USD of price: underlying units per
 * contract]; gamma = d²Value/dS² [per USD of price]. At or after expiry (or σ = 0) the value is the payoff at S and
 * both greeks are 0.
 *
 * The vault itself carries no price exposure from a series: every unit is backed by what its writer locked. The
 * figures say what the open interest hands to longs (and takes from shorts), which the protocol-wide view adds to the
 * synthetics' exposure per asset: `issuedDelta` = synthetic debt priced by the asset + the longs' instrument delta,
 * in underlying units.
 */
import type { ContractRunner } from "ethers";
import { listSeries } from "../sdk/instruments.js";
import { IInstrumentVault__factory } from "../typechain-types/index.js";
import { KINDS, type Kind, type RiskConfig, type SeriesSnap, type Snapshot } from "./model.js";

export { KINDS, type Kind, type SeriesSnap };

/** Black–Scholes figures of one contract. */
export interface Greeks {
  value: number; // [USD]
  delta: number; // [USD per USD of price]
  gamma: number; // [per USD of price]
}

/** One series in the report. */
export interface SeriesRisk {
  id: string;
  kind: Kind;
  underlying: string;
  strike: number; // [USD]
  expiresInDays: number;
  units: number; // contracts
  spot: number; // [USD]
  vol: number;
  perContract: Greeks;
  /** The open interest: units × per contract. */
  value: number; // [USD]
  delta: number; // [underlying units]
  gamma: number; // [underlying units per USD]
  move1pct: number; // [USD] change of the longs' value for a 1% rise of the underlying
  settled: boolean;
}

/** The open interest's figures per underlying symbol. */
export interface InstrumentAssetRisk {
  underlying: string;
  longDelta: number; // [underlying units]
  longGamma: number;
  move1pct: number; // [USD]
  value: number; // [USD] what the longs hold
}

/** What the protocol has issued per asset, synthetics and instruments together [underlying units]. */
export interface IssuedExposure {
  asset: string;
  price: number; // [USD]
  /** Synthetic debt priced by the asset (e.g. bETH owed), in its units. */
  syntheticUnits: number;
  /** The instruments' long delta on it. */
  instrumentDelta: number;
  /** Both: what holders of Ballast's synthetics and instruments gain per unit the asset rises. */
  issuedDelta: number;
  move1pct: number; // [USD]
}

export interface InstrumentRisk {
  series: SeriesRisk[];
  perAsset: InstrumentAssetRisk[];
  issued: IssuedExposure[];
}

/** The standard normal density. */
function phi(x: number): number {
  return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
}

/** The standard normal distribution (Abramowitz and Stegun 26.2.17: absolute error below 7.5e-8). */
export function normCdf(x: number): number {
  const t = 1 / (1 + 0.2316419 * Math.abs(x));
  const poly = t * (0.31938153 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
  const tail = phi(x) * poly; // N(-|x|)
  return x >= 0 ? 1 - tail : tail;
}

/** Value, delta and gamma of one contract of `kind` at spot `s` [USD], strike `k` [USD], `t` years, volatility σ. */
export function greeks(kind: Kind, s: number, k: number, t: number, sigma: number): Greeks {
  if (t <= 0 || sigma <= 0 || s <= 0) {
    const value =
      kind === "call"
        ? Math.max(s - k, 0)
        : kind === "put"
          ? Math.max(k - s, 0)
          : kind === "binary-up"
            ? s > k
              ? 1
              : 0
            : s < k
              ? 1
              : 0;
    return { value, delta: 0, gamma: 0 };
  }
  const sd = sigma * Math.sqrt(t);
  const d1 = (Math.log(s / k) + (sigma * sigma * t) / 2) / sd;
  const d2 = d1 - sd;
  switch (kind) {
    case "call":
      return { value: s * normCdf(d1) - k * normCdf(d2), delta: normCdf(d1), gamma: phi(d1) / (s * sd) };
    case "put":
      return { value: k * normCdf(-d2) - s * normCdf(-d1), delta: normCdf(d1) - 1, gamma: phi(d1) / (s * sd) };
    case "binary-up":
      return { value: normCdf(d2), delta: phi(d2) / (s * sd), gamma: (-d1 * phi(d2)) / (s * s * sd * sd) };
    case "binary-down":
      return { value: normCdf(-d2), delta: -phi(d2) / (s * sd), gamma: (d1 * phi(d2)) / (s * s * sd * sd) };
  }
}

/** Every series' figures and their sum per underlying, at the snapshot's prices and time. */
export function instrumentRisk(snap: Snapshot, series: SeriesSnap[], cfg: RiskConfig): InstrumentRisk {
  const out: SeriesRisk[] = [];
  const perAsset = new Map<string, InstrumentAssetRisk>();
  for (const s of series) {
    const asset = snap.assets[s.asset];
    const spot = asset === undefined ? 0 : Number(asset.price) / 1e18;
    const strike = Number(s.strike) / 1e18;
    const years = Number(s.expiry - snap.timestamp) / (365 * 86_400);
    const vol = cfg.vol[s.underlyingSymbol] ?? 0;
    const settled = s.settledPrice !== 0n;
    const g = greeks(s.kind, settled ? Number(s.settledPrice) / 1e18 : spot, strike, settled ? 0 : years, vol);
    const units = Number(s.units) / 1e18;
    const row: SeriesRisk = {
      id: s.id.toString(),
      kind: s.kind,
      underlying: s.underlyingSymbol,
      strike,
      expiresInDays: years * 365,
      units,
      spot,
      vol,
      perContract: g,
      value: units * g.value,
      delta: units * g.delta,
      gamma: units * g.gamma,
      move1pct: units * g.delta * spot * 0.01,
      settled,
    };
    out.push(row);
    const a = perAsset.get(s.underlyingSymbol) ?? {
      underlying: s.underlyingSymbol,
      longDelta: 0,
      longGamma: 0,
      move1pct: 0,
      value: 0,
    };
    a.longDelta += row.delta;
    a.longGamma += row.gamma;
    a.move1pct += row.move1pct;
    a.value += row.value;
    perAsset.set(s.underlyingSymbol, a);
  }
  const issued: IssuedExposure[] = snap.assets.map((a, i) => {
    const price = Number(a.price) / 1e18;
    let syntheticUnits = 0;
    for (const synth of snap.synths) {
      if (synth.priceAsset !== i) continue;
      // the synthetic's whole debt: the positions' (already at the current index), in auction, and bad debt
      syntheticUnits += Number(synth.totalDebt + synth.auctionDebt + synth.badDebt) / 1e18;
    }
    const instrumentDelta = perAsset.get(a.symbol)?.longDelta ?? 0;
    const issuedDelta = syntheticUnits + instrumentDelta;
    return {
      asset: a.symbol,
      price,
      syntheticUnits,
      instrumentDelta,
      issuedDelta,
      move1pct: issuedDelta * price * 0.01,
    };
  });
  return { series: out, perAsset: [...perAsset.values()], issued };
}

/** Reads every series of the instrument vault at `address` (sdk/instruments.ts `listSeries`) for the snapshot. */
export async function readSeries(runner: ContractRunner, address: string, snap: Snapshot): Promise<SeriesSnap[]> {
  const indexOf = new Map(snap.assets.map((a, i) => [a.address.toLowerCase(), i]));
  return (await listSeries(IInstrumentVault__factory.connect(address, runner))).map((s) => {
    const asset = indexOf.get(s.underlying.toLowerCase()) ?? -1;
    const kind = KINDS[s.kind];
    if (kind === undefined) throw new Error(`series ${s.id} has kind ${s.kind}, which this reader does not know`);
    return {
      id: s.id,
      kind,
      asset,
      underlying: s.underlying,
      underlyingSymbol: snap.assets[asset]?.symbol ?? s.underlying.slice(0, 8),
      collateral: s.collateral,
      collateralDecimals: s.collateralDecimals,
      strike: s.strike,
      expiry: s.expiry,
      units: s.units,
      locked: s.locked,
      settledPrice: s.state.price,
    };
  });
}
