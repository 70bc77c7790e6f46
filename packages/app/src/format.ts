/**
 * Amounts as text with bigint math only: a token amount in its decimals, a wad (1e18) figure, bps. Rounds toward
 * zero. Floats appear only where a chart needs a coordinate (`toChartNumber`).
 */
export const WAD = 10n ** 18n;
export const MAX_HEALTH = 2n ** 255n;

export function formatUnits(x: bigint, decimals: number, digits = 2, grouping = true): string {
  const negative = x < 0n;
  const abs = negative ? -x : x;
  const scale = 10n ** BigInt(decimals);
  const whole = abs / scale;
  let frac = "";
  if (digits > 0) {
    const f =
      decimals >= digits
        ? (abs % scale) / 10n ** BigInt(decimals - digits)
        : (abs % scale) * 10n ** BigInt(digits - decimals);
    frac = "." + f.toString().padStart(digits, "0");
  }
  const w = whole.toString();
  return (negative ? "-" : "") + (grouping ? w.replace(/\B(?=(\d{3})+(?!\d))/g, ",") : w) + frac;
}

export const formatWad = (x: bigint, digits = 2): string => formatUnits(x, 18, digits);
export const formatUsd = (x: bigint, digits = 2): string => `$${formatWad(x, digits)}`;
/** A health [wad] with 4 decimals, "∞" without debt. */
export const formatHealth = (h: bigint): string => (h >= MAX_HEALTH ? "∞" : formatWad(h, 4));
/** A ratio [bps] as a percentage with 2 decimals. */
export const formatBps = (bps: bigint): string => `${formatUnits(bps, 2, 2)}%`;

/** Parses "1.5" into `decimals` units (exact; throws on anything else than a plain decimal). */
export function parseUnits(text: string, decimals: number): bigint {
  const t = text.trim().replaceAll(",", "");
  if (!/^\d+(\.\d+)?$/.test(t)) throw new Error(`"${text}" is not an amount`);
  const [w = "0", f = ""] = t.split(".");
  if (f.length > decimals) throw new Error(`"${text}" has more than ${decimals} decimals`);
  return BigInt(w) * 10n ** BigInt(decimals) + BigInt(f.padEnd(decimals, "0") || "0");
}

/** A figure for a chart axis only (never for display of amounts). */
export const toChartNumber = (x: bigint, decimals: number): number => Number(x) / 10 ** decimals;

export const short = (a: string): string => `${a.slice(0, 6)}…${a.slice(-4)}`;

/** A block time [s] as `YYYY-MM-DD HH:MM:SS` (UTC). */
export const formatTime = (ts: bigint): string =>
  new Date(Number(ts) * 1000).toISOString().slice(0, 19).replace("T", " ");
