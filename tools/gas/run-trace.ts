/**
 * `npm run gas:trace`: runs the gas benchmark (tools/gas/bench.ts, same conditions as `npm run gas`), traces the
 * liquidation rows and the one-asset Vault rows with `debug_traceTransaction`, and writes gas/trace.md: per row, the
 * execution gas of each contract split into cold reads, warm reads, writes, events, calls and logic, with the
 * intrinsic cost and the refund. docs/gas.md reads its figures from this file.
 */
import { writeFileSync } from "node:fs";
import { format, resolveConfig } from "prettier";
import { network } from "hardhat";
import { renderTable } from "../../sdk/format.js";
import { type GasRow, measureGas } from "./bench.js";
import { KINDS, type TraceStep, breakdown, intrinsicGas, total } from "./trace.js";

const TRACED = /\(1 asset\)|take|reset|claim keeper pay/;
const out = new URL("../../gas/trace.md", import.meta.url);

console.log("Gas trace: measuring the benchmark, then tracing its rows...");
const connection = await network.create();
let names = new Map<string, string>();
const rows = await measureGas(
  connection,
  (line) => console.log(line),
  (core) => {
    names = new Map(Object.entries(core.addresses).map(([name, address]) => [address.toLowerCase(), name]));
  },
);

const sections: string[] = [];
for (const row of rows.filter((r) => TRACED.test(r.name))) sections.push(await traceRow(row));

const text = `# Gas trace

Written by \`npm run gas:trace\` (tools/gas/run-trace.ts) from \`debug_traceTransaction\` of the benchmark's transactions,
measured under the conditions of [README.md](README.md). Each step's gas goes to the contract whose code ran it: a call
step is charged its own cost (the account access, cold or warm, and memory), not its callee's steps. "cold reads" are
first reads of a slot in the transaction (2,100 each), "writes" every SSTORE at its charged cost (20,000 to fill an empty
slot, 2,900 to change one, 100 to rewrite one already written), before refunds. The refund (clearing slots, capped at a
fifth of the gas used) comes off the total at the end: gas used = intrinsic + execution - refund.

${sections.join("\n\n")}
`;
writeFileSync(out, await format(text, { ...(await resolveConfig(out)), filepath: out.pathname }));
console.log(`\nWrote ${out.pathname}`);

/** Traces `row`'s transaction and renders its breakdown as a markdown section. */
async function traceRow(row: GasRow): Promise<string> {
  const { provider } = connection.ethers;
  const tx = await provider.getTransaction(row.hash);
  if (tx === null || tx.to === null) throw new Error(`gas trace: transaction of "${row.name}" not found`);
  const trace = (await provider.send("debug_traceTransaction", [
    row.hash,
    { disableStorage: true, disableMemory: true },
  ])) as { structLogs: TraceStep[] };
  const b = breakdown(trace.structLogs, tx.to);
  const execution = total(b);
  const intrinsic = intrinsicGas(tx.data);
  const refund = intrinsic + execution - Number(row.gas);
  console.log(`  ${row.name}: execution ${execution}, intrinsic ${intrinsic}, refund ${refund}`);
  const n = (x: number): string => x.toLocaleString("en-US");
  const body = [...b.entries()]
    .sort((x, y) => total(y[1]) - total(x[1]))
    .map(([address, r]) => [names.get(address) ?? address, n(total(r)), ...KINDS.map((k) => n(r[k]))]);
  const sums = KINDS.map((k) => n([...b.values()].reduce((a, r) => a + r[k], 0)));
  body.push(["all contracts", n(execution), ...sums]);
  const table = renderTable(["contract", "execution", ...KINDS], body, { markdown: true });
  return `## ${row.name}: ${n(Number(row.gas))} gas\n\nintrinsic ${n(intrinsic)} + execution ${n(execution)} - refund ${n(refund)}\n\n${table}`;
}
