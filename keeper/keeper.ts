/**
 * A simple liquidation keeper for the LiquidationEngine, written against small injectable interfaces so the same code
 * runs on the embedded network, a local node, a fork or a real chain:
 *
 * - a `PositionSource` says which position ids to watch (e.g. `vaultPositionSource(vault)` scans every id);
 * - a `Venue` buys collateral for synthetic (here `OracleVenue`, a mock that pays the oracle price minus a spread; the
 *   keeper is pre-funded with synthetic and pays for takes from its own balance);
 * - `minProfitBps` is the least margin, against what the venue pays, for which the keeper takes.
 *
 * - a `TxSender` sends the keeper's transactions (default: the signer with a gas limit over the estimate; the
 *   long-running service in keeper/service.ts plugs in one with its own nonces and an EIP-1559 fee cap).
 *
 * Every failure it logs (a simulation, an estimate or a transaction that reverted, ran out of gas, was replaced or
 * not mined) is one line from sdk/errors.ts, decoded in human units.
 *
 * One `tick()`: reads the health of every watched position with the lens's batch `liquidationHealthOf(ids)`, starts the
 * liquidation of each unhealthy one, resets every auction that needs it, and takes every auction whose price lets it
 * sell the collateral at `minProfitBps` or more. With a `treasury`, it then runs the Treasury's surplus policy for each
 * synthetic: a distribution that is due (`previewDistribution`) is made, and a surplus that has risen above its buffer
 * without a poke yet is poked, so the policy's clock starts when the surplus does. Every transaction is simulated with `staticCall` first and only sent
 * when the simulation passes; a failed simulation or transaction is logged and skipped (the next tick retries), so a
 * revert never stops the loop. `runKeeper` repeats ticks with an injected `wait` between them (a timer on a real chain,
 * a time jump on a simulated one).
 *
 * Units: `[token]` a collateral's own decimals, `[wad]` 1e18 (synthetic amounts, prices in synthetic per whole token),
 * `[bps]` 1e4.
 */
import type { Signer, TransactionReceipt, TransactionRequest } from "ethers";
import {
  type IInstrumentVault,
  type ILiquidationEngine,
  type IPositionLens,
  ISyntheticToken__factory,
  IVault__factory,
  OracleAdapter__factory,
  type LiquidationEngine,
  type OracleAdapter,
  type PositionLens,
  type PreLiquidation,
  type RiskOracle,
  type RiskSteward,
  type Treasury,
  type VolatilityObserver,
} from "../typechain-types/index.js";
import { formatPlain } from "../sdk/format.js";
import { type ErrorContext, errorName, explainFailure } from "../sdk/errors.js";
import { BPS, WAD, mulDivDown } from "../sdk/math.js";
import { DEFAULT_GAS_MARGIN_BPS, sendTx } from "../sdk/tx.js";
import { STEWARD_PARAM_NAMES } from "../sdk/steward.js";
import { PERMISSIONS } from "../sdk/permissions.js";
import { PriceSource, type SettlementPlan, readSeries, settlementCall, settlementPlan } from "../sdk/instruments.js";

// ----------------------------------------------------------------------------------------------------------------
// Interfaces
// ----------------------------------------------------------------------------------------------------------------

/** Where the keeper finds the positions to watch. */
export interface PositionSource {
  /** Position ids to check. Unknown or closed ids are fine: `healthOf` reports them as unavailable. */
  positionIds(): Promise<bigint[]>;
}

/** A market that buys collateral for synthetic. */
export interface Venue {
  /** [wad] Synthetic the venue would pay now for `amount` [token] of `asset` (0 when it cannot quote). */
  quote(asset: string, synthId: bigint, amount: bigint): Promise<bigint>;
  /** Sells `amount` [token] of `asset` the keeper just bought; returns [wad] synthetic received. */
  sell(asset: string, synthId: bigint, amount: bigint): Promise<bigint>;
}

/** Sends one of the keeper's transactions. */
export interface TxSender {
  /**
   * Sends `tx` (already simulated) from the keeper's account and waits for it; `label` names it in logs (e.g.
   * "liquidate #12"). Throws when it refuses to send (e.g. the base fee is above the cap) or the transaction fails.
   */
  send(label: string, tx: TransactionRequest): Promise<TransactionReceipt | null>;
}

/** The plain sender: the signer fills in nonce and fees; the gas limit is the estimate plus `gasMarginBps`. */
export function signerSender(signer: Signer, gasMarginBps: number = DEFAULT_GAS_MARGIN_BPS): TxSender {
  return { send: async (_label, tx) => sendTx(signer, tx, { gasMarginBps, pollMs: 200 }) };
}

