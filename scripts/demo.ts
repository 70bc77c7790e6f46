/**
 * `npm run demo`: the Ballast story so far, on the embedded Hardhat network.
 *
 * Deploys the core with mocks, opens positions for six users with different baskets and loan-to-values, prints their
 * health, then crashes prices (ETH -35%, BTC -20%), lets 30 days of interest accrue, mints the fees to the treasury,
 * and prints health again with a reserves summary. Positions below their liquidation threshold are flagged
 * (liquidations come with the LiquidationEngine).
 */
import { network } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import {
  ASSETS,
  ASSET_KEYS,
  type AssetKey,
  BETH,
  BUSD,
  type Core,
  Op,
  WAD,
  deployCore,
  formatHealth,
  formatUnitsHuman,
  formatWad,
  fundAndApprove,
  oraclePrice,
  printTable,
  units,
} from "./lib/core.js";
import { BPS, mulDivDown, mulDivUp, valueDown } from "./lib/math.js";

type Synth = "bUSD" | "bETH";

/** One user's position: what they lock and at which loan-to-value [bps] of its value they mint. */
interface Plan {
  name: string;
  synth: Synth;
  basket: Partial<Record<AssetKey, string>>; // whole units
  ltvBps: bigint;
}

const PLANS: Plan[] = [
  { name: "alice", synth: "bUSD", basket: { weth: "10" }, ltvBps: 7_000n },
  { name: "bob", synth: "bUSD", basket: { wbtc: "0.5", usdc: "10000" }, ltvBps: 5_000n },
  { name: "carol", synth: "bUSD", basket: { weth: "5", wbtc: "0.2", usdc: "8000" }, ltvBps: 6_600n },
  { name: "dave", synth: "bETH", basket: { usdc: "20000" }, ltvBps: 6_000n },
  { name: "erin", synth: "bUSD", basket: { weth: "4" }, ltvBps: 7_800n },
  { name: "frank", synth: "bETH", basket: { wbtc: "0.5" }, ltvBps: 6_000n },
];

const DAY = 86_400;
const CRASH: { asset: AssetKey; label: string; bps: bigint }[] = [
  { asset: "weth", label: "ETH", bps: -3_500n },
  { asset: "wbtc", label: "BTC", bps: -2_000n },
];

interface Opened {
  plan: Plan;
  id: bigint;
  owner: HardhatEthersSigner;
}

const step = (line: string): void => console.log(`• ${line}`);

// ------------------------------------------------------------------------------------------------------------------

console.log("Ballast demo — embedded Hardhat network\n");
const { ethers, networkHelpers } = await network.create();
const core = await deployCore(ethers, { log: step });
step(`Vault at ${core.addresses.vault}, treasury ${core.treasury}`);

const signers = await ethers.getSigners();
const opened: Opened[] = [];
for (const [i, plan] of PLANS.entries()) {
  const owner = signers[i + 1];
  if (owner === undefined) throw new Error(`demo: needs ${PLANS.length + 1} signers`);
  opened.push(await openPosition(core, owner, plan));
}

await printPositions("Positions after opening", core, opened);

// Prices crash, time passes
for (const c of CRASH) {
  const before = await core.priceOf(c.asset);
  const after = before + mulDivDown(before, c.bps, BPS);
  await core.setPrice(c.asset, after);
  step(`${c.label} moves ${Number(c.bps) / 100}%: $${formatUnitsHuman(before, 8)} → $${formatUnitsHuman(after, 8)}`);
}
await networkHelpers.time.increase(30 * DAY);
step("30 days pass (interest accrues at 5%/yr)");
await core.refreshFeeds();
step("feeds re-publish their answers (the oracle rejects answers older than 1 day)");
for (const [synthId, symbol] of [
  [BUSD, "bUSD"],
  [BETH, "bETH"],
] as const) {
  const receipt = await (await core.vault.mintFees(synthId)).wait();
  const ev = receipt?.logs.map((l) => core.vault.interface.parseLog(l)).find((e) => e?.name === "FeesMinted");
  step(`mintFees(${symbol}): ${formatWad((ev?.args[2] as bigint | undefined) ?? 0n, 4)} ${symbol} to the treasury`);
}

const after = await printPositions("Positions after the crash and 30 days", core, opened);
const reserves = await printReserves(core);

