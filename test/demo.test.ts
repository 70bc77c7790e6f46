/**
 * The demo's picture (scripts/lib/demo-chart.ts), rendered from known frames: the series behind it (prices, backing
 * ratio, clearing prices as a step line from the first take) and the SVG's panels, titles, legends and polylines.
 */
import { expect } from "chai";
import { type DemoFrame, demoSeries, renderDemoSvg } from "../scripts/lib/demo-chart.js";

const WAD = 10n ** 18n;
const usd = (x: number): bigint => BigInt(Math.round(x * 100)) * 10n ** 16n;

const FRAMES: DemoFrame[] = [
  { minute: 0, eth: usd(1880), btc: usd(58500), backing: usd(2.1), ethClearing: [], btcClearing: [] },
  { minute: 5, eth: usd(1760), btc: usd(57000), backing: usd(1.95), ethClearing: [usd(1712.5)], btcClearing: [] },
  { minute: 10, eth: usd(1610), btc: usd(54000), backing: usd(1.8), ethClearing: [], btcClearing: [] },
  {
    minute: 15,
    eth: usd(1520),
    btc: usd(52000),
    backing: usd(1.72),
    ethClearing: [usd(1490), usd(1475.25)],
    btcClearing: [usd(50500)],
  },
];

/** The `points` attribute of every polyline, as [x, y] pairs. */
function polylines(svg: string): [number, number][][] {
  return [...svg.matchAll(/<polyline [^>]*points="([^"]*)"/g)].map((m) =>
    (m[1] ?? "")
      .split(" ")
      .filter((p) => p !== "")
      .map((p) => p.split(",").map(Number) as [number, number]),
  );
}

describe("demo picture (scripts/lib/demo-chart.ts)", function () {
  it("demoSeries(): prices and backing as numbers, clearing prices as the lowest of the latest tick with a take", function () {
    const s = demoSeries(FRAMES);
    expect(s.minutes).to.deep.equal([0, 5, 10, 15]);
    expect(s.eth).to.deep.equal([1880, 1760, 1610, 1520]);
    expect(s.btc).to.deep.equal([58500, 57000, 54000, 52000]);
    expect(s.backingPct).to.deep.equal([210, 195, 180, 172]);
    expect(s.ethClearing.slice(1)).to.deep.equal([1712.5, 1712.5, 1475.25]);
    expect(Number.isNaN(s.ethClearing[0])).to.equal(true);
    expect(s.btcClearing.slice(0, 3).every(Number.isNaN)).to.equal(true);
    expect(s.btcClearing[3]).to.equal(50500);
    expect(demoSeries([{ ...FRAMES[0]!, backing: WAD / 3n }]).backingPct[0]).to.equal(33.333333);
  });

  it("renderDemoSvg(): three stacked panels with their titles, legends and one polyline per series", function () {
    const svg = renderDemoSvg(FRAMES, { tickMinutes: 5 });
    expect(svg.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg"')).to.equal(
      true,
    );
    expect(svg).to.match(/^<svg [^>]*width="760" height="1260" viewBox="0 0 760 1260"/m);
    expect([...svg.matchAll(/<svg x="0" y="(\d+)"/g)].map((m) => m[1])).to.deep.equal(["0", "420", "840"]);
    expect((svg.match(/<\?xml/g) ?? []).length).to.equal(1);
    for (const text of [
      "ETH: oracle and auction clearing prices (USD)",
      "BTC: oracle and auction clearing prices (USD)",
      "System backing ratio (collateral value / debt value)",
      "ETH oracle price",
      "WETH clearing price (latest take)",
      "BTC oracle price",
      "WBTC clearing price (latest take)",
      "system backing ratio",
      "keeper tick (every 5 min from the start of the crash)",
    ]) {
      expect(svg, text).to.contain(`>${text}</text>`);
    }
    const lines = polylines(svg);
    // ETH price, WETH clearing, BTC price, WBTC clearing, backing: points only where the series has a value
    expect(lines.map((l) => l.length)).to.deep.equal([4, 3, 4, 1, 4]);
    // within a panel a higher price is drawn higher (smaller y): ETH falls, so its y grows
    const eth = lines[0] ?? [];
    expect(eth.every((p, i) => i === 0 || p[1] > (eth[i - 1]?.[1] ?? 0))).to.equal(true);
    // the clearing line starts at the second tick, at the first polyline's second x
    expect(lines[1]?.[0]?.[0]).to.equal(eth[1]?.[0]);
  });
});