export interface KeeperOptions {
  engine: LiquidationEngine;
  /** The deployment's `PositionLens`: live auctions and health in batches. */
  lens: PositionLens;
  /** Sends the keeper's transactions and pays for takes (holds synthetic). */
  signer: Signer;
  positions: PositionSource;
  venue: Venue;
  /** [bps] Least profit, as a share of what a take costs, against what the venue pays for the collateral. */
  minProfitBps: bigint;
  /** Ids per `healthOf` call. Default 200. */
  batchSize?: number;
  /** Receives one line per action or skip. */
  log?: (line: string) => void;
  /** Sends the transactions. Default `signerSender(signer)`. */
  sender?: TxSender;
  /** What failures are explained with (units, the Vault for lookups). Default: the engine's Vault. */
  errors?: ErrorContext;
  /** The Treasury whose surplus policy the keeper runs (poke, distribute) for `synthIds`; none: no treasury job. */
  treasury?: Treasury;
  /** The synthetics of the treasury job. */
  synthIds?: bigint[];
  /**
   * The risk job: observes each listed asset's volatility when its interval has passed, and applies every published
   * recommendation the steward accepts now. None: no risk job.
   */
  risk?: { observer: VolatilityObserver; riskOracle: RiskOracle; steward: RiskSteward };
  /**
   * The pre-liquidation job: each opted-in position whose health is inside the PreLiquidation's band is
   * pre-liquidated (the most the close factor allows, from the keeper's synthetic, taking the basket asset worth the
   * most) when the venue pays at least `minProfitBps` over the repay for the collateral. None: no pre-liquidation job.
   */
  preLiquidation?: PreLiquidation;
  /**
   * The settlement job: each expired series of this InstrumentVault without a price is settled by the first round of
   * its feed at or after expiry (found with sdk/instruments.ts), or by the fallback or the void path once those are
   * the only way and open. None: no settlement job.
   */
  instruments?: IInstrumentVault;
}

/** The steward's statuses (`IRiskSteward.Status`) after which a recommendation can never apply: superseded, applied, expired. */
const FINAL_STATUSES = new Set([1n, 2n, 3n, 4n]);

/** A distribution of the Treasury's surplus the keeper made. */
export interface DistributionDone {
  synthId: bigint;
  toSavings: bigint; // [wad]
  toBuyback: bigint; // [wad]
  gas: bigint;
}

/** A series the keeper settled. */
export interface SettlementDone {
  seriesId: bigint;
  /** How: the first round at or after expiry, the fallback, or void (at the strike). */
  source: Exclude<SettlementPlan["action"], "wait" | "none">;
  roundId: bigint; // 0 for void
  price: bigint; // [wad] USD per whole underlying
  gas: bigint;
}

/** A liquidation the keeper started. */
export interface LiquidationDone {
  positionId: bigint;
  firstAuctionId: bigint;
  auctions: number;
  debt: bigint; // [wad]
  penalty: bigint; // [wad]
  full: boolean;
  capped: boolean;
  keeperPay: bigint; // [wad]
  gas: bigint;
}

/** A pre-liquidation the keeper made. */
export interface PreLiquidationDone {
  positionId: bigint;
  asset: string;
  health: bigint; // [wad] before
  repaid: bigint; // [wad]
  seized: bigint; // [token]
  proceeds: bigint; // [wad] synthetic the venue paid for the collateral
  gas: bigint;
}

/** A take the keeper made. */
export interface TakeDone {
  auctionId: bigint;
  positionId: bigint;
  asset: string;
  synthId: bigint;
  collateral: bigint; // [token] bought
  owe: bigint; // [wad] paid
  price: bigint; // [wad] auction price, synthetic per whole token
  venuePrice: bigint; // [wad] what the venue paid per whole token when the keeper decided
  proceeds: bigint; // [wad] synthetic the venue paid for the collateral
  ended: boolean; // the take ended the auction
  gas: bigint;
}

/** A reset the keeper made. */
export interface ResetDone {
  auctionId: bigint;
  keeperPay: bigint; // [wad]
  top: bigint; // [wad] new start price
  gas: bigint;
}

/** Something the keeper looked at and did not do, and why. */
export interface Skip {
  kind:
    | "liquidate"
    | "preLiquidate"
    | "take"
    | "reset"
    | "distribute"
    | "lapse"
    | "writeOff"
    | "observe"
    | "apply"
    | "settle";
  // position id (liquidate, preLiquidate, writeOff), auction id, synthetic id (distribute), asset id (lapse, observe),
  // recommendation id (apply) or series id (settle)
  id: bigint;
  reason: string;
  /** The contract's custom error, when a revert was the reason (e.g. "AuctionCapReached"). */
  error?: string;
}

export interface TickReport {
  checked: number; // positions whose health was read
  unhealthy: bigint[]; // their ids
  liquidations: LiquidationDone[];
  /** Opted-in positions inside the pre-liquidation band, and the pre-liquidations made. */
  inBand: bigint[];
  preLiquidations: PreLiquidationDone[];
  takes: TakeDone[];
  resets: ResetDone[];
  /** Distributions of the Treasury's surplus, and the synthetics whose policy clock the keeper started (pokes). */
  distributions: DistributionDone[];
  pokes: bigint[];
  /** Assets whose lapse ramp the keeper started (`Vault.startLapsedRamp`), and positions it wrote off. */
  lapseRamps: string[];
  writeOffs: bigint[];
  /** Assets whose volatility the keeper observed, and the recommendations it applied through the steward. */
  observations: string[];
  applied: bigint[];
  /** Expired series the keeper settled. */
  settlements: SettlementDone[];
  skips: Skip[];
  /** The tick stopped early because its abort signal fired (the rest is left for the next run). */
  aborted: boolean;
}

