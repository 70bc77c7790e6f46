/**
 * The one deploy path of Ballast: `deploySystem` deploys and wires the whole system for one network from its
 * configuration (deploy/config/networks.ts) and the role table (deploy/roles.ts). Every network deploy
 * (`npx hardhat ballast deploy`) runs it, and so do the demo, the gas benchmark and the TypeScript tests, through
 * `deployCore` (deploy/local/core.ts: the local configuration, `MockFeed` or `MockV3Aggregator` feeds, an in-memory
 * manifest):
 *
 *   AccessManager → OracleAdapter → Vault → PositionLens → Treasury → rate models → mock tokens and feeds (test
 *   networks) → feeds set in the oracle → synthetics (rate curve, Vault listing, flash-mint parameters) → collateral
 *   listed → LiquidationEngine (it creates its admin module; keeper pay, auction caps, optional liquidation and
 *   auction parameters) → ReserveLens → Settlement → stability modules (added to the Vault with their ceilings) →
 *   InstrumentVault (underlyings, quote assets) → function roles → CRITICAL, GOVERNOR, GUARDIAN and SETTLEMENT
 *   (to the Settlement contract) granted → admin handed to the configured admin (the deployer renounces).
 *
 * Idempotent: every contract already in the manifest (`deployments/<network>-<chain id>-<genesis>.json`) with code on
 * chain is reused, and every configuration call first reads the on-chain value and is skipped when it already
 * matches, so a rerun sends nothing and leaves the manifest unchanged. A changed parameter is sent when the deployer
 * may still call the setter at once; otherwise (after the admin handoff, or behind a governance delay) it is reported
 * as a proposal to schedule through the AccessManager. A dry run (`dryRun`) reads the chain the same way and prints
 * the plan without sending anything or writing the manifest. With `manifestPath: null` the manifest lives in memory
 * only: a fresh deploy, returned and never written (the embedded network's deploys, which end with the process).
 *
 * Units: as in the config (deploy/config/types.ts).
 */
import type { HardhatEthers, HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import {
  Contract,
  type ContractFactory,
  type ContractRunner,
  type Interface,
  type TransactionReceipt,
  type TransactionRequest,
  AbiCoder,
  id,
  keccak256,
} from "ethers";
import {
  AccessManager__factory,
  type AccessManager,
  DynamicRateModel__factory,
  InstrumentVault__factory,
  LiquidationEngine__factory,
  MockFeed__factory,
  MockSwapVenue__factory,
  OracleAdapter__factory,
  type PositionLens,
  PositionLens__factory,
  Redemptions__factory,
  RiskSteward__factory,
  StabilityModule__factory,
  SyntheticToken__factory,
  Treasury__factory,
  type Vault,
  Vault__factory,
} from "../typechain-types/index.js";
import { explainFailure } from "../sdk/errors.js";
import { formatGas } from "../sdk/format.js";
import { gasMarginFor, sendTx } from "../sdk/tx.js";
import {
  type DeployedContract,
  type Manifest,
  gitCommit,
  locateManifest,
  otherChain,
  readManifest,
  sameDeployment,
  writeManifest,
} from "../sdk/manifest.js";
import {
  type AssetConfig,
  type FeedConfig,
  type MockFeedSpec,
  type NetworkConfig,
  type SyntheticConfig,
  STEWARD_PARAMS,
  isMock,
} from "./config/types.js";
import { type ManagedContract, ROLE_IDS, ROLE_TABLE } from "./roles.js";

/** Fully qualified artifact names of what the deploy creates. */
export const ARTIFACTS = {
  AccessManager: "@openzeppelin/contracts/access/manager/AccessManager.sol:AccessManager",
  OracleAdapter: "contracts/OracleAdapter.sol:OracleAdapter",
  Vault: "contracts/Vault.sol:Vault",
  Treasury: "contracts/Treasury.sol:Treasury",
  LiquidationEngine: "contracts/LiquidationEngine.sol:LiquidationEngine",
  ReserveLens: "contracts/ReserveLens.sol:ReserveLens",
  PositionLens: "contracts/PositionLens.sol:PositionLens",
  Settlement: "contracts/Settlement.sol:Settlement",
  StabilityModule: "contracts/StabilityModule.sol:StabilityModule",
  SavingsToken: "contracts/SavingsToken.sol:SavingsToken",
  BuybackSink: "contracts/BuybackSink.sol:BuybackSink",
  Redemptions: "contracts/Redemptions.sol:Redemptions",
  PreLiquidation: "contracts/periphery/PreLiquidation.sol:PreLiquidation",
  Router: "contracts/periphery/Router.sol:Router",
  InstrumentVault: "contracts/InstrumentVault.sol:InstrumentVault",
  MockSwapVenue: "contracts/mocks/MockSwapVenue.sol:MockSwapVenue",
  FixedRateModel: "contracts/FixedRateModel.sol:FixedRateModel",
  DynamicRateModel: "contracts/DynamicRateModel.sol:DynamicRateModel",
  SyntheticToken: "contracts/SyntheticToken.sol:SyntheticToken",
  MockERC20: "contracts/mocks/MockERC20.sol:MockERC20",
  MockV3Aggregator: "@chainlink/contracts/src/v0.8/tests/MockV3Aggregator.sol:MockV3Aggregator",
  MockFeed: "contracts/mocks/MockFeed.sol:MockFeed",
  MockRateToken: "contracts/mocks/MockRateToken.sol:MockRateToken",
  MockVaultShare: "contracts/mocks/MockVaultShare.sol:MockVaultShare",
  ChainlinkSource: "contracts/sources/ChainlinkSource.sol:ChainlinkSource",
  RateAdjustedSource: "contracts/sources/RateAdjustedSource.sol:RateAdjustedSource",
  NavSource: "contracts/sources/NavSource.sol:NavSource",
  VolatilityObserver: "contracts/risk/VolatilityObserver.sol:VolatilityObserver",
  RiskOracle: "contracts/risk/RiskOracle.sol:RiskOracle",
  RiskSteward: "contracts/risk/RiskSteward.sol:RiskSteward",
} as const;

export interface DeployOptions {
  /** Print the plan, send nothing, write nothing. */
  dryRun?: boolean;
  /**
   * Where the manifest lives. Default: `locateManifest` (deployments/<network>-<chain id>-<genesis>.json). `null`: in
   * memory only (nothing read, nothing written: a fresh deploy, returned in `DeployResult.manifest`), for tests and
   * tools on the embedded network.
   */
  manifestPath?: string | null;
  /** [bps] Gas limit over each estimate. Default: the config's `gasMarginBps` (BALLAST_GAS_MARGIN_BPS overrides). */
  gasMarginBps?: number;
  /** The deploying account. Default: the connection's first signer. */
  deployer?: HardhatEthersSigner;
  /** Receives one line per step. Default: console.log. */
  log?: (line: string) => void;
}

/** A configuration change the deployer could not make itself: schedule it through the AccessManager. */
export interface Proposal {
  description: string;
  target: string;
  data: string;
}

export interface DeployResult {
  manifest: Manifest;
  /** Transactions sent (0 on a dry run and on a rerun with nothing to do). */
  sent: number;
  /** Transactions a dry run would send (including calls on contracts it would deploy). */
  planned: number;
  /** Total gas of the transactions sent. */
  gasUsed: bigint;
  /** Changes the deployer may not make at once. */
  proposals: Proposal[];
  /** Whether the manifest file was (or, on a dry run, would be) rewritten. */
  manifestChanged: boolean;
  /** Where the manifest is (`null`: in memory only). */
  manifestPath: string | null;
}

/** A value not known until a contract the dry run would deploy exists. */
const PENDING = "<pending>";

/** A feed as the OracleAdapter and the sources take it (`IOracleAdapter.Feed`), bounds resolved. */
type ResolvedFeed = { aggregator: string; maxAge: number; minAnswer: bigint; maxAnswer: bigint };

/** The addresses the first phase deploys, which every later phase wires to (`PENDING` in a dry run). */
interface CoreAddresses {
  manager: string;
  oracle: string;
  vault: string;
  /** The PositionLens: the deploy reads derived figures (a synthetic's parameters) through it. */
  lens: string;
  treasury: string;
}

/** A deploy that cannot go on; the message says what to do. */
export class DeployError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DeployError";
  }
}

