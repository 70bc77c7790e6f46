/**
 * The watch: follows positions (all, one owner's, or a list of ids) and warns their owners before a liquidation.
 *
 * Each tick: scan the Vault's new events for positions (keeper/scan.ts `EventPositionSource`: the keeper's discovery,
 * checkpoint and reorg handling, reused), pick the followed ones, evaluate them at one block (watch/evaluate.ts:
 * health, liquidation prices, probability within the horizon, level), send an alert for every position that crossed
 * into a level and a `cleared` for every one that left a level (printed; with `--json` one JSON object per line; and
 * POSTed to the webhook, retried a bounded number of times), then write the checkpoint. Between ticks it sleeps
 * `pollSeconds`; an `AbortSignal` (Ctrl-C in the CLI) stops it after the current step, with the checkpoint written.
 *
 * The checkpoint is the keeper's (network, chain, Vault, last block and its hash, known ids) plus a `watch` section:
 * each position's level and the owner it was at that level for. A restart resumes from it without re-sending an alert
 * already sent (the level is remembered); a checkpoint from another history of the chain (a restarted node, a reorg
 * deeper than `--confirmations`) makes the scan start again from the deployment block, as the keeper's does, and a
 * level recorded for another owner is not trusted (the position is treated as new). Alerts are delivered before the
 * checkpoint is written, so a crash between the two re-sends rather than loses them (at least once).
 *
 * Every status line is `<ISO time> watch tick=<n> <event> key=value ...` (events: start, scan, notes, positions,
 * evaluate, alert, webhook, tick-error, checkpoint-refused, stop); alert lines are what `sdk/alerts.ts` prints.
 *
 * No Hardhat. Units: `[wad]` 1e18, probabilities as fractions, `[s]` and `[h]` as named.
 */
import { getAddress, isAddress } from "ethers";
import {
  type Alert,
  type AlertLevel,
  LEVELS,
  MODEL,
  type PositionRisk,
  type Thresholds,
  alertJson,
  alertLine,
  factorLine,
  formatPercent,
  riskLine,
} from "../sdk/alerts.js";
import { formatHealth } from "../sdk/format.js";
import { explainFailure } from "../sdk/errors.js";
import { AmountError, parseAmount } from "../sdk/units.js";
import {
  type Checkpoint,
  type CheckpointScope,
  CheckpointError,
  EventPositionSource,
  readCheckpoint,
  writeCheckpoint,
} from "../keeper/scan.js";
import { abortableSleep } from "../keeper/service.js";
import { type BoundedWatchFlag, WATCH_FLAGS, type WatchFlag, watchFlagHelp, watchFlagName } from "./flags.js";
import { type ChainReader, UnknownPositionError, evaluatePositions } from "./evaluate.js";
import { type VolatilitySource } from "./volatility.js";
import { type Delivery, postWebhook } from "./webhook.js";

// ----------------------------------------------------------------------------------------------------------------
// Configuration
// ----------------------------------------------------------------------------------------------------------------

export interface WatchConfig {
  /** Follow only this owner's positions (checksummed address). */
  owner?: string;
  /** Follow only these ids. */
  positions?: bigint[];
  /** [h] The probability's horizon. */
  horizonHours: number;
  /** [s] Sleep between ticks. */
  pollSeconds: number;
  thresholds: Thresholds;
  /** [s] Oldest observed volatility used. */
  volMaxAgeSeconds: number;
  checkpointPath: string;
  webhook?: { url: string; attempts: number };
  json: boolean;
  once: boolean;
  blockChunk: number;
  confirmations: number;
}

