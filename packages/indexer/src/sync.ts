/**
 * The sync loop: reads the Ballast contracts' events with `eth_getLogs` over block ranges, decodes them with the
 * SDK's ABIs and stores each range — its blocks, raw events and derived rows — in one database transaction.
 *
 * **Head and confirmations.** A range ends at most at the node's latest block less `confirmations` (default 0, right
 * for a local node; a few blocks on a public chain). A range starts one after the last stored block (the tip), so
 * the database itself is the checkpoint.
 *
 * **Reorgs.** Every range stores its last block's hash (and the hash of every block with an event). Before a range is
 * read, the first block's parent hash is checked against the tip's stored hash; when caught up, the tip's hash is
 * checked against the node's block of that number. On a mismatch (or a node whose chain got shorter) the indexer
 * walks the stored blocks back until one matches the node — the fork point — and deletes every block after it in one
 * transaction (`DELETE FROM blocks WHERE number > fork`): the cascade takes their events and every derived row, so the
 * database is exactly what it was at the fork point, and the next ranges read the new branch. A reorg during a range
 * read (the end block's hash changed, or a log's block hash is not the block's) discards the range and retries.
 *
 * **Restarts.** A range is committed whole or not at all; killing the process mid-range loses the uncommitted range
 * only, which the next start reads again. Raw events are keyed by (block hash, log index) and inserted with
 * `ON CONFLICT DO NOTHING`; derived rows are written only for events that were new.
 *
 * **RPC limits.** The range starts at `maxRange` blocks, halves on every failed `eth_getLogs` (a provider's "too many
 * results" or timeout) down to one block, and doubles again after each success.
 */
import { type Abi, type Hex, type PublicClient, decodeEventLog, toEventSelector } from "viem";
import { liquidationEngineAbi, settlementAbi, syntheticTokenAbi, treasuryAbi, vaultAbi } from "@ballast/sdk";
import { type DecodedEvent, applyEvent, jsonArgs } from "./apply.js";
import type { Db, Queryable } from "./db.js";
import type { Deployment } from "./manifest.js";

/** Options of the sync loop. */
export interface SyncOptions {
  /** Blocks to stay behind the head. Default 0. */
  confirmations?: number;
  /** Most blocks per `eth_getLogs`. Default 2,000. */
  maxRange?: number;
  /** [ms] Between polls once caught up. Default 1,000. */
  pollMs?: number;
  /** One line per reorg, range with events, and error. */
  log?: (line: string) => void;
}

/** What one `step()` did. */
export type StepResult =
  | { kind: "range"; from: bigint; to: bigint; events: number }
  | { kind: "idle"; tip: bigint | undefined; head: bigint }
  | { kind: "reorg"; fork: bigint; dropped: number }
  | { kind: "retry"; reason: string };

/** A rewind the indexer did. */
export interface Reorg {
  /** The last stored block that was still on the node's chain; everything after it was deleted. */
  fork: bigint;
  /** The tip before the rewind. */
  tip: bigint;
  /** Stored blocks deleted. */
  dropped: number;
  at: Date;
}

interface RawLog {
  address: Hex;
  topics: Hex[];
  data: Hex;
  blockNumber: Hex;
  blockHash: Hex;
  transactionHash: Hex;
  logIndex: Hex;
}

interface Header {
  number: bigint;
  hash: string;
  parentHash: string;
  timestamp: bigint;
}

const TRANSFER = toEventSelector("Transfer(address,address,uint256)");
const topicOf = (address: string): Hex => `0x${address.slice(2).toLowerCase().padStart(64, "0")}`;
const hex = (n: bigint): Hex => `0x${n.toString(16)}`;

/** Follows one deployment's contracts into one database. */
export class Syncer {
  private range: bigint;
  private readonly maxRange: bigint;
  private readonly confirmations: bigint;
  private readonly log: (line: string) => void;
  /** Every rewind since this syncer started. */
  readonly reorgs: Reorg[] = [];
  private readonly abis: Map<string, { contract: string; abi: Abi }>;

  constructor(
    private readonly client: PublicClient,
    private readonly db: Db,
    private readonly dep: Deployment,
    private readonly opts: SyncOptions = {},
  ) {
    this.maxRange = BigInt(opts.maxRange ?? 2_000);
    this.range = this.maxRange;
    this.confirmations = BigInt(opts.confirmations ?? 0);
    this.log = opts.log ?? (() => {});
    this.abis = new Map<string, { contract: string; abi: Abi }>([
      [dep.vault, { contract: "Vault", abi: vaultAbi as Abi }],
      [dep.engine, { contract: "LiquidationEngine", abi: liquidationEngineAbi as Abi }],
      [dep.treasury, { contract: "Treasury", abi: treasuryAbi as Abi }],
    ]);
    if (dep.settlement !== undefined)
      this.abis.set(dep.settlement, { contract: "Settlement", abi: settlementAbi as Abi });
    for (const token of dep.synthByToken.keys())
      this.abis.set(token, { contract: "SyntheticToken", abi: syntheticTokenAbi as Abi });
  }

