/** `npx hardhat ballast protect off`: opts a position out of pre-liquidation. */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { parseId } from "../../sdk/system.js";
import { protect } from "../protect.js";
import { withSystem } from "../run.js";

interface Args {
  id: string;
  from: string;
}

export default async function protectOffAction(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await withSystem(hre, args.from, (sys) => protect(sys, { id: parseId(args.id), on: false }));
}
