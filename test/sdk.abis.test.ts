/**
 * The SDK's ABIs (packages/sdk/src/abis.ts, committed so the package builds without Hardhat) equal the contracts'
 * build: `gen-abis.mjs --check` fails on any drift. And every error sentence's table entry names an error the ABIs
 * declare, so the SDK's `decodeError` can reach each sentence.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { expect } from "chai";
import { ERRORS, ballastErrorsAbi, ballastEventsAbi, vaultAbi } from "../packages/sdk/src/index.js";

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("..", import.meta.url));

describe("@ballast/sdk ABIs", function () {
  this.timeout(60_000);

  it("gen-abis.mjs --check: abis.ts equals the build", async function () {
    const { stdout } = await run(
      process.execPath,
      [join(ROOT, "packages", "sdk", "scripts", "gen-abis.mjs"), "--check"],
      {
        cwd: ROOT,
      },
    );
    expect(stdout + "").to.not.match(/differ|stale/i);
  });

  it("the Vault's user errors and events are in the combined ABIs the decoders use", function () {
    const errorNames = new Set(ballastErrorsAbi.filter((e) => e.type === "error").map((e) => e.name));
    for (const item of vaultAbi) if (item.type === "error") expect(errorNames.has(item.name), item.name).to.equal(true);
    const eventNames = new Set<string>(ballastEventsAbi.map((e) => e.name));
    for (const name of ["Deposited", "Withdrawn", "Minted", "Repaid", "Take", "AuctionStarted", "Transfer"]) {
      expect(eventNames.has(name), name).to.equal(true);
    }
    // a sentence for every error the ABIs declare (the sentences cover the deployable contracts: a superset)
    const missing = [...errorNames].filter((n) => ERRORS[n] === undefined);
    expect(missing).to.deep.equal([]);
  });
});
