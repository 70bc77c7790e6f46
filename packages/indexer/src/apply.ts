/**
 * The derived tables, from events alone: `applyEvent` turns one decoded event into rows of `operations`,
 * `synth_states`, `liquidations`, `auction_states`, `takes`, `treasury_movements` and `settlement_events`, reading the
 * state before it (the latest row per key) from the same tables in the same transaction. Nothing here reads the
 * chain, so replaying the stored events from an empty database rebuilds the same rows.
 *
 * The one calculation that needs the protocol's math is the normalized debt a seizure or a redemption removes: the
 * Vault's `_take` removes the whole normalized debt when `debt` is the whole debt (normalized debt × index, rounded
 * up) and `debt / index` rounded down otherwise, at the index of the synthetic's last `InterestAccrued` (which the
 * Vault emits whenever it moves the index, before the seizure's own event).
 */
import type { Queryable, Row } from "./db.js";
import type { Deployment } from "./manifest.js";

/** A decoded event, ready for the derived tables. Numbers are bigints, addresses lower-case. */
export interface DecodedEvent {
  blockNumber: bigint;
  blockHash: string;
  logIndex: number;
  txHash: string;
  timestamp: bigint;
  address: string;
  /** `Vault`, `LiquidationEngine`, `Treasury`, `Settlement` or `SyntheticToken`. */
  contract: string;
  name: string;
  args: Record<string, unknown>;
}

/** [ray] The rate index every synthetic starts at. */
export const RAY = 10n ** 27n;

const ZERO = "0x0000000000000000000000000000000000000000";

/** `a * b / d` rounded up. */
const mulDivUp = (a: bigint, b: bigint, d: bigint): bigint => (a * b + d - 1n) / d;

interface PositionState {
  owner: string;
  synthId: number;
  normDebt: bigint;
  collateral: Record<string, bigint>;
  released: boolean;
}

interface SynthState {
  rateIndex: bigint;
  ratePerSecond: bigint;
  totalNormDebt: bigint;
  auctionDebt: bigint;
  badDebt: bigint;
  moduleDebt: bigint;
  feesAccrued: bigint;
  feesMinted: bigint;
}

const TREASURY_TOTALS = [
  "surplus",
  "deficit",
  "penalties",
  "keeper_pay",
  "keeper_pay_unbacked",
  "bad_debt",
  "absorbed",
  "distributed_savings",
  "distributed_buyback",
] as const;
type TreasuryTotals = Record<(typeof TREASURY_TOTALS)[number], bigint>;

const big = (v: unknown): bigint => BigInt(v as string | bigint | number);
const str = (v: unknown): string => String(v).toLowerCase();

