/**
 * Opt-in pre-liquidation (contracts/periphery/PreLiquidation.sol) for tools: the contract's policy, whether a
 * position opted in, and a preview of a pre-liquidation from the chain's figures with the one TypeScript mirror of
 * the contract's rule (`quotePreLiquidation` in sdk/math.ts, checked to the wei against `PreLiquidation.quote`).
 */
import type { PositionLens, PreLiquidation } from "../typechain-types/index.js";
import { type PreLiquidationPolicy, type PreLiquidationQuote, WAD, quotePreLiquidation } from "./math.js";
import { PERMISSIONS } from "./permissions.js";

/** The contract's immutable band, close factors and incentives. */
export async function readPolicy(pre: PreLiquidation): Promise<PreLiquidationPolicy> {
  const [preHealth, closeFactorTop, closeFactorBottom, incentiveTop, incentiveBottom] = await Promise.all([
    pre.preHealth(),
    pre.closeFactorTop(),
    pre.closeFactorBottom(),
    pre.incentiveTop(),
    pre.incentiveBottom(),
  ]);
  return { preHealth, closeFactorTop, closeFactorBottom, incentiveTop, incentiveBottom };
}

/** Whether position `id`'s owner opted in: the contract holds the repay-with-collateral right. */
export async function isProtected(lens: PositionLens, pre: PreLiquidation, id: bigint): Promise<boolean> {
  const held = await lens.permissionsOf(id, await pre.getAddress());
  return (held & PERMISSIONS.repayWithCollateral) !== 0n;
}

/**
 * A pre-liquidation of position `id` taking `asset`, previewed from the lens's liquidation valuation (the engine's)
 * with the contract's rule, for a block in which no earlier pre-liquidation of the position landed. `repay` [wad]
 * (the most by default). Refuses (`refused`) as the contract would; a basket price that failed refuses too.
 */
export async function previewPreLiquidation(
  lens: PositionLens,
  policy: PreLiquidationPolicy,
  id: bigint,
  asset: string,
  repay: bigint = 2n ** 256n - 1n,
): Promise<PreLiquidationQuote | { refused: "price unavailable" | "not in basket"; health: bigint }> {
  const st = await lens.liquidationState(id);
  const health = st.debtValue === 0n ? 2n ** 256n - 1n : (st.liquidationLimit * WAD) / st.debtValue;
  if (st.prices.some((p) => p === 0n)) return { refused: "price unavailable", health };
  const k = st.assets.findIndex((a) => a.toLowerCase() === asset.toLowerCase());
  if (k < 0) return { refused: "not in basket", health };
  return quotePreLiquidation(
    policy,
    health,
    st.debt,
    st.synthPrice,
    { price: st.prices[k] ?? 0n, decimals: st.decimals[k] ?? 0n, held: st.amounts[k] ?? 0n },
    repay,
  );
}
