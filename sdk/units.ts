/**
 * The one decimal parser: every amount a person types (tasks, keeper settings, scripts) and every human constant in
 * code (`units("wbtc", "0.5")`, `wad("1.5")`, `answer8("1300")`) becomes an exact bigint here, without floats.
 *
 * Units: `[token]` a token's own decimals, `[wad]` 1e18, feed answers in 8 decimals.
 */
import { ASSETS, type AssetKey, FEED_DECIMALS } from "./params.js";
import { parseAmount } from "../packages/sdk/src/units.js";

// the parser itself is the SDK package's (packages/sdk/src/units.ts)
export { AmountError, parseAmount } from "../packages/sdk/src/units.js";

/** Converts a number of whole units to `[token]` of `asset`, e.g. `units("wbtc", "0.5")` = 50_000_000n. */
export function units(asset: AssetKey, amount: string): bigint {
  return parseAmount(amount, ASSETS[asset].decimals, { allowZero: true });
}

/** [wad] `wad("1.5")` = 1.5e18. */
export function wad(amount: string): bigint {
  return parseAmount(amount, 18, { allowZero: true });
}

/** [8 decimals] A feed answer: `answer8("1300")` = 1300e8. */
export function answer8(amount: string): bigint {
  return parseAmount(amount, FEED_DECIMALS, { allowZero: true });
}
