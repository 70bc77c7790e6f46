/**
 * What every Ballast task starts from: the deployed system of one network, read from its manifest
 * (`deployments/<network>.json`, written by the deploy), with TypeChain-typed contracts, the acting account, asset and
 * synthetic lookups by symbol, and amount parsing in human units. Failures are `TaskError`s whose message says what
 * to do.
 *
 * Units: `[token]` a token's own decimals, `[wad]` 1e18.
 */
import type { HardhatEthers, HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { type ContractTransactionResponse, isAddress, parseUnits } from "ethers";
import { type Manifest, manifestPath, readManifest } from "../../deploy/manifest.js";
import {
  type LiquidationEngine,
  LiquidationEngine__factory,
  type MockERC20,
  MockERC20__factory,
  type OracleAdapter,
  OracleAdapter__factory,
  type PositionLens,
  PositionLens__factory,
  type SyntheticToken,
  SyntheticToken__factory,
  type Treasury,
  Treasury__factory,
  type Vault,
  Vault__factory,
} from "../../typechain-types/index.js";
import { formatGas, formatHealth, formatUnitsHuman, formatWad } from "../lib/core.js";

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
  ethers: HardhatEthers;
  /** The account the task acts as. */
  signer: HardhatEthersSigner;
  vault: Vault;
  engine: LiquidationEngine;
  /** Views over the Vault and the engine (auctions, health in batches, raw fields). */
  lens: PositionLens;
  oracle: OracleAdapter;
  treasury: Treasury;
  assets: AssetHandle[];
  synthetics: SynthHandle[];
  /** Where the task prints. */
  log: (line: string) => void;
}

export interface LoadOptions {
  /** The manifest file. Default: `$BALLAST_MANIFEST_DIR/<network>.json`, else `deployments/<network>.json`. */
  manifestPath?: string;
  /** The acting account: a signer index ("0", "1", ...) or an address among the connection's signers. Default 0. */
  from?: string;
  log?: (line: string) => void;
}

/** The manifest path of `network` for the tasks (honours `BALLAST_MANIFEST_DIR`). */
export function taskManifestPath(network: string): string {
  const dir = process.env.BALLAST_MANIFEST_DIR;
  return dir !== undefined && dir !== "" ? manifestPath(network, dir) : manifestPath(network);
}

/** Loads the deployment of `network` from its manifest and checks that it is on the connected chain. */
export async function loadSystem(ethers: HardhatEthers, network: string, opts: LoadOptions = {}): Promise<System> {
  const path = opts.manifestPath ?? taskManifestPath(network);
  const manifest = readManifest(path);
  const deployHint = `run \`npm run deploy -- --network ${network}\` first`;
  if (manifest === undefined) throw new TaskError(`no Ballast deployment on "${network}" (no ${path}): ${deployHint}`);
  const chainId = Number((await ethers.provider.getNetwork()).chainId);
  if (manifest.chainId !== chainId) {
    throw new TaskError(
      `${path} is for chain ${manifest.chainId}, but "${network}" is chain ${chainId}: ${deployHint}`,
    );
  }
  const address = (name: string): string => {
    const c = manifest.contracts[name];
    if (c === undefined) throw new TaskError(`${path} has no ${name}: the deploy did not finish; ${deployHint}`);
    return c.address;
  };
  const vaultAddress = address("Vault");
  if ((await ethers.provider.getCode(vaultAddress)) === "0x") {
    throw new TaskError(`the Vault in ${path} is not on this chain (a restarted local node?): ${deployHint}`);
  }
  const signer = await pickSigner(ethers, opts.from ?? "0");
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
  return {
    network,
    manifest,
    ethers,
    signer,
    vault: Vault__factory.connect(vaultAddress, signer),
    engine: LiquidationEngine__factory.connect(address("LiquidationEngine"), signer),
    lens: PositionLens__factory.connect(address("PositionLens"), signer),
    oracle: OracleAdapter__factory.connect(address("OracleAdapter"), signer),
    treasury: Treasury__factory.connect(address("Treasury"), signer),
    assets,
    synthetics,
    log: opts.log ?? ((line: string) => console.log(line)),
  };
}

