/** `npx hardhat ballast savings-deposit`: deposits a synthetic into its savings token (tasks/ops.ts `savingsDeposit`). */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { savingsDeposit } from "../ops.js";
import { withSystem } from "../run.js";

interface Args {
  synth: string;
  units: string;
  to: string;
  from: string;
}

export default async function savingsDepositAction(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await withSystem(hre, args.from, (sys) =>
    savingsDeposit(sys, { synth: args.synth, amount: args.units, to: args.to }),
  );
}
