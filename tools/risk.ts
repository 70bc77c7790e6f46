/**
 * `npm run risk`: the risk engine (docs/risk.md). Reads the positions and parameters of the network it runs against,
 * simulates price paths, plays out liquidations with the engine's rules, and reports bad debt, auction load against
 * the caps, the positions most at risk, the Treasury's cover, the exposure per asset and recommended parameters
 * with the governance calls that apply them.
 *
 *   npm run risk                                        # embedded network: builds the demo portfolio, then runs
 *   npm run risk -- --network localhost                 # the deployment on that node (its manifest, found by chain)
 *   npm run risk -- --publish [--send]                  # plan (or post) the recommendations to the risk oracle
 *   npm run risk -- --inputs reports/risk-localhost-inputs.json   # replay a run from its inputs (the evidence)
 *
 * The manifest is found as every command finds it (sdk/manifest.ts `locateManifest`): `BALLAST_MANIFEST` when set,
 * else `deployments/<network>-<chain id>-<genesis>.json` for the chain the network points at.
 *
 * Settings through the environment (hardhat run takes no script arguments):
 *   RISK_PATHS (2000), RISK_SEED (7), RISK_HOURS (168), RISK_RECOMMEND (1; 0 skips the search),
 *   RISK_RECOMMEND_PATHS (400), RISK_EVIDENCE_PATHS (2000; a looser parameter needs at least 2,000), RISK_SCENARIO (crash60: a 60% one-hour crash on every path, no diffusion;
 *   depeg: the reserve stablecoins lose their peg on every path; lapse: every attested asset's attestation lapses and
 *   runs its course, its threshold at its lapse floor),
 *   RISK_KEEPERS (1; 0 = a keeper outage), RISK_CONFIG (a JSON file merged over the defaults: vol, beta,
 *   correlation, jumps, crashShare, depeg, slippageBps, liquidityPerHour, badDebtLimit, targetProbability, …),
 *   RISK_OUT (reports), RISK_OBSERVED_VOL (1: each asset's σ is the larger of the configured one and the on-chain
 *   volatility observer's, when it has 12 fresh returns; --observed-vol), RISK_PUBLISH (1: plan the publication, "send": post it; the flags --publish and --send of
 *   tools/risk-cli.mjs set it), RISK_INPUTS (a run's inputs file to replay; --inputs).
 *
 * Every run with recommendations writes its inputs (risk-<network>-inputs.json: the engine version, the settings and
 * the snapshot, canonical JSON) whose keccak256 is the evidence a publication carries on chain (risk/publish.ts).
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { network } from "hardhat";
import { locateManifest, otherChain, readManifest } from "../sdk/manifest.js";
import { explainFailure } from "../sdk/errors.js";
import { type RiskConfig, SCENARIOS, defaultConfig } from "../risk/model.js";
import { buildPortfolio } from "../deploy/local/portfolio.js";
import { runRisk } from "../risk/run.js";
import {
  ENGINE_VERSION,
  compareWithSteward,
  renderComparison,
  evidenceOf,
  parseInputs,
  planPublication,
  renderPublication,
  sendPublication,
} from "../risk/publish.js";
import { RiskOracle__factory, RiskSteward__factory } from "../typechain-types/index.js";
import { join } from "node:path";
import { type CoreAddresses, parseManifest, readSnapshot, withObservedVolatility } from "../risk/snapshot.js";

function fail(message: string): never {
  console.error(`\nrisk: ${message}`);
  process.exit(1);
}

function intEnv(name: string, fallback: number, min = 0): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const v = Number(raw.replace(/_/g, ""));
  if (!Number.isInteger(v) || v < min) fail(`${name}=${raw} must be an integer ≥ ${min}`);
  return v;
}

function loadConfig(): RiskConfig {
  let cfg = defaultConfig();
  const file = process.env.RISK_CONFIG;
  if (file !== undefined && file !== "") {
    if (!existsSync(file)) fail(`RISK_CONFIG=${file}: no such file`);
    let extra: unknown;
    try {
      extra = JSON.parse(readFileSync(file, "utf8"));
    } catch (e) {
      fail(`RISK_CONFIG=${file}: not valid JSON (${(e as Error).message})`);
    }
    if (typeof extra !== "object" || extra === null) fail(`RISK_CONFIG=${file}: must be a JSON object`);
    const known = new Set([...Object.keys(cfg), "correlation"]);
    for (const k of Object.keys(extra))
      if (!known.has(k)) fail(`RISK_CONFIG=${file}: unknown setting "${k}" (known: ${[...known].join(", ")})`);
    const e = extra as Partial<RiskConfig>;
    cfg = {
      ...cfg,
      ...e,
      vol: { ...cfg.vol, ...e.vol },
      beta: { ...cfg.beta, ...e.beta },
      liquidityPerHour: { ...cfg.liquidityPerHour, ...e.liquidityPerHour },
      depeg: { ...cfg.depeg, ...e.depeg },
    };
  }
  cfg.paths = intEnv("RISK_PATHS", cfg.paths, 1);
  cfg.seed = intEnv("RISK_SEED", cfg.seed);
  cfg.hours = intEnv("RISK_HOURS", cfg.hours, 1);
  cfg.recommendPaths = intEnv("RISK_RECOMMEND_PATHS", cfg.recommendPaths, 1);
  cfg.evidencePaths = intEnv("RISK_EVIDENCE_PATHS", cfg.evidencePaths, 1);
  cfg.keepers = intEnv("RISK_KEEPERS", cfg.keepers ? 1 : 0) !== 0;
  const scenario = process.env.RISK_SCENARIO;
  if (scenario !== undefined && scenario !== "") {
    if (!Object.hasOwn(SCENARIOS, scenario)) {
      fail(`RISK_SCENARIO=${scenario}: unknown (known: ${Object.keys(SCENARIOS).join(", ")})`);
    }
    cfg = SCENARIOS[scenario as keyof typeof SCENARIOS](cfg);
  }
  return cfg;
}

const started = Date.now();
const inputsFile = process.env.RISK_INPUTS;
const replay =
  inputsFile === undefined || inputsFile === ""
    ? undefined
    : (() => {
        if (!existsSync(inputsFile)) fail(`RISK_INPUTS=${inputsFile}: no such file`);
        try {
          return parseInputs(readFileSync(inputsFile, "utf8"));
        } catch (e) {
          fail(`RISK_INPUTS=${inputsFile}: ${(e as Error).message}`);
        }
      })();
if (replay !== undefined && replay.engine !== ENGINE_VERSION) {
  fail(`RISK_INPUTS=${inputsFile}: written by ${replay.engine}, this is ${ENGINE_VERSION}: rerun with that version`);
}
const cfg = replay?.config ?? loadConfig();
const publishMode = process.env.RISK_PUBLISH ?? "";
if (publishMode !== "" && publishMode !== "1" && publishMode !== "send") {
  fail(`RISK_PUBLISH=${publishMode}: use 1 (plan, a dry run) or send (post)`);
}
if (publishMode !== "" && replay !== undefined)
  fail("--publish and --inputs: a replay checks a run, it publishes nothing");
const conn = await network.create();
const { ethers } = conn;
const name = conn.networkName;
console.log(`Ballast risk engine — network ${name}\n`);

let snapshotSource: CoreAddresses = { vault: "", oracle: "", engine: "", lens: "" };
/** The risk oracle and steward of the deployment, where it has them (for --publish). */
let riskAddresses: { riskOracle: string; steward: string } | undefined;
/** The deployment's volatility observer, where it has one (for RISK_OBSERVED_VOL). */
let observerAddress: string | undefined;
const override = process.env.BALLAST_MANIFEST;
if (replay !== undefined) {
  console.log(
    `• replaying the run in ${inputsFile} (snapshot of ${replay.snapshot.network} at block ${replay.snapshot.block})`,
  );
} else if (conn.networkConfig.type === "edr-simulated" && (override === undefined || override === "")) {
  // the embedded chain starts empty in every process: there is no deployment to read
  console.log("• embedded network: building the demo portfolio");
  const core = await buildPortfolio(ethers, { log: (l) => console.log(`  ${l}`) });
  snapshotSource = {
    vault: core.addresses.vault ?? "",
    oracle: core.addresses.oracle ?? "",
    engine: core.addresses.engine ?? "",
    lens: core.addresses.lens ?? "",
  };
  riskAddresses = { riskOracle: core.addresses.riskOracle ?? "", steward: core.addresses.steward ?? "" };
  observerAddress = core.addresses.observer;
} else {
  const location = await locateManifest(ethers.provider, name);
  const via = location.source === "BALLAST_MANIFEST" ? "BALLAST_MANIFEST=" : "";
  if (!existsSync(location.path)) {
    fail(
      `no deployment manifest for "${name}" on this chain (${via}${location.path}): deploy first ` +
        `(npm run deploy -- --network ${name}, or deploy/local/deploy-demo.ts for the demo portfolio), or set ` +
        "BALLAST_MANIFEST to the file (see docs/risk.md)",
    );
  }
  try {
    const m = readManifest(location.path);
    const elsewhere =
      m === undefined || m.chainId === undefined ? undefined : otherChain(m, location.key, location.path);
    if (elsewhere !== undefined) fail(`${elsewhere}: deploy again, or point BALLAST_MANIFEST at this chain's manifest`);
    snapshotSource = parseManifest(location.path);
    const contracts = m?.contracts ?? {};
    const [ro, st] = [contracts.RiskOracle?.address, contracts.RiskSteward?.address];
    if (ro !== undefined && st !== undefined) riskAddresses = { riskOracle: ro, steward: st };
    observerAddress = contracts.VolatilityObserver?.address;
  } catch (e) {
    fail((e as Error).message);
  }
  console.log(`• reading the deployment in ${via}${location.path}`);
}

