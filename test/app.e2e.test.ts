/**
 * The dashboard (packages/app) in a real browser: headless Chromium (Debian's /usr/bin/chromium, driven by
 * playwright-core) against a local node (anvil) the test shares with the page, with the demo portfolio deployed and
 * its scene staged (tools/app/stack.ts, the same stack `npm run app` runs). A local test account opens a position
 * through the UI (deposit and mint); the health the page shows equals the chain's figure at the block the page read;
 * the WETH feed moves and the page's health follows the chain; the keeper (keeper/keeper.ts, one tick) liquidates the
 * position; its auctions appear on the Auctions page with prices equal to the chain's, and the System page's Treasury
 * figures equal the chain's and show the keeper pay. The indexer (@ballast/indexer, started as `npm run app` starts
 * it) follows the same node: the position's history lists its events with the exact amounts of the chain's events,
 * and after the liquidation the liquidations per asset per day and the Treasury's running totals the System page
 * shows from it equal the chain's. A second server without an indexer checks that the pages say what needs one.
 * Screenshots of the main pages go to reports/e2e/*.png.
 *
 *   npx hardhat test mocha --no-compile test/app.e2e.test.ts
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { expect } from "chai";
import { type BrowserContext, type Page, chromium } from "playwright-core";
import {
  type AppIndexer,
  type AppServer,
  type LocalNode,
  REPORTS_DIR,
  TEST_ACCOUNTS,
  appConfig,
  buildApp,
  serveApp,
  ensureDeployment,
  indexerDbDir,
  startAppIndexer,
  startDemo,
  waitIndexed,
  writeRiskReport,
} from "../tools/app/stack.js";
import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import type { Core } from "../deploy/local/core.js";
import { Keeper, OracleVenue, staticPositionSource } from "../keeper/keeper.js";
import { formatHealth, formatUnits, formatWad } from "../packages/app/src/format.js";
import { BETH, BUSD } from "../sdk/params.js";
import { WAD } from "../sdk/math.js";

const CHROMIUM = "/usr/bin/chromium";
const SHOTS = join(REPORTS_DIR, "e2e");
const TIMEOUT = 20_000;

/** A section's figure as the page shows it: its text, its exact value and the block the page read it at. */
interface Shown {
  text: string;
  raw: bigint;
  block: bigint;
}

/** The part of a DOM element the test reads in the page. */
interface Element {
  textContent: string | null;
  getAttribute(name: string): string | null;
}

async function shown(page: Page, section: string, testid: string, attr = "data-wad"): Promise<Shown> {
  const loc = page.getByTestId(testid);
  await loc.waitFor({ timeout: TIMEOUT });
  const r = await page.evaluate(
    ([s, t, a]) => {
      // runs in the page (the root tsconfig has no DOM library)
      const doc = (globalThis as unknown as { document: { querySelector(q: string): Element | null } }).document;
      const sec = doc.querySelector(`[data-testid="${s}"]`);
      const el = doc.querySelector(`[data-testid="${t}"]`);
      return {
        text: el?.textContent ?? "",
        raw: el?.getAttribute(a) ?? "",
        block: sec?.getAttribute("data-block") ?? "",
      };
    },
    [section, testid, attr] as const,
  );
  return { text: r.text.trim(), raw: BigInt(r.raw), block: BigInt(r.block) };
}

/** Waits until the page shows a figure read at `block` or later and returns it. */
async function shownFrom(
  page: Page,
  section: string,
  testid: string,
  block: bigint,
  attr = "data-wad",
): Promise<Shown> {
  const deadline = Date.now() + TIMEOUT;
  for (;;) {
    try {
      const s = await shown(page, section, testid, attr);
      if (s.block >= block) return s;
    } catch (e) {
      if (Date.now() > deadline) throw e;
    }
    if (Date.now() > deadline) throw new Error(`${testid}: the page did not read block ${block} within ${TIMEOUT} ms`);
    await page.waitForTimeout(200);
  }
}

