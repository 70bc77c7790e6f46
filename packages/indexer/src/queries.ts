/**
 * What the dashboard asks the indexer: typed reads over the derived tables. Every on-chain number is a bigint;
 * the HTTP server (http.ts) writes them as decimal strings.
 */
import type { Queryable, Row } from "./db.js";
import { RAY } from "./apply.js";

const big = (v: unknown): bigint => BigInt(v as string);
const bigOrNull = (v: unknown): bigint | null => (v === null || v === undefined ? null : BigInt(v as string));
const num = (v: unknown): number => Number(v);
const dayOf = (ts: bigint): string => new Date(Number(ts) * 1000).toISOString().slice(0, 10);
/** [wad] normalized debt × index [ray], rounded up: the Vault's `toDebtUp`. */
export const debtOf = (norm: bigint, index: bigint): bigint => (norm * index + RAY - 1n) / RAY;

/** A position now. */
export interface PositionRow {
  id: bigint;
  owner: string;
  synthId: number;
  /** [wad] normalized debt (debt = normDebt × the synthetic's index). */
  normDebt: bigint;
  /** [wad] debt at the synthetic's last indexed rate index, rounded up. */
  debt: bigint;
  /** [token] per collateral asset (lower-case address); assets with nothing are absent. */
  collateral: Record<string, bigint>;
  status: "open" | "closed" | "released";
  updatedBlock: bigint;
  updatedAt: bigint;
}

/** One event of a position, with its state after it. */
export interface OperationRow {
  blockNumber: bigint;
  logIndex: number;
  txHash: string;
  timestamp: bigint;
  kind: string;
  account: string | null;
  asset: string | null;
  amount: bigint | null;
  debt: bigint | null;
  normDelta: bigint;
  normDebt: bigint;
  collateral: Record<string, bigint>;
  owner: string;
}

/** An auction now (or when it ended). */
export interface AuctionRow {
  id: bigint;
  positionId: bigint;
  synthId: number;
  asset: string;
  initialLot: bigint;
  initialTab: bigint;
  initialDebt: bigint;
  lot: bigint;
  tab: bigint;
  debt: bigint;
  top: bigint;
  floor: bigint;
  /** [s] start of the current price curve (the start, or the last reset). */
  startTime: bigint;
  startedAt: bigint;
  status: "live" | "ended" | "released";
  endedAt: bigint | null;
  leftover: bigint | null;
  badDebt: bigint | null;
}

/** One `Take`: collateral bought, what it cost, and what is left of the auction. */
export interface TakeRow {
  blockNumber: bigint;
  txHash: string;
  timestamp: bigint;
  auctionId: bigint;
  taker: string;
  receiver: string;
  collateral: bigint;
  owe: bigint;
  price: bigint;
  burned: bigint;
  penalty: bigint;
  tabLeft: bigint;
  lotLeft: bigint;
}

/** One `LiquidationStarted`: debt and penalty moved into auction, the keeper's pay, the first auction's id. */
export interface LiquidationRow {
  blockNumber: bigint;
  txHash: string;
  timestamp: bigint;
  positionId: bigint;
  synthId: number;
  keeper: string;
  debt: bigint;
  penalty: bigint;
  debtValue: bigint;
  full: boolean;
  keeperPay: bigint;
  firstAuctionId: bigint;
}

/** Liquidations of one collateral asset on one UTC day (each auction is one asset's lot of one liquidation). */
export interface DailyLiquidations {
  day: string;
  asset: string;
  /** Liquidations that put this asset up for auction. */
  liquidations: number;
  auctions: number;
  /** [token] collateral put up for auction. */
  lot: bigint;
  /** [wad] synthetic debt moved into those auctions. */
  debt: bigint;
}

/** The Treasury's running totals for one synthetic (equal to `surplus`, `deficit` and `history` on chain). */
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

/** One Treasury movement, with the totals after it. */
export interface TreasuryMovement extends TreasuryTotals {
  blockNumber: bigint;
  logIndex: number;
  txHash: string;
  timestamp: bigint;
  kind: string;
  counterparty: string | null;
  amount: bigint;
}

/** A synthetic's totals after one event (the debt series). */
export interface SynthPoint {
  blockNumber: bigint;
  timestamp: bigint;
  cause: string;
  rateIndex: bigint;
  totalNormDebt: bigint;
  /** [wad] totalNormDebt × rateIndex, rounded up. */
  totalDebt: bigint;
  auctionDebt: bigint;
  badDebt: bigint;
  moduleDebt: bigint;
  feesAccrued: bigint;
  feesMinted: bigint;
}

/** A shutdown or settlement event, its arguments as stored (bigints as decimal strings). */
export interface SettlementEvent {
  blockNumber: bigint;
  logIndex: number;
  txHash: string;
  timestamp: bigint;
  contract: string;
  name: string;
  args: Record<string, unknown>;
}