/**
 * Deploys and configures Ballast on the network `ethers` is connected to (named `network`), following `config` (see
 * the file comment). Returns the manifest and what was sent; throws a `DeployError` when the chain does not match the
 * config or a reused contract is not what the config says.
 */
export async function deploySystem(
  ethers: HardhatEthers,
  network: string,
  config: NetworkConfig,
  opts: DeployOptions = {},
): Promise<DeployResult> {
  const run = await Run.start(ethers, network, config, opts);
  await run.deployAll();
  return run.finish();
}

/** One deploy run: the manifest being built, counters, and the step helpers. */
class Run {
  private sent = 0;
  private planned = 0;
  private gasUsed = 0n;
  private readonly proposals: Proposal[] = [];
  private manager: AccessManager | undefined;
  private lens = "";
  private readonly factories = new Map<string, ContractFactory>();

  private constructor(
    private readonly ethers: HardhatEthers,
    private readonly network: string,
    private readonly config: NetworkConfig,
    private readonly signer: HardhatEthersSigner,
    private readonly dryRun: boolean,
    private readonly path: string | null,
    private readonly before: Manifest | undefined,
    private readonly manifest: Manifest,
    private readonly log: (line: string) => void,
    private readonly gasMarginBps: number,
  ) {}

  static async start(ethers: HardhatEthers, network: string, config: NetworkConfig, opts: DeployOptions): Promise<Run> {
    const log = opts.log ?? ((line: string) => console.log(line));
    const signer = opts.deployer ?? (await ethers.getSigners())[0];
    if (signer === undefined) {
      throw new DeployError(
        `network "${network}" has no account to deploy from: set DEPLOYER_PRIVATE_KEY (see .env.example)`,
      );
    }
    const location = await locateManifest(ethers.provider, network);
    const key = location.key;
    const chainId = Number(key.chainId);
    if (config.chainId !== undefined && config.chainId !== chainId) {
      throw new DeployError(
        `network "${network}" is chain ${chainId}, but its config is for chain ${config.chainId}: check the RPC URL`,
      );
    }
    const path = opts.manifestPath === undefined ? location.path : opts.manifestPath;
    let before = path === null ? undefined : readManifest(path);
    if (before !== undefined && BigInt(before.chainId) !== key.chainId) {
      throw new DeployError(
        `${path} is for chain ${before.chainId}, not ${chainId}: move it away or pass another manifest path`,
      );
    }
    const elsewhere = before === undefined || path === null ? undefined : otherChain(before, key, path);
    if (before !== undefined && elsewhere !== undefined) {
      log(`${elsewhere}: deploying afresh`);
      before = undefined;
    } else if (before !== undefined && !(await hasCode(ethers, before.contracts.AccessManager?.address))) {
      log(
        `manifest ${path} points at contracts that are not on this chain (a restarted local node?): deploying afresh`,
      );
      before = undefined;
    }
    const manifest: Manifest =
      before !== undefined
        ? structuredClone(before)
        : {
            network,
            chainId,
            genesisHash: key.genesisHash,
            deployer: signer.address,
            commit: gitCommit(),
            startBlock: 0,
            contracts: {},
            assets: {},
            synthetics: {},
            roles: { admin: "", critical: "", governor: "", guardian: "", settlement: "" },
          };
    if (manifest.genesisHash === undefined) manifest.genesisHash = key.genesisHash;
    const gasMarginBps = opts.gasMarginBps ?? gasMarginFor(config.gasMarginBps, process.env);
    const mode = opts.dryRun === true ? "dry run (nothing is sent)" : "deploy";
    log(
      `Ballast ${mode} on "${network}" (chain ${chainId}) from ${signer.address}; manifest ${path ?? "in memory"}; gas limit = ` +
        `estimate + ${gasMarginBps / 100}%`,
    );
    return new Run(ethers, network, config, signer, opts.dryRun === true, path, before, manifest, log, gasMarginBps);
  }

  // ------------------------------------------------------------------------------------------------------------
  // The sequence
  // ------------------------------------------------------------------------------------------------------------

  /**
   * Every phase in order. Each one deploys what is missing, checks what is there and sends only the calls whose
   * on-chain value differs from the config (`contract` and `call`), so a rerun sends nothing.
   */
  async deployAll(): Promise<void> {
    const core = await this.deployCore();
    const models = await this.deployRateModels(core);
    const tokens = await this.deployCollateral(core);
    await this.deploySynthetics(core, models, tokens);
    await this.listCollateral(core, tokens);
    const engine = await this.deployEngine(core, tokens);
    const settlement = await this.deployLensesAndSettlement(core);
    const modules = await this.deployModules(core, tokens);
    await this.deploySavings(core, tokens);
    const redemptions = await this.deployRedemptions(core);
    await this.deployPreLiquidation(core);
    await this.deployRouter(core);
    const instruments = await this.deployInstruments(core, tokens);
    const risk = await this.deployRiskAutomation({ ...core, engine }, tokens);
    await this.applyGovernance({ ...core, engine, settlement }, models, modules, redemptions, risk, instruments);
  }

  /** AccessManager, OracleAdapter, Vault, PositionLens and Treasury, with the Treasury set as the Vault's. */
  private async deployCore(): Promise<CoreAddresses> {
    const c = this.config;
    const deployer = this.signer.address;
    const manager = await this.contract("AccessManager", "AccessManager", [deployer]);
    if (manager !== PENDING) this.manager = connect(AccessManager__factory, manager, this.signer);
    const seq = c.sequencer ?? { feed: this.ethers.ZeroAddress, gracePeriod: 0 };
    const oracle = await this.contract("OracleAdapter", "OracleAdapter", [manager, seq.feed, seq.gracePeriod]);
    // the deployer stands in as the Vault's treasury until the Treasury (which needs the Vault's address) exists
    const vault = await this.contract("Vault", "Vault", [manager, oracle, deployer]);
    const lens = await this.contract("PositionLens", "PositionLens", [vault]);
    this.lens = lens;
    const treasury = await this.contract("Treasury", "Treasury", [vault, manager]);
    await this.call("Vault.setTreasury", vault, abiOf(Vault__factory), "setTreasury", [treasury], async () =>
      same(await this.vaultAt(vault).treasury(), treasury),
    );
    return { manager, oracle, vault, lens, treasury };
  }

  /** The rate models of the config, by key. */
  private async deployRateModels({ manager, oracle }: CoreAddresses): Promise<Record<string, string>> {
    const c = this.config;
    const models: Record<string, string> = {};
    for (const [key, m] of Object.entries(c.rateModels)) {
      models[key] =
        m.kind === "fixed"
          ? await this.contract(`rateModel:${key}`, "FixedRateModel", [m.ratePerSecond])
          : await this.contract(`rateModel:${key}`, "DynamicRateModel", [manager, oracle]);
    }
    return models;
  }

