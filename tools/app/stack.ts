/**
 * The dashboard's stack (packages/app), shared by `npm run app` (tools/app/app.ts) and the end-to-end test
 * (test/app.e2e.test.ts): a local node (anvil, from the devDependency `@foundry-rs/anvil`), the system with the demo
 * portfolio deployed to it when the chain has no deployment yet, a scene worth looking at (prices moved so that
 * positions sit near the liquidation line and one was liquidated: a live auction and Treasury figures), the app's
 * build, the indexer (@ballast/indexer, in this process, PGlite under `.ballast-indexer/`), and a small HTTP server for
 * `dist/`, `/config.json` (what the app reads at start: RPC URL, chain id, address book, indexer URL, test accounts)
 * and the risk reports under `reports/`.
 *
 * Nothing here fetches from the network: the app's build holds every script and style it uses (offline).
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { type Server, createServer } from "node:http";
import { extname, join, normalize, resolve, sep } from "node:path";
import { network as hardhatNetwork } from "hardhat";
import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import { type Manifest, REPO_ROOT, chainKey, locateManifest, readManifest, writeManifest } from "../../sdk/manifest.js";
import type { RunningIndexer } from "../../packages/indexer/src/index.js";
import { buildPortfolio } from "../../deploy/local/portfolio.js";
import { type Core, oraclePrice } from "../../deploy/local/core.js";
import { ASSET_KEYS, ASSETS } from "../../sdk/params.js";
import { WAD } from "../../sdk/math.js";
import { units } from "../../sdk/units.js";
import { parseManifest, readSnapshot } from "../../risk/snapshot.js";
import { defaultConfig } from "../../risk/model.js";
import { runRisk } from "../../risk/run.js";
import { type LocalNode, startAnvil } from "../lib/anvil.js";

export const APP_DIR = join(REPO_ROOT, "packages", "app");
export const APP_DIST = join(APP_DIR, "dist");
export const REPORTS_DIR = join(REPO_ROOT, "reports");
/** Where `npm run app` keeps its indexer databases (gitignored), one folder per chain and deployment. */
export const INDEXER_DIR = join(REPO_ROOT, ".ballast-indexer");

/**
 * The node's unlocked development accounts the app offers as local test accounts: accounts 10 to 12 of the
 * "test test … junk" mnemonic (anvil and `hardhat node` derive the same ones). The demo portfolio uses accounts 0 to 9
 * and 19, so these start with no position. Their keys are public knowledge: development chains only.
 */
export const TEST_ACCOUNTS = [
  {
    label: "dev #10",
    address: "0xBcd4042DE499D14e55001CcbB24a551F3b954096",
    privateKey: "0xf214f2b2cd398c806f84e317254e0f0b801d0643303237d97a22a48e01628897",
  },
  {
    label: "dev #11",
    address: "0x71bE63f3384f5fb98995898A86B02Fb2426c5788",
    privateKey: "0x701b615bbdfb9de65240bc28bd21bbc0d996645a3dd57e7b12bc2bdf6f192c82",
  },
  {
    label: "dev #12",
    address: "0xFABB0ac9d68B0B445fB7357272Ff202C5651694a",
    privateKey: "0xa267530f49f8280200edf313ee7af6b827f2a8bce2897751d06a843f644967b1",
  },
] as const;

/** What the app reads from `/config.json`. */
export interface AppConfig {
  network: string;
  chainId: number;
  rpcUrl: string;
  /** The indexer's base URL, or null when none is configured (the app says what it cannot show). */
  indexerUrl: string | null;
  /** Milliseconds between block-number polls. */
  pollMs: number;
  contracts: Record<string, string>;
  assets: Record<string, { token: string; decimals: number; feed: string; mock: boolean }>;
  synthetics: Record<string, { token: string; synthId: number; priceAsset: string }>;
  startBlock: number;
  testAccounts: { label: string; address: string; privateKey: string }[];
}

