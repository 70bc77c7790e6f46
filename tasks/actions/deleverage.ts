/** `npx hardhat ballast deleverage`: repays from collateral through the Router up to a health (tasks/flows.ts). */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { TaskError, parseId } from "../../sdk/system.js";
import { deleveragePosition } from "../flows.js";
import { withSystem } from "../run.js";

interface Args {
  id: string;
  health: string;
  asset: string;
  from: string;
}

export default async function deleverageAction(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await withSystem(hre, args.from, async (sys) => {
    if (args.health === "") throw new TaskError("deleverage: give the target health, e.g. --health 1.6");
    return deleveragePosition(sys, { id: parseId(args.id), health: args.health, asset: args.asset });
  });
}