/** The system at a glance. */
export interface Summary {
  chainId: number | null;
  /** The last indexed block and its time. */
  block: { number: bigint; hash: string; timestamp: bigint } | null;
  events: number;
  positions: { open: number; closed: number; released: number };
  auctions: { live: number; ended: number; released: number };
  liquidations: number;
  takes: number;
  synthetics: (SynthPoint & { synthId: number })[];
  treasury: TreasuryTotals[];
  shutdown: boolean;
}

const collateralOf = (v: unknown): Record<string, bigint> =>
  Object.fromEntries(Object.entries((v ?? {}) as Record<string, string>).map(([k, x]) => [k, BigInt(x)]));

function positionRow(r: Row, index: bigint): PositionRow {
  const norm = big(r.norm_debt);
  return {
    id: big(r.position_id),
    owner: String(r.owner),
    synthId: num(r.synth_id),
    normDebt: norm,
    debt: debtOf(norm, index),
    collateral: collateralOf(r.collateral),
    status: String(r.status) as PositionRow["status"],
    updatedBlock: big(r.updated_block),
    updatedAt: big(r.updated_at),
  };
}

function auctionRow(r: Row): AuctionRow {
  return {
    id: big(r.auction_id),
    positionId: big(r.position_id),
    synthId: num(r.synth_id),
    asset: String(r.asset),
    initialLot: big(r.initial_lot),
    initialTab: big(r.initial_tab),
    initialDebt: big(r.initial_debt),
    lot: big(r.lot),
    tab: big(r.tab),
    debt: big(r.debt),
    top: big(r.top),
    floor: big(r.floor),
    startTime: big(r.start_time),
    startedAt: big(r.started_at),
    status: String(r.status) as AuctionRow["status"],
    endedAt: bigOrNull(r.ended_at),
    leftover: bigOrNull(r.leftover),
    badDebt: bigOrNull(r.bad_debt),
  };
}

function takeRow(r: Row): TakeRow {
  return {
    blockNumber: big(r.block_number),
    txHash: String(r.tx_hash),
    timestamp: big(r.timestamp),
    auctionId: big(r.auction_id),
    taker: String(r.taker),
    receiver: String(r.receiver),
    collateral: big(r.collateral),
    owe: big(r.owe),
    price: big(r.price),
    burned: big(r.burned),
    penalty: big(r.penalty),
    tabLeft: big(r.tab_left),
    lotLeft: big(r.lot_left),
  };
}

function totalsRow(r: Row): TreasuryTotals {
  return {
    synthId: num(r.synth_id),
    surplus: big(r.surplus),
    deficit: big(r.deficit),
    penalties: big(r.penalties),
    keeperPay: big(r.keeper_pay),
    keeperPayUnbacked: big(r.keeper_pay_unbacked),
    badDebt: big(r.bad_debt),
    absorbed: big(r.absorbed),
    distributedSavings: big(r.distributed_savings),
    distributedBuyback: big(r.distributed_buyback),
  };
}

function synthPoint(r: Row): SynthPoint {
  const norm = big(r.total_norm_debt);
  const index = big(r.rate_index);
  return {
    blockNumber: big(r.block_number),
    timestamp: big(r.timestamp),
    cause: String(r.cause),
    rateIndex: index,
    totalNormDebt: norm,
    totalDebt: debtOf(norm, index),
    auctionDebt: big(r.auction_debt),
    badDebt: big(r.bad_debt),
    moduleDebt: big(r.module_debt),
    feesAccrued: big(r.fees_accrued),
    feesMinted: big(r.fees_minted),
  };
}

/** Paging: at most `limit` rows (default 100, at most 1,000) after `offset`. */
export interface Page {
  limit?: number;
  offset?: number;
}
const page = (p: Page = {}): [number, number] => [
  Math.min(Math.max(1, Math.floor(p.limit ?? 100)), 1_000),
  Math.max(0, Math.floor(p.offset ?? 0)),
];

/** The typed read API over an indexed database. */
export class Queries {
  constructor(private readonly db: Queryable) {}

  private async indexes(): Promise<Map<number, bigint>> {
    const rows = await this.db.query("SELECT synth_id, rate_index FROM synthetics");
    return new Map(rows.map((r) => [num(r.synth_id), big(r.rate_index)]));
  }

