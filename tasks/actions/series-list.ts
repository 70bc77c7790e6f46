/** `npx hardhat ballast series list`: every series, its state and payoffs (tasks/instruments.ts `seriesList`). */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { seriesList } from "../instruments.js";
import { withSystem } from "../run.js";

export default async function seriesListAction(args: { from: string }, hre: HardhatRuntimeEnvironment): Promise<void> {
  await withSystem(hre, args.from, (sys) => seriesList(sys));
}
