/**
 * Every call to the indexer (@ballast/indexer's HTTP JSON API, packages/indexer/src/http.ts) goes through this module;
 * the endpoint paths are here and nowhere else. Without an indexer URL in /config.json, `indexer(config)` returns null
 * and the pages say which figures need it.
 *
 * The API writes every on-chain number as a decimal string (`Wire` types below); the parsers turn them into bigints
 * (amounts, block numbers, timestamps) so the pages format them with the same exact integer math as the chain's.
 */
import { useEffect, useState } from "react";
import type { AppConfig } from "../config";

export const PATHS = {
  /** `{ ok, block }`: the last indexed block (null before the first range). */
  health: () => `/health`,
  /** A position's events, oldest first, each with the position's state after it. */
  positionHistory: (id: bigint) => `/positions/${id.toString()}/history`,
  /** Per collateral asset per UTC day: liquidations, auctions, lot, debt. */
  liquidationsDaily: () => `/liquidations/daily`,
  /** Every Treasury movement of one synthetic, oldest first, with the running totals after it. */
  treasuryHistory: (synthId: number) => `/treasury/history?synth=${synthId}`,
  /** A synthetic's totals after every event that moved them. */
  synthSeries: (synthId: number) => `/synthetics/${synthId}/series`,
} as const;

/** A decimal string on the wire (a uint256, a block number, a timestamp). */
type Dec = string;

// ------------------------------------------------------------------------------------------------------------------
// The API's answers as they arrive (packages/indexer/src/queries.ts, bigints as decimal strings)
// ------------------------------------------------------------------------------------------------------------------

interface WireHealth {
  ok: boolean;
  block: { number: Dec; hash: string; timestamp: Dec } | null;
}

interface WireOperation {
  blockNumber: Dec;
  logIndex: number;
  txHash: string;
  timestamp: Dec;
  kind: string;
  account: string | null;
  asset: string | null;
  amount: Dec | null;
  debt: Dec | null;
  normDelta: Dec;
  normDebt: Dec;
  collateral: Record<string, Dec>;
  owner: string;
}

interface WireDaily {
  day: string;
  asset: string;
  liquidations: number;
  auctions: number;
  lot: Dec;
  debt: Dec;
}

interface WireTotals {
  synthId: number;
  surplus: Dec;
  deficit: Dec;
  penalties: Dec;
  keeperPay: Dec;
  keeperPayUnbacked: Dec;
  badDebt: Dec;
  absorbed: Dec;
  distributedSavings: Dec;
  distributedBuyback: Dec;
}

interface WireMovement extends WireTotals {
  blockNumber: Dec;
  logIndex: number;
  txHash: string;
  timestamp: Dec;
  kind: string;
  counterparty: string | null;
  amount: Dec;
}

interface WireSynthPoint {
  blockNumber: Dec;
  timestamp: Dec;
  cause: string;
  rateIndex: Dec;
  totalNormDebt: Dec;
  totalDebt: Dec;
  auctionDebt: Dec;
  badDebt: Dec;
  moduleDebt: Dec;
  feesAccrued: Dec;
  feesMinted: Dec;
}

// ------------------------------------------------------------------------------------------------------------------
// What the pages get
// ------------------------------------------------------------------------------------------------------------------

/** One event of a position (opened, deposited, withdrawn, minted, repaid, seized, redeemed, transferred, …). */
export interface HistoryEntry {
  block: bigint;
  logIndex: number;
  /** [s] the block's time. */
  timestamp: bigint;
  tx: string;
  kind: string;
  /** The other party (depositor, recipient, payer, new owner), lower case; null for a seizure. */
  account: string | null;
  /** The collateral asset (lower case) of a deposit, withdrawal or write-off. */
  asset: string | null;
  /** [token] of `asset` for collateral moves; [wad] synthetic for mint, repay, seizure and redemption. */
  amount: bigint | null;
  /** [wad] debt taken by a seizure, redemption or release. */
  debt: bigint | null;
  /** [wad] normalized debt after the event. */
  normDebt: bigint;
  /** [token] collateral per asset (lower case) after the event. */
  collateral: Map<string, bigint>;
}