export function appConfig(
  manifest: Manifest,
  opts: { rpcUrl: string; indexerUrl?: string | null; testAccounts?: boolean; pollMs?: number },
): AppConfig {
  const contracts: Record<string, string> = {};
  for (const [name, c] of Object.entries(manifest.contracts)) contracts[name] = c.address;
  const assets: AppConfig["assets"] = {};
  for (const [symbol, a] of Object.entries(manifest.assets)) {
    assets[symbol] = { token: a.token, decimals: a.decimals, feed: a.feed, mock: a.mock };
  }
  return {
    network: manifest.network,
    chainId: manifest.chainId,
    rpcUrl: opts.rpcUrl,
    indexerUrl: opts.indexerUrl ?? null,
    pollMs: opts.pollMs ?? 1500,
    contracts,
    assets,
    synthetics: manifest.synthetics,
    startBlock: manifest.startBlock,
    testAccounts: opts.testAccounts === false ? [] : TEST_ACCOUNTS.map((a) => ({ ...a })),
  };
}

// ------------------------------------------------------------------------------------------------------------------
// The node
// ------------------------------------------------------------------------------------------------------------------

export { freePort, type LocalNode } from "../lib/anvil.js";

/** Starts anvil (chain 31337, the 20 dev accounts, a block per transaction) on `port` or a free one. */
export function startNode(opts: { port?: number } = {}): Promise<LocalNode> {
  return startAnvil(opts);
}

// ------------------------------------------------------------------------------------------------------------------
// The deployment
// ------------------------------------------------------------------------------------------------------------------

export interface Deployment {
  manifest: Manifest;
  manifestPath: string;
  /** Whether this call deployed it (false: an existing deployment was found). */
  deployed: boolean;
  /** The demo's contracts, when this call deployed them. */
  core?: Core;
}

/**
 * The deployment of the chain `ethers` is connected to: the manifest `manifestFile` names, else the chain's manifest
 * where every command looks (`locateManifest`), when its Vault has code. Otherwise, on a development chain (31337 or
 * 1337), deploys the core with mocks and the demo portfolio (`buildPortfolio`), stages the scene (`stageScene`) and
 * writes the manifest; on any other chain it fails.
 */
export async function ensureDeployment(
  ethers: HardhatEthers,
  network: string,
  opts: { manifestFile?: string; manifestDir?: string; log?: (line: string) => void } = {},
): Promise<Deployment> {
  const log = opts.log ?? (() => {});
  const env = { ...process.env };
  if (opts.manifestFile !== undefined) env.BALLAST_MANIFEST = opts.manifestFile;
  if (opts.manifestDir !== undefined) env.BALLAST_MANIFEST_DIR = opts.manifestDir;
  const location = await locateManifest(ethers.provider, network, env);
  const existing = readManifest(location.path);
  const vault = existing?.contracts.Vault?.address;
  if (existing !== undefined && vault !== undefined && (await ethers.provider.getCode(vault)) !== "0x") {
    log(`deployment found: ${location.path}`);
    return { manifest: existing, manifestPath: location.path, deployed: false };
  }
  if (opts.manifestFile !== undefined && existing !== undefined) {
    throw new Error(`${opts.manifestFile}: its Vault ${vault ?? "(none)"} has no code on this chain`);
  }
  if (![31337n, 1337n].includes(location.key.chainId)) {
    throw new Error(
      `chain ${location.key.chainId} has no deployment at ${location.path}; pass --manifest <file> (the demo ` +
        "portfolio is deployed on development chains only)",
    );
  }
  log("no deployment on this chain: deploying the core with mocks and the demo portfolio");
  const core = await buildPortfolio(ethers, { log: (l) => log(`  ${l}`) });
  const manifest: Manifest = { ...core.manifest, network };
  await stageScene(core, log);
  writeManifest(location.path, manifest);
  log(`wrote ${location.path}`);
  return { manifest, manifestPath: location.path, deployed: true, core };
}