// Summary
const unhealthy = after.filter((p) => p.health < WAD);
console.log("\nSummary");
console.log(`  positions opened:          ${opened.length} (${PLANS.map((p) => p.name).join(", ")})`);
console.log(`  collateral value:          $${formatWad(reserves.collateralValue)}`);
console.log(`  debt value:                $${formatWad(reserves.debtValue)}`);
console.log(`  system backing ratio:      ${formatWad(reserves.backing * 100n)}%`);
console.log(
  `  fees minted to treasury:   ${formatWad(reserves.treasury.bUSD, 4)} bUSD, ${formatWad(reserves.treasury.bETH, 4)} bETH`,
);
if (unhealthy.length === 0) {
  console.log("  below liquidation threshold: none");
} else {
  console.log(`  below liquidation threshold (health < 1.0): ${unhealthy.length}`);
  for (const p of unhealthy) {
    console.log(
      `    #${p.id} ${p.owner}: health ${formatHealth(p.health)}, debt $${formatWad(p.debtValue)} vs liquidation limit $${formatWad(p.liquidationLimit)}`,
    );
  }
  console.log("  (liquidation through auctions arrives with the LiquidationEngine; these positions are only flagged)");
}

// ------------------------------------------------------------------------------------------------------------------

/** Funds `owner`, opens `plan`'s position (openAndMint for one asset, batch for a basket) and mints at its LTV. */
async function openPosition(core: Core, owner: HardhatEthersSigner, plan: Plan): Promise<Opened> {
  const amounts = Object.fromEntries(
    Object.entries(plan.basket).map(([k, v]) => [k, units(k as AssetKey, v)]),
  ) as Partial<Record<AssetKey, bigint>>;
  await fundAndApprove(core, owner, amounts);

  // [wad] value of the basket at oracle prices, each asset rounded down (as the Vault values it)
  let value = 0n;
  for (const [k, amount] of Object.entries(amounts) as [AssetKey, bigint][]) {
    value += valueDown(amount, await oraclePrice(core, k), ASSETS[k].decimals);
  }
  const usd = mulDivDown(value, plan.ltvBps, BPS); // [wad] USD to borrow
  const debtPrice = plan.synth === "bUSD" ? WAD : await oraclePrice(core, "weth");
  const debt = roundDownTo(mulDivDown(usd, WAD, debtPrice), plan.synth === "bUSD" ? WAD : WAD / 100n); // [wad]

  const synthId = plan.synth === "bUSD" ? BUSD : BETH;
  const id = await core.vault.nextPositionId();
  const vault = core.vault.connect(owner);
  const entries = Object.entries(amounts) as [AssetKey, bigint][];
  const [first] = entries;
  if (entries.length === 1 && first !== undefined) {
    await (await vault.openAndMint(synthId, core.tokens[first[0]], first[1], debt, owner.address)).wait();
  } else {
    const none = ethers.ZeroAddress;
    await (
      await vault.batch([
        { op: Op.Open, id: synthId, asset: none, amount: 0n, to: none },
        ...entries.map(([k, amount]) => ({ op: Op.Deposit, id: 0n, asset: core.tokens[k], amount, to: none })),
        { op: Op.Mint, id: 0n, asset: none, amount: debt, to: owner.address },
      ])
    ).wait();
  }
  step(
    `${plan.name} opens #${id}: ${basketText(amounts)}, mints ${formatWad(debt)} ${plan.synth} ` +
      `(${Number(plan.ltvBps) / 100}% of $${formatWad(value)})` +
      (entries.length > 1 ? " in one batch" : ""),
  );
  return { plan, id, owner };
}

interface PositionRow {
  id: bigint;
  owner: string;
  health: bigint;
  debtValue: bigint;
  liquidationLimit: bigint;
}