  /** The last stored block, or undefined before the first range. */
  async tip(db: Queryable = this.db): Promise<{ number: bigint; hash: string } | undefined> {
    const [r] = await db.query("SELECT number, hash FROM blocks ORDER BY number DESC LIMIT 1");
    return r === undefined ? undefined : { number: BigInt(r.number as string), hash: String(r.hash) };
  }

  /** Reads and stores one range, or checks the tip when caught up, or rewinds after a reorg. */
  async step(): Promise<StepResult> {
    const latest = await this.client.getBlockNumber({ cacheTime: 0 });
    const head = latest - this.confirmations;
    const tip = await this.tip();
    const from = tip === undefined ? BigInt(this.dep.startBlock) : tip.number + 1n;
    if (from > head) {
      if (tip !== undefined) {
        const node = await this.header(tip.number);
        if (node?.hash !== tip.hash) return this.rewind(tip);
      }
      return { kind: "idle", tip: tip?.number, head };
    }
    const to = from + this.range - 1n < head ? from + this.range - 1n : head;
    const first = await this.header(from);
    if (first === undefined) return { kind: "retry", reason: `block ${from} not found` };
    if (tip !== undefined && first.parentHash !== tip.hash) return this.rewind(tip);
    const end = to === from ? first : await this.header(to);
    if (end === undefined) return { kind: "retry", reason: `block ${to} not found` };

    let logs: RawLog[];
    try {
      logs = await this.getLogs(from, to);
    } catch (e) {
      const before = this.range;
      this.range = this.range > 1n ? this.range / 2n : 1n;
      this.log(
        `getLogs ${from}-${to} failed (${(e as Error).message.split("\n")[0]}): range ${before} -> ${this.range}`,
      );
      if (before === 1n) throw e;
      return { kind: "retry", reason: "getLogs failed" };
    }
    // the chain moved under the read: read again (the next step finds the reorg, if any)
    const endAgain = await this.header(to);
    if (endAgain?.hash !== end.hash) return { kind: "retry", reason: `block ${to} changed during the read` };
    const headers = new Map<bigint, Header>([
      [first.number, first],
      [end.number, end],
    ]);
    for (const l of logs) {
      const n = BigInt(l.blockNumber);
      if (!headers.has(n)) {
        const h = await this.header(n);
        if (h === undefined) return { kind: "retry", reason: `block ${n} not found` };
        headers.set(n, h);
      }
      if (headers.get(n)?.hash !== l.blockHash.toLowerCase())
        return { kind: "retry", reason: `log of block ${n} from another branch` };
    }

    const events = logs.map((l) => this.decode(l, headers));
    await this.db.transaction(async (tx) => {
      // the tip must not have moved (another writer, or a rewind) since this range was planned
      const now = await this.tip(tx);
      if (now?.number !== tip?.number)
        throw new Error("the database tip moved during a range: is a second indexer writing?");
      const blocks = new Set(events.map((e) => e.blockNumber));
      blocks.add(end.number);
      for (const n of [...blocks].sort((a, b) => (a < b ? -1 : 1))) {
        const h = headers.get(n);
        if (h === undefined) continue;
        await tx.query(
          "INSERT INTO blocks (number, hash, parent_hash, timestamp) VALUES ($1,$2,$3,$4) ON CONFLICT (number) DO NOTHING",
          [h.number.toString(), h.hash, h.parentHash, h.timestamp.toString()],
        );
      }
      for (const ev of events) {
        const inserted = await tx.query(
          `INSERT INTO events (block_number, block_hash, log_index, tx_hash, contract, address, name, args)
           VALUES ($1,$2,$3,$4,$5,$6,$7,$8) ON CONFLICT (block_hash, log_index) DO NOTHING RETURNING log_index`,
          [
            ev.blockNumber.toString(),
            ev.blockHash,
            ev.logIndex,
            ev.txHash,
            ev.contract,
            ev.address,
            ev.name,
            JSON.stringify(jsonArgs(ev.args)),
          ],
        );
        if (inserted.length > 0) await applyEvent(tx, this.dep, ev);
      }
    });
    if (this.range < this.maxRange) this.range = this.range * 2n > this.maxRange ? this.maxRange : this.range * 2n;
    if (events.length > 0) this.log(`range ${from}-${to}: ${events.length} events`);
    return { kind: "range", from, to, events: events.length };
  }

  /** Steps until caught up with the head (less the confirmations); returns the ranges' event count. */
  async syncToHead(signal?: AbortSignal): Promise<number> {
    let events = 0;
    for (let retries = 0; signal?.aborted !== true;) {
      const r = await this.step();
      if (r.kind === "idle") return events;
      if (r.kind === "range") events += r.events;
      if (r.kind === "retry" && ++retries > 50) throw new Error(`sync keeps retrying: ${r.reason}`);
    }
    return events;
  }

