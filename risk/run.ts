/**
 * One risk run over a snapshot: simulate, measure exposure, optionally search recommendations, build the report,
 * write the JSON and the pictures. `tools/risk.ts` wires it to the command line; tests call it directly.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { exposure } from "./exposure.js";
import { instrumentRisk } from "./instruments.js";
import type { RiskConfig, Snapshot } from "./model.js";
import { type GovernanceCall, type Recommendation, governanceCalls, recommend } from "./recommend.js";
import { buildReport, pictures, renderText, toJson } from "./report.js";
import { type SimResult, simulate } from "./simulate.js";

export interface RunOptions {
  recommend?: boolean;
  /** Limit recommendations to these asset symbols. */
  recommendOnly?: string[];
  /** Where to write `risk-<network>.json` and the pictures; nothing is written when undefined. */
  outDir?: string;
  log?: (line: string) => void;
}

export interface RunResult {
  report: ReturnType<typeof buildReport>;
  json: string;
  text: string;
  sim: SimResult;
  recommendations: Recommendation[] | undefined;
  calls: GovernanceCall[] | undefined;
  files: string[];
  timings: { simulateMs: number; exposureMs: number; recommendMs: number };
}

export function runRisk(snap: Snapshot, cfg: RiskConfig, opts: RunOptions = {}): RunResult {
  const log = opts.log ?? (() => {});
  log(`simulating ${cfg.paths} paths × ${cfg.hours} hours over ${snap.positions.length} positions (seed ${cfg.seed})`);
  if (cfg.lapse) snap = lapsed(snap);
  const sim = simulate(snap, cfg, { progress: (d) => log(`  ${d} / ${cfg.paths} paths`) });
  log(`  done in ${(sim.elapsedMs / 1000).toFixed(1)} s`);
  let t = Date.now();
  const exp = exposure(snap, cfg);
  const instruments = instrumentRisk(snap, snap.series ?? [], cfg);
  const exposureMs = Date.now() - t;
  let recs: Recommendation[] | undefined;
  let calls: GovernanceCall[] | undefined;
  t = Date.now();
  if (opts.recommend === true) {
    log(
      `searching recommendations (${cfg.recommendPaths} screening paths per candidate, ${cfg.evidencePaths} paths of ` +
        "evidence for each recommendation)",
    );
    recs = recommend(snap, cfg, { only: opts.recommendOnly, log: (l) => log(`  ${l}`) });
    calls = governanceCalls(snap, recs);
  }
  const recommendMs = Date.now() - t;
  const report = buildReport(snap, cfg, sim, exp, recs, calls, instruments);
  const json = toJson(report);
  const text = renderText(report, snap, cfg);
  const files: string[] = [];
  if (opts.outDir !== undefined) {
    mkdirSync(opts.outDir, { recursive: true });
    const name = snap.network.replace(/[^A-Za-z0-9_-]/g, "_");
    const jsonPath = join(opts.outDir, `risk-${name}.json`);
    writeFileSync(jsonPath, json);
    files.push(jsonPath);
    for (const [file, svg] of Object.entries(pictures(snap, cfg, sim, report))) {
      const path = join(opts.outDir, `risk-${name}-${file}`);
      writeFileSync(path, svg);
      files.push(path);
    }
  }
  return {
    report,
    json,
    text,
    sim,
    recommendations: recs,
    calls,
    files,
    timings: { simulateMs: sim.elapsedMs, exposureMs, recommendMs },
  };
}

/** `snap` with every attested asset's liquidation threshold at its lapse floor (the `lapse` scenario). */
export function lapsed(snap: Snapshot): Snapshot {
  return {
    ...snap,
    assets: snap.assets.map((a) =>
      a.lapseFloorBps !== 0n && a.lapseFloorBps < a.liqThresholdBps ? { ...a, liqThresholdBps: a.lapseFloorBps } : a,
    ),
  };
}
