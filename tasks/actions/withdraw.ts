/** `npx hardhat ballast withdraw`: withdraws collateral from a position (tasks/ops.ts `withdraw`). */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { parseId } from "../../sdk/system.js";
import { withdraw } from "../ops.js";
import { withSystem } from "../run.js";

interface Args {
  id: string;
  token: string;
  units: string;
  to: string;
  from: string;
}

export default async function withdrawAction(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await withSystem(hre, args.from, (sys) =>
    withdraw(sys, { id: parseId(args.id), asset: args.token, amount: args.units, to: args.to }),
  );
}
