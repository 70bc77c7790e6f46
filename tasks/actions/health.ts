/** `npx hardhat ballast health`: shows a position's basket, health and liquidation prices (tasks/ops.ts `health`). */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { parseId } from "../../sdk/system.js";
import { health } from "../ops.js";
import { withSystem } from "../run.js";

interface Args {
  id: string;
  from: string;
}

export default async function healthAction(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await withSystem(hre, args.from, (sys) => health(sys, { id: parseId(args.id) }));
}
