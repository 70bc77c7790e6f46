/** `npx hardhat ballast take`: buys collateral from an auction (tasks/ops.ts `take`). */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { parseId } from "../../sdk/system.js";
import { take } from "../ops.js";
import { withSystem } from "../run.js";

interface Args {
  auction: string;
  units: string;
  maxPremium: string;
  maxPrice: string;
  from: string;
}

export default async function takeAction(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await withSystem(hre, args.from, (sys) =>
    take(sys, {
      auction: parseId(args.auction, "auction id"),
      amount: args.units,
      maxPrice: args.maxPrice,
      maxPremium: args.maxPremium,
    }),
  );
}