/** Applies one event to the derived tables (the raw event is already stored). */
export async function applyEvent(tx: Queryable, dep: Deployment, ev: DecodedEvent): Promise<void> {
  const a = ev.args;
  switch (`${ev.contract}.${ev.name}`) {
    // ---------------------------------------------------------------- positions
    case "Vault.PositionOpened":
      return op(tx, ev, big(a.id), "opened", { account: str(a.owner) }, () => ({
        owner: str(a.owner),
        synthId: Number(a.synthId),
        normDebt: 0n,
        collateral: {},
        released: false,
      }));
    case "Vault.PositionTransferred":
      return op(tx, ev, big(a.id), "transferred", { account: str(a.to) }, (p) => ({ ...p, owner: str(a.to) }));
    case "Vault.Deposited":
      return op(
        tx,
        ev,
        big(a.id),
        "deposited",
        { account: str(a.from), asset: str(a.asset), amount: big(a.amount) },
        (p) => addCollateral(p, str(a.asset), big(a.amount)),
      );
    case "Vault.Withdrawn":
      return op(
        tx,
        ev,
        big(a.id),
        "withdrawn",
        { account: str(a.to), asset: str(a.asset), amount: big(a.amount) },
        (p) => addCollateral(p, str(a.asset), -big(a.amount)),
      );
    case "Vault.CollateralWrittenOff":
      return op(
        tx,
        ev,
        big(a.id),
        "written_off",
        { account: str(a.to), asset: str(a.asset), amount: big(a.amount) },
        (p) => addCollateral(p, str(a.asset), -big(a.amount)),
      );
    case "Vault.Minted": {
      const norm = big(a.normDebt);
      await op(tx, ev, big(a.id), "minted", { account: str(a.to), amount: big(a.amount), normDelta: norm }, (p) => ({
        ...p,
        normDebt: p.normDebt + norm,
      }));
      return synthByPosition(tx, ev, big(a.id), "minted", (s) => ({ ...s, totalNormDebt: s.totalNormDebt + norm }));
    }
    case "Vault.Repaid": {
      const norm = big(a.normDebt);
      await op(
        tx,
        ev,
        big(a.id),
        "repaid",
        { account: str(a.payer), amount: big(a.amount), normDelta: -norm },
        (p) => ({
          ...p,
          normDebt: p.normDebt - norm,
        }),
      );
      return synthByPosition(tx, ev, big(a.id), "repaid", (s) => ({ ...s, totalNormDebt: s.totalNormDebt - norm }));
    }
    case "Vault.Seized":
    case "Vault.PositionRedeemed": {
      const seized = ev.name === "Seized";
      const id = big(a.id);
      const debt = big(a.debt);
      const before = await positionState(tx, id);
      if (before === undefined) throw new Error(`${ev.name} of unknown position ${id} at block ${ev.blockNumber}`);
      const synth = await synthState(tx, before.synthId);
      const whole = mulDivUp(before.normDebt, synth.rateIndex, RAY);
      const removed = debt === whole ? before.normDebt : (debt * RAY) / synth.rateIndex;
      const assets = (a.assets as unknown[]).map(str);
      const amounts = (a.amounts as unknown[]).map(big);
      await op(
        tx,
        ev,
        id,
        seized ? "seized" : "redeemed",
        { ...(seized ? {} : { account: str(a.to) }), amount: debt, debt, normDelta: -removed },
        (p) => {
          let next: PositionState = { ...p, normDebt: p.normDebt - removed };
          assets.forEach((asset, i) => (next = addCollateral(next, asset, -(amounts[i] ?? 0n))));
          return next;
        },
      );
      return putSynth(tx, ev, before.synthId, seized ? "seized" : "redeemed", {
        ...synth,
        totalNormDebt: synth.totalNormDebt - removed,
        auctionDebt: synth.auctionDebt + (seized ? debt : 0n),
      });
    }
    case "Vault.PositionReleased": {
      const id = big(a.id);
      const before = await positionState(tx, id);
      const norm = before?.normDebt ?? 0n;
      await op(tx, ev, id, "released", { account: str(a.settlement), debt: big(a.debt), normDelta: -norm }, (p) => ({
        ...p,
        normDebt: 0n,
        released: true,
      }));
      await synthByPosition(tx, ev, id, "released", (s) => ({ ...s, totalNormDebt: s.totalNormDebt - norm }));
      return settlementEvent(tx, ev);
    }

    // ---------------------------------------------------------------- synthetics
    case "Vault.SyntheticAdded":
      return putSynth(tx, ev, Number(a.synthId), "added", {
        rateIndex: RAY,
        ratePerSecond: 0n,
        totalNormDebt: 0n,
        auctionDebt: 0n,
        badDebt: 0n,
        moduleDebt: 0n,
        feesAccrued: 0n,
        feesMinted: 0n,
      });
    case "Vault.InterestAccrued":
      return synth(tx, ev, Number(a.synthId), "accrued", (s) => ({
        ...s,
        rateIndex: big(a.rateIndex),
        ratePerSecond: big(a.ratePerSecond),
        feesAccrued: s.feesAccrued + big(a.fees),
      }));
    case "Vault.FeesMinted":
      return synth(tx, ev, Number(a.synthId), "fees_minted", (s) => ({
        ...s,
        feesMinted: s.feesMinted + big(a.amount),
      }));
    case "Vault.AuctionDebtSettled": {
      const burned = big(a.burned);
      const writtenOff = big(a.writtenOff);
      await synth(tx, ev, Number(a.synthId), "auction_debt_settled", (s) => ({
        ...s,
        auctionDebt: s.auctionDebt - burned - writtenOff,
        badDebt: s.badDebt + writtenOff,
      }));
      if (writtenOff !== 0n)
        await treasury(tx, ev, Number(a.synthId), "deficit_written_off", null, writtenOff, { deficit: writtenOff });
      return;
    }
    case "Vault.AuctionDebtReleased":
      await synth(tx, ev, Number(a.synthId), "auction_debt_released", (s) => ({
        ...s,
        auctionDebt: s.auctionDebt - big(a.amount),
      }));
      return settlementEvent(tx, ev);
    case "Vault.BadDebtCovered":
      await synth(tx, ev, Number(a.synthId), "bad_debt_covered", (s) => ({ ...s, badDebt: s.badDebt - big(a.amount) }));
      return treasury(tx, ev, Number(a.synthId), "deficit_covered", null, big(a.amount), { deficit: -big(a.amount) });
    case "Vault.UnbackedMinted":
      await synth(tx, ev, Number(a.synthId), "unbacked_minted", (s) => ({ ...s, badDebt: s.badDebt + big(a.amount) }));
      return treasury(tx, ev, Number(a.synthId), "deficit_unbacked_mint", str(a.to), big(a.amount), {
        deficit: big(a.amount),
      });
    case "Vault.ModuleMinted":
    case "Vault.ModuleBurned":
    case "Vault.ModuleReleased": {
      const synthId = await moduleSynth(tx, str(a.module));
      if (synthId === undefined) throw new Error(`${ev.name} of unknown module ${str(a.module)}`);
      const delta =
        ev.name === "ModuleMinted"
          ? big(a.amount) + big(a.fee)
          : ev.name === "ModuleBurned"
            ? -big(a.amount)
            : -big(a.debt);
      await synth(
        tx,
        ev,
        synthId,
        ev.name === "ModuleMinted" ? "module_minted" : ev.name === "ModuleBurned" ? "module_burned" : "module_released",
        (s) => ({
          ...s,
          moduleDebt: s.moduleDebt + delta,
        }),
      );
      if (ev.name === "ModuleReleased") await settlementEvent(tx, ev);
      return;
    }
    case "Vault.ShutdownStarted":
      return settlementEvent(tx, ev);

    // ---------------------------------------------------------------- liquidations and auctions
    case "LiquidationEngine.LiquidationStarted":
      await tx.query(
        `INSERT INTO liquidations (block_number, log_index, tx_hash, timestamp, position_id, synth_id, keeper, debt, penalty,
           debt_value, full_liquidation, keeper_pay, first_auction_id)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)`,
        [
          ...at(ev),
          big(a.positionId).toString(),
          Number(a.synthId),
          str(a.keeper),
          big(a.debt).toString(),
          big(a.penalty).toString(),
          big(a.debtValue).toString(),
          a.full === true,
          big(a.keeperPay).toString(),
          big(a.firstAuctionId).toString(),
        ],
      );
      return;
    case "LiquidationEngine.AuctionStarted": {
      const positionId = big(a.positionId);
      const p = await positionState(tx, positionId);
      return putAuction(tx, ev, {
        auction_id: big(a.auctionId),
        cause: "started",
        position_id: positionId,
        synth_id: p?.synthId ?? 0,
        asset: str(a.asset),
        initial_lot: big(a.lot),
        initial_tab: big(a.tab),
        initial_debt: big(a.debt),
        lot: big(a.lot),
        tab: big(a.tab),
        debt: big(a.debt),
        top: big(a.top),
        floor: big(a.floor),
        start_time: ev.timestamp,
        started_at: ev.timestamp,
        status: "live",
        ended_at: null,
        leftover: null,
        bad_debt: null,
      });
    }
    case "LiquidationEngine.Take":
      await tx.query(
        `INSERT INTO takes (block_number, log_index, tx_hash, timestamp, auction_id, taker, receiver, collateral, owe, price,
           burned, penalty, tab_left, lot_left)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)`,
        [
          ...at(ev),
          big(a.auctionId).toString(),
          str(a.taker),
          str(a.receiver),
          ...["collateral", "owe", "price", "burned", "penalty", "tabLeft", "lotLeft"].map((k) => big(a[k]).toString()),
        ],
      );
      return auction(tx, ev, big(a.auctionId), (s) => ({
        ...s,
        cause: "take",
        lot: big(a.lotLeft),
        tab: big(a.tabLeft),
        debt: (s.debt as bigint) - big(a.burned),
      }));
    case "LiquidationEngine.AuctionReset":
      return auction(tx, ev, big(a.auctionId), (s) => ({
        ...s,
        cause: "reset",
        top: big(a.top),
        floor: big(a.floor),
        start_time: ev.timestamp,
      }));
    case "LiquidationEngine.AuctionEnded":
      return auction(tx, ev, big(a.auctionId), (s) => ({
        ...s,
        cause: "ended",
        status: "ended",
        ended_at: ev.timestamp,
        leftover: big(a.leftover),
        bad_debt: big(a.badDebt),
      }));
    case "LiquidationEngine.AuctionReleased":
      await auction(tx, ev, big(a.auctionId), (s) => ({
        ...s,
        cause: "released",
        status: "released",
        ended_at: ev.timestamp,
      }));
      return settlementEvent(tx, ev);

    // ---------------------------------------------------------------- Treasury
    case "Treasury.PenaltyReceived":
      return treasury(tx, ev, Number(a.synthId), "penalty", null, big(a.amount), { penalties: big(a.amount) });
    case "Treasury.KeeperPaid":
      return treasury(tx, ev, Number(a.synthId), "keeper_paid", str(a.keeper), big(a.amount), {
        keeper_pay: big(a.amount),
        keeper_pay_unbacked: big(a.unbacked),
      });
    case "Treasury.BadDebtRecorded":
      return treasury(tx, ev, Number(a.synthId), "bad_debt_recorded", null, big(a.amount), { bad_debt: big(a.amount) });
    case "Treasury.BadDebtAbsorbed":
      return treasury(tx, ev, Number(a.synthId), "bad_debt_absorbed", null, big(a.amount), { absorbed: big(a.amount) });
    case "Treasury.SurplusDistributed":
      return treasury(tx, ev, Number(a.synthId), "distributed", null, big(a.toSavings) + big(a.toBuyback), {
        distributed_savings: big(a.toSavings),
        distributed_buyback: big(a.toBuyback),
      });
    case "SyntheticToken.Transfer": {
      const synthId = dep.synthByToken.get(ev.address);
      if (synthId === undefined) return;
      const from = str(a.from);
      const to = str(a.to);
      const value = big(a.value);
      if (to === dep.treasury && from !== dep.treasury) {
        return treasury(tx, ev, synthId, from === ZERO ? "minted_in" : "received", from, value, { surplus: value });
      }
      if (from === dep.treasury && to !== dep.treasury) {
        return treasury(tx, ev, synthId, to === ZERO ? "burned" : "sent", to, value, { surplus: -value });
      }
      return;
    }
    default:
      if (ev.contract === "Settlement") return settlementEvent(tx, ev);
  }
}