/** Prints every position's figures from `healthOf` and returns them. */
async function printPositions(title: string, core: Core, list: Opened[]): Promise<PositionRow[]> {
  const out: PositionRow[] = [];
  const rows: string[][] = [];
  for (const { plan, id } of list) {
    const h = await core.vault.healthOf(id);
    const [assets, amounts] = await core.vault.basketOf(id);
    const basket: Partial<Record<AssetKey, bigint>> = {};
    for (const [i, a] of assets.entries()) {
      const key = ASSET_KEYS.find((k) => core.addresses[k] === a);
      if (key !== undefined) basket[key] = amounts[i] ?? 0n;
    }
    const ltv = h.collateralValue === 0n ? 0n : mulDivDown(h.debtValue, 100n * WAD, h.collateralValue);
    rows.push([
      `#${id}`,
      plan.name,
      basketText(basket),
      formatWad(h.collateralValue),
      `${formatWad(h.debt, plan.synth === "bUSD" ? 2 : 4)} ${plan.synth}`,
      formatWad(h.debtValue),
      `${formatWad(ltv, 1)}%`,
      formatWad(h.mintLimit),
      formatWad(h.liquidationLimit),
      formatHealth(h.health),
      h.health < WAD ? "BELOW LIQ. THRESHOLD" : h.debtValue > h.mintLimit ? "above mint limit" : "ok",
    ]);
    out.push({ id, owner: plan.name, health: h.health, debtValue: h.debtValue, liquidationLimit: h.liquidationLimit });
  }
  printTable(
    `${title} (USD values from the oracle; health = liquidation limit / debt value)`,
    [
      "pos",
      "owner",
      "basket",
      "collateral $",
      "debt",
      "debt $",
      "LTV",
      "mint limit $",
      "liq. limit $",
      "health",
      "status",
    ],
    rows,
    { owner: "left", basket: "left", status: "left" },
  );
  return out;
}

/** Prints the reserves: collateral held and credited per asset, supply and debt per synthetic, backing ratio. */
async function printReserves(core: Core) {
  const vaultAddr = core.addresses.vault ?? "";
  let collateralValue = 0n; // [wad]
  const assetRows: string[][] = [];
  for (const k of ASSET_KEYS) {
    const spec = ASSETS[k];
    const held = await core.tokens[k].balanceOf(vaultAddr);
    const credited = await core.vault.totalCollateral(core.tokens[k]);
    const price = await oraclePrice(core, k);
    const value = valueDown(credited, price, spec.decimals);
    collateralValue += value;
    assetRows.push([
      spec.symbol,
      formatUnitsHuman(held, spec.decimals, 4),
      formatUnitsHuman(credited, spec.decimals, 4),
      formatWad(price),
      formatWad(value),
    ]);
  }
  printTable(
    "Reserves: collateral",
    ["asset", "Vault holds", "credited to positions", "price $", "value $"],
    assetRows,
  );

  let debtValue = 0n; // [wad]
  const synthRows: string[][] = [];
  const treasury = { bUSD: 0n, bETH: 0n };
  for (const [synthId, symbol, token] of [
    [BUSD, "bUSD", core.busd],
    [BETH, "bETH", core.beth],
  ] as const) {
    const s = await core.vault.synthetic(synthId);
    const supply = await token.totalSupply();
    const price = s.params.priceAsset === ethers.ZeroAddress ? WAD : await core.oracle.getPrice(s.params.priceAsset);
    const value = mulDivUp(s.totalDebt, price, WAD); // debt value rounds up
    debtValue += value;
    treasury[symbol] = await token.balanceOf(core.treasury);
    synthRows.push([
      symbol,
      formatWad(supply, 4),
      formatWad(s.totalDebt, 4),
      formatWad(s.unmintedFees, 6),
      formatWad(treasury[symbol], 4),
      formatWad(price),
      formatWad(value),
    ]);
  }
  printTable(
    "Reserves: synthetics",
    ["synthetic", "total supply", "total debt", "unminted fees", "treasury holds", "price $", "debt value $"],
    synthRows,
  );
  const backing = debtValue === 0n ? 0n : mulDivDown(collateralValue, WAD, debtValue); // [wad]
  console.log(
    `\nSystem backing ratio: $${formatWad(collateralValue)} collateral / $${formatWad(debtValue)} debt = ${formatWad(backing * 100n)}%`,
  );
  return { collateralValue, debtValue, backing, treasury };
}

function basketText(amounts: Partial<Record<AssetKey, bigint>>): string {
  return (Object.entries(amounts) as [AssetKey, bigint][])
    .map(
      ([k, a]) =>
        `${formatUnitsHuman(a, ASSETS[k].decimals, k === "wbtc" ? 2 : 0).replace(/\.00$/, "")} ${ASSETS[k].symbol}`,
    )
    .join(" + ");
}

function roundDownTo(x: bigint, unit: bigint): bigint {
  return (x / unit) * unit;
}
