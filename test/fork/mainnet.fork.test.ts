/**
 * Ballast on an Ethereum mainnet fork (`npm run test:fork`, network `mainnetFork` in hardhat.config.ts, pinned at
 * block 19,000,000 unless MAINNET_FORK_BLOCK says otherwise): the deploy with the mainnet config (real WETH, WBTC and
 * USDC, real Chainlink ETH/USD, BTC/USD and USDC/USD feeds), users funded from real holders (Aave v3's aToken
 * contracts, which hold the underlying tokens) by impersonation, positions opened at the real feed prices, then an ETH
 * crash written into the ETH/USD feed (the proxy's code replaced by a `MockV3Aggregator`), a liquidation, a take, and
 * the reserves report; then wstETH priced at the real stETH/USD answer times the token's real `stEthPerToken()` (and
 * sDAI at DAI/USD times its share rate), and a position opened on wstETH staked through the token itself.
 *
 * Needs an archive node: MAINNET_RPC_URL. Without it the suite skips ("MAINNET_RPC_URL not set: fork tests skipped").
 * `npm test` runs every file under test/, this one included: it skips there too unless BALLAST_FORK_TESTS=1, which
 * only `npm run test:fork` sets, so the default run never reaches the network.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { network } from "hardhat";
import type { HardhatEthers, HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { NetworkHelpers } from "@nomicfoundation/hardhat-network-helpers/types";
import { deploySystem } from "../../deploy/deploy.js";
import { MAINNET_FEEDS, MAINNET_TOKENS, configFor } from "../../deploy/config/networks.js";
import type { Manifest } from "../../sdk/manifest.js";
import {
  type MockERC20,
  MockERC20__factory,
  OracleAdapter__factory,
  LiquidationEngine__factory,
  RateAdjustedSource__factory,
  PositionLens__factory,
  type MockV3Aggregator,
  MockV3Aggregator__factory,
  ReserveLens__factory,
  SyntheticToken__factory,
  Vault__factory,
} from "../../typechain-types/index.js";
import { readReserves } from "../../sdk/reserves.js";
import { Keeper, OracleVenue, staticPositionSource } from "../../keeper/keeper.js";
import { BPS, WAD, mulDivDown, valueDown } from "../../sdk/math.js";

/** Holders of the collateral tokens at the pinned block: Aave v3 Ethereum's aToken contracts hold the underlying. */
const HOLDERS = {
  WETH: "0x4d5F47FA6A74757f35C14fD3a6Ef8E3C9BC514E8", // aEthWETH
  WBTC: "0x5Ee5bf7ae06D1Be5997A1A72006FE6C607eC6DE8", // aEthWBTC
  USDC: "0x98C23E9d8f34FEFb1B7BD6a91B7FF122F4e16F5c", // aEthUSDC
} as const;

const RPC = process.env.MAINNET_RPC_URL ?? "";
const ENABLED = process.env.BALLAST_FORK_TESTS === "1";

