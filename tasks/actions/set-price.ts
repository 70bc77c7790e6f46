/** `npx hardhat ballast set-price`: sets a mock feed's USD price, test deployments only (tasks/ops.ts `setPrice`). */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { setPrice } from "../ops.js";
import { withSystem } from "../run.js";

interface Args {
  token: string;
  usd: string;
  from: string;
}

export default async function setPriceAction(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await withSystem(hre, args.from, (sys) => setPrice(sys, { asset: args.token, usd: args.usd }));
}
