/**
 * What every `ballast` task action (tasks/actions/*.ts) shares: connect to the network the task runs on, load the
 * system from the manifest with the network's gas margin, run the operation from tasks/ops.ts. Every failure prints
 * ONE line and sets exit code 1, without a stack trace: a known one (`TaskError`, `ConfigError`, `DeployError`) its
 * message, which says what to do; anything else what sdk/errors.ts makes of it. `BALLAST_DEBUG=1` adds the stack.
 */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import type { NetworkConnection } from "hardhat/types/network";
import { DeployError } from "../deploy/deploy.js";
import { ConfigError } from "../deploy/config/types.js";
import { gasMarginOf } from "../deploy/config/networks.js";
import { explainFailure } from "../sdk/errors.js";
import { type System, TaskError, loadSystem } from "../sdk/system.js";

/** Runs `body` with the task's connection, reporting any failure as one line and exit code 1. */
export async function runTask(
  hre: HardhatRuntimeEnvironment,
  body: (conn: NetworkConnection) => Promise<unknown>,
): Promise<void> {
  try {
    await body(await hre.network.getOrCreate());
  } catch (e) {
    const known = e instanceof TaskError || e instanceof ConfigError || e instanceof DeployError;
    console.error(`error: ${known ? e.message : await explainFailure(e)}`);
    if (process.env.BALLAST_DEBUG === "1" && e instanceof Error) console.error(e.stack);
    process.exitCode = 1;
  }
}

/** Runs `body` on the deployment of the task's network, acting as `from` (`--from`). */
export async function withSystem(
  hre: HardhatRuntimeEnvironment,
  from: string,
  body: (sys: System) => Promise<unknown>,
): Promise<void> {
  await runTask(hre, async (conn) => {
    const sys = await loadSystem(conn.ethers, conn.networkName, { from, gasMarginBps: gasMargin(conn.networkName) });
    await body(sys);
  });
}

/** [bps] The gas margin of `network`'s transactions (deploy/config/networks.ts `gasMarginOf`), as a `TaskError`. */
export function gasMargin(network: string): number {
  try {
    return gasMarginOf(network);
  } catch (e) {
    throw new TaskError((e as Error).message);
  }
}
