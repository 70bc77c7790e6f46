/**
 * What every Ballast task starts from: the deployed system of the chain the task is connected to, read from its
 * manifest (sdk/manifest.ts `locateManifest`: `deployments/<network>-<chain id>-<genesis>.json`, or
 * `BALLAST_MANIFEST`), with TypeChain-typed contracts, the acting account, asset and synthetic lookups by symbol,
 * amounts in human units, and `transact`, which sends with the network's gas margin and turns any failure into one
 * line (sdk/errors.ts). Failures are `TaskError`s whose message says what to do.
 *
 * Units: `[token]` a token's own decimals, `[wad]` 1e18.
 */
import {
  type ContractTransaction,
  type Provider,
  type Signer,
  type TransactionReceipt,
  ZeroAddress,
  getAddress,
  isAddress,
} from "ethers";
import { type Manifest, locateManifest, otherChain, readManifest } from "./manifest.js";
import {
  type InstrumentVault,
  InstrumentVault__factory,
  type LiquidationEngine,
  LiquidationEngine__factory,
  type MockERC20,
  MockERC20__factory,
  type OracleAdapter,
  OracleAdapter__factory,
  type PositionLens,
  PositionLens__factory,
  type RiskOracle,
  RiskOracle__factory,
  type RiskSteward,
  RiskSteward__factory,
  type PreLiquidation,
  PreLiquidation__factory,
  type SyntheticToken,
  SyntheticToken__factory,
  type Treasury,
  Treasury__factory,
  type Vault,
  Vault__factory,
  type VolatilityObserver,
  VolatilityObserver__factory,
} from "../typechain-types/index.js";
import { AmountError, parseAmount } from "./units.js";
import { formatAmount, formatGas, formatHealth, formatWad } from "./format.js";
import { type ErrorContext, explainFailure } from "./errors.js";
import { gasMarginFor, sendTx } from "./tx.js";
import { describePermissions } from "./permissions.js";

/** An account that signs: an ethers `Signer` that knows its address (a Hardhat signer, a `Wallet`). */
export type Account = Signer & { readonly address: string };

/**
 * What the system needs of a connection: its provider, its accounts and the ethers helpers the tasks use. A Hardhat
 * connection's `ethers` is one; so is `{ ...ethers, provider, getSigners: async () => [wallet] }` outside Hardhat.
 */
export interface Connection {
  provider: Provider;
  getSigners(): Promise<Account[]>;
  ZeroAddress: typeof ZeroAddress;
  getAddress: typeof getAddress;
  isAddress: typeof isAddress;
}

/** A failure a person can act on: the message says what was wrong and what to do. */
export class TaskError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TaskError";
  }
}

/** One collateral asset of the deployment. `token` is typed as the mock (a superset of ERC-20) for `mint`. */
export interface AssetHandle {
  symbol: string;
  address: string;
  decimals: number;
  /** Whether it is a mock anyone may mint (test networks). */
  mock: boolean;
  token: MockERC20;
  feed: string;
}

/** One synthetic of the deployment. */
export interface SynthHandle {
  symbol: string;
  address: string;
  synthId: bigint;
  token: SyntheticToken;
  /** "USD" or the symbol of the asset whose price it tracks. */
  priceAsset: string;
}

export interface System {
  network: string;
  manifest: Manifest;
  /** Where the manifest was read from. */
  manifestPath: string;
  ethers: Connection;
  /** The account the task acts as. */
  signer: Account;
  /** `--from` as the user gave it ("0" by default), kept in the commands messages suggest. */
  from: string;
  vault: Vault;
  engine: LiquidationEngine;
  /** Views over the Vault and the engine (auctions, health in batches, raw fields). */
  lens: PositionLens;
  oracle: OracleAdapter;
  treasury: Treasury;
  /** The risk automation (observer, risk oracle, steward), where the deployment has it. */
  risk?: { observer: VolatilityObserver; riskOracle: RiskOracle; steward: RiskSteward };
  /** The opt-in pre-liquidation, where the deployment has it. */
  preLiquidation?: PreLiquidation;
  /** Fully backed options and binaries, where the deployment has them. */
  instruments?: InstrumentVault;
  assets: AssetHandle[];
  synthetics: SynthHandle[];
  /** [bps] Gas limit over each estimate (the tasks pass deploy/config/networks.ts `gasMarginOf`). */
  gasMarginBps: number;
  /** What the failure decoder needs to speak in this deployment's units and commands. */
  errors: ErrorContext;
  /** Where the task prints. */
  log: (line: string) => void;
}

