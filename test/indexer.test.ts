/**
 * The indexer (packages/indexer) against the embedded network: a demo-like run (the demo's portfolio, a price crash,
 * a keeper liquidating and taking, keeper pay claimed, bad debt absorbed by the Treasury), indexed into PGlite and
 * into a PostgreSQL server the test starts, compared exactly with the contracts' views (Vault, PositionLens,
 * LiquidationEngine, Treasury); a restart after a range that failed half-way; a simulated reorg (evm_snapshot,
 * events indexed, evm_revert, other events); the HTTP API; an RPC that refuses wide \`eth_getLogs\` ranges; and the
 * CLI as a child process on the network mining every second, killed with SIGKILL and restarted.
 *
 * The package is imported from its sources (`../packages/indexer/src/index.js`): Hardhat's TypeScript loader runs
 * them as it runs the tests, so no build of the indexer is needed; the indexer imports the ABIs from `@ballast/sdk`,
 * whose build (packages/sdk/dist) is made here when it is missing.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { network } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { type PublicClient, createPublicClient, custom } from "viem";
import { BETH, BUSD } from "../sdk/params.js";
import { type Core, fundAndApprove } from "../deploy/local/core.js";
import { buildPortfolio } from "../deploy/local/portfolio.js";
import { answer8, units, wad } from "../sdk/units.js";
import { Keeper, OracleVenue, vaultPositionSource } from "../keeper/keeper.js";
import { freePort } from "./helpers/anvil.js";
import type { Db, Queries, Queryable } from "../packages/indexer/src/index.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
if (!existsSync(join(ROOT, "packages", "sdk", "dist", "index.js"))) {
  execFileSync(
    process.execPath,
    [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "packages/sdk/tsconfig.json"],
    {
      cwd: ROOT,
      stdio: "inherit",
    },
  );
}
const { openIndexer, openPglite, openPostgres, route, serve, startIndexer, toJson } =
  await import("../packages/indexer/src/index.js");

const connection = await network.create();
const { ethers } = connection;
const client = createPublicClient({ transport: custom(connection.provider) }) as PublicClient;
const SYNTHS = [BUSD, BETH];
const MINUTE = 60;

// ------------------------------------------------------------------------------------------------------------------
// The chain: a demo-like run
// ------------------------------------------------------------------------------------------------------------------

interface Run {
  core: Core;
  keeper: HardhatEthersSigner;
  others: HardhatEthersSigner[];
}

/**
 * The demo's nine positions (buildPortfolio: caps, the module swap-in, 30 days of interest minted), a few owner
 * operations (partial repay, withdrawal, deposit, a transfer, a close), then a crash with a keeper ticking every five
 * minutes (liquidations, takes, resets), keeper pay claimed, and the Treasury absorbing the bad debt.
 */
async function demoRun(): Promise<Run> {
  const core = await buildPortfolio(ethers);
  const signers = await ethers.getSigners();
  const keeper = signers[12]!;
  const others = [signers[1]!, signers[2]!, signers[3]!, signers[13]!];
  // the keeper's funds: bUSD from its own USDC position
  await fundAndApprove(core, keeper, { usdc: units("usdc", "250000") });
  await (
    await core.vault.connect(keeper).openAndMint(BUSD, core.usdc, units("usdc", "250000"), wad("150000"), keeper)
  ).wait();
  // owner operations on the demo's positions (alice #1, bob #2, carol #3)
  await (await core.vault.connect(others[0]!).repay(1n, wad("1000"))).wait();
  await (await core.vault.connect(others[1]!).withdraw(2n, core.usdc, units("usdc", "500"), others[1]!.address)).wait();
  await fundAndApprove(core, others[2]!, { weth: units("weth", "1") });
  await (await core.vault.connect(others[2]!).deposit(3n, core.weth, units("weth", "1"))).wait();
  await (await core.vault.connect(others[2]!).transferPosition(3n, others[3]!.address)).wait();
  // a position opened and closed again
  await fundAndApprove(core, others[3]!, { usdc: units("usdc", "20000") });
  await (await core.busd.connect(keeper).transfer(others[3]!, wad("10"))).wait(); // the interest of one block
  const closing = await core.vault.nextPositionId();
  await (
    await core.vault.connect(others[3]!).openAndMint(BUSD, core.usdc, units("usdc", "20000"), wad("5000"), others[3]!)
  ).wait();
  await (await core.busd.connect(others[3]!).approve(core.vault, ethers.MaxUint256)).wait();
  await (await core.vault.connect(others[3]!).close(closing, others[3]!.address)).wait();

  await crash(core, keeper, [
    { eth: "1600", btc: "54000" },
    { eth: "1350", btc: "50000" },
    { eth: "1150", btc: "47000" },
  ]);
  // ten minutes later a taker buys every bUSD auction's whole lot at its price then
  await ethers.provider.send("evm_increaseTime", [10 * MINUTE]);
  await ethers.provider.send("evm_mine", []);
  await (await core.busd.connect(keeper).approve(core.engine, ethers.MaxUint256)).wait();
  for (let id = 1n; id < (await core.engine.nextAuctionId()); id++) {
    const a = await core.engine.auction(id);
    if (a.lot === 0n || BigInt(a.synthId) !== BUSD) continue;
    const [price, needsReset] = await core.engine.auctionStatus(id);
    if (needsReset) continue;
    await (await core.engine.connect(keeper).take(id, ethers.MaxUint256, price, keeper, "0x")).wait();
  }
  for (const synthId of SYNTHS) {
    if ((await core.engine.keeperPayOwed(keeper, synthId)) > 0n)
      await (await core.engine.connect(keeper).claimKeeperPay(synthId, keeper)).wait();
    if ((await core.treasury.deficit(synthId)) > 0n) await (await core.treasury.absorbBadDebt(synthId)).wait();
  }
  return { core, keeper, others };
}