  /**
   * Each collateral token (a mock, or the config's address, whose decimals are checked) and its price: the feeds the
   * OracleAdapter reads itself, or a price source built on them (`source`).
   */
  private async deployCollateral({ oracle }: CoreAddresses): Promise<Record<string, string>> {
    const c = this.config;
    const tokens: Record<string, string> = {};
    for (const a of c.assets) {
      tokens[a.symbol] = isMock(a.token) ? await this.mockToken(a) : this.ethers.getAddress(a.token);
      if (!isMock(a.token)) await this.checkDecimals(a.symbol, tokens[a.symbol] ?? "", a.decimals);
      const primary = await this.feed(`feed:${a.symbol}`, a.feed);
      const secondary =
        a.secondary === undefined ? undefined : await this.feed(`feed:${a.symbol}:secondary`, a.secondary.feed);
      const none = { aggregator: this.ethers.ZeroAddress, maxAge: 0, minAnswer: 0n, maxAnswer: 0n };
      const second = secondary ?? none;
      const dev = a.secondary?.maxDeviationBps ?? 0;
      const token = tokens[a.symbol] ?? "";
      const source = a.source === undefined ? undefined : await this.priceSource(a, token, primary, second, dev);
      this.manifest.assets[a.symbol] = {
        token,
        decimals: a.decimals,
        feed: primary.aggregator,
        mock: isMock(a.token),
        ...(source === undefined ? {} : { source, sourceKind: a.source?.kind === "nav" ? "nav" : "rate-adjusted" }),
      };
      const adapter = () => connect(OracleAdapter__factory, oracle, this.signer);
      if (source !== undefined) {
        await this.call(
          `OracleAdapter.setSource(${a.symbol})`,
          oracle,
          abiOf(OracleAdapter__factory),
          "setSource",
          [token, source],
          async () => !pending(token, source) && (await adapter().sourceOf(token)).source === source,
        );
        continue;
      }
      await this.call(
        `OracleAdapter.setFeeds(${a.symbol})`,
        oracle,
        abiOf(OracleAdapter__factory),
        "setFeeds",
        [token, primary, second, dev],
        async () => {
          if (pending(token, primary.aggregator, second.aggregator)) return false;
          const f = await adapter().feedsOf(token);
          return sameFeed(f.primary, primary) && sameFeed(f.secondary, second) && Number(f.maxDeviationBps) === dev;
        },
      );
    }
    return tokens;
  }

  /** A mock collateral token (`MockTokenSpec`): plain, wstETH-style, or an ERC-4626 share over a fresh underlying. */
  private async mockToken(a: AssetConfig): Promise<string> {
    if (!isMock(a.token)) throw new DeployError(`${a.symbol}: not a mock`);
    const m = a.token.mock;
    if (m.rate !== undefined) {
      return this.contract(`token:${a.symbol}`, "MockRateToken", [m.name, a.symbol, m.decimals, m.rate], 3);
    }
    if (m.vaultOf !== undefined) {
      const u = m.vaultOf;
      if (u.decimals > m.decimals) throw new DeployError(`${a.symbol}: the share has fewer decimals than its asset`);
      const underlying = await this.contract(`token:${a.symbol}:asset`, "MockERC20", [u.symbol, u.symbol, u.decimals]);
      return this.contract(`token:${a.symbol}`, "MockVaultShare", [
        underlying,
        m.name,
        a.symbol,
        m.decimals - u.decimals, // the virtual-share offset: the share's decimals over its asset's
      ]);
    }
    return this.contract(`token:${a.symbol}`, "MockERC20", [m.name, a.symbol, m.decimals]);
  }

  /**
   * The price source of `a` (`a.source`): a `RateAdjustedSource` over a `ChainlinkSource` of the feeds, its cap
   * starting from the token's rate now; or a `NavSource` of its NAV feed. The snapshot is read at deploy time, so a
   * rerun keeps the deployed source (its arguments are not compared).
   */
  private async priceSource(
    a: AssetConfig,
    token: string,
    primary: ResolvedFeed,
    second: ResolvedFeed,
    dev: number,
  ): Promise<string> {
    const src = a.source;
    if (src === undefined) throw new DeployError(`${a.symbol}: no source configured`);
    if (src.kind === "nav") {
      const nav = { ...primary, maxAge: 0 };
      return this.contract(`source:${a.symbol}`, "NavSource", [nav, src.ttl]);
    }
    const base = await this.contract(`source:${a.symbol}:base`, "ChainlinkSource", [primary, second, dev]);
    let snapshotRate = 10n ** BigInt(src.rateDecimals);
    let snapshotTime = 1n;
    if (!pending(token) && !this.dryRun) {
      const view =
        src.rate === "stEthPerToken"
          ? new Contract(token, ["function stEthPerToken() view returns (uint256)"], this.ethers.provider)
          : new Contract(token, ["function convertToAssets(uint256) view returns (uint256)"], this.ethers.provider);
      snapshotRate = (
        src.rate === "stEthPerToken"
          ? await view.getFunction("stEthPerToken")()
          : await view.getFunction("convertToAssets")(10n ** BigInt(a.decimals))
      ) as bigint;
      snapshotTime = BigInt((await this.ethers.provider.getBlock("latest"))?.timestamp ?? 1);
    }
    const params = {
      base,
      rateProvider: token,
      rateSelector: id(src.rate === "stEthPerToken" ? "stEthPerToken()" : "convertToAssets(uint256)").slice(0, 10),
      rateHasArgument: src.rate === "erc4626",
      rateArgument: src.rate === "erc4626" ? 10n ** BigInt(a.decimals) : 0n,
      rateMaxAge: 0,
      rateDecimals: src.rateDecimals,
      snapshotRate,
      snapshotTime,
      maxYearlyGrowthBps: src.maxYearlyGrowthBps,
      minRateBps: src.minRateBps,
    };
    return this.contract(`source:${a.symbol}`, "RateAdjustedSource", [params], 0);
  }

  /** Each synthetic: its token, its rate curve, its Vault parameters and its flash-mint parameters. */
  private async deploySynthetics(
    core: CoreAddresses,
    models: Record<string, string>,
    tokens: Record<string, string>,
  ): Promise<void> {
    for (const s of this.config.synthetics) await this.deploySynthetic(core, s, models, tokens);
  }

  /** One synthetic (see `deploySynthetics`). */
  private async deploySynthetic(
    { manager, vault, treasury }: CoreAddresses,
    s: SyntheticConfig,
    models: Record<string, string>,
    tokens: Record<string, string>,
  ): Promise<void> {
    const token = await this.contract(
      `synthetic:${s.symbol}`,
      "SyntheticToken",
      [s.name, s.symbol, vault, manager, s.flashCap, s.flashFeeBps, treasury],
      4,
    ); // flash parameters are set below, not immutable
    const model = models[s.rateModel] ?? PENDING;
    await this.setRateCurve(s, model, token);
    await this.setSyntheticParams(vault, s, token, model, tokens);
    await this.setFlashParams(s, token, treasury);
  }

  /** A dynamic rate model's curve for synthetic `token` (`s.rateParams`; nothing for a fixed model). */
  private async setRateCurve(s: SyntheticConfig, model: string, token: string): Promise<void> {
    if (s.rateParams === undefined) return;
    const rp = s.rateParams;
    await this.call(
      `${s.rateModel}.setRateParams(${s.symbol})`,
      model,
      abiOf(DynamicRateModel__factory),
      "setRateParams",
      [token, rp],
      async () => {
        if (pending(token)) return false;
        const got = await connect(DynamicRateModel__factory, model, this.signer).rateParams(token);
        return (
          got.baseRate === rp.baseRate &&
          got.slopeLow === rp.slopeLow &&
          got.slopeHigh === rp.slopeHigh &&
          got.kink === rp.kink &&
          got.minRate === rp.minRate &&
          got.maxRate === rp.maxRate
        );
      },
    );
  }

  /** Adds synthetic `token` to the Vault, or brings its Vault parameters to the config's; records it in the manifest. */
  private async setSyntheticParams(
    vault: string,
    s: SyntheticConfig,
    token: string,
    model: string,
    tokens: Record<string, string>,
  ): Promise<void> {
    const vaultIface = abiOf(Vault__factory);
    const priceAsset = s.priceAsset === "USD" ? this.ethers.ZeroAddress : (tokens[s.priceAsset] ?? PENDING);
    const params = { priceAsset, rateModel: model, debtCeiling: s.debtCeiling, minDebt: s.minDebt };
    const existing = pending(vault, token) ? undefined : await this.synthIdOf(vault, token);
    if (existing === undefined) {
      await this.call(
        `Vault.addSynthetic(${s.symbol})`,
        vault,
        vaultIface,
        "addSynthetic",
        [token, params],
        async () => false,
      );
    } else {
      await this.call(
        `Vault.setSyntheticParams(${s.symbol})`,
        vault,
        vaultIface,
        "setSyntheticParams",
        [existing, params],
        async () => {
          const got = (await this.lensAt().synthetic(existing)).params;
          return (
            same(got.priceAsset, priceAsset) &&
            same(got.rateModel, model) &&
            got.debtCeiling === s.debtCeiling &&
            got.minDebt === s.minDebt
          );
        },
      );
    }
    const synthId = pending(vault, token) ? undefined : await this.synthIdOf(vault, token);
    this.manifest.synthetics[s.symbol] = { token, synthId: synthId ?? -1, priceAsset: s.priceAsset };
  }

