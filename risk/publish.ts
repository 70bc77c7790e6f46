/**
 * Publishing the risk engine's recommendations to the risk oracle (contracts/risk/RiskOracle.sol), for the risk
 * steward to apply within its bounds (docs/risk.md, "Publishing"):
 *
 * 1. **Evidence.** The run's inputs (the engine version, the settings and the on-chain snapshot) are written as one
 *    canonical JSON document (`risk-<network>-inputs.json`); its keccak256 is the evidence every recommendation of
 *    the batch carries on chain. Anyone holding the file can check the hash and rerun the engine on the same inputs
 *    (`RISK_INPUTS=<file>`), which reproduces the same recommendations: the simulation is seeded.
 * 2. **The steward's bounds, read from the chain.** Each change the engine recommends is mapped to a steward parameter
 *    and checked against the room the steward gives it now (`room`: the largest step, the absolute bounds, the
 *    volatility gate on loosening, the threshold's downward-only rule). A change the steward cannot make at all is
 *    refused here, with the reason, and left to governance (the report's calldata): a loosening while the gate is
 *    closed, a threshold going up, a parameter without bounds, a parameter the steward does not move (the liquidation
 *    penalty), a parameter already at its bound. A change larger than one step is posted as the step toward it (the
 *    room's edge), marked partial with the engine's value beside it: in the engine's model the probability of bad
 *    debt is monotone in each of these parameters, so every value between today's and the recommended one is no
 *    riskier than today's (a tightening) or than the recommended one, which carries the evidence (a loosening); the
 *    next run measures again and recommends the next step. A change whose parameter changed too recently is posted with
 *    the time it becomes applicable (`dueAt`).
 * 3. **Posting** (only with `send`): one `publish` transaction with every accepted change; lowering a max LTV comes
 *    before lowering its threshold, so that the keeper, applying in id order, keeps max LTV under the threshold.
 *
 * Units: as the steward's parameters (sdk/steward.ts).
 */
import { keccak256, toUtf8Bytes } from "ethers";
import type { RiskOracle, RiskSteward } from "../typechain-types/index.js";
import { STEWARD_PARAMS, type StewardParam, formatStewardValue } from "../sdk/steward.js";
import type { RiskConfig, Snapshot } from "./model.js";
import { type AssetParamsView, type Change, type Recommendation, withAsset } from "./recommend.js";
import { simulate } from "./simulate.js";
import { type Estimate, estimate } from "./stats.js";

/** The engine's version in the evidence: bump it when the simulation or the search change what they compute. */
export const ENGINE_VERSION = "ballast-risk/1";

/** [s] How long a published recommendation stays applicable. */
export const DEFAULT_VALIDITY = 3 * 86_400;

/** The steward parameter of each recommended change (the penalty has none: governance only). */
const PARAM_OF: Partial<Record<Change["param"], StewardParam>> = {
  supplyCap: "SupplyCap",
  maxLtvBps: "MaxLtv",
  liqThresholdBps: "LiqThreshold",
  auctionCap: "AuctionCap",
};

/** A change accepted for publishing. */
export interface PlannedItem {
  param: StewardParam;
  asset: string;
  target: string;
  from: bigint;
  to: bigint;
  direction: "looser" | "tighter";
  /** [s] When the steward's interval allows it (0: now). */
  dueAt: bigint;
  /** The engine's value, when `to` is one step toward it (the steward's largest step now). */
  recommended?: bigint;
  /** The recommendation id, once posted. */
  id?: bigint;
}

/** A change the steward could not apply: left to governance. */
export interface RefusedItem {
  param: string;
  asset: string;
  from: string;
  to: string;
  reason: string;
}

export interface Publication {
  engine: string;
  /** keccak256 of `inputs`. */
  evidence: string;
  /** The canonical JSON of the run's inputs. */
  inputs: string;
  items: PlannedItem[];
  refused: RefusedItem[];
  validUntil: bigint;
  /** Set once sent. */
  tx?: string;
}

/** Canonical JSON: keys sorted, bigints as decimal strings with an `n` suffix ("42n"), no whitespace. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

/** The run inputs back from their canonical JSON (`"42n"` strings as bigints), for a replay (`RISK_INPUTS`). */
export function parseInputs(text: string): { engine: string; config: RiskConfig; snapshot: Snapshot } {
  const doc = JSON.parse(text, (_k, v: unknown) =>
    typeof v === "string" && /^-?\d+n$/.test(v) ? BigInt(v.slice(0, -1)) : v,
  ) as { engine?: unknown; config?: RiskConfig; snapshot?: Snapshot };
  if (typeof doc.engine !== "string" || doc.config === undefined || doc.snapshot === undefined) {
    throw new Error("not a risk inputs file (expected engine, config and snapshot)");
  }
  return { engine: doc.engine, config: doc.config, snapshot: doc.snapshot };
}

function sortKeys(v: unknown): unknown {
  if (typeof v === "bigint") return `${v}n`;
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v !== null && typeof v === "object") {
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
    );
  }
  return v;
}

