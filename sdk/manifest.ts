/**
 * The address manifest of one chain: `deployments/<network>-<chain id>-<genesis hash prefix>.json`, written by the
 * deploy after every transaction (so an interrupted deploy resumes where it stopped) and read by every command (the
 * tasks, the keeper, `npm run risk`, `npm run reserves`). It records what was deployed (address, artifact,
 * constructor arguments, block, transaction), the asset and synthetic keys the tasks resolve, and the git commit of
 * the code that last changed it.
 *
 * **Keyed by chain.** The file name carries the chain id and the first bytes of the genesis block's hash, so two
 * nodes behind the same network name (a `localhost` pointed at another port, a restarted node whose fresh chain has
 * the same chain id and would give the same contract addresses) never read or overwrite each other's manifest. Every
 * command finds it the same way (`locateManifest`): `BALLAST_MANIFEST` (a file) overrides, else
 * `$BALLAST_MANIFEST_DIR` or `deployments/`, with the name of the chain the command is connected to.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

// the manifest's format is the SDK package's (packages/sdk/src/addresses.ts)
import type { Manifest } from "../packages/sdk/src/addresses.js";
export type { DeployedContract, Manifest } from "../packages/sdk/src/addresses.js";

/** The repository root (this file is sdk/manifest.ts). */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Default folder of the manifests. */
export const DEFAULT_MANIFEST_DIR = join(REPO_ROOT, "deployments");

/** What tells one chain from another: its id and the hash of its block 0. */
export interface ChainKey {
  chainId: bigint;
  genesisHash: string;
}

/** The chain `provider` is connected to. */
export async function chainKey(provider: {
  getNetwork(): Promise<{ chainId: bigint }>;
  getBlock(n: number): Promise<{ hash: string | null } | null>;
}): Promise<ChainKey> {
  const chainId = (await provider.getNetwork()).chainId;
  const genesis = await provider.getBlock(0);
  if (genesis?.hash == null) throw new Error("the node has no block 0: is it an Ethereum node?");
  return { chainId, genesisHash: genesis.hash };
}

/** `deployments/<network>-<chain id>-<first 4 bytes of the genesis hash>.json` (or under `dir`). */
export function manifestPath(network: string, key: ChainKey, dir: string = DEFAULT_MANIFEST_DIR): string {
  return join(dir, `${network}-${key.chainId}-${key.genesisHash.slice(2, 10).toLowerCase()}.json`);
}

/** Where a command finds the manifest, and why there. */
export interface ManifestLocation {
  path: string;
  key: ChainKey;
  /** "BALLAST_MANIFEST" when the variable named the file, else "chain" (the connected chain's keyed name). */
  source: "BALLAST_MANIFEST" | "chain";
}

/**
 * The manifest of the chain `provider` is connected to, for network `network`: `env.BALLAST_MANIFEST` when set (a
 * file; it overrides), else `manifestPath(network, key)` under `env.BALLAST_MANIFEST_DIR` or `deployments/`. The
 * one rule every command uses.
 */
export async function locateManifest(
  provider: Parameters<typeof chainKey>[0],
  network: string,
  env: Record<string, string | undefined> = process.env,
): Promise<ManifestLocation> {
  const key = await chainKey(provider);
  const file = env.BALLAST_MANIFEST;
  if (file !== undefined && file.trim() !== "") return { path: file.trim(), key, source: "BALLAST_MANIFEST" };
  const dir = env.BALLAST_MANIFEST_DIR;
  return {
    path: dir !== undefined && dir.trim() !== "" ? manifestPath(network, key, dir.trim()) : manifestPath(network, key),
    key,
    source: "chain",
  };
}

/** Why `manifest` (read from `path`) is not for chain `key`, or undefined when it is. */
export function otherChain(manifest: Manifest, key: ChainKey, path: string): string | undefined {
  const where = relative(process.cwd(), path) || path;
  if (BigInt(manifest.chainId) !== key.chainId) {
    return `${where} is for chain ${manifest.chainId}, but the node is chain ${key.chainId}`;
  }
  if (manifest.genesisHash !== undefined && manifest.genesisHash.toLowerCase() !== key.genesisHash.toLowerCase()) {
    return (
      `${where} is for another chain with id ${key.chainId} (genesis ${manifest.genesisHash.slice(0, 10)}…, the ` +
      `node's is ${key.genesisHash.slice(0, 10)}…: a restarted node?)`
    );
  }
  return undefined;
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

let commitOfProcess: string | undefined;

/**
 * The git commit of the code this process runs, or "unknown" outside a git checkout. Read once per process (the code
 * running is the code it loaded), so a process that deploys many times (the tests) spawns git once.
 */
export function gitCommit(): string {
  if (commitOfProcess === undefined) {
    try {
      commitOfProcess = execFileSync("git", ["rev-parse", "HEAD"], { cwd: REPO_ROOT, encoding: "utf8" }).trim();
    } catch {
      commitOfProcess = "unknown";
    }
  }
  return commitOfProcess;
}