  /** The flash-mint cap and fee of synthetic `token`, paid to the Treasury. */
  private async setFlashParams(s: SyntheticConfig, token: string, treasury: string): Promise<void> {
    await this.call(
      `${s.symbol}.setFlashParams`,
      token,
      abiOf(SyntheticToken__factory),
      "setFlashParams",
      [s.flashCap, s.flashFeeBps, treasury],
      async () => {
        if (pending(token, treasury)) return false;
        const t = connect(SyntheticToken__factory, token, this.signer);
        return (
          (await t.flashCap()) === s.flashCap &&
          Number(await t.flashFeeBps()) === s.flashFeeBps &&
          same(await t.feeReceiver(), treasury)
        );
      },
    );
  }

  /** Lists each collateral asset on the Vault, or brings its risk parameters to the config's. */
  private async listCollateral({ vault }: CoreAddresses, tokens: Record<string, string>): Promise<void> {
    const c = this.config;
    const vaultIface = abiOf(Vault__factory);
    for (const a of c.assets) {
      const token = tokens[a.symbol] ?? PENDING;
      const listed = pending(vault, token) ? false : (await this.vaultAt(vault).assetConfig(token)).listed;
      const r = a.risk;
      const params = { ...r };
      if (!listed) {
        await this.call(
          `Vault.listAsset(${a.symbol})`,
          vault,
          vaultIface,
          "listAsset",
          [token, params],
          async () => false,
        );
      } else {
        await this.call(
          `Vault.setAssetParams(${a.symbol})`,
          vault,
          vaultIface,
          "setAssetParams",
          [token, params],
          async () => {
            const got = await this.vaultAt(vault).assetConfig(token);
            return (
              Number(got.maxLtvBps) === r.maxLtvBps &&
              Number(got.liqThresholdBps) === r.liqThresholdBps &&
              Number(got.liqPenaltyBps) === r.liqPenaltyBps &&
              got.supplyCap === r.supplyCap &&
              got.frozen === r.frozen
            );
          },
        );
      }
      if (a.source?.kind === "nav") {
        const { floorBps, grace } = a.source.lapse;
        await this.call(
          `Vault.setLapseParams(${a.symbol})`,
          vault,
          vaultIface,
          "setLapseParams",
          [token, floorBps, grace],
          async () => {
            if (pending(vault, token)) return false;
            const raw = BigInt(await this.vaultAt(vault).extSload(lapseSlot(token)));
            return Number(raw & 0xffffn) === floorBps && Number((raw >> 16n) & 0xffffffffn) === grace;
          },
        );
      }
    }
  }

  /** The LiquidationEngine, wired into the Vault, then its parameters, keeper pay and auction caps. */
  private async deployEngine({ manager, vault }: CoreAddresses, tokens: Record<string, string>): Promise<string> {
    const vaultIface = abiOf(Vault__factory);
    const engine = await this.contract("LiquidationEngine", "LiquidationEngine", [manager, vault]);
    await this.call("Vault.setLiquidationEngine", vault, vaultIface, "setLiquidationEngine", [engine], async () =>
      same(await this.vaultAt(vault).liquidationEngine(), engine),
    );
    await this.setEngineParams(engine);
    await this.setKeeperPay(engine);
    await this.setAuctionCaps(engine, tokens);
    return engine;
  }

  /** The engine's liquidation and auction parameters, when the config sets them (else the contract's defaults). */
  private async setEngineParams(engine: string): Promise<void> {
    const c = this.config;
    const E = () => connect(LiquidationEngine__factory, engine, this.signer);
    const engineIface = abiOf(LiquidationEngine__factory);
    if (c.liquidation !== undefined) {
      const lp = c.liquidation;
      await this.call(
        "LiquidationEngine.setLiquidationParams",
        engine,
        engineIface,
        "setLiquidationParams",
        [lp],
        async () => {
          const got = await E().liquidationParams();
          return got.targetHealth === lp.targetHealth && got.fullLiquidationHealth === lp.fullLiquidationHealth;
        },
      );
    }
    if (c.auction !== undefined) {
      const ap = { ...c.auction, curve: c.auction.curve === "Linear" ? 0 : 1 };
      await this.call("LiquidationEngine.setAuctionParams", engine, engineIface, "setAuctionParams", [ap], async () => {
        const got = await E().auctionParams();
        return (
          Number(got.startBufferBps) === ap.startBufferBps &&
          Number(got.resetBelowBps) === ap.resetBelowBps &&
          Number(got.curve) === ap.curve &&
          Number(got.duration) === ap.duration &&
          Number(got.step) === ap.step &&
          Number(got.cutBps) === ap.cutBps &&
          Number(got.maxDuration) === ap.maxDuration
        );
      });
    }
  }

  /** Each synthetic's keeper pay (tip, chip, cap). */
  private async setKeeperPay(engine: string): Promise<void> {
    const E = () => connect(LiquidationEngine__factory, engine, this.signer);
    const engineIface = abiOf(LiquidationEngine__factory);
    for (const s of this.config.synthetics) {
      const synthId = this.manifest.synthetics[s.symbol]?.synthId ?? -1;
      const k = s.keeper;
      await this.call(
        `LiquidationEngine.setKeeperParams(${s.symbol})`,
        engine,
        engineIface,
        "setKeeperParams",
        [synthId < 0 ? PENDING : synthId, k],
        async () => {
          if (synthId < 0) return false;
          const got = await E().keeperParams(synthId);
          return got.tip === k.tip && Number(got.chipBps) === k.chipBps && got.maxPay === k.maxPay;
        },
      );
    }
  }

  /** The caps on debt value in auction: global, and per collateral asset. */
  private async setAuctionCaps(engine: string, tokens: Record<string, string>): Promise<void> {
    const c = this.config;
    const E = () => connect(LiquidationEngine__factory, engine, this.signer);
    const engineIface = abiOf(LiquidationEngine__factory);
    await this.call(
      "LiquidationEngine.setGlobalCap",
      engine,
      engineIface,
      "setGlobalCap",
      [c.globalAuctionCap],
      async () => (await E().globalCap()) === c.globalAuctionCap,
    );
    for (const a of c.assets) {
      const token = tokens[a.symbol] ?? PENDING;
      await this.call(
        `LiquidationEngine.setAssetCap(${a.symbol})`,
        engine,
        engineIface,
        "setAssetCap",
        [token, a.auctionCap],
        async () => !pending(token) && (await E().assetCap(token)) === a.auctionCap,
      );
    }
  }

  /**
   * The proof-of-reserves lens and the emergency settlement, which holds SETTLEMENT and measures the backing itself
   * (the PositionLens is deployed with the Vault: the deploy reads through it).
   */
  private async deployLensesAndSettlement({ manager, vault }: CoreAddresses): Promise<string> {
    await this.contract("ReserveLens", "ReserveLens", [vault]);
    const settlement = await this.contract("Settlement", "Settlement", [manager, vault]);
    return settlement;
  }