/** Invalid watch settings; the message lists every problem with the flag and variable to fix. */
export class WatchConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid watch configuration:\n  - ${problems.join("\n  - ")}`);
    this.name = "WatchConfigError";
  }
}

/**
 * The configuration from CLI `flags` (a non-empty flag wins), then `env`, then the defaults. Throws a
 * `WatchConfigError` naming every invalid value in its units, with the flag and the variable.
 */
export function parseWatchConfig(
  flags: Partial<Record<WatchFlag, string>> & { once?: boolean; json?: boolean },
  env: Record<string, string | undefined>,
  network: string,
): WatchConfig {
  const problems: string[] = [];
  const raw = (k: WatchFlag): { value: string; from: string } => {
    const f = flags[k];
    if (f !== undefined && f !== "") return { value: f.trim(), from: watchFlagName(k) };
    const e = env[WATCH_FLAGS[k].env];
    if (e !== undefined && e !== "") return { value: e.trim(), from: WATCH_FLAGS[k].env };
    return { value: WATCH_FLAGS[k].default, from: "default" };
  };
  const where = (k: WatchFlag): string => `(flag ${watchFlagName(k)}, variable ${WATCH_FLAGS[k].env})`;
  const num = (k: BoundedWatchFlag): number => {
    const [lo, hi, integer, openLow] = WATCH_FLAGS[k].bounds as readonly [number, number, boolean, boolean?];
    const { value, from } = raw(k);
    const ok = integer ? /^\d+$/.test(value) : /^\d+(\.\d+)?$/.test(value);
    const n = Number(value);
    if (!ok || !(openLow === true ? n > lo : n >= lo) || !(n <= hi)) {
      problems.push(`${from} = "${value}": ${watchFlagHelp(k)} ${where(k)}`);
      return Number.NaN;
    }
    return n;
  };
  const health = (k: "warnHealth" | "criticalHealth"): bigint => {
    const n = num(k);
    if (Number.isNaN(n)) return 0n;
    try {
      return parseAmount(raw(k).value, 18);
    } catch (e) {
      if (!(e instanceof AmountError)) throw e;
      problems.push(`${raw(k).from} = "${raw(k).value}": ${e.message} ${where(k)}`);
      return 0n;
    }
  };

  let owner: string | undefined;
  const o = raw("owner");
  if (o.value !== "") {
    if (!isAddress(o.value)) {
      problems.push(
        `${o.from} = "${o.value}": not an address (0x followed by 40 hexadecimal digits) ${where("owner")}`,
      );
    } else owner = getAddress(o.value.toLowerCase());
  }
  let positions: bigint[] | undefined;
  const p = raw("positions");
  if (p.value !== "") {
    const parts = p.value.split(",").map((x) => x.trim().replace(/^#/, ""));
    const bad = parts.filter((x) => !/^\d+$/.test(x) || BigInt(x) === 0n);
    if (bad.length > 0 || parts.length === 0) {
      problems.push(
        `${p.from} = "${p.value}": ${bad.map((b) => `"${b}"`).join(", ")} not a position id ` +
          `(ids are whole numbers from 1, e.g. 1,2,7) ${where("positions")}`,
      );
    } else positions = [...new Set(parts.map((x) => BigInt(x)))];
  }
  if (owner !== undefined && positions !== undefined) {
    problems.push(`give ${watchFlagName("owner")} or ${watchFlagName("positions")}, not both`);
  }
  const horizonHours = num("horizon");
  const pollSeconds = num("poll");
  const warnHealth = health("warnHealth");
  const criticalHealth = health("criticalHealth");
  if (warnHealth !== 0n && criticalHealth !== 0n && criticalHealth > warnHealth) {
    problems.push(
      `critical health ${formatHealth(criticalHealth)} is above warn health ${formatHealth(warnHealth)}: ` +
        `critical must be at most warn (${watchFlagName("criticalHealth")}, ${watchFlagName("warnHealth")})`,
    );
  }
  const warnProbability = num("warnProbability") / 100;
  const criticalProbability = num("criticalProbability") / 100;
  if (warnProbability > criticalProbability) {
    problems.push(
      `critical probability ${formatPercent(criticalProbability)} is under warn probability ` +
        `${formatPercent(warnProbability)}: critical must be at least warn ` +
        `(${watchFlagName("criticalProbability")}, ${watchFlagName("warnProbability")})`,
    );
  }
  const volMaxAgeSeconds = num("volMaxAge");
  const blockChunk = num("blockChunk");
  const confirmations = num("confirmations");
  const webhookAttempts = num("webhookAttempts");
  let webhook: WatchConfig["webhook"];
  const w = raw("webhook");
  if (w.value !== "") {
    let url: URL | undefined;
    try {
      url = new URL(w.value);
    } catch {
      url = undefined;
    }
    if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:")) {
      problems.push(`${w.from} = "${w.value}": not an http(s) URL ${where("webhook")}`);
    } else webhook = { url: url.toString(), attempts: webhookAttempts };
  }
  const cp = raw("checkpoint").value;
  if (problems.length > 0) throw new WatchConfigError(problems);
  return {
    ...(owner === undefined ? {} : { owner }),
    ...(positions === undefined ? {} : { positions }),
    horizonHours,
    pollSeconds,
    thresholds: { warnHealth, criticalHealth, warnProbability, criticalProbability },
    volMaxAgeSeconds,
    checkpointPath: cp === "" ? `reports/watch-${network}.json` : cp,
    ...(webhook === undefined ? {} : { webhook }),
    json: flags.json === true,
    once: flags.once === true,
    blockChunk,
    confirmations,
  };
}

// ----------------------------------------------------------------------------------------------------------------
// Checkpoint
// ----------------------------------------------------------------------------------------------------------------

/** A position's remembered level, and the owner it was reached for. */
export interface LevelRecord {
  level: AlertLevel;
  owner: string;
}

/** The keeper's checkpoint plus the watch's levels. */
export interface WatchCheckpoint extends Checkpoint {
  watch: {
    /** Position id (decimal) → its level at the last evaluation (positions at `ok` are not listed). */
    levels: Record<string, LevelRecord>;
    /** The ids evaluated at the last tick, ascending. */
    followed: string[];
  };
}

/** Reads a watch checkpoint (undefined when none), refusing one for another deployment or without a watch section. */
export function readWatchCheckpoint(path: string, scope: CheckpointScope): WatchCheckpoint | undefined {
  const cp = readCheckpoint(path, scope) as (Checkpoint & { watch?: WatchCheckpoint["watch"] }) | undefined;
  if (cp === undefined) return undefined;
  const w = cp.watch;
  const valid =
    w !== undefined &&
    typeof w.levels === "object" &&
    w.levels !== null &&
    Object.entries(w.levels).every(
      ([id, r]) => /^\d+$/.test(id) && LEVELS.includes(r?.level) && typeof r?.owner === "string",
    ) &&
    Array.isArray(w.followed);
  if (!valid) {
    throw new CheckpointError(
      `checkpoint ${path} has no valid watch section (a keeper's checkpoint?): pass another --checkpoint path, ` +
        `or delete the file to start over (alerts already sent would be sent again)`,
    );
  }
  return cp as WatchCheckpoint;
}

