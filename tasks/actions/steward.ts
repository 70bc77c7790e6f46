/** `npx hardhat ballast steward [--all]`: the risk steward's recommendations and rooms (tasks/ops.ts `steward`). */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { steward } from "../ops.js";
import { withSystem } from "../run.js";

interface Args {
  all: boolean;
  from: string;
}

export default async function stewardAction(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await withSystem(hre, args.from, (sys) => steward(sys, { all: args.all }));
}
