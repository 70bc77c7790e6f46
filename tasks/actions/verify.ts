/**
 * `npx hardhat ballast verify`: submits every contract of the manifest to the network's explorer (hardhat-verify),
 * refusing networks that do not verify.
 */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { verifyContract } from "@nomicfoundation/hardhat-verify/verify";
import { configFor } from "../../deploy/config/networks.js";
import { locateManifest, readManifest } from "../../sdk/manifest.js";
import { TaskError } from "../../sdk/system.js";
import { runTask } from "../run.js";

export default async function verifyAction(
  _args: Record<string, unknown>,
  hre: HardhatRuntimeEnvironment,
): Promise<void> {
  await runTask(hre, async (conn) => {
    const network = conn.networkName;
    const path = (await locateManifest(conn.ethers.provider, network)).path;
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
  });
}
