/** `npx hardhat ballast repay`: repays a position's debt from the acting account (tasks/ops.ts `repay`). */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { parseId } from "../../sdk/system.js";
import { repay } from "../ops.js";
import { withSystem } from "../run.js";

interface Args {
  id: string;
  units: string;
  withCollateral: string;
  from: string;
}

export default async function repayAction(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await withSystem(hre, args.from, async (sys) => {
    if (args.withCollateral === "") return repay(sys, { id: parseId(args.id), amount: args.units });
    const { repayWithCollateralTask } = await import("../flows.js");
    return repayWithCollateralTask(sys, { id: parseId(args.id), amount: args.units, asset: args.withCollateral });
  });
}
