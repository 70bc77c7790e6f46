/** `npx hardhat ballast manager revoke`: takes every right of a manager on a position away. */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { parseId } from "../../sdk/system.js";
import { grantManager } from "../protect.js";
import { withSystem } from "../run.js";

interface Args {
  id: string;
  manager: string;
  sign: boolean;
  deadline: string;
  out: string;
  from: string;
}

export default async function managerRevokeAction(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await withSystem(hre, args.from, (sys) =>
    grantManager(sys, {
      id: parseId(args.id),
      manager: args.manager,
      permissions: "none",
      sign: args.sign,
      deadlineMinutes: Number(args.deadline),
      out: args.out,
    }),
  );
}
