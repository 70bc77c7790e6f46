import { expect } from "chai";
import { id } from "ethers";
import hre from "hardhat";
import { DEPLOYED } from "./lib/deployed.js";

/** One event as an indexer sees it: its signature (topic 0) and which parameters are indexed (topics 1-3). */
interface EventShape {
  contract: string;
  signature: string;
  layout: string; // "i" per indexed parameter, "-" per data parameter
}

interface AbiParam {
  type: string;
  indexed?: boolean;
  components?: AbiParam[];
}

/** The canonical ABI type of a parameter (tuples expanded), as in an event signature. */
function canonical(p: AbiParam): string {
  if (!p.type.startsWith("tuple")) return p.type;
  return `(${(p.components ?? []).map(canonical).join(",")})${p.type.slice("tuple".length)}`;
}

/** Every event of every contract that goes on chain, plus the AccessManager the deploy uses. */
async function deployedEvents(): Promise<EventShape[]> {
  const out: EventShape[] = [];
  for (const contract of [...DEPLOYED, "AccessManager"]) {
    const artifact = await hre.artifacts.readArtifact(contract);
    for (const item of artifact.abi as { type: string; name?: string; inputs?: AbiParam[] }[]) {
      if (item.type !== "event" || item.name === undefined) continue;
      const inputs = item.inputs ?? [];
      out.push({
        contract,
        signature: `${item.name}(${inputs.map(canonical).join(",")})`,
        layout: inputs.map((p) => (p.indexed === true ? "i" : "-")).join(""),
      });
    }
  }
  return out;
}

/** Event names declared with more than one signature, one line each. */
function nameClashes(events: EventShape[]): string[] {
  const byName = new Map<string, Map<string, string>>();
  for (const e of events) {
    const name = e.signature.slice(0, e.signature.indexOf("("));
    const sigs = byName.get(name) ?? new Map<string, string>();
    sigs.set(e.signature, `${e.signature} in ${e.contract}`);
    byName.set(name, sigs);
  }
  return [...byName.values()].filter((s) => s.size > 1).map((s) => [...s.values()].join(" vs "));
}

/** Signatures (topic 0) declared with more than one indexed layout, one line each. */
function layoutClashes(events: EventShape[]): string[] {
  const byTopic = new Map<string, Map<string, string>>();
  for (const e of events) {
    const topic = id(e.signature);
    const layouts = byTopic.get(topic) ?? new Map<string, string>();
    layouts.set(e.layout, `${e.signature} [${e.layout}] in ${e.contract}`);
    byTopic.set(topic, layouts);
  }
  return [...byTopic.values()].filter((l) => l.size > 1).map((l) => [...l.values()].join(" vs "));
}

/**
 * Name clashes accepted, each signature with why. ERC-6909's `Transfer` and `Approval` (the InstrumentVault's series
 * tokens) are fixed by the standard and differ from ERC-20's in their parameters, so topic 0 tells them apart. The
 * InstrumentVault's `Finalized` and `Redeemed` share their names with the Settlement's: told apart by topic 0 (their
 * parameters differ), but against this rule. They are to become `SeriesFinalized` and `SeriesRedeemed` with the
 * contract's next change: under the IR pipeline a change to one contract can move another's bytecode in the same
 * compiler job (docs/gas.md, Sizes), and this release's sizes and gas were measured on the build as it is.
 */
const ACCEPTED_CLASHES = new Set([
  "Transfer(address,address,address,uint256,uint256)", // ERC-6909
  "Approval(address,address,uint256,uint256)", // ERC-6909
  "Finalized(uint256,uint256,uint256,uint256)", // InstrumentVault (see above)
  "Redeemed(uint256,address,address,bool,uint256,uint256)", // InstrumentVault (see above)
]);

describe("events of the deployed contracts", function () {
  it("one event name has one signature across every contract, so an indexer never confuses two events", async function () {
    const clashes = nameClashes((await deployedEvents()).filter((e) => !ACCEPTED_CLASHES.has(e.signature)));
    expect(clashes, `event names with two signatures:\n${clashes.join("\n")}`).to.deep.equal([]);
  });

  it("one signature (topic 0) has one indexed layout across every contract, so decoding by topic never misreads", async function () {
    const clashes = layoutClashes(await deployedEvents());
    expect(clashes, `signatures with two indexed layouts:\n${clashes.join("\n")}`).to.deep.equal([]);
  });

  it("the checks catch what d24699e shipped: `Claimed` with two indexed sets, `AuctionSettled` with two signatures", function () {
    const shipped: EventShape[] = [
      { contract: "LiquidationEngine", signature: "Claimed(address,address,address,uint256)", layout: "iii-" },
      { contract: "Settlement", signature: "Claimed(address,address,address,uint256)", layout: "ii--" },
      { contract: "LiquidationEngine", signature: "AuctionSettled(uint256,address,uint256,uint256)", layout: "ii--" },
      {
        contract: "Settlement",
        signature: "AuctionSettled(uint256,uint256,uint256,address,uint256,address,uint256,uint256)",
        layout: "iii-----",
      },
    ];
    expect(layoutClashes(shipped)).to.have.length(1);
    expect(nameClashes(shipped)).to.have.length(1);
  });
});