  /**
   * Each stability module (`config.stabilityModules`): deployed with its fees and band, added to the Vault with its
   * ceiling, or brought to the config's ceiling, fees and band. Returns the modules' addresses.
   */
  private async deployModules({ manager, vault }: CoreAddresses, tokens: Record<string, string>): Promise<string[]> {
    const vaultIface = abiOf(Vault__factory);
    const moduleIface = abiOf(StabilityModule__factory);
    const addresses: string[] = [];
    for (const m of this.config.stabilityModules ?? []) {
      const name = `StabilityModule:${m.synthetic}/${m.reserve}`;
      const synthId = this.manifest.synthetics[m.synthetic]?.synthId ?? -1;
      const reserve = tokens[m.reserve] ?? PENDING;
      const config = {
        feeInBps: m.feeInBps,
        feeOutBps: m.feeOutBps,
        bandBps: m.bandBps,
        frozenIn: false,
        frozenOut: false,
      };
      const module = await this.contract(
        name,
        "StabilityModule",
        [manager, vault, synthId < 0 ? PENDING : synthId, reserve, config],
        4,
      ); // fees and band have setters: not immutable
      addresses.push(module);
      const line = async () => await this.lensAt().moduleLine(module);
      const active = pending(module, vault) ? false : (await line()).active;
      if (!active) {
        await this.call(
          `Vault.addModule(${m.synthetic}/${m.reserve})`,
          vault,
          vaultIface,
          "addModule",
          [module, m.ceiling],
          async () => false,
        );
      } else {
        await this.call(
          `Vault.setModuleCeiling(${m.synthetic}/${m.reserve})`,
          vault,
          vaultIface,
          "setModuleCeiling",
          [module, m.ceiling],
          async () => (await line()).ceiling === m.ceiling,
        );
      }
      const M = () => connect(StabilityModule__factory, module, this.signer);
      await this.call(`${name}.setFees`, module, moduleIface, "setFees", [m.feeInBps, m.feeOutBps], async () => {
        if (pending(module)) return false;
        const c = await M().config();
        return Number(c.feeInBps) === m.feeInBps && Number(c.feeOutBps) === m.feeOutBps;
      });
      await this.call(
        `${name}.setBand`,
        module,
        moduleIface,
        "setBand",
        [m.bandBps],
        async () => !pending(module) && Number((await M().config()).bandBps) === m.bandBps,
      );
    }
    return addresses;
  }

  /**
   * Each savings token (`config.savings`), its buyback sink and mock venue where configured, and the Treasury's sinks
   * and surplus policy for the synthetic.
   */
  private async deploySavings({ oracle, treasury }: CoreAddresses, tokens: Record<string, string>): Promise<void> {
    const treasuryIface = abiOf(Treasury__factory);
    const T = () => connect(Treasury__factory, treasury, this.signer);
    for (const v of this.config.savings ?? []) {
      const synth = this.manifest.synthetics[v.synthetic];
      const token = synth?.token ?? PENDING;
      const synthId = synth === undefined || synth.synthId < 0 ? PENDING : synth.synthId;
      const savings = await this.contract(`SavingsToken:${v.symbol}`, "SavingsToken", [
        token,
        v.name,
        v.symbol,
        v.vestingPeriod,
      ]);
      let sink = this.ethers.ZeroAddress;
      if (v.buyback !== undefined) {
        const b = v.buyback;
        const asset = tokens[b.asset] ?? PENDING;
        // priced by the oracle: a mock of a market that tracks it (the sink still bounds every buyback by the oracle)
        const venue = await this.contract(`venue:${v.synthetic}/${b.asset}`, "MockSwapVenue", [oracle]);
        // it mints the asset it sells; the synthetic it pays from what it holds (the Router's flows that sell
        // collateral: fund it with the synthetic, e.g. `ballast swap-in USDC <units> --to <venue>`)
        await this.call(
          `venue:${v.synthetic}/${b.asset}.setInventory(${v.synthetic})`,
          venue,
          abiOf(MockSwapVenue__factory),
          "setInventory",
          [token, true],
          async () => connect(MockSwapVenue__factory, venue, this.signer).fromInventory(token),
        );
        const recipient = b.recipient === "deployer" ? this.signer.address : this.ethers.getAddress(b.recipient);
        sink = await this.contract(`BuybackSink:${v.synthetic}/${b.asset}`, "BuybackSink", [
          asset,
          recipient,
          venue,
          oracle,
          b.slippageBps,
        ]);
      }
      await this.call(
        `Treasury.setSinks(${v.synthetic})`,
        treasury,
        treasuryIface,
        "setSinks",
        [synthId, { savings, buyback: sink }],
        async () => {
          const got = await T().sinks(synthId);
          return same(got.savings, savings) && same(got.buyback, sink);
        },
      );
      const p = v.policy;
      await this.call(
        `Treasury.setPolicy(${v.synthetic})`,
        treasury,
        treasuryIface,
        "setPolicy",
        [synthId, p],
        async () => {
          const got = await T().policy(synthId);
          return (
            got.buffer === p.buffer &&
            got.maxAmount === p.maxAmount &&
            Number(got.minDuration) === p.minDuration &&
            Number(got.minInterval) === p.minInterval &&
            Number(got.maxShareBps) === p.maxShareBps &&
            Number(got.savingsBps) === p.savingsBps &&
            Number(got.buybackBps) === p.buybackBps
          );
        },
      );
    }
  }

  /**
   * The opt-in PreLiquidation contract (when the config has one): immutable, no role; owners opt in by granting it
   * the repay-with-collateral right on their positions.
   */
  private async deployPreLiquidation({ vault }: CoreAddresses): Promise<string | undefined> {
    const pre = this.config.preLiquidation;
    if (pre === undefined) return undefined;
    return this.contract("PreLiquidation", "PreLiquidation", [
      vault,
      pre.preHealth,
      pre.closeFactorBps.map(BigInt),
      pre.incentiveBps.map(BigInt),
    ]);
  }

  /**
   * The Redemptions contract (when the config has redemptions), set as the Vault's redeemer, and each synthetic's
   * redemption parameters. Returns its address, or undefined without redemptions.
   */
  private async deployRedemptions({ manager, vault }: CoreAddresses): Promise<string | undefined> {
    const list = this.config.redemptions ?? [];
    if (list.length === 0) return undefined;
    const redemptions = await this.contract("Redemptions", "Redemptions", [manager, vault]);
    await this.call("Vault.setRedeemer", vault, abiOf(Vault__factory), "setRedeemer", [redemptions], async () =>
      same(await this.lensAt().redeemer(), redemptions),
    );
    const R = () => connect(Redemptions__factory, redemptions, this.signer);
    for (const r of list) {
      const synthId = this.manifest.synthetics[r.synthetic]?.synthId ?? -1;
      const params = {
        redeemableHealth: r.redeemableHealth,
        minFeeBps: r.minFeeBps,
        maxFeeBps: r.maxFeeBps,
        halfLife: r.halfLife,
      };
      await this.call(
        `Redemptions.setParams(${r.synthetic})`,
        redemptions,
        abiOf(Redemptions__factory),
        "setParams",
        [synthId < 0 ? PENDING : synthId, params],
        async () => {
          const got = await R().params(synthId);
          return (
            got.redeemableHealth === r.redeemableHealth &&
            Number(got.minFeeBps) === r.minFeeBps &&
            Number(got.maxFeeBps) === r.maxFeeBps &&
            Number(got.halfLife) === r.halfLife
          );
        },
      );
    }
    return redemptions;
  }

  /**
   * The one-transaction Router (`config.router`): periphery with no role and nothing to configure; it acts on a
   * position only as the manager its owner appoints.
   */
  private async deployRouter({ vault }: CoreAddresses): Promise<void> {
    const r = this.config.router;
    if (r === undefined) return;
    await this.contract("Router", "Router", [vault, r.permit2]);
  }