/** Liquidations of one collateral asset on one UTC day. */
export interface LiquidationDay {
  /** YYYY-MM-DD (UTC). */
  day: string;
  /** The collateral asset, lower case. */
  asset: string;
  liquidations: number;
  auctions: number;
  /** [token] collateral put up for auction. */
  lot: bigint;
  /** [wad] synthetic debt moved into those auctions. */
  debt: bigint;
}

/** The Treasury's running totals of one synthetic (equal to its `surplus`, `deficit` and `history` on chain). */
export interface TreasuryTotals {
  synthId: number;
  surplus: bigint;
  deficit: bigint;
  penalties: bigint;
  keeperPay: bigint;
  keeperPayUnbacked: bigint;
  badDebt: bigint;
  absorbed: bigint;
  distributedSavings: bigint;
  distributedBuyback: bigint;
}

/** One Treasury movement with the totals after it. */
export interface TreasuryMovement extends TreasuryTotals {
  block: bigint;
  logIndex: number;
  timestamp: bigint;
  tx: string;
  /** minted_in, received, sent, burned, penalty, keeper_paid, bad_debt_recorded, bad_debt_absorbed, distributed, … */
  kind: string;
  counterparty: string | null;
  amount: bigint;
}

/** A synthetic's debt totals after one event. */
export interface SynthPoint {
  block: bigint;
  timestamp: bigint;
  cause: string;
  /** [ray] */
  rateIndex: bigint;
  /** [wad] positions' debt: total normalized debt × index, rounded up. */
  totalDebt: bigint;
  auctionDebt: bigint;
  badDebt: bigint;
  moduleDebt: bigint;
}

const big = (s: Dec, what: string): bigint => {
  if (typeof s !== "string" || !/^-?\d+$/.test(s)) throw new Error(`indexer: ${what} is not an integer (${String(s)})`);
  return BigInt(s);
};
const bigOrNull = (s: Dec | null, what: string): bigint | null => (s === null ? null : big(s, what));

const totals = (t: WireTotals): TreasuryTotals => ({
  synthId: t.synthId,
  surplus: big(t.surplus, "surplus"),
  deficit: big(t.deficit, "deficit"),
  penalties: big(t.penalties, "penalties"),
  keeperPay: big(t.keeperPay, "keeperPay"),
  keeperPayUnbacked: big(t.keeperPayUnbacked, "keeperPayUnbacked"),
  badDebt: big(t.badDebt, "badDebt"),
  absorbed: big(t.absorbed, "absorbed"),
  distributedSavings: big(t.distributedSavings, "distributedSavings"),
  distributedBuyback: big(t.distributedBuyback, "distributedBuyback"),
});

export function parseOperation(o: WireOperation): HistoryEntry {
  return {
    block: big(o.blockNumber, "blockNumber"),
    logIndex: o.logIndex,
    timestamp: big(o.timestamp, "timestamp"),
    tx: o.txHash,
    kind: o.kind,
    account: o.account,
    asset: o.asset,
    amount: bigOrNull(o.amount, "amount"),
    debt: bigOrNull(o.debt, "debt"),
    normDebt: big(o.normDebt, "normDebt"),
    collateral: new Map(Object.entries(o.collateral).map(([a, v]) => [a.toLowerCase(), big(v, "collateral")])),
  };
}

export const parseDaily = (d: WireDaily): LiquidationDay => ({
  day: d.day,
  asset: d.asset.toLowerCase(),
  liquidations: d.liquidations,
  auctions: d.auctions,
  lot: big(d.lot, "lot"),
  debt: big(d.debt, "debt"),
});

export const parseMovement = (m: WireMovement): TreasuryMovement => ({
  ...totals(m),
  block: big(m.blockNumber, "blockNumber"),
  logIndex: m.logIndex,
  timestamp: big(m.timestamp, "timestamp"),
  tx: m.txHash,
  kind: m.kind,
  counterparty: m.counterparty,
  amount: big(m.amount, "amount"),
});

