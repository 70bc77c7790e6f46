/**
 * Predictive liquidation alerts, as a Hardhat task:
 *
 *   npx hardhat ballast watch --network localhost [--owner 0x…] [--positions 1,2] [--horizon 24] [--poll 12]
 *       [--warn-health 1.05] [--critical-health 1.02] [--warn-probability 10] [--critical-probability 30]
 *       [--vol-max-age 3600] [--json] [--webhook URL] [--webhook-attempts 5] [--checkpoint FILE] [--once]
 *   npm run watch -- --network localhost
 *
 * Addresses come from the deployment manifest of the chain it is connected to (sdk/manifest.ts), every setting from a
 * flag or its `WATCH_*` variable (watch/flags.ts). It only reads the chain: no account or key is needed. The
 * volatility comes from the manifest's `volatilityObserver` when there is one, else from the risk engine's
 * configuration (watch/volatility.ts `volatilitySourceFor`). SIGINT (Ctrl-C) or SIGTERM stops it cleanly: the current
 * step ends, the checkpoint is written, the process exits 0. The logic is in watch/ (no Hardhat).
 */
import { VoidSigner, ZeroAddress } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import type { NetworkConnection } from "hardhat/types/network";
import { stopOnSignals } from "../../keeper/service.js";
import { CheckpointError } from "../../keeper/scan.js";
import { type Account, type Connection, TaskError, loadSystem } from "../../sdk/system.js";
import { UnknownPositionError } from "../../watch/evaluate.js";
import type { WatchFlag } from "../../watch/flags.js";
import { WatchConfigError, WatchService, parseWatchConfig } from "../../watch/service.js";
import { volatilitySourceFor } from "../../watch/volatility.js";
import { runTask } from "../run.js";

/** The task's options, as Hardhat parses them. */
export type WatchArgs = Partial<Record<WatchFlag, string>> & { once?: boolean; json?: boolean };

/** The task's action: the watch on the task's network, failures reported as one line (tasks/run.ts). */
export default async function watchAction(args: WatchArgs, hre: HardhatRuntimeEnvironment): Promise<void> {
  await runTask(hre, (conn) => runWatch(conn, args));
}

/** Runs the watch on `conn` until a signal stops it (or once, with `--once`). */
export async function runWatch(conn: NetworkConnection, args: WatchArgs): Promise<void> {
  let config;
  try {
    config = parseWatchConfig(args, process.env, conn.networkName);
  } catch (e) {
    if (e instanceof WatchConfigError) throw new TaskError(e.message);
    throw e;
  }
  // read-only: a network without accounts (no key configured) watches through a signer that cannot sign
  const readOnly: Connection = {
    ...conn.ethers,
    getSigners: async (): Promise<Account[]> => {
      const signers = await conn.ethers.getSigners();
      return signers.length > 0 ? signers : [new VoidSigner(ZeroAddress, conn.ethers.provider)];
    },
  };
  const status = config.json ? (l: string) => console.error(l) : (l: string) => console.log(l);
  const sys = await loadSystem(readOnly, conn.networkName, { from: "0", log: status });
  const chainId = (await conn.ethers.provider.getNetwork()).chainId;
  const vault = await sys.vault.getAddress();
  const volatility = volatilitySourceFor(sys.manifest.contracts, conn.ethers.provider, config.volMaxAgeSeconds);
  status(`watch on ${conn.networkName} (chain ${chainId}): Vault ${vault}, manifest ${sys.manifestPath}`);
  let service: WatchService;
  try {
    service = new WatchService({
      reader: {
        vault: sys.vault,
        lens: sys.lens,
        oracle: sys.oracle,
        assets: sys.assets,
        synthetics: sys.synthetics,
        errors: sys.errors,
      },
      scope: { network: conn.networkName, chainId, vault },
      startBlock: sys.manifest.startBlock,
      config,
      volatility,
      log: status,
    });
  } catch (e) {
    if (e instanceof CheckpointError) throw new TaskError(e.message);
    throw e;
  }
  const controller = new AbortController();
  const removeHandlers = stopOnSignals(controller, status);
  try {
    const summary = await service.run(controller.signal);
    status(
      `watch stopped (${summary.stoppedBy}) after ${summary.ticks} evaluation(s), ${summary.alerts.length} alert(s), ` +
        `${summary.errors} failed; checkpoint ${config.checkpointPath} with ` +
        `${Object.keys(summary.checkpoint.watch.levels).length} position(s) at a level`,
    );
    process.exitCode = 0;
  } catch (e) {
    if (e instanceof UnknownPositionError) {
      throw new TaskError(`--positions: ${e.message}; list the ids of open positions (\`ballast health <id>\`)`);
    }
    throw e;
  } finally {
    removeHandlers();
  }
}
