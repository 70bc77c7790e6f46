/** `npx hardhat ballast savings-withdraw`: withdraws a synthetic from its savings token (tasks/ops.ts `savingsWithdraw`). */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { savingsWithdraw } from "../ops.js";
import { withSystem } from "../run.js";

interface Args {
  synth: string;
  units: string;
  to: string;
  from: string;
}

export default async function savingsWithdrawAction(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await withSystem(hre, args.from, (sys) =>
    savingsWithdraw(sys, { synth: args.synth, amount: args.units, to: args.to }),
  );
}