// ------------------------------------------------------------------------------------------------------------------

/** The columns every derived row starts with: block, log index, transaction, timestamp. */
function at(ev: DecodedEvent): unknown[] {
  return [ev.blockNumber.toString(), ev.logIndex, ev.txHash, ev.timestamp.toString()];
}

function addCollateral(p: PositionState, asset: string, delta: bigint): PositionState {
  const collateral = { ...p.collateral };
  const next = (collateral[asset] ?? 0n) + delta;
  if (next < 0n) throw new Error(`collateral of ${asset} would go negative`);
  if (next === 0n) delete collateral[asset];
  else collateral[asset] = next;
  return { ...p, collateral };
}

async function latest(tx: Queryable, table: string, key: string, value: unknown): Promise<Row | undefined> {
  const rows = await tx.query(
    `SELECT * FROM ${table} WHERE ${key} = $1 ORDER BY block_number DESC, log_index DESC LIMIT 1`,
    [value],
  );
  return rows[0];
}

async function positionState(tx: Queryable, id: bigint): Promise<PositionState | undefined> {
  const r = await latest(tx, "operations", "position_id", id.toString());
  if (r === undefined) return undefined;
  return {
    owner: String(r.owner),
    synthId: Number(r.synth_id),
    normDebt: big(r.norm_debt),
    collateral: Object.fromEntries(
      Object.entries(r.collateral as Record<string, string>).map(([k, v]) => [k, BigInt(v)]),
    ),
    released: r.released === true,
  };
}