let snap;
try {
  const [signer] = await ethers.getSigners();
  snap =
    replay?.snapshot ??
    (await readSnapshot(signer ?? ethers.provider, snapshotSource, name, (l) => console.log(`  ${l}`)));
} catch (e) {
  fail(`could not read the deployment: ${await explainFailure(e)}`);
}
console.log(
  `• snapshot at block ${snap.block}: ${snap.assets.length} assets, ${snap.synths.length} synthetics, ${snap.positions.length} positions with debt`,
);
if (snap.positions.length === 0) console.log("  (no position has debt: every figure below is zero)");

let runCfg = cfg;
if (intEnv("RISK_OBSERVED_VOL", 0) !== 0 && replay === undefined) {
  if (observerAddress === undefined) fail("RISK_OBSERVED_VOL=1: this deployment has no volatility observer");
  const { cfg: observed, used } = await withObservedVolatility(ethers.provider, observerAddress, snap, cfg);
  runCfg = observed;
  console.log("• volatility: the larger of the configured and the observed σ (12 fresh returns at least)");
  for (const u of used) {
    const pct = (x: number) => `${(x * 100).toFixed(0)}%`;
    const seen = u.observed === undefined ? `not used: ${u.why ?? "?"}` : `observed ${pct(u.observed)}`;
    console.log(`  ${u.symbol}: configured ${pct(u.configured)}, ${seen} → ${pct(u.used)}`);
  }
}
const out = process.env.RISK_OUT ?? "reports";
let result: ReturnType<typeof runRisk>;
try {
  result = runRisk(snap, runCfg, {
    recommend: intEnv("RISK_RECOMMEND", 1) !== 0,
    outDir: out,
    log: (l) => console.log(`• ${l}`),
  });
} catch (e) {
  fail(`${(e as Error).message} (check RISK_CONFIG and the RISK_* settings; see docs/risk.md)`);
}
console.log("\n" + result.text);
if (result.recommendations !== undefined && replay === undefined) {
  // the run's inputs: their hash is the evidence a publication carries, and `--inputs` replays them
  const file = join(out, `risk-${snap.network.replace(/[^A-Za-z0-9_-]/g, "_")}-inputs.json`);
  writeFileSync(file, evidenceOf(snap, runCfg).inputs);
  result.files.push(file);
}
if (replay !== undefined) console.log(`\nReplayed: evidence ${evidenceOf(snap, cfg).evidence}`);
if (publishMode !== "") {
  if (result.recommendations === undefined) fail("--publish needs recommendations: unset RISK_RECOMMEND=0");
  if (riskAddresses === undefined) {
    fail("this deployment has no risk oracle and steward (deploy them: the network config's `risk` section)");
  }
  const [signer] = await ethers.getSigners();
  if (signer === undefined) fail("no account to read or publish with: set DEPLOYER_PRIVATE_KEY (see .env.example)");
  const steward = RiskSteward__factory.connect(riskAddresses.steward, signer);
  const now = BigInt((await ethers.provider.getBlock("latest"))?.timestamp ?? 0);
  let pub = await planPublication(snap, runCfg, result.recommendations, steward, now);
  if (publishMode === "send") {
    try {
      pub = await sendPublication(RiskOracle__factory.connect(riskAddresses.riskOracle, signer), pub);
    } catch (e) {
      fail(`publishing failed: ${await explainFailure(e)} (the account needs the PUBLISHER role)`);
    }
  }
  console.log("\n" + renderPublication(pub, publishMode === "send").join("\n"));
  const comparison = compareWithSteward(snap, runCfg, pub);
  console.log("\n" + renderComparison(comparison, runCfg).join("\n"));
  const file = join(out, `risk-${snap.network.replace(/[^A-Za-z0-9_-]/g, "_")}-publication.json`);
  const { inputs: _inputs, ...record } = pub;
  writeFileSync(
    file,
    JSON.stringify(record, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2),
  );
  result.files.push(file);
}
console.log(`\nWrote ${result.files.join(", ")}`);
const t = result.timings;
console.log(
  `Timing: simulation ${(t.simulateMs / 1000).toFixed(1)} s (${cfg.paths} paths, ${((t.simulateMs / cfg.paths) * 1000).toFixed(0)} µs/path), ` +
    `exposure ${(t.exposureMs / 1000).toFixed(1)} s, recommendations ${(t.recommendMs / 1000).toFixed(1)} s; ` +
    `total ${((Date.now() - started) / 1000).toFixed(1)} s`,
);
