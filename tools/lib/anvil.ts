/**
 * A real local node for the tests that are about nodes and for `npm run app`: Foundry's anvil from the npm package `@foundry-rs/anvil` (a
 * devDependency whose binary comes from the registry package `@foundry-rs/anvil-linux-amd64`; nothing is downloaded
 * at install or run time), on a free port, with interval mining (`--block-time`) or instant mining. Each test starts
 * its own node and stops it; no test assumes port 8545 is free. (test/helpers/anvil.ts re-exports this file.)
 *
 * anvil derives the same 20 accounts as `npx hardhat node` (the "test test … junk" mnemonic) and uses chain id 31337,
 * so a deploy from account 0 gets the same addresses as on Hardhat's node.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const ANVIL = join(ROOT, "node_modules", ".bin", "anvil");

export interface LocalNode {
  url: string;
  port: number;
  /** Everything the node printed (for failure messages). */
  output: () => string;
  stop(): Promise<void>;
}

/** A TCP port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** One JSON-RPC call to `url`. */
export async function rpc<T = unknown>(url: string, method: string, params: unknown[] = []): Promise<T> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await res.json()) as { result?: T; error?: { message: string } };
  if (body.error !== undefined) throw new Error(`${method}: ${body.error.message}`);
  return body.result as T;
}

/**
 * Starts anvil on `opts.port` or a free port. `blockTime` [s]: a block every that many seconds (interval mining);
 * undefined: a block per transaction. `genesisTimestamp` [s]: block 0's timestamp (default: now). Resolves once anvil
 * itself says it listens on the port and answers there (so a process that took the port between `freePort` and the
 * start is never mistaken for it: anvil then exits, and on a port it chose itself this tries another, three times).
 */
export async function startAnvil(
  opts: { blockTime?: number; port?: number; genesisTimestamp?: number } = {},
): Promise<LocalNode> {
  if (!existsSync(ANVIL)) throw new Error(`${ANVIL} is missing: run npm ci (the devDependency @foundry-rs/anvil)`);
  for (let attempt = 1; ; attempt++) {
    try {
      return await startAnvilOn(opts.port ?? (await freePort()), opts);
    } catch (e) {
      if (opts.port !== undefined || attempt >= 3) throw e;
    }
  }
}

async function startAnvilOn(port: number, opts: { blockTime?: number; genesisTimestamp?: number }): Promise<LocalNode> {
  const args = ["--port", String(port), "--accounts", "20", "--chain-id", "31337"];
  if (opts.blockTime !== undefined) args.push("--block-time", String(opts.blockTime));
  // the genesis block's timestamp (and so its hash): two nodes started in the same second would otherwise share it
  if (opts.genesisTimestamp !== undefined) args.push("--timestamp", String(opts.genesisTimestamp));
  const child: ChildProcess = spawn(ANVIL, args, { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let listening = false;
  const ready = `Listening on 127.0.0.1:${port}`;
  child.stdout?.on("data", (d: Buffer) => {
    if (listening) return; // anvil logs every call after this; nobody reads it
    out += d.toString();
    listening = out.includes(ready);
  });
  child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (listening && child.exitCode === null) {
      try {
        await rpc(url, "eth_chainId");
        break;
      } catch {
        // not answering yet
      }
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`anvil did not start on port ${port}: ${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    port,
    output: () => out,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}