/**
 * Leaves the demo portfolio in a state worth looking at: WETH falls 10% (from the demo's $2,000 to $1,800), so the
 * most leveraged WETH position falls under the liquidation line and the next ones sit just above it; the deployer
 * liquidates the lowest one (a live auction per basket asset, a penalty and keeper pay in the Treasury's figures);
 * and the test accounts get collateral to open positions with (the mock tokens mint to anyone).
 */
export async function stageScene(core: Core, log: (line: string) => void = () => {}): Promise<void> {
  await core.setPrice("weth", (ASSETS.weth.price * 9n) / 10n);
  const next = await core.vault.nextPositionId();
  let lowest: { id: bigint; health: bigint } | undefined;
  for (let id = 1n; id < next; id++) {
    const h = (await core.lens.healthOf(id)).health;
    if (h < WAD && (lowest === undefined || h < lowest.health)) lowest = { id, health: h };
  }
  if (lowest !== undefined) {
    await (await core.engine.liquidate(lowest.id)).wait();
    log(
      `  scene: WETH at $${(await oraclePrice(core, "weth")) / WAD}; position #${lowest.id} liquidated (auction live)`,
    );
  }
  for (const a of TEST_ACCOUNTS) {
    for (const k of ASSET_KEYS) {
      const amount = k === "usdc" ? "100000" : k === "wbtc" ? "5" : "100";
      await (await core.tokens[k].mint(a.address, units(k, amount))).wait();
    }
  }
  log(`  scene: test accounts ${TEST_ACCOUNTS.map((a) => a.label).join(", ")} funded with WETH, WBTC and USDC`);
}

/**
 * Runs the risk engine (risk/run.ts, as `npm run risk` does, without the recommendation search) on the chain's
 * snapshot with a light configuration (`paths` price paths over `hours`), so the Risk page has a report to show;
 * writes `risk-<network>.json` and its pictures under `outDir`. Returns the report's path.
 */
export async function writeRiskReport(
  ethers: HardhatEthers,
  manifestPath: string,
  network: string,
  opts: { outDir?: string; paths?: number; hours?: number } = {},
): Promise<string> {
  const [signer] = await ethers.getSigners();
  const snap = await readSnapshot(signer ?? ethers.provider, parseManifest(manifestPath), network);
  const cfg = { ...defaultConfig(), paths: opts.paths ?? 300, hours: opts.hours ?? 48 };
  const outDir = opts.outDir ?? REPORTS_DIR;
  runRisk(snap, cfg, { recommend: false, outDir });
  return join(outDir, `risk-${network.replace(/[^A-Za-z0-9_-]/g, "_")}.json`);
}

/**
 * A fresh local node with the demo deployed (`startNode` and `ensureDeployment`). A deploy that fails on the fresh
 * node (now and then, on a loaded machine, anvil reports a transaction's nonce as used before its receipt shows, and
 * the deploy's `waitMined` takes it for replaced) is retried on another fresh node, up to three times.
 */
export async function startDemo(
  opts: { manifestDir?: string; log?: (line: string) => void } = {},
): Promise<{ node: LocalNode; ethers: HardhatEthers; deployment: Deployment }> {
  const log = opts.log ?? (() => {});
  for (let attempt = 1; ; attempt++) {
    const node = await startNode();
    log(`local node (anvil) at ${node.url}, chain 31337`);
    try {
      const { ethers } = await hardhatNetwork.create({ network: "localhost", override: { url: node.url } });
      const deployment = await ensureDeployment(ethers, "localhost", { manifestDir: opts.manifestDir, log });
      return { node, ethers, deployment };
    } catch (e) {
      await node.stop();
      if (attempt >= 3) throw e;
      log(`the deploy failed on the fresh node (${(e as Error).message.slice(0, 160)}…): again on another one`);
    }
  }
}

// ------------------------------------------------------------------------------------------------------------------
// The indexer
// ------------------------------------------------------------------------------------------------------------------

