import { expect } from "chai";
import { network } from "hardhat";
import { BUSD } from "../sdk/params.js";
import { deployCore, fundAndApprove } from "../deploy/local/core.js";
import { units, wad } from "../sdk/units.js";
import { KINDS, type TraceStep, breakdown, intrinsicGas, total } from "../tools/gas/trace.js";

/** The breakdown behind `npm run gas:trace` (tools/gas/trace.ts). */
describe("gas trace (tools/gas/trace.ts)", function () {
  const A = "0x" + "a".repeat(40);
  const B = "0x" + "b".repeat(40);
  const C = "0x" + "c".repeat(40);
  const word = (address: string): string => "0x" + address.slice(2).padStart(64, "0");

  it("charges a call its own cost and each callee its steps, and follows DELEGATECALL as the caller's code", function () {
    // A: SLOAD cold, CALL B (B: SSTORE, DELEGATECALL C (runs as B: LOG1), STOP), SLOAD warm, CALL C (C: SSTORE),
    // STOP: the second call at the same depth must not re-attribute the first callee's steps
    const steps: TraceStep[] = [
      { op: "SLOAD", gas: 100_000, gasCost: 2_100, depth: 1 },
      { op: "CALL", gas: 97_900, gasCost: 90_000, depth: 1, stack: [word(B), "0x0"] },
      { op: "SSTORE", gas: 93_000, gasCost: 20_000, depth: 2 },
      { op: "DELEGATECALL", gas: 73_000, gasCost: 60_000, depth: 2, stack: [word(C), "0x0"] },
      { op: "LOG1", gas: 70_000, gasCost: 1_000, depth: 3 },
      { op: "STOP", gas: 69_000, gasCost: 0, depth: 3 },
      { op: "STOP", gas: 70_000, gasCost: 0, depth: 2 },
      { op: "SLOAD", gas: 72_300, gasCost: 100, depth: 1 },
      { op: "CALL", gas: 72_200, gasCost: 60_000, depth: 1, stack: [word(C), "0x0"] },
      { op: "SSTORE", gas: 60_000, gasCost: 2_900, depth: 2 },
      { op: "STOP", gas: 57_100, gasCost: 0, depth: 2 },
      { op: "STOP", gas: 66_700, gasCost: 0, depth: 1 },
    ];
    const b = breakdown(steps, A.toUpperCase());
    // the first CALL cost A 97,900 - 72,300 = 25,600, of which B's steps spent 23,000: 2,600 is the call's own; the
    // second 72,200 - 66,700 = 5,500, of which C's SSTORE 2,900
    expect(b.get(A)).to.deep.equal({
      "cold reads": 2_100,
      "warm reads": 100,
      writes: 0,
      events: 0,
      calls: 5_200,
      logic: 0,
    });
    // B: its SSTORE, the DELEGATECALL's own 2,000 (73,000 - 70,000 - 1,000 spent by C's code) and C's LOG1
    expect(b.get(B)).to.deep.equal({
      "cold reads": 0,
      "warm reads": 0,
      writes: 20_000,
      events: 1_000,
      calls: 2_000,
      logic: 0,
    });
    expect(b.get(C)).to.deep.equal({
      "cold reads": 0,
      "warm reads": 0,
      writes: 2_900,
      events: 0,
      calls: 0,
      logic: 0,
    });
    expect(total(b)).to.equal(100_000 - 66_700);
  });

  it("intrinsic gas: 21,000 + 4 per zero byte + 16 per other byte", function () {
    expect(intrinsicGas("0x")).to.equal(21_000);
    expect(intrinsicGas("0x00ff0001")).to.equal(21_000 + 4 + 16 + 4 + 16);
  });

  it("accounts for every unit of a real deposit: intrinsic + execution = gas used (no refund)", async function () {
    const { ethers } = await network.create();
    const core = await deployCore(ethers);
    const [, user] = await ethers.getSigners();
    if (user === undefined) throw new Error("needs two signers");
    await fundAndApprove(core, user, { weth: units("weth", "20") });
    const id = await core.vault.nextPositionId();
    await (await core.vault.connect(user).openAndMint(BUSD, core.weth, units("weth", "10"), wad("1000"), user)).wait();
    const tx = await core.vault.connect(user).deposit(id, core.weth, units("weth", "1"));
    const receipt = await tx.wait();
    if (receipt === null) throw new Error("no receipt");
    const trace = (await ethers.provider.send("debug_traceTransaction", [
      receipt.hash,
      { disableStorage: true, disableMemory: true },
    ])) as { structLogs: TraceStep[] };
    const b = breakdown(trace.structLogs, await core.vault.getAddress());
    expect(intrinsicGas(tx.data) + total(b)).to.equal(Number(receipt.gasUsed));
    // the deposit's token transfer runs in the token's code, its events and writes there too
    const weth = b.get((await core.weth.getAddress()).toLowerCase());
    expect(weth?.writes).to.be.greaterThan(0);
    expect(weth?.events).to.be.greaterThan(0);
    for (const k of KINDS) expect(b.get((await core.vault.getAddress()).toLowerCase())?.[k]).to.be.a("number");
  });
});