  /**
   * The InstrumentVault (`config.instruments`): fully backed options and binaries on the shared AccessManager and
   * OracleAdapter, its settlement parameters (set in the constructor, brought to the config's by its setter on a
   * rerun), each underlying enabled and each quote asset listed. Returns its address, or undefined without instruments.
   */
  private async deployInstruments(
    { manager, oracle }: CoreAddresses,
    tokens: Record<string, string>,
  ): Promise<string | undefined> {
    const ins = this.config.instruments;
    if (ins === undefined) return undefined;
    const p = ins.settlement;
    const params = {
      disputeWindow: p.disputeWindow,
      maxCorrectionBps: p.maxCorrectionBps,
      fallbackDelay: p.fallbackDelay,
      voidDelay: p.voidDelay,
    };
    // the parameters have a setter: only the manager and the oracle are immutable
    const vault = await this.contract("InstrumentVault", "InstrumentVault", [manager, oracle, params], 2);
    const iface = abiOf(InstrumentVault__factory);
    const V = () => connect(InstrumentVault__factory, vault, this.signer);
    await this.call("InstrumentVault.setSettlementParams", vault, iface, "setSettlementParams", [params], async () => {
      const got = await V().settlementParams();
      return (
        Number(got.disputeWindow) === p.disputeWindow &&
        Number(got.maxCorrectionBps) === p.maxCorrectionBps &&
        Number(got.fallbackDelay) === p.fallbackDelay &&
        Number(got.voidDelay) === p.voidDelay
      );
    });
    for (const symbol of ins.underlyings) {
      const token = tokens[symbol] ?? PENDING;
      await this.call(
        `InstrumentVault.setUnderlying(${symbol})`,
        vault,
        iface,
        "setUnderlying",
        [token, true],
        async () => !pending(token) && (await V().isUnderlying(token)),
      );
    }
    for (const symbol of ins.quotes) {
      const token = tokens[symbol] ?? this.manifest.synthetics[symbol]?.token ?? PENDING;
      await this.call(
        `InstrumentVault.setQuote(${symbol})`,
        vault,
        iface,
        "setQuote",
        [token, true],
        async () => !pending(token) && (await V().isQuote(token)),
      );
    }
    return vault;
  }

  /**
   * Bounded risk automation (`config.risk`): the volatility observer, the risk oracle and the risk steward, and the
   * steward's bounds per parameter. Returns their addresses, or undefined when the config has none.
   */
  private async deployRiskAutomation(
    { manager, oracle, vault, engine }: CoreAddresses & { engine: string },
    tokens: Record<string, string>,
  ): Promise<{ riskOracle: string; steward: string } | undefined> {
    const r = this.config.risk;
    if (r === undefined) return undefined;
    const observer = await this.contract("VolatilityObserver", "VolatilityObserver", [
      oracle,
      r.observer.minInterval,
      r.observer.window,
    ]);
    const riskOracle = await this.contract("RiskOracle", "RiskOracle", [manager]);
    const steward = await this.contract("RiskSteward", "RiskSteward", [
      manager,
      vault,
      engine,
      riskOracle,
      observer,
      r.maxObservationAge,
    ]);
    const iface = abiOf(RiskSteward__factory);
    const addressOf = (symbol: string): string =>
      symbol === "global"
        ? this.ethers.ZeroAddress
        : (tokens[symbol] ?? this.manifest.synthetics[symbol]?.token ?? PENDING);
    for (const b of r.bounds) {
      const param = STEWARD_PARAMS.indexOf(b.param);
      const target = addressOf(b.target);
      const gate = b.volAsset ?? (b.maxVolatility > 0n && b.target !== "global" ? b.target : undefined);
      const bounds = {
        maxChangeBps: b.maxChangeBps,
        minInterval: b.minInterval,
        maxVolatility: b.maxVolatility,
        volAsset: gate === undefined ? this.ethers.ZeroAddress : addressOf(gate),
        minValue: b.minValue,
        maxValue: b.maxValue,
        step: b.step ?? 0n,
      };
      await this.call(
        `RiskSteward.setBounds(${b.param} ${b.target})`,
        steward,
        iface,
        "setBounds",
        [param, target, bounds],
        async () => {
          const got = await connect(RiskSteward__factory, steward, this.signer).boundsOf(param, target);
          return (
            Number(got.maxChangeBps) === bounds.maxChangeBps &&
            Number(got.minInterval) === bounds.minInterval &&
            got.maxVolatility === bounds.maxVolatility &&
            same(got.volAsset, bounds.volAsset) &&
            got.minValue === bounds.minValue &&
            got.maxValue === bounds.maxValue &&
            got.step === bounds.step
          );
        },
      );
    }
    return { riskOracle, steward };
  }

  /** Governance: each managed contract's function roles, the role grants, and the admin handoff. */
  private async applyGovernance(
    core: CoreAddresses & { engine: string; settlement: string },
    models: Record<string, string>,
    modules: string[],
    redemptions: string | undefined,
    risk: { riskOracle: string; steward: string } | undefined,
    instruments: string | undefined,
  ): Promise<void> {
    const { manager, oracle, vault, engine, settlement } = core;
    const c = this.config;
    const instances: Array<[ManagedContract, string]> = [
      ["Settlement", settlement],
      ["OracleAdapter", oracle],
      ["Vault", vault],
      ["LiquidationEngine", engine],
      ["Treasury", core.treasury],
      ...c.synthetics.map((s): [ManagedContract, string] => [
        "SyntheticToken",
        this.manifest.synthetics[s.symbol]?.token ?? PENDING,
      ]),
      ...Object.entries(c.rateModels)
        .filter(([, m]) => m.kind === "dynamic")
        .map(([key]): [ManagedContract, string] => ["DynamicRateModel", models[key] ?? PENDING]),
      ...modules.map((m): [ManagedContract, string] => ["StabilityModule", m]),
      ...(redemptions === undefined ? [] : [["Redemptions", redemptions] as [ManagedContract, string]]),
      ...(risk === undefined
        ? []
        : [
            ["RiskOracle", risk.riskOracle] as [ManagedContract, string],
            ["RiskSteward", risk.steward] as [ManagedContract, string],
          ]),
      ...(instruments === undefined ? [] : [["InstrumentVault", instruments] as [ManagedContract, string]]),
    ];
    for (const [kind, target] of instances) await this.applyRoles(kind, target);
    await this.grantRoles(manager, settlement, risk?.steward);
  }

  /** The role grants with their delays, then the admin handoff; records the role holders in the manifest. */
  private async grantRoles(manager: string, settlement: string, steward: string | undefined): Promise<void> {
    const c = this.config;
    const deployer = this.signer.address;
    const account = (a: string): string => (a === "deployer" ? deployer : this.ethers.getAddress(a));

    const roles = {
      admin: account(c.governance.admin),
      critical: account(c.governance.critical),
      governor: account(c.governance.governor),
      guardian: account(c.governance.guardian),
      settlement,
    };
    const publisher = c.risk === undefined ? undefined : account(c.risk.publisher);
    this.manifest.roles = {
      ...roles,
      ...(steward === undefined ? {} : { steward }),
      ...(publisher === undefined ? {} : { publisher }),
    };
    await this.grant("CRITICAL", roles.critical, c.governance.criticalDelay);
    await this.grant("GOVERNOR", roles.governor, c.governance.governorDelay);
    // the risk setters: governance with its delay, and the steward (bounded by its code) with none
    await this.grant("STEWARD", roles.governor, c.governance.governorDelay);
    if (steward !== undefined) await this.grant("STEWARD", steward, 0);
    if (publisher !== undefined) await this.grant("PUBLISHER", publisher, 0);
    await this.grant("GUARDIAN", roles.guardian, 0);
    await this.grant("SETTLEMENT", settlement, 0);
    if (!same(roles.admin, deployer)) {
      await this.grant("ADMIN", roles.admin, c.governance.adminDelay);
      await this.call(
        "AccessManager.renounceRole(ADMIN, deployer)",
        manager,
        abiOf(AccessManager__factory),
        "renounceRole",
        [ROLE_IDS.ADMIN, deployer],
        async () => !(await this.hasRole(ROLE_IDS.ADMIN, deployer)),
      );
    } else if (c.governance.adminDelay !== 0) {
      await this.grant("ADMIN", deployer, c.governance.adminDelay);
    }
  }