/** One row of a table the page shows: its data-* attributes and, per cell with a data-testid, its text and value. */
interface Row {
  attrs: Record<string, string>;
  cells: Record<string, { text: string; raw: string }>;
}

/** The rows (elements matching `selector`) as the page shows them. */
async function rows(page: Page, selector: string): Promise<Row[]> {
  return page.evaluate((sel) => {
    // runs in the page (the root tsconfig has no DOM library)
    interface El {
      textContent: string | null;
      attributes: ArrayLike<{ name: string; value: string }>;
      getAttribute(name: string): string | null;
      querySelectorAll(q: string): ArrayLike<El>;
    }
    const doc = (globalThis as unknown as { document: { querySelectorAll(q: string): ArrayLike<El> } }).document;
    return Array.from(doc.querySelectorAll(sel)).map((el) => {
      const attrs: Record<string, string> = {};
      for (const a of Array.from(el.attributes)) if (a.name.startsWith("data-")) attrs[a.name.slice(5)] = a.value;
      const cells: Record<string, { text: string; raw: string }> = {};
      for (const c of Array.from(el.querySelectorAll("[data-testid]"))) {
        cells[c.getAttribute("data-testid") ?? ""] = {
          text: (c.textContent ?? "").trim(),
          raw: c.getAttribute("data-raw") ?? c.getAttribute("data-wad") ?? "",
        };
      }
      return { attrs, cells };
    });
  }, selector);
}

/** Waits until the element `testid` carries a `data-block` of `block` or later (the indexer reached it). */
async function indexedFrom(page: Page, testid: string, block: bigint): Promise<bigint> {
  const deadline = Date.now() + TIMEOUT;
  for (;;) {
    const at = await page
      .getByTestId(testid)
      .getAttribute("data-block", { timeout: 1_000 })
      .catch(() => null);
    if (at !== null && at !== "" && BigInt(at) >= block) return BigInt(at);
    if (Date.now() > deadline) throw new Error(`${testid}: the page did not show the indexer at block ${block}`);
    await page.waitForTimeout(200);
  }
}

/**
 * A position's events on chain, oldest first, as the history shows them: kind, block, tx, collateral asset and amount
 * (collateral in its token's units, synthetic amounts and seized debt in wad).
 */
async function chainHistory(
  core: Core,
  id: bigint,
  toBlock: bigint,
): Promise<
  { kind: string; block: bigint; logIndex: number; tx: string; asset: string; amount: bigint | null; out: string }[]
> {
  const f = core.vault.filters;
  const from = core.manifest.startBlock;
  const to = Number(toBlock);
  const q = core.vault.queryFilter.bind(core.vault);
  const at = (e: { blockNumber: number; index: number; transactionHash: string }) => ({
    block: BigInt(e.blockNumber),
    logIndex: e.index,
    tx: e.transactionHash.toLowerCase(),
  });
  const symbols = new Map(
    Object.entries(core.manifest.assets).map(([symbol, a]) => [
      a.token.toLowerCase(),
      { symbol, decimals: a.decimals },
    ]),
  );
  /** "<amount> <symbol>" per asset, by symbol: the collateral a seizure took. */
  const outOf = (assets: string[], amounts: bigint[]): string =>
    assets
      .map((a, i) => {
        const t = symbols.get(a.toLowerCase());
        return {
          symbol: t?.symbol ?? a,
          text: `${formatUnits(amounts[i] ?? 0n, t?.decimals ?? -1, 4)} ${t?.symbol ?? a}`,
        };
      })
      .filter((_, i) => (amounts[i] ?? 0n) > 0n)
      .sort((a, b) => a.symbol.localeCompare(b.symbol))
      .map((x) => x.text)
      .join(", ");
  const out = [
    ...(await q(f.PositionOpened(id), from, to)).map((e) => ({ kind: "opened", ...at(e), asset: "", amount: null })),
    ...(await q(f.Deposited(id), from, to)).map((e) => ({
      kind: "deposited",
      ...at(e),
      asset: e.args.asset.toLowerCase(),
      amount: e.args.amount,
    })),
    ...(await q(f.Withdrawn(id), from, to)).map((e) => ({
      kind: "withdrawn",
      ...at(e),
      asset: e.args.asset.toLowerCase(),
      amount: e.args.amount,
    })),
    ...(await q(f.Minted(id), from, to)).map((e) => ({ kind: "minted", ...at(e), asset: "", amount: e.args.amount })),
    ...(await q(f.Repaid(id), from, to)).map((e) => ({ kind: "repaid", ...at(e), asset: "", amount: e.args.amount })),
    ...(await q(f.Seized(id), from, to)).map((e) => ({
      kind: "seized",
      ...at(e),
      asset: "",
      amount: e.args.debt,
      out: outOf([...e.args.assets], [...e.args.amounts]),
    })),
  ].map((e) => ({ out: "", ...e }));
  return out.sort((a, b) => (a.block === b.block ? a.logIndex - b.logIndex : a.block < b.block ? -1 : 1));
}

