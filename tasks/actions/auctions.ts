/** `npx hardhat ballast auctions`: lists the live auctions (tasks/ops.ts `auctions`). */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { auctions } from "../ops.js";
import { withSystem } from "../run.js";

interface Args {
  from: string;
}

export default async function auctionsAction(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await withSystem(hre, args.from, (sys) => auctions(sys));
}
