/** `npx hardhat ballast deposit`: deposits collateral into a position (tasks/ops.ts `deposit`). */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { parseId } from "../../sdk/system.js";
import { deposit } from "../ops.js";
import { withSystem } from "../run.js";

interface Args {
  id: string;
  token: string;
  units: string;
  from: string;
}

export default async function depositAction(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await withSystem(hre, args.from, (sys) =>
    deposit(sys, { id: parseId(args.id), asset: args.token, amount: args.units }),
  );
}