interface OpFields {
  account?: string;
  asset?: string;
  amount?: bigint;
  debt?: bigint;
  normDelta?: bigint;
}

/** One row of `operations`: the event and the position's state after it (`next` of the state before). */
async function op(
  tx: Queryable,
  ev: DecodedEvent,
  id: bigint,
  kind: string,
  f: OpFields,
  next: (p: PositionState) => PositionState,
): Promise<void> {
  const before = await positionState(tx, id);
  if (before === undefined && kind !== "opened") {
    throw new Error(`${ev.name} of position ${id} before its PositionOpened (block ${ev.blockNumber})`);
  }
  const p = next(before ?? { owner: ZERO, synthId: 0, normDebt: 0n, collateral: {}, released: false });
  if (p.normDebt < 0n) throw new Error(`position ${id}: normalized debt would go negative at block ${ev.blockNumber}`);
  await tx.query(
    `INSERT INTO operations (block_number, log_index, tx_hash, timestamp, position_id, kind, account, asset, amount, debt,
       norm_delta, owner, synth_id, norm_debt, collateral, released)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16)`,
    [
      ...at(ev),
      id.toString(),
      kind,
      f.account ?? null,
      f.asset ?? null,
      f.amount?.toString() ?? null,
      f.debt?.toString() ?? null,
      (f.normDelta ?? 0n).toString(),
      p.owner,
      p.synthId,
      p.normDebt.toString(),
      JSON.stringify(Object.fromEntries(Object.entries(p.collateral).map(([k, v]) => [k, v.toString()]))),
      p.released,
    ],
  );
}

