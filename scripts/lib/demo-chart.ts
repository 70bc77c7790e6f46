/**
 * The demo's picture (`npm run demo` writes it to reports/demo.svg): three stacked line charts over the keeper's ticks,
 * drawn with the risk report's SVG helpers (scripts/risk/svg.ts `lineChart`):
 *
 * 1. ETH: the oracle price and the clearing prices of the WETH auctions (USD per ETH);
 * 2. BTC: the same for WBTC;
 * 3. the system backing ratio (collateral value over debt value, %).
 *
 * A clearing price is set by a take, so its series holds the lowest price of the latest tick with a take (a step
 * line) and NaN before the first take (`lineChart` skips non-finite values). Prices arrive in `[wad]` and become
 * numbers only here, for drawing.
 */
import { lineChart } from "../risk/svg.js";

/** One keeper tick of the demo. */
export interface DemoFrame {
  minute: number; // minutes since the crash started
  eth: bigint; // [wad] USD oracle price
  btc: bigint; // [wad] USD oracle price
  backing: bigint; // [wad] collateral value / debt value (1e18 = 100%)
  ethClearing: bigint[]; // [wad] USD per ETH, every WETH take of the tick
  btcClearing: bigint[]; // [wad] USD per BTC, every WBTC take of the tick
}

/** The series the picture draws, as numbers (NaN where a tick has no take). */
export interface DemoSeries {
  minutes: number[];
  eth: number[];
  btc: number[];
  backingPct: number[];
  ethClearing: number[]; // the lowest WETH clearing price of the latest tick with a take
  btcClearing: number[];
}

const toNumber = (wad: bigint): number => Number(wad / 10n ** 12n) / 1e6; // 6 decimals kept

/** The numbers behind the picture. */
export function demoSeries(frames: DemoFrame[]): DemoSeries {
  const stepLine = (pick: (f: DemoFrame) => bigint[]): number[] => {
    let last = NaN;
    return frames.map((f) => {
      const xs = pick(f);
      if (xs.length > 0) last = toNumber(xs.reduce((m, x) => (x < m ? x : m)));
      return last;
    });
  };
  return {
    minutes: frames.map((f) => f.minute),
    eth: frames.map((f) => toNumber(f.eth)),
    btc: frames.map((f) => toNumber(f.btc)),
    backingPct: frames.map((f) => toNumber(f.backing * 100n)),
    ethClearing: stepLine((f) => f.ethClearing),
    btcClearing: stepLine((f) => f.btcClearing),
  };
}

const PANEL_H = 420;
const PANEL_W = 760;

/** The three charts stacked in one SVG document. */
export function renderDemoSvg(frames: DemoFrame[], opts: { tickMinutes: number }): string {
  const s = demoSeries(frames);
  const xLabel = `keeper tick (every ${opts.tickMinutes} min from the start of the crash)`;
  const panels = [
    lineChart(
      [
        { name: "ETH oracle price", ys: s.eth, color: "#1f77b4" },
        { name: "WETH clearing price (latest take)", ys: s.ethClearing, color: "#d62728", dashed: true },
      ],
      { title: "ETH: oracle and auction clearing prices (USD)", xLabel, yLabel: "USD per ETH" },
    ),
    lineChart(
      [
        { name: "BTC oracle price", ys: s.btc, color: "#ff7f0e" },
        { name: "WBTC clearing price (latest take)", ys: s.btcClearing, color: "#9467bd", dashed: true },
      ],
      { title: "BTC: oracle and auction clearing prices (USD)", xLabel, yLabel: "USD per BTC" },
    ),
    lineChart([{ name: "system backing ratio", ys: s.backingPct, color: "#2ca02c" }], {
      title: "System backing ratio (collateral value / debt value)",
      xLabel,
      yLabel: "%",
      yMin: 100,
    }),
  ];
  const body = panels.map((svg, i) => {
    const inner = svg.replace(/^<\?xml[^>]*>\n/, "").replace(/^<svg /, `<svg x="0" y="${i * PANEL_H}" `);
    return inner.trimEnd();
  });
  const h = PANEL_H * panels.length;
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="${PANEL_W}" ` +
    `height="${h}" viewBox="0 0 ${PANEL_W} ${h}" font-family="sans-serif">\n${body.join("\n")}\n</svg>\n`
  );
}