/** The run's inputs as the canonical document, and its keccak256 (the evidence). */
export function evidenceOf(snap: Snapshot, cfg: RiskConfig): { inputs: string; evidence: string } {
  const inputs = canonicalJson({ engine: ENGINE_VERSION, config: cfg, snapshot: snap });
  return { inputs, evidence: keccak256(toUtf8Bytes(inputs)) };
}

/**
 * Checks each recommended change against the steward's room now and splits them into what may be published and
 * what is refused (with the reason). `now` [s] is the chain's time.
 */
export async function planPublication(
  snap: Snapshot,
  cfg: RiskConfig,
  recs: Recommendation[],
  steward: RiskSteward,
  now: bigint,
  validity = DEFAULT_VALIDITY,
): Promise<Publication> {
  const items: PlannedItem[] = [];
  const refused: RefusedItem[] = [];
  for (const r of recs) {
    if (!r.measured) continue;
    for (const c of r.changes) {
      const param = PARAM_OF[c.param];
      const refuse = (reason: string) =>
        refused.push({ param: c.param, asset: r.asset, from: c.from, to: c.to, reason });
      if (param === undefined) {
        refuse("not a steward parameter: governance only (the report's calldata)");
        continue;
      }
      const p = STEWARD_PARAMS.indexOf(param);
      const to = BigInt(c.to);
      const bounds = await steward.boundsOf(p, r.address);
      if (bounds.minInterval === 0n) {
        refuse("the steward has no bounds for it: governance only");
        continue;
      }
      const [current, lowest, highest, nextAt] = await steward.room(p, r.address);
      if (to > current && highest === current) {
        const [, vol] = await steward.looseningOpen({
          maxChangeBps: bounds.maxChangeBps,
          minInterval: bounds.minInterval,
          maxVolatility: bounds.maxVolatility,
          volAsset: bounds.volAsset,
          minValue: bounds.minValue,
          maxValue: bounds.maxValue,
          step: bounds.step,
        });
        refuse(
          param === "LiqThreshold"
            ? "a threshold only goes down through the steward"
            : vol === 2n ** 256n - 1n
              ? "loosening needs a fresh observed volatility: none yet"
              : `loosening while the observed volatility (${(Number(vol) / 1e16).toFixed(0)}%) is over the gate`,
        );
        continue;
      }
      // one step toward the engine's value: the room's edge when the value lies beyond it (none when today's value
      // sits outside the steward's bounds on that side)
      const down = to < current;
      const step = down ? (to < lowest ? lowest : to) : to > highest ? highest : to;
      const moves = down ? step < current && step <= highest : step > current && step >= lowest;
      if (!moves) {
        refuse(
          `no room toward it now: ${formatStewardValue(param, current)} is at the steward's bound ` +
            `(${formatStewardValue(param, lowest)} … ${formatStewardValue(param, highest)})`,
        );
        continue;
      }
      items.push({
        param,
        asset: r.asset,
        target: r.address,
        from: current,
        to: step,
        direction: c.direction,
        dueAt: nextAt,
        ...(step === to ? {} : { recommended: to }),
      });
    }
  }
  // a lower max LTV before a lower threshold of the same asset (the keeper applies in id order)
  items.sort((a, b) => rank(a) - rank(b));
  const { inputs, evidence } = evidenceOf(snap, cfg);
  const latestDue = items.reduce((m, i) => (i.dueAt > m ? i.dueAt : m), now);
  return {
    engine: ENGINE_VERSION,
    evidence,
    inputs,
    items,
    refused,
    validUntil: latestDue + BigInt(validity),
  };
}

function rank(i: PlannedItem): number {
  return i.param === "MaxLtv" && i.direction === "tighter" ? 0 : 1;
}

/** Posts `pub`'s items in one transaction (PUBLISHER); fills in their ids and the transaction hash. */
export async function sendPublication(riskOracle: RiskOracle, pub: Publication): Promise<Publication> {
  if (pub.items.length === 0) return pub;
  const proposals = pub.items.map((i) => ({
    param: STEWARD_PARAMS.indexOf(i.param),
    target: i.target,
    validUntil: pub.validUntil,
    value: i.to,
  }));
  const tx = await riskOracle.publish(proposals, pub.evidence);
  const receipt = await tx.wait();
  if (receipt === null || receipt.status !== 1) throw new Error(`publishing failed (tx ${tx.hash})`);
  const first = (await riskOracle.count()) - BigInt(pub.items.length) + 1n;
  return { ...pub, tx: tx.hash, items: pub.items.map((i, k) => ({ ...i, id: first + BigInt(k) })) };
}

