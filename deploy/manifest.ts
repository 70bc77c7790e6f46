/**
 * The address manifest of one network: `deployments/<network>.json`, written by the deploy after every transaction
 * (so an interrupted deploy resumes where it stopped) and read by the tasks. It records what was deployed (address,
 * artifact, constructor arguments, block, transaction), the asset and synthetic keys the tasks resolve, and the git
 * commit of the code that last changed it.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

/** One deployed contract. */
export interface DeployedContract {
  address: string;
  /** Fully qualified artifact name, e.g. `contracts/Vault.sol:Vault` (what explorer verification needs). */
  contract: string;
  /** Constructor arguments, bigints as decimal strings. */
  args: Array<string | number | boolean>;
  /** Block of the deployment transaction. */
  block: number;
  tx: string;
}

export interface Manifest {
  network: string;
  chainId: number;
  /** The account that deployed (and, until the admin handoff, administered) the system. */
  deployer: string;
  /** `git rev-parse HEAD` of the code that last changed this manifest. */
  commit: string;
  /** Block of the first deployment: where event scans (keepers) start. */
  startBlock: number;
  /** Contracts by deploy name: `AccessManager`, `OracleAdapter`, `Vault`, `Treasury`, `LiquidationEngine`,
   *  `ReserveLens`, `PositionLens`, `Settlement`,
   *  `rateModel:<key>`, `synthetic:<symbol>`, and on mock networks `token:<symbol>`, `feed:<symbol>`. */
  contracts: Record<string, DeployedContract>;
  /** Collateral assets by symbol. */
  assets: Record<string, { token: string; decimals: number; feed: string; mock: boolean }>;
  /** Synthetics by symbol, with the Vault's synthetic id. */
  synthetics: Record<string, { token: string; synthId: number; priceAsset: string }>;
  /** Role holders the deploy granted (addresses). */
  roles: { admin: string; critical: string; governor: string; guardian: string; settlement: string };
}

/** The repository root (this file is deploy/manifest.ts). */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Default folder of the manifests. */
export const DEFAULT_MANIFEST_DIR = join(REPO_ROOT, "deployments");

/** `deployments/<network>.json` (or under `dir`). */
export function manifestPath(network: string, dir: string = DEFAULT_MANIFEST_DIR): string {
  return join(dir, `${network}.json`);
}

/** Reads a manifest, or returns undefined when the file does not exist. Throws on a malformed file. */
export function readManifest(path: string): Manifest | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, "utf8")) as Manifest;
  } catch (e) {
    throw new Error(
      `the manifest ${relative(process.cwd(), path)} is not valid JSON (${(e as Error).message}); ` +
        `fix or delete it and deploy again`,
    );
  }
}

/** Writes `manifest` (pretty JSON, trailing newline), creating the folder. */
export function writeManifest(path: string, manifest: Manifest): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(manifest, null, 2) + "\n");
}

/** Whether two manifests hold the same deployment (everything but the commit). */
export function sameDeployment(a: Manifest, b: Manifest): boolean {
  return JSON.stringify({ ...a, commit: "" }) === JSON.stringify({ ...b, commit: "" });
}

/** The current git commit, or "unknown" outside a git checkout. */
export function gitCommit(): string {
  try {
    return execFileSync("git", ["rev-parse", "HEAD"], { cwd: REPO_ROOT, encoding: "utf8" }).trim();
  } catch {
    return "unknown";
  }
}
