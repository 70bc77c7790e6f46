/**
 * The keeper and the manifests against real nodes (anvil): a local node restarted with the same chain id, where the
 * same deployer nonce gives the same Vault address. The new chain's deploy gets its own manifest (keyed by the
 * genesis hash) instead of overwriting the old one, and the keeper refuses its old checkpoint (the recorded block
 * hash is not in the new chain), says so, rescans from the deployment block and liquidates a position opened below
 * the old checkpoint's block.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { network } from "hardhat";
import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import { configFor } from "../deploy/config/networks.js";
import { deploySystem } from "../deploy/deploy.js";
import { type Checkpoint } from "../keeper/scan.js";
import { type KeeperConfig, KeeperService } from "../keeper/service.js";
import * as ops from "../tasks/ops.js";
import { type System, loadSystem } from "../sdk/system.js";
import { type LocalNode, rpc, startAnvil } from "./helpers/anvil.js";

const GWEI = 10n ** 9n;

async function connect(node: LocalNode): Promise<HardhatEthers> {
  return (await network.create({ network: "localhost", override: { url: node.url } })).ethers;
}

describe("keeper and manifests on a restarted node (anvil)", function () {
  this.timeout(300_000);
  const nodes: LocalNode[] = [];
  let saved: string | undefined;
  let dir: string;

  before(function () {
    saved = process.env.BALLAST_MANIFEST_DIR;
    dir = mkdtempSync(join(tmpdir(), "ballast-restart-"));
    process.env.BALLAST_MANIFEST_DIR = dir;
  });

  after(async function () {
    for (const n of nodes) await n.stop();
    if (saved === undefined) delete process.env.BALLAST_MANIFEST_DIR;
    else process.env.BALLAST_MANIFEST_DIR = saved;
  });

  it("a restarted node gets its own manifest; the keeper refuses the old checkpoint, rescans and liquidates", async function () {
    const quiet = (): void => {};
    const load = (ethers: HardhatEthers, from: string): Promise<System> =>
      loadSystem(ethers, "localhost", { from, log: quiet });
    const checkpointPath = join(dir, "keeper-localhost.json");
    const cfg: KeeperConfig = {
      pollSeconds: 0.1,
      minProfitBps: 100n,
      batchSize: 50,
      checkpointPath,
      maxFeePerGas: 1_000n * GWEI,
      blockChunk: 2_000,
      confirmations: 0,
      venueSpreadBps: 30n,
      once: true,
    };
    const service = async (sys: System, lines: string[]): Promise<KeeperService> =>
      new KeeperService({
        vault: sys.vault,
        engine: sys.engine,
        lens: sys.lens,
        oracle: sys.oracle,
        signer: sys.signer,
        scope: {
          network: "localhost",
          chainId: (await sys.ethers.provider.getNetwork()).chainId,
          vault: await sys.vault.getAddress(),
        },
        startBlock: sys.manifest.startBlock,
        config: cfg,
        gasMarginBps: sys.gasMarginBps,
        errors: sys.errors,
        log: (l) => lines.push(l),
      });

    // the first node: deploy, a position, the chain moves on, the keeper checkpoints its head
    const first = await startAnvil({ genesisTimestamp: 1_700_000_000 });
    nodes.push(first);
    const e1 = await connect(first);
    await deploySystem(e1, "localhost", configFor("localhost"), { log: quiet });
    const [manifest1] = readdirSync(dir);
    const manifest1Text = readFileSync(join(dir, manifest1 ?? ""), "utf8");
    const a1 = await load(e1, "1");
    await ops.faucet(a1, { asset: "WETH", amount: "10" });
    await ops.openPosition(a1, { synth: "bUSD", asset: "WETH", amount: "10", mint: "5000" });
    await rpc(first.url, "anvil_mine", ["0x64"]); // 100 more blocks
    const k1 = await load(e1, "3");
    const run1 = await (await service(k1, [])).run(new AbortController().signal);
    const old = JSON.parse(readFileSync(checkpointPath, "utf8")) as Checkpoint;
    expect(old.lastBlock).to.equal(await e1.provider.getBlockNumber());
    expect(old.lastBlockHash).to.equal((await e1.provider.getBlock(old.lastBlock))?.hash);
    expect(run1.checkpoint.positions).to.deep.equal(["1"]);
    const vault1 = await a1.vault.getAddress();
    await first.stop();

    // the node restarts: same chain id, a new genesis; the same deployer nonce gives the same addresses
    const second = await startAnvil({ genesisTimestamp: 1_700_000_500 });
    nodes.push(second);
    const e2 = await connect(second);
    expect(await e2.provider.getBlockNumber()).to.equal(0);
    const deployed = await deploySystem(e2, "localhost", configFor("localhost"), { log: quiet });
    expect(deployed.manifest.contracts.Vault?.address).to.equal(vault1);
    // two manifests, keyed by genesis: the first node's is untouched
    const files = readdirSync(dir).filter((f) => f.startsWith("localhost-31337-"));
    expect(files).to.have.length(2);
    expect(readFileSync(join(dir, manifest1 ?? ""), "utf8")).to.equal(manifest1Text);
    const g2 = (await e2.provider.getBlock(0))?.hash ?? "";
    expect(deployed.manifestPath).to.equal(join(dir, `localhost-31337-${g2.slice(2, 10)}.json`));

    // on the new chain, a position opened far below the old checkpoint's block, and a crash
    const a2 = await load(e2, "2");
    await ops.faucet(a2, { asset: "WETH", amount: "10" });
    const opened = await ops.openPosition(a2, { synth: "bUSD", asset: "WETH", amount: "10", mint: "14000" });
    const k2 = await load(e2, "3");
    await ops.faucet(k2, { asset: "USDC", amount: "50000" });
    await ops.openPosition(k2, { synth: "bUSD", asset: "USDC", amount: "50000", mint: "30000" });
    expect(await e2.provider.getBlockNumber()).to.be.lessThan(old.lastBlock);
    await ops.setPrice(k2, { asset: "WETH", usd: "1600" }); // health 0.85 × 16,000 / 14,000 < 1
    // from here a block every second, as on a live network
    await rpc(second.url, "evm_setAutomine", [false]);
    await rpc(second.url, "evm_setIntervalMining", [1]);

    const lines: string[] = [];
    const svc = await service(k2, lines);
    const run2 = await svc.run(new AbortController().signal);
    expect(svc.source.rescans).to.have.length(1);
    expect(svc.source.rescans[0]).to.deep.include({ lastBlock: old.lastBlock, recorded: old.lastBlockHash });
    expect(
      lines.some((l) =>
        new RegExp(
          ` checkpoint-refused lastBlock=${old.lastBlock} recorded=${old.lastBlockHash} node=(0x[0-9a-f]{64}|no-such-block): ` +
            `not this chain's history \\(a restarted node or a reorg\\); rescanning from block ${k2.manifest.startBlock}$`,
        ).test(l),
      ),
      lines.join("\n"),
    ).to.equal(true);
    expect(run2.scans[0]?.from).to.equal(k2.manifest.startBlock);
    expect(run2.reports[0]?.liquidations.map((l) => l.positionId)).to.deep.equal([opened.id]);
    expect((await k2.lens.healthOf(opened.id)).health >= 10n ** 18n).to.equal(true);
    const cp = JSON.parse(readFileSync(checkpointPath, "utf8")) as Checkpoint;
    expect(cp.lastBlockHash).to.equal((await e2.provider.getBlock(cp.lastBlock))?.hash);
  });

  it("npm run risk and npm run reserves find the same chain's manifest from --network alone (no BALLAST_MANIFEST)", async function () {
    const node = nodes.at(-1);
    if (node === undefined) throw new Error("the previous test's node is gone");
    const out = mkdtempSync(join(tmpdir(), "ballast-reports-"));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      LOCALHOST_RPC_URL: node.url,
      BALLAST_MANIFEST_DIR: dir,
      RISK_PATHS: "20",
      RISK_HOURS: "6",
      RISK_RECOMMEND: "0",
      RISK_OUT: out,
      RESERVES_OUT: out,
    };
    delete env.BALLAST_MANIFEST;
    const genesis = (await rpc<{ hash: string }>(node.url, "eth_getBlockByNumber", ["0x0", false])).hash;
    const expected = join(dir, `localhost-31337-${genesis.slice(2, 10)}.json`);
    const risk = spawnSync("npx", ["hardhat", "run", "--network", "localhost", "tools/risk.ts"], {
      env,
      encoding: "utf8",
    });
    expect(risk.status, `${risk.stdout}${risk.stderr}`).to.equal(0);
    expect(risk.stdout).to.contain(`• reading the deployment in ${expected}`);
    expect(risk.stdout).to.match(/collateralization \d+\.\d%/);
    const reserves = spawnSync("npx", ["hardhat", "run", "--network", "localhost", "tools/reserves.ts"], {
      env,
      encoding: "utf8",
    });
    expect(reserves.status, `${reserves.stdout}${reserves.stderr}`).to.equal(0);
    expect(reserves.stdout).to.match(/System: backing = all collateral held/);
    // on a chain with no manifest they say which file they looked for and how to make one
    const empty = mkdtempSync(join(tmpdir(), "ballast-none-"));
    const missing = spawnSync("npx", ["hardhat", "run", "--network", "localhost", "tools/risk.ts"], {
      env: { ...env, BALLAST_MANIFEST_DIR: empty },
      encoding: "utf8",
    });
    expect(missing.status).to.equal(1);
    expect(missing.stderr).to.contain(
      `risk: no deployment manifest for "localhost" on this chain (${join(empty, `localhost-31337-${genesis.slice(2, 10)}.json`)}): deploy first`,
    );
  });
});
