/**
 * One evaluation of a list of positions: read each position's figures from the chain at one block (the Vault's health
 * through `PositionLens.healthOf`, the basket, each asset's guarded price and threshold in force), get each asset's
 * volatility (watch/volatility.ts), and assess it (sdk/alerts.ts `assessPosition`). `evaluatePositions` also turns
 * the levels into alerts against the levels a caller remembers, so a demo or a test can run the watch's logic once
 * without the loop: `const { alerts } = await evaluatePositions(reader, [1n, 2n], options)`.
 *
 * No Hardhat: ethers and typechain-types only. Units: `[wad]` 1e18, `[token]` a token's decimals, `[bps]` 1e4.
 */
import type { BlockTag } from "ethers";
import type { OracleAdapter, PositionLens, Vault } from "../typechain-types/index.js";
import {
  type Alert,
  type AlertLevel,
  type PositionRisk,
  type RiskAsset,
  type Sigma,
  type Thresholds,
  assessPosition,
  classify,
  transition,
} from "../sdk/alerts.js";
import { type ErrorContext, explainFailure } from "../sdk/errors.js";
import type { Manifest } from "../sdk/manifest.js";
import type { VolatilitySource } from "./volatility.js";

/** What the watch reads: the deployment's contracts and the manifest's assets and synthetics. */
export interface ChainReader {
  vault: Vault;
  lens: PositionLens;
  oracle: OracleAdapter;
  /** Collateral assets by address (the manifest's). */
  assets: readonly { address: string; symbol: string; decimals: number }[];
  /** Synthetics with the symbol of the asset they track ("USD" for none). */
  synthetics: readonly { synthId: bigint; symbol: string; priceAsset: string }[];
  /** For error messages in units. */
  errors?: ErrorContext;
}

/** How positions are assessed. */
export interface AssessOptions {
  /** [h] The horizon of the probability. */
  horizonHours: number;
  thresholds: Thresholds;
  volatility: VolatilitySource;
  /** The block to read at (default: the latest, fixed once for the whole evaluation). */
  blockTag?: number;
  /** Each position's level before this evaluation (absent: ok); a position without any health keeps it. */
  previous?: ReadonlyMap<bigint, AlertLevel>;
}

/** A position id that does not exist. */
export class UnknownPositionError extends Error {
  constructor(
    readonly id: bigint,
    readonly next: bigint,
  ) {
    super(
      `position #${id} does not exist (${next > 1n ? `ids run from 1 to ${next - 1n}` : "no position is open yet"})`,
    );
    this.name = "UnknownPositionError";
  }
}

/** The positions' risks at one block. */
export interface Assessment {
  block: number;
  /** [s] The block's timestamp. */
  timestamp: number;
  risks: PositionRisk[];
  /** Volatility notes: "WETH: observer value is stale (2.0 h old), configured σ used". One per asset. */
  notes: string[];
}

/**
 * Reads and assesses `ids` at one block (see the file comment). An id that does not exist throws
 * `UnknownPositionError`; a position whose health cannot be computed (a price unavailable) is reported with
 * `unavailable` set and the engine's health (`liquidationHealthOf`, failed prices at 0) when it has one.
 */
export async function assessPositions(
  reader: ChainReader,
  ids: readonly bigint[],
  opts: AssessOptions,
): Promise<Assessment> {
  const provider = reader.vault.runner?.provider;
  if (provider == null) throw new Error("assessPositions: the Vault has no provider");
  const block = opts.blockTag ?? (await provider.getBlockNumber());
  const header = await provider.getBlock(block);
  if (header === null) throw new Error(`assessPositions: the node has no block ${block}`);
  const timestamp = header.timestamp;
  const at: { blockTag: BlockTag } = { blockTag: block };

  const prices = new Map<string, Promise<bigint>>(); // [wad], 0 when failed
  const thresholds = new Map<string, Promise<bigint>>(); // [bps]
  const sigmas = new Map<string, Promise<Sigma | undefined>>();
  const notes = new Map<string, string>();
  const key = (a: string): string => a.toLowerCase();
  const assetInfo = (address: string): { symbol: string; decimals?: number } =>
    reader.assets.find((a) => key(a.address) === key(address)) ?? { symbol: address };
  const priceOf = (address: string): Promise<bigint> => {
    let p = prices.get(key(address));
    if (p === undefined) {
      p = reader.oracle.tryGetPrice(address, at).then(([price, failure]) => (failure === 0n ? price : 0n));
      prices.set(key(address), p);
    }
    return p;
  };
  const thresholdOf = (address: string): Promise<bigint> => {
    let t = thresholds.get(key(address));
    if (t === undefined) {
      t = reader.lens.liquidationThreshold(address, at);
      thresholds.set(key(address), t);
    }
    return t;
  };
  const sigmaOf = (address: string): Promise<Sigma | undefined> => {
    let s = sigmas.get(key(address));
    if (s === undefined) {
      const symbol = assetInfo(address).symbol;
      s = opts.volatility.volatilityOf({ address, symbol }, timestamp).then((v) => {
        if (v === undefined)
          notes.set(key(address), `${symbol}: no volatility (observed or configured): no probability`);
        else if (v.fallback !== undefined) notes.set(key(address), `${symbol}: ${v.fallback}; configured σ used`);
        return v === undefined ? undefined : { sigma: v.sigma, source: v.source };
      });
      sigmas.set(key(address), s);
    }
    return s;
  };

  const next = await reader.vault.nextPositionId(at);
  const risks: PositionRisk[] = [];
  for (const id of ids) {
    const [owner, synthId] = await reader.vault.positionOf(id, at);
    if (owner === "0x0000000000000000000000000000000000000000") throw new UnknownPositionError(id, next);
    const synth = reader.synthetics.find((s) => s.synthId === synthId);
    const synthSymbol = synth?.symbol ?? `synthetic ${synthId}`;
    const tracked =
      synth === undefined || synth.priceAsset === "USD"
        ? undefined
        : reader.assets.find((a) => a.symbol === synth.priceAsset);
    let h;
    try {
      h = await reader.lens.healthOf(id, at);
    } catch (e) {
      risks.push(await unavailable(reader, id, owner, synthSymbol, e, opts, at));
      continue;
    }
    const [assets, amounts] = await reader.lens.basketOf(id, at);
    const basket: RiskAsset[] = [];
    for (const [i, address] of assets.entries()) {
      const info = assetInfo(address);
      const decimals = info.decimals ?? Number((await reader.vault.assetConfig(address, at)).decimals);
      basket.push({
        symbol: info.symbol,
        amount: amounts[i] ?? 0n,
        decimals,
        price: await priceOf(address),
        liqThresholdBps: await thresholdOf(address),
        tracksDebt: tracked !== undefined && key(tracked.address) === key(address),
        sigma: await sigmaOf(address),
      });
    }
    const trackedInBasket = tracked !== undefined && assets.some((a) => key(a) === key(tracked.address));
    risks.push(
      assessPosition(
        {
          id,
          owner,
          synth: synthSymbol,
          health: h.health,
          debt: h.debt,
          debtValue: h.debtValue,
          collateralValue: h.collateralValue,
          liquidationLimit: h.liquidationLimit,
          basket,
          ...(tracked === undefined || trackedInBasket
            ? {}
            : {
                debtAsset: {
                  symbol: tracked.symbol,
                  price: await priceOf(tracked.address),
                  sigma: await sigmaOf(tracked.address),
                },
              }),
        },
        opts.horizonHours,
        opts.thresholds,
      ),
    );
  }
  return { block, timestamp, risks, notes: [...notes.values()] };
}

