/** `npx hardhat ballast series settle`: settles an expired series (tasks/instruments.ts `settleSeries`). */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { settleSeries } from "../instruments.js";
import { withSystem } from "../run.js";

export default async function seriesSettleAction(
  args: { series: string; from: string },
  hre: HardhatRuntimeEnvironment,
): Promise<void> {
  await withSystem(hre, args.from, (sys) => settleSeries(sys, { series: args.series }));
}
