/**
 * The demo's picture (tools/demo/chart.ts), rendered from known frames: the series behind it (prices, backing
 * ratio, clearing prices only at ticks with a take, liquidations, cap waits, bad debt) and the SVG's panels, titles,
 * legends and polylines; legends never over the data.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { type DemoFrame, demoSeries, renderDemoSvg } from "../tools/demo/chart.js";
import { PLOT } from "../sdk/svg.js";

const WAD = 10n ** 18n;
const usd = (x: number): bigint => BigInt(Math.round(x * 100)) * 10n ** 16n;

const none = { liquidations: 0, capWaits: 0, badDebt: 0n };
const FRAMES: DemoFrame[] = [
  { minute: 0, eth: usd(1880), btc: usd(58500), backing: usd(2.1), ethClearing: [], btcClearing: [], ...none },
  {
    minute: 5,
    eth: usd(1760),
    btc: usd(57000),
    backing: usd(1.95),
    ethClearing: [usd(1712.5)],
    btcClearing: [],
    liquidations: 3,
    capWaits: 2,
    badDebt: 0n,
  },
  {
    minute: 10,
    eth: usd(1610),
    btc: usd(54000),
    backing: usd(1.8),
    ethClearing: [],
    btcClearing: [],
    liquidations: 1,
    capWaits: 1,
    badDebt: usd(120.5),
  },
  {
    minute: 15,
    eth: usd(1520),
    btc: usd(52000),
    backing: usd(1.72),
    ethClearing: [usd(1490), usd(1475.25)],
    btcClearing: [usd(50500)],
    liquidations: 0,
    capWaits: 0,
    badDebt: usd(120.5),
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

describe("demo picture (tools/demo/chart.ts)", function () {
  it("demoSeries(): prices and backing as numbers; a clearing price only at a tick with a take (the lowest), nothing held over", function () {
    const s = demoSeries(FRAMES);
    expect(s.minutes).to.deep.equal([0, 5, 10, 15]);
    expect(s.eth).to.deep.equal([1880, 1760, 1610, 1520]);
    expect(s.btc).to.deep.equal([58500, 57000, 54000, 52000]);
    expect(s.backingPct).to.deep.equal([210, 195, 180, 172]);
    // minute 10 bought nothing: no value there (the line does not hold 1,712.5)
    expect(s.ethClearing.map((x) => (Number.isNaN(x) ? null : x))).to.deep.equal([null, 1712.5, null, 1475.25]);
    expect(s.btcClearing.slice(0, 3).every(Number.isNaN)).to.equal(true);
    expect(s.btcClearing[3]).to.equal(50500);
    expect(s.liquidations).to.deep.equal([0, 3, 1, 0]);
    expect(s.capWaits).to.deep.equal([0, 2, 1, 0]);
    expect(s.badDebt).to.deep.equal([0, 0, 120.5, 120.5]);
    expect(demoSeries([{ ...FRAMES[0]!, backing: WAD / 3n }]).backingPct[0]).to.equal(33.333333);
  });

  it("renderDemoSvg(): five stacked panels (prices, backing, liquidations and cap waits, bad debt) with legends under the plots", function () {
    const svg = renderDemoSvg(FRAMES, { tickMinutes: 5 });
    expect(svg.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg"')).to.equal(
      true,
    );
    const panels = [
      ...svg.matchAll(/<svg x="0" y="(\d+)" xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="760" height="(\d+)"/g),
    ];
    expect(panels).to.have.length(5);
    // stacked without overlap: each panel starts where the one above ends
    let y = 0;
    for (const m of panels) {
      expect(Number(m[1])).to.equal(y);
      y += Number(m[2]);
    }
    expect(svg).to.match(new RegExp(`^<svg [^>]*width="760" height="${y}" viewBox="0 0 760 ${y}"`, "m"));
    expect((svg.match(/<\?xml/g) ?? []).length).to.equal(1);
    for (const text of [
      "ETH: oracle and auction clearing prices (USD)",
      "BTC: oracle and auction clearing prices (USD)",
      "System backing ratio (collateral held / debt, at oracle prices)",
      "Liquidations and cap waits per keeper tick",
      "Bad debt (USD)",
      "ETH oracle price",
      "WETH clearing price (ticks with a take)",
      "liquidations started",
      "positions waiting for auction-cap room",
      "bad debt written off (cumulative)",
      "keeper tick (every 5 min from the start of the crash)",
    ]) {
      expect(svg, text).to.contain(`>${text}</text>`);
    }
    const lines = polylines(svg);
    // ETH price, WETH clearing (a dot, then a dot: no line across minute 10), BTC price, WBTC clearing (a dot),
    // backing, liquidations, cap waits, bad debt
    expect(lines.map((l) => l.length)).to.deep.equal([4, 4, 4, 4, 4, 4]);
    expect((svg.match(/<circle /g) ?? []).length).to.equal(3); // 1,712.5 and 1,475.25 for WETH, 50,500 for WBTC
    const eth = lines[0] ?? [];
    expect(eth.every((p, i) => i === 0 || p[1] > (eth[i - 1]?.[1] ?? 0))).to.equal(true);
    // every legend sits below its plot area
    for (const panel of svg.split(/<svg x="0"/).slice(1)) {
      const legend = /<g class="legend">([\s\S]*?)<\/g>/.exec(panel)?.[1] ?? "";
      const ys = [...legend.matchAll(/ y1?="([\d.]+)"/g)].map((m) => Number(m[1]));
      expect(ys.length).to.be.greaterThan(0);
      for (const ly of ys) expect(ly).to.be.greaterThan(PLOT.y + PLOT.height);
    }
  });
});

describe("npm run demo (tools/demo/demo.ts)", function () {
  it("prints small amounts as they are (0.3453 WETH, not 0 WETH), settles and redeems the options, and draws the five panels", function () {
    this.timeout(180_000);
    const dir = mkdtempSync(join(tmpdir(), "ballast-demo-"));
    const svgPath = join(dir, "demo.svg");
    const hre = spawnSync("npx", ["hardhat", "run", "--no-compile", "tools/demo/demo.ts"], {
      encoding: "utf8",
      env: { ...process.env, DEMO_SVG: svgPath },
    });
    expect(hre.status, hre.stderr).to.equal(0);
    const out = hre.stdout;
    const after = out.split("Positions after the crash and the liquidations")[1]?.split("\n\n")[0] ?? "";
    const rows = after.split("\n").filter((l) => /^#\d+ /.test(l));
    expect(rows).to.have.length(9);
    const baskets = rows.map((r) => r.slice(r.indexOf(" ", 4)).trim());
    // a liquidated basket keeps a fraction of a token: it is printed with its decimals, never as "0 WETH"
    for (const b of baskets) expect(b, b).to.not.match(/(^|\s)0 (WETH|WBTC|USDC)\b/);
    expect(baskets.some((b) => /(^|\s)0\.\d+ (WETH|WBTC)\b/.test(b))).to.equal(true);
    expect(out).to.match(/liquidations: +\d+ \(\d+ partial, \d+ cut down by a cap; \d+ waited for cap room\)/);
    // the risk automation: volatility rises through the crash, the steward applies the published tightenings, the
    // engine compares with and without them, and every liquidated position was alerted before its liquidation
    const vols = [...out.matchAll(/prices: ETH \$\d+, BTC \$\d+; observed volatility WETH (\d+)%/g)].map((m) =>
      Number(m[1]),
    );
    expect(vols.length).to.be.greaterThan(4);
    expect(vols.at(-1) ?? 0).to.be.greaterThan(100);
    expect(vols.at(-1) ?? 0).to.be.greaterThan((vols[0] ?? 0) * 5);
    // the routine run before the crash: max LTV and threshold steps (the threshold through the ramp), supply caps;
    // the run in the crash: supply caps again, an interval later
    for (const param of ["MaxLtv", "LiqThreshold", "SupplyCap"]) {
      expect(out).to.match(new RegExp(`keeper: apply recommendation #\\d+: ${param} `));
    }
    expect(out).to.match(/With and without the steward, over the same \d+ paths/);
    const warned = /(\d+) of (\d+) liquidated positions were alerted before their liquidation/.exec(out);
    expect(warned, "the alerts summary").to.not.equal(null);
    expect(Number(warned?.[1])).to.equal(Number(warned?.[2]));
    expect(Number(warned?.[2])).to.be.greaterThan(0);
    // options and binaries: written before the crash, settled by the keeper at the first WETH round at or after their
    // expiry, each side's redemption after the dispute window; the crash leaves the $2,200 call worthless to its
    // buyer and pays the $1,500 binary down in full
    expect(out).to.match(
      /a writer sells a covered call on WETH \(series #1: call, strike \$2,200\.00, expiry at t\+200m\): 10 contracts lock 10\.00 WETH/,
    );
    expect(out).to.match(
      /a writer sells a cash-secured binary down on WETH \(series #2: binary-down, strike \$1,500\.00, .*\): 10,000 contracts lock 10,000\.00 USDC/,
    );
    const settled = [
      ...out.matchAll(
        /keeper: settle series #(\d) \(settle round (\d+)\) at (\d+)\.00 USD: round \d+ is the first at or after expiry/g,
      ),
    ];
    expect(settled.map((m) => m[1])).to.deep.equal(["1", "2"]);
    const price = Number(settled[0]?.[3]);
    expect(price).to.be.within(1_300, 1_500); // a crash step's ETH price
    expect(out).to.contain(
      `covered call #1 settled at $${price.toLocaleString("en-US")}.00 (round ${settled[0]?.[2]}): the buyer's 10 long ` +
        "redeem 0.00 WETH, the writer's short 10.00 WETH",
    );
    expect(out).to.contain(
      `cash-secured binary down #2 settled at $${price.toLocaleString("en-US")}.00 (round ${settled[1]?.[2]}): the buyer's ` +
        "10,000 long redeem 10,000.00 USDC, the writer's short 0.00 USDC",
    );
    const svg = readFileSync(svgPath, "utf8");
    expect(svg).to.contain(">Liquidations and cap waits per keeper tick</text>");
    expect(svg).to.contain(">Bad debt (USD)</text>");
  });
});
