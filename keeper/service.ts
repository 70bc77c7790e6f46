/**
 * The long-running keeper service: the `Keeper` of keeper/keeper.ts driven in a loop against any RPC.
 *
 * Each tick: scan the Vault's new events for positions (`EventPositionSource`, checkpointed), then `keeper.tick()`
 * (batch health, liquidations, resets, profitable takes, each simulated first) through a `ManagedSender` (own nonces,
 * EIP-1559 fees under a cap), then write the checkpoint. Between ticks it sleeps `pollSeconds`. An `AbortSignal` stops
 * it: the current tick stops before its next transaction, the checkpoint is written, `run()` resolves. The CLI
 * (tasks/actions/keeper.ts) aborts on SIGINT/SIGTERM; tests abort the same controller.
 *
 * Every decision is one log line: `<ISO time> keeper tick=<n> <event> key=value ...` (events: start, scan, health,
 * liquidate, take, reset, skip, sent, fee-skip, nonce-resync, tick-error, checkpoint, stop).
 *
 * Units: `[bps]` 1e4, `[wei/gas]` fees.
 */
import type { Signer } from "ethers";
import type { LiquidationEngine, OracleAdapter, PositionLens, Treasury, Vault } from "../typechain-types/index.js";
import { parseAmount } from "../sdk/units.js";
import { type ErrorContext, explainFailure } from "../sdk/errors.js";
import { Keeper, type KeeperOptions, type TickReport, type TxSender, type Venue, OracleVenue } from "./keeper.js";
import {
  type Checkpoint,
  type CheckpointScope,
  EventPositionSource,
  type ScanReport,
  readCheckpoint,
  writeCheckpoint,
} from "./scan.js";
import { type BoundedFlag, KEEPER_FLAGS, type KeeperFlag, keeperFlagHelp, keeperFlagName } from "./flags.js";
import { ManagedSender } from "./tx.js";

// ----------------------------------------------------------------------------------------------------------------
// Configuration
// ----------------------------------------------------------------------------------------------------------------

export interface KeeperConfig {
  /** [s] Sleep between ticks. */
  pollSeconds: number;
  /** [bps] Least profit against the venue for a take. */
  minProfitBps: bigint;
  /** Position ids per `healthOf` call. */
  batchSize: number;
  /** Checkpoint file. */
  checkpointPath: string;
  /** [wei/gas] Highest max fee per gas; no transaction is sent while the base fee is above it. */
  maxFeePerGas: bigint;
  /** Blocks per `getLogs` call. */
  blockChunk: number;
  /** Blocks the event scan stays behind the head, so a short reorg cannot hide an event behind the checkpoint. */
  confirmations: number;
  /** [bps] The mock venue's spread under the oracle price. */
  venueSpreadBps: bigint;
  /** Run one tick and exit. */
  once: boolean;
}

