/**
 * The one failure decoder (sdk/errors.ts): complete over the deployable contracts' ABIs, one line per
 * failure, figures in human units, and real reverts from the embedded network decoded with their remedy.
 */
import { expect } from "chai";
import { network } from "hardhat";
import { Interface, type ParamType } from "ethers";
import { DEPLOYABLE_ABIS, ERRORS, ERRORS_INTERFACE, explainFailure, explainRevertData } from "../sdk/errors.js";
import { TxFailure } from "../sdk/tx.js";
import { BUSD } from "../sdk/params.js";
import { deployCore, fundAndApprove } from "../deploy/local/core.js";
import { units, wad } from "../sdk/units.js";

const { ethers } = await network.create();

/** Every custom error name declared in the deployable contracts' ABIs. */
function declaredErrors(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [contract, abi] of Object.entries(DEPLOYABLE_ABIS)) {
    new Interface(abi).forEachError((f) => out.set(f.name, [...(out.get(f.name) ?? []), contract]));
  }
  return out;
}

/** A plausible value of each ABI type, to render every sentence. */
function sample(param: ParamType, i: number): unknown {
  const type = param.type;
  if (param.isTuple()) return param.components.map((c, j) => sample(c, i + j));
  if (type === "address") return `0x${String(i + 1).padStart(40, "0")}`;
  if (type === "bool") return true;
  if (type === "string") return "field";
  if (type.startsWith("bytes")) return `0x${"ab".repeat(type === "bytes" ? 4 : Number(type.slice(5)))}`;
  if (type.startsWith("uint") || type.startsWith("int")) return BigInt(i + 1);
  throw new Error(`no sample for ${type}`);
}

describe("failure decoder (sdk/errors.ts)", function () {
  it("has a sentence for every custom error of the deployable contracts, and none for an error no contract has", function () {
    const declared = declaredErrors();
    const missing = [...declared.keys()].filter((name) => ERRORS[name] === undefined).sort();
    expect(missing, `errors without a sentence in sdk/errors.ts ERRORS: ${missing.join(", ")}`).to.deep.equal([]);
    const stale = Object.keys(ERRORS).filter((name) => !declared.has(name));
    expect(stale, `ERRORS entries no deployable contract declares: ${stale.join(", ")}`).to.deep.equal([]);
    expect(declared.size).to.be.greaterThan(100);
  });

  it("every sentence is one line that says what happened and what to do, without raw placeholders", async function () {
    const bad: string[] = [];
    for (const fragment of ERRORS_INTERFACE.fragments) {
      if (fragment.type !== "error") continue;
      const f = ERRORS_INTERFACE.getError(fragment.format("sighash"));
      if (f === null) continue;
      const data = ERRORS_INTERFACE.encodeErrorResult(
        f,
        f.inputs.map((p, i) => sample(p, i)),
      );
      const text = await explainRevertData(data, { network: "localhost" });
      if (
        text.includes("\n") ||
        /undefined|NaN|\[object/.test(text) ||
        !text.includes(":") ||
        text.startsWith("reverted with ") ||
        text.length < 25
      ) {
        bad.push(`${f.name}: ${text}`);
      }
    }
    expect(bad).to.deep.equal([]);
  });

  it("decodes real reverts of the embedded network in human units, with the remedy", async function () {
    const core = await deployCore(ethers);
    const [, alice, bob] = await ethers.getSigners();
    if (alice === undefined || bob === undefined) throw new Error("signers");
    await fundAndApprove(core, alice, { weth: units("weth", "1") });
    await (await core.vault.connect(alice).openAndMint(BUSD, core.weth, units("weth", "1"), wad("1000"), alice)).wait();
    const ctx = {
      vault: core.vault,
      lens: core.lens,
      network: "localhost",
      from: "1",
      assets: [{ address: await core.weth.getAddress(), symbol: "WETH", decimals: 18 }],
    };
    // 1 WETH at $2,000, max LTV 80%: a $1,600 minting limit, $1,000 owed: at most about 600 bUSD more
    const mint = await core.vault
      .connect(alice)
      .mint.estimateGas(1n, wad("5000"), alice)
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    const text = await explainFailure(mint, ctx);
    expect(text).to.match(
      /^position #1's debt would be worth \$6,000\.\d\d, over its minting limit of \$1,600\.00: you can mint at most 599\.99\d* bUSD against it, or deposit collateral first \(`npx hardhat ballast deposit 1 <token> <units> --from 1 --network localhost`\)$/,
    );
    // a position with no collateral: nothing to mint against
    await (await core.vault.connect(bob).open(BUSD)).wait();
    const empty = await core.vault
      .connect(bob)
      .mint.staticCall(2n, wad("200"), bob)
      .catch((e: unknown) => e);
    expect(await explainFailure(empty, ctx)).to.match(/over its minting limit of \$0\.00: deposit collateral first/);
    // someone else's position: the owner is named
    const notOwner = await core.vault
      .connect(bob)
      .close.staticCall(1n, bob)
      .catch((e: unknown) => e);
    expect(await explainFailure(notOwner, ctx)).to.equal(
      `${bob.address} is neither the owner (${alice.address}) nor a manager of position #1 holding the close ` +
        "right: act as the owner (--from <owner>), or have the owner grant this account that right (ballast " +
        "manager grant, or Vault.setManager)",
    );
    // a supply cap in the asset's units
    const supply = await explainRevertData(
      core.vault.interface.encodeErrorResult("SupplyCapExceeded", [
        await core.weth.getAddress(),
        345n * 10n ** 15n + 10n ** 24n,
        10n ** 24n,
      ]),
      ctx,
    );
    expect(supply).to.match(
      /to 1,000,000\.345 WETH, over its supply cap of 1,000,000 WETH: deposit at most 999,999 WETH/,
    );
  });

  it("a reverted receipt without revert data (ethers' revert: null) and out-of-gas are explained, not crashed on", async function () {
    const nullRevert = Object.assign(new Error("transaction execution reverted"), {
      code: "CALL_EXCEPTION",
      revert: null,
      data: null,
      reason: null,
    });
    expect(await explainFailure(nullRevert)).to.equal(
      "reverted without a reason: check the call's arguments and the state",
    );
    const oog = new TxFailure("out-of-gas", { hash: "0xab", gasLimit: 264_411n, gasUsed: 264_411n });
    expect(await explainFailure(oog)).to.equal(
      "ran out of gas (tx 0xab): it used all of its 264,411 gas limit; retry with a higher gas margin " +
        "(BALLAST_GAS_MARGIN_BPS, or gasMarginBps in deploy/config/networks.ts)",
    );
    const replaced = new TxFailure("replaced", { hash: "0xab", nonce: 7, replacement: "0xcd" });
    expect(await explainFailure(replaced)).to.match(/^replaced \(tx 0xab\): another transaction .* nonce 7 \(0xcd\)/);
    const pending = new TxFailure("not-mined", { hash: "0xab", nonce: 7, waitedMs: 180_000 });
    expect(await explainFailure(pending)).to.match(
      /^not mined within 180 s \(tx 0xab\): .*same nonce and a higher fee$/,
    );
    expect(await explainFailure(new Error("connect ECONNREFUSED 127.0.0.1:8545"))).to.match(/^cannot reach the node/);
    const multi = new Error("first line\nsecond line\n    at stack");
    expect(await explainFailure(multi)).to.equal("first line");
  });
});
