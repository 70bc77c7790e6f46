/**
 * The HTTP JSON API over `Queries` (node:http, no framework). GET only; CORS open (`Access-Control-Allow-Origin: *`)
 * so a dashboard on another localhost port can read it. Bigints are written as decimal strings.
 *
 *   GET /health                        { ok, block }
 *   GET /summary                       counts, last block, synthetics' and Treasury's totals
 *   GET /positions?status=&owner=&limit=&offset=
 *   GET /positions/:id                 the position now and its history
 *   GET /positions/:id/history         its events, oldest first, with the state after each
 *   GET /liquidations?position=&limit=&offset=
 *   GET /liquidations/daily            per collateral asset per UTC day
 *   GET /auctions?status=live|ended|released&limit=&offset=   with their takes
 *   GET /auctions/:id                  one auction with its takes
 *   GET /treasury                      running totals per synthetic
 *   GET /treasury/history?synth=       every movement with the totals after it
 *   GET /synthetics/:id/series         debt, auction debt, bad debt, module debt, index over time
 *   GET /settlement                    shutdown and settlement events
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import type { Queries } from "./queries.js";

/** `JSON.stringify` with bigints as decimal strings. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const integer = (s: string | undefined, what: string): bigint => {
  if (s === undefined || !/^\d+$/.test(s)) throw new HttpError(400, `${what} must be a non-negative integer`);
  return BigInt(s);
};
const optionalNumber = (s: string | null): number | undefined => (s === null || s === "" ? undefined : Number(s));

/** Answers one request path (with its query string) from `q`: the body, or an HttpError. */
export async function route(q: Queries, url: URL): Promise<unknown> {
  const parts = url.pathname.split("/").filter((p) => p !== "");
  const param = (k: string): string | undefined => url.searchParams.get(k) ?? undefined;
  const paging = {
    limit: optionalNumber(url.searchParams.get("limit")),
    offset: optionalNumber(url.searchParams.get("offset")),
  };
  const [head, id, tail] = parts;
  switch (head) {
    case undefined:
    case "health": {
      const s = await q.summary();
      return { ok: true, block: s.block };
    }
    case "summary":
      return q.summary();
    case "positions": {
      if (id === undefined) {
        const status = param("status");
        const owner = param("owner");
        return q.positions({ ...paging, ...(status ? { status } : {}), ...(owner ? { owner } : {}) });
      }
      const pid = integer(id, "position id");
      if (tail === "history") return q.positionHistory(pid);
      if (tail !== undefined) break;
      const position = await q.position(pid);
      if (position === undefined) throw new HttpError(404, `position ${pid} is not indexed`);
      return { ...position, history: await q.positionHistory(pid) };
    }
    case "liquidations": {
      if (id === "daily") return q.liquidationsPerAssetPerDay();
      if (id !== undefined) break;
      const position = param("position");
      return q.liquidations({ ...paging, ...(position ? { positionId: integer(position, "position") } : {}) });
    }
    case "auctions": {
      if (id === undefined) {
        const status = param("status");
        return q.auctions({ ...paging, ...(status ? { status } : {}) });
      }
      const a = await q.auction(integer(id, "auction id"));
      if (a === undefined) throw new HttpError(404, `auction ${id} is not indexed`);
      return a;
    }
    case "treasury": {
      if (id === undefined) return q.treasuryTotals();
      if (id !== "history") break;
      const synth = param("synth");
      return q.treasuryHistory(synth === undefined ? undefined : Number(integer(synth, "synth")));
    }
    case "synthetics":
      if (id !== undefined && tail === "series") return q.synthSeries(Number(integer(id, "synthetic id")));
      break;
    case "settlement":
      return q.settlementEvents();
  }
  throw new HttpError(404, `no route ${url.pathname}`);
}

/** Starts the API on `port` (0: any free port) at `host` (default 127.0.0.1); resolves once it listens. */
export function serve(q: Queries, port: number, host = "127.0.0.1"): Promise<Server> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const headers = {
      "Access-Control-Allow-Origin": "*",
      "Access-Control-Allow-Methods": "GET, OPTIONS",
      "Access-Control-Allow-Headers": "Content-Type",
      "Content-Type": "application/json; charset=utf-8",
    };
    if (req.method === "OPTIONS") {
      res.writeHead(204, headers).end();
      return;
    }
    if (req.method !== "GET") {
      res.writeHead(405, headers).end(toJson({ error: "GET only" }));
      return;
    }
    route(q, new URL(req.url ?? "/", "http://localhost"))
      .then((body) => res.writeHead(200, headers).end(toJson(body)))
      .catch((e: unknown) => {
        const status = e instanceof HttpError ? e.status : 500;
        res.writeHead(status, headers).end(toJson({ error: (e as Error).message }));
      });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve(server));
  });
}