  /** Counts, the last block, each synthetic's totals and the Treasury's. */
  async summary(): Promise<Summary> {
    const [chain] = await this.db.query("SELECT value FROM meta WHERE key = 'chain_id'");
    const [block] = await this.db.query("SELECT number, hash, timestamp FROM blocks ORDER BY number DESC LIMIT 1");
    const count = async (sql: string): Promise<Map<string, number>> =>
      new Map((await this.db.query(sql)).map((r) => [String(r.k), num(r.n)]));
    const positions = await count("SELECT status AS k, count(*) AS n FROM positions GROUP BY status");
    const auctions = await count("SELECT status AS k, count(*) AS n FROM auctions GROUP BY status");
    const [totals] = await this.db.query(
      `SELECT (SELECT count(*) FROM events) AS events, (SELECT count(*) FROM liquidations) AS liquidations,
              (SELECT count(*) FROM takes) AS takes,
              (SELECT count(*) FROM settlement_events WHERE name IN ('ShutdownStarted', 'Shutdown')) AS shutdown`,
    );
    const synths = await this.db.query("SELECT * FROM synthetics ORDER BY synth_id");
    return {
      chainId: chain === undefined ? null : Number(chain.value),
      block:
        block === undefined
          ? null
          : { number: big(block.number), hash: String(block.hash), timestamp: big(block.timestamp) },
      events: num(totals?.events),
      positions: {
        open: positions.get("open") ?? 0,
        closed: positions.get("closed") ?? 0,
        released: positions.get("released") ?? 0,
      },
      auctions: {
        live: auctions.get("live") ?? 0,
        ended: auctions.get("ended") ?? 0,
        released: auctions.get("released") ?? 0,
      },
      liquidations: num(totals?.liquidations),
      takes: num(totals?.takes),
      synthetics: synths.map((r) => ({ synthId: num(r.synth_id), ...synthPoint(r) })),
      treasury: await this.treasuryTotals(),
      shutdown: num(totals?.shutdown) > 0,
    };
  }

  /** Positions by id, optionally only one status or one owner. */
  async positions(filter: { status?: string; owner?: string } & Page = {}): Promise<PositionRow[]> {
    const [limit, offset] = page(filter);
    const rows = await this.db.query(
      `SELECT * FROM positions WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR owner = $2)
       ORDER BY position_id LIMIT $3 OFFSET $4`,
      [filter.status ?? null, filter.owner?.toLowerCase() ?? null, limit, offset],
    );
    const idx = await this.indexes();
    return rows.map((r) => positionRow(r, idx.get(num(r.synth_id)) ?? RAY));
  }

  /** One position now, or undefined. */
  async position(id: bigint): Promise<PositionRow | undefined> {
    const [r] = await this.db.query("SELECT * FROM positions WHERE position_id = $1", [id.toString()]);
    if (r === undefined) return undefined;
    return positionRow(r, (await this.indexes()).get(num(r.synth_id)) ?? RAY);
  }

  /** Every event of position `id`, oldest first, with its state after each. */
  async positionHistory(id: bigint): Promise<OperationRow[]> {
    const rows = await this.db.query(
      "SELECT * FROM operations WHERE position_id = $1 ORDER BY block_number, log_index",
      [id.toString()],
    );
    return rows.map((r) => ({
      blockNumber: big(r.block_number),
      logIndex: num(r.log_index),
      txHash: String(r.tx_hash),
      timestamp: big(r.timestamp),
      kind: String(r.kind),
      account: r.account === null ? null : String(r.account),
      asset: r.asset === null ? null : String(r.asset),
      amount: bigOrNull(r.amount),
      debt: bigOrNull(r.debt),
      normDelta: big(r.norm_delta),
      normDebt: big(r.norm_debt),
      collateral: collateralOf(r.collateral),
      owner: String(r.owner),
    }));
  }

  /** Liquidations, newest first. */
  async liquidations(filter: { positionId?: bigint } & Page = {}): Promise<LiquidationRow[]> {
    const [limit, offset] = page(filter);
    const rows = await this.db.query(
      `SELECT * FROM liquidations WHERE ($1::numeric IS NULL OR position_id = $1)
       ORDER BY block_number DESC, log_index DESC LIMIT $2 OFFSET $3`,
      [filter.positionId?.toString() ?? null, limit, offset],
    );
    return rows.map((r) => ({
      blockNumber: big(r.block_number),
      txHash: String(r.tx_hash),
      timestamp: big(r.timestamp),
      positionId: big(r.position_id),
      synthId: num(r.synth_id),
      keeper: String(r.keeper),
      debt: big(r.debt),
      penalty: big(r.penalty),
      debtValue: big(r.debt_value),
      full: r.full_liquidation === true,
      keeperPay: big(r.keeper_pay),
      firstAuctionId: big(r.first_auction_id),
    }));
  }

