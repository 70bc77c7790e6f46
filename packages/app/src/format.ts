/**
 * Amounts as text with bigint math only: a token amount in its decimals, a wad (1e18) figure, bps. Rounds toward
 * zero. Floats appear only where a chart needs a coordinate (`toChartNumber`).
 */
import { formatUnitsHuman, formatWad, parseAmount } from "@ballast/sdk";

export { formatUsd, formatWad } from "@ballast/sdk";

export const WAD = 10n ** 18n;
export const MAX_HEALTH = 2n ** 255n;

/** `x` [decimals] with thousands separators and exactly `digits` decimals, rounded toward zero (the SDK's). */
export const formatUnits = formatUnitsHuman;
/** A health [wad] with 4 decimals, "∞" without debt. */
export const formatHealth = (h: bigint): string => (h >= MAX_HEALTH ? "∞" : formatWad(h, 4));
/** A ratio [bps] as a percentage with 2 decimals. */
export const formatBps = (bps: bigint): string => `${formatUnitsHuman(bps, 2, 2)}%`;

/** Parses "1.5" or "1,000" into `decimals` units, exactly (the SDK's parser: its message says what was wrong). */
export function parseUnits(text: string, decimals: number): bigint {
  return parseAmount(text, decimals, { allowZero: true });
}

/** A figure for a chart axis only (never for display of amounts). */
export const toChartNumber = (x: bigint, decimals: number): number => Number(x) / 10 ** decimals;

export const short = (a: string): string => `${a.slice(0, 6)}…${a.slice(-4)}`;

/** A block time [s] as `YYYY-MM-DD HH:MM:SS` (UTC). */
export const formatTime = (ts: bigint): string =>
  new Date(Number(ts) * 1000).toISOString().slice(0, 19).replace("T", " ");
