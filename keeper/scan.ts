/**
 * Position discovery for the long-running keeper: a `PositionSource` fed by the Vault's events, read with `getLogs`
 * over block ranges in chunks, and a checkpoint file so a restart resumes where it stopped instead of rescanning.
 *
 * - `PositionOpened` adds a position; `Deposited` adds one too (a position emptied earlier, or opened before the
 *   scan's first block, that gets collateral again).
 * - After `Withdrawn` or `Seized` the position is read (`positionOf` and `debtOf`): one with no collateral and no
 *   debt (closed, or wholly liquidated) is dropped.
 *
 * The checkpoint (JSON) records the network, chain id and Vault address it belongs to, the last block scanned with
 * its hash, and the known position ids. A file for another network, chain or Vault is refused with a message that
 * says so. A file for the same network, chain id and Vault but from another chain's history — a restarted local node
 * (same chain id, and the same deployer nonce gives the same Vault address), or a reorg deeper than the scan's
 * confirmations — is caught by the block hash: the node's block at `lastBlock` is not the one recorded (or does not
 * exist yet). Then the checkpoint is set aside (`onRescan` says why) and the scan starts again from the deployment
 * block, so positions opened below the old `lastBlock` are found. The hash is checked again before every scan.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { Log } from "ethers";
import type { PositionLens, Vault } from "../typechain-types/index.js";
import type { PositionSource } from "./keeper.js";

export const CHECKPOINT_VERSION = 2;

/** What the keeper keeps between runs. */
export interface Checkpoint {
  version: number;
  network: string;
  chainId: string; // decimal
  vault: string;
  /** The last block whose events were read (the next scan starts one after it). */
  lastBlock: number;
  /** The hash of `lastBlock` when it was read: tells this chain's history from another's. */
  lastBlockHash: string;
  /** Known open position ids, ascending, as decimal strings. */
  positions: string[];
  /** ISO time of the write. */
  updatedAt: string;
}

/** The deployment a checkpoint must belong to. */
export interface CheckpointScope {
  network: string;
  chainId: bigint;
  vault: string;
}

/** A checkpoint file that cannot be used: unreadable, or for another network, chain or Vault. */
export class CheckpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CheckpointError";
  }
}

/** Reads the checkpoint at `path` (undefined when there is none) and checks that it belongs to `scope`. */
export function readCheckpoint(path: string, scope: CheckpointScope): Checkpoint | undefined {
  if (!existsSync(path)) return undefined;
  let cp: Checkpoint;
  try {
    cp = JSON.parse(readFileSync(path, "utf8")) as Checkpoint;
  } catch (e) {
    throw new CheckpointError(`checkpoint ${path} is not valid JSON (${(e as Error).message}): fix or delete it`);
  }
  const problems: string[] = [];
  if (cp.version !== CHECKPOINT_VERSION && cp.version !== 1) {
    problems.push(`version ${cp.version}, expected ${CHECKPOINT_VERSION}`);
  }
  if (cp.network !== scope.network) problems.push(`network "${cp.network}", not "${scope.network}"`);
  if (cp.chainId !== scope.chainId.toString()) problems.push(`chain ${cp.chainId}, not ${scope.chainId}`);
  if (typeof cp.vault !== "string" || cp.vault.toLowerCase() !== scope.vault.toLowerCase())
    problems.push(`Vault ${cp.vault}, not ${scope.vault}`);
  if (!Number.isSafeInteger(cp.lastBlock) || cp.lastBlock < 0) problems.push(`lastBlock ${cp.lastBlock} is invalid`);
  if (!Array.isArray(cp.positions) || !cp.positions.every((p) => /^\d+$/.test(p)))
    problems.push("positions must be decimal strings");
  if (problems.length > 0) {
    throw new CheckpointError(
      `checkpoint ${path} belongs to another deployment (${problems.join("; ")}): ` +
        `pass another --checkpoint path, or delete the file to rescan from the deployment block`,
    );
  }
  return cp;
}

/** Writes `cp` atomically (a temporary file renamed over the old one), creating the folder. */
export function writeCheckpoint(path: string, cp: Checkpoint): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(cp, null, 2) + "\n");
  renameSync(tmp, path);
}

/** What one `scan()` read and changed. */
export interface ScanReport {
  from: number; // first block read (greater than `to` when there was nothing new)
  to: number; // last block read
  chunks: number; // getLogs calls
  logs: number; // events read
  opened: bigint[]; // ids added
  dropped: bigint[]; // ids dropped as closed
  known: number; // ids known after the scan
}

export interface ScannerOptions {
  vault: Vault;
  /** The deployment's PositionLens (a closed position's debt). */
  lens: PositionLens;
  scope: CheckpointScope;
  /** First block to scan without a checkpoint (the deployment's start block). */
  startBlock: number;
  /** Blocks per `getLogs` call. Default 2,000. */
  blockChunk?: number;
  /** Blocks the scan stays behind the latest one (reorg safety). Default 0. */
  confirmations?: number;
  /** A checkpoint to resume from (see `readCheckpoint`). */
  checkpoint?: Checkpoint;
  /** One line per chunk with events and per scan. */
  log?: (line: string) => void;
}

/** Why a scan set its checkpoint aside and started again from the deployment block. */
export interface Rescan {
  /** The block the checkpoint (or the last scan) ended at, and the hash recorded for it. */
  lastBlock: number;
  recorded: string | undefined;
  /** The node's hash of that block, or undefined when the node has no such block. */
  found: string | undefined;
  /** The block the scan starts again from. */
  from: number;
}

