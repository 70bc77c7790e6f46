/**
 * The gas benchmark: one measuring function shared by `scripts/gas.ts` (prints the table, writes gas/snapshot.json and
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
 * - gas is `receipt.gasUsed` of the measured transaction (EDR, cancun, optimizer 10,000 runs).
 */
import type { HardhatEthers, HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { NetworkHelpers } from "@nomicfoundation/hardhat-network-helpers/types";
import type { ContractTransactionResponse } from "ethers";
import type { IVault } from "../../typechain-types/index.js";
import { BUSD, Op, type AssetKey, type Core, deployCore, fundAndApprove, units, wad } from "./core.js";

/** A connection as `network.create()` returns it (only what the benchmark uses). */
export interface BenchConnection {
  ethers: HardhatEthers;
  networkHelpers: NetworkHelpers;
}

/** One measured operation. */
export interface GasRow {
  name: string;
  gas: bigint; // [gas] receipt.gasUsed
}

/** What the issue asks for and what the field's cheapest protocol spends, per 1-asset operation. */
export interface GasGoal {
  target?: bigint; // [gas] the target
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
export type Basket = (typeof BASKETS)[number];

/** Row name of an operation on a basket, e.g. "repay part (1 asset)". The snapshot's keys. */
export function rowName(op: (typeof OPERATIONS)[number], basket: Basket): string {
  return `${op} (${basket})`;
}

/** Targets (issue) and references (field's cheapest protocol) for the 1-asset rows. */
export const GOALS: Record<string, GasGoal> = {
  [rowName("open+deposit+mint", "1 asset")]: { target: 130_000n, reference: 134_000n },
  [rowName("deposit (existing position)", "1 asset")]: { target: 52_000n, reference: 54_000n },
  [rowName("repay part", "1 asset")]: { target: 56_000n, reference: 78_000n },
  [rowName("close (repay all + withdraw all)", "1 asset")]: { target: 68_000n, reference: 127_000n },
};

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
 * one-asset position, then on a three-asset one. `log` receives a progress line per row.
 */
export async function measureGas(conn: BenchConnection, log: (line: string) => void = () => {}): Promise<GasRow[]> {
  const { ethers } = conn;
  const core = await deployCore(ethers, { feeds: "chainlink" });
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
      await oneHourPasses(conn);
      const receipt = await (await send()).wait();
      if (receipt === null || receipt.status !== 1) throw new Error(`gas benchmark: "${op}" (${basket}) failed`);
      const row = { name: rowName(op, basket), gas: receipt.gasUsed };
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
  return rows;
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

/** One hour passes (`time.increase(3600)` mines a block an hour later); the next transaction lands 1 s after it. */
async function oneHourPasses({ networkHelpers }: BenchConnection): Promise<void> {
  const t = await networkHelpers.time.increase(3600);
  await networkHelpers.time.setNextBlockTimestamp(t + 1);
}