export interface LoadOptions {
  /** The manifest file. Default: `locateManifest` (BALLAST_MANIFEST, else the connected chain's keyed file). */
  manifestPath?: string;
  /** The acting account: a signer index ("0", "1", ...) or an address among the connection's signers. Default 0. */
  from?: string;
  /**
   * [bps] The gas margin. The tasks and the keeper pass the network's (deploy/config/networks.ts `gasMarginOf`).
   * Default: `BALLAST_GAS_MARGIN_BPS`, else `DEFAULT_GAS_MARGIN_BPS` (the local networks' margin).
   */
  gasMarginBps?: number;
  log?: (line: string) => void;
}

/** Loads the deployment on the chain `ethers` is connected to (`network` names it) and checks that it is there. */
export async function loadSystem(ethers: Connection, network: string, opts: LoadOptions = {}): Promise<System> {
  const location = await locateManifest(ethers.provider, network);
  const path = opts.manifestPath ?? location.path;
  const manifest = readManifest(path);
  const deployHint = `run \`npm run deploy -- --network ${network}\` first`;
  if (manifest === undefined) {
    throw new TaskError(`no Ballast deployment on "${network}" for this chain (no ${path}): ${deployHint}`);
  }
  const elsewhere = otherChain(manifest, location.key, path);
  if (elsewhere !== undefined) throw new TaskError(`${elsewhere}: ${deployHint}`);
  const address = (name: string): string => {
    const c = manifest.contracts[name];
    if (c === undefined) throw new TaskError(`${path} has no ${name}: the deploy did not finish; ${deployHint}`);
    return c.address;
  };
  const vaultAddress = address("Vault");
  if ((await ethers.provider.getCode(vaultAddress)) === "0x") {
    throw new TaskError(`the Vault in ${path} is not on this chain (a restarted local node?): ${deployHint}`);
  }
  const from = opts.from === undefined || opts.from === "" ? "0" : opts.from;
  const signer = await pickSigner(ethers, from);
  const assets = Object.entries(manifest.assets).map(([symbol, a]) => ({
    symbol,
    address: a.token,
    decimals: a.decimals,
    mock: a.mock,
    token: MockERC20__factory.connect(a.token, signer),
    feed: a.feed,
  }));
  const synthetics = Object.entries(manifest.synthetics).map(([symbol, s]) => ({
    symbol,
    address: s.token,
    synthId: BigInt(s.synthId),
    token: SyntheticToken__factory.connect(s.token, signer),
    priceAsset: s.priceAsset,
  }));
  const vault = Vault__factory.connect(vaultAddress, signer);
  let gasMarginBps: number;
  try {
    gasMarginBps = opts.gasMarginBps ?? gasMarginFor(undefined, process.env);
  } catch (e) {
    throw new TaskError((e as Error).message);
  }
  const lens = PositionLens__factory.connect(address("PositionLens"), signer);
  return {
    network,
    manifest,
    manifestPath: path,
    ethers,
    signer,
    from,
    vault,
    engine: LiquidationEngine__factory.connect(address("LiquidationEngine"), signer),
    lens,
    oracle: OracleAdapter__factory.connect(address("OracleAdapter"), signer),
    treasury: Treasury__factory.connect(address("Treasury"), signer),
    ...(manifest.contracts.RiskSteward === undefined
      ? {}
      : {
          risk: {
            observer: VolatilityObserver__factory.connect(address("VolatilityObserver"), signer),
            riskOracle: RiskOracle__factory.connect(address("RiskOracle"), signer),
            steward: RiskSteward__factory.connect(address("RiskSteward"), signer),
          },
        }),
    ...(manifest.contracts.PreLiquidation === undefined
      ? {}
      : { preLiquidation: PreLiquidation__factory.connect(address("PreLiquidation"), signer) }),
    ...(manifest.contracts.InstrumentVault === undefined
      ? {}
      : { instruments: InstrumentVault__factory.connect(address("InstrumentVault"), signer) }),
    assets,
    synthetics,
    gasMarginBps,
    errors: {
      assets: assets.map(({ address: a, symbol, decimals }) => ({ address: a, symbol, decimals })),
      synthetics: synthetics.map(({ synthId, symbol }) => ({ synthId, symbol })),
      vault,
      lens,
      network,
      from,
      account: signer.address,
    },
    log: opts.log ?? ((line: string) => console.log(line)),
  };
}

async function pickSigner(ethers: Connection, from: string): Promise<Account> {
  const signers = await ethers.getSigners();
  if (signers.length === 0)
    throw new TaskError("this network has no account: set DEPLOYER_PRIVATE_KEY (see .env.example)");
  if (/^\d+$/.test(from)) {
    const s = signers[Number(from)];
    if (s === undefined)
      throw new TaskError(`--from ${from}: there are only ${signers.length} accounts (0-${signers.length - 1})`);
    return s;
  }
  if (isAddress(from)) {
    const s = signers.find((x) => x.address.toLowerCase() === from.toLowerCase());
    if (s === undefined) throw new TaskError(`--from ${from}: not one of this network's accounts`);
    return s;
  }
  throw new TaskError(`--from "${from}": give an account index (0, 1, ...) or an address`);
}

