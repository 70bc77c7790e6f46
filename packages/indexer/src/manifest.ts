/**
 * The part of a deployment manifest (`deployments/<network>-<chain id>-<genesis>.json`, written by `npm run deploy`)
 * the indexer reads. The full type lives in the repository's `sdk/manifest.ts`, which a workspace package cannot
 * import (it is not part of any package, and it pulls in Node's file system and git); this is a minimal structural
 * copy, checked field by field when the file is read, so a manifest of another shape fails with a clear message.
 */
import { readFileSync } from "node:fs";

/** The contracts, synthetics and start block the indexer needs from a manifest. */
export interface IndexerManifest {
  network?: string;
  chainId: number;
  /** Block of the first deployment: where the indexer starts. */
  startBlock: number;
  /** Contracts by deploy name (`Vault`, `LiquidationEngine`, `Treasury`, `Settlement`, ...). */
  contracts: Record<string, { address: string }>;
  /** Synthetics by symbol: token address and the Vault's synthetic id. */
  synthetics: Record<string, { token: string; synthId: number }>;
  /** Collateral assets by symbol (token address, decimals). */
  assets?: Record<string, { token: string; decimals: number }>;
}

/** The addresses the indexer follows, lower-case. */
export interface Deployment {
  chainId: number;
  startBlock: number;
  vault: string;
  engine: string;
  treasury: string;
  /** Absent on deployments without the emergency settlement. */
  settlement?: string;
  /** Synthetic token address (lower-case) → synthetic id. */
  synthByToken: Map<string, number>;
  /** Synthetic id → symbol. */
  symbolBySynth: Map<number, string>;
  /** Collateral token address (lower-case) → symbol and decimals. */
  assets: Map<string, { symbol: string; decimals: number }>;
}

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/** Reads and checks the manifest at `path`. */
export function readManifest(path: string): IndexerManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new Error(`manifest ${path}: ${(e as Error).message}`);
  }
  return checkManifest(raw, path);
}

/** Checks that `raw` has the fields the indexer needs; `where` names it in messages. */
export function checkManifest(raw: unknown, where = "manifest"): IndexerManifest {
  const problems: string[] = [];
  const m = raw as Partial<IndexerManifest> | null;
  if (m === null || typeof m !== "object") throw new Error(`${where}: not a JSON object`);
  if (!Number.isSafeInteger(m.chainId)) problems.push("chainId is not an integer");
  if (!Number.isSafeInteger(m.startBlock) || (m.startBlock ?? -1) < 0) problems.push("startBlock is not a block");
  for (const name of ["Vault", "LiquidationEngine", "Treasury"]) {
    if (!ADDRESS.test(m.contracts?.[name]?.address ?? "")) problems.push(`contracts.${name}.address is missing`);
  }
  for (const [symbol, s] of Object.entries(m.synthetics ?? {})) {
    if (!ADDRESS.test(s?.token ?? "") || !Number.isSafeInteger(s?.synthId))
      problems.push(`synthetics.${symbol} needs token and synthId`);
  }
  if (m.synthetics === undefined) problems.push("synthetics is missing");
  if (problems.length > 0) throw new Error(`${where} is not a Ballast deployment manifest: ${problems.join("; ")}`);
  return m as IndexerManifest;
}

/** The addresses and maps the indexer works with. */
export function deploymentOf(m: IndexerManifest): Deployment {
  const addr = (name: string): string => (m.contracts[name]?.address ?? "").toLowerCase();
  const settlement = m.contracts.Settlement?.address;
  return {
    chainId: m.chainId,
    startBlock: m.startBlock,
    vault: addr("Vault"),
    engine: addr("LiquidationEngine"),
    treasury: addr("Treasury"),
    ...(settlement !== undefined ? { settlement: settlement.toLowerCase() } : {}),
    synthByToken: new Map(Object.values(m.synthetics).map((s) => [s.token.toLowerCase(), s.synthId])),
    symbolBySynth: new Map(Object.entries(m.synthetics).map(([symbol, s]) => [s.synthId, symbol])),
    assets: new Map(
      Object.entries(m.assets ?? {}).map(([symbol, a]) => [a.token.toLowerCase(), { symbol, decimals: a.decimals }]),
    ),
  };
}