async function pickSigner(ethers: HardhatEthers, from: string): Promise<HardhatEthersSigner> {
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

/** Parses a human amount ("1.5", "1,000") into `decimals` units; `what` names it in the error. */
export function parseAmount(text: string, decimals: number, what: string): bigint {
  const clean = text.replace(/[_,]/g, "");
  if (!/^\d+(\.\d+)?$/.test(clean)) throw new TaskError(`${what}: "${text}" is not a positive decimal number`);
  const frac = clean.split(".")[1] ?? "";
  if (frac.length > decimals) throw new TaskError(`${what}: "${text}" has more than ${decimals} decimals`);
  const v = parseUnits(clean, decimals);
  if (v === 0n) throw new TaskError(`${what}: must be more than zero`);
  return v;
}

/** Parses a position id ("7", "#7"). */
export function parseId(text: string, what = "position id"): bigint {
  const m = /^#?(\d+)$/.exec(text.trim());
  if (m === null || m[1] === undefined) throw new TaskError(`${what}: "${text}" is not a number`);
  return BigInt(m[1]);
}

/** Checks that position `id` exists and returns its owner and synthetic. */
export async function positionOf(sys: System, id: bigint): Promise<{ owner: string; synth: SynthHandle }> {
  const [owner, synthId] = await sys.vault.positionOf(id);
  if (owner === sys.ethers.ZeroAddress) {
    const next = await sys.vault.nextPositionId();
    throw new TaskError(
      `position #${id} does not exist (ids run from 1 to ${next - 1n}); open one with \`ballast open\``,
    );
  }
  return { owner, synth: synthById(sys, synthId) };
}

/** The outcome of one transaction, as the tasks report it. */
export interface TxReport {
  hash: string;
  gasUsed: bigint;
  blockNumber: number;
}

/** Sends `send()`, waits for it, prints "what: tx …, gas …" and returns the receipt figures. Reverts are decoded. */
export async function transact(
  sys: System,
  what: string,
  send: () => Promise<ContractTransactionResponse>,
): Promise<TxReport> {
  let tx: ContractTransactionResponse;
  try {
    tx = await send();
  } catch (e) {
    throw new TaskError(`${what} failed: ${revertReason(e)}`);
  }
  const receipt = await tx.wait();
  if (receipt === null)
    throw new TaskError(`${what}: transaction ${tx.hash} was dropped; check the account's nonce and retry`);
  sys.log(`${what}: tx ${tx.hash}, gas ${formatGas(receipt.gasUsed)}`);
  return { hash: tx.hash, gasUsed: receipt.gasUsed, blockNumber: receipt.blockNumber };
}

/** Approves `spender` for `amount` of `token` when the signer's allowance is short (printed as its own step). */
export async function ensureAllowance(
  sys: System,
  token: MockERC20 | SyntheticToken,
  symbol: string,
  spender: string,
  amount: bigint,
): Promise<TxReport | undefined> {
  const allowance = await token.allowance(sys.signer.address, spender);
  if (allowance >= amount) return undefined;
  return transact(sys, `approve ${symbol} for ${spender}`, () => token.approve(spender, amount));
}

/** A short explanation of a failed call: the custom error name and arguments when the ABI knows it. */
export function revertReason(e: unknown): string {
  const err = e as { revert?: { name: string; args: unknown[] }; shortMessage?: string; message?: string };
  if (err.revert !== undefined && err.revert !== null) {
    return `${err.revert.name}(${err.revert.args.map((a) => String(a)).join(", ")})`;
  }
  const text = err.shortMessage ?? err.message ?? String(e);
  const custom = /custom error '([^']+)'/.exec(text); // the node's own decoding of a custom error
  if (custom?.[1] !== undefined) return custom[1];
  return text.split("\n")[0] ?? text;
}

/** A position's health in one line: "health 1.234 (debt 5,000.00 bUSD, collateral $12,000.00, mint limit $9,600.00)". */
export async function healthLine(sys: System, id: bigint): Promise<string> {
  const { synth } = await positionOf(sys, id);
  try {
    const h = await sys.vault.healthOf(id);
    return (
      `position #${id}: health ${formatHealth(h.health)} (debt ${formatWad(h.debt)} ${synth.symbol}, ` +
      `collateral $${formatWad(h.collateralValue)}, mint limit $${formatWad(h.mintLimit)})`
    );
  } catch (e) {
    const debt = await sys.vault.debtOf(id);
    return `position #${id}: debt ${formatWad(debt)} ${synth.symbol}; health unavailable (${revertReason(e)})`;
  }
}

/** `amount` [token] of `asset` as "1,234.5678 WETH". */
export function tokenAmount(asset: { decimals: number; symbol: string }, amount: bigint): string {
  return `${formatUnitsHuman(amount, asset.decimals, Math.min(asset.decimals, 6))} ${asset.symbol}`;
}