async function synthState(tx: Queryable, synthId: number): Promise<SynthState> {
  const r = await latest(tx, "synth_states", "synth_id", synthId);
  if (r === undefined) {
    return {
      rateIndex: RAY,
      ratePerSecond: 0n,
      totalNormDebt: 0n,
      auctionDebt: 0n,
      badDebt: 0n,
      moduleDebt: 0n,
      feesAccrued: 0n,
      feesMinted: 0n,
    };
  }
  return {
    rateIndex: big(r.rate_index),
    ratePerSecond: big(r.rate_per_second),
    totalNormDebt: big(r.total_norm_debt),
    auctionDebt: big(r.auction_debt),
    badDebt: big(r.bad_debt),
    moduleDebt: big(r.module_debt),
    feesAccrued: big(r.fees_accrued),
    feesMinted: big(r.fees_minted),
  };
}

async function putSynth(tx: Queryable, ev: DecodedEvent, synthId: number, cause: string, s: SynthState): Promise<void> {
  await tx.query(
    `INSERT INTO synth_states (block_number, log_index, timestamp, synth_id, cause, rate_index, rate_per_second,
       total_norm_debt, auction_debt, bad_debt, module_debt, fees_accrued, fees_minted)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)`,
    [
      ev.blockNumber.toString(),
      ev.logIndex,
      ev.timestamp.toString(),
      synthId,
      cause,
      ...[
        s.rateIndex,
        s.ratePerSecond,
        s.totalNormDebt,
        s.auctionDebt,
        s.badDebt,
        s.moduleDebt,
        s.feesAccrued,
        s.feesMinted,
      ].map(String),
    ],
  );
}

async function synth(
  tx: Queryable,
  ev: DecodedEvent,
  synthId: number,
  cause: string,
  next: (s: SynthState) => SynthState,
): Promise<void> {
  return putSynth(tx, ev, synthId, cause, next(await synthState(tx, synthId)));
}

async function synthByPosition(
  tx: Queryable,
  ev: DecodedEvent,
  positionId: bigint,
  cause: string,
  next: (s: SynthState) => SynthState,
): Promise<void> {
  const p = await positionState(tx, positionId);
  if (p === undefined) throw new Error(`${ev.name} of unknown position ${positionId}`);
  return synth(tx, ev, p.synthId, cause, next);
}

/** The synthetic of stability module `module`, from its `ModuleAdded` event. */
async function moduleSynth(tx: Queryable, module: string): Promise<number | undefined> {
  const rows = await tx.query(
    `SELECT args->>'synthId' AS synth FROM events WHERE contract = 'Vault' AND name = 'ModuleAdded' AND args->>'module' = $1
     ORDER BY block_number DESC, log_index DESC LIMIT 1`,
    [module],
  );
  return rows[0] === undefined ? undefined : Number(rows[0].synth);
}

