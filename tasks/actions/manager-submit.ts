/** `npx hardhat ballast manager submit`: submits an owner's signed grant (any account may). */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { submitGrant } from "../protect.js";
import { withSystem } from "../run.js";

interface Args {
  file: string;
  from: string;
}

export default async function managerSubmitAction(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await withSystem(hre, args.from, (sys) => submitGrant(sys, { file: args.file }));
}
