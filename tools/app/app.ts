/**
 * `npm run app`: the dashboard (packages/app) against a local node with the demo portfolio, or against a network.
 *
 *   npm run app                                              # anvil on a free port, demo deployed, app on :5180
 *   npm run app -- --rpc http://127.0.0.1:8545               # a running node: its chain's manifest, or the demo
 *                                                            # deployed there when it has none (dev chains only)
 *   npm run app -- --rpc <url> --manifest deployments/x.json # any network, the manifest named
 *   npm run app -- --port 8080 --indexer http://127.0.0.1:4000 --rebuild   # an indexer running elsewhere
 *   npm run app -- --no-indexer                              # no indexer: the pages say what needs one
 *
 * By default it starts @ballast/indexer in this process against the same node (PGlite under .ballast-indexer/, one
 * folder per chain, genesis and deployment; its HTTP API on 127.0.0.1:8787, or a free port when that is taken) and
 * passes its URL to the app in /config.json.
 *
 * tools/app.mjs turns the options into `BALLAST_APP_*` variables and runs this script with `hardhat run` (Hardhat
 * passes a script no arguments). Everything is served from this machine: it works offline.
 */
import { network } from "hardhat";
import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import {
  type AppIndexer,
  type AppServer,
  type Deployment,
  type LocalNode,
  appConfig,
  buildApp,
  ensureDeployment,
  indexerDbDir,
  serveApp,
  startAppIndexer,
  startDemo,
  writeRiskReport,
} from "./stack.js";

const env = process.env;
const rpcArg = env.BALLAST_APP_RPC?.trim() || undefined;
const manifestArg = env.BALLAST_APP_MANIFEST?.trim() || undefined;
const port = Number(env.BALLAST_APP_PORT ?? "5180");
const externalIndexer = env.BALLAST_APP_INDEXER?.trim() || undefined;
const noIndexer = env.BALLAST_APP_NO_INDEXER === "1";
const log = (line: string): void => console.log(`[app] ${line}`);

let node: LocalNode | undefined;
let server: AppServer | undefined;
let indexer: AppIndexer | undefined;
let stopping: Promise<never> | undefined;
/** Stops the server, then the indexer (after its range in flight, closing its database), then the node. */
const stop = (code: number): Promise<never> =>
  (stopping ??= (async () => {
    await server?.close();
    if (indexer !== undefined) {
      log("stopping the indexer");
      await indexer.stop().catch((e: unknown) => console.error(`[app] indexer: ${(e as Error).message}`));
    }
    await node?.stop();
    process.exit(code);
  })());
process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));

try {
  let ethers: HardhatEthers;
  let deployment: Deployment;
  if (rpcArg === undefined) {
    ({ node, ethers, deployment } = await startDemo({ log }));
  } else {
    ({ ethers } = await network.create({ network: "localhost", override: { url: rpcArg } }));
    deployment = await ensureDeployment(ethers, "localhost", { manifestFile: manifestArg, log });
  }
  const rpcUrl = rpcArg ?? node?.url ?? "";
  const chainId = Number((await ethers.provider.getNetwork()).chainId);
  if (deployment.deployed) {
    // a first report for the Risk page (the full one: npm run risk -- --network localhost, with LOCALHOST_RPC_URL)
    const t = Date.now();
    const file = await writeRiskReport(ethers, deployment.manifestPath, "localhost");
    log(`risk report (300 paths × 48 h) written to ${file} in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  }
  buildApp({ force: env.BALLAST_APP_REBUILD === "1", log });
  let indexerUrl: string | null = null;
  if (externalIndexer !== undefined) {
    indexerUrl = externalIndexer.replace(/\/+$/, "");
    const health = await fetch(`${indexerUrl}/health`).then(
      (r) => (r.ok ? "answers" : `answers HTTP ${r.status}`),
      (e: unknown) => `does not answer (${(e as Error).message})`,
    );
    log(`indexer (external): ${indexerUrl} ${health}`);
  } else if (!noIndexer) {
    const dbDir = await indexerDbDir(ethers, "localhost", deployment.manifest);
    indexer = await startAppIndexer({
      rpcUrl,
      manifestPath: deployment.manifestPath,
      dbDir,
      port: 8787,
      log: (line) => console.log(`[indexer] ${line}`),
    });
    indexerUrl = indexer.url;
    log(`indexer: ${indexerUrl}  (PGlite in ${dbDir})`);
  }
  const dev = chainId === 31337 || chainId === 1337;
  const config = appConfig(deployment.manifest, { rpcUrl, indexerUrl, testAccounts: dev });
  server = await serveApp({ config, port });
  log(`dashboard: ${server.url}  (RPC ${rpcUrl}, chain ${chainId}, indexer ${indexerUrl ?? "none (--no-indexer)"})`);
  if (dev) log(`test accounts: ${config.testAccounts.map((a) => `${a.label} ${a.address}`).join(", ")}`);
  log(`the tasks reach this chain with: LOCALHOST_RPC_URL=${rpcUrl} npx hardhat ballast <task> --network localhost`);
  log("Ctrl-C stops it");
} catch (e) {
  console.error(`[app] ${e instanceof Error ? e.message : String(e)}`);
  await stop(1);
}
await new Promise<never>(() => {});
