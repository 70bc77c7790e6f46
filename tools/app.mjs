// `npm run app [-- --rpc <url>] [--manifest <file>] [--port <n>] [--indexer <url> | --no-indexer] [--rebuild]`: passes
// the options to tools/app/app.ts (run with `hardhat run`, which gives a script no arguments) as BALLAST_APP_*
// variables. Without `--indexer` or `--no-indexer` the launcher starts the indexer itself.
import { spawn } from "node:child_process";

const flags = { "--rpc": "BALLAST_APP_RPC", "--manifest": "BALLAST_APP_MANIFEST", "--port": "BALLAST_APP_PORT" };
flags["--indexer"] = "BALLAST_APP_INDEXER";
const USAGE =
  "npm run app -- [--rpc <url>] [--manifest <file>] [--port <n>] [--indexer <url> | --no-indexer] [--rebuild]";
const env = { ...process.env };
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === "--rebuild") env.BALLAST_APP_REBUILD = "1";
  else if (a === "--no-indexer") env.BALLAST_APP_NO_INDEXER = "1";
  else if (a in flags && args[i + 1] !== undefined) env[flags[a]] = args[++i];
  else {
    console.error(`app: unknown option ${a}\nusage: ${USAGE}`);
    process.exit(2);
  }
}
if (env.BALLAST_APP_NO_INDEXER === "1" && env.BALLAST_APP_INDEXER !== undefined) {
  console.error(`app: --indexer and --no-indexer exclude each other\nusage: ${USAGE}`);
  process.exit(2);
}
const child = spawn("hardhat", ["run", "--no-compile", "tools/app/app.ts"], { stdio: "inherit", env });
child.on("exit", (code) => process.exit(code ?? 1));
for (const s of ["SIGINT", "SIGTERM"]) process.on(s, () => child.kill(s));