/**
 * The indexer's PGlite folder for the chain `ethers` is connected to and the deployment `manifest`:
 * `<root>/<network>-<chain id>-<first 4 bytes of the genesis hash>-<first 4 bytes of the Vault>`, like the manifests'
 * names. A fresh node has a new genesis (its block 0 carries its start time), so it never reuses an old database;
 * the same node with the same deployment picks up where the last run stopped.
 */
export async function indexerDbDir(
  ethers: HardhatEthers,
  network: string,
  manifest: Manifest,
  root: string = INDEXER_DIR,
): Promise<string> {
  const key = await chainKey(ethers.provider);
  const vault = (manifest.contracts.Vault?.address ?? "0x").slice(2, 10).toLowerCase();
  const name = `${network.replace(/[^A-Za-z0-9_-]/g, "_")}-${key.chainId}-${key.genesisHash.slice(2, 10).toLowerCase()}`;
  return join(root, `${name}-${vault}`);
}

export interface AppIndexer {
  /** The HTTP API's base URL (what /config.json's `indexerUrl` carries). */
  url: string;
  dbDir: string;
  indexer: RunningIndexer;
  /** Stops the sync loop after the range in flight, closes the HTTP server and the database. */
  stop(): Promise<void>;
}

/**
 * Starts @ballast/indexer in this process (`startIndexer`, from the package's sources: Hardhat's TypeScript loader
 * runs them; the SDK's build is made first when missing) against `rpcUrl` for the deployment in `manifestPath`,
 * PGlite in `dbDir`, its HTTP API on 127.0.0.1:`port` (taken: any free port; 0: any free port).
 */
export async function startAppIndexer(opts: {
  rpcUrl: string;
  manifestPath: string;
  dbDir: string;
  port?: number;
  pollMs?: number;
  log?: (line: string) => void;
}): Promise<AppIndexer> {
  ensureSdkBuild(opts.log);
  const { startIndexer } = await import("../../packages/indexer/src/index.js");
  const start = (port: number): Promise<RunningIndexer> =>
    startIndexer({
      rpcUrl: opts.rpcUrl,
      manifest: opts.manifestPath,
      dbDir: opts.dbDir,
      port,
      host: "127.0.0.1",
      pollMs: opts.pollMs ?? 500,
      confirmations: 0,
      ...(opts.log !== undefined ? { log: opts.log } : {}),
    });
  let indexer: RunningIndexer;
  try {
    indexer = await start(opts.port ?? 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EADDRINUSE" || !opts.port) throw e;
    opts.log?.(`port ${opts.port} is taken: the indexer takes a free one`);
    indexer = await start(0);
  }
  return { url: `http://127.0.0.1:${indexer.port}`, dbDir: opts.dbDir, indexer, stop: () => indexer.stop() };
}

/** Waits until the indexer at `url` has indexed block `block` (its `/health`), or fails after `timeoutMs`. */
export async function waitIndexed(url: string, block: bigint, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const h = (await (await fetch(`${url}/health`)).json()) as { block: { number: string } | null };
      if (h.block !== null && BigInt(h.block.number) >= block) return;
    } catch {
      // not answering yet
    }
    if (Date.now() > deadline) throw new Error(`the indexer at ${url} did not reach block ${block} in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// ------------------------------------------------------------------------------------------------------------------
// The app's build and its server
// ------------------------------------------------------------------------------------------------------------------

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** Whether `dist/` is missing or older than the app's sources (or the SDK's build). */
export function appBuildStale(): boolean {
  const index = join(APP_DIST, "index.html");
  if (!existsSync(index)) return true;
  const built = statSync(index).mtimeMs;
  const sources = [join(APP_DIR, "src"), join(APP_DIR, "index.html"), join(APP_DIR, "vite.config.ts")];
  const sdkDist = join(REPO_ROOT, "packages", "sdk", "dist");
  if (existsSync(sdkDist)) sources.push(sdkDist);
  return sources.some(
    (s) => existsSync(s) && (statSync(s).isDirectory() ? newestMtime(s) : statSync(s).mtimeMs) > built,
  );
}

/** Builds the SDK (when not built) and the app (`vite build`) when `dist/` is stale, or always with `force`. */
export function buildApp(opts: { force?: boolean; log?: (line: string) => void } = {}): void {
  const log = opts.log ?? (() => {});
  ensureSdkBuild(log);
  if (opts.force !== true && !appBuildStale()) return;
  log("building the app (vite build)");
  run("npm", ["run", "build", "-w", "@ballast/app"]);
}

/** Builds @ballast/sdk (the ABIs the app and the indexer import) when it has no `dist/`. */
function ensureSdkBuild(log: (line: string) => void = () => {}): void {
  if (existsSync(join(REPO_ROOT, "packages", "sdk", "dist", "index.js"))) return;
  log("building @ballast/sdk");
  run("npm", ["run", "build", "-w", "@ballast/sdk"]);
}

function run(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed:\n${r.stdout}\n${r.stderr}`);
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
};

