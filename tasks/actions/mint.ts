/** `npx hardhat ballast mint`: mints the position's synthetic (tasks/ops.ts `mint`). */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { parseId } from "../../sdk/system.js";
import { mint } from "../ops.js";
import { withSystem } from "../run.js";

interface Args {
  id: string;
  units: string;
  to: string;
  from: string;
}

export default async function mintAction(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await withSystem(hre, args.from, (sys) => mint(sys, { id: parseId(args.id), amount: args.units, to: args.to }));
}