  /** The deployment's PositionLens, connected to the deployer. */
  private lensAt(): PositionLens {
    return connect(PositionLens__factory, this.lens, this.signer);
  }

  /** The Vault at `addr`, connected to the deployer. */
  private vaultAt(addr: string): Vault {
    return connect(Vault__factory, addr, this.signer);
  }

  /** Ends the run: writes the manifest if it changed, prints the summary. */
  finish(): DeployResult {
    const changed = this.before === undefined || !sameDeployment(this.before, this.manifest);
    if (changed) this.manifest.commit = gitCommit();
    if (changed) this.save();
    const l = this.log;
    for (const p of this.proposals) {
      l(
        `  proposal: ${p.description}\n    AccessManager.schedule(${p.target}, ${p.data}, 0), then execute after the delay`,
      );
    }
    if (this.dryRun) {
      l(
        `dry run: up to ${this.planned} transaction(s) would be sent, ${this.proposals.length} change(s) need governance; nothing sent`,
      );
    } else {
      l(
        `done: ${this.sent} transaction(s), ${formatGas(this.gasUsed)} gas; ` +
          `${this.proposals.length} change(s) need governance; ` +
          (this.path === null ? "manifest in memory" : `manifest ${changed ? "written" : "unchanged"}: ${this.path}`),
      );
    }
    return {
      manifest: this.manifest,
      sent: this.sent,
      planned: this.planned,
      gasUsed: this.gasUsed,
      proposals: this.proposals,
      manifestChanged: changed,
      manifestPath: this.path,
    };
  }

  // ------------------------------------------------------------------------------------------------------------
  // Steps
  // ------------------------------------------------------------------------------------------------------------

  /**
   * Reuses contract `name` from the manifest when its code is on chain, else deploys `artifact` with `args`. A reused
   * contract whose immutable constructor arguments (the first `immutableArgs`, default all) differ from the config's
   * is reported: it cannot change in place.
   */
  private async contract(
    name: string,
    artifact: keyof typeof ARTIFACTS,
    args: unknown[],
    immutableArgs = args.length,
  ): Promise<string> {
    const fqn = ARTIFACTS[artifact];
    const recorded = this.manifest.contracts[name];
    const stored = args.map(toJson);
    if (recorded !== undefined && (await hasCode(this.ethers, recorded.address))) {
      const fixed = (a: unknown[]): string => JSON.stringify(a.slice(0, immutableArgs));
      if (recorded.contract !== fqn || fixed(recorded.args) !== fixed(stored)) {
        if (!stored.includes(PENDING)) {
          this.log(
            `  ! ${name} at ${recorded.address} was deployed with other constructor arguments than the config ` +
              `gives now (${JSON.stringify(recorded.args)} vs ${JSON.stringify(stored)}); they are immutable: remove it ` +
              `from the manifest to deploy a new one`,
          );
        }
      }
      this.log(`  ok    ${name} at ${recorded.address}`);
      return recorded.address;
    }
    if (this.dryRun || args.includes(PENDING)) {
      this.planned++;
      this.log(`  plan  deploy ${name} (${artifact})`);
      return PENDING;
    }
    const factory = await this.factory(artifact);
    const receipt = await this.send(`deploy ${name}`, await factory.getDeployTransaction(...args));
    const address = receipt.contractAddress;
    if (address === null) throw new DeployError(`deploying ${name}: the receipt of ${receipt.hash} has no contract`);
    const entry: DeployedContract = {
      address,
      contract: fqn,
      args: stored,
      block: receipt.blockNumber,
      tx: receipt.hash,
    };
    this.manifest.contracts[name] = entry;
    if (this.manifest.startBlock === 0 || receipt.blockNumber < this.manifest.startBlock)
      this.manifest.startBlock = receipt.blockNumber;
    this.sent++;
    this.gasUsed += receipt.gasUsed;
    this.log(`  sent  deploy ${name} at ${address} (tx ${receipt.hash}, ${formatGas(receipt.gasUsed)} gas)`);
    this.save();
    return address;
  }

  /**
   * A configuration call `fn(args)` on `target`, skipped when `isDone()` (the on-chain value already matches). Sent
   * when the deployer may call it at once, else recorded as a proposal. Planned only on a dry run.
   */
  private async call(
    label: string,
    target: string,
    iface: Interface,
    fn: string,
    args: unknown[],
    isDone: () => Promise<boolean>,
  ): Promise<void> {
    if (
      pending(target) ||
      args.some((a) => a === PENDING || (typeof a === "object" && a !== null && Object.values(a).includes(PENDING)))
    ) {
      this.planned++;
      this.log(`  plan  ${label} (after the deploys above)`);
      return;
    }
    if (await isDone()) {
      this.log(`  ok    ${label}`);
      return;
    }
    const fragment = iface.getFunction(fn);
    if (fragment === null) throw new DeployError(`${label}: no function ${fn}`);
    const data = iface.encodeFunctionData(fragment, args);
    if (!(await this.canCallNow(target, fragment.selector))) {
      this.proposals.push({ description: label, target, data });
      this.log(`  gov   ${label}: the deployer may not call it at once; listed as a governance proposal`);
      return;
    }
    if (this.dryRun) {
      this.planned++;
      this.log(`  plan  ${label}`);
      return;
    }
    const receipt = await this.send(label, { to: target, data });
    this.sent++;
    this.gasUsed += receipt.gasUsed;
    this.log(`  sent  ${label} (tx ${receipt.hash}, ${formatGas(receipt.gasUsed)} gas)`);
  }

  /**
   * Sends `tx` with the gas margin and waits for the config's confirmations; a failure stops the deploy with one
   * line saying what happened and what to do (what was sent before stays in the manifest: a rerun resumes).
   */
  private async send(label: string, tx: TransactionRequest): Promise<TransactionReceipt> {
    try {
      return await sendTx(this.signer, tx, {
        gasMarginBps: this.gasMarginBps,
        confirmations: this.config.confirmations,
      });
    } catch (e) {
      const why = await explainFailure(e, { network: this.network, account: this.signer.address });
      throw new DeployError(`${label} failed: ${why}; rerun the deploy to resume from the manifest`);
    }
  }

  /** A feed: a mock deployed (with its answer) where configured, with bounds resolved. */
  private async feed(name: string, f: FeedConfig): Promise<ResolvedFeed> {
    const aggregator = isMock(f.aggregator)
      ? await this.mockFeed(name, f.aggregator.mock)
      : this.ethers.getAddress(f.aggregator);
    let { minAnswer, maxAnswer } = f;
    if (minAnswer === "aggregator" || maxAnswer === "aggregator") {
      const bounds = await this.aggregatorBounds(name, aggregator);
      if (minAnswer === "aggregator") minAnswer = bounds.min;
      if (maxAnswer === "aggregator") maxAnswer = bounds.max;
    }
    return { aggregator, maxAge: f.maxAge, minAnswer, maxAnswer };
  }

  /**
   * A mock feed of `spec.kind` with its initial answer: a `MockV3Aggregator` takes it in its constructor; a `MockFeed`
   * is deployed, then publishes it (`setAnswer`) unless it has published a round already. The answer is where a
   * fresh mock starts, not a parameter: a rerun never resets an answer moved since (`set-price`, a test).
   */
  private async mockFeed(name: string, spec: MockFeedSpec["mock"]): Promise<string> {
    if ((spec.kind ?? "MockV3Aggregator") === "MockV3Aggregator") {
      return this.contract(name, "MockV3Aggregator", [spec.decimals, spec.answer], 1);
    }
    const feed = await this.contract(name, "MockFeed", [spec.decimals]);
    await this.call(`${name}.setAnswer`, feed, abiOf(MockFeed__factory), "setAnswer", [spec.answer], async () => {
      try {
        return (await connect(MockFeed__factory, feed, this.signer).latestRoundData())[3] !== 0n; // updatedAt
      } catch {
        return true; // set to misbehave on purpose (`setMode`): it has been configured since
      }
    });
    return feed;
  }