/** What a skip's or a transaction's id numbers. */
function subject(kind: Skip["kind"]): string {
  if (kind === "liquidate" || kind === "preLiquidate" || kind === "writeOff") return "position";
  if (kind === "distribute") return "synthetic";
  if (kind === "lapse" || kind === "observe") return "asset";
  if (kind === "apply") return "recommendation";
  if (kind === "settle") return "series";
  return "auction";
}

// ----------------------------------------------------------------------------------------------------------------
// Keeper
// ----------------------------------------------------------------------------------------------------------------

export class Keeper {
  private readonly engine: LiquidationEngine;
  private readonly approved = new Set<string>(); // "spender/synthId" pairs the keeper approved
  private preHealth: bigint | undefined; // [wad] the PreLiquidation's band top, read once
  private readonly decimals = new Map<string, bigint>(); // asset → decimals
  private readonly log: (line: string) => void;
  private readonly sender: TxSender;
  /** Recommendations below this id are final (applied, superseded or expired): the risk job starts from here. */
  private recommendationCursor = 1n;
  private errorContext: ErrorContext | undefined;
  /** Series seen with a price: the settlement job never reads them again. */
  private readonly settledSeries = new Set<bigint>();
  /** [s] Each series' expiry once read (immutable on chain): unexpired series are skipped without a call. */
  private readonly seriesExpiry = new Map<bigint, bigint>();

  constructor(readonly opts: KeeperOptions) {
    this.engine = opts.engine.connect(opts.signer);
    this.log = opts.log ?? (() => {});
    this.sender = opts.sender ?? signerSender(opts.signer);
    this.errorContext = opts.errors;
  }

  /** One line for failure `e` (sdk/errors.ts), with the Vault at hand for human units. */
  private async reason(e: unknown): Promise<string> {
    if (this.errorContext === undefined) {
      try {
        this.errorContext = {
          vault: IVault__factory.connect(await this.engine.vault(), this.opts.signer),
          lens: this.opts.lens,
        };
      } catch {
        this.errorContext = {};
      }
    }
    return explainFailure(e, this.errorContext);
  }

  /**
   * One pass: liquidate unhealthy positions, reset stale auctions, take profitable ones. When `signal` fires, the tick
   * stops before its next transaction (one already sent is waited for) and reports `aborted`.
   */
  async tick(signal?: AbortSignal): Promise<TickReport> {
    const report: TickReport = {
      checked: 0,
      unhealthy: [],
      liquidations: [],
      inBand: [],
      preLiquidations: [],
      takes: [],
      resets: [],
      distributions: [],
      pokes: [],
      lapseRamps: [],
      writeOffs: [],
      observations: [],
      applied: [],
      settlements: [],
      skips: [],
      aborted: false,
    };
    const stopped = (): boolean => (report.aborted ||= signal?.aborted === true);
    await this.runRisk(report, stopped);
    if (stopped()) return report;
    await this.runLifecycle(report, stopped);
    if (stopped()) return report;
    await this.liquidateUnhealthy(report, stopped);
    if (stopped()) return report;
    const count = await this.engine.auctionCount();
    if (count !== 0n) {
      for (const a of await this.opts.lens.getAuctions(0n, count)) {
        if (stopped()) return report;
        if (a.needsReset) await this.reset(a, report);
        else await this.maybeTake(a, report);
      }
    }
    for (const synthId of this.opts.synthIds ?? []) {
      if (stopped()) return report;
      await this.runPolicy(synthId, report);
    }
    await this.runSettlements(report, stopped);
    return report;
  }

  /**
   * The settlement job: every expired series without a price, settled the way `settlementPlan` (sdk/instruments.ts)
   * finds open (the first round at or after expiry with the round before it, else the fallback or void once open),
   * simulated first. A series that cannot be settled yet is a skip that says why and until when.
   */
  private async runSettlements(report: TickReport, stopped: () => boolean): Promise<void> {
    const instruments = this.opts.instruments?.connect(this.opts.signer);
    if (instruments === undefined) return;
    const count = await instruments.seriesCount();
    const now = BigInt((await this.opts.signer.provider?.getBlock("latest"))?.timestamp ?? 0);
    for (let id = 1n; id <= count; id++) {
      if (stopped()) return;
      if (this.settledSeries.has(id)) continue;
      // a series' expiry never changes: one not expired yet costs no call until it is (anyone can create series)
      const knownExpiry = this.seriesExpiry.get(id);
      if (knownExpiry !== undefined && now < knownExpiry) continue;
      const s = await readSeries(instruments, id);
      this.seriesExpiry.set(id, s.expiry);
      if (s.state.source !== PriceSource.None) {
        this.settledSeries.add(id);
        continue;
      }
      if (now < s.expiry) continue;
      // nothing outstanding: nobody has anything to redeem, and a settlement would only spend the keeper's gas
      // (someone who wants it settled can still call settle)
      if (s.units === 0n) continue;
      let plan: SettlementPlan;
      try {
        plan = await settlementPlan(instruments, s, now);
      } catch (e) {
        this.skip(report, "settle", id, `cannot read its feed's rounds: ${await this.reason(e)}`, e);
        continue;
      }
      const call = settlementCall(instruments, id, plan);
      if (call === undefined) {
        const until =
          plan.action === "wait" && plan.until !== undefined
            ? ` (until ${new Date(Number(plan.until) * 1000).toISOString()})`
            : "";
        this.skip(report, "settle", id, `${plan.why}${until}`);
        continue;
      }
      try {
        await this.opts.signer.call(await call());
      } catch (e) {
        this.skip(report, "settle", id, `simulation failed: ${await this.reason(e)}`, e);
        continue;
      }
      const receipt = await this.send("settle", id, report, call);
      if (receipt === undefined) continue;
      const after = await readSeries(instruments, id);
      this.settledSeries.add(id);
      report.settlements.push({
        seriesId: id,
        source: plan.action === "fallback" || plan.action === "void" ? plan.action : "settle",
        roundId: after.state.roundId,
        price: after.state.price,
        gas: receipt.gasUsed,
      });
      this.log(
        `settle series #${id} (${plan.action}${plan.action === "void" ? "" : ` round ${after.state.roundId}`}) at ` +
          `${formatPlain(after.state.price)} USD: ${plan.why}`,
      );
    }
  }