  /** Steps forever (until `signal`), polling every `pollMs` once caught up; errors are logged and retried. */
  async run(signal: AbortSignal): Promise<void> {
    const pollMs = this.opts.pollMs ?? 1_000;
    while (!signal.aborted) {
      let wait = false;
      try {
        const r = await this.step();
        wait = r.kind === "idle" || r.kind === "retry";
      } catch (e) {
        this.log(`sync error: ${(e as Error).message.split("\n")[0]}`);
        wait = true;
      }
      if (wait) await sleep(pollMs, signal);
    }
  }

  /**
   * Walks the stored blocks back from `tip` to the last one whose hash the node still has (the fork point) and
   * deletes every block after it, with everything derived from them, in one transaction.
   */
  async rewind(tip: { number: bigint; hash: string }): Promise<StepResult> {
    let fork = BigInt(this.dep.startBlock) - 1n;
    let below = tip.number + 1n;
    for (let found = false; !found;) {
      const rows = await this.db.query(
        "SELECT number, hash FROM blocks WHERE number < $1 ORDER BY number DESC LIMIT 64",
        [below.toString()],
      );
      if (rows.length === 0) break;
      for (const r of rows) {
        const n = BigInt(r.number as string);
        below = n;
        if ((await this.header(n))?.hash === r.hash) {
          fork = n;
          found = true;
          break;
        }
      }
    }
    const dropped = await this.db.transaction(async (tx) => {
      const gone = await tx.query("DELETE FROM blocks WHERE number > $1 RETURNING number", [fork.toString()]);
      return gone.length;
    });
    const reorg: Reorg = { fork, tip: tip.number, dropped, at: new Date() };
    this.reorgs.push(reorg);
    this.log(
      `reorg: tip ${tip.number} ${tip.hash} is not on the node's chain; rewound to ${fork} (${dropped} blocks dropped)`,
    );
    return { kind: "reorg", fork, dropped };
  }

  private async header(n: bigint): Promise<Header | undefined> {
    try {
      const b = await this.client.getBlock({ blockNumber: n });
      return {
        number: b.number,
        hash: (b.hash ?? "").toLowerCase(),
        parentHash: b.parentHash.toLowerCase(),
        timestamp: b.timestamp,
      };
    } catch {
      return undefined; // no such block (yet, or any more)
    }
  }

  /** The contracts' events and the synthetics' transfers into and out of the Treasury, in block and log order. */
  private async getLogs(from: bigint, to: bigint): Promise<RawLog[]> {
    const range = { fromBlock: hex(from), toBlock: hex(to) };
    const core = [
      this.dep.vault,
      this.dep.engine,
      this.dep.treasury,
      ...(this.dep.settlement ? [this.dep.settlement] : []),
    ];
    const tokens = [...this.dep.synthByToken.keys()];
    const treasury = topicOf(this.dep.treasury);
    const request = (params: Record<string, unknown>): Promise<RawLog[]> =>
      this.client.request({ method: "eth_getLogs", params: [params as never] }) as unknown as Promise<RawLog[]>;
    const [own, into, out] = await Promise.all([
      request({ ...range, address: core }),
      tokens.length > 0 ? request({ ...range, address: tokens, topics: [TRANSFER, null, treasury] }) : [],
      tokens.length > 0 ? request({ ...range, address: tokens, topics: [TRANSFER, treasury] }) : [],
    ]);
    const seen = new Map<string, RawLog>();
    for (const l of [...own, ...into, ...out]) seen.set(`${l.blockHash}:${BigInt(l.logIndex)}`, l);
    return [...seen.values()].sort((a, b) => {
      const d = BigInt(a.blockNumber) - BigInt(b.blockNumber);
      return d !== 0n ? (d < 0n ? -1 : 1) : Number(BigInt(a.logIndex) - BigInt(b.logIndex));
    });
  }

  private decode(l: RawLog, headers: Map<bigint, Header>): DecodedEvent {
    const address = l.address.toLowerCase();
    const source = this.abis.get(address);
    const blockNumber = BigInt(l.blockNumber);
    const base = {
      blockNumber,
      blockHash: l.blockHash.toLowerCase(),
      logIndex: Number(BigInt(l.logIndex)),
      txHash: l.transactionHash.toLowerCase(),
      timestamp: headers.get(blockNumber)?.timestamp ?? 0n,
      address,
      contract: source?.contract ?? "unknown",
    };
    try {
      if (source === undefined) throw new Error("no ABI");
      const d = decodeEventLog({ abi: source.abi, data: l.data, topics: l.topics as [Hex, ...Hex[]], strict: true });
      return { ...base, name: d.eventName ?? "unknown", args: (d.args ?? {}) as Record<string, unknown> };
    } catch {
      // an event the ABI does not know: kept raw, derived from nothing
      return { ...base, name: "unknown", args: { topics: l.topics, data: l.data } };
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}
