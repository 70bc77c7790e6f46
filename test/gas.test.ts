import { readFileSync } from "node:fs";
import { expect } from "chai";
import { network } from "hardhat";
import { type GasRow, measureGas } from "../tools/gas/bench.js";

/** Re-measures the gas benchmark (tools/gas/bench.ts) and checks it against the committed gas/snapshot.json. */
describe("gas snapshot (gas/snapshot.json)", function () {
  const snapshotUrl = new URL("../gas/snapshot.json", import.meta.url);
  const update = "If the change is intended, run `npm run gas` to update gas/snapshot.json and gas/README.md.";
  let rows: GasRow[];
  let snapshot: Record<string, string>;

  before(async function () {
    snapshot = JSON.parse(readFileSync(snapshotUrl, "utf8")) as Record<string, string>;
    rows = await measureGas(await network.create());
  });

  it("measures the same operations as the snapshot holds", function () {
    expect(rows.map((r) => r.name)).to.deep.equal(
      Object.keys(snapshot),
      `the benchmark's rows differ from the snapshot's. ${update}`,
    );
  });

  it("spends exactly the snapshot's gas on every operation", function () {
    const changed = rows
      .filter((r) => snapshot[r.name] !== undefined && BigInt(snapshot[r.name] ?? "0") !== r.gas)
      .map((r) => {
        const before = BigInt(snapshot[r.name] ?? "0");
        const d = r.gas - before;
        return `  ${r.name}: snapshot ${before}, measured ${r.gas} (${d > 0n ? "+" : ""}${d})`;
      });
    expect(changed, `gas changed:\n${changed.join("\n")}\n${update}`).to.deep.equal([]);
  });

  it("gas/trace.md traces the snapshot's figures (re-run `npm run gas:trace` after `npm run gas`)", function () {
    const trace = readFileSync(new URL("../gas/trace.md", import.meta.url), "utf8");
    const traced = [...trace.matchAll(/^## (.+): ([0-9,]+) gas$/gm)].map((m) => [m[1], (m[2] ?? "").replace(/,/g, "")]);
    expect(traced.length).to.be.greaterThan(0);
    const stale = traced
      .filter(([name, gas]) => snapshot[name ?? ""] !== gas)
      .map(([name, gas]) => `  ${name}: trace ${gas}, snapshot ${snapshot[name ?? ""] ?? "none"}`);
    expect(stale, `gas/trace.md is stale:\n${stale.join("\n")}\nRun \`npm run gas:trace\`.`).to.deep.equal([]);
  });
});
