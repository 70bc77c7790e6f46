/**
 * Deploys and wires the whole Ballast core with mock tokens and feeds on any ethers connection — the TypeScript twin of
 * `test/utils/LiquidationFixture.sol` (which extends `test/utils/Fixture.sol`): the Vault, oracle, synthetics and
 * collateral, plus the Treasury and the LiquidationEngine wired into the Vault with the fixture's keeper pay and caps.
 * It is the mock deploy the demo, the gas benchmark and the flow tests reuse; its parameters are sdk/params.ts.
 *
 *   const { ethers } = await network.create();
 *   const core = await deployCore(ethers);                       // MockFeed feeds
 *   const bench = await deployCore(ethers, { feeds: "chainlink" }); // Chainlink MockV3Aggregator feeds
 *
 * Units: `[token]` a token's own decimals, `[wad]` 1e18, `[ray]` 1e27, `[bps]` 1e4, feed answers in 8 decimals.
 */
import type { HardhatEthers, HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type {
  AccessManager,
  FixedRateModel,
  LiquidationEngine,
  MockERC20,
  MockFeed,
  MockV3Aggregator,
  OracleAdapter,
  PositionLens,
  SyntheticToken,
  Treasury,
  Vault,
} from "../../typechain-types/index.js";
import {
  ASSETS,
  ASSET_KEYS,
  AUCTION_CAP,
  type AssetKey,
  BETH,
  BUSD,
  FEED_DECIMALS,
  FEED_MAX_AGE,
  KEEPER_PARAMS,
  RATE_5PCT,
  SYNTHETICS,
  type SyntheticSpec,
} from "../../sdk/params.js";

// ----------------------------------------------------------------------------------------------------------------
// deployCore
// ----------------------------------------------------------------------------------------------------------------

/** Which mock stands behind the oracle: the project's `MockFeed` or Chainlink's `MockV3Aggregator`. */
export type FeedKind = "mock" | "chainlink";
export type FeedOf<K extends FeedKind> = K extends "chainlink" ? MockV3Aggregator : MockFeed;

export interface CoreOptions<K extends FeedKind = "mock"> {
  /** Feed contract: `"mock"` (default, `MockFeed`: can misbehave on purpose) or `"chainlink"` (`MockV3Aggregator`). */
  feeds?: K;
  /** Deploys and administers everything (AccessManager admin). Default: the connection's first signer. */
  deployer?: HardhatEthersSigner;
  /**
   * The synthetics' flash-mint fee receiver, also the Vault's treasury until the Treasury contract is wired in (as in
   * the fixture). Default: `treasuryAddress()`, the address forge's `makeAddr("treasury")` gives.
   */
  feeReceiver?: string;
  /** [8 decimals] Initial feed answers, overriding `ASSETS[k].price`. */
  prices?: Partial<Record<AssetKey, bigint>>;
  /** The L2 sequencer-uptime feed and grace period [s] the OracleAdapter is built with. Default: none (L1). */
  sequencer?: { feed: string; gracePeriod: number };
  /** Called after each step (e.g. to print progress). */
  log?: (line: string) => void;
}

export interface Core<K extends FeedKind = "mock"> {
  ethers: HardhatEthers;
  deployer: HardhatEthersSigner;
  /** The synthetics' flash-mint fee receiver (an EOA address; see `CoreOptions.feeReceiver`). */
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
  /** Collateral tokens by key (also `core.weth` etc.). */
  tokens: Record<AssetKey, MockERC20>;
  weth: MockERC20;
  wbtc: MockERC20;
  usdc: MockERC20;
  /** The price feed of each collateral asset (bETH is priced by the WETH feed). */
  feeds: Record<AssetKey, FeedOf<K>>;
  feedKind: K;
  /** Every deployed address, by name. */
  addresses: Record<string, string>;
  /** Publishes `answer` [8 decimals] as a new round of `asset`'s feed, timestamped now. */
  setPrice(asset: AssetKey, answer: bigint): Promise<void>;
  /** [8 decimals] The latest answer of `asset`'s feed. */
  priceOf(asset: AssetKey): Promise<bigint>;
  /** Re-publishes every feed's current answer so it is fresh again (e.g. after time jumps past `FEED_MAX_AGE`). */
  refreshFeeds(): Promise<void>;
}

/** The address `makeAddr("treasury")` gives in forge tests: private key keccak256("treasury"). */
export function treasuryAddress(ethers: HardhatEthers): string {
  return ethers.computeAddress(ethers.id("treasury"));
}

/** Deploys the core with mocks (see the file comment) and returns TypeChain-typed contracts and addresses. */
export async function deployCore<K extends FeedKind = "mock">(
  ethers: HardhatEthers,
  opts: CoreOptions<K> = {},
): Promise<Core<K>> {
  const feedKind = (opts.feeds ?? "mock") as K;
  const log = opts.log ?? (() => {});
  const deployer = opts.deployer ?? (await firstSigner(ethers));
  const feeReceiver = opts.feeReceiver ?? treasuryAddress(ethers);

  const manager = await deployed((await ethers.getContractFactory("AccessManager", deployer)).deploy(deployer.address));
  const sequencer = opts.sequencer ?? { feed: ethers.ZeroAddress, gracePeriod: 0 };
  const oracle = await deployed(
    (await ethers.getContractFactory("OracleAdapter", deployer)).deploy(manager, sequencer.feed, sequencer.gracePeriod),
  );
  const vault = await deployed(
    (await ethers.getContractFactory("Vault", deployer)).deploy(manager, oracle, feeReceiver),
  );
  const rateModel = await deployed((await ethers.getContractFactory("FixedRateModel", deployer)).deploy(RATE_5PCT));
  log(`core: AccessManager, OracleAdapter, Vault and FixedRateModel (5%/yr) deployed`);

  const tokenFactory = await ethers.getContractFactory("MockERC20", deployer);
  const tokens = {} as Record<AssetKey, MockERC20>;
  const feeds = {} as Record<AssetKey, FeedOf<K>>;
  for (const key of ASSET_KEYS) {
    const spec = ASSETS[key];
    tokens[key] = await deployed(tokenFactory.deploy(spec.name, spec.symbol, spec.decimals));
    const answer = opts.prices?.[key] ?? spec.price;
    const feed = await deployFeed(ethers, deployer, feedKind, answer);
    feeds[key] = feed;
    const none = { aggregator: ethers.ZeroAddress, maxAge: 0, minAnswer: 0, maxAnswer: 0 };
    await (
      await oracle.setFeeds(
        tokens[key],
        { aggregator: feed, maxAge: FEED_MAX_AGE, minAnswer: 1, maxAnswer: 10n ** 30n },
        none,
        0,
      )
    ).wait();
  }
  log(`core: WETH, WBTC, USDC and their ${feedKind === "chainlink" ? "MockV3Aggregator" : "MockFeed"} feeds deployed`);

  const synthFactory = await ethers.getContractFactory("SyntheticToken", deployer);
  const synth = async (s: SyntheticSpec): Promise<SyntheticToken> => {
    const token = await deployed(
      synthFactory.deploy(s.name, s.symbol, vault, manager, s.flashCap, s.flashFeeBps, feeReceiver),
    );
    const priceAsset = s.priceAsset === "usd" ? ethers.ZeroAddress : await tokens[s.priceAsset].getAddress();
    const params = { priceAsset, rateModel, debtCeiling: s.debtCeiling, minDebt: s.minDebt };
    await (await vault.addSynthetic(token, params)).wait();
    return token;
  };
  const busd = await synth(SYNTHETICS.busd); // synthId 0 (BUSD)
  const beth = await synth(SYNTHETICS.beth); // synthId 1 (BETH)
  for (const key of ASSET_KEYS) await (await vault.listAsset(tokens[key], ASSETS[key].params)).wait();
  log(`core: bUSD and bETH added, 3 collateral assets listed`);

  // Treasury and LiquidationEngine, wired as LiquidationFixture.sol does (deployed last, so the addresses of
  // everything above do not depend on them)
  const treasury = await deployed((await ethers.getContractFactory("Treasury", deployer)).deploy(vault));
  const engine = await deployed(
    (await ethers.getContractFactory("LiquidationEngine", deployer)).deploy(manager, vault),
  );
  await (await vault.setTreasury(treasury)).wait();
  await (await vault.setLiquidationEngine(engine)).wait();
  // flash-mint fees are protocol income too: route them to the Treasury
  for (const [token, spec] of [
    [busd, SYNTHETICS.busd],
    [beth, SYNTHETICS.beth],
  ] as const) {
    await (await token.setFlashParams(spec.flashCap, spec.flashFeeBps, treasury)).wait();
  }
  await (await engine.setKeeperParams(BUSD, KEEPER_PARAMS.busd)).wait();
  await (await engine.setKeeperParams(BETH, KEEPER_PARAMS.beth)).wait();
  await (await engine.setGlobalCap(AUCTION_CAP)).wait();
  for (const key of ASSET_KEYS) await (await engine.setAssetCap(tokens[key], AUCTION_CAP)).wait();
  log(`core: Treasury and LiquidationEngine deployed and wired (keeper pay set, auction caps $10M)`);
  const lens = await deployed((await ethers.getContractFactory("PositionLens", deployer)).deploy(vault));

  const addresses: Record<string, string> = { feeReceiver };
  const named = { manager, oracle, vault, rateModel, busd, beth, ...tokens, treasury, engine, lens };
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
  };

  return {
    ethers,
    deployer,
    feeReceiver,
    manager,
    oracle,
    vault,
    rateModel,
    busd,
    beth,
    treasury,
    engine,
    lens,
    tokens,
    ...tokens,
    feeds,
    feedKind,
    addresses,
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

/** Waits until a deployment is mined and returns the typed contract. */
async function deployed<T extends { waitForDeployment(): Promise<unknown> }>(pending: Promise<T>): Promise<T> {
  const c = await pending;
  await c.waitForDeployment();
  return c;
}

async function deployFeed<K extends FeedKind>(
  ethers: HardhatEthers,
  deployer: HardhatEthersSigner,
  kind: K,
  answer: bigint,
): Promise<FeedOf<K>> {
  if (kind === "chainlink") {
    const f = await ethers.getContractFactory("MockV3Aggregator", deployer);
    return (await deployed(f.deploy(FEED_DECIMALS, answer))) as FeedOf<K>;
  }
  const f = await ethers.getContractFactory("MockFeed", deployer);
  const feed = await deployed(f.deploy(FEED_DECIMALS));
  await (await feed.setAnswer(answer)).wait();
  return feed as FeedOf<K>;
}