/** The asset with symbol `symbol` (any case); an unknown one lists the valid symbols. */
export function assetBySymbol(sys: System, symbol: string): AssetHandle {
  return bySymbol(sys.assets, "asset", "assets", symbol);
}

/** The synthetic with symbol `symbol` (any case); an unknown one lists the valid symbols. */
export function synthBySymbol(sys: System, symbol: string): SynthHandle {
  return bySymbol(sys.synthetics, "synthetic", "synthetics", symbol);
}

function bySymbol<T extends { symbol: string }>(list: T[], kind: string, plural: string, symbol: string): T {
  const found = list.find((x) => x.symbol.toLowerCase() === symbol.toLowerCase());
  if (found === undefined) {
    const valid = list.map((x) => x.symbol).join(", ");
    throw new TaskError(`unknown ${kind} "${symbol}"; the ${plural} of this deployment are: ${valid}`);
  }
  return found;
}

/** The asset at `address` (the Vault and engine report addresses). */
export function assetByAddress(sys: System, address: string): AssetHandle | undefined {
  return sys.assets.find((x) => x.address.toLowerCase() === address.toLowerCase());
}

/** The synthetic with Vault id `synthId`. */
export function synthById(sys: System, synthId: bigint): SynthHandle {
  const s = sys.synthetics.find((x) => x.synthId === synthId);
  if (s === undefined)
    throw new TaskError(`synthetic id ${synthId} is not in the manifest: deploy again to refresh it`);
  return s;
}

/** Parses a human amount ("1.5", "1,000") into `decimals` units (sdk/units.ts `parseAmount`); `what` names it. */
export function amountArg(text: string, decimals: number, what: string): bigint {
  try {
    return parseAmount(text, decimals);
  } catch (e) {
    if (e instanceof AmountError) throw new TaskError(`${what}: ${e.message}`);
    throw e;
  }
}

/** Parses a position id ("7", "#7"). */
export function parseId(text: string, what = "position id"): bigint {
  const m = /^#?(\d+)$/.exec(text.trim());
  if (m === null || m[1] === undefined) throw new TaskError(`${what}: "${text}" is not a number`);
  return BigInt(m[1]);
}

/** A command the user can run next, with this task's `--from` and `--network`: "`npx hardhat ballast … `". */
export function cmd(sys: System, task: string): string {
  const from = sys.from !== "0" ? ` --from ${sys.from}` : "";
  const net = sys.network !== "default" ? ` --network ${sys.network}` : "";
  return `\`npx hardhat ballast ${task}${from}${net}\``;
}

/** Checks that position `id` exists and returns its owner and synthetic. */
export async function positionOf(sys: System, id: bigint): Promise<{ owner: string; synth: SynthHandle }> {
  const [owner, synthId] = await sys.vault.positionOf(id);
  if (owner === sys.ethers.ZeroAddress) {
    const next = await sys.vault.nextPositionId();
    throw new TaskError(
      `position #${id} does not exist (${next > 1n ? `ids run from 1 to ${next - 1n}` : "no position is open yet"}); ` +
        `open one with ${cmd(sys, "open <synth>")}`,
    );
  }
  return { owner, synth: synthById(sys, synthId) };
}

/**
 * Refuses, before anything is sent, an action on position `id` by an account that is neither its owner nor a manager
 * holding `permission` (`sdk/permissions.ts`); `what` names the action ("close", "withdraw from", ...).
 */
export async function requireAuthorized(
  sys: System,
  id: bigint,
  what: string,
  permission: bigint,
): Promise<{ owner: string }> {
  const { owner } = await positionOf(sys, id);
  const held = await sys.lens.permissionsOf(id, sys.signer.address);
  if ((held & permission) === 0n) {
    throw new TaskError(
      `${sys.signer.address} may not ${what} position #${id}: it belongs to ${owner}, and only the owner or a ` +
        `manager holding the ${describePermissions(permission)} right may` +
        (held === 0n ? "" : ` (this account holds: ${describePermissions(held)})`) +
        `; act as the owner (--from <owner's index or address>), or have the owner grant it ` +
        `(npx hardhat ballast manager grant ${id} <account> --permissions ${describePermissions(permission)})`,
    );
  }
  return { owner };
}

export interface TxReport {
  hash: string;
  gasUsed: bigint;
  gasLimit: bigint;
  blockNumber: number;
  receipt: TransactionReceipt;
}

