/**
 * The wiring of the local deploy, as `contracts/mocks/WiringProbe.sol` describes it: every parameter and link of the
 * system `deployCore` (that is, `deploySystem` with the local configuration) deploys, one "<key> <value>" line each,
 * addresses replaced by names. `test/wiring/local.json` holds it; `test/wiring.test.ts` checks that the deploy still
 * produces it and `test/FixtureWiring.t.sol` that the Solidity test fixture does too, so the two are wired alike.
 * `npm run wiring` rewrites the file after an intended change.
 */
import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import { deployCore } from "../../deploy/local/core.js";
import { WiringProbe__factory } from "../../typechain-types/index.js";

/** The committed description the deploy and the Solidity fixture are both checked against. */
export const WIRING_FILE = new URL("../../test/wiring/local.json", import.meta.url);

/** The file's shape: the probe's lines, in its order. */
export interface Wiring {
  lines: string[];
}

/** Deploys the local configuration on `connection` (with `MockFeed` feeds, as the fixture) and describes it. */
export async function describeLocalWiring(connection: { ethers: HardhatEthers }): Promise<Wiring> {
  const core = await deployCore(connection.ethers);
  const probe = await new WiringProbe__factory(core.deployer).deploy();
  await probe.waitForDeployment();
  const lines = await probe.describe.staticCall(
    await core.vault.getAddress(),
    await core.settlement.getAddress(),
    await core.lens.getAddress(),
    await core.reserveLens.getAddress(),
  );
  return { lines: [...lines] };
}