  /**
   * The Treasury's surplus policy for `synthId`: distributes when due; otherwise pokes a surplus above its buffer
   * that no poke has seen there yet (the clock starts from the poke). Distributions wait for the policy's own
   * duration and interval, so a keeper that restarts or runs twice cannot distribute early or twice.
   */
  private async runPolicy(synthId: bigint, report: TickReport): Promise<void> {
    const treasury = this.opts.treasury?.connect(this.opts.signer);
    if (treasury === undefined) return;
    const [due, , , allowedAt] = await treasury.previewDistribution(synthId);
    if (!due) {
      const clock = await treasury.clock(synthId);
      if (allowedAt === 0n || clock.aboveSince !== 0n) return; // below the buffer, or the clock already runs
      const receipt = await this.send("distribute", synthId, report, () => treasury.poke.populateTransaction(synthId));
      if (receipt === undefined) return;
      report.pokes.push(synthId);
      this.log(
        `poke treasury for synthetic ${synthId}: surplus above the buffer, distribution from ` +
          new Date(Number(allowedAt) * 1000).toISOString(),
      );
      return;
    }
    try {
      await treasury.distribute.staticCall(synthId);
    } catch (e) {
      this.skip(report, "distribute", synthId, `simulation failed: ${await this.reason(e)}`, e);
      return;
    }
    const receipt = await this.send("distribute", synthId, report, () =>
      treasury.distribute.populateTransaction(synthId),
    );
    if (receipt === undefined) return;
    const ev = receipt.logs
      .filter((l) => l.address.toLowerCase() === receipt.to?.toLowerCase())
      .map((l) => treasury.interface.parseLog(l))
      .find((e) => e !== null && e.name === "SurplusDistributed");
    const done: DistributionDone = {
      synthId,
      toSavings: (ev?.args[1] as bigint | undefined) ?? 0n,
      toBuyback: (ev?.args[2] as bigint | undefined) ?? 0n,
      gas: receipt.gasUsed,
    };
    report.distributions.push(done);
    this.log(
      `distribute treasury surplus of synthetic ${synthId}: ${formatPlain(done.toSavings)} streamed to savers, ` +
        `${formatPlain(done.toBuyback)} spent on the buyback`,
    );
  }

  /**
   * The risk job, first in a tick (so that a tightening lands before the liquidations it is meant to soften): observes
   * each listed asset whose observation interval has passed (an asset without a valid price is skipped), then applies
   * each published recommendation the steward accepts now (`check` first: the steward's own rule). Recommendations
   * that can never apply (superseded, applied, expired) move the cursor past them; the rest wait for their clock, the
   * volatility gate or their expiry.
   */
  private async runRisk(report: TickReport, stopped: () => boolean): Promise<void> {
    const risk = this.opts.risk;
    if (risk === undefined) return;
    const observer = risk.observer.connect(this.opts.signer);
    const steward = risk.steward.connect(this.opts.signer);
    const vault = IVault__factory.connect(await this.engine.vault(), this.opts.signer);
    const now = BigInt((await this.opts.signer.provider?.getBlock("latest"))?.timestamp ?? 0);
    const interval = await observer.minInterval();
    for (const [i, asset] of (await vault.assets()).entries()) {
      if (stopped()) return;
      const o = await observer.observationOf(asset);
      if (o.updatedAt !== 0n && o.updatedAt + interval > now) continue;
      try {
        await observer.observe.staticCall(asset);
      } catch (e) {
        if (errorName(e) !== "ObservationFailed") {
          this.skip(report, "observe", BigInt(i), `simulation failed: ${await this.reason(e)}`, e);
        }
        continue; // no valid price: nothing to observe (the liquidation pass reports the oracle's state)
      }
      const receipt = await this.send("observe", BigInt(i), report, () => observer.observe.populateTransaction(asset));
      if (receipt === undefined) continue;
      report.observations.push(asset);
    }
    const count = await risk.riskOracle.count();
    let allFinal = true;
    for (let id = this.recommendationCursor; id <= count; id++) {
      if (stopped()) return;
      const [status] = await steward.check(id);
      if (FINAL_STATUSES.has(status)) {
        if (allFinal) this.recommendationCursor = id + 1n;
        continue;
      }
      allFinal = false;
      if (status !== 0n) continue; // waiting: its clock, the gate, a pause (the `ballast steward` task says which)
      const receipt = await this.send("apply", id, report, () => steward.applyRecommendation.populateTransaction(id));
      if (receipt === undefined) continue;
      report.applied.push(id);
      const ev = receipt.logs
        .map((l) => (l.address.toLowerCase() === receipt.to?.toLowerCase() ? steward.interface.parseLog(l) : null))
        .find((e) => e !== null && e.name === "RecommendationApplied");
      this.log(
        `apply recommendation #${id}: ${STEWARD_PARAM_NAMES[Number(ev?.args[1] ?? 0n)] ?? "?"} of ` +
          `${String(ev?.args[2] ?? "?")} from ${String(ev?.args[3] ?? "?")} to ${String(ev?.args[4] ?? "?")}`,
      );
    }
  }

