/** `npx hardhat ballast faucet`: mints mock collateral to the acting account, test deployments only (tasks/ops.ts `faucet`). */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { faucet } from "../ops.js";
import { withSystem } from "../run.js";

interface Args {
  token: string;
  units: string;
  from: string;
}

export default async function faucetAction(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await withSystem(hre, args.from, (sys) => faucet(sys, { asset: args.token, amount: args.units }));
}