export interface AppServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Serves the app: `/config.json` (`config`), `/reports/index.json` (the risk reports under `reportsDir`, newest
 * first), `/reports/<file>` (a report's JSON or picture) and `dist/` (any other path falls back to index.html, so a
 * reload on a page's URL works). Listens on 127.0.0.1:`port` (a free port when 0 or undefined).
 */
export async function serveApp(opts: {
  config: AppConfig;
  port?: number;
  dist?: string;
  reportsDir?: string;
}): Promise<AppServer> {
  const dist = opts.dist ?? APP_DIST;
  const reports = opts.reportsDir ?? REPORTS_DIR;
  const configJson = JSON.stringify(opts.config, null, 2);
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    const send = (status: number, type: string, body: string | Buffer): void => {
      res.writeHead(status, { "content-type": type, "cache-control": "no-store" });
      res.end(body);
    };
    if (path === "/config.json") return send(200, TYPES[".json"] ?? "", configJson);
    if (path === "/reports/index.json") {
      const list = existsSync(reports)
        ? readdirSync(reports)
            .filter((f) => /^risk-[A-Za-z0-9_-]+\.json$/.test(f) && !/-(inputs|publication)\.json$/.test(f))
            .map((f) => ({ file: f, mtime: statSync(join(reports, f)).mtimeMs }))
            .sort((a, b) => b.mtime - a.mtime)
        : [];
      return send(200, TYPES[".json"] ?? "", JSON.stringify(list));
    }
    const inside = (base: string, rel: string): string | undefined => {
      const p = resolve(base, "." + normalize(rel));
      return p === base || p.startsWith(base + sep) ? p : undefined;
    };
    if (path.startsWith("/reports/")) {
      const file = inside(resolve(reports), path.slice("/reports".length));
      if (file !== undefined && existsSync(file) && statSync(file).isFile() && /\.(json|svg)$/.test(file)) {
        return send(200, TYPES[extname(file)] ?? "application/octet-stream", readFileSync(file));
      }
      return send(404, "text/plain", "no such report");
    }
    const file = inside(resolve(dist), path);
    if (file !== undefined && existsSync(file) && statSync(file).isFile()) {
      return send(200, TYPES[extname(file)] ?? "application/octet-stream", readFileSync(file));
    }
    const index = join(dist, "index.html");
    if (!existsSync(index)) return send(500, "text/plain", "the app is not built: npm run build -w @ballast/app");
    return send(200, TYPES[".html"] ?? "", readFileSync(index));
  });
  await new Promise<void>((resolveListen, reject) => {
    server.once("error", (e: NodeJS.ErrnoException) =>
      reject(e.code === "EADDRINUSE" ? new Error(`port ${opts.port} is taken: pass --port <another>`) : e),
    );
    server.listen(opts.port ?? 0, "127.0.0.1", () => resolveListen());
  });
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections(); // the browser's keep-alive connections would hold the close
      }),
  };
}
