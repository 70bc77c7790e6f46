/** `npx hardhat ballast series write`: writes contracts of a series (tasks/instruments.ts `writeSeries`). */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { writeSeries } from "../instruments.js";
import { withSystem } from "../run.js";

interface Args {
  series: string;
  units: string;
  longTo: string;
  shortTo: string;
  from: string;
}

export default async function seriesWriteAction(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await withSystem(hre, args.from, (sys) =>
    writeSeries(sys, { series: args.series, units: args.units, longTo: args.longTo, shortTo: args.shortTo }),
  );
}
