/**
 * `npm run gas`: measures the gas of the Vault's and the LiquidationEngine's operations on the embedded Hardhat network (see tools/gas/bench.ts
 * for the exact conditions), prints the table next to the issue's targets and the field's references, and writes
 * gas/snapshot.json (checked by test/gas.test.ts) and gas/README.md.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { format, resolveConfig } from "prettier";
import { network } from "hardhat";
import { formatGas, renderTable } from "../../sdk/format.js";
import { GOALS, LIQUIDATION_REFERENCES, type GasRow, measureGas, toSnapshot } from "./bench.js";

const outDir = new URL("../../gas/", import.meta.url);

console.log("Gas benchmark: deploying the core with Chainlink MockV3Aggregator feeds and measuring...");
const connection = await network.create();
const rows = await measureGas(connection, (line) => console.log(line));

const headers = ["operation", "gas", "ceiling", "vs ceiling", "field ref.", "vs ref."];
const table = (markdown: boolean): string => renderTable(headers, rows.map(cells), { markdown });
console.log("\n" + table(false));

// a whole one-asset liquidation (start + the take that ends it) against the field's designs
const gasOf = (name: string): bigint => rows.find((r) => r.name === name)?.gas ?? 0n;
const endToEnd = gasOf("liquidate (1 asset)") + gasOf("take (full lot)");
const e2eHeaders = ["whole liquidation (1 asset)", "gas", "Ballast start + full take", "vs"];
const e2eRows = LIQUIDATION_REFERENCES.map((r) => {
  const d = endToEnd - r.gas;
  return [
    r.design,
    formatGas(r.gas),
    formatGas(endToEnd),
    (d > 0n ? "+" : d < 0n ? "-" : "±") + formatGas(d < 0n ? -d : d),
  ];
});
const e2eTable = (markdown: boolean): string => renderTable(e2eHeaders, e2eRows, { markdown });
console.log("\n" + e2eTable(false));

mkdirSync(outDir, { recursive: true });
writeFileSync(new URL("snapshot.json", outDir), JSON.stringify(toSnapshot(rows), null, 2) + "\n");
// formatted as `npm run lint` checks it, so a fresh snapshot never fails the prettier check
const readmeUrl = new URL("README.md", outDir);
const prettierOptions = (await resolveConfig(fileURLToPath(readmeUrl))) ?? {};
writeFileSync(
  readmeUrl,
  await format(readme(table(true), e2eTable(true)), { ...prettierOptions, filepath: fileURLToPath(readmeUrl) }),
);

const over = rows.filter((r) => {
  const t = GOALS[r.name]?.ceiling;
  return t !== undefined && r.gas > t;
});
console.log(`\nWrote gas/snapshot.json and gas/README.md (${rows.length} rows).`);
console.log(
  over.length === 0
    ? "Every row is at or under its ceiling."
    : `Over its ceiling: ${over.map((r) => `${r.name} (+${formatGas(r.gas - (GOALS[r.name]?.ceiling ?? 0n))})`).join(", ")}.`,
);

function cells(r: GasRow): string[] {
  const goal = GOALS[r.name] ?? {};
  const diff = (ref: bigint | undefined): string => {
    if (ref === undefined) return "";
    const d = r.gas - ref;
    return (d > 0n ? "+" : d < 0n ? "-" : "±") + formatGas(d < 0n ? -d : d);
  };
  const k = (g: bigint | undefined): string => (g === undefined ? "" : formatGas(g));
  return [r.name, formatGas(r.gas), k(goal.ceiling), diff(goal.ceiling), k(goal.reference), diff(goal.reference)];
}

function readme(markdownTable: string, endToEndTable: string): string {
  return `# Gas snapshot

Written by \`npm run gas\` (tools/gas/run.ts); \`test/gas.test.ts\` re-measures every row and fails when one differs from
\`snapshot.json\`. After an intended change, run \`npm run gas\` and commit both files.

${markdownTable}

"ceiling": the most the row may spend: the core redesign's ceiling for the four one-asset user rows (160,000 /
55,000 / 72,000 / 100,000), and for every other row what it spent when the safety release landed (no row may rise
above that). "field ref." is what the cheapest comparable protocol spends for the same operation, measured under the
same conditions (Morpho Blue's supply-collateral + borrow for open, 134,187). "vs" columns: measured minus the
ceiling or reference (negative = cheaper). Where each row's gas goes, and the floors: [docs/gas.md](../docs/gas.md).

A whole one-asset liquidation (\`liquidate (1 asset)\` + \`take (full lot)\`) against the field's designs (the issue's
reference figures, each for the whole liquidation of one position):

${endToEndTable}

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
  evm cancun, solc 0.8.30 through the IR pipeline with the optimizer at 1,000 runs.

### Liquidation rows

Measured after the rows above, on the same deployment (\`deployCore\`: the local config through \`deploySystem\`, which
wires the Treasury and the LiquidationEngine as \`test/utils/LiquidationFixture.sol\` does: keeper pay 2 bUSD + 0.1% of
the debt, at most 500 bUSD; auction caps $10M globally and per asset; the engine's default auction rules: start 20%
above the oracle price, 1% off every 90 s, floor 70% of the oracle price, \`maxDuration\` 2 h; target health 1.1, full
liquidation below 0.95).

1. The same user opens four more positions with 10,000 bUSD of debt each: W1 and P1 (10 WETH), W3 and P3 (5 WETH +
   0.1 WBTC + 4,000 USDC), and approves the engine for bUSD (max).
2. 30 days pass; \`mintFees(bUSD)\` mints the accrued interest to the Treasury, so it holds a surplus (~250 bUSD).
   Then the feeds publish ETH 1,150 and BTC
   17,000 (USDC re-published at 1): P1's health is ~0.97, P3's ~0.99, so both liquidations are partial (to health
   1.1).
3. Warm engine: a keeper (a third account) liquidates W1 and W3 first. Their auctions stay live, so the engine's
   debt-in-auction totals, next auction id, the synthetic's cached token and the keeper's pay owed are non-zero
   when the measured liquidation runs.
4. Measured, one hour passing before each (mined 1 s after the hour's block) unless said otherwise, in this order:
   \`liquidate (1 asset)\` (the keeper liquidates P1: one auction); \`take (partial lot)\` (the user buys half of
   P1's lot 30 min into its auction, at 98.2% of the oracle price, above the floor where the lot still covers its
   tab: only debt is burned, the auction goes on); \`liquidate (3 assets)\` (P3: three auctions); then ETH falls to
   1,000 and \`reset\` (the keeper resets W1's auction, over 2 h old, at the lower oracle price: keeper pay
   credited); \`take (full lot)\` (the user buys all of W1's lot 1 h after the reset, at 80.3% of the new oracle
   price: at 1,000 the lot no longer covers its debt, so its floor is 70% of the price, the lot runs out before the
   tab, the auction ends, the penalty is forgiven and the debt left is written off as bad debt and absorbed from the
   Treasury's surplus, the rest booked as deficit). Takes pass the current auction price as \`maxPrice\`, the taker
   as receiver and no callback data. Last, \`claim keeper pay (4 credits)\`: the keeper withdraws the pay credited
   by its four liquidations and the reset in one call (the surplus was spent on the bad debt, so the Treasury mints
   it unbacked, booked as deficit).
5. Every setup transaction is mined 1 s after the previous block too, so the liquidation rows are deterministic.

With the engine's default curve, an auction's price is 80.3% of its start oracle price after one hour; a lot is sized
to cover debt + penalty + a 5% margin at the oracle price, so while the oracle price stands, the auction's floor is
where the lot still covers its tab (1/1.05, 95.2% of the oracle price, reached ~35 min after the start) and a take
below it waits for a reset. The \`take (full lot)\` row measures the full bad-debt path (write-off, Treasury
absorption) after a price fall re-priced the auction; a take that covers the tab credits leftover collateral to the
owner instead.

Keeper pay is credited on \`liquidate\` and \`reset\` and paid out by \`claimKeeperPay\` (one claim for any number of
credits): the \`liquidate\` and \`reset\` rows move no token, and the claim row is what a keeper pays to withdraw.

### Price-source rows

Last, after the peg rows: a one-asset open whose collateral is priced by a source instead of the adapter's built-in
feed (the first row's WETH). \`wstETH\`: 10 tokens, 8,000 bUSD, priced by a \`RateAdjustedSource\` (a
\`ChainlinkSource\` on stETH/USD times the token's \`stEthPerToken()\`, capped). \`TBILL\`: 100 tokens (6 decimals),
3,500 bUSD, priced by a \`NavSource\` (the Vault also reads its attestation's lapse). Each after a warm open of the same
kind by the same user, the feeds refreshed and the NAV attested an hour before.

### Risk automation rows

Last, after the price-source rows: WETH's volatility observed by the user four times, 5 minutes apart (the median
filter's first three readings, then the measured one, which folds a return into the estimate: two warm slots written,
the oracle read, a logarithm and an exponential); one recommendation published by the deployer (PUBLISHER: three fresh
slots for the record, the parameter's latest id, the event); an hour later, the user applies it through the steward
(WETH's supply cap 10% lower, a tightening: the record read, the observer not asked, the Vault's configuration read,
\`setAssetParams\`
through the AccessManager and the Vault's admin module, the steward's two clocks).
`;
}
