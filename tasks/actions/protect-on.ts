/** `npx hardhat ballast protect on`: opts a position in to pre-liquidation. */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { parseId } from "../../sdk/system.js";
import { protect } from "../protect.js";
import { withSystem } from "../run.js";

interface Args {
  id: string;
  from: string;
}

export default async function protectOnAction(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await withSystem(hre, args.from, (sys) => protect(sys, { id: parseId(args.id), on: true }));
}
