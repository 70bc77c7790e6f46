/** `npx hardhat ballast open`: opens a position, optionally depositing and minting in the same transaction (tasks/ops.ts `openPosition`). */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { openPosition } from "../ops.js";
import { withSystem } from "../run.js";

interface Args {
  synth: string;
  asset: string;
  amount: string;
  mint: string;
  from: string;
}

export default async function openAction(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await withSystem(hre, args.from, (sys) =>
    openPosition(sys, { synth: args.synth, asset: args.asset, amount: args.amount, mint: args.mint }),
  );
}