  /**
   * The min/max answer of the aggregator behind Chainlink proxy `proxy`, clamped to what the OracleAdapter stores
   * (int128; the aggregator never reports beyond its own bounds, so the clamp refuses nothing it could report).
   */
  private async aggregatorBounds(name: string, proxy: string): Promise<{ min: bigint; max: bigint }> {
    const abi = [
      "function aggregator() view returns (address)",
      "function minAnswer() view returns (int192)",
      "function maxAnswer() view returns (int192)",
    ];
    try {
      const p = new this.ethers.Contract(proxy, abi, this.ethers.provider);
      const inner = new this.ethers.Contract(
        (await p.getFunction("aggregator")()) as string,
        abi,
        this.ethers.provider,
      );
      const min = (await inner.getFunction("minAnswer")()) as bigint;
      const max = (await inner.getFunction("maxAnswer")()) as bigint;
      const INT128_MAX = 2n ** 127n - 1n;
      return { min: min < 0n ? 0n : min, max: max > INT128_MAX ? INT128_MAX : max };
    } catch (e) {
      throw new DeployError(
        `${name}: cannot read minAnswer/maxAnswer from the aggregator behind ${proxy} ` +
          `(${(e as Error).message.split("\n")[0]}); is it a Chainlink feed proxy on this chain? Or set the bounds in the config`,
      );
    }
  }

  /** Assigns every function of `kind` in the role table to its role on `target`. */
  private async applyRoles(kind: ManagedContract, target: string): Promise<void> {
    const iface = await this.interfaceOf(kind);
    const byRole = new Map<bigint, string[]>();
    for (const [fn, role] of Object.entries(ROLE_TABLE[kind])) {
      const f = iface.getFunction(fn);
      if (f === null) throw new DeployError(`deploy/roles.ts: ${kind} has no function "${fn}"`);
      const id = ROLE_IDS[role];
      byRole.set(id, [...(byRole.get(id) ?? []), f.selector]);
    }
    const manager = this.manager;
    for (const [role, selectors] of byRole) {
      const roleName = Object.entries(ROLE_IDS).find(([, v]) => v === role)?.[0] ?? String(role);
      let missing = selectors;
      if (manager !== undefined && !pending(target)) {
        missing = [];
        for (const s of selectors) if ((await manager.getTargetFunctionRole(target, s)) !== role) missing.push(s);
      }
      if (missing.length === 0) {
        this.log(`  ok    roles: ${kind} ${target.slice(0, 10)}… ${selectors.length} function(s) → ${roleName}`);
        continue;
      }
      await this.call(
        `roles: ${kind} ${pending(target) ? "" : target.slice(0, 10) + "… "}${missing.length} function(s) → ${roleName}`,
        manager === undefined ? PENDING : await manager.getAddress(),
        abiOf(AccessManager__factory),
        "setTargetFunctionRole",
        [target, missing, role],
        async () => false,
      );
    }
  }

  /** Grants `role` to `account` with execution delay `delay` [s] unless it holds it with that delay already. */
  private async grant(role: keyof typeof ROLE_IDS, account: string, delay: number): Promise<void> {
    const manager = this.manager;
    const id = ROLE_IDS[role];
    await this.call(
      `AccessManager.grantRole(${role}, ${account}, delay ${delay} s)`,
      manager === undefined ? PENDING : await manager.getAddress(),
      abiOf(AccessManager__factory),
      "grantRole",
      [id, account, delay],
      async () => {
        if (manager === undefined) return false;
        const [since, current, pendingDelay, effect] = await manager.getAccess(id, account);
        return since !== 0n && (Number(current) === delay || (effect !== 0n && Number(pendingDelay) === delay));
      },
    );
  }

  private async hasRole(id: bigint, account: string): Promise<boolean> {
    if (this.manager === undefined) return false;
    return (await this.manager.hasRole(id, account))[0];
  }

  /** Whether the deployer may call `selector` on `target` now (its role, no delay). */
  private async canCallNow(target: string, selector: string): Promise<boolean> {
    if (this.manager === undefined) return true;
    const [immediate] = await this.manager.canCall(this.signer.address, target, selector);
    return immediate;
  }

  private async interfaceOf(kind: ManagedContract): Promise<Interface> {
    return (await this.factory(kind)).interface;
  }

  /** The contract factory of `artifact`, connected to the deployer (read from the artifacts once per run). */
  private async factory(artifact: keyof typeof ARTIFACTS): Promise<ContractFactory> {
    let factory = this.factories.get(artifact);
    if (factory === undefined) {
      factory = await this.ethers.getContractFactory(artifact, this.signer);
      this.factories.set(artifact, factory);
    }
    return factory;
  }

  private async synthIdOf(vault: string, token: string): Promise<number | undefined> {
    const n = Number(await connect(Vault__factory, vault, this.signer).syntheticCount());
    for (let i = 0; i < n; i++) if (same((await this.lensAt().synthetic(i)).token, token)) return i;
    return undefined;
  }

  private async checkDecimals(symbol: string, token: string, expected: number): Promise<void> {
    let got: number;
    try {
      const erc20 = new this.ethers.Contract(token, ["function decimals() view returns (uint8)"], this.ethers.provider);
      got = Number(await erc20.getFunction("decimals")());
    } catch {
      throw new DeployError(`asset ${symbol}: ${token} does not answer decimals(); is it a token on this chain?`);
    }
    if (got !== expected)
      throw new DeployError(`asset ${symbol}: the token has ${got} decimals, the config says ${expected}`);
  }

  /** Writes the manifest (not on a dry run, nor when it lives in memory only). */
  private save(): void {
    if (!this.dryRun && this.path !== null) writeManifest(this.path, this.manifest);
  }
}

// ----------------------------------------------------------------------------------------------------------------
// Helpers
// ----------------------------------------------------------------------------------------------------------------

async function hasCode(ethers: HardhatEthers, address: string | undefined): Promise<boolean> {
  if (address === undefined) return false;
  return (await ethers.provider.getCode(address)) !== "0x";
}

/** The Vault's storage word of `asset`'s lapse terms (`_lapses`, slot 17: `VaultReader.LAPSES_SLOT`). */
function lapseSlot(asset: string): string {
  return keccak256(AbiCoder.defaultAbiCoder().encode(["address", "uint256"], [asset, 17n]));
}

function pending(...values: string[]): boolean {
  return values.includes(PENDING);
}

function same(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function sameFeed(
  got: { aggregator: string; maxAge: bigint; minAnswer: bigint; maxAnswer: bigint },
  want: { aggregator: string; maxAge: number; minAnswer: bigint; maxAnswer: bigint },
): boolean {
  return (
    same(got.aggregator, want.aggregator) &&
    Number(got.maxAge) === want.maxAge &&
    got.minAnswer === want.minAnswer &&
    got.maxAnswer === want.maxAnswer
  );
}

const interfaces = new Map<object, Interface>();

/** The interface of a TypeChain factory's ABI, parsed once per process (parsing a large ABI costs more than a call). */
function abiOf(factory: { createInterface(): Interface }): Interface {
  let iface = interfaces.get(factory);
  if (iface === undefined) {
    iface = factory.createInterface();
    interfaces.set(factory, iface);
  }
  return iface;
}

/** `factory.connect(address, runner)`, on the interface `abiOf` parsed once. */
function connect<C>(
  factory: { createInterface(): Interface; connect(address: string, runner?: ContractRunner | null): C },
  address: string,
  runner: ContractRunner,
): C {
  return new Contract(address, abiOf(factory), runner) as unknown as C;
}

function toJson(x: unknown): string | number | boolean {
  if (typeof x === "bigint") return x.toString();
  if (typeof x === "number" || typeof x === "boolean" || typeof x === "string") return x;
  if (typeof x === "object" && x !== null)
    return JSON.stringify(x, (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
  return String(x);
}
