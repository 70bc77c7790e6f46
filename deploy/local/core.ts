/**
 * The mock deploy the demo, the gas benchmark, the keeper bench, the portfolio tools and the TypeScript tests use: a thin
 * adapter over the one deploy path, `deploySystem` (deploy/deploy.ts). `deployCore` takes the embedded network's
 * configuration (`local` in deploy/config/networks.ts, built from sdk/params.ts), adjusts it to its options (the mock
 * feed kind, initial prices, an L2 sequencer feed), deploys it with an in-memory manifest (no file is read or written)
 * and returns the manifest's contracts TypeChain-typed, with price helpers. So the tests run on exactly what
 * `npm run deploy` wires on any network: every parameter, the Treasury as the Vault's treasury and the synthetics'
 * flash-fee receiver, the LiquidationEngine with keeper pay and auction caps, the PositionLens, ReserveLens and
 * Settlement, and the role table (deploy/roles.ts). The local governance gives the deployer ADMIN, CRITICAL, GOVERNOR
 * and GUARDIAN with no delay, so it may call every restricted setter at once; SETTLEMENT (shutdown, releasing positions
 * and auctions) is the Settlement contract's alone. The Solidity fixture (`test/utils/LiquidationFixture.sol`, which
 * extends `test/utils/Fixture.sol`) sets the same parameters from its own constants, without the role table; both are
 * described by `WiringProbe` and compared with the same committed file, test/wiring/local.json (test/wiring.test.ts,
 * test/FixtureWiring.t.sol; `npm run wiring` rewrites it).
 *
 *   const { ethers } = await network.create();
 *   const core = await deployCore(ethers);                       // MockFeed feeds
 *   const bench = await deployCore(ethers, { feeds: "chainlink" }); // Chainlink MockV3Aggregator feeds
 *
 * Units: `[token]` a token's own decimals, `[wad]` 1e18, `[ray]` 1e27, `[bps]` 1e4, feed answers in 8 decimals.
 */
