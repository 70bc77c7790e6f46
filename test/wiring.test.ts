/**
 * The local deploy's wiring is the committed description, test/wiring/local.json (tools/wiring/describe.ts): every
 * parameter and link `deploySystem` sets with the local configuration, as `WiringProbe` reads it from the chain.
 * test/FixtureWiring.t.sol checks the Solidity test fixture against the same file, so a parameter changed on one side
 * only fails one of the two.
 */
import { readFileSync } from "node:fs";
import { expect } from "chai";
import { network } from "hardhat";
import { WIRING_FILE, type Wiring, describeLocalWiring } from "../tools/wiring/describe.js";

describe("wiring (test/wiring/local.json)", function () {
  it("deploySystem(local) wires exactly what the committed description says (`npm run wiring` after an intended change)", async function () {
    const committed = JSON.parse(readFileSync(WIRING_FILE, "utf8")) as Wiring;
    const { lines } = await describeLocalWiring(await network.create());
    // every part of the system is described: a probe that stopped reading would shrink the file, not pass silently
    for (const part of [
      "vault.",
      "asset.WETH.",
      "asset.WBTC.",
      "asset.USDC.",
      "synthetic.bUSD.",
      "synthetic.bETH.",
      "engine.",
      "settlement.",
    ]) {
      expect(
        lines.some((l) => l.startsWith(part)),
        `no line for ${part}`,
      ).to.equal(true);
    }
    expect(
      lines.filter((l) => / unknown$/.test(l)),
      "links to addresses outside the system",
    ).to.deep.equal([]);
    const missing = committed.lines.filter((l) => !lines.includes(l));
    const extra = lines.filter((l) => !committed.lines.includes(l));
    expect({ missing, extra }, "the deploy's wiring differs from test/wiring/local.json").to.deep.equal({
      missing: [],
      extra: [],
    });
    expect(lines).to.deep.equal(committed.lines);
  });
});