  /**
   * The attested-asset lifecycle, before the liquidations: starts the lapse ramp of every attested asset whose grace
   * has run out (`startLapsedRamp`, anyone may), and when an asset is written down, writes off each position that owes
   * debt and holds nothing else (`writeOffPosition`), so that the liquidation pass books its debt as bad debt.
   */
  private async runLifecycle(report: TickReport, stopped: () => boolean): Promise<void> {
    const vault = IVault__factory.connect(await this.engine.vault(), this.opts.signer);
    const oracle = OracleAdapter__factory.connect(await vault.oracle(), this.opts.signer);
    const assets = await vault.assets();
    const now = BigInt((await this.opts.signer.provider?.getBlock("latest"))?.timestamp ?? 0);
    const down = new Set<string>();
    for (const [i, asset] of assets.entries()) {
      if (stopped()) return;
      const [, , writtenDown] = await oracle.sourceOf(asset);
      if (writtenDown) down.add(asset.toLowerCase());
      const l = await this.opts.lens.lapseOf(asset);
      if (!l.attested || l.lapseRamp || l.rampDueAt === 0n || l.rampDueAt > now || writtenDown) continue;
      const receipt = await this.send("lapse", BigInt(i), report, () =>
        vault.startLapsedRamp.populateTransaction(asset),
      );
      if (receipt === undefined) continue;
      report.lapseRamps.push(asset);
      this.log(`start the lapse ramp of asset #${i} (${asset}): its attestation lapsed at ${l.lapsedAt}, grace over`);
    }
    if (down.size === 0) return;
    for (const id of await this.opts.positions.positionIds()) {
      if (stopped()) return;
      const [basket] = await this.opts.lens.basketOf(id);
      if (basket.length === 0 || !basket.every((a) => down.has(a.toLowerCase()))) continue;
      if ((await this.opts.lens.debtOf(id)) === 0n) continue; // a debt-free owner keeps the tokens
      try {
        await vault.writeOffPosition.staticCall(id);
      } catch (e) {
        this.skip(report, "writeOff", id, `simulation failed: ${await this.reason(e)}`, e);
        continue;
      }
      const receipt = await this.send("writeOff", id, report, () => vault.writeOffPosition.populateTransaction(id));
      if (receipt === undefined) continue;
      report.writeOffs.push(id);
      this.log(`write off position #${id}: its basket is all written down; the liquidation books its debt as bad debt`);
    }
  }

  /**
   * Reads every watched position's health (the engine's valuation, in batches), starts the liquidation of each one
   * below 1, then pre-liquidates each opted-in one inside the pre-liquidation band (the gentler outcome first would be
   * the wrong order here: a position below 1 is the engine's, and one in the band is not liquidatable).
   */
  private async liquidateUnhealthy(report: TickReport, stopped: () => boolean): Promise<void> {
    const ids = await this.opts.positions.positionIds();
    const size = this.opts.batchSize ?? 200;
    const pre = this.opts.preLiquidation;
    if (pre !== undefined && this.preHealth === undefined) this.preHealth = await pre.preHealth();
    const band: { id: bigint; health: bigint }[] = [];
    for (let i = 0; i < ids.length; i += size) {
      const chunk = ids.slice(i, i + size);
      const [health, available] = await this.opts.lens.liquidationHealthOf(chunk);
      for (const [j, id] of chunk.entries()) {
        if (available[j] !== true) continue;
        report.checked++;
        const h = health[j] ?? WAD;
        if (h >= WAD) {
          if (this.preHealth !== undefined && h < this.preHealth) band.push({ id, health: h });
          continue;
        }
        report.unhealthy.push(id);
        if (stopped()) return;
        await this.liquidate(id, h, report);
      }
    }
    if (pre === undefined) return;
    const preAddress = await pre.getAddress();
    for (const { id, health } of band) {
      if (stopped()) return;
      if (((await this.opts.lens.permissionsOf(id, preAddress)) & PERMISSIONS.repayWithCollateral) === 0n) continue; // not opted in
      report.inBand.push(id);
      await this.preLiquidate(pre.connect(this.opts.signer), id, health, report);
    }
  }

