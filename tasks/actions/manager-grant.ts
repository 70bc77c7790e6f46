/** `npx hardhat ballast manager grant`: gives a manager rights on a position, by transaction or signature. */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { parseId } from "../../sdk/system.js";
import { grantManager } from "../protect.js";
import { withSystem } from "../run.js";

interface Args {
  id: string;
  manager: string;
  permissions: string;
  sign: boolean;
  deadline: string;
  out: string;
  from: string;
}

export default async function managerGrantAction(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await withSystem(hre, args.from, (sys) =>
    grantManager(sys, {
      id: parseId(args.id),
      manager: args.manager,
      permissions: args.permissions,
      sign: args.sign,
      deadlineMinutes: Number(args.deadline),
      out: args.out,
    }),
  );
}
