/** `npx hardhat ballast close`: repays everything and takes all collateral back (tasks/ops.ts `close`). */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { parseId } from "../../sdk/system.js";
import { close } from "../ops.js";
import { withSystem } from "../run.js";

interface Args {
  id: string;
  to: string;
  withCollateral: string;
  from: string;
}

export default async function closeAction(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await withSystem(hre, args.from, async (sys) => {
    if (args.withCollateral === "") return close(sys, { id: parseId(args.id), to: args.to });
    const { closeWithCollateralTask } = await import("../flows.js");
    return closeWithCollateralTask(sys, { id: parseId(args.id), asset: args.withCollateral });
  });
}
