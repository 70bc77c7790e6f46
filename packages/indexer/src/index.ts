/**
 * `@ballast/indexer`: positions, operations, liquidations, auctions, takes, Treasury movements and settlement events
 * of one Ballast deployment, in PGlite (embedded) or PostgreSQL, following the chain through reorgs and restarts,
 * with a typed query API and an HTTP JSON server for the dashboard.
 *
 * `startIndexer(options)` is the whole service: it opens (and migrates) the database, checks that it belongs to the
 * deployment, syncs in the background and serves the API.
 */
import type { Server } from "node:http";
import { type PublicClient, createPublicClient, http } from "viem";
import { type Db, migrate, openPglite, openPostgres } from "./db.js";
import { serve } from "./http.js";
import { type IndexerManifest, checkManifest, deploymentOf, readManifest } from "./manifest.js";
import { Queries } from "./queries.js";
import { type SyncOptions, Syncer } from "./sync.js";

export * from "./apply.js";
export * from "./db.js";
export * from "./http.js";
export * from "./manifest.js";
export * from "./queries.js";
export * from "./schema.js";
export * from "./sync.js";

/** Where the data goes and what to follow. */
export interface IndexerOptions extends SyncOptions {
  /** A viem client, or `rpcUrl` to make one (HTTP). */
  client?: PublicClient;
  rpcUrl?: string;
  /** The deployment manifest, or the path of its JSON file. */
  manifest: IndexerManifest | string;
  /** An open database; else `databaseUrl` (PostgreSQL), else PGlite in `dbDir`, else PGlite in memory. */
  db?: Db;
  databaseUrl?: string;
  dbDir?: string;
}

/** An opened indexer: database checked and migrated, not syncing yet. */
export interface Indexer {
  db: Db;
  syncer: Syncer;
  queries: Queries;
  client: PublicClient;
}

/**
 * Opens the database, runs the migrations and checks it belongs to this deployment (chain id, Vault, start block
 * recorded on first use; another deployment's database is refused).
 */
export async function openIndexer(options: IndexerOptions): Promise<Indexer> {
  const manifest =
    typeof options.manifest === "string" ? readManifest(options.manifest) : checkManifest(options.manifest);
  const dep = deploymentOf(manifest);
  const client =
    options.client ??
    (options.rpcUrl !== undefined
      ? (createPublicClient({ transport: http(options.rpcUrl) }) as PublicClient)
      : undefined);
  if (client === undefined) throw new Error("openIndexer: pass client or rpcUrl");
  const db =
    options.db ??
    (options.databaseUrl !== undefined ? await openPostgres(options.databaseUrl) : await openPglite(options.dbDir));
  try {
    await migrate(db);
    const chainId = await client.getChainId();
    if (chainId !== dep.chainId) throw new Error(`the node is chain ${chainId}, the manifest chain ${dep.chainId}`);
    const expected: Record<string, string> = {
      chain_id: String(dep.chainId),
      vault: dep.vault,
      start_block: String(dep.startBlock),
    };
    await db.transaction(async (tx) => {
      const rows = await tx.query("SELECT key, value FROM meta");
      const have = new Map(rows.map((r) => [String(r.key), String(r.value)]));
      for (const [key, value] of Object.entries(expected)) {
        const found = have.get(key);
        if (found === undefined) await tx.query("INSERT INTO meta (key, value) VALUES ($1, $2)", [key, value]);
        else if (found !== value)
          throw new Error(
            `the database belongs to another deployment (${key} ${found}, not ${value}): use another --db or --database-url`,
          );
      }
    });
  } catch (e) {
    if (options.db === undefined) await db.close();
    throw e;
  }
  return { db, client, syncer: new Syncer(client, db, dep, options), queries: new Queries(db) };
}

/** Options of the whole service. */
export interface StartOptions extends IndexerOptions {
  /** HTTP port (0: any free one; undefined: 8787; null: no server). */
  port?: number | null;
  /** HTTP host. Default 127.0.0.1. */
  host?: string;
}

/** A running indexer. */
export interface RunningIndexer extends Indexer {
  /** The HTTP port, or undefined without a server. */
  port: number | undefined;
  server: Server | undefined;
  /** Stops the sync loop and the server, waits for the range in flight, closes the database (unless passed in). */
  stop(): Promise<void>;
}

/** Opens the indexer, syncs in the background (`run`) and serves the HTTP API. */
export async function startIndexer(options: StartOptions): Promise<RunningIndexer> {
  const indexer = await openIndexer(options);
  const port = options.port === undefined ? 8787 : options.port;
  let server: Server | undefined;
  try {
    if (port !== null) server = await serve(indexer.queries, port, options.host);
  } catch (e) {
    if (options.db === undefined) await indexer.db.close();
    throw e;
  }
  const abort = new AbortController();
  const loop = indexer.syncer.run(abort.signal);
  const address = server?.address();
  let stopped: Promise<void> | undefined;
  return {
    ...indexer,
    server,
    port: typeof address === "object" && address !== null ? address.port : undefined,
    stop() {
      stopped ??= (async () => {
        abort.abort();
        await loop;
        if (server !== undefined) await new Promise<void>((resolve) => server?.close(() => resolve()));
        if (options.db === undefined) await indexer.db.close();
      })();
      return stopped;
    },
  };
}