/** Asserts that the position history the page shows is the chain's events of position `id` up to `block`. */
async function expectHistory(page: Page, core: Core, id: bigint, block: bigint): Promise<string[]> {
  const at = await indexedFrom(page, "position-history", block);
  const chain = await chainHistory(core, id, at);
  const shownRows = await rows(page, '[data-testid="history"] tbody tr');
  expect(
    shownRows.map((r) => [r.attrs.kind, BigInt(r.attrs.block ?? ""), r.attrs.tx, r.attrs.asset]),
    `the history of #${id}`,
  ).to.deep.equal(chain.map((e) => [e.kind, e.block, e.tx, e.asset]));
  for (const [i, e] of chain.entries()) {
    const r = shownRows[i];
    const key = `history-${e.block}-${e.logIndex}`;
    const amount = r?.cells[`${key}-amount`];
    expect(amount?.raw, `${e.kind} at ${e.block}: the event's exact amount`).to.equal(e.amount?.toString() ?? "");
    expect(r?.cells[`${key}-out`]?.text, `${e.kind} at ${e.block}: the collateral it took`).to.equal(e.out);
    if (e.amount !== null) {
      const collateral = Object.entries(core.manifest.assets).find(([, a]) => a.token.toLowerCase() === e.asset);
      const unit =
        e.asset === ""
          ? { decimals: 18, symbol: "bUSD" }
          : { decimals: collateral?.[1].decimals ?? -1, symbol: collateral?.[0] ?? e.asset };
      expect(amount?.text).to.equal(`${formatUnits(e.amount, unit.decimals, 4)} ${unit.symbol}`);
    }
  }
  return chain.map((e) => e.kind);
}

