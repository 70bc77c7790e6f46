/**
 * `npx hardhat ballast steward` (tasks/ops.ts `steward`) on a deployment read from its manifest: the open
 * recommendations with why each waits, in words and units, and every stewarded parameter's room, clock and gate; a
 * deployment without the risk automation gets a message that says so.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { network } from "hardhat";
import { deploySystem } from "../deploy/deploy.js";
import { configFor } from "../deploy/config/networks.js";
import * as ops from "../tasks/ops.js";
import { TaskError, loadSystem } from "../sdk/system.js";
import { RiskOracle__factory } from "../typechain-types/index.js";

const { ethers } = await network.create();

describe("ballast steward (tasks/ops.ts steward)", function () {
  it("lists the open recommendations with why each waits, and each parameter's room, clock and gate", async function () {
    const path = join(mkdtempSync(join(tmpdir(), "ballast-steward-")), "manifest.json");
    const { manifest } = await deploySystem(ethers, "default", configFor("default"), {
      manifestPath: path,
      log: () => {},
    });
    const lines: string[] = [];
    const sys = await loadSystem(ethers, "default", { manifestPath: path, log: (l) => lines.push(l) });
    const weth = manifest.assets.WETH?.token ?? "";
    const oracle = RiskOracle__factory.connect(manifest.contracts.RiskOracle?.address ?? "", sys.signer);
    const until = Number((await ethers.provider.getBlock("latest"))?.timestamp ?? 0) + 86_400;
    const proposals = [
      { param: 0, target: weth, validUntil: until, value: 900_000n }, // a tighter supply cap: applicable
      { param: 4, target: weth, validUntil: until, value: 12_000_000n * 10n ** 18n }, // a looser auction cap: gated
      { param: 2, target: weth, validUntil: until, value: 9_000n }, // a threshold raised: never
    ];
    await (await oracle.publish(proposals, ethers.id("task test"))).wait();

    const view = await ops.steward(sys);
    expect(view.pending.map((r) => [r.id, r.status])).to.deep.equal([
      [1n, "Applicable"],
      [2n, "VolatilityGate"],
      [3n, "ThresholdIncrease"],
    ]);
    const text = lines.join("\n");
    expect(text).to.match(/#1 WETH SupplyCap → 900,000 WETH \(now 1,000,000 WETH; valid until .*\): applicable now/);
    expect(text).to.match(
      /#2 WETH AuctionCap → \$12,000,000 \(now \$10,000,000; .*\): loosening needs a fresh observed volatility/,
    );
    expect(text).to.match(
      /#3 WETH LiqThreshold → 90\.00% .*: a liquidation threshold only goes down through the steward/,
    );
    // every stewarded parameter: 5 assets × 4, the global auction cap, 2 synthetics × 3 (fixed rates: no curve)
    expect(view.rooms.length).to.equal(27);
    expect(text).to.match(
      /WETH SupplyCap: 1,000,000 WETH; room 750,000 WETH … 1,000,000 WETH; bounds 250,000 WETH … 2,000,000 WETH, 25% a step, every 1 h \(next now\); loosens under 100% of WETH: no fresh observation \(closed\)/,
    );
    expect(text).to.match(/WETH LiqThreshold: 85\.00%; room 80\.75% … 85\.00%; .*never loosens/);

    // applied, it leaves the open list (--all shows it) and starts the parameter's clock
    await (await sys.risk?.steward.applyRecommendation(1n))?.wait();
    lines.length = 0;
    const after = await ops.steward(sys);
    expect(after.pending.map((r) => r.id)).to.deep.equal([2n, 3n]);
    expect(lines.join("\n")).to.match(/WETH SupplyCap: 900,000 WETH; .*\(next 20\d\d-/);
    expect((await ops.steward(sys, { all: true })).pending.map((r) => r.id)).to.deep.equal([1n, 2n, 3n]);
  });

  it("a deployment without the risk automation: a message that says how to get it", async function () {
    const path = join(mkdtempSync(join(tmpdir(), "ballast-steward-")), "manifest.json");
    const config = { ...configFor("default") };
    delete config.risk;
    await deploySystem(ethers, "default", config, { manifestPath: path, log: () => {} });
    expect(JSON.parse(readFileSync(path, "utf8")).contracts.RiskSteward).to.equal(undefined);
    const sys = await loadSystem(ethers, "default", { manifestPath: path, log: () => {} });
    await ops.steward(sys).then(
      () => expect.fail("listed a steward that is not there"),
      (e: unknown) => {
        expect(e).to.be.instanceOf(TaskError);
        expect((e as Error).message).to.match(/no risk steward .*`risk` section/);
      },
    );
  });
});
