/**
 * The long-running keeper, as a Hardhat task:
 *
 *   npx hardhat ballast keeper --network localhost [--poll 12] [--min-profit-bps 100] [--batch-size 200]
 *       [--checkpoint reports/keeper-localhost.json] [--max-fee-gwei 100] [--block-chunk 2000] [--confirmations 0]
 *       [--spread-bps 30] [--once] [--from <index|address>]
 *   npm run keeper -- --network localhost
 *
 * Addresses come from the deployment manifest of the chain it is connected to (sdk/manifest.ts `locateManifest`:
 * `deployments/<network>-<chain id>-<genesis>.json`, or `BALLAST_MANIFEST`), the signer from the network's config
 * (`--from` picks one; live networks use `DEPLOYER_PRIVATE_KEY` from `.env`), every setting from a flag or its
 * `KEEPER_*` variable (keeper/flags.ts `KEEPER_FLAGS`). SIGINT (Ctrl-C) or SIGTERM stops it cleanly: the
 * current tick stops before its next transaction, the checkpoint is written, the process exits 0. The venue is the
 * mock `OracleVenue` (oracle price less a spread); a real one implements the `Venue` interface.
 */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { formatGwei, formatWad } from "../../sdk/format.js";
import type { NetworkConnection } from "hardhat/types/network";
import type { KeeperFlag } from "../../keeper/flags.js";
import { KeeperConfigError, KeeperService, parseKeeperConfig, stopOnSignals } from "../../keeper/service.js";
import { CheckpointError } from "../../keeper/scan.js";
import { TaskError, loadSystem } from "../../sdk/system.js";
import { gasMargin, runTask } from "../run.js";

/** The task's options, as Hardhat parses them. */
export type KeeperArgs = Partial<Record<KeeperFlag | "from", string>> & { once?: boolean };

/** The task's action: the keeper on the task's network, failures reported as one line (tasks/run.ts). */
export default async function keeperAction(args: KeeperArgs, hre: HardhatRuntimeEnvironment): Promise<void> {
  await runTask(hre, (conn) => runKeeper(conn, args));
}

/** Runs the keeper on `conn` until a signal stops it (or once, with `--once`). */
export async function runKeeper(conn: NetworkConnection, args: KeeperArgs): Promise<void> {
  let config;
  try {
    config = parseKeeperConfig(args, process.env, conn.networkName);
  } catch (e) {
    if (e instanceof KeeperConfigError) throw new TaskError(e.message);
    throw e;
  }
  const sys = await loadSystem(conn.ethers, conn.networkName, {
    from: args.from ?? "0",
    gasMarginBps: gasMargin(conn.networkName),
  });
  const chainId = (await conn.ethers.provider.getNetwork()).chainId;
  const vault = await sys.vault.getAddress();
  console.log(
    `keeper on ${conn.networkName} (chain ${chainId}) as ${sys.signer.address}: Vault ${vault}, engine ` +
      `${await sys.engine.getAddress()}; poll ${config.pollSeconds} s, min profit ${config.minProfitBps} bps, ` +
      `batch ${config.batchSize}, max fee ${formatGwei(config.maxFeePerGas)} gwei, gas limit estimate + ` +
      `${sys.gasMarginBps / 100}%, checkpoint ${config.checkpointPath}`,
  );
  for (const s of sys.synthetics) {
    console.log(`  holds ${formatWad(await s.token.balanceOf(sys.signer.address))} ${s.symbol} to pay for takes`);
  }
  let service: KeeperService;
  try {
    service = new KeeperService({
      vault: sys.vault,
      engine: sys.engine,
      lens: sys.lens,
      oracle: sys.oracle,
      signer: sys.signer,
      scope: { network: conn.networkName, chainId, vault },
      startBlock: sys.manifest.startBlock,
      config,
      gasMarginBps: sys.gasMarginBps,
      errors: sys.errors,
      // the Treasury's surplus policy: distributions when due, pokes when the surplus rises above its buffer
      treasury: sys.treasury,
      synthIds: sys.synthetics.map((s) => s.synthId),
      // the risk automation, where deployed: volatility observations, and the recommendations the steward accepts
      ...(sys.risk === undefined ? {} : { risk: sys.risk }),
      // opt-in pre-liquidation, where deployed: positions inside its band, before the liquidation engine's turn
      ...(sys.preLiquidation === undefined ? {} : { preLiquidation: sys.preLiquidation }),
      // options and binaries, where deployed: expired series settled at the round their feed proves
      ...(sys.instruments === undefined ? {} : { instruments: sys.instruments }),
    });
  } catch (e) {
    if (e instanceof CheckpointError) throw new TaskError(e.message);
    throw e;
  }
  const controller = new AbortController();
  const removeHandlers = stopOnSignals(controller, (l) => console.log(l));
  try {
    const summary = await service.run(controller.signal);
    console.log(
      `keeper stopped (${summary.stoppedBy}) after ${summary.ticks} tick(s), ${summary.errors} failed; ` +
        `checkpoint ${config.checkpointPath} at block ${summary.checkpoint.lastBlock} with ` +
        `${summary.checkpoint.positions.length} position(s)`,
    );
    process.exitCode = 0;
  } finally {
    removeHandlers();
  }
}
