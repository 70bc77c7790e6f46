/** `npx hardhat ballast series redeem`: a settled series' payoff (tasks/instruments.ts `redeemSeries`). */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { redeemSeries } from "../instruments.js";
import { withSystem } from "../run.js";

interface Args {
  series: string;
  units: string;
  side: string;
  to: string;
  from: string;
}

export default async function seriesRedeemAction(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await withSystem(hre, args.from, (sys) =>
    redeemSeries(sys, { series: args.series, units: args.units, side: args.side, to: args.to }),
  );
}
