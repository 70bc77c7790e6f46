/**
 * The gas benchmark: one measuring function shared by `tools/gas/run.ts` (prints the table, writes gas/snapshot.json and
 * gas/README.md) and `test/gas.test.ts` (re-measures and checks the committed snapshot).
 *
 * Conditions (fixed, so the figures compare with the field's references):
 * - collateral: 18-decimal OpenZeppelin ERC-20 (`MockERC20`), priced by Chainlink's `MockV3Aggregator`, 8 decimals,
 *   at 2,000; the three-asset basket adds WBTC (8 decimals, 60,000) and USDC (6 decimals, 1), each with its own
 *   `MockV3Aggregator`;
 * - the measured position holds 10 WETH (or $20,000 across the three assets) and 10,000 bUSD of debt;
 * - warm: the same user opened another position with the same basket beforehand, so the user already holds bUSD and
 *   the Vault already holds every collateral token;
 * - approvals set beforehand (max approval);
 * - one hour passes before each measured operation (`networkHelpers.time.increase(3600)`); the measured transaction
 *   is then mined one second after that block, so every figure is deterministic;
 * - gas is `receipt.gasUsed` of the measured transaction (EDR, cancun, IR pipeline, optimizer 1,000 runs).
 *
 * Liquidation rows (after the Vault rows, on the same deployment; see `measureLiquidations` and gas/README.md):
 * fresh 10 WETH / 10,000 bUSD positions (and $20,000 three-asset ones), 30 days of interest minted to the Treasury as
 * surplus, then ETH falls to 1,150 and BTC to 17,000 (every position below its
 * liquidation threshold, partial liquidations); the engine liquidates one position of each basket first (warm engine
 * storage, those auctions stay live), then each measured operation follows one hour after the previous one.
 */