/** Price steps, each followed by keeper ticks five minutes apart (liquidations, takes, resets). */
async function crash(core: Core, keeperSigner: HardhatEthersSigner, steps: { eth: string; btc: string }[]) {
  const keeper = new Keeper({
    engine: core.engine,
    lens: core.lens,
    signer: keeperSigner,
    positions: vaultPositionSource(core.vault),
    venue: new OracleVenue(core.oracle, core.vault, core.lens, 30n),
    minProfitBps: 100n,
    treasury: core.treasury,
    synthIds: SYNTHS,
  });
  for (const s of steps) {
    await core.setPrice("weth", answer8(s.eth));
    await core.setPrice("wbtc", answer8(s.btc));
    await core.setPrice("usdc", await core.priceOf("usdc"));
    for (let i = 0; i < 3; i++) {
      await keeper.tick();
      await ethers.provider.send("evm_increaseTime", [5 * MINUTE]);
      await ethers.provider.send("evm_mine", []);
    }
  }
}

// ------------------------------------------------------------------------------------------------------------------
// The chain's views against the indexer's tables
// ------------------------------------------------------------------------------------------------------------------

const RAY = 10n ** 27n;
const debtAt = (norm: bigint, index: bigint): bigint => (norm * index + RAY - 1n) / RAY;

/** Each synthetic's stored rate index and unminted fees (the Vault's \`_synths\` array: slot 11, six words each). */
async function storedIndexes(core: Core): Promise<Map<bigint, { index: bigint; unminted: bigint }>> {
  const base = BigInt(ethers.keccak256(ethers.AbiCoder.defaultAbiCoder().encode(["uint256"], [11])));
  const out = new Map<bigint, { index: bigint; unminted: bigint }>();
  for (const synthId of SYNTHS) {
    const word = async (k: bigint) =>
      BigInt(await ethers.provider.getStorage(core.addresses.vault!, base + synthId * 6n + k));
    out.set(synthId, { index: (await word(1n)) & ((1n << 128n) - 1n), unminted: (await word(2n)) >> 128n });
  }
  return out;
}

/** Moves every synthetic's stored rate index to now, so the lens's index (computed at the call) is the stored one. */
async function accrueAll(core: Core): Promise<void> {
  for (const synthId of SYNTHS) await (await core.vault.accrue(synthId)).wait();
}

