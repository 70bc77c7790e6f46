/**
 * `npm run keeper:bench`: how long the keeper's full scan takes as the number of positions grows, on the embedded
 * network.
 *
 * Opens positions (1 WETH / 1,000 bUSD each, healthy) from ten accounts with automining off: explicit nonces and gas
 * limits (no estimates), 50 transactions sent at once and mined into one block up to each N of `KEEPER_BENCH_N` (default 250,500,1000,2000), and after each step
 * times one full scan from scratch: discovery from the Vault's events (`EventPositionSource.scan`, no checkpoint, 2,000
 * blocks per `getLogs`) and one keeper pass (`Keeper.tick`: batch `healthOf` in calls of `KEEPER_BENCH_BATCH`, default
 * 200, plus the auction list). Then the same scan resumed from the checkpoint (no new blocks). Three runs per N; the
 * table prints medians. The figures are a report, not a test.
 */
import { network } from "hardhat";
import { BUSD } from "../sdk/params.js";
import { deployCore, fundAndApprove } from "../deploy/local/core.js";
import { printTable } from "../sdk/format.js";
import { units, wad } from "../sdk/units.js";
import { Keeper, OracleVenue } from "../keeper/keeper.js";
import { EventPositionSource } from "../keeper/scan.js";

const sizes = (process.env.KEEPER_BENCH_N ?? "250,500,1000,2000").split(",").map((x) => Number(x.trim()));
if (sizes.some((n) => !Number.isInteger(n) || n < 1) || sizes.length === 0) {
  console.error(
    `KEEPER_BENCH_N must be a comma-separated list of positive integers, got "${process.env.KEEPER_BENCH_N}"`,
  );
  process.exit(1);
}
sizes.sort((a, b) => a - b);
const batch = Number(process.env.KEEPER_BENCH_BATCH ?? "200");
if (!Number.isInteger(batch) || batch < 1) {
  console.error(`KEEPER_BENCH_BATCH must be a positive integer, got "${process.env.KEEPER_BENCH_BATCH}"`);
  process.exit(1);
}
const ACCOUNTS = 10;
const OPEN_GAS = 400_000n; // above what one openAndMint uses, so no estimate is needed
const RUNS = 3; // scans per N; the table shows medians
const GROUP = 50; // transactions per mined block (50 × 400k gas limit fits the 30M block gas limit)

console.log(`keeper scan benchmark on the embedded network: N = ${sizes.join(", ")}, healthOf batch ${batch}`);
const { ethers } = await network.create();
const core = await deployCore(ethers);
const signers = (await ethers.getSigners()).slice(1, 1 + ACCOUNTS);
const [keeperSigner] = await ethers.getSigners();
if (keeperSigner === undefined || signers.length < ACCOUNTS) throw new Error(`needs ${ACCOUNTS + 1} signers`);
const startBlock = await ethers.provider.getBlockNumber();
const perAccount = Math.ceil((sizes.at(-1) ?? 0) / ACCOUNTS);
for (const s of signers) await fundAndApprove(core, s, { weth: units("weth", String(perAccount + 1)) });
const nonces = await Promise.all(signers.map((s) => ethers.provider.getTransactionCount(s.address, "pending")));
const chainId = (await ethers.provider.getNetwork()).chainId;
const vaultAddress = await core.vault.getAddress();

/** Opens positions until the Vault has `n` of them, mining `GROUP` per block. */
async function openUpTo(n: number): Promise<number> {
  const t0 = performance.now();
  const have = Number((await core.vault.nextPositionId()) - 1n);
  await ethers.provider.send("evm_setAutomine", [false]);
  // groups of GROUP transactions, each mined into one block: a small pool keeps every send cheap
  for (let i = have; i < n; i += GROUP) {
    const sent: Promise<unknown>[] = [];
    for (let j = i; j < Math.min(n, i + GROUP); j++) {
      const k = j % ACCOUNTS;
      const s = signers[k]!;
      const nonce = nonces[k]!;
      nonces[k] = nonce + 1;
      sent.push(
        core.vault
          .connect(s)
          .openAndMint(BUSD, core.weth, units("weth", "1"), wad("1000"), s.address, { nonce, gasLimit: OPEN_GAS }),
      );
    }
    await Promise.all(sent);
    await ethers.provider.send("evm_mine", []);
  }
  await ethers.provider.send("evm_setAutomine", [true]);
  const now = Number((await core.vault.nextPositionId()) - 1n);
  if (now !== n) throw new Error(`expected ${n} positions, the Vault has ${now} (a transaction failed?)`);
  return performance.now() - t0;
}

const rows: string[][] = [];
for (const n of sizes) {
  const setupMs = await openUpTo(n);
  const runs: { discovery: number; health: number; resumed: number }[] = [];
  let scan: Awaited<ReturnType<EventPositionSource["scan"]>> | undefined;
  for (let r = 0; r < RUNS; r++) {
    const source = new EventPositionSource({
      vault: core.vault,
      lens: core.lens,
      scope: { network: "default", chainId, vault: vaultAddress },
      startBlock,
    });
    const keeper = new Keeper({
      engine: core.engine,
      lens: core.lens,
      signer: keeperSigner,
      positions: source,
      venue: new OracleVenue(core.oracle, core.vault, core.lens),
      minProfitBps: 100n,
      batchSize: batch,
    });
    const t0 = performance.now();
    scan = await source.scan();
    const t1 = performance.now();
    const tick = await keeper.tick();
    const t2 = performance.now();
    if (scan.known !== n || tick.checked !== n)
      throw new Error(`scan found ${scan.known}, health read ${tick.checked}`);
    // a restart from the checkpoint: nothing new to read, the same keeper pass
    const resumed = new EventPositionSource({
      vault: core.vault,
      lens: core.lens,
      scope: { network: "default", chainId, vault: vaultAddress },
      startBlock,
      checkpoint: source.checkpoint(),
    });
    const t3 = performance.now();
    await resumed.scan();
    await new Keeper({ ...keeper.opts, positions: resumed }).tick();
    const t4 = performance.now();
    runs.push({ discovery: t1 - t0, health: t2 - t1, resumed: t4 - t3 });
  }
  const med = (f: (r: (typeof runs)[number]) => number): number => {
    const xs = runs.map(f).sort((a, b) => a - b);
    return xs[Math.floor(xs.length / 2)] ?? 0;
  };
  const [discovery, health, full, resumedMs] = [
    med((r) => r.discovery),
    med((r) => r.health),
    med((r) => r.discovery + r.health),
    med((r) => r.resumed),
  ];
  if (scan === undefined) throw new Error("no scan ran");
  const blocks = scan.to - scan.from + 1;
  rows.push([
    String(n),
    String(blocks),
    String(scan.logs),
    String(scan.chunks),
    String(Math.ceil(n / batch)),
    discovery.toFixed(0),
    health.toFixed(0),
    full.toFixed(0),
    resumedMs.toFixed(0),
    (setupMs / 1000).toFixed(1),
  ]);
  console.log(
    `  N = ${n}: full scan ${full.toFixed(0)} ms, median of ${RUNS} (setup ${(setupMs / 1000).toFixed(1)} s)`,
  );
}
printTable(
  `Keeper full scan (embedded network, one process; ms, median of ${RUNS} runs)`,
  [
    "positions",
    "blocks",
    "events",
    "getLogs",
    "healthOf calls",
    "discovery ms",
    "health ms",
    "full scan ms",
    "resumed ms",
    "setup s",
  ],
  rows,
);