/**
 * Sends the transaction `populate()` builds with the network's gas margin, waits for it, prints "what: tx …, gas
 * used of limit" and returns the receipt figures. Any failure (the estimate reverts, out of gas, reverted, replaced,
 * not mined) becomes a `TaskError` of one line: "what failed: what happened: what to do".
 */
export async function transact(
  sys: System,
  what: string,
  populate: () => Promise<ContractTransaction>,
): Promise<TxReport> {
  let receipt: TransactionReceipt;
  let gasLimit = 0n;
  try {
    const tx = await populate();
    receipt = await sendTx(sys.signer, tx, {
      gasMarginBps: sys.gasMarginBps,
      onSent: (sent) => (gasLimit = sent.gasLimit),
    });
  } catch (e) {
    throw new TaskError(`${what} failed: ${await explainFailure(e, sys.errors)}`);
  }
  sys.log(
    `${what}: tx ${receipt.hash}, gas ${formatGas(receipt.gasUsed)}` +
      (gasLimit > 0n ? ` of limit ${formatGas(gasLimit)}` : ""),
  );
  return { hash: receipt.hash, gasUsed: receipt.gasUsed, gasLimit, blockNumber: receipt.blockNumber, receipt };
}

/**
 * Approves `spender` for `amount` of `token` when the signer's allowance is short (printed as its own step). Call
 * it only once every check that can be made before the approval has passed.
 */
export async function ensureAllowance(
  sys: System,
  token: MockERC20 | SyntheticToken,
  symbol: string,
  spender: string,
  amount: bigint,
): Promise<TxReport | undefined> {
  const allowance = await token.allowance(sys.signer.address, spender);
  if (allowance >= amount) return undefined;
  return transact(sys, `approve ${symbol} for ${spender}`, () => token.approve.populateTransaction(spender, amount));
}

/** The events of `contract` in `receipt` named `name`, decoded. */
export function eventsOf(
  receipt: TransactionReceipt,
  contract: { interface: { parseLog(l: { topics: readonly string[]; data: string }): unknown } },
  address: string,
  name: string,
): Array<{ args: Record<string, unknown> & unknown[] }> {
  const out: Array<{ args: Record<string, unknown> & unknown[] }> = [];
  for (const l of receipt.logs) {
    if (l.address.toLowerCase() !== address.toLowerCase()) continue;
    try {
      const ev = contract.interface.parseLog({ topics: [...l.topics], data: l.data }) as {
        name: string;
        args: Record<string, unknown> & unknown[];
      } | null;
      if (ev !== null && ev.name === name) out.push(ev);
    } catch {
      // another contract's event at the same address cannot happen; skip unknown logs
    }
  }
  return out;
}

/** One line of a failure for messages that go on (health unavailable, ...). */
export async function explain(sys: System, e: unknown): Promise<string> {
  return explainFailure(e, sys.errors);
}

/** A position's health in one line: "health 1.234 (debt 5,000.00 bUSD, collateral $12,000.00, mint limit $9,600.00)". */
export async function healthLine(sys: System, id: bigint): Promise<string> {
  const { synth } = await positionOf(sys, id);
  try {
    const h = await sys.lens.healthOf(id);
    return (
      `position #${id}: health ${formatHealth(h.health)} (debt ${formatWad(h.debt)} ${synth.symbol}, ` +
      `collateral $${formatWad(h.collateralValue)}, mint limit $${formatWad(h.mintLimit)})`
    );
  } catch (e) {
    const debt = await sys.lens.debtOf(id);
    return `position #${id}: debt ${formatWad(debt)} ${synth.symbol}; health unavailable (${await explain(sys, e)})`;
  }
}

/** `amount` [token] of `asset` as "1,234.5678 WETH" (every decimal it has, up to 6). */
export function tokenAmount(asset: { decimals: number; symbol: string }, amount: bigint): string {
  return `${formatAmount(amount, asset.decimals)} ${asset.symbol}`;
}

/**
 * Two amounts [decimals] with as many decimals as it takes to tell them apart (at least 6 when they have them): a
 * balance of 10 against a need of 10.000000031709791984 must not read "10 against 10".
 */
export function amountsApart(a: bigint, b: bigint, decimals: number): [string, string] {
  for (let d = Math.min(6, decimals); ; d++) {
    const x = formatAmount(a, decimals, d);
    const y = formatAmount(b, decimals, d);
    if (x !== y || d >= decimals) return [x, y];
  }
}

/** `amount` [wad] of synthetic `symbol` with every decimal it has, up to 6: "14,990.0024 bUSD". */
export function synthAmount(symbol: string, amount: bigint): string {
  return `${formatAmount(amount, 18)} ${symbol}`;
}
