/** `npx hardhat ballast liquidate`: starts the liquidation of an unhealthy position (tasks/ops.ts `liquidate`). */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { parseId } from "../../sdk/system.js";
import { liquidate } from "../ops.js";
import { withSystem } from "../run.js";

interface Args {
  id: string;
  from: string;
}

export default async function liquidateAction(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await withSystem(hre, args.from, (sys) => liquidate(sys, { id: parseId(args.id) }));
}