/** Discovers positions from the Vault's events; `positionIds()` returns the ids known after the last `scan()`. */
export class EventPositionSource implements PositionSource {
  private readonly ids = new Set<bigint>();
  private lastBlock: number; // last block scanned
  private lastBlockHash: string | undefined; // its hash when scanned (undefined: nothing scanned, or unknown)
  /** Every time a scan found its history gone and started again (see the file comment). */
  readonly rescans: Rescan[] = [];
  private readonly log: (line: string) => void;
  private readonly topics: string[];
  private readonly names = ["PositionOpened", "Deposited", "Withdrawn", "Seized"] as const;

  constructor(private readonly opts: ScannerOptions) {
    this.log = opts.log ?? (() => {});
    this.lastBlock = opts.startBlock - 1;
    if (opts.checkpoint !== undefined) {
      this.lastBlock = opts.checkpoint.lastBlock;
      this.lastBlockHash = opts.checkpoint.lastBlockHash ?? "";
      for (const p of opts.checkpoint.positions) this.ids.add(BigInt(p));
    }
    const iface = opts.vault.interface;
    this.topics = this.names.map((n) => iface.getEvent(n).topicHash);
  }

  /** The last block whose events were read. */
  get scannedTo(): number {
    return this.lastBlock;
  }

  async positionIds(): Promise<bigint[]> {
    return [...this.ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /**
   * Reads the Vault's events from the block after the last scanned one to `toBlock` (default: the latest block less
   * `confirmations`).
   */
  async scan(toBlock?: number, signal?: AbortSignal): Promise<ScanReport> {
    const provider = this.opts.vault.runner?.provider;
    if (provider == null) throw new Error("EventPositionSource: the Vault has no provider");
    await this.checkHistory(provider);
    const to = toBlock ?? (await provider.getBlockNumber()) - (this.opts.confirmations ?? 0);
    const from = this.lastBlock + 1;
    const report: ScanReport = { from, to, chunks: 0, logs: 0, opened: [], dropped: [], known: 0 };
    const chunk = this.opts.blockChunk ?? 2_000;
    const address = await this.opts.vault.getAddress();
    for (let start = from; start <= to; start += chunk) {
      if (signal?.aborted === true) break; // the blocks read so far are kept; the rest is read next time
      const end = Math.min(to, start + chunk - 1);
      const logs = await provider.getLogs({ address, fromBlock: start, toBlock: end, topics: [this.topics] });
      report.chunks++;
      report.logs += logs.length;
      await this.apply(logs, report);
      this.lastBlock = end;
      if (logs.length > 0) this.log(`scan-chunk from=${start} to=${end} events=${logs.length}`);
    }
    report.to = this.lastBlock;
    report.known = this.ids.size;
    if (report.chunks > 0) this.lastBlockHash = (await provider.getBlock(this.lastBlock))?.hash ?? undefined;
    return report;
  }

  /**
   * Sets the scanned state aside when the block it ends at is not in the node's history any more (another chain
   * with the same id, or a reorg): the hash recorded for `lastBlock` differs from the node's, or the node has no
   * such block. The next scan then reads from the deployment block again.
   */
  private async checkHistory(provider: { getBlock(n: number): Promise<{ hash: string | null } | null> }) {
    if (this.lastBlockHash === undefined || this.lastBlock < this.opts.startBlock) return;
    const found = (await provider.getBlock(this.lastBlock))?.hash ?? undefined;
    if (found !== undefined && found.toLowerCase() === this.lastBlockHash.toLowerCase()) return;
    const rescan: Rescan = {
      lastBlock: this.lastBlock,
      recorded: this.lastBlockHash === "" ? undefined : this.lastBlockHash,
      found,
      from: this.opts.startBlock,
    };
    this.rescans.push(rescan);
    this.log(
      `checkpoint-refused lastBlock=${rescan.lastBlock} recorded=${rescan.recorded ?? "none"} ` +
        `node=${rescan.found ?? "no-such-block"}: not this chain's history (a restarted node or a reorg); ` +
        `rescanning from block ${rescan.from}`,
    );
    this.ids.clear();
    this.lastBlock = this.opts.startBlock - 1;
    this.lastBlockHash = undefined;
  }

  /** The checkpoint of the current state. */
  checkpoint(): Checkpoint {
    return {
      version: CHECKPOINT_VERSION,
      network: this.opts.scope.network,
      chainId: this.opts.scope.chainId.toString(),
      vault: this.opts.scope.vault,
      lastBlock: this.lastBlock,
      lastBlockHash: this.lastBlockHash ?? "",
      positions: [...this.ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map(String),
      updatedAt: new Date().toISOString(),
    };
  }

  private async apply(logs: Log[], report: ScanReport): Promise<void> {
    const touched = new Set<bigint>(); // ids that may have been emptied in this chunk
    for (const l of logs) {
      const ev = this.opts.vault.interface.parseLog(l);
      if (ev === null) continue;
      const id = ev.args[0] as bigint;
      if (ev.name === "PositionOpened" || ev.name === "Deposited") {
        if (!this.ids.has(id)) {
          this.ids.add(id);
          report.opened.push(id);
        }
      } else {
        touched.add(id);
      }
    }
    for (const id of touched) {
      if (!this.ids.has(id)) continue;
      const [, , mask] = await this.opts.vault.positionOf(id);
      if (mask !== 0n) continue;
      if ((await this.opts.lens.normDebtOf(id)) !== 0n) continue;
      this.ids.delete(id);
      report.dropped.push(id);
    }
  }
}
