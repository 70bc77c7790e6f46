/** `npx hardhat ballast reserves`: collateral held and credited, synthetic supply and debt, collateral ratio (tasks/ops.ts `reserves`). */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { reserves } from "../ops.js";
import { withSystem } from "../run.js";

interface Args {
  from: string;
}

export default async function reservesAction(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await withSystem(hre, args.from, (sys) => reserves(sys));
}