// ----------------------------------------------------------------------------------------------------------------
// Service
// ----------------------------------------------------------------------------------------------------------------

export interface WatchServiceOptions {
  reader: ChainReader;
  /** Network name, chain id and Vault the checkpoint belongs to. */
  scope: CheckpointScope;
  /** First block to scan without a checkpoint (the manifest's `startBlock`). */
  startBlock: number;
  config: WatchConfig;
  volatility: VolatilitySource;
  /** Receives each alert: its human line, or its JSON with `config.json`. Default console.log. */
  out?: (line: string) => void;
  /** Receives every status line. Default console.log (console.error with `config.json`). */
  log?: (line: string) => void;
  /** Sleeps between ticks; must return early when `signal` fires. Default: a timer. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** [ms] The webhook's first retry wait (doubling) and one attempt's limit. Defaults 500 and 5,000. */
  webhookBaseDelayMs?: number;
  webhookTimeoutMs?: number;
}

/** What one tick did. */
export interface WatchTick {
  block: number;
  followed: bigint[];
  risks: PositionRisk[];
  alerts: Alert[];
  deliveries: Delivery[];
}

/** What `run()` did. */
export interface WatchSummary {
  ticks: number;
  alerts: Alert[];
  /** Ticks that threw (logged; the loop went on). */
  errors: number;
  checkpoint: WatchCheckpoint;
  stoppedBy: "signal" | "once";
}

