/**
 * The dashboard (packages/app) in a real browser: headless Chromium (Debian's /usr/bin/chromium, driven by
 * playwright-core) against a local node (anvil) the test shares with the page, with the demo portfolio deployed and
 * its scene staged (tools/app/stack.ts, the same stack `npm run app` runs). A local test account opens a position
 * through the UI (deposit and mint); the health the page shows equals the chain's figure at the block the page read;
 * the WETH feed moves and the page's health follows the chain; the keeper (keeper/keeper.ts, one tick) liquidates the
 * position; its auctions appear on the Auctions page with prices equal to the chain's, and the System page's Treasury
 * figures equal the chain's and show the keeper pay. Screenshots of the main pages go to reports/e2e/*.png.
 *
 *   npx hardhat test mocha --no-compile test/app.e2e.test.ts
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { type BrowserContext, type Page, chromium } from "playwright-core";
import {
  type AppServer,
  type LocalNode,
  REPORTS_DIR,
  TEST_ACCOUNTS,
  appConfig,
  buildApp,
  serveApp,
  ensureDeployment,
  startDemo,
  writeRiskReport,
} from "../tools/app/stack.js";
import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import type { Core } from "../deploy/local/core.js";
import { Keeper, OracleVenue, staticPositionSource } from "../keeper/keeper.js";
import { formatHealth, formatUnits, formatWad } from "../packages/app/src/format.js";
import { BUSD } from "../sdk/params.js";
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

describe("dashboard end to end (headless Chromium against a local node)", function () {
  this.timeout(180_000);
  let node: LocalNode | undefined;
  let server: AppServer | undefined;
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
    server = await serveApp({
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
    // no indexer configured: the page says the history needs one
    expect(await page.getByTestId("history-unavailable").textContent()).to.contain("No indexer configured");

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
    await page.getByTestId(`take-${first.id}-status`).filter({ hasText: "taken" }).waitFor({ timeout: TIMEOUT });
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
    expect(await page.getByTestId("indexer-unavailable").textContent()).to.contain("No indexer configured");
    await page.screenshot({ path: join(SHOTS, "system.png"), fullPage: true });

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
    expect(config.indexerUrl).to.equal(null);
    const again = await ensureDeployment(ethers, "localhost", { manifestDir });
    expect(again.deployed).to.equal(false);
    expect(again.manifest.contracts.Vault?.address).to.equal(await core.vault.getAddress());
  });
});