/** Asserts that the indexer's positions, synthetics, auctions and Treasury totals equal the contracts' views. */
async function expectEqualToChain(core: Core, q: Queries, label: string): Promise<void> {
  // the lens computes the index (and so the debt) at the call's time, a pending block a second after the latest; the
  // indexer has the index of the last accrual (\`InterestAccrued\`), which is the Vault's stored index: read from storage
  const chainIdx = await storedIndexes(core);
  const assets = (await core.vault.assets()).map((a) => a.toLowerCase());
  const next = await core.vault.nextPositionId();
  const released = new Set(
    (await core.vault.queryFilter(core.vault.filters.PositionReleased(), core.manifest.startBlock)).map(
      (e) => e.args.id,
    ),
  );
  const positions = await q.positions({ limit: 1_000 });
  expect(
    positions.map((p) => p.id),
    `${label}: position ids`,
  ).to.deep.equal(Array.from({ length: Number(next - 1n) }, (_, i) => BigInt(i + 1)));
  for (const p of positions) {
    const [owner, synthId] = await core.vault.positionOf(p.id);
    expect(p.owner, `${label}: owner of #${p.id}`).to.equal(owner.toLowerCase());
    expect(BigInt(p.synthId), `${label}: synthetic of #${p.id}`).to.equal(synthId);
    expect(p.normDebt, `${label}: normalized debt of #${p.id}`).to.equal(await core.lens.normDebtOf(p.id));
    expect(p.debt, `${label}: debt of #${p.id} at the stored index`).to.equal(
      debtAt(await core.lens.normDebtOf(p.id), chainIdx.get(synthId)!.index),
    );
    for (const a of assets) {
      expect(p.collateral[a] ?? 0n, `${label}: collateral ${a} of #${p.id}`).to.equal(
        await core.vault.collateralOf(p.id, a),
      );
    }
    const empty = p.normDebt === 0n && Object.keys(p.collateral).length === 0;
    expect(p.status, `${label}: status of #${p.id}`).to.equal(
      released.has(p.id) ? "released" : empty ? "closed" : "open",
    );
  }
  for (const synthId of SYNTHS) {
    const chain = await core.lens.synthetic(synthId);
    const [mine] = (await q.summary()).synthetics.filter((s) => BigInt(s.synthId) === synthId);
    expect(mine, `${label}: synthetic ${synthId} indexed`).to.not.equal(undefined);
    expect(mine!.totalNormDebt, `${label}: total normalized debt of ${synthId}`).to.equal(chain.totalNormDebt);
    expect(mine!.rateIndex, `${label}: rate index of ${synthId}`).to.equal(chainIdx.get(synthId)!.index);
    expect(mine!.totalDebt, `${label}: total debt of ${synthId}`).to.equal(
      debtAt(chain.totalNormDebt, chainIdx.get(synthId)!.index),
    );
    expect(mine!.feesAccrued - mine!.feesMinted, `${label}: unminted fees of ${synthId}`).to.equal(
      chainIdx.get(synthId)!.unminted,
    );
    expect(mine!.auctionDebt, `${label}: auction debt of ${synthId}`).to.equal(chain.auctionDebt);
    expect(mine!.badDebt, `${label}: bad debt of ${synthId}`).to.equal(chain.badDebt);
    expect(mine!.moduleDebt, `${label}: module debt of ${synthId}`).to.equal(chain.moduleDebt);
  }
  const auctions = await q.auctions({ limit: 1_000 });
  const lastAuction = (await core.engine.nextAuctionId()) - 1n;
  expect(
    auctions.map((a) => a.id).sort((a, b) => (a < b ? -1 : 1)),
    `${label}: auction ids`,
  ).to.deep.equal(Array.from({ length: Number(lastAuction) }, (_, i) => BigInt(i + 1)));
  for (const a of auctions) {
    const c = await core.engine.auction(a.id);
    if (a.status === "live") {
      expect(
        [a.positionId, a.asset, a.lot, a.tab, a.debt, a.top, a.floor, a.startTime],
        `${label}: auction ${a.id}`,
      ).to.deep.equal([c.positionId, c.asset.toLowerCase(), c.lot, c.tab, c.debt, c.top, c.floor, c.startTime]);
    } else {
      expect([c.lot, c.tab], `${label}: auction ${a.id} is ${a.status} on chain too`).to.deep.equal([0n, 0n]);
    }
    expect(a.takes.map((t) => t.lotLeft).at(-1) ?? a.initialLot, `${label}: lot after the takes of ${a.id}`).to.equal(
      a.lot,
    );
  }
  expect(BigInt(auctions.filter((a) => a.status === "live").length), `${label}: live auctions`).to.equal(
    await core.engine.auctionCount(),
  );
  const totals = await q.treasuryTotals();
  for (const synthId of SYNTHS) {
    const t = totals.find((x) => BigInt(x.synthId) === synthId);
    expect(t, `${label}: Treasury totals of ${synthId}`).to.not.equal(undefined);
    const h = await core.treasury.history(synthId);
    expect(
      [
        t!.surplus,
        t!.deficit,
        t!.penalties,
        t!.keeperPay,
        t!.keeperPayUnbacked,
        t!.badDebt,
        t!.absorbed,
        t!.distributedSavings,
        t!.distributedBuyback,
      ],
      `${label}: Treasury of ${synthId}`,
    ).to.deep.equal([
      await core.treasury.surplus(synthId),
      await core.treasury.deficit(synthId),
      h.penalties,
      h.keeperPay,
      h.keeperPayUnbacked,
      h.badDebt,
      h.absorbed,
      h.distributedSavings,
      h.distributedBuyback,
    ]);
  }
  // every log of the followed contracts stored exactly once
  const chainLogs = await followedLogs(core);
  const stored = await q.eventCounts();
  const total = Object.values(stored).reduce((a, b) => a + b, 0);
  expect(total, `${label}: stored events (no duplicates, none missing)`).to.equal(chainLogs);
}

/** How many logs the indexer follows on the chain now: the contracts' own and the synthetics' Treasury transfers. */
async function followedLogs(core: Core, provider = ethers.provider): Promise<number> {
  const a = core.addresses;
  const from = core.manifest.startBlock;
  const own = await provider.getLogs({
    address: [a.vault!, a.engine!, a.treasury!, ...(a.settlement ? [a.settlement] : [])],
    fromBlock: from,
    toBlock: "latest",
  });
  const transfer = core.busd.interface.getEvent("Transfer").topicHash;
  const t = ethers.zeroPadValue(a.treasury!, 32);
  const tokens = [await core.busd.getAddress(), await core.beth.getAddress()];
  const into = await provider.getLogs({ address: tokens, topics: [transfer, null, t], fromBlock: from });
  const out = await provider.getLogs({ address: tokens, topics: [transfer, t], fromBlock: from });
  return new Set([...own, ...into, ...out].map((l) => `${l.blockHash}:${l.index}`)).size;
}

