#!/usr/bin/env node
/**
 * `node packages/indexer/dist/cli.js --rpc <url> --manifest <file> [--db <dir> | --database-url postgres://...]
 *  [--port 8787] [--host 127.0.0.1] [--confirmations N] [--poll-ms 1000] [--max-range 2000]`
 *
 * Runs the indexer until SIGINT or SIGTERM (then finishes the range in flight and exits). `--db` defaults to
 * `.ballast-indexer/` in the working directory; `--port 0` picks a free port.
 */
import { parseArgs } from "node:util";
import { startIndexer } from "./index.js";

const USAGE =
  "usage: ballast-indexer --rpc <url> --manifest <file> [--db <dir> | --database-url postgres://...] " +
  "[--port 8787] [--host 127.0.0.1] [--confirmations N] [--poll-ms 1000] [--max-range 2000]";

function int(v: string | undefined, name: string, fallback: number): number {
  if (v === undefined) return fallback;
  if (!/^\d+$/.test(v)) throw new Error(`--${name} must be a non-negative integer, got "${v}"`);
  return Number(v);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rpc: { type: "string" },
      manifest: { type: "string" },
      db: { type: "string" },
      "database-url": { type: "string" },
      port: { type: "string" },
      host: { type: "string" },
      confirmations: { type: "string" },
      "poll-ms": { type: "string" },
      "max-range": { type: "string" },
      help: { type: "boolean" },
    },
  });
  if (values.help === true) {
    console.log(USAGE);
    return;
  }
  const rpcUrl = values.rpc ?? process.env.BALLAST_RPC_URL;
  const manifest = values.manifest ?? process.env.BALLAST_MANIFEST;
  if (rpcUrl === undefined || manifest === undefined) throw new Error(`--rpc and --manifest are required\n${USAGE}`);
  if (values.db !== undefined && values["database-url"] !== undefined)
    throw new Error("--db and --database-url exclude each other");
  const databaseUrl = values["database-url"] ?? process.env.BALLAST_DATABASE_URL;
  const indexer = await startIndexer({
    rpcUrl,
    manifest,
    ...(databaseUrl !== undefined ? { databaseUrl } : { dbDir: values.db ?? ".ballast-indexer" }),
    port: int(values.port, "port", 8787),
    ...(values.host !== undefined ? { host: values.host } : {}),
    confirmations: int(values.confirmations, "confirmations", 0),
    pollMs: int(values["poll-ms"], "poll-ms", 1_000),
    maxRange: Math.max(1, int(values["max-range"], "max-range", 2_000)),
    log: (line) => console.log(`[indexer] ${line}`),
  });
  console.log(
    `[indexer] ${indexer.db.kind} database; syncing ${rpcUrl}; HTTP API on http://${values.host ?? "127.0.0.1"}:${indexer.port}`,
  );
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`[indexer] ${signal}: stopping after the range in flight`);
    void indexer.stop().then(() => process.exit(0));
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

main().catch((e: unknown) => {
  console.error(`[indexer] ${(e as Error).message}`);
  process.exit(1);
});
