/**
 * The one decimal parser: every amount a person types becomes an exact bigint here, without floats.
 *
 * Units: `[token]` a token's own decimals, `[wad]` 1e18.
 */

// ----------------------------------------------------------------------------------------------------------------
// The amount parser (every amount a person types goes through it: tasks, keeper settings, scripts)
// ----------------------------------------------------------------------------------------------------------------

/** An amount that cannot be read; the message says what was wrong (the caller adds which field). */
export class AmountError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AmountError";
  }
}

/**
 * Parses a human amount ("2.5", "1,000", "1_000.25") into `decimals` units, exactly (no float). A negative amount,
 * more decimals than the unit has, or anything that is not a decimal number is refused with an `AmountError` saying
 * which; zero is refused unless `allowZero`.
 */
export function parseAmount(text: string, decimals: number, opts: { allowZero?: boolean } = {}): bigint {
  const clean = text.trim().replace(/[_,]/g, "");
  if (/^-\s*\d/.test(clean)) throw new AmountError(`"${text}" is negative: amounts are positive numbers`);
  const m = /^(\d+)(?:\.(\d+))?$/.exec(clean);
  if (m === null) throw new AmountError(`"${text}" is not a positive decimal number (e.g. 2.5 or 1,000)`);
  const frac = m[2] ?? "";
  if (frac.length > decimals) {
    throw new AmountError(
      decimals === 0
        ? `"${text}" has decimals, but this unit has none`
        : `"${text}" has more than ${decimals} decimals (the token's smallest unit)`,
    );
  }
  const v = BigInt(m[1] ?? "0") * 10n ** BigInt(decimals) + BigInt(frac.padEnd(decimals, "0") || "0");
  if (v === 0n && opts.allowZero !== true) throw new AmountError(`"${text}" is zero: give an amount above zero`);
  return v;
}

/** [wad] `parseWad("1.5")` = 1.5e18 (zero allowed). */
export function parseWad(text: string): bigint {
  return parseAmount(text, 18, { allowZero: true });
}