/** A position whose `healthOf` reverted: the engine's health when it has one, and why the rest is missing. */
async function unavailable(
  reader: ChainReader,
  id: bigint,
  owner: string,
  synth: string,
  e: unknown,
  opts: AssessOptions,
  at: { blockTag: BlockTag },
): Promise<PositionRisk> {
  const why = await explainFailure(e, reader.errors ?? { vault: reader.vault, lens: reader.lens });
  const [[health], [available]] = await reader.lens.liquidationHealthOf([id], at);
  const debt = await reader.lens.debtOf(id, at);
  const hasDebt = debt !== 0n;
  const h = available === true ? (health ?? 0n) : 2n ** 256n - 1n;
  const { level, reasons } =
    available === true
      ? classify(h, 0, opts.thresholds, hasDebt)
      : { level: opts.previous?.get(id) ?? "ok", reasons: ["no health: level kept"] };
  return {
    id,
    owner,
    synth,
    health: h,
    debt,
    debtValue: 0n,
    collateralValue: 0n,
    liquidationLimit: 0n,
    factors: [],
    probability: level === "liquidatable" ? 1 : 0,
    driver: undefined,
    horizonHours: opts.horizonHours,
    level,
    reasons,
    unavailable:
      `health unavailable (${why})` +
      (available === true ? "; health as a liquidation values it (failed prices at 0)" : "; no health at all"),
  };
}

/** What `evaluatePositions` needs besides `AssessOptions`. */
export interface EvaluateOptions extends AssessOptions {
  network: string;
  chainId: bigint;
}

/**
 * Evaluates `ids` once and returns their risks and the alerts their levels give against `previous`: an `alert` for
 * each position that crossed up into a level, a `cleared` for each that left one. With no `previous`, every position
 * not at `ok` alerts. The levels to remember next time are `levels`.
 */
export async function evaluatePositions(
  reader: ChainReader,
  ids: readonly bigint[],
  opts: EvaluateOptions,
): Promise<Assessment & { alerts: Alert[]; levels: Map<bigint, AlertLevel> }> {
  const assessment = await assessPositions(reader, ids, opts);
  const alerts: Alert[] = [];
  const levels = new Map<bigint, AlertLevel>();
  for (const risk of assessment.risks) {
    const previous = opts.previous?.get(risk.id) ?? "ok";
    levels.set(risk.id, risk.level);
    const kind = transition(previous, risk.level);
    if (kind === undefined) continue;
    alerts.push({
      kind,
      level: risk.level,
      previous,
      risk,
      network: opts.network,
      chainId: opts.chainId,
      block: assessment.block,
      timestamp: assessment.timestamp,
    });
  }
  return { ...assessment, alerts, levels };
}

/**
 * A `ChainReader` from a deployment manifest's assets and synthetics (sdk/manifest.ts) and its contracts: what a
 * script or a test that holds a manifest (`deployCore(...).manifest`) passes to `evaluatePositions`.
 */
export function manifestReader(
  manifest: Pick<Manifest, "assets" | "synthetics">,
  contracts: { vault: Vault; lens: PositionLens; oracle: OracleAdapter },
): ChainReader {
  return {
    ...contracts,
    assets: Object.entries(manifest.assets).map(([symbol, a]) => ({ address: a.token, symbol, decimals: a.decimals })),
    synthetics: Object.entries(manifest.synthetics).map(([symbol, s]) => ({
      synthId: BigInt(s.synthId),
      symbol,
      priceAsset: s.priceAsset,
    })),
  };
}
