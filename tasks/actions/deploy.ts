/** `npx hardhat ballast deploy [--dry-run]`: deploys and wires Ballast from deploy/config/networks.ts (idempotent). */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { deploySystem } from "../../deploy/deploy.js";
import { configFor } from "../../deploy/config/networks.js";
import { formatGas } from "../../sdk/format.js";
import { runTask } from "../run.js";

interface Args {
  dryRun: boolean;
}

export default async function deployAction(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await runTask(hre, async (conn) => {
    const network = conn.networkName;
    const started = Date.now();
    const result = await deploySystem(conn.ethers, network, configFor(network), { dryRun: args.dryRun });
    if (result.sent > 0) {
      console.log(
        `${result.sent} transactions, ${formatGas(result.gasUsed)} gas, ${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
    }
  });
}
