/** `npx hardhat ballast series create`: a series of options or binaries (tasks/instruments.ts `createSeries`). */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { createSeries } from "../instruments.js";
import { withSystem } from "../run.js";

interface Args {
  asset: string;
  kind: string;
  strike: string;
  expiry: string;
  collateral: string;
  from: string;
}

export default async function seriesCreateAction(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await withSystem(hre, args.from, (sys) =>
    createSeries(sys, {
      underlying: args.asset,
      kind: args.kind,
      strike: args.strike,
      expiry: args.expiry,
      collateral: args.collateral,
    }),
  );
}
