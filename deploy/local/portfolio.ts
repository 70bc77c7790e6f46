/**
 * Builds a portfolio on the embedded network when there is no deployment to read: the core from `deployCore` and
 * positions like the demo's (`tools/demo/demo.ts`: nine users, single-asset and basket positions in bUSD and bETH at
 * 50-78% loan-to-value), the demo's auction caps, the demo's 200,000 USDC swapped into the bUSD/USDC stability module,
 * and 30 days of interest minted to the Treasury as its surplus.
 */
import type { HardhatEthers, HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { ASSETS, type AssetKey, BETH, BUSD, Op } from "../../sdk/params.js";
import { type Core, deployCore, fundAndApprove, oraclePrice } from "./core.js";
import { WAD } from "../../sdk/math.js";
import { units, wad } from "../../sdk/units.js";
import { BPS, mulDivDown, valueDown } from "../../sdk/math.js";

/** One position to open: basket in whole units, minted at `ltvBps` of the basket's value. */
export interface Plan {
  name: string;
  synth: "bUSD" | "bETH";
  basket: Partial<Record<AssetKey, string>>;
  ltvBps: bigint;
}

/** The demo's positions (tools/demo/demo.ts). */
export const DEMO_PLANS: Plan[] = [
  { name: "alice", synth: "bUSD", basket: { weth: "10" }, ltvBps: 7_000n },
  { name: "bob", synth: "bUSD", basket: { wbtc: "0.5", usdc: "10000" }, ltvBps: 5_000n },
  { name: "carol", synth: "bUSD", basket: { weth: "5", wbtc: "0.2", usdc: "8000" }, ltvBps: 6_600n },
  { name: "dave", synth: "bETH", basket: { usdc: "20000" }, ltvBps: 6_000n },
  { name: "erin", synth: "bUSD", basket: { weth: "4" }, ltvBps: 7_800n },
  { name: "frank", synth: "bETH", basket: { wbtc: "0.5" }, ltvBps: 6_000n },
  { name: "grace", synth: "bUSD", basket: { weth: "30" }, ltvBps: 7_400n },
  { name: "heidi", synth: "bUSD", basket: { wbtc: "1" }, ltvBps: 7_000n },
  { name: "ivan", synth: "bUSD", basket: { weth: "8", wbtc: "0.3" }, ltvBps: 7_200n },
];

/** The demo's auction caps [wad USD]: global and per asset. */
export const DEMO_CAPS = { global: wad("40000"), perAsset: wad("25000") };

export interface PortfolioOptions {
  plans?: Plan[];
  caps?: { global: bigint; perAsset: bigint };
  /** USDC [whole units] a market maker swaps into the bUSD/USDC stability module (default "200000", as the demo). */
  moduleSwapIn?: string;
  /** Days of interest accrued and minted to the Treasury before the snapshot (default 30). */
  interestDays?: number;
  log?: (line: string) => void;
}

/** Deploys the core and opens `plans` (default: the demo's). */
export async function buildPortfolio(ethers: HardhatEthers, opts: PortfolioOptions = {}): Promise<Core> {
  const log = opts.log ?? (() => {});
  const core = await deployCore(ethers, { log });
  const caps = opts.caps ?? DEMO_CAPS;
  await (await core.engine.setGlobalCap(caps.global)).wait();
  for (const k of Object.keys(core.tokens) as AssetKey[]) {
    await (await core.engine.setAssetCap(core.tokens[k], caps.perAsset)).wait();
  }
  const signers = await ethers.getSigners();
  const plans = opts.plans ?? DEMO_PLANS;
  for (const [i, plan] of plans.entries()) {
    const owner = signers[1 + (i % Math.max(1, signers.length - 1))];
    if (owner === undefined) throw new Error("buildPortfolio: the network has no signers");
    const amounts = Object.fromEntries(
      Object.entries(plan.basket).map(([k, v]) => [k, units(k as AssetKey, v)]),
    ) as Partial<Record<AssetKey, bigint>>;
    await fundAndApprove(core, owner, amounts);
    let value = 0n; // [wad]
    for (const [k, amount] of Object.entries(amounts) as [AssetKey, bigint][]) {
      value += valueDown(amount, await oraclePrice(core, k), ASSETS[k].decimals);
    }
    const usd = mulDivDown(value, plan.ltvBps, BPS);
    const debtPrice = plan.synth === "bUSD" ? WAD : await oraclePrice(core, "weth");
    const unit = plan.synth === "bUSD" ? WAD : WAD / 100n;
    const debt = (mulDivDown(usd, WAD, debtPrice) / unit) * unit;
    await openBasket(core, owner, plan.synth === "bUSD" ? BUSD : BETH, amounts, debt);
  }
  log(`portfolio: ${plans.length} positions opened`);
  const swapIn = units("usdc", opts.moduleSwapIn ?? "200000");
  if (swapIn > 0n) {
    const maker = signers[signers.length - 1];
    if (maker === undefined) throw new Error("buildPortfolio: the network has no signers");
    await (await core.usdc.mint(maker, swapIn)).wait();
    await (await core.usdc.connect(maker).approve(core.psm, swapIn)).wait();
    await (await core.psm.connect(maker).swapIn(swapIn, 0n, maker)).wait();
    log(`portfolio: ${opts.moduleSwapIn ?? "200000"} USDC swapped into the bUSD/USDC module`);
  }
  const days = opts.interestDays ?? 30;
  if (days > 0) {
    await ethers.provider.send("evm_increaseTime", [days * 86_400]);
    await ethers.provider.send("evm_mine", []);
    await core.refreshFeeds();
    await (await core.vault.mintFees(BUSD)).wait();
    await (await core.vault.mintFees(BETH)).wait();
    log(`portfolio: ${days} days of interest minted to the Treasury`);
  }
  return core;
}

/** Opens a position in `synthId` for `owner` holding `amounts` [token] and mints `debt` [wad], in one batch. */
export async function openBasket(
  core: Core,
  owner: HardhatEthersSigner,
  synthId: bigint,
  amounts: Partial<Record<AssetKey, bigint>>,
  debt: bigint,
): Promise<bigint> {
  const id = await core.vault.nextPositionId();
  const none = core.ethers.ZeroAddress;
  await (
    await core.vault.connect(owner).batch([
      { op: Op.Open, id: synthId, asset: none, amount: 0n, to: none },
      ...(Object.entries(amounts) as [AssetKey, bigint][]).map(([k, amount]) => ({
        op: Op.Deposit,
        id: 0n,
        asset: core.tokens[k],
        amount,
        to: none,
      })),
      { op: Op.Mint, id: 0n, asset: none, amount: debt, to: owner.address },
    ])
  ).wait();
  return id;
}