export class WatchService {
  readonly source: EventPositionSource;
  /** Each position's level and the owner it was reached for (positions at ok are absent). */
  readonly levels = new Map<bigint, LevelRecord>();
  private followed: bigint[] = [];
  private readonly out: (line: string) => void;
  private readonly log: (line: string) => void;
  private tickNo = 0;
  private notes = "";
  private rescansSeen = 0;

  constructor(private readonly opts: WatchServiceOptions) {
    const cfg = opts.config;
    this.out = opts.out ?? ((l) => console.log(l));
    const logLine = opts.log ?? (cfg.json ? (l: string) => console.error(l) : (l: string) => console.log(l));
    this.log = (line) => logLine(`${new Date().toISOString()} watch tick=${this.tickNo} ${line}`);
    const checkpoint = readWatchCheckpoint(cfg.checkpointPath, opts.scope);
    if (checkpoint !== undefined) {
      for (const [id, r] of Object.entries(checkpoint.watch.levels)) this.levels.set(BigInt(id), r);
      this.followed = checkpoint.watch.followed.map((x) => BigInt(x));
    }
    this.source = new EventPositionSource({
      vault: opts.reader.vault,
      lens: opts.reader.lens,
      scope: opts.scope,
      startBlock: opts.startBlock,
      blockChunk: cfg.blockChunk,
      confirmations: cfg.confirmations,
      checkpoint,
      log: this.log,
    });
    const following =
      cfg.owner !== undefined
        ? `owner ${cfg.owner}`
        : cfg.positions !== undefined
          ? `positions ${cfg.positions.map((p) => `#${p}`).join(", ")}`
          : "all positions";
    const t = cfg.thresholds;
    this.log(
      `start following=${following} horizon=${cfg.horizonHours}h poll=${cfg.pollSeconds}s ` +
        `warn=health<${formatHealth(t.warnHealth)}|P>=${formatPercent(t.warnProbability)} ` +
        `critical=health<${formatHealth(t.criticalHealth)}|P>=${formatPercent(t.criticalProbability)} ` +
        `volatility="${opts.volatility.description}" webhook=${cfg.webhook?.url ?? "none"} ` +
        (checkpoint === undefined
          ? `checkpoint=none path=${cfg.checkpointPath}`
          : `checkpoint=${cfg.checkpointPath} lastBlock=${checkpoint.lastBlock} levels=${this.levels.size}`),
    );
    this.log(`model ${MODEL}`);
  }