/** A database whose transactions fail after `after` statements (a process killed mid-range), once. */
function failingOnce(db: Db, after: number): { db: Db; fired: () => boolean } {
  let armed = true;
  const wrapped: Db = {
    ...db,
    kind: db.kind,
    query: (s, p) => db.query(s, p),
    exec: (s) => db.exec(s),
    close: () => db.close(),
    transaction: (fn) =>
      db.transaction(async (tx) => {
        let n = 0;
        const counting: Queryable = {
          query: async (s, p) => {
            if (armed && s.includes("INSERT INTO events") && ++n > after) {
              armed = false;
              throw new Error("killed mid-range");
            }
            return tx.query(s, p);
          },
        };
        return fn(counting);
      }),
  };
  return { db: wrapped, fired: () => !armed };
}

// ------------------------------------------------------------------------------------------------------------------
// PostgreSQL from Debian's packages
// ------------------------------------------------------------------------------------------------------------------

const PG_BIN = process.env.BALLAST_PG_BIN ?? "/usr/lib/postgresql/15/bin";

/** Starts a PostgreSQL server in a temporary folder on a free port; `stop` removes it. */
async function startPostgres(): Promise<{ url: string; stop(): void }> {
  for (const tool of ["initdb", "pg_ctl", "postgres"]) {
    if (!existsSync(join(PG_BIN, tool))) {
      throw new Error(
        `PostgreSQL is not installed (${join(PG_BIN, tool)} is missing): install it with \`apt-get install postgresql\` ` +
          "(Debian's packages; or set BALLAST_PG_BIN to the folder with initdb, pg_ctl and postgres)",
      );
    }
  }
  const dir = mkdtempSync(join(tmpdir(), "ballast-pg-"));
  const asRoot = process.getuid?.() === 0;
  const run = (tool: string, args: string[]) => {
    const cmd = asRoot ? "runuser" : join(PG_BIN, tool);
    const argv = asRoot ? ["-u", "postgres", "--", join(PG_BIN, tool), ...args] : args;
    const r = spawnSync(cmd, argv, { encoding: "utf8", cwd: dir });
    if (r.status !== 0)
      throw new Error(`${tool} ${args.join(" ")} failed: ${r.stderr || r.stdout || r.error?.message}`);
  };
  if (asRoot) {
    const pw = spawnSync("id", ["-u", "postgres"], { encoding: "utf8" });
    const gw = spawnSync("id", ["-g", "postgres"], { encoding: "utf8" });
    if (pw.status !== 0)
      throw new Error("running as root needs the `postgres` user (apt-get install postgresql creates it)");
    chownSync(dir, Number(pw.stdout.trim()), Number(gw.stdout.trim()));
  }
  const data = join(dir, "data");
  const port = await freePort();
  run("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"]);
  run("pg_ctl", [
    "-D",
    data,
    "-l",
    join(dir, "log"),
    "-w",
    "-o",
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
    "start",
  ]);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop() {
      spawnSync(asRoot ? "runuser" : join(PG_BIN, "pg_ctl"), [
        ...(asRoot ? ["-u", "postgres", "--", join(PG_BIN, "pg_ctl")] : []),
        "-D",
        data,
        "-m",
        "immediate",
        "stop",
      ]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// ------------------------------------------------------------------------------------------------------------------

describe("indexer (packages/indexer)", function () {
  this.timeout(120_000);
  let run: Run;
  let dir: string;
  let pglite: Db;
  let q: Queries;

  before(async function () {
    run = await demoRun();
    await accrueAll(run.core);
    dir = mkdtempSync(join(tmpdir(), "ballast-indexer-"));
  });

  after(async function () {
    await pglite?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it("restart: a range killed half-way is rolled back; reopened on the same folder it ends equal to the chain, nothing twice", async function () {
    const { core } = run;
    expect((await core.engine.nextAuctionId()) > 3n, "the run started auctions").to.equal(true);
    // the first process: small ranges, killed in the middle of a range's transaction
    const first = await openPglite(dir);
    const killer = failingOnce(first, 25);
    const a = await openIndexer({ client, manifest: core.manifest, db: killer.db, maxRange: 40 });
    let err: Error | undefined;
    try {
      await a.syncer.syncToHead();
    } catch (e) {
      err = e as Error;
    }
    expect(err?.message).to.equal("killed mid-range");
    expect(killer.fired()).to.equal(true);
    const tipAtKill = (await a.syncer.tip())?.number ?? 0n;
    const stored = (await a.queries.eventCounts()) as Record<string, number>;
    expect(tipAtKill > BigInt(core.manifest.startBlock), "some ranges were committed before the kill").to.equal(true);
    // the range in flight left nothing: every stored event is at or below the tip, and the tip's range is whole
    const [{ n }] = (await first.query("SELECT count(*) AS n FROM events WHERE block_number > $1", [
      tipAtKill.toString(),
    ])) as [{ n: string }];
    expect(Number(n)).to.equal(0);
    expect(Object.values(stored).reduce((x, y) => x + y, 0) < (await followedLogs(core))).to.equal(true);
    await first.close();

    // the second process on the same folder: resumes at the tip
    pglite = await openPglite(dir);
    const b = await openIndexer({ client, manifest: core.manifest, db: pglite, maxRange: 500 });
    expect((await b.syncer.tip())?.number).to.equal(tipAtKill);
    await b.syncer.syncToHead();
    q = b.queries;
    await expectEqualToChain(core, q, "after the restart");
    // a third pass over the same blocks changes nothing (idempotent by block hash and log index)
    const before = toJson(await q.summary());
    await pglite.query("DELETE FROM blocks WHERE number = (SELECT max(number) FROM blocks)");
    await b.syncer.syncToHead();
    expect(toJson(await q.summary())).to.equal(before);
  });

  it("after the demo-like run: positions, debt, collateral, auctions and the Treasury equal the contracts' views", async function () {
    const s = await q.summary();
    expect(s.liquidations).to.be.greaterThan(2);
    expect(s.takes).to.be.greaterThan(0);
    expect(s.positions.closed).to.be.greaterThan(0);
    const busd = s.treasury.find((t) => BigInt(t.synthId) === BUSD)!;
    expect(
      busd.penalties > 0n && busd.badDebt > 0n && busd.absorbed > 0n && busd.keeperPay > 0n,
      "penalties, bad debt, absorbed, keeper pay",
    ).to.equal(true);
    // a position's history replays to its state: collateral and normalized debt from the operations alone
    for (const p of await q.positions({ limit: 1_000 })) {
      const h = await q.positionHistory(p.id);
      expect(h[0]?.kind).to.equal("opened");
      expect(
        h.reduce((acc, o) => acc + o.normDelta, 0n),
        `norm deltas of #${p.id}`,
      ).to.equal(p.normDebt);
      expect(h.at(-1)?.normDebt).to.equal(p.normDebt);
    }
    // the Treasury's running totals: each movement's surplus is the previous one's plus its signed amount
    const moves = await q.treasuryHistory(Number(BUSD));
    for (let i = 1; i < moves.length; i++) {
      const [prev, m] = [moves[i - 1]!, moves[i]!];
      const d = m.surplus - prev.surplus;
      if (["received", "minted_in"].includes(m.kind)) expect(d).to.equal(m.amount);
      else if (["sent", "burned"].includes(m.kind)) expect(d).to.equal(-m.amount);
      else expect(d).to.equal(0n);
    }
  });

  it("HTTP API: position history, liquidations per asset per day, auctions with takes, Treasury totals", async function () {
    const server = await serve(q, 0);
    const address = server.address();
    const base = `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}`;
    const get = async (path: string): Promise<{ status: number; body: unknown; cors: string | null }> => {
      const r = await fetch(base + path);
      return { status: r.status, body: await r.json(), cors: r.headers.get("access-control-allow-origin") };
    };
    try {
      const liquidated = (await q.liquidations())[0]!;
      const h = await get(`/positions/${liquidated.positionId}/history`);
      expect(h.status).to.equal(200);
      expect(h.cors).to.equal("*");
      expect(h.body).to.deep.equal(JSON.parse(toJson(await q.positionHistory(liquidated.positionId))));
      const kinds = (h.body as { kind: string }[]).map((o) => o.kind);
      expect(kinds).to.include("seized");
      const one = (await get(`/positions/${liquidated.positionId}`)).body as { normDebt: string; debt: string };
      expect(BigInt(one.normDebt)).to.equal(await run.core.lens.normDebtOf(liquidated.positionId));
      const synthOf = (await run.core.vault.positionOf(liquidated.positionId))[1];
      expect(BigInt(one.debt)).to.equal(
        debtAt(
          await run.core.lens.normDebtOf(liquidated.positionId),
          (await storedIndexes(run.core)).get(synthOf)!.index,
        ),
      );

      // per asset per day, against the chain's AuctionStarted events bucketed by their blocks' UTC day
      const daily = (await get("/liquidations/daily")).body as {
        day: string;
        asset: string;
        auctions: number;
        lot: string;
        debt: string;
      }[];
      const started = await run.core.engine.queryFilter(
        run.core.engine.filters.AuctionStarted(),
        run.core.manifest.startBlock,
      );
      const expected = new Map<string, { auctions: number; lot: bigint; debt: bigint }>();
      for (const e of started) {
        const ts = (await e.getBlock()).timestamp;
        const key = `${new Date(ts * 1000).toISOString().slice(0, 10)}|${String(e.args.asset).toLowerCase()}`;
        const x = expected.get(key) ?? { auctions: 0, lot: 0n, debt: 0n };
        expected.set(key, { auctions: x.auctions + 1, lot: x.lot + e.args.lot, debt: x.debt + e.args.debt });
      }
      expect(
        new Map(
          daily.map((d) => [`${d.day}|${d.asset}`, { auctions: d.auctions, lot: BigInt(d.lot), debt: BigInt(d.debt) }]),
        ),
      ).to.deep.equal(expected);

      const treasury = (await get("/treasury")).body as { synthId: number; surplus: string; absorbed: string }[];
      for (const t of treasury) {
        expect(BigInt(t.surplus)).to.equal(await run.core.treasury.surplus(t.synthId));
        expect(BigInt(t.absorbed)).to.equal((await run.core.treasury.history(t.synthId)).absorbed);
      }
      const history = (await get(`/treasury/history?synth=${BUSD}`)).body as { surplus: string }[];
      expect(BigInt(history.at(-1)!.surplus)).to.equal(await run.core.treasury.surplus(BUSD));

      const auctions = (await get("/auctions?status=ended")).body as { id: string; takes: { owe: string }[] }[];
      expect(auctions.length).to.be.greaterThan(0);
      const takes = await run.core.engine.queryFilter(run.core.engine.filters.Take(), run.core.manifest.startBlock);
      expect(
        auctions.flatMap((a) => a.takes).length + (await q.auctions({ status: "live" })).flatMap((a) => a.takes).length,
      ).to.equal(takes.length);
      const series = (await get(`/synthetics/${BUSD}/series`)).body as { totalNormDebt: string }[];
      expect(BigInt(series.at(-1)!.totalNormDebt)).to.equal((await run.core.lens.synthetic(BUSD)).totalNormDebt);
      expect((await get("/positions/abc")).status).to.equal(400);
      expect((await get("/nowhere")).status).to.equal(404);
      expect(await route(q, new URL("http://x/summary"))).to.have.property("liquidations");
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("reorg: blocks indexed on one branch, evm_revert, another branch: rewinds to the fork point and ends equal to the chain", async function () {
    const { core, keeper, others } = run;
    // the running service (background sync loop) on the same database
    const service = await startIndexer({ client, manifest: core.manifest, db: pglite, port: null, pollMs: 20 });
    const synced = async (): Promise<void> => {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const head = await ethers.provider.getBlockNumber();
        const tip = await service.syncer.tip();
        if (tip?.number === BigInt(head)) {
          const node = await ethers.provider.getBlock(head);
          if (node?.hash === tip.hash) return;
        }
        if (Date.now() > deadline) throw new Error(`indexer did not catch up (tip ${tip?.number}, head ${head})`);
        await new Promise((r) => setTimeout(r, 30));
      }
    };
    try {
      await synced();
      const forkBlock = await ethers.provider.getBlockNumber();
      const snapshot = (await ethers.provider.send("evm_snapshot", [])) as string;
      // branch A: alice repays, bob transfers his position, the price falls again and the keeper liquidates
      await (await core.vault.connect(others[0]!).repay(1n, wad("500"))).wait();
      await (await core.vault.connect(others[1]!).transferPosition(2n, keeper.address)).wait();
      await crash(core, keeper, [{ eth: "1000", btc: "40000" }]);
      await accrueAll(core);
      await synced();
      const branchA = await q.summary();
      expect((await q.position(2n))?.owner).to.equal(keeper.address.toLowerCase());
      await expectEqualToChain(core, q, "branch A");

      await ethers.provider.send("evm_revert", [snapshot]);
      // branch B: other transactions at the same heights, and more blocks than branch A had
      await (
        await core.vault.connect(others[1]!).withdraw(2n, core.usdc, units("usdc", "100"), others[1]!.address)
      ).wait();
      await (await core.vault.connect(others[0]!).repay(1n, wad("700"))).wait();
      await accrueAll(core);
      for (let i = 0; i < 3; i++) await ethers.provider.send("evm_mine", []);
      await synced();
      expect(service.syncer.reorgs.length).to.equal(1);
      const reorg = service.syncer.reorgs[0]!;
      expect(reorg.fork, "the fork point: the last block both branches share").to.equal(BigInt(forkBlock));
      expect(reorg.tip > BigInt(forkBlock)).to.equal(true);
      // nothing of branch A is left: bob owns #2 again, the extra liquidations are gone
      expect((await q.position(2n))?.owner).to.equal(others[1]!.address.toLowerCase());
      expect((await q.summary()).liquidations).to.be.lessThan(branchA.liquidations);
      const [{ n }] = (await pglite.query(
        "SELECT count(*) AS n FROM operations WHERE kind = 'transferred' AND position_id = 2",
      )) as [{ n: string }];
      expect(Number(n)).to.equal(0);
      await expectEqualToChain(core, q, "branch B");
    } finally {
      await service.stop();
    }
  });

  it("PostgreSQL (a server from Debian's packages, started here): the same run indexes to the same tables, equal to the chain", async function () {
    const server = await startPostgres();
    let db: Db | undefined;
    try {
      db = await openPostgres(server.url);
      // a provider that refuses eth_getLogs over more than 16 blocks: the range halves from 256 until it passes
      const refusals: string[] = [];
      const limited = {
        ...client,
        request: (async (args: { method: string; params?: unknown }) => {
          if (args.method === "eth_getLogs") {
            const [{ fromBlock, toBlock }] = args.params as [{ fromBlock: string; toBlock: string }];
            if (BigInt(toBlock) - BigInt(fromBlock) + 1n > 16n)
              throw new Error("query returned more than 10000 results");
          }
          return client.request(args as never);
        }) as typeof client.request,
      } as PublicClient;
      const ix = await openIndexer({
        client: limited,
        manifest: run.core.manifest,
        db,
        maxRange: 256,
        confirmations: 5,
        log: (l) => refusals.push(l),
      });
      expect(ix.db.kind).to.equal("postgres");
      // five confirmations: it stops five blocks behind the head
      await ix.syncer.syncToHead();
      const head = BigInt(await ethers.provider.getBlockNumber());
      expect((await ix.syncer.tip())?.number).to.equal(head - 5n);
      // then, with none, on the same database: the rest
      const { syncer } = await openIndexer({ client: limited, manifest: run.core.manifest, db, maxRange: 256 });
      await syncer.syncToHead();
      expect((await syncer.tip())?.number).to.equal(head);
      expect(refusals.filter((l) => l.includes("range 32 -> 16")).length, refusals.join("\n")).to.be.greaterThan(0);
      await expectEqualToChain(run.core, ix.queries, "PostgreSQL");
      // and the same answers as PGlite's, row for row
      expect(toJson(await ix.queries.summary())).to.equal(toJson(await q.summary()));
      expect(toJson(await ix.queries.positions({ limit: 1_000 }))).to.equal(
        toJson(await q.positions({ limit: 1_000 })),
      );
      expect(toJson(await ix.queries.auctions({ limit: 1_000 }))).to.equal(toJson(await q.auctions({ limit: 1_000 })));
      expect(toJson(await ix.queries.treasuryHistory())).to.equal(toJson(await q.treasuryHistory()));
      expect(toJson(await ix.queries.liquidationsPerAssetPerDay())).to.equal(
        toJson(await q.liquidationsPerAssetPerDay()),
      );
      // another deployment's database is refused
      let refused: Error | undefined;
      try {
        await openIndexer({
          client,
          manifest: { ...run.core.manifest, startBlock: run.core.manifest.startBlock + 1 },
          db,
        });
      } catch (e) {
        refused = e as Error;
      }
      expect(refused?.message).to.match(/belongs to another deployment \(start_block/);
    } finally {
      await db?.close();
      server.stop();
    }
  });

  it("CLI (packages/indexer/src/cli.ts under tsx) on a node mining every second: follows the head, killed (SIGKILL) and restarted on the same folder", async function () {
    const { core, others } = run;
    // the embedded network over HTTP (a JSON-RPC relay to its provider), mining a block every second from here on
    const relay = createServer((req, res) => {
      let body = "";
      req.on("data", (d: Buffer) => (body += d.toString()));
      req.on("end", () => {
        const answer = async (m: { id: unknown; method: string; params?: unknown[] }) => {
          try {
            return {
              jsonrpc: "2.0",
              id: m.id,
              result: await connection.provider.request({ method: m.method, params: m.params ?? [] }),
            };
          } catch (e) {
            return { jsonrpc: "2.0", id: m.id, error: { code: -32000, message: (e as Error).message } };
          }
        };
        const msg = JSON.parse(body) as Parameters<typeof answer>[0] | Parameters<typeof answer>[0][];
        void (Array.isArray(msg) ? Promise.all(msg.map(answer)) : answer(msg)).then((out) =>
          res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(out)),
        );
      });
    });
    await new Promise<void>((resolve) => relay.listen(0, "127.0.0.1", resolve));
    const rpcUrl = `http://127.0.0.1:${(relay.address() as AddressInfo).port}`;
    await ethers.provider.send("evm_setAutomine", [false]);
    await ethers.provider.send("evm_setIntervalMining", [1_000]);
    const tmp = mkdtempSync(join(tmpdir(), "ballast-indexer-cli-"));
    let child: ChildProcess | undefined;
    let output = "";
    try {
      const manifest = join(tmp, "manifest.json");
      writeFileSync(manifest, toJson(core.manifest));
      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      const start = (): ChildProcess => {
        const c = spawn(
          process.execPath,
          [
            // the CLI's source through tsx (Hardhat's TypeScript runner, as for these tests): the same code as
            // dist/cli.js without a 20-second \`tsc\` build of the package in the test's budget
            "--import",
            "tsx",
            join(ROOT, "packages/indexer/src/cli.ts"),
            ...["--rpc", rpcUrl, "--manifest", manifest, "--db", join(tmp, "db"), "--port", String(port)],
            ...["--poll-ms", "200", "--max-range", "50"],
          ],
          { stdio: ["ignore", "pipe", "pipe"], cwd: ROOT },
        );
        c.stdout?.on("data", (d: Buffer) => (output += d.toString()));
        c.stderr?.on("data", (d: Buffer) => (output += d.toString()));
        return c;
      };
      const get = async (path: string): Promise<unknown> => (await fetch(base + path)).json();
      const caughtUp = async (label: string): Promise<void> => {
        const deadline = Date.now() + 40_000;
        for (;;) {
          const head = await ethers.provider.getBlock("latest");
          type Tip = { block: { number: string; hash: string } | null };
          const s = (await get("/summary").catch(() => undefined)) as Tip | undefined; // undefined: not listening yet
          if (s?.block?.number === String(head?.number) && s.block.hash === head?.hash) return;
          if (Date.now() > deadline)
            throw new Error(`${label}: the CLI did not reach block ${head?.number}:\n${output}`);
          await new Promise((r) => setTimeout(r, 200));
        }
      };
      child = start();
      await caughtUp("first start");
      // a transaction mined by the interval, followed live
      await (await core.vault.connect(others[0]!).repay(1n, wad("100"))).wait();
      await caughtUp("after a repay");
      const one = (await get("/positions/1")) as { normDebt: string };
      expect(BigInt(one.normDebt)).to.equal(await core.lens.normDebtOf(1n));
      // killed without warning; more happens while it is down; restarted on the same folder
      child.kill("SIGKILL");
      await new Promise((r) => child?.once("exit", r));
      await (await core.vault.connect(others[1]!).withdraw(2n, core.usdc, units("usdc", "50"), others[1]!)).wait();
      await (await core.vault.connect(others[0]!).repay(1n, wad("100"))).wait();
      child = start();
      await caughtUp("after the restart");
      // the same tables as the in-process indexer's, synced to the same head
      await ethers.provider.send("evm_setIntervalMining", [0]);
      await ethers.provider.send("evm_setAutomine", [true]);
      await caughtUp("with the head still");
      const mine = await openIndexer({ client, manifest: core.manifest, db: pglite });
      await mine.syncer.syncToHead();
      for (const path of [
        "/summary",
        "/positions?limit=1000",
        "/auctions?limit=1000",
        `/treasury/history?synth=${BUSD}`,
      ]) {
        const expected =
          path === "/summary"
            ? await q.summary()
            : path.startsWith("/positions")
              ? await q.positions({ limit: 1_000 })
              : path.startsWith("/auctions")
                ? await q.auctions({ limit: 1_000 })
                : await q.treasuryHistory(Number(BUSD));
        expect(await get(path), path).to.deep.equal(JSON.parse(toJson(expected)));
      }
      expect(((await get("/summary")) as { events: number }).events, "every followed log once").to.equal(
        await followedLogs(core),
      );
      child.kill("SIGTERM");
      const code = await new Promise((r) => child?.once("exit", r));
      expect(code, output).to.equal(0);
      child = undefined;
    } finally {
      child?.kill("SIGKILL");
      await ethers.provider.send("evm_setIntervalMining", [0]);
      await ethers.provider.send("evm_setAutomine", [true]);
      await new Promise((resolve) => relay.close(resolve));
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it("shutdown and settlement: positions released and settled, the live auction and the module handed over, equal to the chain", async function () {
    const { core } = run;
    const live = (await q.auctions({ status: "live" })).map((a) => a.id);
    expect(live.length, "a live auction to hand over").to.be.greaterThan(0);
    await (await core.settlement.shutdown()).wait();
    for (const asset of await core.vault.assets()) {
      if ((await core.settlement.frozenPrice(asset)) === 0n && !(await core.settlement.frozenAtZero(asset)))
        await (await core.settlement.freezePrice(asset)).wait();
    }
    for (const id of [1n, 2n, 8n]) await (await core.settlement.settlePosition(id)).wait();
    for (const id of live) await (await core.settlement.settleAuction(id)).wait();
    await (await core.settlement.settleModule(core.psm)).wait();
    const ix = await openIndexer({ client, manifest: core.manifest, db: pglite });
    await ix.syncer.syncToHead();
    await expectEqualToChain(core, q, "after shutdown and settlement");
    const s = await q.summary();
    expect(s.shutdown).to.equal(true);
    expect(s.positions.released).to.equal(3);
    expect(s.auctions.live).to.equal(0);
    expect(s.auctions.released).to.equal(live.length);
    // every settlement-side event, in order: the Settlement's own and the Vault's and engine's hand-overs
    const from = core.manifest.startBlock;
    const chain = [
      ...(await ethers.provider.getLogs({ address: core.addresses.settlement!, fromBlock: from })),
      ...(await core.vault.queryFilter(core.vault.filters.ShutdownStarted(), from)),
      ...(await core.vault.queryFilter(core.vault.filters.PositionReleased(), from)),
      ...(await core.vault.queryFilter(core.vault.filters.AuctionDebtReleased(), from)),
      ...(await core.vault.queryFilter(core.vault.filters.ModuleReleased(), from)),
      ...(await core.engine.queryFilter(core.engine.filters.AuctionReleased(), from)),
    ].sort((a, b) => a.blockNumber - b.blockNumber || a.index - b.index);
    const mine = await q.settlementEvents();
    expect(mine.map((e) => [Number(e.blockNumber), e.logIndex])).to.deep.equal(
      chain.map((l) => [l.blockNumber, l.index]),
    );
    expect(mine.map((e) => e.name)).to.include.members([
      "Shutdown",
      "ShutdownStarted",
      "PositionReleased",
      "AuctionReleased",
      "ModuleReleased",
    ]);
  });
});