type AuctionRow = Record<string, unknown>;

const AUCTION_COLUMNS = [
  "auction_id",
  "cause",
  "position_id",
  "synth_id",
  "asset",
  "initial_lot",
  "initial_tab",
  "initial_debt",
  "lot",
  "tab",
  "debt",
  "top",
  "floor",
  "start_time",
  "started_at",
  "status",
  "ended_at",
  "leftover",
  "bad_debt",
] as const;
const AUCTION_BIGINTS = new Set([
  "auction_id",
  "position_id",
  "initial_lot",
  "initial_tab",
  "initial_debt",
  "lot",
  "tab",
  "debt",
  "top",
  "floor",
  "start_time",
  "started_at",
  "ended_at",
  "leftover",
  "bad_debt",
]);

async function putAuction(tx: Queryable, ev: DecodedEvent, s: AuctionRow): Promise<void> {
  const values = AUCTION_COLUMNS.map((c) => {
    const v = s[c];
    return v === null || v === undefined ? null : typeof v === "bigint" ? v.toString() : v;
  });
  await tx.query(
    `INSERT INTO auction_states (block_number, log_index, tx_hash, timestamp, ${AUCTION_COLUMNS.join(", ")})
     VALUES (${[...Array(4 + AUCTION_COLUMNS.length).keys()].map((i) => `$${i + 1}`).join(",")})`,
    [...at(ev), ...values],
  );
}

async function auction(
  tx: Queryable,
  ev: DecodedEvent,
  id: bigint,
  next: (s: AuctionRow) => AuctionRow,
): Promise<void> {
  const r = await latest(tx, "auction_states", "auction_id", id.toString());
  if (r === undefined) throw new Error(`${ev.name} of unknown auction ${id} at block ${ev.blockNumber}`);
  const s: AuctionRow = {};
  for (const c of AUCTION_COLUMNS) {
    const v = r[c];
    s[c] = v === null || v === undefined ? null : AUCTION_BIGINTS.has(c) ? big(v) : v;
  }
  s.synth_id = Number(r.synth_id);
  return putAuction(tx, ev, next(s));
}

/** One row of `treasury_movements`: `deltas` added to the synthetic's running totals. */
async function treasury(
  tx: Queryable,
  ev: DecodedEvent,
  synthId: number,
  kind: string,
  counterparty: string | null,
  amount: bigint,
  deltas: Partial<TreasuryTotals>,
): Promise<void> {
  const r = await latest(tx, "treasury_movements", "synth_id", synthId);
  const totals = Object.fromEntries(
    TREASURY_TOTALS.map((k) => [k, (r === undefined ? 0n : big(r[k])) + (deltas[k] ?? 0n)]),
  ) as TreasuryTotals;
  await tx.query(
    `INSERT INTO treasury_movements (block_number, log_index, tx_hash, timestamp, synth_id, kind, counterparty, amount,
       ${TREASURY_TOTALS.join(", ")})
     VALUES (${[...Array(8 + TREASURY_TOTALS.length).keys()].map((i) => `$${i + 1}`).join(",")})`,
    [...at(ev), synthId, kind, counterparty, amount.toString(), ...TREASURY_TOTALS.map((k) => totals[k].toString())],
  );
}

async function settlementEvent(tx: Queryable, ev: DecodedEvent): Promise<void> {
  await tx.query(
    `INSERT INTO settlement_events (block_number, log_index, tx_hash, timestamp, contract, name, args)
     VALUES ($1,$2,$3,$4,$5,$6,$7)`,
    [...at(ev), ev.contract, ev.name, JSON.stringify(jsonArgs(ev.args))],
  );
}

/** `args` with bigints as decimal strings (recursively), ready for JSON. */
export function jsonArgs(v: unknown): unknown {
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "string") return /^0x[0-9a-fA-F]{40}$/.test(v) ? v.toLowerCase() : v;
  if (Array.isArray(v)) return v.map(jsonArgs);
  if (v !== null && typeof v === "object")
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, jsonArgs(x)]));
  return v;
}
