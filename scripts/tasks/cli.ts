/**
 * The actions behind the `ballast` tasks (scripts/tasks/index.ts): connect to the network the task runs on, load the
 * system from the manifest, run the operation from scripts/tasks/ops.ts. Every failure prints ONE line and sets exit
 * code 1, without a stack trace: a known one (`TaskError`, `ConfigError`, `DeployError`) its message, which says what
 * to do; anything else what scripts/lib/errors.ts makes of it. `BALLAST_DEBUG=1` adds the stack.
 */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { verifyContract } from "@nomicfoundation/hardhat-verify/verify";
import { DeployError, deploySystem } from "../../deploy/deploy.js";
import { ConfigError } from "../../deploy/config/types.js";
import { configFor, gasMarginOf } from "../../deploy/config/networks.js";
import { locateManifest, readManifest } from "../../sdk/manifest.js";
import { formatGas } from "../../sdk/format.js";
import { explainFailure } from "../../sdk/errors.js";
import * as ops from "./ops.js";
import { TaskError, loadSystem, parseId } from "../../sdk/system.js";

type Args = Record<string, unknown>;
const str = (args: Args, key: string): string => String(args[key] ?? "");

/** Runs task `name` with its parsed CLI arguments on the network `hre` was started with. */
export async function runCli(hre: HardhatRuntimeEnvironment, name: string, args: Args): Promise<void> {
  try {
    await dispatch(hre, name, args);
  } catch (e) {
    const known = e instanceof TaskError || e instanceof ConfigError || e instanceof DeployError;
    console.error(`error: ${known ? e.message : await explainFailure(e)}`);
    if (process.env.BALLAST_DEBUG === "1" && e instanceof Error) console.error(e.stack);
    process.exitCode = 1;
  }
}

async function dispatch(hre: HardhatRuntimeEnvironment, name: string, args: Args): Promise<void> {
  const conn = await hre.network.getOrCreate();
  const network = conn.networkName;
  if (name === "deploy") {
    const started = Date.now();
    const result = await deploySystem(conn.ethers, network, configFor(network), { dryRun: args.dryRun === true });
    if (result.sent > 0) {
      console.log(
        `${result.sent} transactions, ${formatGas(result.gasUsed)} gas, ${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
    }
    return;
  }
  if (name === "verify") return verifyAll(hre, network, (await locateManifest(conn.ethers.provider, network)).path);
  if (name === "keeper") {
    const { runKeeperTask } = await import("../keeper.js");
    return runKeeperTask(hre, args as Record<string, string>);
  }

  const sys = await loadSystem(conn.ethers, network, { from: str(args, "from"), gasMarginBps: gasMargin(network) });
  const id = (): bigint => parseId(str(args, "id"));
  switch (name) {
    case "open":
      await ops.openPosition(sys, {
        synth: str(args, "synth"),
        asset: str(args, "asset"),
        amount: str(args, "amount"),
        mint: str(args, "mint"),
      });
      return;
    case "deposit":
      await ops.deposit(sys, { id: id(), asset: str(args, "token"), amount: str(args, "units") });
      return;
    case "withdraw":
      await ops.withdraw(sys, {
        id: id(),
        asset: str(args, "token"),
        amount: str(args, "units"),
        to: str(args, "to"),
      });
      return;
    case "mint":
      await ops.mint(sys, { id: id(), amount: str(args, "units"), to: str(args, "to") });
      return;
    case "repay":
      await ops.repay(sys, { id: id(), amount: str(args, "units") });
      return;
    case "close":
      await ops.close(sys, { id: id(), to: str(args, "to") });
      return;
    case "health":
      await ops.health(sys, { id: id() });
      return;
    case "auctions":
      await ops.auctions(sys);
      return;
    case "liquidate":
      await ops.liquidate(sys, { id: id() });
      return;
    case "take":
      await ops.take(sys, {
        auction: parseId(str(args, "auction"), "auction id"),
        amount: str(args, "units"),
        maxPrice: str(args, "maxPrice"),
        maxPremium: str(args, "maxPremium"),
      });
      return;
    case "reserves":
      await ops.reserves(sys);
      return;
    case "faucet":
      await ops.faucet(sys, { asset: str(args, "token"), amount: str(args, "units") });
      return;
    case "setPrice":
      await ops.setPrice(sys, { asset: str(args, "token"), usd: str(args, "usd") });
      return;
    default:
      throw new TaskError(`unknown ballast task "${name}"`);
  }
}

/** Submits every contract of the manifest to the explorer (hardhat-verify), skipping networks that do not verify. */
async function verifyAll(hre: HardhatRuntimeEnvironment, network: string, path: string): Promise<void> {
  const config = configFor(network);
  if (!config.verify)
    throw new TaskError(`"${network}" has no public explorer to verify on (verify: false in its config)`);
  const manifest = readManifest(path);
  if (manifest === undefined) throw new TaskError(`no ${path}: run \`npm run deploy -- --network ${network}\` first`);
  let failed = 0;
  for (const [name, c] of Object.entries(manifest.contracts)) {
    console.log(`verifying ${name} at ${c.address} (${c.contract})`);
    try {
      await verifyContract({ address: c.address, constructorArgs: c.args, contract: c.contract }, hre);
    } catch (e) {
      failed++;
      console.error(`  ${name}: ${(e as Error).message.split("\n")[0]}`);
    }
  }
  if (failed > 0)
    throw new TaskError(`${failed} contract(s) failed to verify (see above); check ETHERSCAN_API_KEY and retry`);
  console.log(`verified ${Object.keys(manifest.contracts).length} contract(s)`);
}

/** [bps] The gas margin of `network`'s transactions (deploy/config/networks.ts `gasMarginOf`), as a `TaskError`. */
export function gasMargin(network: string): number {
  try {
    return gasMarginOf(network);
  } catch (e) {
    throw new TaskError((e as Error).message);
  }
}
