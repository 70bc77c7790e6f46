/**
 * `npm run keeper:bench`: how long the keeper's full scan takes as the number of positions grows, on the embedded
 * network.
 *
 * Opens positions (1 WETH / 1,000 bUSD each, healthy) from a few accounts with automining off (explicit nonces and gas
 * limits, then blocks mined in bulk) up to each N of `KEEPER_BENCH_N` (default 250,500,1000,2000), and after each step
 * times one full scan from scratch: discovery from the Vault's events (`EventPositionSource.scan`, no checkpoint, 2,000
 * blocks per `getLogs`) and one keeper pass (`Keeper.tick`: batch `healthOf` in calls of `KEEPER_BENCH_BATCH`, default
 * 200, plus the auction list). Then the same scan resumed from the checkpoint (no new blocks). Prints a table; the
 * figures are a report, not a test.
 */
import { network } from "hardhat";
import { BUSD, deployCore, fundAndApprove, printTable, units, wad } from "./lib/core.js";
import { Keeper, OracleVenue } from "./lib/keeper.js";
import { EventPositionSource } from "./lib/keeper-scan.js";

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

/** Opens positions until the Vault has `n` of them (besides none other), mining in bulk. */
async function openUpTo(n: number): Promise<number> {
  const t0 = performance.now();
  const have = Number((await core.vault.nextPositionId()) - 1n);
  await ethers.provider.send("evm_setAutomine", [false]);
  const sent: Promise<unknown>[] = [];
  for (let i = have; i < n; i++) {
    const k = i % ACCOUNTS;
    const s = signers[k]!;
    const nonce = nonces[k]!;
    nonces[k] = nonce + 1;
    sent.push(
      core.vault
        .connect(s)
        .openAndMint(BUSD, core.weth, units("weth", "1"), wad("1000"), s.address, { nonce, gasLimit: OPEN_GAS }),
    );
    if (sent.length >= 200) await Promise.all(sent.splice(0));
  }
  await Promise.all(sent);
  // mine until the pool is empty (each block holds as many as its gas limit allows)
  for (;;) {
    await ethers.provider.send("evm_mine", []);
    const block = await ethers.provider.getBlock("latest");
    if (block === null || block.transactions.length === 0) break;
  }
  await ethers.provider.send("evm_setAutomine", [true]);
  const now = Number((await core.vault.nextPositionId()) - 1n);
  if (now !== n) throw new Error(`expected ${n} positions, the Vault has ${now} (a transaction failed?)`);
  return performance.now() - t0;
}

const rows: string[][] = [];
for (const n of sizes) {
  const setupMs = await openUpTo(n);
  const source = new EventPositionSource({
    vault: core.vault,
    scope: { network: "default", chainId, vault: vaultAddress },
    startBlock,
  });
  const keeper = new Keeper({
    engine: core.engine,
    signer: keeperSigner,
    positions: source,
    venue: new OracleVenue(core.oracle, core.vault),
    minProfitBps: 100n,
    batchSize: batch,
  });
  const t0 = performance.now();
  const scan = await source.scan();
  const t1 = performance.now();
  const tick = await keeper.tick();
  const t2 = performance.now();
  if (scan.known !== n || tick.checked !== n) throw new Error(`scan found ${scan.known}, health read ${tick.checked}`);
  // a restart from the checkpoint: nothing new to read
  const resumed = new EventPositionSource({
    vault: core.vault,
    scope: { network: "default", chainId, vault: vaultAddress },
    startBlock,
    checkpoint: source.checkpoint(),
  });
  const t3 = performance.now();
  await resumed.scan();
  await new Keeper({ ...keeper.opts, positions: resumed }).tick();
  const t4 = performance.now();
  const blocks = scan.to - scan.from + 1;
  rows.push([
    String(n),
    String(blocks),
    String(scan.logs),
    String(scan.chunks),
    String(Math.ceil(n / batch)),
    (t1 - t0).toFixed(0),
    (t2 - t1).toFixed(0),
    (t2 - t0).toFixed(0),
    (t4 - t3).toFixed(0),
    (setupMs / 1000).toFixed(1),
  ]);
  console.log(`  N = ${n}: full scan ${(t2 - t0).toFixed(0)} ms (setup ${(setupMs / 1000).toFixed(1)} s)`);
}
printTable(
  "Keeper full scan (embedded network, one process; ms)",
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
