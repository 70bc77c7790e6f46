/**
 * `npm run gas`: measures the Vault's gas per operation on the embedded Hardhat network (see scripts/lib/gas-bench.ts
 * for the exact conditions), prints the table next to the issue's targets and the field's references, and writes
 * gas/snapshot.json (checked by test/gas.test.ts) and gas/README.md.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { network } from "hardhat";
import { formatGas, renderTable } from "./lib/core.js";
import { GOALS, type GasRow, measureGas, toSnapshot } from "./lib/gas-bench.js";

const outDir = new URL("../gas/", import.meta.url);

console.log("Gas benchmark: deploying the core with Chainlink MockV3Aggregator feeds and measuring...");
const connection = await network.create();
const rows = await measureGas(connection, (line) => console.log(line));

const headers = ["operation", "gas", "target", "vs target", "field ref.", "vs ref."];
const table = (markdown: boolean): string => renderTable(headers, rows.map(cells), { markdown });
console.log("\n" + table(false));

mkdirSync(outDir, { recursive: true });
writeFileSync(new URL("snapshot.json", outDir), JSON.stringify(toSnapshot(rows), null, 2) + "\n");
writeFileSync(new URL("README.md", outDir), readme(table(true)));

const over = rows.filter((r) => {
  const t = GOALS[r.name]?.target;
  return t !== undefined && r.gas > t;
});
console.log(`\nWrote gas/snapshot.json and gas/README.md (${rows.length} rows).`);
console.log(
  over.length === 0
    ? "Every row with a target meets it."
    : `Over target: ${over.map((r) => `${r.name} (+${formatGas(r.gas - (GOALS[r.name]?.target ?? 0n))})`).join(", ")}.`,
);

function cells(r: GasRow): string[] {
  const goal = GOALS[r.name] ?? {};
  const diff = (ref: bigint | undefined): string => {
    if (ref === undefined) return "";
    const d = r.gas - ref;
    return (d > 0n ? "+" : d < 0n ? "-" : "±") + formatGas(d < 0n ? -d : d);
  };
  const k = (g: bigint | undefined): string => (g === undefined ? "" : `${g / 1000n}k`);
  return [r.name, formatGas(r.gas), k(goal.target), diff(goal.target), k(goal.reference), diff(goal.reference)];
}

function readme(markdownTable: string): string {
  return `# Gas snapshot

Written by \`npm run gas\` (scripts/gas.ts); \`test/gas.test.ts\` re-measures every row and fails when one differs from
\`snapshot.json\`. After an intended change, run \`npm run gas\` and commit both files.

${markdownTable}

"target" is the issue's goal; "field ref." is what the cheapest comparable protocol spends for the same operation.
"vs" columns: measured minus goal (negative = cheaper).

## Conditions

- Collateral: an 18-decimal OpenZeppelin ERC-20 (\`MockERC20\`, WETH) priced by Chainlink's \`MockV3Aggregator\`
  (8 decimals) at 2,000. The 3-asset rows use a basket of WETH (18 decimals), WBTC (8 decimals, 60,000) and USDC
  (6 decimals, 1), each with its own \`MockV3Aggregator\`.
- The measured position holds 10 WETH (1 asset) or 5 WETH + 0.1 WBTC + 4,000 USDC (3 assets, also $20,000) and
  opens with 10,000 bUSD of debt. "open" is \`openAndMint\` (1 asset) or \`batch\` of Open + 3 Deposits + Mint
  (3 assets); "deposit" adds 1 WETH; "mint more" mints 1,000 bUSD; "repay part" repays 1,000 bUSD; "close" is
  \`close\` (repays all debt and sends back all collateral).
- Warm: the same user opened another position with the same basket beforehand, so the user already holds bUSD and
  the Vault already holds every collateral token. Max approvals are set beforehand.
- One hour passes before each measured operation (\`networkHelpers.time.increase(3600)\`); the measured transaction
  is mined one second after that block, so the figures are deterministic. Interest accrues at 5%/yr (FixedRateModel).
- Gas is \`receipt.gasUsed\` (includes the 21,000 base cost and calldata) on Hardhat's embedded EDR network,
  evm cancun, solc 0.8.30 with the optimizer at 10,000 runs.
`;
}