describe("dashboard end to end (headless Chromium against a local node)", function () {
  this.timeout(180_000);
  let node: LocalNode | undefined;
  let server: AppServer | undefined;
  let bare: AppServer | undefined;
  let ix: AppIndexer | undefined;
  let browser: BrowserContext | undefined;
  let page: Page;
  let core: Core;
  let ethers: HardhatEthers;
  let profile: string;
  const manifestDir = mkdtempSync(join(tmpdir(), "ballast-app-e2e-"));
  const reportsDir = join(manifestDir, "reports");

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} is missing: install Debian's Chromium (apt-get install chromium) to run this test`);
    }
    const demo = await startDemo({ manifestDir });
    node = demo.node;
    const { deployment } = demo;
    ethers = demo.ethers;
    if (deployment.core === undefined) throw new Error("expected a fresh deployment on a fresh node");
    core = deployment.core;
    await writeRiskReport(ethers, deployment.manifestPath, "localhost", { outDir: reportsDir, paths: 200, hours: 24 });
    buildApp();
    // the indexer as `npm run app` starts it (PGlite in a folder of this run), polling the node every 200 ms
    ix = await startAppIndexer({
      rpcUrl: node.url,
      manifestPath: deployment.manifestPath,
      dbDir: join(manifestDir, "indexer"),
      port: 0,
      pollMs: 200,
    });
    server = await serveApp({
      config: appConfig(deployment.manifest, { rpcUrl: node.url, indexerUrl: ix.url, pollMs: 500 }),
      port: 0,
      reportsDir,
    });
    // the same app without an indexer (what `npm run app -- --no-indexer` serves)
    bare = await serveApp({
      config: appConfig(deployment.manifest, { rpcUrl: node.url, pollMs: 500 }),
      port: 0,
      reportsDir,
    });
    profile = mkdtempSync(join(tmpdir(), "ballast-chromium-"));
    // a fresh profile each run (playwright passes it as --user-data-dir)
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      viewport: { width: 1400, height: 1000 },
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    // the browser wallet: a minimal EIP-1193 provider (what an extension injects as window.ethereum) whose account is
    // the node's unlocked dev account #10; it forwards every request to the node, which signs
    // (a string: the test's compiled functions carry helpers the page does not have)
    await browser.addInitScript(`
      (() => {
        const rpcUrl = ${JSON.stringify(node.url)};
        const address = ${JSON.stringify(TEST_ACCOUNTS[0].address)};
        let n = 0;
        window.ethereum = {
          on() {},
          removeListener() {},
          async request({ method, params }) {
            if (method === "eth_requestAccounts" || method === "eth_accounts") return [address];
            if (method === "wallet_switchEthereumChain") return null;
            const res = await fetch(rpcUrl, {
              method: "POST",
              headers: { "content-type": "application/json" },
              body: JSON.stringify({ jsonrpc: "2.0", id: ++n, method, params: params ?? [] }),
            });
            const body = await res.json();
            if (body.error !== undefined) throw Object.assign(new Error(body.error.message), body.error);
            return body.result;
          },
        };
      })();
    `);
    page = browser.pages()[0] ?? (await browser.newPage());
    mkdirSync(SHOTS, { recursive: true });
  });

  after(async function () {
    await browser?.close();
    await server?.close();
    await bare?.close();
    await ix?.stop();
    await node?.stop();
    for (const d of [manifestDir, profile]) if (d !== undefined) rmSync(d, { recursive: true, force: true });
  });

  it("opens a position, follows its health, liquidates it and shows the auction and the Treasury", async function () {
    const url = server?.url ?? "";
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));

    // the System page first: what the scene left (an auction live, the Treasury's figures)
    await page.goto(`${url}/#/system`);
    const penaltiesBefore = await shown(page, "page-system", "treasury-bUSD-penalties");
    expect(penaltiesBefore.raw).to.equal(
      (await core.treasury.history(BUSD, { blockTag: Number(penaltiesBefore.block) })).penalties,
    );
    await page.screenshot({ path: join(SHOTS, "system.png"), fullPage: true });

    // open a position through the UI with a local test account: 10 WETH in, 12,000 bUSD out
    await page.goto(`${url}/#/positions`);
    await page.getByTestId("positions").waitFor({ timeout: TIMEOUT });
    const account = TEST_ACCOUNTS[0];
    await page.getByTestId("account-select").selectOption(account.address);
    await page.getByTestId("open-synth").selectOption("0");
    await page.getByTestId("open-asset").selectOption("WETH");
    await page.getByTestId("open-amount").fill("10");
    await page.getByTestId("open-debt").fill("12000");
    const id = await core.vault.nextPositionId();
    await page.getByTestId("open-submit").click();
    await page.waitForURL(new RegExp(`#/position/${id}$`), { timeout: TIMEOUT });
    const [owner] = await core.vault.positionOf(id);
    expect(owner).to.equal(account.address);

    const opened = await shown(page, "page-position", "position-health");
    const chainOpened = (await core.lens.healthOf(id, { blockTag: Number(opened.block) })).health;
    expect(opened.raw, "the health the page shows is the chain's").to.equal(chainOpened);
    expect(opened.text).to.equal(formatHealth(chainOpened));
    const debt = await shown(page, "page-position", "position-debt");
    expect(debt.raw).to.equal((await core.lens.healthOf(id, { blockTag: Number(debt.block) })).debt);

    // the browser wallet (window.ethereum through viem) deposits 100 USDC into the position
    await page.getByTestId("account-select").selectOption("wallet");
    await page.getByTestId("action-kind").selectOption("deposit");
    await page.getByTestId("action-asset").selectOption("USDC");
    await page.getByTestId("action-amount").fill("100");
    await page.getByTestId("action-submit").click();
    await page.getByTestId("action-status").filter({ hasText: "deposit: done" }).waitFor({ timeout: TIMEOUT });
    const deposited = BigInt(await core.ethers.provider.getBlockNumber());
    const usdc = await shownFrom(page, "page-position", "basket-USDC-amount", deposited, "data-raw");
    expect(usdc.raw).to.equal(await core.vault.collateralOf(id, core.usdc, { blockTag: Number(usdc.block) }));
    expect(usdc.raw).to.equal(100_000_000n);
    expect(usdc.text).to.equal("100.0000");
    // the history (indexer): opened, the WETH deposit and the mint of openAndMint, the wallet's USDC deposit, each
    // with the block, transaction and exact amount of the chain's event
    expect(await expectHistory(page, core, id, deposited)).to.deep.equal([
      "opened",
      "deposited",
      "minted",
      "deposited",
    ]);
    const openRows = await chainHistory(core, id, deposited);
    expect(openRows[1]?.amount).to.equal(10n * 10n ** 18n);
    expect(openRows[2]?.amount).to.equal(12_000n * 10n ** 18n);
    expect(openRows[3]?.amount).to.equal(100_000_000n);
    await page.screenshot({ path: join(SHOTS, "position.png"), fullPage: true });

    // the WETH feed moves (the mock feed, as the tests move prices): the page's health follows the chain
    await core.setPrice("weth", 1_500n * 10n ** 8n);
    const moved = await shownFrom(
      page,
      "page-position",
      "position-health",
      BigInt(await core.ethers.provider.getBlockNumber()),
    );
    const chainMoved = (await core.lens.healthOf(id, { blockTag: Number(moved.block) })).health;
    expect(moved.raw).to.equal(chainMoved);
    expect(moved.text).to.equal(formatHealth(chainMoved));
    expect(chainMoved < chainOpened, "a lower WETH price lowers the health").to.equal(true);

    // the WETH liquidation price the page shows is where the chain puts the health at 1: the feed set there (rounded
    // down to its 8 decimals) leaves the position just under the line, and the page shows that health too
    const line = await shownFrom(page, "page-position", "basket-WETH-liqprice", moved.block);
    await core.setPrice("weth", line.raw / 10n ** 10n);
    const under = await shownFrom(
      page,
      "page-position",
      "position-health",
      BigInt(await core.ethers.provider.getBlockNumber()),
    );
    const chainUnder = (await core.lens.healthOf(id, { blockTag: Number(under.block) })).health;
    expect(under.raw).to.equal(chainUnder);
    expect(chainUnder < WAD, "under the line at the liquidation price").to.equal(true);
    expect(WAD - chainUnder < 10n ** 12n, "at the line within 1e-6").to.equal(true);

    // the keeper liquidates it (one tick, this position only)
    const [, , , keeperSigner] = await core.ethers.getSigners();
    if (keeperSigner === undefined) throw new Error("no signer for the keeper");
    const keeper = new Keeper({
      engine: core.engine.connect(keeperSigner),
      lens: core.lens,
      signer: keeperSigner,
      positions: staticPositionSource([id]),
      venue: new OracleVenue(core.oracle, core.vault, core.lens, 0n),
      minProfitBps: 300n,
    });
    const tick = await keeper.tick();
    expect(tick.liquidations.map((l) => l.positionId)).to.deep.equal([id]);
    const afterKeeper = BigInt(await core.ethers.provider.getBlockNumber());

    // the Auctions page: the position's auction with its price, equal to the chain's, against the oracle
    await page.goto(`${url}/#/auctions`);
    await page.getByTestId("auctions").waitFor({ timeout: TIMEOUT });
    const live = await core.lens.getAuctions(0n, 200n, { blockTag: Number(afterKeeper) });
    const ours = live.filter((a) => a.positionId === id);
    expect(ours.length).to.be.greaterThan(0);
    for (const a of ours) {
      const price = await shownFrom(page, "page-auctions", `auction-${a.id}-price`, afterKeeper);
      const chain = (await core.lens.getAuctions(0n, 200n, { blockTag: Number(price.block) })).find(
        (x) => x.id === a.id,
      );
      expect(price.raw, `auction #${a.id}'s price`).to.equal(chain?.price);
      expect(price.text).to.equal(`${formatWad(chain?.price ?? 0n, 4)} bUSD`);
      const oracle = await shown(page, "page-auctions", `auction-${a.id}-oracle`);
      expect(oracle.raw).to.equal(await core.oracle.getPrice(a.asset, { blockTag: Number(oracle.block) }));
      const lot = await shown(page, "page-auctions", `auction-${a.id}-lot`, "data-raw");
      expect(lot.raw).to.equal(chain?.lot);
    }
    await page.screenshot({ path: join(SHOTS, "auctions.png"), fullPage: true });

    // the test account takes the first auction's whole lot through the page (the take buys what covers the tab):
    // the auction ends and the Treasury records its penalty
    const first = ours[0];
    if (first === undefined) throw new Error("no auction");
    const lotText = formatUnits(first.lot, Number((await core.vault.assetConfig(first.asset)).decimals), 18, false);
    await page.getByTestId(`take-${first.id}-amount`).fill(lotText.replace(/\.?0+$/, ""));
    await page.getByTestId(`take-${first.id}-submit`).click();
    // the row shows "taken" until the page's next refresh drops the ended auction from the live list: either is the
    // end of a successful take (a failed one keeps its row with the error); the chain's lot is checked just below
    const status = `[data-testid="take-${first.id}-status"]`;
    await page.waitForFunction(
      `(() => { const el = document.querySelector('${status}'); return el === null || el.textContent === "taken"; })()`,
      undefined,
      { timeout: TIMEOUT },
    );
    const afterTake = BigInt(await core.ethers.provider.getBlockNumber());
    expect((await core.engine.auction(first.id)).lot, "the take ended the auction").to.equal(0n);

    // the System page: the Treasury's figures are the chain's, the keeper's pay among them
    await page.goto(`${url}/#/system`);
    for (const field of ["surplus", "deficit", "penalties", "keeperPay", "badDebt"] as const) {
      const s = await shownFrom(page, "page-system", `treasury-bUSD-${field}`, afterTake);
      const block = { blockTag: Number(s.block) };
      const h = await core.treasury.history(BUSD, block);
      const chain =
        field === "surplus"
          ? await core.treasury.surplus(BUSD, block)
          : field === "deficit"
            ? await core.treasury.deficit(BUSD, block)
            : h[field];
      expect(s.raw, `Treasury ${field}`).to.equal(chain);
      expect(s.text).to.equal(formatWad(chain, 4));
    }
    const penalties = await shown(page, "page-system", "treasury-bUSD-penalties");
    expect(penalties.raw > penaltiesBefore.raw, "the auction's penalty shows in the Treasury").to.equal(true);
    const auctionDebt = await shown(page, "page-system", "synthetic-bUSD-auctionDebt");
    expect(auctionDebt.raw).to.equal(
      (await core.lens.synthetic(BUSD, { blockTag: Number(auctionDebt.block) })).auctionDebt,
    );

    // the indexer's figures on the same page, once it has indexed the take
    await waitIndexed(ix?.url ?? "", afterTake);
    const indexed = await indexedFrom(page, "indexer-history", afterTake);
    const atIndexed = { blockTag: Number(indexed) };
    // liquidations per asset per day: the chain's AuctionStarted events (the scene's liquidation and the keeper's)
    // bucketed by their blocks' UTC day, each liquidation (transaction and position) counted once per asset
    const started = await core.engine.queryFilter(
      core.engine.filters.AuctionStarted(),
      core.manifest.startBlock,
      Number(indexed),
    );
    const expected = new Map<string, { liquidations: Set<string>; auctions: number; lot: bigint; debt: bigint }>();
    for (const e of started) {
      const ts = (await e.getBlock()).timestamp;
      const key = `${new Date(ts * 1000).toISOString().slice(0, 10)}|${String(e.args.asset).toLowerCase()}`;
      const x = expected.get(key) ?? { liquidations: new Set<string>(), auctions: 0, lot: 0n, debt: 0n };
      x.liquidations.add(`${e.transactionHash}|${e.args.positionId}`);
      expected.set(key, { ...x, auctions: x.auctions + 1, lot: x.lot + e.args.lot, debt: x.debt + e.args.debt });
    }
    expect(
      (await core.engine.queryFilter(core.engine.filters.LiquidationStarted(id), core.manifest.startBlock)).length,
      "the keeper's liquidation of the position",
    ).to.equal(1);
    const daily = await rows(page, '[data-testid="liquidations-daily"] tbody tr');
    const shownDaily = new Map(
      daily.map((r) => {
        const id = r.attrs.testid ?? "";
        return [
          `${r.attrs.day}|${r.attrs.asset}`,
          {
            liquidations: Number(r.cells[`${id}-liquidations`]?.raw),
            auctions: Number(r.cells[`${id}-auctions`]?.raw),
            lot: BigInt(r.cells[`${id}-lot`]?.raw ?? ""),
            debt: BigInt(r.cells[`${id}-debt`]?.raw ?? ""),
          },
        ];
      }),
    );
    expect(shownDaily, "liquidations per asset per day (indexer) = the chain's auctions").to.deep.equal(
      new Map(
        [...expected].map(([k, x]) => [
          k,
          { liquidations: x.liquidations.size, auctions: x.auctions, lot: x.lot, debt: x.debt },
        ]),
      ),
    );
    expect(
      [...expected.values()].reduce((n, x) => n + x.liquidations.size, 0),
      "the scene's liquidation and the keeper's",
    ).to.be.greaterThan(1);
    for (const r of daily) {
      const rid = r.attrs.testid ?? "";
      const asset = r.attrs.asset ?? "";
      const decimals = Number((await core.vault.assetConfig(asset)).decimals);
      expect(r.cells[`${rid}-lot`]?.text).to.match(
        new RegExp(`^${formatUnits(BigInt(r.cells[`${rid}-lot`]?.raw ?? ""), decimals, 4)} `),
      );
      expect(r.cells[`${rid}-debt`]?.text).to.equal(formatWad(BigInt(r.cells[`${rid}-debt`]?.raw ?? ""), 4));
    }
    expect(
      await page.locator('[data-testid="liquidations-daily-chart"] .recharts-bar-rectangle').count(),
      "the bar chart draws the days",
    ).to.be.greaterThan(0);
    // the Treasury's running totals (the last movement of /treasury/history, where its chart ends) = the chain's
    for (const [symbol, synthId] of [
      ["bUSD", BUSD],
      ["bETH", BETH],
    ] as const) {
      const h = await core.treasury.history(synthId, atIndexed);
      const chain = {
        surplus: await core.treasury.surplus(synthId, atIndexed),
        deficit: await core.treasury.deficit(synthId, atIndexed),
        penalties: h.penalties,
        keeperPay: h.keeperPay,
        badDebt: h.badDebt,
        absorbed: h.absorbed,
      };
      for (const [field, value] of Object.entries(chain)) {
        const s = await shown(page, "indexer-history", `indexer-treasury-${symbol}-${field}`);
        expect(s.raw, `Treasury ${symbol} ${field} (indexer)`).to.equal(value);
        expect(s.text).to.equal(formatWad(value, 4));
      }
    }
    for (const field of ["penalties", "keeperPay"] as const) {
      const fromChain = await shown(page, "page-system", `treasury-bUSD-${field}`);
      const fromIndexer = await shown(page, "indexer-history", `indexer-treasury-bUSD-${field}`);
      expect(fromIndexer.raw, `${field}: the indexer's figure is the one the page reads from the chain`).to.equal(
        fromChain.raw,
      );
    }
    const busdMoves = Number(await page.getByTestId("indexer-treasury-chart-bUSD").getAttribute("data-points"));
    expect(busdMoves, "the running totals chart has the movements").to.be.greaterThan(1);
    // debt per synthetic over time (/synthetics/:id/series): its last point is the chain's auction, module, bad debt
    const synthNow = await core.lens.synthetic(BUSD, atIndexed);
    for (const field of ["auctionDebt", "moduleDebt", "badDebt"] as const) {
      const s = await shown(page, "indexer-history", `debt-series-bUSD-${field}`);
      expect(s.raw, `bUSD ${field} (indexer series)`).to.equal(synthNow[field]);
    }
    await page.screenshot({ path: join(SHOTS, "system.png"), fullPage: true });

    // the position's history now ends with the keeper's seizure (the debt taken into auction, as the event has it)
    await page.goto(`${url}/#/position/${id}`);
    const kinds = await expectHistory(page, core, id, afterTake);
    expect(kinds.at(-1)).to.equal("seized");
    await page.screenshot({ path: join(SHOTS, "position.png"), fullPage: true });

    // without an indexer (the same app, a config without indexerUrl) the pages say what needs one
    await page.goto(`${bare?.url ?? ""}/#/position/${id}`);
    await page.getByTestId("history-unavailable").waitFor({ timeout: TIMEOUT });
    expect(await page.getByTestId("history-unavailable").textContent()).to.contain("No indexer configured");
    expect(await page.getByTestId("position-history").count()).to.equal(0);
    await page.goto(`${bare?.url ?? ""}/#/system`);
    await page.getByTestId("indexer-unavailable").waitFor({ timeout: TIMEOUT });
    expect(await page.getByTestId("indexer-unavailable").textContent()).to.contain("No indexer configured");
    expect(await page.getByTestId("indexer-history").count()).to.equal(0);

    // the remaining pages' pictures
    await page.goto(`${url}/#/positions`);
    await shownFrom(page, "page-positions", `position-row-${id}-health`, afterKeeper);
    await page.screenshot({ path: join(SHOTS, "positions.png"), fullPage: true });
    await page.goto(`${url}/#/risk`);
    await page.getByTestId("risk-source").waitFor({ timeout: TIMEOUT });
    expect(await page.getByTestId("risk-source").textContent()).to.contain("risk-localhost.json");
    await page.screenshot({ path: join(SHOTS, "risk.png"), fullPage: true });
    expect(errors, "no error in the page").to.deep.equal([]);
  });

  it("serves the chain's address book and finds the deployment instead of deploying again", async function () {
    const config = (await (await fetch(`${server?.url ?? ""}/config.json`)).json()) as {
      chainId: number;
      rpcUrl: string;
      contracts: Record<string, string>;
      indexerUrl: string | null;
    };
    expect(config.chainId).to.equal(31337);
    expect(config.rpcUrl).to.equal(node?.url);
    expect(config.contracts.Vault).to.equal(await core.vault.getAddress());
    expect(config.indexerUrl).to.equal(ix?.url);
    const health = (await (await fetch(`${ix?.url ?? ""}/health`)).json()) as { ok: boolean };
    expect(health.ok).to.equal(true);
    const none = (await (await fetch(`${bare?.url ?? ""}/config.json`)).json()) as { indexerUrl: string | null };
    expect(none.indexerUrl).to.equal(null);
    const again = await ensureDeployment(ethers, "localhost", { manifestDir });
    expect(again.deployed).to.equal(false);
    expect(again.manifest.contracts.Vault?.address).to.equal(await core.vault.getAddress());
    // the launcher's indexer database is keyed like the manifest (chain id, genesis) and by the Vault: a fresh node
    // (another genesis) never reuses an old one
    const dbDir = await indexerDbDir(ethers, "localhost", again.manifest, manifestDir);
    const vault = (await core.vault.getAddress()).slice(2, 10).toLowerCase();
    expect(dbDir).to.equal(join(manifestDir, `${basename(again.manifestPath, ".json")}-${vault}`));
    expect(basename(again.manifestPath)).to.match(/^localhost-31337-[0-9a-f]{8}\.json$/);
  });
});
