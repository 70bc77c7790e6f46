/**
 * Where the watch gets each asset's volatility: the on-chain volatility observer when the deployment has one and its
 * estimate is fresh and well sampled, otherwise the risk engine's configured default (risk/model.ts `defaultConfig`).
 * `volatilitySourceFor` is the one switch: a deployment manifest with an address under `VolatilityObserver` (the deploy's name) turns the
 * observer on; everything else gets the configured values.
 *
 * The observer's interface (its TypeChain type is not generated here, so ethers reads it through this fragment):
 *   function volatilityOf(address asset) view returns (uint256 volatility, uint256 updatedAt, uint256 samples)
 * `volatility` [wad] annualized σ (1e18 = 100%), `updatedAt` [s] the time of its last sample, `samples` how many.
 *
 * Units: σ as a float fraction (0.8 = 80% a year), times in seconds.
 */
import { Contract, type ContractRunner } from "ethers";
import type { Sigma } from "../sdk/alerts.js";
import { defaultConfig } from "../risk/model.js";

/** The observer's read, as a human-readable ABI fragment. */
export const VOLATILITY_OBSERVER_ABI = [
  "function volatilityOf(address asset) view returns (uint256 volatility, uint256 updatedAt, uint256 samples)",
] as const;

/** The manifest keys (under `contracts`) where the observer's address is looked for. */
export const OBSERVER_KEYS = ["volatilityObserver", "VolatilityObserver"] as const;

/** Fewest samples an observed σ needs to be used. */
export const MIN_SAMPLES = 3n;

/** One asset as the source is asked about it. */
export interface AssetRef {
  address: string;
  symbol: string;
}

/** A volatility and, when the configured value stands in for the observer's, why. */
export interface VolatilityReading extends Sigma {
  /** Set when the observer exists but its value was not used: "stale (2 h old)", "2 samples", "reverted". */
  fallback?: string;
  /** [s] When the observer last sampled (observed readings). */
  updatedAt?: number;
  samples?: bigint;
}

/** Gives an asset's annualized volatility at chain time `now` [s], or undefined when there is none. */
export interface VolatilitySource {
  /** "observer 0x… (stale after 3600 s), else configured" or "configured (risk/model.ts)". */
  readonly description: string;
  volatilityOf(asset: AssetRef, now: number): Promise<VolatilityReading | undefined>;
}

/** The risk engine's configured volatility per asset symbol (risk/model.ts `defaultConfig().vol`). */
export function configuredVolatilities(): Record<string, number> {
  return { ...defaultConfig().vol };
}

/** The configured volatilities only. */
export class ConfiguredVolatility implements VolatilitySource {
  readonly description = "configured (risk/model.ts defaultConfig)";
  constructor(private readonly vol: Record<string, number> = configuredVolatilities()) {}

  volatilityOf(asset: AssetRef): Promise<VolatilityReading | undefined> {
    const v = this.vol[asset.symbol];
    return Promise.resolve(v === undefined ? undefined : { sigma: v, source: "configured" });
  }
}

/**
 * The observer's σ when it has at least `MIN_SAMPLES` samples and is at most `maxAgeSeconds` old; otherwise the
 * configured σ, with the reason it stood in.
 */
export class ObservedVolatility implements VolatilitySource {
  readonly description: string;
  private readonly observer: Contract;

  constructor(
    readonly address: string,
    runner: ContractRunner,
    private readonly maxAgeSeconds: number,
    private readonly fallback: VolatilitySource = new ConfiguredVolatility(),
  ) {
    this.observer = new Contract(address, VOLATILITY_OBSERVER_ABI, runner);
    this.description = `observer ${address} (used when ≥ ${MIN_SAMPLES} samples and ≤ ${maxAgeSeconds} s old), else ${fallback.description}`;
  }

  async volatilityOf(asset: AssetRef, now: number): Promise<VolatilityReading | undefined> {
    let why: string;
    try {
      const fn = this.observer.getFunction("volatilityOf");
      const [volatility, updatedAt, samples] = (await fn.staticCall(asset.address)) as [bigint, bigint, bigint];
      const age = now - Number(updatedAt);
      if (samples < MIN_SAMPLES) why = `observer has ${samples} sample(s), needs ${MIN_SAMPLES}`;
      else if (age > this.maxAgeSeconds) why = `observer value is stale (${formatAge(age)} old)`;
      else {
        return { sigma: Number(volatility) / 1e18, source: "observed", updatedAt: Number(updatedAt), samples };
      }
    } catch (e) {
      why = `observer call failed (${(e as Error).message.split("\n")[0]?.slice(0, 120) ?? "error"})`;
    }
    const c = await this.fallback.volatilityOf(asset, now);
    return c === undefined ? undefined : { ...c, fallback: why };
  }
}

/** The observer's address in a manifest's contracts, or undefined. */
export function observerAddress(contracts: Record<string, { address: string } | undefined>): string | undefined {
  for (const k of OBSERVER_KEYS) {
    const a = contracts[k]?.address;
    if (a !== undefined && a !== "") return a;
  }
  return undefined;
}

/**
 * THE SWITCH: the observer (with the configured σ behind it) when `contracts` has an address under
 * `VolatilityObserver`, else the configured σ alone.
 */
export function volatilitySourceFor(
  contracts: Record<string, { address: string } | undefined>,
  runner: ContractRunner,
  maxAgeSeconds: number,
): VolatilitySource {
  const address = observerAddress(contracts);
  return address === undefined ? new ConfiguredVolatility() : new ObservedVolatility(address, runner, maxAgeSeconds);
}

/** [s] as "45 s", "12 min", "3.5 h". */
function formatAge(s: number): string {
  if (s < 120) return `${s} s`;
  if (s < 7_200) return `${Math.round(s / 60)} min`;
  return `${(s / 3_600).toFixed(1)} h`;
}