/** Invalid keeper settings; the message lists every problem with the flag and variable to fix. */
export class KeeperConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid keeper configuration:\n  - ${problems.join("\n  - ")}`);
    this.name = "KeeperConfigError";
  }
}

/**
 * The configuration from CLI `flags` (a non-empty flag wins), then `env`, then the defaults. Throws a
 * `KeeperConfigError` naming every invalid value.
 */
export function parseKeeperConfig(
  flags: Partial<Record<KeeperFlag, string>> & { once?: boolean },
  env: Record<string, string | undefined>,
  network: string,
): KeeperConfig {
  const problems: string[] = [];
  const raw = (k: KeeperFlag): { value: string; from: string } => {
    const f = flags[k];
    if (f !== undefined && f !== "") return { value: f.trim(), from: keeperFlagName(k) };
    const e = env[KEEPER_FLAGS[k].env];
    if (e !== undefined && e !== "") return { value: e.trim(), from: KEEPER_FLAGS[k].env };
    return { value: KEEPER_FLAGS[k].default, from: "default" };
  };
  const num = (k: BoundedFlag): number => {
    const [lo, hi, integer] = KEEPER_FLAGS[k].bounds;
    const { value, from } = raw(k);
    const ok = integer ? /^\d+$/.test(value) : /^\d+(\.\d+)?$/.test(value);
    const n = Number(value);
    if (!ok || !(n >= lo && n <= hi)) {
      problems.push(
        `${from} = "${value}": ${keeperFlagHelp(k)} (flag ${keeperFlagName(k)}, variable ${KEEPER_FLAGS[k].env})`,
      );
      return lo;
    }
    return n;
  };
  const pollSeconds = num("poll");
  const minProfitBps = BigInt(num("minProfitBps"));
  const batchSize = num("batchSize");
  const blockChunk = num("blockChunk");
  const confirmations = num("confirmations");
  const venueSpreadBps = BigInt(num("spreadBps"));
  let maxFeePerGas = 0n;
  const fee = raw("maxFeeGwei");
  try {
    maxFeePerGas = parseAmount(fee.value, 9); // [wei/gas] from gwei, the one amount parser (sdk/units.ts)
  } catch {
    problems.push(
      `${fee.from} = "${fee.value}": ${keeperFlagHelp("maxFeeGwei")}, at most 9 decimals ` +
        `(flag ${keeperFlagName("maxFeeGwei")}, variable ${KEEPER_FLAGS.maxFeeGwei.env})`,
    );
  }
  const cp = raw("checkpoint").value;
  const checkpointPath = cp === "" ? `reports/keeper-${network}.json` : cp;
  if (problems.length > 0) throw new KeeperConfigError(problems);
  return {
    pollSeconds,
    minProfitBps,
    batchSize,
    checkpointPath,
    maxFeePerGas,
    blockChunk,
    confirmations,
    venueSpreadBps,
    once: flags.once === true,
  };
}

// ----------------------------------------------------------------------------------------------------------------
// Service
// ----------------------------------------------------------------------------------------------------------------

export interface ServiceOptions {
  vault: Vault;
  engine: LiquidationEngine;
  lens: PositionLens;
  oracle: OracleAdapter;
  signer: Signer;
  /** Network name, chain id and Vault the checkpoint belongs to. */
  scope: CheckpointScope;
  /** First block to scan without a checkpoint (the manifest's `startBlock`). */
  startBlock: number;
  config: KeeperConfig;
  /** Default: an `OracleVenue` with `config.venueSpreadBps`. */
  venue?: Venue;
  /** Default: a `ManagedSender` with `config.maxFeePerGas` and `gasMarginBps`. */
  sender?: TxSender;
  /** [bps] Gas limit over each estimate (the network's, deploy/config/networks.ts). Default 2,500. */
  gasMarginBps?: number;
  /** What failures are explained with (assets, synthetics, network). Default: the Vault alone. */
  errors?: ErrorContext;
  /** The Treasury whose surplus policy the keeper runs for `synthIds` (see `Keeper`); none: no treasury job. */
  treasury?: Treasury;
  synthIds?: bigint[];
  /** The risk job (observations and the steward's recommendations; see `Keeper`); none: no risk job. */
  risk?: KeeperOptions["risk"];
  /** The pre-liquidation job (see `Keeper`); none: no pre-liquidation job. */
  preLiquidation?: KeeperOptions["preLiquidation"];
  /** The settlement job for expired option and binary series (see `Keeper`); none: no settlement job. */
  instruments?: KeeperOptions["instruments"];
  /** Receives every log line. Default console.log. */
  log?: (line: string) => void;
  /** Sleeps between ticks; must return early when `signal` fires. Default: a timer of `pollSeconds`. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** What `run()` did. */
export interface RunSummary {
  ticks: number;
  reports: TickReport[];
  scans: ScanReport[];
  /** Ticks whose scan or keeper pass threw (logged; the loop went on). */
  errors: number;
  checkpoint: Checkpoint;
  stoppedBy: "signal" | "once";
}

export class KeeperService {
  readonly source: EventPositionSource;
  readonly keeper: Keeper;
  readonly sender: TxSender;
  private readonly log: (line: string) => void;
  private readonly errors: ErrorContext;
  private tickNo = 0;

  constructor(private readonly opts: ServiceOptions) {
    const logLine = opts.log ?? ((l: string) => console.log(l));
    this.log = (line) => logLine(`${new Date().toISOString()} keeper tick=${this.tickNo} ${line}`);
    const checkpoint = readCheckpoint(opts.config.checkpointPath, opts.scope);
    this.source = new EventPositionSource({
      vault: opts.vault,
      lens: opts.lens,
      scope: opts.scope,
      startBlock: opts.startBlock,
      blockChunk: opts.config.blockChunk,
      confirmations: opts.config.confirmations,
      checkpoint,
      log: this.log,
    });
    this.sender =
      opts.sender ??
      new ManagedSender(opts.signer, {
        maxFeePerGas: opts.config.maxFeePerGas,
        gasMarginBps: opts.gasMarginBps,
        log: this.log,
      });
    this.errors = opts.errors ?? { vault: opts.vault, lens: opts.lens };
    this.keeper = new Keeper({
      engine: opts.engine,
      lens: opts.lens,
      signer: opts.signer,
      positions: this.source,
      venue: opts.venue ?? new OracleVenue(opts.oracle, opts.vault, opts.lens, opts.config.venueSpreadBps),
      minProfitBps: opts.config.minProfitBps,
      batchSize: opts.config.batchSize,
      sender: this.sender,
      log: this.log,
      errors: this.errors,
      ...(opts.treasury === undefined ? {} : { treasury: opts.treasury, synthIds: opts.synthIds ?? [] }),
      ...(opts.risk === undefined ? {} : { risk: opts.risk }),
      ...(opts.preLiquidation === undefined ? {} : { preLiquidation: opts.preLiquidation }),
      ...(opts.instruments === undefined ? {} : { instruments: opts.instruments }),
    });
    this.log(
      checkpoint === undefined
        ? `start checkpoint=none scanFrom=${opts.startBlock} path=${opts.config.checkpointPath}`
        : `start checkpoint=${opts.config.checkpointPath} lastBlock=${checkpoint.lastBlock} ` +
            `positions=${checkpoint.positions.length}`,
    );
  }

  /** One tick: scan new events, run the keeper pass, write the checkpoint. */
  async tick(signal?: AbortSignal): Promise<{ scan: ScanReport; report: TickReport }> {
    this.tickNo++;
    const t0 = Date.now();
    const scan = await this.source.scan(undefined, signal);
    this.log(
      `scan from=${scan.from} to=${scan.to} chunks=${scan.chunks} events=${scan.logs} opened=${scan.opened.length} ` +
        `dropped=${scan.dropped.length} known=${scan.known}`,
    );
    this.saveCheckpoint();
    const report = await this.keeper.tick(signal);
    this.log(
      `health checked=${report.checked} unhealthy=${report.unhealthy.length} liquidations=${report.liquidations.length} ` +
        `preLiquidations=${report.preLiquidations.length} takes=${report.takes.length} resets=${report.resets.length} ` +
        `settlements=${report.settlements.length} skips=${report.skips.length}` +
        `${report.aborted ? " aborted=true" : ""} ms=${Date.now() - t0}`,
    );
    return { scan, report };
  }

  /**
   * Ticks until `signal` fires (or once, with `config.once`), then writes the checkpoint and resolves. A tick that
   * throws (an RPC error, say) is logged and the loop goes on.
   */
  async run(signal: AbortSignal): Promise<RunSummary> {
    const reports: TickReport[] = [];
    const scans: ScanReport[] = [];
    let errors = 0;
    const sleep = this.opts.sleep ?? abortableSleep;
    while (!signal.aborted) {
      try {
        const { scan, report } = await this.tick(signal);
        scans.push(scan);
        reports.push(report);
      } catch (e) {
        errors++;
        this.log(`tick-error error="${(await explainFailure(e, this.errors)).replace(/"/g, "'")}"`);
      }
      if (this.opts.config.once || signal.aborted) break;
      await sleep(this.opts.config.pollSeconds * 1_000, signal);
    }
    const checkpoint = this.saveCheckpoint();
    this.log(
      `stop reason=${signal.aborted ? `signal:${String(signal.reason ?? "abort")}` : "once"} ticks=${this.tickNo} ` +
        `lastBlock=${checkpoint.lastBlock} positions=${checkpoint.positions.length}`,
    );
    return { ticks: this.tickNo, reports, scans, errors, checkpoint, stoppedBy: signal.aborted ? "signal" : "once" };
  }

  /** Writes the checkpoint of what has been scanned so far and returns it. */
  saveCheckpoint(): Checkpoint {
    const cp = this.source.checkpoint();
    writeCheckpoint(this.opts.config.checkpointPath, cp);
    return cp;
  }
}

/** Resolves after `ms`, or at once when `signal` fires. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}

/**
 * Aborts `controller` on SIGINT or SIGTERM (the CLI's stop path; tests abort the controller directly). Returns a
 * function that removes the handlers.
 */
export function stopOnSignals(controller: AbortController, log: (line: string) => void): () => void {
  const handler = (sig: NodeJS.Signals): void => {
    log(`signal ${sig}: finishing the current step, then writing the checkpoint`);
    controller.abort(sig);
  };
  process.once("SIGINT", handler);
  process.once("SIGTERM", handler);
  return () => {
    process.off("SIGINT", handler);
    process.off("SIGTERM", handler);
  };
}
