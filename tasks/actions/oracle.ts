/** `npx hardhat ballast oracle <token>`: how an asset's price is composed and why it fails (tasks/ops.ts `oracle`). */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { oracle } from "../ops.js";
import { withSystem } from "../run.js";

interface Args {
  token: string;
  from: string;
}

export default async function oracleAction(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await withSystem(hre, args.from, (sys) => oracle(sys, { asset: args.token }));
}
