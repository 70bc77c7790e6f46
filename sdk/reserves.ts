/**
 * The proof-of-reserves report: one `ReserveLens.report()` call turned into terminal tables and a JSON document.
 * Every on-chain number stays a bigint until it is printed; the JSON writes them as decimal strings (exact).
 *
 * Units: `[token]` the asset's own decimals, `[wad]` 1e18 (USD values, prices, synthetic amounts), `[bps]` 1e4.
 */
import type { IReserveLens, ReserveLens } from "../typechain-types/index.js";
import { formatUnitsHuman, formatWad, printTable } from "./format.js";

export const KIND_NAMES = ["plain", "wrapped", "real-world"] as const;

/** The report as plain data, with token symbols and decimals resolved. */
export interface ReserveReport {
  block: number;
  timestamp: number;
  assets: {
    asset: string;
    symbol: string;
    decimals: number;
    kind: (typeof KIND_NAMES)[number];
    held: bigint; // [token] Vault + engine + stability module balances
    credited: bigint; // [token] credited to positions
    inAuctions: bigint; // [token] held by the liquidation engine
    inModules: bigint; // [token] held by stability modules as their reserve
    price: bigint | null; // [wad] null when the oracle has no usable price
    value: bigint; // [wad]
    proven: bigint | null; // [token] proof-of-reserve answer, null without one
    tokenSupply: bigint; // [token]
  }[];
  synthetics: {
    synthId: bigint;
    token: string;
    symbol: string;
    supply: bigint; // [wad]
    unmintedFees: bigint; // [wad]
    positionDebt: bigint; // [wad]
    auctionDebt: bigint; // [wad]
    badDebt: bigint; // [wad]
    moduleDebt: bigint; // [wad] units the stability modules minted against their reserves
    treasurySurplus: bigint; // [wad]
    price: bigint | null; // [wad]
    liabilityValue: bigint; // [wad]
  }[];
  modules: {
    module: string;
    synthetic: string; // symbol
    reserve: string; // symbol
    decimals: number; // the reserve's
    reserves: bigint; // [token] held
    debt: bigint; // [wad]
    ceiling: bigint; // [wad]
    pegRatio: bigint | null; // [wad] the reserve's price over the synthetic's; null when unpriced
    feeInBps: number;
    feeOutBps: number;
    bandBps: number;
    frozenIn: boolean;
    frozenOut: boolean;
  }[];
  savings: {
    token: string;
    symbol: string; // the savings token's
    synthetic: string; // the synthetic's symbol
    totalAssets: bigint; // [wad]
    totalSupply: bigint; // shares (27 decimals for an 18-decimal synthetic)
    unvested: bigint; // [wad]
    vestingEnd: number; // [s]
    apr: bigint; // [wad] 1e18 = 100% a year, simple
  }[];
  system: {
    collateralValue: bigint; // [wad]
    liabilityValue: bigint; // [wad]
    backingBps: bigint | null; // [bps] null without liabilities
    complete: boolean;
  };
}

/** Minimal ERC-20 metadata reader (any runner). */
type Meta = (address: string) => Promise<{ symbol: string; decimals: number }>;

/** Reads `lens.report()` at the latest block and resolves symbols through `meta`. */
export async function readReserves(lens: ReserveLens, meta: Meta): Promise<ReserveReport> {
  const provider = lens.runner?.provider;
  if (provider == null) throw new Error("readReserves: the lens has no provider");
  const block = await provider.getBlock("latest");
  if (block === null) throw new Error("readReserves: no latest block");
  const [assets, synthetics, system] = (await lens.report({ blockTag: block.number })) as unknown as [
    IReserveLens.AssetReserveStructOutput[],
    IReserveLens.SyntheticReserveStructOutput[],
    IReserveLens.SystemReserveStructOutput,
  ];
  const MAX = 2n ** 256n - 1n;
  const modules = (await lens.moduleReserves({
    blockTag: block.number,
  })) as unknown as IReserveLens.ModuleReserveStructOutput[];
  const saved = (await lens.savingsReserves({
    blockTag: block.number,
  })) as unknown as IReserveLens.SavingsReserveStructOutput[];
  const synthSymbol = (synthId: bigint): string =>
    synthetics.find((x) => x.synthId === synthId)?.token ?? `synthetic ${synthId}`;
  return {
    block: block.number,
    timestamp: block.timestamp,
    assets: await Promise.all(
      assets.map(async (a) => {
        const m = await meta(a.asset);
        return {
          asset: a.asset,
          symbol: m.symbol,
          decimals: m.decimals,
          kind: KIND_NAMES[Number(a.kind)] ?? "plain",
          held: a.held,
          credited: a.credited,
          inAuctions: a.inAuctions,
          inModules: a.inModules,
          price: a.priced ? a.price : null,
          value: a.value,
          proven: a.hasProof ? a.proven : null,
          tokenSupply: a.tokenSupply,
        };
      }),
    ),
    synthetics: await Promise.all(
      synthetics.map(async (s) => ({
        synthId: s.synthId,
        token: s.token,
        symbol: (await meta(s.token)).symbol,
        supply: s.supply,
        unmintedFees: s.unmintedFees,
        positionDebt: s.positionDebt,
        auctionDebt: s.auctionDebt,
        badDebt: s.badDebt,
        moduleDebt: s.moduleDebt,
        treasurySurplus: s.treasurySurplus,
        price: s.priced ? s.price : null,
        liabilityValue: s.liabilityValue,
      })),
    ),
    modules: await Promise.all(
      modules.map(async (m) => {
        const r = await meta(m.reserve);
        return {
          module: m.module,
          synthetic: (await meta(synthSymbol(m.synthId))).symbol,
          reserve: r.symbol,
          decimals: r.decimals,
          reserves: m.reserves,
          debt: m.debt,
          ceiling: m.ceiling,
          pegRatio: m.priced ? m.pegRatio : null,
          feeInBps: Number(m.config.feeInBps),
          feeOutBps: Number(m.config.feeOutBps),
          bandBps: Number(m.config.bandBps),
          frozenIn: m.config.frozenIn,
          frozenOut: m.config.frozenOut,
        };
      }),
    ),
    savings: await Promise.all(
      saved.map(async (v) => ({
        token: v.token,
        symbol: (await meta(v.token)).symbol,
        synthetic: (await meta(synthSymbol(v.synthId))).symbol,
        totalAssets: v.totalAssets,
        totalSupply: v.totalSupply,
        unvested: v.unvested,
        vestingEnd: Number(v.vestingEnd),
        apr: v.apr,
      })),
    ),
    system: {
      collateralValue: system.collateralValue,
      liabilityValue: system.liabilityValue,
      backingBps: system.backingBps === MAX ? null : system.backingBps,
      complete: system.complete,
    },
  };
}