import type { HardhatEthers, HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { NetworkHelpers } from "@nomicfoundation/hardhat-network-helpers/types";
import type { ContractTransactionResponse, TransactionReceipt } from "ethers";
import type { IVault, MockV3Aggregator } from "../../typechain-types/index.js";
import { BUSD, Op, type AssetKey } from "../../sdk/params.js";
import { type Core, deployCore, fundAndApprove } from "../../deploy/local/core.js";
import { answer8, units, wad } from "../../sdk/units.js";
import { ALL_PERMISSIONS, GRANT_TYPES, type Grant, PERMISSIONS, grantDomain } from "../../sdk/permissions.js";
import { WAD } from "../../sdk/math.js";
import {
  type PositionState,
  type Step,
  closeWithCollateral,
  deleverage,
  figuresOf,
  leverage,
  mockVenueQuote,
  readPositionState,
  repayWithCollateral,
} from "../../sdk/router.js";

/** A connection as `network.create()` returns it (only what the benchmark uses). */
export interface BenchConnection {
  ethers: HardhatEthers;
  networkHelpers: NetworkHelpers;
}

/** One measured operation. */
export interface GasRow {
  name: string;
  gas: bigint; // [gas] receipt.gasUsed
  hash: string; // the measured transaction (for `npm run gas:trace`)
}

/** The most a row may spend, and what the field's cheapest protocol spends, per operation. */
export interface GasGoal {
  ceiling?: bigint; // [gas] the redesign's ceiling, or the snapshot of the safety release where it sets none
  reference?: bigint; // [gas] the field's reference (cheapest protocol)
}

/** The operations measured for each basket, in order. */
export const OPERATIONS = [
  "open+deposit+mint",
  "deposit (existing position)",
  "mint more",
  "repay part",
  "close (repay all + withdraw all)",
] as const;

export const BASKETS = ["1 asset", "3 assets"] as const;

/** The liquidation rows, in table order (the snapshot's keys). */
export const LIQUIDATION_ROWS = [
  "liquidate (1 asset)",
  "liquidate (3 assets)",
  "take (full lot)",
  "take (partial lot)",
  "reset",
  "claim keeper pay (4 credits)",
] as const;
export type LiquidationRow = (typeof LIQUIDATION_ROWS)[number];
export type Basket = (typeof BASKETS)[number];

/** Row name of an operation on a basket, e.g. "repay part (1 asset)". The snapshot's keys. */
export function rowName(op: (typeof OPERATIONS)[number], basket: Basket): string {
  return `${op} (${basket})`;
}

/**
 * [gas] Every row as measured when the safety release landed (gas/snapshot.json at that commit): no row may rise above
 * it. The core redesign sets lower ceilings for four one-asset user rows (`GOALS`).
 */
export const SAFETY_SNAPSHOT: Record<string, bigint> = {
  [rowName("open+deposit+mint", "1 asset")]: 185_555n,
  [rowName("deposit (existing position)", "1 asset")]: 59_848n,
  [rowName("mint more", "1 asset")]: 112_243n,
  [rowName("repay part", "1 asset")]: 78_960n,
  [rowName("close (repay all + withdraw all)", "1 asset")]: 106_315n,
  [rowName("open+deposit+mint", "3 assets")]: 328_166n,
  [rowName("deposit (existing position)", "3 assets")]: 59_848n,
  [rowName("mint more", "3 assets")]: 162_665n,
  [rowName("repay part", "3 assets")]: 78_960n,
  [rowName("close (repay all + withdraw all)", "3 assets")]: 159_649n,
  "liquidate (1 asset)": 260_041n,
  "liquidate (3 assets)": 533_706n,
  "take (full lot)": 165_010n,
  "take (partial lot)": 120_791n,
  reset: 87_062n,
  "claim keeper pay (4 credits)": 117_718n,
  "mint after a year idle": 117_151n,
  "repay after a year idle": 84_421n,
};

/** Ceilings (the redesign's, else the safety snapshot's) and references (field's cheapest protocol) per row. */
export const GOALS: Record<string, GasGoal> = {
  ...Object.fromEntries(Object.entries(SAFETY_SNAPSHOT).map(([row, gas]) => [row, { ceiling: gas }])),
  [rowName("open+deposit+mint", "1 asset")]: { ceiling: 160_000n, reference: 134_187n },
  [rowName("deposit (existing position)", "1 asset")]: { ceiling: 55_000n, reference: 54_000n },
  [rowName("repay part", "1 asset")]: { ceiling: 72_000n, reference: 78_000n },
  [rowName("close (repay all + withdraw all)", "1 asset")]: { ceiling: 100_000n, reference: 127_000n },
};

/**
 * The field's references for a whole liquidation (one asset), against which `liquidate (1 asset)` + `take (full lot)`
 * is compared: the figures for the three designs in use.
 */
export const LIQUIDATION_REFERENCES: { design: string; gas: bigint }[] = [
  { design: "atomic fixed-bonus liquidation (one transaction)", gas: 105_000n },
  { design: "absorb, then buy the collateral (two transactions)", gas: 250_000n },
  { design: "Dutch auction start + take (two transactions)", gas: 610_000n },
];

/** [8 decimals] The crash the liquidation rows start from: every benchmark position falls below its threshold. */
export const CRASH_PRICES: Partial<Record<AssetKey, bigint>> = { weth: answer8("1150"), wbtc: answer8("17000") };
/** [s] Interest accrued before the Treasury's fees are minted (its surplus pays the keepers). */
export const SURPLUS_ACCRUAL = 30 * 86_400;
/** [s] How long after its auction started the partial take is measured: above the floor where the lot covers its tab. */
export const TAKE_AFTER = 30 * 60;
/** [8 decimals] ETH before W1's reset: lower than its auction's price, so the reset re-prices it and is paid. */
export const RESET_ETH_PRICE = answer8("1000");

/** [token] What the measured (and the warm) position holds in each basket: $20,000 of collateral. */
export const BASKET_AMOUNTS: Record<Basket, Partial<Record<AssetKey, bigint>>> = {
  "1 asset": { weth: units("weth", "10") },
  "3 assets": { weth: units("weth", "5"), wbtc: units("wbtc", "0.1"), usdc: units("usdc", "4000") },
};
/** [wad] Debt the position opens with. */
export const OPEN_DEBT = wad("10000");
/** [token] WETH the "deposit" row adds; [wad] bUSD the "mint more" and "repay part" rows mint and repay. */
export const DEPOSIT_MORE = units("weth", "1");
export const MINT_MORE = wad("1000");
export const REPAY_PART = wad("1000");

/**
 * Deploys a fresh core with `MockV3Aggregator` feeds on `conn` and measures every row: first the five operations on a
 * one-asset position, then on a three-asset one. `log` receives a progress line per row; `onCore` the deployment, before
 * anything is measured (the trace names contracts after `core.addresses`).
 */
export async function measureGas(
  conn: BenchConnection,
  log: (line: string) => void = () => {},
  onCore: (core: Core<"chainlink">) => void = () => {},
): Promise<GasRow[]> {
  const { ethers } = conn;
  const core = await deployCore(ethers, { feeds: "chainlink" });
  onCore(core);
  const [, user] = await ethers.getSigners();
  if (user === undefined) throw new Error("measureGas: the connection needs at least two signers");
  // enough of every token for the warm and the measured positions and the extra deposit
  await fundAndApprove(core, user, {
    weth: units("weth", "100"),
    wbtc: units("wbtc", "1"),
    usdc: units("usdc", "100000"),
  });

  const rows: GasRow[] = [];
  for (const basket of BASKETS) {
    const amounts = BASKET_AMOUNTS[basket];
    const open = (): Promise<ContractTransactionResponse> =>
      basket === "1 asset"
        ? core.vault.connect(user).openAndMint(BUSD, core.weth, amounts.weth ?? 0n, OPEN_DEBT, user.address)
        : core.vault.connect(user).batch(openBatch(core, user, amounts));

    // warm: the same user's other position with the same basket
    await (await open()).wait();

    const measure = async (op: (typeof OPERATIONS)[number], send: () => Promise<ContractTransactionResponse>) => {
      await timePasses(conn, 3600);
      const receipt = await (await send()).wait();
      if (receipt === null || receipt.status !== 1) throw new Error(`gas benchmark: "${op}" (${basket}) failed`);
      const row = { name: rowName(op, basket), gas: receipt.gasUsed, hash: receipt.hash };
      rows.push(row);
      log(`  ${row.name}: ${row.gas}`);
    };

    const id = await core.vault.nextPositionId();
    await measure("open+deposit+mint", open);
    await measure("deposit (existing position)", () => core.vault.connect(user).deposit(id, core.weth, DEPOSIT_MORE));
    await measure("mint more", () => core.vault.connect(user).mint(id, MINT_MORE, user.address));
    await measure("repay part", () => core.vault.connect(user).repay(id, REPAY_PART));
    await measure("close (repay all + withdraw all)", () => core.vault.connect(user).close(id, user.address));
  }
  rows.push(...(await measureLiquidations(conn, core, user, log)));
  rows.push(...(await measureIdle(conn, core, user, log)));
  rows.push(...(await measurePeg(conn, core, user, log)));
  rows.push(...(await measureSources(conn, core, user, log)));
  rows.push(...(await measureRisk(conn, core, user, log)));
  rows.push(...(await measurePeriphery(conn, core, user, log)));
  rows.push(...(await measureInstruments(conn, core, user, log)));
  return rows;
}

/** The peg and savings rows, last: the stability module's swaps, sbUSD, and the Treasury's distribution. */
export const PEG_ROWS = [
  "swap in (10,000 USDC for bUSD)",
  "swap out (5,000 bUSD for USDC)",
  "savings deposit (1,000 bUSD)",
  "savings redeem (half the shares)",
  "distribute surplus (savings + buyback)",
  "redeem (1 position)",
] as const;

/**
 * The peg rows, on the same deployment after the idle rows: the user warms the bUSD/USDC module (a 1,000 USDC swap in)
 * and sbUSD (a 100 bUSD deposit); then, one hour before each, measured: a 10,000 USDC swap in, a 5,000 bUSD swap out, a
 * 1,000 bUSD savings deposit, a redeem of half the user's shares; last, the user gives the Treasury 5,000 bUSD of
 * surplus, it absorbs any bad debt and pokes, and an hour later (the local policy's duration) a distribution to sbUSD
 * and the WETH buyback is measured; last, a redemption of 1,000 bUSD against a fresh position below the redeemable
 * health (20 WETH at 1,000, 14,000 bUSD of debt).
 */
export async function measurePeg(
  conn: BenchConnection,
  core: Core<"chainlink">,
  user: HardhatEthersSigner,
  log: (line: string) => void = () => {},
): Promise<GasRow[]> {
  const { ethers } = conn;
  const psm = core.psm.connect(user);
  const savings = core.savings.connect(user);
  await core.refreshFeeds();
  for (const tx of [
    () => core.usdc.connect(user).approve(core.psm, ethers.MaxUint256),
    () => core.busd.connect(user).approve(core.psm, ethers.MaxUint256),
    () => core.busd.connect(user).approve(core.savings, ethers.MaxUint256),
    () => core.usdc.mint(user.address, units("usdc", "20000")),
    () => psm.swapIn(units("usdc", "1000"), 0n, user.address),
    () => savings.deposit(wad("100"), user.address),
  ]) {
    await (await tx()).wait();
  }
  const rows: GasRow[] = [];
  const measure = async (name: (typeof PEG_ROWS)[number], tx: () => Promise<ContractTransactionResponse>) => {
    await timePasses(conn, 3600);
    const receipt = await (await tx()).wait();
    if (receipt === null || receipt.status !== 1) throw new Error(`gas benchmark: "${name}" failed`);
    rows.push({ name, gas: receipt.gasUsed, hash: receipt.hash });
    log(`  ${name}: ${receipt.gasUsed}`);
  };
  await measure(PEG_ROWS[0], () => psm.swapIn(units("usdc", "10000"), 0n, user.address));
  await measure(PEG_ROWS[1], () => psm.swapOut(wad("5000"), 0n, user.address));
  await measure(PEG_ROWS[2], () => savings.deposit(wad("1000"), user.address));
  await measure(PEG_ROWS[3], async () =>
    savings.redeem((await savings.balanceOf(user)) / 2n, user.address, user.address),
  );
  await (await core.busd.connect(user).transfer(core.treasury, wad("5000"))).wait();
  await (await core.treasury.absorbBadDebt(BUSD)).wait();
  await (await core.treasury.poke(BUSD)).wait();
  await core.refreshFeeds();
  await measure(PEG_ROWS[4], () => core.treasury.distribute(BUSD));
  // a position below the redeemable health (1.25): 20 WETH at the benchmark's last price (1,000), 14,000 bUSD
  await (await core.weth.mint(user.address, units("weth", "20"))).wait();
  const exposed = await core.vault.nextPositionId();
  await (
    await core.vault.connect(user).openAndMint(BUSD, core.weth, units("weth", "20"), wad("14000"), user.address)
  ).wait();
  await (await core.busd.connect(user).approve(core.redemptions, ethers.MaxUint256)).wait();
  await measure(PEG_ROWS[5], () =>
    core.redemptions.connect(user).redeem(BUSD, wad("1000"), [exposed], 500n, user.address),
  );
  return rows;
}

/** The rows of a one-asset open whose collateral is priced by a source (the Chainlink-source row is the first row). */
export const SOURCE_ROWS = [
  "open+deposit+mint (wstETH, rate-adjusted)",
  "open+deposit+mint (TBILL, attested NAV)",
] as const;

/**
 * The source rows, last: for wstETH (stETH/USD x its rate, the rate capped) and TBILL (an attested NAV), a warm
 * position of the same user first, then an hour later (feeds refreshed, the NAV attested) the measured open of 10 tokens
 * with half of what they may mint.
 */
export async function measureSources(
  conn: BenchConnection,
  core: Core<"chainlink">,
  user: HardhatEthersSigner,
  log: (line: string) => void = () => {},
): Promise<GasRow[]> {
  const rows: GasRow[] = [];
  const cases = [
    { name: SOURCE_ROWS[0], key: "wsteth", amount: 10n * 10n ** 18n, debt: wad("8000") },
    { name: SOURCE_ROWS[1], key: "tbill", amount: 100n * 10n ** 6n, debt: wad("3500") },
  ] as const;
  for (const c of cases) {
    const { token, feed } = core.sourced[c.key];
    await (await token.mint(user.address, 2n * c.amount)).wait();
    await (await token.connect(user).approve(core.vault, conn.ethers.MaxUint256)).wait();
    const open = () => core.vault.connect(user).openAndMint(BUSD, token, c.amount, c.debt, user.address);
    const attest = async () => {
      await core.refreshFeeds(); // the market feeds, the base included
      await (await (feed as MockV3Aggregator).updateAnswer((await feed.latestRoundData())[1])).wait(); // the NAV too
    };
    await attest();
    await (await open()).wait(); // warm
    await timePasses(conn, 3600);
    await attest();
    const receipt = await (await open()).wait();
    if (receipt === null || receipt.status !== 1) throw new Error(`gas benchmark: "${c.name}" failed`);
    rows.push({ name: c.name, gas: receipt.gasUsed, hash: receipt.hash });
    log(`  ${c.name}: ${receipt.gasUsed}`);
  }
  return rows;
}

/** The risk automation's rows: an observation, a publication and a steward's application. */
export const RISK_ROWS = [
  "observe volatility (WETH, warm)",
  "publish 1 recommendation",
  "apply recommendation (supply cap)",
] as const;

/**
 * The risk rows, last: WETH observed three times (the filter's first readings), then, 5 minutes after the last, a
 * measured observation (a return folded in); the deployer publishes one recommendation (WETH's supply cap, 10% lower)
 * and the user applies it an hour later (anyone may).
 */
export async function measureRisk(
  conn: BenchConnection,
  core: Core<"chainlink">,
  user: HardhatEthersSigner,
  log: (line: string) => void = () => {},
): Promise<GasRow[]> {
  const rows: GasRow[] = [];
  const record = (name: (typeof RISK_ROWS)[number], receipt: TransactionReceipt | null) => {
    if (receipt === null || receipt.status !== 1) throw new Error(`gas benchmark: "${name}" failed`);
    rows.push({ name, gas: receipt.gasUsed, hash: receipt.hash });
    log(`  ${name}: ${receipt.gasUsed}`);
  };
  const observer = core.observer.connect(user);
  for (let i = 0; i < 4; i++) {
    await timePasses(conn, 300);
    await core.refreshFeeds();
    const receipt = await (await observer.observe(core.weth)).wait();
    if (i === 3) record(RISK_ROWS[0], receipt);
  }
  const cap = (await core.vault.assetConfig(core.weth)).supplyCap;
  const block = await conn.ethers.provider.getBlock("latest");
  const validUntil = (block?.timestamp ?? 0) + 86_400;
  const evidence = conn.ethers.id("gas benchmark");
  const proposal = { param: 0, target: await core.weth.getAddress(), validUntil, value: (cap * 9n) / 10n };
  record(RISK_ROWS[1], await (await core.riskOracle.publish([proposal], evidence)).wait());
  await timePasses(conn, 3600);
  await core.refreshFeeds();
  const id = await core.riskOracle.count();
  record(RISK_ROWS[2], await (await core.steward.connect(user).applyRecommendation(id)).wait());
  return rows;
}

/**
 * The periphery's rows: managers, the repay-with-collateral exchange, each Router flow in one transaction against its
 * steps sent one by one (a "by hand" row is the sum of its transactions' gas; approvals are set beforehand for both),
 * and a pre-liquidation. The venue is a `MockSwapVenue` at the oracle's prices (no slippage) that pays bUSD from
 * inventory.
 */
export const PERIPHERY_ROWS = [
  "grant a manager (setManager)",
  "signed grant (setManagerWithPermit)",
  "repayAndWithdraw (1 asset)",
  "router: open leveraged to 90% LTV (1 tx)",
  "by hand: openAndMint, swap, deposit (3 txs, one loop)",
  "router: deleverage to a health (1 tx)",
  "by hand: withdraw, swap, repay (3 txs)",
  "router: repay with collateral (1 tx)",
  "router: close with collateral (1 tx)",
  "by hand: two withdraw-swap-repay loops, close (7 txs)",
  "pre-liquidate (1 asset)",
] as const;

export async function measurePeriphery(
  conn: BenchConnection,
  core: Core<"chainlink">,
  user: HardhatEthersSigner,
  log: (line: string) => void = () => {},
): Promise<GasRow[]> {
  const { ethers } = conn;
  const rows: GasRow[] = [];
  const [deployer, , , relayer] = await ethers.getSigners();
  if (deployer === undefined || relayer === undefined) throw new Error("measurePeriphery: needs four signers");
  const record = (name: (typeof PERIPHERY_ROWS)[number], receipts: (TransactionReceipt | null)[]) => {
    let gas = 0n;
    for (const r of receipts) {
      if (r === null || r.status !== 1) throw new Error(`gas benchmark: "${name}" failed`);
      gas += r.gasUsed;
    }
    rows.push({ name, gas, hash: receipts[receipts.length - 1]?.hash ?? "" });
    log(`  ${name}: ${gas}`);
  };
  const mined = async (tx: Promise<ContractTransactionResponse>) => (await tx).wait();
  const weth = await core.weth.getAddress();
  const busd = await core.busd.getAddress();
  const router = await core.router.getAddress();
  // ETH back at 2,000 (the liquidation rows crashed it); the venue, with bUSD inventory from a deployer position;
  // the user's approvals
  await core.refreshFeeds();
  await mined(core.feeds.weth.updateAnswer(answer8("2000")));
  const venue = await ethers.deployContract("MockSwapVenue", [await core.oracle.getAddress()]);
  const venueAddress = await venue.getAddress();
  await mined(venue.getFunction("setInventory")(busd, true));
  await mined(core.weth.mint(deployer.address, units("weth", "1000")));
  await mined(core.weth.connect(deployer).approve(core.vault, ethers.MaxUint256));
  await mined(core.vault.connect(deployer).openAndMint(BUSD, weth, units("weth", "1000"), wad("400000"), venueAddress));
  await mined(core.weth.mint(user.address, units("weth", "200")));
  await mined(core.weth.connect(user).approve(router, ethers.MaxUint256));
  await mined(core.weth.connect(user).approve(venueAddress, ethers.MaxUint256));
  await mined(core.busd.connect(user).approve(venueAddress, ethers.MaxUint256));
  const price = await core.oracle.getPrice(weth);
  const buy = mockVenueQuote(WAD, 18, price, 18, 0n);
  const sell = mockVenueQuote(price, 18, WAD, 18, 0n);
  const state = async (id: bigint): Promise<PositionState> => {
    const t = BigInt((await ethers.provider.getBlock("latest"))?.timestamp ?? 0) + 1n;
    const reader = { vault: core.vault, lens: core.lens, oracle: core.oracle, runner: ethers.provider };
    return readPositionState(reader, id, BUSD, [weth], t);
  };
  const execute = (steps: Step[]) => mined(core.router.connect(user).execute(steps, ethers.MaxUint256));

  // managers: a position of the user's, the router appointed with every right; then a signed grant to another
  const p = await core.vault.nextPositionId();
  await mined(core.vault.connect(user).openAndMint(BUSD, weth, units("weth", "10"), OPEN_DEBT, user.address));
  await timePasses(conn, 3600);
  record(PERIPHERY_ROWS[0], [await mined(core.vault.connect(user).setManager(p, router, ALL_PERMISSIONS))]);
  const chainId = (await ethers.provider.getNetwork()).chainId;
  const grant: Grant = {
    owner: user.address,
    id: p,
    manager: relayer.address,
    permissions: PERMISSIONS.deposit,
    nonce: await core.lens.grantNonce(user.address),
    // a fixed deadline: the signature (and so its calldata's zero bytes, and the row's gas) is the same every run
    deadline: GRANT_DEADLINE,
  };
  const signature = await user.signTypedData(grantDomain(chainId, await core.vault.getAddress()), GRANT_TYPES, grant);
  await timePasses(conn, 3600);
  record(PERIPHERY_ROWS[1], [await mined(core.vault.connect(relayer).setManagerWithPermit(grant, signature))]);
  await timePasses(conn, 3600);
  record(PERIPHERY_ROWS[2], [
    await mined(core.vault.connect(user).repayAndWithdraw(p, REPAY_PART, weth, units("weth", "0.5"), user.address)),
  ]);

  // leverage: one transaction through the Router, against one loop by hand (which reaches less leverage)
  await timePasses(conn, 3600);
  const lev = leverage({
    state: await state(0n),
    asset: weth,
    deposit: units("weth", "10"),
    target: { ltvBps: 9_000n },
    quote: buy,
    venue: venueAddress,
    synthId: BUSD,
  });
  const l = await core.vault.nextPositionId();
  record(PERIPHERY_ROWS[3], [await execute(lev.steps)]);
  await timePasses(conn, 3600);
  const h = await core.vault.nextPositionId();
  const loop = wad("14400"); // 90% of the 10 WETH's minting limit
  const byHand = [
    await mined(core.vault.connect(user).openAndMint(BUSD, weth, units("weth", "10"), loop, user.address)),
  ];
  const bought = buy(loop);
  byHand.push(await mined(venue.connect(user).getFunction("swap")(busd, weth, loop, bought, user.address)));
  byHand.push(await mined(core.vault.connect(user).deposit(h, weth, bought)));
  record(PERIPHERY_ROWS[4], byHand);

  // deleverage and repay with collateral on the leveraged position (the router holds every right on it)
  await mined(core.vault.connect(user).setManager(l, router, ALL_PERMISSIONS));
  await timePasses(conn, 3600);
  const start = await state(l);
  const del = deleverage({
    state: start,
    asset: weth,
    quote: sell,
    venue: venueAddress,
    health: figuresOf(start).health + WAD / 4n,
  });
  record(PERIPHERY_ROWS[5], [await execute(del.steps)]);
  await timePasses(conn, 3600);
  const out = units("weth", "0.5");
  const got = sell(out);
  record(PERIPHERY_ROWS[6], [
    await mined(core.vault.connect(user).withdraw(h, weth, out, user.address)),
    await mined(venue.connect(user).getFunction("swap")(weth, busd, out, got, user.address)),
    await mined(core.vault.connect(user).repay(h, got)),
  ]);
  await timePasses(conn, 3600);
  const rwc = repayWithCollateral({
    state: await state(l),
    asset: weth,
    quote: sell,
    venue: venueAddress,
    debt: REPAY_PART,
  });
  record(PERIPHERY_ROWS[7], [await execute(rwc.steps)]);

  // close with collateral: the Router on position p (10 WETH, about 9,000 bUSD), by hand on a twin
  await timePasses(conn, 3600);
  const cl = closeWithCollateral({
    state: await state(p),
    asset: weth,
    quote: sell,
    venue: venueAddress,
    bufferBps: 10n,
  });
  record(PERIPHERY_ROWS[8], [await execute(cl.steps)]);
  const twin = await core.vault.nextPositionId();
  await mined(core.vault.connect(user).openAndMint(BUSD, weth, units("weth", "10"), wad("9000"), user.address));
  await timePasses(conn, 3600);
  // by hand, the minting limit allows 4.3 WETH out first (about 8,600 bUSD), then 0.25 WETH pays the rest
  const loops: (TransactionReceipt | null)[] = [];
  for (const [take, all] of [
    [units("weth", "4.3"), false],
    [units("weth", "0.25"), true],
  ] as const) {
    const proceeds = sell(take);
    loops.push(await mined(core.vault.connect(user).withdraw(twin, weth, take, user.address)));
    loops.push(await mined(venue.connect(user).getFunction("swap")(weth, busd, take, proceeds, user.address)));
    loops.push(await mined(core.vault.connect(user).repay(twin, all ? ethers.MaxUint256 : proceeds)));
  }
  loops.push(await mined(core.vault.connect(user).close(twin, user.address)));
  record(PERIPHERY_ROWS[9], loops);

  // pre-liquidation: an opted-in position at health 1.05, a keeper with bUSD (the user's)
  const pre = await core.vault.nextPositionId();
  await mined(core.vault.connect(user).openAndMint(BUSD, weth, units("weth", "10"), wad("13000"), user.address));
  await mined(core.vault.connect(user).setManager(pre, core.preLiquidation, PERMISSIONS.repayWithCollateral));
  await mined(core.busd.connect(user).approve(core.preLiquidation, ethers.MaxUint256));
  await timePasses(conn, 3600);
  await mined(core.feeds.weth.updateAnswer(answer8("1606")));
  await timePasses(conn, 60);
  record(PERIPHERY_ROWS[10], [
    await mined(core.preLiquidation.connect(user).preLiquidate(pre, ethers.MaxUint256, weth, 0n)),
  ]);
  return rows;
}

/** [s] The signed grant's deadline in the benchmark (1 Jan 2100): a constant keeps the signature, and its gas, fixed. */
const GRANT_DEADLINE = 4_102_444_800n;

/** The instrument vault's rows, last. */
export const INSTRUMENT_ROWS = [
  "instrument: create a series",
  "instrument: write (first in its series)",
  "instrument: write (series open)",
  "instrument: burn a pair",
  "instrument: settle at the expiry round",
  "instrument: redeem (first: fixes the pools)",
  "instrument: redeem",
] as const;

/**
 * The instrument rows, on the same deployment after the periphery rows: an InstrumentVault on the deployment's
 * AccessManager and oracle (WETH enabled as an underlying), a covered call on WETH struck at 2,500 expiring in a
 * week; the user writes 2 contracts (first write of the series: both sides' balances and supplies are new), the
 * deployer writes 1, the user burns one pair; at expiry the feed publishes 3,000 and the series settles at that round;
 * after the dispute window the user redeems the long side (fixing the pools) and the deployer the short side.
 */
export async function measureInstruments(
  conn: BenchConnection,
  core: Core<"chainlink">,
  user: HardhatEthersSigner,
  log: (line: string) => void = () => {},
): Promise<GasRow[]> {
  const { ethers } = conn;
  const rows: GasRow[] = [];
  const [deployer] = await ethers.getSigners();
  if (deployer === undefined) throw new Error("measureInstruments: no signer");
  const record = (name: (typeof INSTRUMENT_ROWS)[number], receipt: TransactionReceipt | null) => {
    if (receipt === null || receipt.status !== 1) throw new Error(`gas benchmark: "${name}" failed`);
    rows.push({ name, gas: receipt.gasUsed, hash: receipt.hash });
    log(`  ${name}: ${receipt.gasUsed}`);
  };
  const mined = async (tx: Promise<ContractTransactionResponse>) => (await tx).wait();
  const weth = await core.weth.getAddress();
  const dispute = 3_600n;
  const iv = await ethers.deployContract("InstrumentVault", [
    await core.manager.getAddress(),
    await core.oracle.getAddress(),
    { disputeWindow: dispute, maxCorrectionBps: 200, fallbackDelay: 86_400, voidDelay: 30 * 86_400 },
  ]);
  const ivAddress = await iv.getAddress();
  await mined(iv.getFunction("setUnderlying")(weth, true));
  await core.refreshFeeds();
  const now = BigInt((await ethers.provider.getBlock("latest"))?.timestamp ?? 0);
  const expiry = now + 7n * 86_400n;
  const strike = wad("2500");
  const create = () => iv.getFunction("createSeries")(weth, weth, 0, strike, expiry);
  const id = (await iv.getFunction("createSeries").staticCall(weth, weth, 0, strike, expiry)) as bigint;
  record(INSTRUMENT_ROWS[0], await mined(create()));
  for (const who of [user, deployer]) {
    await mined(core.weth.mint(who.address, units("weth", "10")));
    await mined(core.weth.connect(who).approve(ivAddress, ethers.MaxUint256));
  }
  await timePasses(conn, 3600);
  const write = (who: HardhatEthersSigner, n: string) =>
    iv.connect(who).getFunction("write")(id, wad(n), who.address, who.address);
  record(INSTRUMENT_ROWS[1], await mined(write(user, "2")));
  await timePasses(conn, 3600);
  record(INSTRUMENT_ROWS[2], await mined(write(deployer, "1")));
  await timePasses(conn, 3600);
  record(INSTRUMENT_ROWS[3], await mined(iv.connect(user).getFunction("burnPair")(id, wad("1"), user.address)));
  // expiry: the round before it, then the first round at or after it
  await mined(core.feeds.weth.updateAnswer(answer8("2900")));
  const previous = (await core.feeds.weth.latestRoundData())[0];
  await conn.networkHelpers.time.setNextBlockTimestamp(expiry);
  await mined(core.feeds.weth.updateAnswer(answer8("3000")));
  const round = (await core.feeds.weth.latestRoundData())[0];
  await timePasses(conn, 60);
  record(INSTRUMENT_ROWS[4], await mined(iv.getFunction("settle")(id, round, previous)));
  await timePasses(conn, Number(dispute));
  record(INSTRUMENT_ROWS[5], await mined(iv.connect(user).getFunction("redeem")(id, false, wad("1"), user.address)));
  await timePasses(conn, 60);
  record(
    INSTRUMENT_ROWS[6],
    await mined(iv.connect(deployer).getFunction("redeem")(id, true, wad("1"), deployer.address)),
  );
  return rows;
}

/** Rows of interest accrual after a long idle period: a year with no action on the synthetic, then one call. */
export const IDLE_ROWS = ["mint after a year idle", "repay after a year idle"] as const;

/** [s] The idle period of `IDLE_ROWS`. */
export const IDLE_PERIOD = 365 * 86_400;

/**
 * The idle rows, last (after the liquidation rows, on the same deployment): a fresh one-asset position with 10 WETH
 * and 1,000 bUSD of debt; a year passes (the feeds are re-published so prices are fresh, nothing touches the Vault),
 * then `mint more` is measured; another year, then `repay part`. Each pays the per-second compounding of a whole year
 * in one `rpowUp` and asks the rate model once.
 */
export async function measureIdle(
  conn: BenchConnection,
  core: Core<"chainlink">,
  user: HardhatEthersSigner,
  log: (line: string) => void = () => {},
): Promise<GasRow[]> {
  const { networkHelpers } = conn;
  const id = await core.vault.nextPositionId();
  await (
    await core.vault.connect(user).openAndMint(BUSD, core.weth, units("weth", "10"), MINT_MORE, user.address)
  ).wait();
  const rows: GasRow[] = [];
  const sends: [string, () => Promise<ContractTransactionResponse>][] = [
    [IDLE_ROWS[0], () => core.vault.connect(user).mint(id, MINT_MORE, user.address)],
    [IDLE_ROWS[1], () => core.vault.connect(user).repay(id, REPAY_PART)],
  ];
  for (const [name, send] of sends) {
    await networkHelpers.time.increase(IDLE_PERIOD);
    await core.refreshFeeds();
    const receipt = await (await send()).wait();
    if (receipt === null || receipt.status !== 1) throw new Error(`gas benchmark: "${name}" failed`);
    rows.push({ name, gas: receipt.gasUsed, hash: receipt.hash });
    log(`  ${name}: ${receipt.gasUsed}`);
  }
  return rows;
}

/**
 * The liquidation rows, on `core` after the Vault rows (same user, approvals set):
 *
 * 1. `user` opens four positions with 10,000 bUSD of debt each: W1 and P1 (10 WETH), W3 and P3 (5 WETH + 0.1 WBTC +
 *    4,000 USDC), and approves the engine for bUSD;
 * 2. 30 days pass, `mintFees(bUSD)` mints the interest to the Treasury (its surplus, ~250 bUSD), the feeds are refreshed and ETH falls to 1,150, BTC to 17,000 (health ~0.97 and ~0.99: partial);
 * 3. the keeper liquidates W1 and W3 (warm: the engine's dirt, auction ids, synthetic cache and the keeper's pay owed
 *    are non-zero; both auctions stay live);
 * 4. one hour before each unless said, measured: liquidate P1; take half of P1's lot (its auction 30 min old, above
 *    the floor where the lot covers its tab); liquidate P3; ETH falls to 1,000, then reset W1's auction (over 2 h
 *    old: `maxDuration` passed; re-priced lower, so paid); take W1's whole lot (1 h after the reset: the lot no
 *    longer covers its debt at 1,000, so the floor is 70% and the lot runs out: bad debt); the keeper claims the pay
 *    credited by its four liquidations and the reset, in one call.
 *
 * Every transaction, setup included, is mined 1 s after the previous block (or 1 s after an hour's jump), so the
 * figures are deterministic.
 */
export async function measureLiquidations(
  conn: BenchConnection,
  core: Core<"chainlink">,
  user: HardhatEthersSigner,
  log: (line: string) => void = () => {},
): Promise<GasRow[]> {
  const { ethers, networkHelpers } = conn;
  const { time } = networkHelpers;
  const keeper = (await ethers.getSigners())[2];
  if (keeper === undefined) throw new Error("measureLiquidations: the connection needs at least three signers");
  const engine = core.engine.connect(keeper);
  const asUser = core.engine.connect(user);
  const next = async (): Promise<void> => time.setNextBlockTimestamp((await time.latest()) + 1);
  const send = async (what: string, tx: () => Promise<ContractTransactionResponse>) => {
    await next();
    const receipt = await (await tx()).wait();
    if (receipt === null || receipt.status !== 1) throw new Error(`gas benchmark: ${what} failed`);
    return receipt;
  };

  // 1. positions
  const open = async (basket: Basket): Promise<bigint> => {
    const id = await core.vault.nextPositionId();
    const amounts = BASKET_AMOUNTS[basket];
    await send(`open (${basket})`, () =>
      basket === "1 asset"
        ? core.vault.connect(user).openAndMint(BUSD, core.weth, amounts.weth ?? 0n, OPEN_DEBT, user.address)
        : core.vault.connect(user).batch(openBatch(core, user, amounts)),
    );
    return id;
  };
  const w1 = await open("1 asset");
  const p1 = await open("1 asset");
  const w3 = await open("3 assets");
  const p3 = await open("3 assets");
  await send("approve", () => core.busd.connect(user).approve(core.engine, ethers.MaxUint256));

  // 2. surplus, then the crash
  await time.increase(SURPLUS_ACCRUAL);
  await send("mintFees", () => core.vault.mintFees(BUSD));
  for (const key of ["weth", "wbtc", "usdc"] as const) {
    const answer = CRASH_PRICES[key] ?? (await core.priceOf(key));
    await send(`price ${key}`, () => core.feeds[key].updateAnswer(answer));
  }

  // 3. warm engine
  await send("liquidate W1", () => engine.liquidate(w1));
  const w1Auction = (await core.engine.nextAuctionId()) - 1n;
  await send("liquidate W3", () => engine.liquidate(w3));

  // 4. measured
  const measured = new Map<LiquidationRow, GasRow>();
  const measure = async (row: LiquidationRow, tx: () => Promise<ContractTransactionResponse>, wait = 3600) => {
    await timePasses(conn, wait);
    const receipt = await (await tx()).wait();
    if (receipt === null || receipt.status !== 1) throw new Error(`gas benchmark: "${row}" failed`);
    measured.set(row, { name: row, gas: receipt.gasUsed, hash: receipt.hash });
    log(`  ${row}: ${receipt.gasUsed}`);
  };
  const p1Auction = await core.engine.nextAuctionId();
  await measure("liquidate (1 asset)", () => engine.liquidate(p1));
  await measure(
    "take (partial lot)",
    async () => {
      const au = await core.engine.auction(p1Auction);
      const price = (await core.engine.auctionStatus(p1Auction))[0];
      return asUser.take(p1Auction, au.lot / 2n, price, user.address, "0x");
    },
    TAKE_AFTER,
  );
  await measure("liquidate (3 assets)", () => engine.liquidate(p3));
  await send("price weth (falls)", () => core.feeds.weth.updateAnswer(RESET_ETH_PRICE));
  await measure("reset", () => engine.reset(w1Auction));
  await measure("take (full lot)", async () => {
    const [lot, price] = [(await core.engine.auction(w1Auction)).lot, (await core.engine.auctionStatus(w1Auction))[0]];
    return asUser.take(w1Auction, lot, price, user.address, "0x");
  });
  await measure("claim keeper pay (4 credits)", () => engine.claimKeeperPay(BUSD, keeper.address));

  return LIQUIDATION_ROWS.map((name) => {
    const row = measured.get(name);
    if (row === undefined) throw new Error(`gas benchmark: "${name}" was not measured`);
    return row;
  });
}

/** Rows as the snapshot stores them: name → gas as a decimal string. */
export function toSnapshot(rows: GasRow[]): Record<string, string> {
  return Object.fromEntries(rows.map((r) => [r.name, r.gas.toString()]));
}

/** `batch` of Open + one Deposit per asset of the basket + Mint of OPEN_DEBT to `user`, all on the new position. */
function openBatch(
  core: Core<"chainlink">,
  user: HardhatEthersSigner,
  amounts: Partial<Record<AssetKey, bigint>>,
): IVault.ActionStruct[] {
  const none = core.ethers.ZeroAddress;
  const actions: IVault.ActionStruct[] = [{ op: Op.Open, id: BUSD, asset: none, amount: 0n, to: none }];
  for (const [key, amount] of Object.entries(amounts) as [AssetKey, bigint][]) {
    actions.push({ op: Op.Deposit, id: 0n, asset: core.tokens[key], amount, to: none });
  }
  actions.push({ op: Op.Mint, id: 0n, asset: none, amount: OPEN_DEBT, to: user.address });
  return actions;
}

/** `seconds` pass (`time.increase` mines a block that much later); the next transaction lands 1 s after it. */
async function timePasses({ networkHelpers }: BenchConnection, seconds: number): Promise<void> {
  const t = await networkHelpers.time.increase(seconds);
  await networkHelpers.time.setNextBlockTimestamp(t + 1);
}