/** The publication as lines for the console. */
export function renderPublication(pub: Publication, send: boolean): string[] {
  const lines = [
    `Publishing to the risk oracle (${send ? "sent" : "dry run: add --send to post"}): evidence ${pub.evidence} ` +
      `(${pub.engine}; the inputs file hashes to it)`,
  ];
  for (const i of pub.items) {
    const due = i.dueAt === 0n ? "applicable now" : `applicable from ${new Date(Number(i.dueAt) * 1000).toISOString()}`;
    const partial =
      i.recommended === undefined
        ? ""
        : `; one step toward the recommended ${formatStewardValue(i.param, i.recommended)}`;
    lines.push(
      `  ${i.id === undefined ? "post" : `#${i.id}`}  ${i.asset} ${i.param}: ${formatStewardValue(i.param, i.from)} → ` +
        `${formatStewardValue(i.param, i.to)} (${i.direction}${partial}; ${due})`,
    );
  }
  for (const r of pub.refused) lines.push(`  refused  ${r.asset} ${r.param}: ${r.from} → ${r.to}: ${r.reason}`);
  if (pub.items.length === 0 && pub.refused.length === 0) lines.push("  nothing to publish: no change recommended");
  if (pub.tx !== undefined) lines.push(`  tx ${pub.tx}`);
  return lines;
}

/** The outcomes of one set of parameters over the simulated paths. */
export interface Outcomes {
  /** P(bad debt > the limit), with its bounds. */
  badDebt: Estimate;
  /** [USD] Mean bad debt over the paths, and its 99th percentile. */
  meanBadDebtUsd: number;
  p99BadDebtUsd: number;
  /** Mean liquidations per path, and mean liquidations refused or cut by a cap. */
  meanLiquidations: number;
  meanCapRefusals: number;
}

/** Outcomes with and without the steward's applications, over the same paths. */
export interface StewardComparison {
  paths: number;
  without: Outcomes;
  with: Outcomes;
}

/** The snapshot with the publication's values applied, as the steward would apply them. */
export function withPublication(snap: Snapshot, pub: Pick<Publication, "items">): Snapshot {
  const field: Partial<Record<StewardParam, keyof AssetParamsView>> = {
    SupplyCap: "supplyCap",
    MaxLtv: "maxLtvBps",
    LiqThreshold: "liqThresholdBps",
    AuctionCap: "auctionCap",
  };
  let out = snap;
  for (const item of pub.items) {
    const key = field[item.param];
    if (key === undefined) continue;
    const i = out.assets.findIndex((a) => a.address.toLowerCase() === item.target.toLowerCase());
    if (i >= 0) out = withAsset(out, i, { [key]: item.to });
  }
  return out;
}

/**
 * Compares the outcomes of today's parameters and of the parameters after the steward applies `pub`, over the same
 * simulated paths (the same seed: common random numbers, so the two differ by the parameters only). The applications
 * are taken to be in force from the first hour (a lowered threshold's ramp is not modelled: its effect shows a ramp
 * duration early), and users do not react to them (as in every run), so what a cap or a max LTV changes for new risk
 * does not show here: the comparison measures what the steward changes for the positions open today.
 */
export function compareWithSteward(
  snap: Snapshot,
  cfg: RiskConfig,
  pub: Pick<Publication, "items">,
): StewardComparison {
  const run = (s: Snapshot): Outcomes => {
    const r = simulate(s, { ...cfg, samplePaths: 0 });
    const bad = r.outcomes.map((o) => o.badDebtUsd).sort((a, b) => a - b);
    const mean = (xs: number[]) => (xs.length === 0 ? 0 : xs.reduce((x, y) => x + y, 0) / xs.length);
    return {
      badDebt: estimate(bad.filter((b) => b > cfg.badDebtLimit).length, bad.length),
      meanBadDebtUsd: mean(bad),
      p99BadDebtUsd: bad[Math.min(bad.length - 1, Math.floor(bad.length * 0.99))] ?? 0,
      meanLiquidations: mean(r.outcomes.map((o) => o.liquidations)),
      meanCapRefusals: mean(r.outcomes.map((o) => o.capRefusals)),
    };
  };
  return { paths: cfg.paths, without: run(snap), with: run(withPublication(snap, pub)) };
}

/** The comparison as lines for the console. */
export function renderComparison(c: StewardComparison, cfg: RiskConfig): string[] {
  const usd = (x: number) => `$${Math.round(x).toLocaleString("en-US")}`;
  const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
  const row = (name: string, o: Outcomes) =>
    `  ${name.padEnd(16)} P(bad debt > ${usd(cfg.badDebtLimit)}) ${pct(o.badDebt.p).padStart(7)} ` +
    `(95% ≤ ${pct(o.badDebt.upper95)}), mean bad debt ${usd(o.meanBadDebtUsd)}, p99 ${usd(o.p99BadDebtUsd)}, ` +
    `liquidations ${o.meanLiquidations.toFixed(2)}/path, cap refusals ${o.meanCapRefusals.toFixed(2)}/path`;
  const d = c.with.meanBadDebtUsd - c.without.meanBadDebtUsd;
  return [
    `With and without the steward, over the same ${c.paths} paths (its applications in force from the first hour):`,
    row("without", c.without),
    row("with", c.with),
    `  difference: mean bad debt ${d <= 0 ? "−" : "+"}${usd(Math.abs(d))}, P(bad debt > limit) ` +
      `${pct(c.with.badDebt.p - c.without.badDebt.p)}, liquidations ` +
      `${(c.with.meanLiquidations - c.without.meanLiquidations).toFixed(2)}/path`,
  ];
}
