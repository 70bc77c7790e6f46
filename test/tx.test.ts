/**
 * Sending on a node that does not mine instantly (sdk/tx.ts): anvil with a block every second. The gas
 * margin, and every way a sent transaction can fail (out of gas, reverted after its estimate passed, replaced, not
 * mined), each reported by sdk/errors.ts as one line with what to do.
 */
import { expect } from "chai";
import { network } from "hardhat";
import type { HardhatEthers, HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { BUSD } from "../sdk/params.js";
import { type Core, deployCore, fundAndApprove } from "../deploy/local/core.js";
import { answer8, units, wad } from "../sdk/units.js";
import { explainFailure } from "../sdk/errors.js";
import {
  DEFAULT_GAS_MARGIN_BPS,
  TxFailure,
  gasMarginFor,
  sendTx,
  waitMined,
  withGasLimit,
  withGasMargin,
} from "../sdk/tx.js";
import { type LocalNode, rpc, startAnvil } from "./helpers/anvil.js";

const GWEI = 10n ** 9n;

async function failure(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => expect.fail("expected a failure"),
    (e: unknown) => e,
  );
}

describe("sending on a node with interval mining (sdk/tx.ts, anvil)", function () {
  this.timeout(120_000);
  let node: LocalNode;
  let ethers: HardhatEthers;
  let core: Core;
  let alice: HardhatEthersSigner;
  let bob: HardhatEthersSigner;

  before(async function () {
    node = await startAnvil(); // instant mining for the setup, then a block every second
    const conn = await network.create({ network: "localhost", override: { url: node.url } });
    ethers = conn.ethers;
    core = await deployCore(ethers);
    const signers = await ethers.getSigners();
    alice = signers[1]!;
    bob = signers[2]!;
    await fundAndApprove(core, alice, { weth: units("weth", "10") });
    await fundAndApprove(core, bob, { weth: units("weth", "10") });
    await (
      await core.vault.connect(alice).openAndMint(BUSD, core.weth, units("weth", "10"), wad("5000"), alice)
    ).wait();
    await rpc(node.url, "evm_setAutomine", [false]);
    await rpc(node.url, "evm_setIntervalMining", [1]);
  });

  after(async function () {
    await node?.stop();
  });

  it("withGasMargin / gasMarginFor: +25% by default, capped at the block gas limit; the override is checked", function () {
    expect(DEFAULT_GAS_MARGIN_BPS).to.equal(2_500);
    expect(withGasMargin(264_411n, 2_500)).to.equal(330_514n);
    expect(withGasMargin(264_411n, 2_000)).to.equal(317_294n); // rounded up
    expect(withGasMargin(25_000_000n, 2_500, 30_000_000n)).to.equal(30_000_000n);
    expect(withGasMargin(31_000_000n, 2_500, 30_000_000n)).to.equal(31_000_000n); // never below the estimate
    expect(gasMarginFor(3_000, {})).to.equal(3_000);
    expect(gasMarginFor(undefined, {})).to.equal(2_500);
    expect(gasMarginFor(3_000, { BALLAST_GAS_MARGIN_BPS: "5000" })).to.equal(5_000);
    expect(() => gasMarginFor(3_000, { BALLAST_GAS_MARGIN_BPS: "lots" })).to.throw(/BALLAST_GAS_MARGIN_BPS = "lots"/);
  });

  it("mints sent a block after their estimate all land with the margin; the limit is the estimate + 25%", async function () {
    for (let i = 0; i < 4; i++) {
      const tx = await core.vault.connect(alice).mint.populateTransaction(1n, wad("100"), alice);
      const request = await withGasLimit(alice, tx, DEFAULT_GAS_MARGIN_BPS);
      const estimate = await alice.estimateGas(tx);
      expect(request.gasLimit >= (estimate * 12_500n) / 10_000n).to.equal(true);
      const receipt = await sendTx(alice, tx, { gasMarginBps: DEFAULT_GAS_MARGIN_BPS, pollMs: 100 });
      expect(receipt.status).to.equal(1);
      expect(receipt.gasUsed < request.gasLimit).to.equal(true);
    }
  });

  it("out of gas: a limit the transaction exhausts is reported as out of gas with what to do", async function () {
    const tx = await core.vault.connect(alice).mint.populateTransaction(1n, wad("100"), alice);
    const e = await failure(sendTx(alice, { ...tx, gasLimit: 60_000n }, { gasMarginBps: 0, pollMs: 100 }));
    expect(e).to.be.instanceOf(TxFailure);
    expect((e as TxFailure).kind).to.equal("out-of-gas");
    expect(await explainFailure(e)).to.match(
      /^ran out of gas \(tx 0x[0-9a-f]{64}\): it used all of its 60,000 gas limit; retry with a higher gas margin/,
    );
  });

  it("a revert in the estimate (the node's own error) is decoded in human units", async function () {
    const e = await failure(core.vault.connect(bob).close.estimateGas(1n, bob));
    expect(await explainFailure(e, { vault: core.vault, lens: core.lens })).to.equal(
      `${bob.address} is neither the owner (${alice.address}) nor a manager of position #1 holding the close ` +
        "right: act as the owner (--from <owner>), or have the owner grant this account that right (ballast " +
        "manager grant, or Vault.setManager)",
    );
  });

  it("reverted: decoded from a replay at the block before it, in human units", async function () {
    const tx = await core.vault.connect(alice).mint.populateTransaction(1n, wad("100000"), alice);
    const e = await failure(sendTx(alice, { ...tx, gasLimit: 400_000n }, { gasMarginBps: 0, pollMs: 100 }));
    expect((e as TxFailure).kind).to.equal("reverted");
    expect(await explainFailure(e, { vault: core.vault, lens: core.lens, network: "localhost" })).to.match(
      /^reverted in block \d+ \(tx 0x[0-9a-f]{64}\): position #1's debt would be worth \$105,\d{3}\.\d\d, over its minting limit of \$16,000\.00: you can mint at most [\d,.]+ bUSD against it/,
    );
  });

  it("reverted after its estimate passed: another transaction in the same block acted first", async function () {
    await core.setPrice("weth", answer8("600")); // health 0.85 × 6,000 / 5,400 < 1
    const [, , , k1, k2] = await ethers.getSigners();
    const t1 = await withGasLimit(k1!, await core.engine.liquidate.populateTransaction(1n), DEFAULT_GAS_MARGIN_BPS);
    const t2 = await withGasLimit(k2!, await core.engine.liquidate.populateTransaction(1n), DEFAULT_GAS_MARGIN_BPS);
    // both estimates passed against the same state; both go into the same block (mining held while they are sent)
    await rpc(node.url, "evm_setIntervalMining", [0]);
    const [r1, r2] = await Promise.all([k1!.sendTransaction(t1), k2!.sendTransaction(t2)]);
    await rpc(node.url, "evm_mine");
    await rpc(node.url, "evm_setIntervalMining", [1]);
    const results = await Promise.allSettled([
      waitMined(ethers.provider, r1, t1, { pollMs: 100 }),
      waitMined(ethers.provider, r2, t2, { pollMs: 100 }),
    ]);
    const failed = results.filter((r) => r.status === "rejected");
    expect(failed.length, JSON.stringify(results.map((r) => r.status))).to.equal(1);
    const e = (failed[0] as PromiseRejectedResult).reason as TxFailure;
    expect(e.kind).to.equal("reverted");
    expect(await explainFailure(e)).to.match(
      /^reverted in block \d+ \(tx 0x[0-9a-f]{64}\), though it passed when estimated: the state changed in between \(someone acted first\); check the state and retry$/,
    );
    await core.setPrice("weth", answer8("2000"));
  });

  it("replaced: a transaction whose nonce another one used is reported as replaced, naming the replacement", async function () {
    // mining held while both are sent, so the second one replaces the first in the pool
    await rpc(node.url, "evm_setIntervalMining", [0]);
    const nonce = await ethers.provider.getTransactionCount(bob.address, "pending");
    const approve = await core.busd.connect(bob).approve.populateTransaction(core.engine, 1n);
    const first = await bob.sendTransaction({
      ...approve,
      nonce,
      gasLimit: 100_000n,
      maxFeePerGas: 10n * GWEI,
      maxPriorityFeePerGas: GWEI,
    });
    const second = await bob.sendTransaction({
      ...approve,
      data: (await core.busd.connect(bob).approve.populateTransaction(core.engine, 2n)).data,
      nonce,
      gasLimit: 100_000n,
      maxFeePerGas: 50n * GWEI,
      maxPriorityFeePerGas: 20n * GWEI,
    });
    await rpc(node.url, "evm_setIntervalMining", [1]);
    const e = await failure(waitMined(ethers.provider, first, approve, { pollMs: 100 }));
    expect((e as TxFailure).kind).to.equal("replaced");
    expect((e as TxFailure).replacement).to.equal(second.hash);
    expect(await explainFailure(e)).to.equal(
      `replaced (tx ${first.hash}): another transaction of the same account used nonce ${nonce} (${second.hash}); ` +
        "check whether it did what you wanted, then retry",
    );
    expect(await core.busd.allowance(bob, core.engine)).to.equal(2n);
  });

  it("not mined: a transaction still pending at the timeout is reported with its nonce and what to do", async function () {
    await rpc(node.url, "evm_setIntervalMining", [0]); // no more blocks
    try {
      const tx = await core.busd.connect(bob).approve.populateTransaction(core.engine, 3n);
      const request = { ...tx, gasLimit: 100_000n };
      const sent = await bob.sendTransaction(request);
      const e = await failure(waitMined(ethers.provider, sent, request, { pollMs: 100, timeoutMs: 600 }));
      expect((e as TxFailure).kind).to.equal("not-mined");
      expect(await explainFailure(e)).to.match(
        new RegExp(`^not mined within 1 s \\(tx ${sent.hash}\\): it may still be pending with nonce ${sent.nonce};`),
      );
    } finally {
      await rpc(node.url, "evm_setIntervalMining", [1]);
    }
  });
});