  /** One tick: scan, evaluate the followed positions, send the alerts, write the checkpoint. */
  async tick(signal?: AbortSignal): Promise<WatchTick> {
    this.tickNo++;
    const t0 = Date.now();
    const cfg = this.opts.config;
    const scan = await this.source.scan(undefined, signal);
    if (this.source.rescans.length > this.rescansSeen) {
      this.rescansSeen = this.source.rescans.length;
      this.log("rescan: levels are kept only for positions found again with the same owner");
    }
    if (scan.chunks > 0 && (scan.opened.length > 0 || scan.dropped.length > 0 || this.tickNo === 1)) {
      this.log(
        `scan from=${scan.from} to=${scan.to} events=${scan.logs} opened=${scan.opened.length} ` +
          `dropped=${scan.dropped.length} known=${scan.known}`,
      );
    }
    const provider = this.opts.reader.vault.runner?.provider;
    if (provider == null) throw new Error("WatchService: the Vault has no provider");
    const head = await provider.getBlockNumber(); // evaluated at the head: the scan may lag by its confirmations
    const followed = await this.pick(head);
    const previous = new Map<bigint, AlertLevel>();
    for (const id of followed) {
      const r = this.levels.get(id);
      if (r !== undefined) previous.set(id, r.level);
    }
    const ev = await evaluatePositions(this.opts.reader, followed, {
      horizonHours: cfg.horizonHours,
      thresholds: cfg.thresholds,
      volatility: this.opts.volatility,
      blockTag: head,
      previous,
      network: this.opts.scope.network,
      chainId: this.opts.scope.chainId,
    });
    const alerts: Alert[] = [];
    for (const risk of ev.risks) {
      const before = this.levels.get(risk.id);
      if (before !== undefined && before.owner.toLowerCase() !== risk.owner.toLowerCase()) {
        // another owner (a transfer, or another chain's position under the same id): they have not been told
        this.levels.delete(risk.id);
        const a = ev.alerts.find((x) => x.risk.id === risk.id);
        if (risk.level !== "ok") {
          const fresh: Alert = { ...(a ?? this.alertFor(risk, ev)), kind: "alert", previous: "ok" };
          alerts.push(fresh);
        }
      } else {
        const a = ev.alerts.find((x) => x.risk.id === risk.id);
        if (a !== undefined) alerts.push(a);
      }
      if (risk.level === "ok") this.levels.delete(risk.id);
      else this.levels.set(risk.id, { level: risk.level, owner: risk.owner });
    }
    // positions at a level that are no longer followed (closed, emptied, another owner, gone after a rescan)
    const known = new Set(followed);
    for (const [id, r] of [...this.levels]) {
      if (known.has(id)) continue;
      this.levels.delete(id);
      alerts.push({
        kind: "cleared",
        level: "ok",
        previous: r.level,
        risk: gone(id, r.owner, cfg.horizonHours),
        network: this.opts.scope.network,
        chainId: this.opts.scope.chainId,
        block: ev.block,
        timestamp: ev.timestamp,
        note: "no longer followed: closed, emptied, transferred or gone",
      });
    }
    this.followed = followed;

    const notes = ev.notes.join("; ");
    if (notes !== this.notes) {
      if (notes !== "") this.log(`notes ${notes}`);
      this.notes = notes;
    }
    if (this.tickNo === 1 || cfg.once) this.report(ev.risks, ev.block);
    const deliveries: Delivery[] = [];
    for (const a of alerts) {
      this.out(cfg.json ? JSON.stringify(alertJson(a)) : `${new Date().toISOString()} watch ${alertLine(a)}`);
      if (cfg.webhook !== undefined) {
        deliveries.push(
          await postWebhook(alertJson(a), {
            url: cfg.webhook.url,
            attempts: cfg.webhook.attempts,
            baseDelayMs: this.opts.webhookBaseDelayMs,
            timeoutMs: this.opts.webhookTimeoutMs,
            signal,
            log: (l) => this.log(`${l} position=#${a.risk.id} ${a.kind}=${a.level}`),
          }),
        );
      }
    }
    this.saveCheckpoint();
    const count = (l: AlertLevel): number => ev.risks.filter((r) => r.level === l).length;
    this.log(
      `evaluate block=${ev.block} followed=${followed.length} ok=${count("ok")} warn=${count("warn")} ` +
        `critical=${count("critical")} liquidatable=${count("liquidatable")} alerts=${alerts.length} ` +
        `ms=${Date.now() - t0}`,
    );
    return { block: ev.block, followed, risks: ev.risks, alerts, deliveries };
  }

