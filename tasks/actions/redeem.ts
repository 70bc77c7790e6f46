/** `npx hardhat ballast redeem`: face-value redemption against exposed positions (tasks/ops.ts `redeem`). */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { redeem } from "../ops.js";
import { withSystem } from "../run.js";

interface Args {
  synth: string;
  units: string;
  positions: string;
  maxFee: string;
  to: string;
  from: string;
}

export default async function redeemAction(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await withSystem(hre, args.from, (sys) =>
    redeem(sys, { synth: args.synth, amount: args.units, positions: args.positions, maxFee: args.maxFee, to: args.to }),
  );
}