/** JSON with every bigint as a decimal string (exact, unlike numbers). */
export function reserveJson(report: ReserveReport): string {
  return JSON.stringify(report, (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2) + "\n";
}

/**
 * What the system backing measures (printed with it): not the risk engine's collateralization, which counts only the
 * positions with debt and the auctions against their debt.
 */
export const BACKING_MEASURES =
  "backing = all collateral held (positions with or without debt, auction lots, stability module reserves; leftovers " +
  "owed to owners excluded) " +
  "at oracle prices / all synthetic issued (supply + unminted fees) at its price";

/** `backingBps` as "153.21%" ("∞" without liabilities). */
export function formatBacking(bps: bigint | null): string {
  return bps === null ? "∞" : `${formatUnitsHuman(bps, 2, 2)}%`;
}

/** Prints the report as three terminal tables. */
export function printReserves(report: ReserveReport): void {
  printTable(
    `Collateral (block ${report.block})`,
    // "engine holds": lots in auction and leftovers owed to owners; "backing $" leaves the leftovers out
    [
      "asset",
      "kind",
      "held",
      "credited",
      "engine holds",
      "modules hold",
      "price $",
      "backing $",
      "proven reserve",
      "token supply",
    ],
    report.assets.map((a) => [
      a.symbol,
      a.kind,
      formatUnitsHuman(a.held, a.decimals, 4),
      formatUnitsHuman(a.credited, a.decimals, 4),
      formatUnitsHuman(a.inAuctions, a.decimals, 4),
      formatUnitsHuman(a.inModules, a.decimals, 4),
      a.price === null ? "unavailable" : formatWad(a.price),
      formatWad(a.value),
      a.proven === null ? "-" : formatUnitsHuman(a.proven, a.decimals, 4),
      formatUnitsHuman(a.tokenSupply, a.decimals, 2),
    ]),
    { kind: "left" },
  );
  printTable(
    "Synthetics",
    [
      "synthetic",
      "supply",
      "unminted fees",
      "position debt",
      "auction debt",
      "bad debt",
      "module debt",
      "surplus",
      "value $",
    ],
    report.synthetics.map((s) => [
      s.symbol,
      formatWad(s.supply, 4),
      formatWad(s.unmintedFees, 4),
      formatWad(s.positionDebt, 4),
      formatWad(s.auctionDebt, 4),
      formatWad(s.badDebt, 4),
      formatWad(s.moduleDebt, 4),
      formatWad(s.treasurySurplus, 4),
      s.price === null ? "unavailable" : formatWad(s.liabilityValue),
    ]),
  );
  if (report.modules.length > 0) {
    printTable(
      "Stability modules (swaps at par; the reserves back the module's units and join the settlement's pool)",
      ["module", "reserves", "debt", "ceiling", "peg", "fees in/out", "band", "frozen"],
      report.modules.map((m) => [
        `${m.synthetic}/${m.reserve}`,
        formatUnitsHuman(m.reserves, m.decimals, 4),
        formatWad(m.debt, 4),
        formatWad(m.ceiling, 0),
        m.pegRatio === null ? "unpriced" : formatWad(m.pegRatio, 4),
        `${m.feeInBps / 100}% / ${m.feeOutBps / 100}%`,
        `±${m.bandBps / 100}%`,
        m.frozenIn || m.frozenOut ? [m.frozenIn ? "in" : "", m.frozenOut ? "out" : ""].filter(Boolean).join("+") : "no",
      ]),
    );
  }
  if (report.savings.length > 0) {
    printTable(
      "Savings tokens (the Treasury's distributions stream into them; their units are held for savers)",
      ["token", "synthetic", "assets", "still vesting", "rate a year"],
      report.savings.map((v) => [
        v.symbol,
        v.synthetic,
        formatWad(v.totalAssets, 4),
        formatWad(v.unvested, 4),
        `${formatWad(v.apr * 100n, 2)}%`,
      ]),
    );
  }
  printTable(
    `System: ${BACKING_MEASURES}`,
    ["collateral value $", "liability value $", "backing", "complete"],
    [
      [
        formatWad(report.system.collateralValue),
        formatWad(report.system.liabilityValue),
        formatBacking(report.system.backingBps),
        report.system.complete ? "yes" : "no (a price is unavailable)",
      ],
    ],
  );
}