  /**
   * Ticks until `signal` fires (or once, with `config.once`), then writes the checkpoint and resolves. A tick that
   * throws (an RPC error, say) is logged and the loop goes on; an unknown position id in `--positions` stops it.
   */
  async run(signal: AbortSignal): Promise<WatchSummary> {
    const alerts: Alert[] = [];
    let errors = 0;
    const sleep = this.opts.sleep ?? abortableSleep;
    while (!signal.aborted) {
      try {
        alerts.push(...(await this.tick(signal)).alerts);
      } catch (e) {
        if (e instanceof UnknownPositionError) throw e;
        errors++;
        this.log(`tick-error error="${(await explainFailure(e, this.opts.reader.errors)).replace(/"/g, "'")}"`);
      }
      if (this.opts.config.once || signal.aborted) break;
      await sleep(this.opts.config.pollSeconds * 1_000, signal);
    }
    const checkpoint = this.saveCheckpoint();
    this.log(
      `stop reason=${signal.aborted ? `signal:${String(signal.reason ?? "abort")}` : "once"} ticks=${this.tickNo} ` +
        `alerts=${alerts.length} lastBlock=${checkpoint.lastBlock} levels=${Object.keys(checkpoint.watch.levels).length}`,
    );
    return { ticks: this.tickNo, alerts, errors, checkpoint, stoppedBy: signal.aborted ? "signal" : "once" };
  }

  /** Writes the checkpoint (the scan's state and the levels) and returns it. */
  saveCheckpoint(): WatchCheckpoint {
    const levels: Record<string, LevelRecord> = {};
    for (const [id, r] of [...this.levels].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) levels[id.toString()] = r;
    const cp: WatchCheckpoint = {
      ...this.source.checkpoint(),
      watch: { levels, followed: this.followed.map(String) },
    };
    writeCheckpoint(this.opts.config.checkpointPath, cp);
    return cp;
  }

  /** The ids to evaluate at `block`: the listed ones, or the known ones (of the owner, with `--owner`). */
  private async pick(block: number): Promise<bigint[]> {
    const cfg = this.opts.config;
    if (cfg.positions !== undefined) return cfg.positions;
    const ids = await this.source.positionIds();
    if (cfg.owner === undefined) return ids;
    const mine: bigint[] = [];
    for (const id of ids) {
      const [owner] = await this.opts.reader.vault.positionOf(id, { blockTag: block });
      if (owner.toLowerCase() === cfg.owner.toLowerCase()) mine.push(id);
    }
    if (mine.length === 0 && this.tickNo === 1) this.log(`positions owner=${cfg.owner} none open yet: waiting`);
    return mine;
  }

  private alertFor(risk: PositionRisk, ev: { block: number; timestamp: number }): Alert {
    return {
      kind: "alert",
      level: risk.level,
      previous: "ok",
      risk,
      network: this.opts.scope.network,
      chainId: this.opts.scope.chainId,
      block: ev.block,
      timestamp: ev.timestamp,
    };
  }

  /** Every followed position in words: health, each factor's liquidation price, distance, σ and probability. */
  private report(risks: PositionRisk[], block: number): void {
    this.log(`positions block=${block} followed=${risks.length} horizon=${this.opts.config.horizonHours}h`);
    for (const r of risks) {
      this.log(`  [${r.level}] ${riskLine(r)}`);
      for (const f of r.factors) this.log(`      ${factorLine(f)}`);
    }
  }
}

/** The risk of a position no longer followed, for its `cleared` line. */
function gone(id: bigint, owner: string, horizonHours: number): PositionRisk {
  return {
    id,
    owner,
    synth: "?",
    health: 2n ** 256n - 1n,
    debt: 0n,
    debtValue: 0n,
    collateralValue: 0n,
    liquidationLimit: 0n,
    factors: [],
    probability: 0,
    driver: undefined,
    horizonHours,
    level: "ok",
    reasons: [],
    unavailable: "no longer followed",
  };
}
