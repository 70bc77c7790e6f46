/**
 * The Router's steps and one-transaction flows live in the SDK package (packages/sdk/src/router.ts: one copy); this
 * file re-exports them and reads a position's state from the chain with ethers and TypeChain (`readPositionState`).
 */
import { AbiCoder, type ContractRunner, ZeroAddress, keccak256, toBeHex } from "ethers";
import {
  type OracleAdapter,
  type PositionLens,
  SyntheticToken__factory,
  type Vault,
} from "../typechain-types/index.js";
import { WAD } from "./math.js";
import { type FlowAsset, type FlowState } from "../packages/sdk/src/router.js";
import { rateIndexAt } from "../packages/sdk/src/preview.js";

export * from "../packages/sdk/src/router.js";
// the names this file gave them before the flows moved to the package
export {
  type FlowState as PositionState,
  type FlowAsset as PreviewAsset,
  flowFigures as figuresOf,
} from "../packages/sdk/src/router.js";
export { rateIndexAt } from "../packages/sdk/src/preview.js";

/** `VaultReader.SYNTHS_SLOT` (the Vault's synthetics array) and `SYNTH_WORDS` (words per synthetic). */
const SYNTHS_SLOT = 11n;
const SYNTH_WORDS = 6n;

// ----------------------------------------------------------------------------------------------------------------
// Reading the state from the chain
// ----------------------------------------------------------------------------------------------------------------

/**
 * The state of position `id` (0n: a new position of `synthId`) at block timestamp `timestamp`, over `assets` (the
 * basket and the flow's collateral). The rate index is brought to `timestamp` as the Vault will book it.
 */
export async function readPositionState(
  c: { vault: Vault; lens: PositionLens; oracle: OracleAdapter; runner: ContractRunner },
  id: bigint,
  synthId: bigint,
  assets: string[],
  timestamp: bigint,
): Promise<FlowState> {
  const sid = id === 0n ? synthId : (await c.vault.positionOf(id))[1];
  const s = await c.lens.synthetic(sid);
  // the stored index and its accrual time (`lens.synthetic` grows the index to the call's own block time): word 1 of
  // the synthetic's record, rateIndex in bits 0-127, ratePerSecond 128-215, lastAccrual 216-255 (VaultReader)
  const base = BigInt(keccak256(AbiCoder.defaultAbiCoder().encode(["uint256"], [SYNTHS_SLOT])));
  const w1 = BigInt(await c.vault.extSload(toBeHex(base + sid * SYNTH_WORDS + 1n, 32)));
  const storedIndex = w1 & (2n ** 128n - 1n);
  const rate = (w1 >> 128n) & (2n ** 88n - 1n);
  const last = w1 >> 216n;
  const basket: FlowAsset[] = [];
  for (const asset of assets) {
    const config = await c.vault.assetConfig(asset);
    basket.push({
      asset,
      amount: id === 0n ? 0n : await c.vault.collateralOf(id, asset),
      decimals: config.decimals,
      price: await c.oracle.getPrice(asset),
      maxLtvBps: config.maxLtvBps,
      liqThresholdBps: await c.lens.liquidationThreshold(asset),
    });
  }
  const token = SyntheticToken__factory.connect(s.token, c.runner);
  return {
    id,
    synthetic: s.token,
    normDebt: id === 0n ? 0n : await c.lens.normDebtOf(id),
    index: rateIndexAt(storedIndex, rate, last, timestamp),
    synthPrice: s.params.priceAsset === ZeroAddress ? WAD : await c.oracle.getPrice(s.params.priceAsset),
    minDebt: s.params.minDebt,
    flashFeeBps: await token.flashFeeBps(),
    basket,
  };
}
