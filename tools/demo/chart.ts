/**
 * The demo's picture (`npm run demo` writes it to reports/demo.svg): five stacked charts over the keeper's ticks,
 * drawn with the risk report's SVG helpers (sdk/svg.ts `lineChart`):
 *
 * 1. ETH: the oracle price and the clearing prices of the WETH auctions (USD per ETH);
 * 2. BTC: the same for WBTC;
 * 3. the system backing ratio (all collateral held at oracle prices over all debt: positions, auctions, bad debt);
 * 4. the liquidations the keeper started in each tick, and the unhealthy positions that waited for room under the
 *    auction caps (their liquidation refused with `AuctionCapReached`);
 * 5. the bad debt written off so far (USD).
 *
 * A clearing price exists only at a tick with a take: the series holds the lowest price of that tick's takes and
 * nothing (NaN) elsewhere, so the chart shows a dot or a segment where something was bought and no line where
 * nothing was. Prices arrive in `[wad]` and become numbers only here, for drawing.
 */
import { lineChart } from "../../sdk/svg.js";

/** One keeper tick of the demo. */
export interface DemoFrame {
  minute: number; // minutes since the crash started
  eth: bigint; // [wad] USD oracle price
  btc: bigint; // [wad] USD oracle price
  backing: bigint; // [wad] collateral value / debt value (1e18 = 100%)
  ethClearing: bigint[]; // [wad] USD per ETH, every WETH take of the tick
  btcClearing: bigint[]; // [wad] USD per BTC, every WBTC take of the tick
  liquidations: number; // liquidations the keeper started in the tick
  capWaits: number; // unhealthy positions whose liquidation waited for room under the auction caps
  badDebt: bigint; // [wad USD] bad debt written off since the start
}

/** The series the picture draws, as numbers (NaN where a tick has no take). */
export interface DemoSeries {
  minutes: number[];
  eth: number[];
  btc: number[];
  backingPct: number[];
  ethClearing: number[]; // the lowest WETH clearing price of the tick, NaN when nothing was bought
  btcClearing: number[];
  liquidations: number[];
  capWaits: number[];
  badDebt: number[]; // [USD] cumulative
}

const toNumber = (wad: bigint): number => Number(wad / 10n ** 12n) / 1e6; // 6 decimals kept

/** The numbers behind the picture. */
export function demoSeries(frames: DemoFrame[]): DemoSeries {
  const clearing = (pick: (f: DemoFrame) => bigint[]): number[] =>
    frames.map((f) => {
      const xs = pick(f);
      return xs.length === 0 ? NaN : toNumber(xs.reduce((m, x) => (x < m ? x : m)));
    });
  return {
    minutes: frames.map((f) => f.minute),
    eth: frames.map((f) => toNumber(f.eth)),
    btc: frames.map((f) => toNumber(f.btc)),
    backingPct: frames.map((f) => toNumber(f.backing * 100n)),
    ethClearing: clearing((f) => f.ethClearing),
    btcClearing: clearing((f) => f.btcClearing),
    liquidations: frames.map((f) => f.liquidations),
    capWaits: frames.map((f) => f.capWaits),
    badDebt: frames.map((f) => toNumber(f.badDebt)),
  };
}

const PANEL_W = 760;

/** The charts stacked in one SVG document. */
export function renderDemoSvg(frames: DemoFrame[], opts: { tickMinutes: number }): string {
  const s = demoSeries(frames);
  const xLabel = `keeper tick (every ${opts.tickMinutes} min from the start of the crash)`;
  const panels = [
    lineChart(
      [
        { name: "ETH oracle price", ys: s.eth, color: "#1f77b4" },
        { name: "WETH clearing price (ticks with a take)", ys: s.ethClearing, color: "#d62728", dashed: true },
      ],
      { title: "ETH: oracle and auction clearing prices (USD)", xLabel, yLabel: "USD per ETH" },
    ),
    lineChart(
      [
        { name: "BTC oracle price", ys: s.btc, color: "#ff7f0e" },
        { name: "WBTC clearing price (ticks with a take)", ys: s.btcClearing, color: "#9467bd", dashed: true },
      ],
      { title: "BTC: oracle and auction clearing prices (USD)", xLabel, yLabel: "USD per BTC" },
    ),
    lineChart([{ name: "system backing ratio", ys: s.backingPct, color: "#2ca02c" }], {
      title: "System backing ratio (collateral held / debt, at oracle prices)",
      xLabel,
      yLabel: "%",
      yMin: 100,
    }),
    lineChart(
      [
        { name: "liquidations started", ys: s.liquidations, color: "#d62728" },
        { name: "positions waiting for auction-cap room", ys: s.capWaits, color: "#ff7f0e", dashed: true },
      ],
      { title: "Liquidations and cap waits per keeper tick", xLabel, yLabel: "positions", yMin: 0 },
    ),
    lineChart([{ name: "bad debt written off (cumulative)", ys: s.badDebt, color: "#7f7f7f" }], {
      title: "Bad debt (USD)",
      xLabel,
      yLabel: "USD",
      yMin: 0,
    }),
  ];
  let y = 0;
  const body = panels.map((svg) => {
    const height = Number(/height="(\d+)"/.exec(svg)?.[1] ?? "0");
    const inner = svg.replace(/^<\?xml[^>]*>\n/, "").replace(/^<svg /, `<svg x="0" y="${y}" `);
    y += height;
    return inner.trimEnd();
  });
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="${PANEL_W}" ` +
    `height="${y}" viewBox="0 0 ${PANEL_W} ${y}" font-family="sans-serif">\n${body.join("\n")}\n</svg>\n`
  );
}
