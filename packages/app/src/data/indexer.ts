/**
 * Every call to the indexer (@ballast/indexer's HTTP JSON API) goes through this module; the endpoint paths are
 * here and nowhere else. Without an indexer URL in /config.json, `indexer(config)` returns null and the pages say
 * which figures need it.
 *
 * The response shapes below are what the pages expect; adjust `PATHS` and the types when wiring to the real API.
 */
import type { AppConfig } from "../config";

export const PATHS = {
  /** A position's history: its events, oldest first. */
  positionHistory: (id: bigint) => `/positions/${id.toString()}/history`,
  /** Liquidations per collateral asset per day. */
  liquidationsPerDay: () => `/liquidations/daily`,
  /** The Treasury's running totals per synthetic. */
  treasuryTotals: () => `/treasury/totals`,
} as const;

/** One event of a position (amounts as decimal strings in the token's units). */
export interface HistoryEntry {
  block: number;
  timestamp: number;
  tx: string;
  kind: string;
  asset?: string;
  amount?: string;
}

export interface LiquidationDay {
  day: string;
  asset: string;
  count: number;
  /** [wad] debt taken into auction, decimal string. */
  debt: string;
}

export interface TreasuryTotal {
  synthId: number;
  block: number;
  timestamp: number;
  /** [wad] decimal strings. */
  surplus: string;
  deficit: string;
  penalties: string;
  keeperPay: string;
  badDebt: string;
}

export interface Indexer {
  url: string;
  positionHistory(id: bigint): Promise<HistoryEntry[]>;
  liquidationsPerDay(): Promise<LiquidationDay[]>;
  treasuryTotals(): Promise<TreasuryTotal[]>;
}

/** The configured indexer, or null when /config.json names none. */
export function indexer(config: AppConfig): Indexer | null {
  const base = config.indexerUrl;
  if (base === null || base.trim() === "") return null;
  const get = async <T>(path: string): Promise<T> => {
    const res = await fetch(base.replace(/\/$/, "") + path);
    if (!res.ok) throw new Error(`indexer ${path}: HTTP ${res.status}`);
    return (await res.json()) as T;
  };
  return {
    url: base,
    positionHistory: (id) => get(PATHS.positionHistory(id)),
    liquidationsPerDay: () => get(PATHS.liquidationsPerDay()),
    treasuryTotals: () => get(PATHS.treasuryTotals()),
  };
}

/** The message a page shows where a figure needs the indexer and none is configured. */
export const NO_INDEXER =
  "No indexer configured (indexerUrl in /config.json): the position's history is not available.";
export const NO_INDEXER_SYSTEM =
  "No indexer configured (indexerUrl in /config.json): liquidations per asset per day and the Treasury's running " +
  "totals over time are not available. The figures above are read from the chain now.";
