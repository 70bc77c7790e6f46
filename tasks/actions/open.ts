/** `npx hardhat ballast open`: opens a position, optionally depositing and minting in the same transaction (tasks/ops.ts `openPosition`). */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { TaskError } from "../../sdk/system.js";
import { openPosition } from "../ops.js";
import { withSystem } from "../run.js";

interface Args {
  synth: string;
  asset: string;
  amount: string;
  mint: string;
  leverage: string;
  from: string;
}

export default async function openAction(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await withSystem(hre, args.from, async (sys) => {
    if (args.leverage !== "") {
      if (args.mint !== "") throw new TaskError("open: --leverage sets the debt itself; drop --mint");
      const { openLeveraged } = await import("../flows.js");
      return openLeveraged(sys, { synth: args.synth, asset: args.asset, amount: args.amount, leverage: args.leverage });
    }
    return openPosition(sys, { synth: args.synth, asset: args.asset, amount: args.amount, mint: args.mint });
  });
}