  /**
   * Pre-liquidates position `id`: the basket asset worth the most, the most the close factor allows (or the keeper's
   * balance), simulated first, sent with a minimum of collateral 0.5% under the quote (prices may move before it
   * lands), then the collateral is sold on the venue. Skips when the venue pays less than the repay plus
   * `minProfitBps`.
   */
  private async preLiquidate(pre: PreLiquidation, id: bigint, health: bigint, report: TickReport): Promise<void> {
    let asset: string;
    let synthId: bigint;
    let repay: bigint;
    let seized: bigint;
    let token: Awaited<ReturnType<Keeper["approve"]>>;
    try {
      const st = await this.opts.lens.liquidationState(id);
      synthId = st.synthId;
      // `values` is also the name of a method of ethers' Result: read the field by its index
      const values = [...st[14]];
      let best = 0;
      values.forEach((v, k) => {
        if (v > (values[best] ?? 0n)) best = k;
      });
      asset = st.assets[best] ?? "";
      token = await this.approve(synthId, await pre.getAddress());
      const balance = await token.balanceOf(await this.opts.signer.getAddress());
      const q = await pre.quote(id, balance, asset);
      [repay, seized] = [q.repay, q.seized];
      if (repay === 0n) {
        this.skip(report, "preLiquidate", id, "the keeper holds none of the synthetic to repay with");
        return;
      }
      const value = await this.opts.venue.quote(asset, synthId, seized); // [wad]
      if (value * BPS < repay * (BPS + this.opts.minProfitBps)) {
        this.skip(
          report,
          "preLiquidate",
          id,
          `the venue pays ${formatPlain(value)} for collateral that costs ${formatPlain(repay)} to repay`,
        );
        return;
      }
      await pre.preLiquidate.staticCall(id, repay, asset, (seized * 9_950n) / BPS);
    } catch (e) {
      this.skip(report, "preLiquidate", id, `simulation failed: ${await this.reason(e)}`, e);
      return;
    }
    const receipt = await this.send("preLiquidate", id, report, () =>
      pre.preLiquidate.populateTransaction(id, repay, asset, (seized * 9_950n) / BPS),
    );
    if (receipt === undefined) return;
    const ev = receipt.logs
      .map((l) => (l.address.toLowerCase() === receipt.to?.toLowerCase() ? pre.interface.parseLog(l) : null))
      .find((e) => e !== null && e.name === "PreLiquidated");
    const repaid = (ev?.args[3] as bigint | undefined) ?? repay;
    const got = (ev?.args[4] as bigint | undefined) ?? seized;
    const proceeds = await this.opts.venue.sell(asset, synthId, got);
    report.preLiquidations.push({ positionId: id, asset, health, repaid, seized: got, proceeds, gas: receipt.gasUsed });
    this.log(
      `pre-liquidate #${id} (health ${formatPlain(health, 3)}): repaid ${formatPlain(repaid)} for ` +
        `${formatPlain(got, 4, 10n ** (await this.decimalsOf(asset)))} collateral, sold for ${formatPlain(proceeds)}`,
    );
  }

  private async liquidate(positionId: bigint, health: bigint, report: TickReport): Promise<void> {
    let plan: ILiquidationEngine.LiquidationPlanStructOutput;
    try {
      plan = await this.engine.previewLiquidation(positionId);
      await this.engine.liquidate.staticCall(positionId); // simulate as this keeper
    } catch (e) {
      this.skip(report, "liquidate", positionId, `simulation failed: ${await this.reason(e)}`, e);
      return;
    }
    const receipt = await this.send("liquidate", positionId, report, () =>
      this.engine.liquidate.populateTransaction(positionId),
    );
    if (receipt === undefined) return;
    const ev = this.events(receipt, "LiquidationStarted")[0];
    const started = this.events(receipt, "AuctionStarted").length;
    const done: LiquidationDone = {
      positionId,
      firstAuctionId: ev?.args.firstAuctionId ?? 0n,
      auctions: started,
      debt: ev?.args.debt ?? plan.debt,
      penalty: ev?.args.penalty ?? plan.penalty,
      full: ev?.args.full ?? plan.full,
      capped: plan.capped,
      keeperPay: ev?.args.keeperPay ?? plan.keeperPay,
      gas: receipt.gasUsed,
    };
    report.liquidations.push(done);
    this.log(
      `liquidate #${positionId} (health ${formatPlain(health, 3)}): ${done.full ? "full" : "partial"}` +
        `${done.capped ? ", cut down by the auction caps" : ""}, debt ${formatPlain(done.debt)} + penalty ` +
        `${formatPlain(done.penalty)} into ${started} auction(s) from #${done.firstAuctionId}, keeper pay ${formatPlain(done.keeperPay)}`,
    );
  }