export const parseSynthPoint = (p: WireSynthPoint): SynthPoint => ({
  block: big(p.blockNumber, "blockNumber"),
  timestamp: big(p.timestamp, "timestamp"),
  cause: p.cause,
  rateIndex: big(p.rateIndex, "rateIndex"),
  totalDebt: big(p.totalDebt, "totalDebt"),
  auctionDebt: big(p.auctionDebt, "auctionDebt"),
  badDebt: big(p.badDebt, "badDebt"),
  moduleDebt: big(p.moduleDebt, "moduleDebt"),
});

export interface Indexer {
  url: string;
  /** The last indexed block, or null before the first range. */
  indexedBlock(): Promise<bigint | null>;
  positionHistory(id: bigint): Promise<HistoryEntry[]>;
  liquidationsDaily(): Promise<LiquidationDay[]>;
  treasuryHistory(synthId: number): Promise<TreasuryMovement[]>;
  synthSeries(synthId: number): Promise<SynthPoint[]>;
}

/** The configured indexer, or null when /config.json names none. */
export function indexer(config: AppConfig): Indexer | null {
  const base = config.indexerUrl;
  if (base === null || base.trim() === "") return null;
  const root = base.trim().replace(/\/+$/, "");
  const get = async <T>(path: string): Promise<T> => {
    const res = await fetch(root + path, { cache: "no-store" });
    if (!res.ok) {
      const body = (await res.json().catch(() => ({}))) as { error?: string };
      throw new Error(`indexer ${path}: HTTP ${res.status}${body.error !== undefined ? ` (${body.error})` : ""}`);
    }
    return (await res.json()) as T;
  };
  return {
    url: root,
    indexedBlock: async () => {
      const h = await get<WireHealth>(PATHS.health());
      return h.block === null ? null : big(h.block.number, "block");
    },
    positionHistory: async (id) => (await get<WireOperation[]>(PATHS.positionHistory(id))).map(parseOperation),
    liquidationsDaily: async () => (await get<WireDaily[]>(PATHS.liquidationsDaily())).map(parseDaily),
    treasuryHistory: async (synthId) => (await get<WireMovement[]>(PATHS.treasuryHistory(synthId))).map(parseMovement),
    synthSeries: async (synthId) => (await get<WireSynthPoint[]>(PATHS.synthSeries(synthId))).map(parseSynthPoint),
  };
}

export interface Indexed<T> {
  data: T | undefined;
  /** The last indexed block when `data` was read (the data is at that block or, if a range landed meanwhile, later). */
  block: bigint | undefined;
  error: string | undefined;
}

/**
 * `read(api)` whenever the indexer's last block moves (polled every `config.pollMs` through `/health`) or `key`
 * changes. The indexer follows the chain on its own clock, so this polls it rather than the node: the page catches up
 * with the indexer even when the node makes no new block.
 */
export function useIndexed<T>(config: AppConfig, read: (api: Indexer) => Promise<T>, key: string): Indexed<T> {
  const [state, setState] = useState<Indexed<T>>({ data: undefined, block: undefined, error: undefined });
  useEffect(() => {
    const api = indexer(config);
    if (api === null) return;
    setState({ data: undefined, block: undefined, error: undefined });
    let live = true;
    let last: bigint | null | undefined;
    let busy = false;
    const poll = async (): Promise<void> => {
      if (busy) return;
      busy = true;
      try {
        const block = await api.indexedBlock();
        if (block !== null && block !== last) {
          const data = await read(api);
          last = block;
          if (live) setState({ data, block, error: undefined });
        }
      } catch (e) {
        if (live) setState((s) => ({ ...s, error: e instanceof Error ? e.message : String(e) }));
      } finally {
        busy = false;
      }
    };
    void poll();
    const t = setInterval(() => void poll(), config.pollMs);
    return () => {
      live = false;
      clearInterval(t);
    };
  }, [config, key]);
  return state;
}

/** The message a page shows where a figure needs the indexer and none is configured. */
export const NO_INDEXER =
  "No indexer configured (indexerUrl in /config.json): the position's history is not available.";
export const NO_INDEXER_SYSTEM =
  "No indexer configured (indexerUrl in /config.json): liquidations per asset per day, the Treasury's running " +
  "totals and the debt per synthetic over time are not available. The figures above are read from the chain now.";
