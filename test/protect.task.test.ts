/**
 * `ballast manager grant|revoke|submit` and `ballast protect on|off` (tasks/protect.ts) on a deployment read from its
 * manifest: rights granted by transaction and by signature (written, then submitted by another account), refusals in
 * words, and the opt-in to pre-liquidation with its preview.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { network } from "hardhat";
import { deploySystem } from "../deploy/deploy.js";
import { configFor } from "../deploy/config/networks.js";
import * as ops from "../tasks/ops.js";
import { grantManager, protect, submitGrant } from "../tasks/protect.js";
import { type System, TaskError, loadSystem } from "../sdk/system.js";
import { ALL_PERMISSIONS, PERMISSIONS } from "../sdk/permissions.js";

const { ethers } = await network.create();

async function refusal(p: Promise<unknown>): Promise<string> {
  return p.then(
    () => expect.fail("did not refuse"),
    (e: unknown) => {
      expect(e).to.be.instanceOf(TaskError);
      return (e as Error).message;
    },
  );
}

describe("ballast manager and protect (tasks/protect.ts)", function () {
  let dir: string;
  let path: string;
  let alice: System;
  let bob: System;
  const lines: string[] = [];
  let id: bigint;

  before(async function () {
    dir = mkdtempSync(join(tmpdir(), "ballast-protect-"));
    path = join(dir, "manifest.json");
    await deploySystem(ethers, "default", configFor("default"), { manifestPath: path, log: () => {} });
    alice = await loadSystem(ethers, "default", { manifestPath: path, from: "1", log: (l) => lines.push(l) });
    bob = await loadSystem(ethers, "default", { manifestPath: path, from: "2", log: (l) => lines.push(l) });
    await ops.faucet(alice, { asset: "WETH", amount: "10" });
    id = (await ops.openPosition(alice, { synth: "bUSD", asset: "WETH", amount: "10", mint: "10000" })).id;
  });

  it("grants exactly the named rights by transaction, and revokes them", async function () {
    const r = await grantManager(alice, { id, manager: bob.signer.address, permissions: "deposit, mint" });
    expect(r.permissions).to.equal(PERMISSIONS.deposit | PERMISSIONS.mint);
    expect(await alice.lens.permissionsOf(id, bob.signer.address)).to.equal(5n);
    expect(lines.join("\n")).to.contain("holds none; it will hold deposit, mint");
    // bob may mint now, not withdraw: the task says which right is missing and how to get it
    await ops.mint(bob, { id, amount: "10" });
    expect(await refusal(ops.withdraw(bob, { id, asset: "WETH", amount: "1" }))).to.contain(
      "holding the withdraw right may (this account holds: deposit, mint)",
    );
    await grantManager(alice, { id, manager: bob.signer.address, permissions: "none" });
    expect(await alice.lens.permissionsOf(id, bob.signer.address)).to.equal(0n);
    // refusals: no rights named, an unknown right, not the owner
    expect(await refusal(grantManager(alice, { id, manager: bob.signer.address, permissions: "" }))).to.match(
      /say which rights to grant/,
    );
    expect(await refusal(grantManager(alice, { id, manager: bob.signer.address, permissions: "borrow" }))).to.match(
      /"borrow" is not a permission/,
    );
    expect(await refusal(grantManager(bob, { id, manager: bob.signer.address, permissions: "all" }))).to.match(
      /may not appoint managers of position #\d+: only its owner/,
    );
  });

  it("signs a grant without sending anything; another account submits it once", async function () {
    const out = join(dir, "grant.json");
    const before = await ethers.provider.getTransactionCount(alice.signer.address);
    const r = await grantManager(alice, { id, manager: "router", permissions: "all", sign: true, out });
    expect(await ethers.provider.getTransactionCount(alice.signer.address)).to.equal(before); // nothing sent
    expect(r.file).to.equal(out);
    const file = JSON.parse(readFileSync(out, "utf8")) as { grant: { manager: string; nonce: string } };
    expect(file.grant.manager).to.equal(alice.manifest.contracts.Router?.address);
    await submitGrant(bob, { file: out });
    expect(await alice.lens.permissionsOf(id, file.grant.manager)).to.equal(ALL_PERMISSIONS);
    // a second submission is refused in words: the nonce is used
    expect(await refusal(submitGrant(bob, { file: out }))).to.match(/next grant nonce is 1/);
  });

  it("protect on: previews the band and opts the position in; off opts it out", async function () {
    lines.length = 0;
    const r = await protect(alice, { id, on: true });
    expect(r.preHealth).to.equal(11n * 10n ** 17n);
    expect(lines.join("\n")).to.match(
      /Pre-liquidation applies from health 1\.100 down to 1\.000: anyone may repay 10% \(at the top\) to 50% \(at 1\.000\) of the debt per block for collateral worth it plus 1% to 2\.5%; no liquidation penalty, no auction/,
    );
    const pre = alice.manifest.contracts.PreLiquidation?.address ?? "";
    expect(await alice.lens.permissionsOf(id, pre)).to.equal(PERMISSIONS.repayWithCollateral);
    await protect(alice, { id, on: false });
    expect(await alice.lens.permissionsOf(id, pre)).to.equal(0n);
    expect(await refusal(protect(bob, { id, on: true }))).to.match(/may not opt in position/);
  });
});