import type { HardhatEthers, HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import {
  type AccessManager,
  AccessManager__factory,
  type FixedRateModel,
  FixedRateModel__factory,
  type InstrumentVault,
  InstrumentVault__factory,
  type LiquidationEngine,
  LiquidationEngine__factory,
  type MockERC20,
  MockERC20__factory,
  type MockFeed,
  MockFeed__factory,
  type MockV3Aggregator,
  MockV3Aggregator__factory,
  type OracleAdapter,
  OracleAdapter__factory,
  type PositionLens,
  PositionLens__factory,
  type ReserveLens,
  ReserveLens__factory,
  type Settlement,
  Settlement__factory,
  type StabilityModule,
  StabilityModule__factory,
  type SavingsToken,
  SavingsToken__factory,
  type BuybackSink,
  BuybackSink__factory,
  type Redemptions,
  Redemptions__factory,
  type PreLiquidation,
  PreLiquidation__factory,
  type Router,
  Router__factory,
  type RiskOracle,
  RiskOracle__factory,
  type RiskSteward,
  RiskSteward__factory,
  type VolatilityObserver,
  VolatilityObserver__factory,
  type SyntheticToken,
  SyntheticToken__factory,
  type Treasury,
  Treasury__factory,
  type Vault,
  Vault__factory,
} from "../../typechain-types/index.js";
import {
  ASSETS,
  ASSET_KEYS,
  type AssetKey,
  BETH,
  BUSD,
  SOURCED_ASSETS,
  SOURCED_ASSET_KEYS,
  type SourcedAssetKey,
  SYNTHETICS,
} from "../../sdk/params.js";
import type { Manifest } from "../../sdk/manifest.js";
import { deploySystem } from "../deploy.js";
import { local } from "../config/networks.js";
import { type MockFeedKind, type NetworkConfig, isMock, validateConfig } from "../config/types.js";

// ----------------------------------------------------------------------------------------------------------------
// deployCore
// ----------------------------------------------------------------------------------------------------------------

/** Which mock stands behind the oracle: the project's `MockFeed` or Chainlink's `MockV3Aggregator`. */
export type FeedKind = "mock" | "chainlink";
export type FeedOf<K extends FeedKind> = K extends "chainlink" ? MockV3Aggregator : MockFeed;

/** The config's mock feed kind for each `FeedKind`. */
const MOCK_FEED: Record<FeedKind, MockFeedKind> = { mock: "MockFeed", chainlink: "MockV3Aggregator" };

export interface CoreOptions<K extends FeedKind = "mock"> {
  /** Feed contract: `"mock"` (default, `MockFeed`: can misbehave on purpose) or `"chainlink"` (`MockV3Aggregator`). */
  feeds?: K;
  /** Deploys and administers everything (AccessManager admin). Default: the connection's first signer. */
  deployer?: HardhatEthersSigner;
  /** [8 decimals] Initial feed answers, overriding `ASSETS[k].price`. */
  prices?: Partial<Record<AssetKey, bigint>>;
  /** The L2 sequencer-uptime feed and grace period [s] the OracleAdapter is built with. Default: none (L1). */
  sequencer?: { feed: string; gracePeriod: number };
  /** Receives a summary line once the deploy is done (e.g. to print progress). */
  log?: (line: string) => void;
}

export interface Core<K extends FeedKind = "mock"> {
  ethers: HardhatEthers;
  deployer: HardhatEthersSigner;
  /** The synthetics' flash-mint fee receiver: the Treasury (`busd.feeReceiver()`), as on every network. */
  feeReceiver: string;
  manager: AccessManager;
  oracle: OracleAdapter;
  vault: Vault;
  rateModel: FixedRateModel;
  busd: SyntheticToken;
  beth: SyntheticToken;
  /** The surplus buffer: the Vault mints fees to it, it pays keepers and absorbs bad debt (`vault.treasury()`). */
  treasury: Treasury;
  /** Liquidations and auctions (`vault.liquidationEngine()`), with the fixture's keeper pay and caps. */
  engine: LiquidationEngine;
  /** Views over the Vault and the engine for keepers and tools (auctions, health in batches, raw fields). */
  lens: PositionLens;
  /** Proof of reserves: the backing of every synthetic, read from the Vault. */
  reserveLens: ReserveLens;
  /** The emergency settlement: the only holder of SETTLEMENT (shutdown, releasing positions and auctions). */
  settlement: Settlement;
  /** The bUSD / USDC stability module (swaps at par; its reserves back its units). */
  psm: StabilityModule;
  /** sbUSD: the savings token over bUSD the Treasury's surplus policy streams to. */
  savings: SavingsToken;
  /** The Treasury's buyback sink for bUSD: buys WETH through a mock venue, bounded by the oracle. */
  buyback: BuybackSink;
  /** Face-value redemptions of bUSD against named positions (the Vault's redeemer). */
  redemptions: Redemptions;
  /** The one-transaction Router (periphery): a caller's steps, as the scoped manager of the caller's positions. */
  router: Router;
  /** Realized volatility per asset from the oracle's prices (anyone observes, at most every 5 minutes). */
  observer: VolatilityObserver;
  /** The append-only record of risk recommendations (the deployer holds PUBLISHER). */
  riskOracle: RiskOracle;
  /** Applies recommendations within its bounds (holds STEWARD); the bounds are the local config's. */
  steward: RiskSteward;
  /** Opt-in pre-liquidation (band 1.10 to 1, the local config's close factors and incentives). */
  preLiquidation: PreLiquidation;
  /** Fully backed options and binaries on WETH and WBTC (quotes USDC and bUSD; the live settlement parameters). */
  instruments: InstrumentVault;
  /** Collateral tokens by key (also `core.weth` etc.). */
  tokens: Record<AssetKey, MockERC20>;
  weth: MockERC20;
  wbtc: MockERC20;
  usdc: MockERC20;
  /** The price feed of each collateral asset (bETH is priced by the WETH feed). */
  feeds: Record<AssetKey, FeedOf<K>>;
  /**
   * The assets priced by sources (`SOURCED_ASSETS`): the token (mintable by anyone), the feed the price starts from
   * (stETH/USD, DAI/USD, the NAV) and the source's address.
   */
  sourced: Record<SourcedAssetKey, { token: MockERC20; feed: FeedOf<K>; source: string }>;
  feedKind: K;
  /** Every deployed address, by name (`vault`, `weth`, `wethFeed`, ...). */
  addresses: Record<string, string>;
  /** The deploy's manifest (in memory: `deployCore` writes no file), as `npm run deploy` would write it. */
  manifest: Manifest;
  /** Publishes `answer` [8 decimals] as a new round of `asset`'s feed, timestamped now. */
  setPrice(asset: AssetKey, answer: bigint): Promise<void>;
  /** [8 decimals] The latest answer of `asset`'s feed. */
  priceOf(asset: AssetKey): Promise<bigint>;
  /**
   * Re-publishes every market feed's current answer so it is fresh again (e.g. after time jumps past `FEED_MAX_AGE`):
   * the assets' feeds and the bases of the rate sources, not the NAV (an attestation is the issuer's).
   */
  refreshFeeds(): Promise<void>;
}

/** The network name `deployCore` deploys the local configuration under (the embedded network's). */
const NETWORK = local.networks[0] ?? "default";

/**
 * The configuration `deployCore` deploys: `local` (deploy/config/networks.ts) with `opts.feeds`' mock feed kind,
 * `opts.prices` as the feeds' initial answers and `opts.sequencer` as the OracleAdapter's sequencer feed. Validated.
 */
export function coreConfig(opts: Pick<CoreOptions<FeedKind>, "feeds" | "prices" | "sequencer"> = {}): NetworkConfig {
  const config = structuredClone(local);
  const kind = MOCK_FEED[opts.feeds ?? "mock"];
  for (const key of [...ASSET_KEYS, ...SOURCED_ASSET_KEYS]) {
    const symbol = key in ASSETS ? ASSETS[key as AssetKey].symbol : SOURCED_ASSETS[key as SourcedAssetKey].symbol;
    const asset = config.assets.find((a) => a.symbol === symbol);
    if (asset === undefined || !isMock(asset.feed.aggregator)) {
      throw new Error(`deployCore: the local config has no mock feed for ${symbol}`);
    }
    const mock = asset.feed.aggregator.mock;
    const answer = key in ASSETS ? opts.prices?.[key as AssetKey] : undefined;
    asset.feed.aggregator = { mock: { ...mock, kind, answer: answer ?? mock.answer } };
  }
  if (opts.sequencer !== undefined) config.sequencer = { ...opts.sequencer };
  validateConfig(`${NETWORK} (deployCore)`, config);
  return config;
}

/**
 * Deploys the local configuration with `deploySystem` (see the file comment) and returns TypeChain-typed contracts and
 * addresses, connected to the deployer.
 */
export async function deployCore<K extends FeedKind = "mock">(
  ethers: HardhatEthers,
  opts: CoreOptions<K> = {},
): Promise<Core<K>> {
  const feedKind = (opts.feeds ?? "mock") as K;
  const log = opts.log ?? (() => {});
  const deployer = opts.deployer ?? (await firstSigner(ethers));
  const config = coreConfig(opts);
  const result = await deploySystem(ethers, NETWORK, config, { manifestPath: null, deployer, log: () => {} });
  const { manifest } = result;
  const at = (name: string): string => {
    const address = manifest.contracts[name]?.address;
    if (address === undefined) throw new Error(`deployCore: the deploy recorded no ${name}`);
    return address;
  };
  for (const [spec, id] of [
    [SYNTHETICS.busd, BUSD],
    [SYNTHETICS.beth, BETH],
  ] as const) {
    const synthId = manifest.synthetics[spec.symbol]?.synthId;
    if (synthId !== Number(id)) throw new Error(`deployCore: ${spec.symbol} has synthId ${synthId}, not ${id}`);
  }
  const rateModelKey = config.synthetics[0]?.rateModel ?? "";

  const manager = AccessManager__factory.connect(at("AccessManager"), deployer);
  const oracle = OracleAdapter__factory.connect(at("OracleAdapter"), deployer);
  const vault = Vault__factory.connect(at("Vault"), deployer);
  const rateModel = FixedRateModel__factory.connect(at(`rateModel:${rateModelKey}`), deployer);
  const busd = SyntheticToken__factory.connect(at(`synthetic:${SYNTHETICS.busd.symbol}`), deployer);
  const beth = SyntheticToken__factory.connect(at(`synthetic:${SYNTHETICS.beth.symbol}`), deployer);
  const treasury = Treasury__factory.connect(at("Treasury"), deployer);
  const engine = LiquidationEngine__factory.connect(at("LiquidationEngine"), deployer);
  const lens = PositionLens__factory.connect(at("PositionLens"), deployer);
  const reserveLens = ReserveLens__factory.connect(at("ReserveLens"), deployer);
  const settlement = Settlement__factory.connect(at("Settlement"), deployer);
  const psm = StabilityModule__factory.connect(at("StabilityModule:bUSD/USDC"), deployer);
  const savings = SavingsToken__factory.connect(at("SavingsToken:sbUSD"), deployer);
  const buyback = BuybackSink__factory.connect(at("BuybackSink:bUSD/WETH"), deployer);
  const redemptions = Redemptions__factory.connect(at("Redemptions"), deployer);
  const router = Router__factory.connect(at("Router"), deployer);
  const observer = VolatilityObserver__factory.connect(at("VolatilityObserver"), deployer);
  const riskOracle = RiskOracle__factory.connect(at("RiskOracle"), deployer);
  const steward = RiskSteward__factory.connect(at("RiskSteward"), deployer);
  const preLiquidation = PreLiquidation__factory.connect(at("PreLiquidation"), deployer);
  const instruments = InstrumentVault__factory.connect(at("InstrumentVault"), deployer);
  const tokens = {} as Record<AssetKey, MockERC20>;
  const feeds = {} as Record<AssetKey, FeedOf<K>>;
  for (const key of ASSET_KEYS) {
    const symbol = ASSETS[key].symbol;
    tokens[key] = MockERC20__factory.connect(at(`token:${symbol}`), deployer);
    const feed = at(`feed:${symbol}`);
    feeds[key] = (
      feedKind === "chainlink"
        ? MockV3Aggregator__factory.connect(feed, deployer)
        : MockFeed__factory.connect(feed, deployer)
    ) as FeedOf<K>;
  }
  const sourced = {} as Core<K>["sourced"];
  for (const key of SOURCED_ASSET_KEYS) {
    const symbol = SOURCED_ASSETS[key].symbol;
    const feed = at(`feed:${symbol}`);
    sourced[key] = {
      token: MockERC20__factory.connect(at(`token:${symbol}`), deployer),
      feed: (feedKind === "chainlink"
        ? MockV3Aggregator__factory.connect(feed, deployer)
        : MockFeed__factory.connect(feed, deployer)) as FeedOf<K>,
      source: at(`source:${symbol}`),
    };
  }
  log(
    `core: deploySystem(local config, ${MOCK_FEED[feedKind]} feeds): ${result.sent} transactions; AccessManager, ` +
      `OracleAdapter, Vault, PositionLens, Treasury, FixedRateModel (5%/yr), WETH, WBTC, USDC and their feeds, wstETH, ` +
      `sDAI and TBILL and their price sources, bUSD and ` +
      `bETH, LiquidationEngine, ReserveLens, Settlement, the bUSD/USDC stability module, sbUSD and its buyback sink, ` +
      `Redemptions, the Router, the InstrumentVault, the volatility observer, the risk oracle and the risk steward with ` +
      `its bounds`,
  );
  log(`core: wired as the local config says (keeper pay set, auction caps $10M), role table applied`);

  const treasuryAddress = await treasury.getAddress();
  const addresses: Record<string, string> = { feeReceiver: treasuryAddress };
  const named = {
    manager,
    oracle,
    vault,
    rateModel,
    busd,
    beth,
    ...tokens,
    treasury,
    engine,
    lens,
    reserveLens,
    settlement,
    psm,
    savings,
    buyback,
    redemptions,
    router,
    observer,
    riskOracle,
    steward,
    preLiquidation,
    instruments,
  };
  for (const [name, c] of Object.entries(named)) addresses[name] = await c.getAddress();
  for (const key of ASSET_KEYS) addresses[`${key}Feed`] = await feeds[key].getAddress();

  const setPrice = async (asset: AssetKey, answer: bigint): Promise<void> => {
    const tx =
      feedKind === "chainlink"
        ? await (feeds[asset] as MockV3Aggregator).updateAnswer(answer)
        : await (feeds[asset] as MockFeed).setAnswer(answer);
    await tx.wait();
  };
  const priceOf = async (asset: AssetKey): Promise<bigint> => (await feeds[asset].latestRoundData())[1];
  const refreshFeeds = async (): Promise<void> => {
    for (const key of ASSET_KEYS) await setPrice(key, await priceOf(key));
    // the market feeds under the rate sources too; never a NAV: an attestation is the issuer's (`sourced.tbill.feed`)
    for (const key of SOURCED_ASSET_KEYS) {
      if (SOURCED_ASSETS[key].source.kind !== "rate") continue;
      const feed = sourced[key].feed;
      const answer = (await feed.latestRoundData())[1];
      const tx =
        feedKind === "chainlink"
          ? await (feed as MockV3Aggregator).updateAnswer(answer)
          : await (feed as MockFeed).setAnswer(answer);
      await tx.wait();
    }
  };

  return {
    ethers,
    deployer,
    feeReceiver: treasuryAddress,
    ...named, // the contracts, and each token under its key
    tokens,
    feeds,
    sourced,
    feedKind,
    addresses,
    manifest,
    setPrice,
    priceOf,
    refreshFeeds,
  };
}

/** Mints `amounts` [token] of each listed token to `user` and approves the Vault for the maximum. */
export async function fundAndApprove(
  core: Core<FeedKind>,
  user: HardhatEthersSigner,
  amounts: Partial<Record<AssetKey, bigint>>,
): Promise<void> {
  for (const key of ASSET_KEYS) {
    const amount = amounts[key];
    if (amount === undefined) continue;
    const token = core.tokens[key];
    if (amount > 0n) await (await token.mint(user.address, amount)).wait();
    await (await token.connect(user).approve(core.vault, core.ethers.MaxUint256)).wait();
  }
}

/** [wad] The oracle price of one whole unit of `asset` (18 decimals), as the Vault sees it. */
export async function oraclePrice(core: Core<FeedKind>, asset: AssetKey): Promise<bigint> {
  return core.oracle.getPrice(core.tokens[asset]);
}

// ----------------------------------------------------------------------------------------------------------------
// Internals
// ----------------------------------------------------------------------------------------------------------------

async function firstSigner(ethers: HardhatEthers): Promise<HardhatEthersSigner> {
  const [signer] = await ethers.getSigners();
  if (signer === undefined) throw new Error("deployCore: the connection has no signer; pass `deployer`");
  return signer;
}