  private async reset(a: IPositionLens.AuctionViewStructOutput, report: TickReport): Promise<void> {
    try {
      await this.engine.reset.staticCall(a.id);
    } catch (e) {
      this.skip(report, "reset", a.id, `simulation failed: ${await this.reason(e)}`, e);
      return;
    }
    const receipt = await this.send("reset", a.id, report, () => this.engine.reset.populateTransaction(a.id));
    if (receipt === undefined) return;
    const ev = this.events(receipt, "AuctionReset")[0];
    const done: ResetDone = {
      auctionId: a.id,
      keeperPay: ev?.args.keeperPay ?? 0n,
      top: ev?.args.top ?? 0n,
      gas: receipt.gasUsed,
    };
    report.resets.push(done);
    this.log(
      `reset auction #${a.id} (price had fallen to ${formatPlain(a.price)}): restarts at ${formatPlain(done.top)}, keeper pay ${formatPlain(done.keeperPay)}`,
    );
  }

  private async maybeTake(a: IPositionLens.AuctionViewStructOutput, report: TickReport): Promise<void> {
    const unit = 10n ** (await this.decimalsOf(a.asset)); // [token] per whole token
    const venuePrice = await this.opts.venue.quote(a.asset, a.synthId, unit); // [wad] per whole token
    // profitable when venuePrice >= price * (1 + minProfit)
    if (venuePrice * BPS < a.price * (BPS + this.opts.minProfitBps)) {
      this.skip(
        report,
        "take",
        a.id,
        `price ${formatPlain(a.price)} is above venue ${formatPlain(venuePrice)} less ${Number(this.opts.minProfitBps) / 100}%`,
      );
      return;
    }
    let token: Awaited<ReturnType<Keeper["approve"]>>;
    try {
      token = await this.approve(a.synthId, await this.engine.getAddress());
    } catch (e) {
      this.skip(report, "take", a.id, `approval failed: ${await this.reason(e)}`, e);
      return;
    }
    const balance = await token.balanceOf(await this.opts.signer.getAddress()); // [wad]
    const affordable = a.price === 0n ? a.lot : mulDivDown(balance, unit, a.price); // [token]
    const maxCollateral = affordable < a.lot ? affordable : a.lot;
    const receiver = await this.opts.signer.getAddress();
    let collateral: bigint;
    let owe: bigint;
    try {
      [collateral, owe] = await this.engine.take.staticCall(a.id, maxCollateral, a.price, receiver, "0x");
    } catch (e) {
      this.skip(report, "take", a.id, `simulation failed: ${await this.reason(e)}`, e);
      return;
    }
    // check the simulated amounts too (rounding, and what a partial take buys)
    const value = await this.opts.venue.quote(a.asset, a.synthId, collateral); // [wad]
    if (value * BPS < owe * (BPS + this.opts.minProfitBps)) {
      this.skip(
        report,
        "take",
        a.id,
        `simulated take pays ${formatPlain(owe)} for collateral the venue buys at ${formatPlain(value)}`,
      );
      return;
    }
    const receipt = await this.send("take", a.id, report, () =>
      this.engine.take.populateTransaction(a.id, maxCollateral, a.price, receiver, "0x"),
    );
    if (receipt === undefined) return;
    const ev = this.events(receipt, "Take")[0];
    const bought = ev?.args.collateral ?? collateral;
    const paid = ev?.args.owe ?? owe;
    const proceeds = await this.opts.venue.sell(a.asset, a.synthId, bought);
    const done: TakeDone = {
      auctionId: a.id,
      positionId: a.positionId,
      asset: a.asset,
      synthId: a.synthId,
      collateral: bought,
      owe: paid,
      price: ev?.args.price ?? a.price,
      venuePrice,
      proceeds,
      ended: this.events(receipt, "AuctionEnded").length !== 0,
      gas: receipt.gasUsed,
    };
    report.takes.push(done);
    this.log(
      `take auction #${a.id}: ${formatPlain(bought, 4, unit)} collateral for ${formatPlain(paid)} at ${formatPlain(done.price)} ` +
        `(venue ${formatPlain(venuePrice)}), sold for ${formatPlain(proceeds)}: profit ${formatPlain(proceeds - paid)}` +
        `${done.ended ? ", auction ended" : ""}`,
    );
  }

  /** Sends a transaction through the sender and waits for it; a failure is logged as a skip and returns undefined. */
  private async send(
    kind: Skip["kind"],
    id: bigint,
    report: TickReport,
    tx: () => Promise<TransactionRequest>,
  ): Promise<TransactionReceipt | undefined> {
    try {
      const label = `${kind} ${subject(kind)} #${id}`;
      const receipt = await this.sender.send(label, await tx());
      if (receipt === null || receipt.status !== 1) throw new Error("transaction failed");
      return receipt;
    } catch (e) {
      this.skip(report, kind, id, `transaction failed: ${await this.reason(e)}`, e);
      return undefined;
    }
  }

  private skip(report: TickReport, kind: Skip["kind"], id: bigint, why: string, e?: unknown): void {
    const error = e === undefined ? undefined : errorName(e);
    report.skips.push(error === undefined ? { kind, id, reason: why } : { kind, id, reason: why, error });
    this.log(`skip ${kind} ${subject(kind)} #${id}: ${why}`);
  }

  private events<N extends "LiquidationStarted" | "AuctionStarted" | "AuctionReset" | "AuctionEnded" | "Take">(
    receipt: TransactionReceipt,
    name: N,
  ) {
    const address = receipt.to?.toLowerCase();
    return receipt.logs
      .filter((l) => l.address.toLowerCase() === address)
      .map((l) => this.engine.interface.parseLog(l))
      .filter((e): e is NonNullable<typeof e> => e !== null && e.name === name)
      .map((e) => e as unknown as { args: EventArgs[N] });
  }

