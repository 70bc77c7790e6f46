// `npm run risk -- [--publish [--send]] [--network <name>] ...`: the risk engine's own flags become the environment
// settings tools/risk.ts reads (Hardhat's `run` task takes no script arguments), and every other argument goes to
// Hardhat as is (`--network`, `--show-stack-traces`, ...).
//
//   --publish        plan the publication of the recommendations to the risk oracle (a dry run): RISK_PUBLISH=1
//   --send           with --publish: post them (the PUBLISHER account): RISK_PUBLISH=send
//   --inputs <file>  replay a run from its inputs file (risk-<network>-inputs.json): RISK_INPUTS=<file>
//   --observed-vol   each asset's σ is the larger of the configured and the observer's: RISK_OBSERVED_VOL=1
import { spawnSync } from "node:child_process";

const env = { ...process.env };
const rest = [];
const args = process.argv.slice(2);
let publish = false;
let send = false;
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === "--publish") publish = true;
  else if (a === "--send") send = true;
  else if (a === "--observed-vol") env.RISK_OBSERVED_VOL = "1";
  else if (a === "--inputs") {
    const file = args[++i];
    if (file === undefined || file.startsWith("--")) {
      console.error("risk: --inputs needs a file (a risk-<network>-inputs.json a run wrote)");
      process.exit(1);
    }
    env.RISK_INPUTS = file;
  } else rest.push(a);
}
if (send && !publish) {
  console.error("risk: --send posts a publication: use it with --publish (npm run risk -- --publish --send)");
  process.exit(1);
}
if (publish) env.RISK_PUBLISH = send ? "send" : "1";
const r = spawnSync("hardhat", [...rest, "run", "tools/risk.ts"], { stdio: "inherit", env, shell: false });
process.exit(r.status ?? 1);