describe("mainnet fork: deploy, open, crash, liquidate, take, reserves", function () {
  this.timeout(600_000);
  let ethers: HardhatEthers;
  let helpers: NetworkHelpers;
  let deployer: HardhatEthersSigner;
  let alice: HardhatEthersSigner;
  let keeperSigner: HardhatEthersSigner;
  let manifest: Manifest;
  const tokens = {} as Record<keyof typeof HOLDERS, MockERC20>; // only the ERC-20 part is used

  before(async function () {
    if (RPC === "") {
      console.log(
        "    MAINNET_RPC_URL not set: fork tests skipped (set it to an archive node and run npm run test:fork)",
      );
      this.skip();
    }
    if (!ENABLED) {
      console.log("    fork tests run only with npm run test:fork (BALLAST_FORK_TESTS=1): skipped here");
      this.skip();
    }
    const conn = await network.create("mainnetFork");
    ethers = conn.ethers;
    helpers = conn.networkHelpers;
    [deployer, alice, keeperSigner] = (await ethers.getSigners()) as [
      HardhatEthersSigner,
      HardhatEthersSigner,
      HardhatEthersSigner,
    ];
    expect((await ethers.provider.getNetwork()).chainId).to.equal(1n);
    for (const [symbol, address] of Object.entries(MAINNET_TOKENS) as [keyof typeof HOLDERS, string][]) {
      tokens[symbol] = MockERC20__factory.connect(address, deployer);
    }

    // the mainnet config, with this run's deployer as every governance account and one confirmation (automine)
    for (const v of [
      "MAINNET_ADMIN_ADDRESS",
      "MAINNET_GOVERNOR_ADDRESS",
      "MAINNET_GUARDIAN_ADDRESS",
      "MAINNET_PUBLISHER_ADDRESS",
    ]) {
      process.env[v] = deployer.address;
    }
    const config = { ...configFor("mainnet"), confirmations: 1 };
    const path = join(mkdtempSync(join(tmpdir(), "ballast-fork-")), "mainnet.json");
    const result = await deploySystem(ethers, "mainnet", config, { manifestPath: path, deployer, log: () => {} });
    manifest = result.manifest;
    expect(manifest.chainId).to.equal(1);
    expect(manifest.assets.WETH?.token).to.equal(MAINNET_TOKENS.WETH);
    expect(manifest.assets.WETH?.feed).to.equal(MAINNET_FEEDS.ETH_USD.address);
    expect(manifest.assets.WETH?.mock).to.equal(false);
  });

  /** Moves `amount` of `symbol` from its holder to `to`, impersonating the holder. */
  async function fund(symbol: keyof typeof HOLDERS, to: string, amount: bigint): Promise<void> {
    const holder = HOLDERS[symbol];
    const balance = await tokens[symbol].balanceOf(holder);
    expect(balance >= amount, `${symbol} holder ${holder} holds ${balance} < ${amount} at this block`).to.equal(true);
    await helpers.impersonateAccount(holder);
    await helpers.setBalance(holder, 10n ** 18n);
    const signer = await ethers.getSigner(holder);
    await (await tokens[symbol].connect(signer).transfer(to, amount)).wait();
    await helpers.stopImpersonatingAccount(holder);
  }

  /** Replaces a Chainlink proxy's code with a `MockV3Aggregator` answering `answer` [8 decimals], timestamped now. */
  async function setFeed(feed: string, answer: bigint): Promise<MockV3Aggregator> {
    const template = await (await ethers.getContractFactory("MockV3Aggregator", deployer)).deploy(8, answer);
    await template.waitForDeployment();
    await helpers.setCode(feed, (await ethers.provider.getCode(await template.getAddress())) ?? "0x");
    await helpers.setStorageAt(feed, 0, 8); // slot 0: decimals (the proxy kept its own slot 0)
    const mock = MockV3Aggregator__factory.connect(feed, deployer);
    await (await mock.updateAnswer(answer)).wait();
    return mock;
  }

  it("opens positions on real tokens at the real feed prices, liquidates after an ETH crash, takes, reports reserves", async function () {
    const vault = Vault__factory.connect(manifest.contracts.Vault!.address, alice);
    const engine = LiquidationEngine__factory.connect(manifest.contracts.LiquidationEngine!.address, keeperSigner);
    const positionLens = PositionLens__factory.connect(manifest.contracts.PositionLens!.address, keeperSigner);
    const busdId = BigInt(manifest.synthetics.bUSD!.synthId);
    const busd = SyntheticToken__factory.connect(manifest.synthetics.bUSD!.token, keeperSigner);

    // funding from the real holders
    await fund("WETH", alice.address, 100n * WAD);
    await fund("WBTC", alice.address, 2n * 10n ** 8n);
    await fund("USDC", keeperSigner.address, 2_000_000n * 10n ** 6n);
    expect(await tokens.WETH.balanceOf(alice)).to.equal(100n * WAD);

    // the Vault values WETH at the real ETH/USD answer, scaled to 18 decimals
    const ethFeed = MockV3Aggregator__factory.connect(MAINNET_FEEDS.ETH_USD.address, deployer);
    const [, ethAnswer] = await ethFeed.latestRoundData();
    const oracle = OracleAdapter__factory.connect(manifest.contracts.OracleAdapter!.address, keeperSigner);
    expect(await oracle.getPrice(MAINNET_TOKENS.WETH)).to.equal(ethAnswer * 10n ** 10n);

    // alice: 100 WETH at 75% of its value (mainnet WETH: 80% max LTV, 85% threshold)
    for (const t of [tokens.WETH, tokens.WBTC]) await (await t.connect(alice).approve(vault, ethers.MaxUint256)).wait();
    const wethValue = valueDown(100n * WAD, ethAnswer * 10n ** 10n, 18);
    const debt = (mulDivDown(wethValue, 7_500n, BPS) / WAD) * WAD;
    const id = await vault.nextPositionId();
    await (await vault.openAndMint(busdId, MAINNET_TOKENS.WETH, 100n * WAD, debt, alice.address)).wait();
    expect((await positionLens.healthOf(id)).health > WAD).to.equal(true);

    // the keeper: bUSD from its own USDC position
    await (await tokens.USDC.connect(keeperSigner).approve(vault, ethers.MaxUint256)).wait();
    await (
      await vault
        .connect(keeperSigner)
        .openAndMint(busdId, MAINNET_TOKENS.USDC, 2_000_000n * 10n ** 6n, 1_500_000n * WAD, keeperSigner.address)
    ).wait();

    // ETH falls 20%: the feeds become mocks (fresh timestamps; BTC and USDC keep their real answers)
    const crashed = (ethAnswer * 80n) / 100n;
    for (const [feed, answer] of [
      [MAINNET_FEEDS.ETH_USD.address, crashed],
      [
        MAINNET_FEEDS.BTC_USD.address,
        (await MockV3Aggregator__factory.connect(MAINNET_FEEDS.BTC_USD.address, deployer).latestRoundData())[1],
      ],
      [
        MAINNET_FEEDS.USDC_USD.address,
        (await MockV3Aggregator__factory.connect(MAINNET_FEEDS.USDC_USD.address, deployer).latestRoundData())[1],
      ],
    ] as const) {
      await setFeed(feed, answer);
    }
    expect(await oracle.getPrice(MAINNET_TOKENS.WETH)).to.equal(crashed * 10n ** 10n);
    const [[health]] = await positionLens.liquidationHealthOf([id]);
    expect((health ?? WAD) < WAD).to.equal(true);

    // the keeper liquidates, then takes once the auction's price is 2% under the (mock) venue
    const venue = new OracleVenue(oracle, vault, positionLens, 0n);
    const bot = new Keeper({
      engine,
      lens: positionLens,
      signer: keeperSigner,
      positions: staticPositionSource([id]),
      venue,
      minProfitBps: 200n,
    });
    const first = await bot.tick();
    expect(first.liquidations.map((l) => l.positionId)).to.deep.equal([id]);
    await helpers.time.increase(3_600);
    for (const feed of [MAINNET_FEEDS.ETH_USD, MAINNET_FEEDS.BTC_USD, MAINNET_FEEDS.USDC_USD]) {
      const mock = MockV3Aggregator__factory.connect(feed.address, deployer);
      await (await mock.updateAnswer((await mock.latestRoundData())[1])).wait(); // fresh again
    }
    const busdBefore = await busd.balanceOf(keeperSigner);
    const second = await bot.tick();
    expect(second.takes.length).to.be.greaterThan(0);
    const paid = second.takes.reduce((s, t) => s + t.owe, 0n);
    expect(await busd.balanceOf(keeperSigner)).to.equal(busdBefore - paid);
    expect(await tokens.WETH.balanceOf(keeperSigner)).to.equal(second.takes.reduce((s, t) => s + t.collateral, 0n));

    // reserves through the ReserveLens: real token balances, complete prices, backed
    const lens = ReserveLens__factory.connect(manifest.contracts.ReserveLens!.address, deployer);
    const report = await readReserves(lens, async (a) => ({
      symbol: Object.entries(MAINNET_TOKENS).find(([, t]) => t.toLowerCase() === a.toLowerCase())?.[0] ?? a,
      decimals: Number(await MockERC20__factory.connect(a, deployer).decimals()),
    }));
    expect(report.system.complete).to.equal(true);
    const weth = report.assets.find((a) => a.asset.toLowerCase() === MAINNET_TOKENS.WETH.toLowerCase());
    expect(weth?.held).to.equal(
      (await tokens.WETH.balanceOf(vault)) + (await tokens.WETH.balanceOf(await engine.getAddress())),
    );
    expect(weth?.credited).to.equal((await vault.assetConfig(MAINNET_TOKENS.WETH)).total);
    expect((report.system.backingBps ?? 0n) > BPS).to.equal(true);
  });

  it("prices wstETH at stETH/USD times its real rate (capped) and sDAI at DAI/USD times its share rate; opens on wstETH", async function () {
    const oracle = OracleAdapter__factory.connect(manifest.contracts.OracleAdapter!.address, deployer);
    const vault = Vault__factory.connect(manifest.contracts.Vault!.address, alice);
    const positionLens = PositionLens__factory.connect(manifest.contracts.PositionLens!.address, deployer);
    expect(manifest.assets.wstETH?.sourceKind).to.equal("rate-adjusted");
    expect(manifest.assets.wstETH?.feed).to.equal(MAINNET_FEEDS.STETH_USD.address);

    // stETH/USD and DAI/USD are 8-decimal feeds; the rates are 18-decimal views of the tokens themselves
    const steth = MockV3Aggregator__factory.connect(MAINNET_FEEDS.STETH_USD.address, deployer);
    await helpers.time.increase(0);
    const [, stethAnswer, , stethAt] = await steth.latestRoundData();
    const now = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
    if (now - stethAt > BigInt(MAINNET_FEEDS.STETH_USD.heartbeat + 15 * 60)) this.skip(); // stale at this block
    const rateView = new ethers.Contract(
      MAINNET_TOKENS.wstETH,
      ["function stEthPerToken() view returns (uint256)", "receive() external payable"],
      alice,
    );
    const rate = (await rateView.getFunction("stEthPerToken")()) as bigint;
    expect(rate > WAD && rate < 2n * WAD, `stEthPerToken ${rate}`).to.equal(true);
    const source = RateAdjustedSource__factory.connect(manifest.assets.wstETH!.source!, deployer);
    expect(await source.capAt(now)).to.be.greaterThanOrEqual(rate); // the deploy's snapshot is this rate
    expect(await oracle.getPrice(MAINNET_TOKENS.wstETH)).to.equal(mulDivDown(stethAnswer * 10n ** 10n, rate, WAD));

    const dai = MockV3Aggregator__factory.connect(MAINNET_FEEDS.DAI_USD.address, deployer);
    const [, daiAnswer, , daiAt] = await dai.latestRoundData();
    if (now - daiAt <= BigInt(MAINNET_FEEDS.DAI_USD.heartbeat + 3_600)) {
      const share = new ethers.Contract(
        MAINNET_TOKENS.sDAI,
        ["function convertToAssets(uint256) view returns (uint256)"],
        deployer,
      );
      const assets = (await share.getFunction("convertToAssets")(WAD)) as bigint;
      expect(await oracle.getPrice(MAINNET_TOKENS.sDAI)).to.equal(mulDivDown(daiAnswer * 10n ** 10n, assets, WAD));
    }

    // alice stakes 10 ETH through wstETH's own receive (Lido stakes and wraps), then borrows at 50% of its value
    await (await alice.sendTransaction({ to: MAINNET_TOKENS.wstETH, value: 10n * WAD })).wait();
    const wsteth = MockERC20__factory.connect(MAINNET_TOKENS.wstETH, alice);
    const held = await wsteth.balanceOf(alice);
    expect(held > 8n * WAD).to.equal(true);
    await (await wsteth.approve(vault, ethers.MaxUint256)).wait();
    const value = valueDown(held, await oracle.getPrice(MAINNET_TOKENS.wstETH), 18);
    const id = await vault.nextPositionId();
    await (
      await vault.openAndMint(
        BigInt(manifest.synthetics.bUSD!.synthId),
        MAINNET_TOKENS.wstETH,
        held,
        (value / 2n / WAD) * WAD,
        alice.address,
      )
    ).wait();
    const h = await positionLens.healthOf(id);
    expect(h.collateralValue).to.equal(value);
    expect(h.health > WAD).to.equal(true);
  });
});
