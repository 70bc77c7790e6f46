/** `npx hardhat ballast swap-in`: swaps through a stability module at par (tasks/ops.ts `swapIn`). */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { swapIn } from "../ops.js";
import { withSystem } from "../run.js";

interface Args {
  token: string;
  units: string;
  synth: string;
  to: string;
  from: string;
}

export default async function swapInAction(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await withSystem(hre, args.from, (sys) =>
    swapIn(sys, { reserve: args.token, amount: args.units, synth: args.synth, to: args.to }),
  );
}
