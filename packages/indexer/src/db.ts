/**
 * The database behind the indexer: PGlite (embedded PostgreSQL, in a folder or in memory) by default, a PostgreSQL
 * server when a connection URL is given. Both sit behind the same small interface (`Db`), and both return
 * `NUMERIC` and `BIGINT` columns as decimal strings, so the rest of the indexer never sees a float.
 */
import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { MIGRATIONS } from "./schema.js";

/** A row as the database returns it: `NUMERIC` and `BIGINT` as decimal strings, `JSONB` parsed. */
export type Row = Record<string, unknown>;

/** What the indexer runs its SQL through: a connection, or a transaction on one. */
export interface Queryable {
  /** Runs one statement with `$1`-style parameters. */
  query(sql: string, params?: readonly unknown[]): Promise<Row[]>;
}

/** An open database. */
export interface Db extends Queryable {
  /** `"pglite"` or `"postgres"`. */
  readonly kind: "pglite" | "postgres";
  /** Runs `fn` in one transaction: committed when it returns, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Runs several statements (no parameters), e.g. a migration. */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

const INT8 = 20;
const NUMERIC = 1700;
const asString = (v: string): string => v;

/** PGlite in `dir` (created when missing), or in memory when `dir` is undefined. */
export async function openPglite(dir?: string): Promise<Db> {
  if (dir !== undefined) mkdirSync(dir, { recursive: true });
  const db = new PGlite(dir, { parsers: { [INT8]: asString, [NUMERIC]: asString } });
  await db.waitReady;
  // one transaction at a time: PGlite is a single connection, and the sync loop and the HTTP server share it
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn, fn);
    queue = run.catch(() => undefined);
    return run;
  };
  return {
    kind: "pglite",
    query: (sql, params) => serial(async () => (await db.query<Row>(sql, params as unknown[])).rows),
    transaction: (fn) =>
      serial(() =>
        db.transaction((tx) => fn({ query: async (s, p) => (await tx.query<Row>(s, p as unknown[])).rows })),
      ),
    exec: (sql) => serial(async () => void (await db.exec(sql))),
    close: () => serial(() => db.close()),
  };
}

/** A PostgreSQL server at `url` (`postgres://user@host:port/db`), through a small pool. */
export async function openPostgres(url: string): Promise<Db> {
  const types = {
    getTypeParser: ((oid: number, format?: string) =>
      oid === INT8 || oid === NUMERIC
        ? asString
        : pg.types.getTypeParser(oid, format as "text")) as typeof pg.types.getTypeParser,
  };
  const pool = new pg.Pool({ connectionString: url, max: 4, types });
  const client = await pool.connect(); // fail now when the server is unreachable
  client.release();
  return {
    kind: "postgres",
    query: async (sql, params) => (await pool.query(sql, params as unknown[])).rows as Row[],
    async transaction(fn) {
      const c = await pool.connect();
      try {
        await c.query("BEGIN");
        const result = await fn({ query: async (s, p) => (await c.query(s, p as unknown[])).rows as Row[] });
        await c.query("COMMIT");
        return result;
      } catch (e) {
        await c.query("ROLLBACK").catch(() => undefined);
        throw e;
      } finally {
        c.release();
      }
    },
    exec: async (sql) => void (await pool.query(sql)),
    close: () => pool.end(),
  };
}

/** Runs the migrations `db` has not run yet, each in its own transaction. Returns the ids it ran. */
export async function migrate(db: Db): Promise<number[]> {
  await db.exec(
    "CREATE TABLE IF NOT EXISTS schema_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
  );
  const done = new Set((await db.query("SELECT id FROM schema_migrations")).map((r) => Number(r.id)));
  const ran: number[] = [];
  for (const m of MIGRATIONS) {
    if (done.has(m.id)) continue;
    await db.transaction(async (tx) => {
      for (const statement of splitStatements(m.sql)) await tx.query(statement);
      await tx.query("INSERT INTO schema_migrations (id, name) VALUES ($1, $2)", [m.id, m.name]);
    });
    ran.push(m.id);
  }
  return ran;
}

/** The statements of a migration (split at `;` ending a line; the migrations hold no literals with one). */
function splitStatements(sql: string): string[] {
  return sql
    .split(/;\s*$/m)
    .map((s) =>
      s
        .split("\n")
        .filter((l) => !l.trim().startsWith("--"))
        .join("\n")
        .trim(),
    )
    .filter((s) => s !== "");
}
