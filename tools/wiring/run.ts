/**
 * `npm run wiring`: rewrites test/wiring/local.json, the wiring of the local deploy (tools/wiring/describe.ts), after an
 * intended change of a parameter or a link. Then run `npx hardhat test solidity test/FixtureWiring.t.sol`: the Solidity
 * test fixture must match it too.
 */
import { writeFileSync } from "node:fs";
import { network } from "hardhat";
import { WIRING_FILE, describeLocalWiring } from "./describe.js";

console.log("Wiring: deploying the local configuration through deployCore and describing it with WiringProbe...");
const wiring = await describeLocalWiring(await network.create());
writeFileSync(WIRING_FILE, JSON.stringify(wiring, null, 2) + "\n");
console.log(`wrote ${wiring.lines.length} lines to test/wiring/local.json`);
