/**
 * The periphery's flows as a user runs them (the task functions of tasks/flows.ts, tasks/protect.ts and tasks/ops.ts,
 * and the keeper's pre-liquidation job) on anvil mining a block every second, as a live network does: every
 * transaction waits for the next block, and the state moves between a preview and its inclusion. The deploy runs under
 * instant mining first (it is the deploy's own test elsewhere), then the node switches to interval mining.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { network } from "hardhat";
import { deploySystem } from "../deploy/deploy.js";
import { configFor } from "../deploy/config/networks.js";
import * as ops from "../tasks/ops.js";
import * as flows from "../tasks/flows.js";
import { grantManager, protect, submitGrant } from "../tasks/protect.js";
import { loadSystem } from "../sdk/system.js";
import { PERMISSIONS } from "../sdk/permissions.js";
import { WAD } from "../sdk/math.js";
import { Keeper, OracleVenue, staticPositionSource } from "../keeper/keeper.js";
import { type LocalNode, rpc, startAnvil } from "./helpers/anvil.js";

describe("one-transaction flows, managers and protection on a node that mines every second (anvil)", function () {
  this.timeout(300_000);
  let node: LocalNode | undefined;

  after(async function () {
    await node?.stop();
  });

  it("leverage, deleverage, repay and close with collateral, a signed grant, and the keeper's pre-liquidation", async function () {
    node = await startAnvil();
    const { ethers } = await network.create({ network: "localhost", override: { url: node.url } });
    const dir = mkdtempSync(join(tmpdir(), "ballast-flows-anvil-"));
    const manifestPath = join(dir, "localhost.json");
    await deploySystem(ethers, "localhost", configFor("localhost"), { manifestPath, log: () => {} });
    const lines: string[] = [];
    const as = (from: string) => loadSystem(ethers, "localhost", { manifestPath, from, log: (l) => lines.push(l) });
    const [deployer, alice, bob, keeperSys] = await Promise.all([as("0"), as("1"), as("2"), as("3")]);
    await rpc(node.url, "evm_setAutomine", [false]);
    await rpc(node.url, "evm_setIntervalMining", [1]);

    // open with leverage: 10 WETH in, 80% of the minting limit in one transaction
    await ops.faucet(alice, { asset: "WETH", amount: "10" });
    const opened = await flows.openLeveraged(alice, { synth: "bUSD", asset: "WETH", amount: "10", leverage: "8000" });
    const id = opened.id;
    const h0 = (await alice.lens.healthOf(id)).health;
    expect(h0).to.be.closeTo(opened.preview.figures.health, opened.preview.figures.health / 100_000n);
    // the Router gets the narrow right and close; the venue (which pays bUSD from what it holds) is funded
    await grantManager(alice, { id, manager: "router", permissions: "repayWithCollateral,close" });
    await ops.faucet(deployer, { asset: "USDC", amount: "200000" });
    await ops.swapIn(deployer, { reserve: "USDC", amount: "100000", to: "venue:bUSD/WETH" });
    await flows.deleveragePosition(alice, { id, health: "1.5", asset: "WETH" });
    expect((await alice.lens.healthOf(id)).health).to.be.at.least((149n * WAD) / 100n);
    const debt1 = await alice.lens.debtOf(id);
    await flows.repayWithCollateralTask(alice, { id, amount: "1000", asset: "WETH" });
    expect(debt1 - (await alice.lens.debtOf(id))).to.be.within(999n * WAD, 1_000n * WAD);
    await flows.closeWithCollateralTask(alice, { id, asset: "WETH" });
    expect(await alice.lens.debtOf(id)).to.equal(0n);
    expect((await alice.vault.positionOf(id))[2]).to.equal(0n); // no collateral left in it

    // a signed grant: alice signs, bob submits
    await ops.faucet(alice, { asset: "WETH", amount: "10" });
    const plain = (await ops.openPosition(alice, { synth: "bUSD", asset: "WETH", amount: "10", mint: "13000" })).id;
    const signed = await grantManager(alice, {
      id: plain,
      manager: bob.signer.address,
      permissions: "deposit",
      sign: true,
      out: join(dir, "grant.json"),
    });
    await submitGrant(bob, { file: signed.file ?? "" });
    expect(await alice.lens.permissionsOf(plain, bob.signer.address)).to.equal(PERMISSIONS.deposit);

    // protection: opted in, WETH falls into the band, the keeper pre-liquidates (its bUSD from the module)
    await protect(alice, { id: plain, on: true });
    await ops.swapIn(deployer, { reserve: "USDC", amount: "50000", to: keeperSys.signer.address });
    await ops.setPrice(deployer, { asset: "WETH", usd: "1620" });
    const pre = alice.preLiquidation;
    if (pre === undefined) throw new Error("the deployment has no PreLiquidation");
    const keeper = new Keeper({
      engine: keeperSys.engine,
      lens: keeperSys.lens,
      signer: keeperSys.signer,
      positions: staticPositionSource([plain]),
      venue: new OracleVenue(keeperSys.oracle, keeperSys.vault, keeperSys.lens, 0n),
      minProfitBps: 50n,
      preLiquidation: pre,
    });
    const hBefore = (await alice.lens.healthOf(plain)).health;
    expect(hBefore).to.be.within(WAD, (11n * WAD) / 10n);
    const tick = await keeper.tick();
    expect(tick.preLiquidations.map((p) => p.positionId)).to.deep.equal([plain]);
    expect((await alice.lens.healthOf(plain)).health).to.be.greaterThan(hBefore);
  });
});
