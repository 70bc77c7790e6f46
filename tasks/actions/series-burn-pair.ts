/** `npx hardhat ballast series burn-pair`: long and short back into collateral (tasks/instruments.ts `burnPair`). */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { burnPair } from "../instruments.js";
import { withSystem } from "../run.js";

interface Args {
  series: string;
  units: string;
  to: string;
  from: string;
}

export default async function seriesBurnPairAction(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await withSystem(hre, args.from, (sys) => burnPair(sys, { series: args.series, units: args.units, to: args.to }));
}
