/** `npx hardhat ballast swap-out`: swaps through a stability module at par (tasks/ops.ts `swapOut`). */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { swapOut } from "../ops.js";
import { withSystem } from "../run.js";

interface Args {
  token: string;
  units: string;
  synth: string;
  to: string;
  from: string;
}

export default async function swapOutAction(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await withSystem(hre, args.from, (sys) =>
    swapOut(sys, { reserve: args.token, amount: args.units, synth: args.synth, to: args.to }),
  );
}
