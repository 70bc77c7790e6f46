/**
 * The one formatter family for people: amounts, prices, health, gas and tables, exact from bigint (no float) except
 * `formatShort`, which is for chart labels.
 *
 * Units: `[decimals]` the unit of the amount given, `[wad]` 1e18.
 */

/**
 * `x` [decimals] as a human number with thousands separators (unless `grouping` is false) and exactly `digits`
 * decimals, rounded toward zero.
 */
export function formatUnitsHuman(x: bigint, decimals: number, digits = 2, grouping = true): string {
  const negative = x < 0n;
  const abs = negative ? -x : x;
  const scale = 10n ** BigInt(decimals);
  const whole = abs / scale;
  let frac = "";
  if (digits > 0) {
    const f = ((abs % scale) * 10n ** BigInt(digits)) / scale;
    frac = "." + f.toString().padStart(digits, "0");
  }
  const w = whole.toString();
  return (negative ? "-" : "") + (grouping ? w.replace(/\B(?=(\d{3})+(?!\d))/g, ",") : w) + frac;
}

/**
 * `x` [decimals] with as many decimals as it has, up to `maxDigits` (rounded toward zero), trailing zeros trimmed and
 * thousands separated: 0.345 WETH is "0.345", 10 WETH is "10", 12,000.5 bUSD is "12,000.5". A non-zero amount below
 * the last digit shown is "<0.000001" rather than a misleading "0".
 */
export function formatAmount(x: bigint, decimals: number, maxDigits = 6): string {
  const digits = Math.min(decimals, maxDigits);
  const negative = x < 0n;
  const abs = negative ? -x : x;
  const scale = 10n ** BigInt(decimals);
  const step = 10n ** BigInt(decimals - digits); // [decimals] the smallest amount shown
  if (abs !== 0n && abs < step) return `${negative ? ">-" : "<"}0.${"0".repeat(digits - 1)}1`;
  const whole = (abs / scale).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const frac = digits === 0 ? "" : ((abs % scale) / step).toString().padStart(digits, "0").replace(/0+$/, "");
  return (negative ? "-" : "") + whole + (frac === "" ? "" : `.${frac}`);
}

/** A `[wad]` as a human number: `formatWad(1234567n * 10n ** 15n)` = "1,234.56". */
export function formatWad(x: bigint, digits = 2): string {
  return formatUnitsHuman(x, 18, digits);
}

/** A `[wad]` USD value as "$1,234.56". */
export function formatUsd(x: bigint, digits = 2): string {
  return `$${formatWad(x, digits)}`;
}

/** A health `[wad]`: "1.234", or "∞" without debt. */
export function formatHealth(h: bigint): string {
  return h >= 2n ** 255n ? "∞" : formatWad(h, 3);
}

/** Gas as "123,456". */
export function formatGas(gas: bigint): string {
  return formatUnitsHuman(gas, 0, 0);
}

/** `x` [wad, or `unit`] as a short decimal string without separators, rounded toward zero (log lines). */
export function formatPlain(x: bigint, digits = 2, unit: bigint = 10n ** 18n): string {
  return formatUnitsHuman(x, unit.toString().length - 1, digits, false);
}

/** [wei] as gwei with up to 3 decimals, rounded toward zero, trailing zeros trimmed: "1.5", "100". */
export function formatGwei(wei: bigint): string {
  const whole = wei / 10n ** 9n;
  const frac = ((wei % 10n ** 9n) / 10n ** 6n).toString().padStart(3, "0").replace(/0+$/, "");
  return frac === "" ? `${whole}` : `${whole}.${frac}`;
}

/**
 * `x` [decimals] rounded to 4 significant digits (none after the point from 100 up) for chart labels and axis ticks:
 * "0.1235", "12.5", "1234". It goes through a float, so it is for pictures only, never for an amount a person acts on.
 */
export function formatShort(x: bigint, decimals: number): string {
  const v = Number(x) / 10 ** decimals;
  return v >= 100 ? v.toFixed(0) : v.toPrecision(4).replace(/\.?0+$/, "");
}

/** `bps` [bps] as a percentage with up to 2 decimals: 8_250n is "82.5%". */
export function formatBps(bps: bigint): string {
  return `${formatAmount(bps, 2, 2)}%`;
}

/** A share (0.0123) as a percentage with 2 decimals: "1.23%". Floats: for reports of simulated frequencies. */
export function formatShare(x: number): string {
  return `${(x * 100).toFixed(2)}%`;
}

/** [USD] A float dollar figure rounded to the dollar, thousands separated: "$1,234". For simulated figures. */
export function formatDollars(x: number): string {
  return `$${x.toLocaleString("en-US", { maximumFractionDigits: 0 })}`;
}

/** A chart label: 1.2M, 45k, 12, 0.35 (2 significant digits under 10). */
export function formatCompact(x: number): string {
  const a = Math.abs(x);
  if (a >= 1e6) return `${(x / 1e6).toFixed(a >= 1e7 ? 0 : 1)}M`;
  if (a >= 1e3) return `${(x / 1e3).toFixed(a >= 1e4 ? 0 : 1)}k`;
  if (a >= 10 || Number.isInteger(x)) return x.toFixed(0);
  return x.toPrecision(2);
}

/** A table column's alignment. */
export type Align = "left" | "right";

/**
 * Renders `rows` under `headers` as an aligned text table (`markdown: false`, for the terminal) or a Markdown table.
 * Columns whose header is listed in `align` with "left" are left-aligned; all others right-aligned (numbers).
 */
export function renderTable(
  headers: string[],
  rows: string[][],
  opts: { markdown?: boolean; align?: Record<string, Align> } = {},
): string {
  const alignOf = (i: number): Align => opts.align?.[headers[i] ?? ""] ?? (i === 0 ? "left" : "right");
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const cell = (s: string, i: number): string =>
    alignOf(i) === "left" ? s.padEnd(widths[i] ?? 0) : s.padStart(widths[i] ?? 0);
  const line = (r: string[]): string =>
    opts.markdown
      ? "| " + headers.map((_, i) => cell(r[i] ?? "", i)).join(" | ") + " |"
      : headers.map((_, i) => cell(r[i] ?? "", i)).join("  ");
  const rule = opts.markdown
    ? "| " + widths.map((w, i) => (alignOf(i) === "left" ? "-".repeat(w) : "-".repeat(w - 1) + ":")).join(" | ") + " |"
    : widths.map((w) => "-".repeat(w)).join("  ");
  return [line(headers), rule, ...rows.map(line)].join("\n");
}

/** Prints `renderTable(headers, rows)` to the console, with an optional title line. */
export function printTable(
  title: string | undefined,
  headers: string[],
  rows: string[][],
  align?: Record<string, Align>,
): void {
  if (title !== undefined) console.log(`\n${title}`);
  console.log(renderTable(headers, rows, { align }));
}