  private async decimalsOf(asset: string): Promise<bigint> {
    let d = this.decimals.get(asset);
    if (d === undefined) {
      const vault = IVault__factory.connect(await this.engine.vault(), this.opts.signer);
      d = (await vault.assetConfig(asset)).decimals;
      this.decimals.set(asset, d);
    }
    return d;
  }

  /** The synthetic's token, with `spender` (the engine, the PreLiquidation) approved to pull it (once). */
  private async approve(synthId: bigint, spender: string) {
    const token = ISyntheticToken__factory.connect((await this.opts.lens.synthetic(synthId)).token, this.opts.signer);
    const key = `${spender.toLowerCase()}/${synthId}`;
    if (!this.approved.has(key)) {
      const owner = await this.opts.signer.getAddress();
      if ((await token.allowance(owner, spender)) < 2n ** 255n) {
        const receipt = await this.sender.send(
          `approve synthetic ${synthId} to ${spender}`,
          await token.approve.populateTransaction(spender, 2n ** 256n - 1n),
        );
        if (receipt === null || receipt.status !== 1) throw new Error(`approving synthetic ${synthId} failed`);
      }
      this.approved.add(key);
    }
    return token;
  }
}

/** The event fields the keeper reads. */
interface EventArgs {
  LiquidationStarted: { firstAuctionId: bigint; debt: bigint; penalty: bigint; full: boolean; keeperPay: bigint };
  AuctionStarted: { auctionId: bigint };
  AuctionReset: { top: bigint; keeperPay: bigint };
  AuctionEnded: { auctionId: bigint; leftover: bigint; badDebt: bigint };
  Take: { collateral: bigint; owe: bigint; price: bigint };
}

/**
 * Runs `keeper.tick()` `rounds` times (or until `stop` returns true after a tick), calling `wait` between ticks.
 * Returns every tick's report.
 */
export async function runKeeper(
  keeper: Keeper,
  opts: { rounds: number; wait: () => Promise<void>; stop?: (r: TickReport, round: number) => boolean },
): Promise<TickReport[]> {
  const out: TickReport[] = [];
  for (let round = 0; round < opts.rounds; round++) {
    const r = await keeper.tick();
    out.push(r);
    if (opts.stop?.(r, round) === true) break;
    await opts.wait();
  }
  return out;
}

// ----------------------------------------------------------------------------------------------------------------
// Sources and a mock venue
// ----------------------------------------------------------------------------------------------------------------

/** Every position id the Vault has issued (1 .. nextPositionId - 1). */
export function vaultPositionSource(vault: { nextPositionId(): Promise<bigint> }): PositionSource {
  return {
    async positionIds() {
      const next = await vault.nextPositionId();
      return Array.from({ length: Number(next - 1n) }, (_, i) => BigInt(i + 1));
    },
  };
}

/** A fixed list of position ids. */
export function staticPositionSource(ids: bigint[]): PositionSource {
  return { positionIds: async () => ids };
}

/**
 * A mock venue that buys any listed collateral at the oracle price less `spreadBps`, in the synthetic's units:
 * `amount * assetPrice / synthPrice * (1 - spread)`, rounded down. `sell` moves no tokens (the keeper keeps the
 * collateral; its synthetic was pre-funded): it records the sale and returns what the venue would have paid.
 */
export class OracleVenue implements Venue {
  /** Every sale: asset, synthId, amount [token], proceeds [wad]. */
  readonly sales: { asset: string; synthId: bigint; amount: bigint; proceeds: bigint }[] = [];

  constructor(
    private readonly oracle: OracleAdapter,
    private readonly vault: { assetConfig(asset: string): Promise<{ decimals: bigint }> },
    private readonly lens: { synthetic(synthId: bigint): Promise<{ params: { priceAsset: string } }> },
    readonly spreadBps: bigint = 0n,
  ) {}

  /** [wad] The oracle price of one whole `asset` in synthetic `synthId`, rounded down (as the engine computes it). */
  async marketPrice(asset: string, synthId: bigint): Promise<bigint> {
    const usd = await this.oracle.getPrice(asset);
    const priceAsset = (await this.lens.synthetic(synthId)).params.priceAsset;
    const synthUsd = /^0x0+$/.test(priceAsset) ? WAD : await this.oracle.getPrice(priceAsset);
    return mulDivDown(usd, WAD, synthUsd);
  }

  async quote(asset: string, synthId: bigint, amount: bigint): Promise<bigint> {
    try {
      const unit = 10n ** (await this.vault.assetConfig(asset)).decimals;
      const gross = mulDivDown(amount, await this.marketPrice(asset, synthId), unit);
      return mulDivDown(gross, BPS - this.spreadBps, BPS);
    } catch {
      return 0n; // no price: no quote
    }
  }

  async sell(asset: string, synthId: bigint, amount: bigint): Promise<bigint> {
    const proceeds = await this.quote(asset, synthId, amount);
    this.sales.push({ asset, synthId, amount, proceeds });
    return proceeds;
  }
}