  /** Liquidations per collateral asset per UTC day, from the auctions they started. */
  async liquidationsPerAssetPerDay(): Promise<DailyLiquidations[]> {
    const rows = await this.db.query(
      `SELECT block_number, tx_hash, position_id, timestamp, asset, initial_lot, initial_debt FROM auction_states
       WHERE cause = 'started' ORDER BY block_number, log_index`,
    );
    const out = new Map<string, DailyLiquidations & { keys: Set<string> }>();
    for (const r of rows) {
      const day = dayOf(big(r.timestamp));
      const key = `${day}|${String(r.asset)}`;
      let d = out.get(key);
      if (d === undefined) {
        d = { day, asset: String(r.asset), liquidations: 0, auctions: 0, lot: 0n, debt: 0n, keys: new Set() };
        out.set(key, d);
      }
      d.auctions++;
      d.lot += big(r.initial_lot);
      d.debt += big(r.initial_debt);
      d.keys.add(`${String(r.tx_hash)}|${String(r.position_id)}`);
      d.liquidations = d.keys.size;
    }
    return [...out.values()]
      .map(({ keys: _keys, ...d }) => d)
      .sort((a, b) => (a.day === b.day ? a.asset.localeCompare(b.asset) : a.day.localeCompare(b.day)));
  }

  /** Auctions (newest first), optionally one status, each with its takes. */
  async auctions(filter: { status?: string } & Page = {}): Promise<(AuctionRow & { takes: TakeRow[] })[]> {
    const [limit, offset] = page(filter);
    const rows = await this.db.query(
      `SELECT * FROM auctions WHERE ($1::text IS NULL OR status = $1) ORDER BY auction_id DESC LIMIT $2 OFFSET $3`,
      [filter.status ?? null, limit, offset],
    );
    if (rows.length === 0) return [];
    const takes = await this.db.query(
      `SELECT * FROM takes WHERE auction_id = ANY($1::numeric[]) ORDER BY block_number, log_index`,
      [rows.map((r) => String(r.auction_id))],
    );
    const byAuction = new Map<string, TakeRow[]>();
    for (const t of takes) {
      const list = byAuction.get(String(t.auction_id)) ?? [];
      list.push(takeRow(t));
      byAuction.set(String(t.auction_id), list);
    }
    return rows.map((r) => ({ ...auctionRow(r), takes: byAuction.get(String(r.auction_id)) ?? [] }));
  }

  /** One auction with its takes, or undefined. */
  async auction(id: bigint): Promise<(AuctionRow & { takes: TakeRow[] }) | undefined> {
    const [r] = await this.db.query("SELECT * FROM auctions WHERE auction_id = $1", [id.toString()]);
    if (r === undefined) return undefined;
    const takes = await this.db.query("SELECT * FROM takes WHERE auction_id = $1 ORDER BY block_number, log_index", [
      id.toString(),
    ]);
    return { ...auctionRow(r), takes: takes.map(takeRow) };
  }

  /** The Treasury's running totals now, per synthetic. */
  async treasuryTotals(): Promise<TreasuryTotals[]> {
    return (await this.db.query("SELECT * FROM treasury_totals ORDER BY synth_id")).map(totalsRow);
  }

  /** Every Treasury movement of `synthId` (or all), oldest first, with the totals after it. */
  async treasuryHistory(synthId?: number): Promise<TreasuryMovement[]> {
    const rows = await this.db.query(
      `SELECT * FROM treasury_movements WHERE ($1::int IS NULL OR synth_id = $1) ORDER BY block_number, log_index, synth_id`,
      [synthId ?? null],
    );
    return rows.map((r) => ({
      ...totalsRow(r),
      blockNumber: big(r.block_number),
      logIndex: num(r.log_index),
      txHash: String(r.tx_hash),
      timestamp: big(r.timestamp),
      kind: String(r.kind),
      counterparty: r.counterparty === null ? null : String(r.counterparty),
      amount: big(r.amount),
    }));
  }

  /** A synthetic's totals after every event that moved them (debt, auction debt, bad debt, module debt, index). */
  async synthSeries(synthId: number): Promise<SynthPoint[]> {
    const rows = await this.db.query(
      "SELECT * FROM synth_states WHERE synth_id = $1 ORDER BY block_number, log_index",
      [synthId],
    );
    return rows.map(synthPoint);
  }

  /** Shutdown and settlement events, oldest first. */
  async settlementEvents(): Promise<SettlementEvent[]> {
    const rows = await this.db.query("SELECT * FROM settlement_events ORDER BY block_number, log_index");
    return rows.map((r) => ({
      blockNumber: big(r.block_number),
      logIndex: num(r.log_index),
      txHash: String(r.tx_hash),
      timestamp: big(r.timestamp),
      contract: String(r.contract),
      name: String(r.name),
      args: r.args as Record<string, unknown>,
    }));
  }

  /** Stored events per name (a check that nothing was stored twice: compare with the chain's logs). */
  async eventCounts(): Promise<Record<string, number>> {
    const rows = await this.db.query(
      "SELECT contract || '.' || name AS k, count(*) AS n FROM events GROUP BY 1 ORDER BY 1",
    );
    return Object.fromEntries(rows.map((r) => [String(r.k), num(r.n)]));
  }
}
