/** `npx hardhat ballast distribute`: runs the Treasury's surplus policy for a synthetic (tasks/ops.ts `distribute`). */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { distribute } from "../ops.js";
import { withSystem } from "../run.js";

interface Args {
  synth: string;
  from: string;
}

export default async function distributeAction(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await withSystem(hre, args.from, (sys) => distribute(sys, { synth: args.synth }));
}
