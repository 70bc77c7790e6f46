/**
 * The one decoder of failures for every Ballast command (tasks, deploy, keeper, scripts): a failed estimate, a
 * reverted or out-of-gas transaction, a replaced or unmined one, a node that cannot be reached, each becomes ONE line
 * that says what happened, in human units, and what to do.
 *
 * Custom errors are decoded with the ABIs of every deployable contract (`DEPLOYABLE_ABIS`, from the TypeChain
 * factories), then turned into a sentence by `ERRORS`, a table with one entry per error name. `test/errors.test.ts`
 * fails when a deployable contract declares an error the table has no entry for (or the table keeps one no contract
 * declares), so a new or renamed error needs only its sentence added here.
 *
 * Units: `[token]` a token's own decimals, `[wad]` 1e18 (USD values, synthetic amounts, prices), `[bps]` 1e4.
 */
import { type ContractRunner, type ErrorDescription, Interface, type InterfaceAbi } from "ethers";
import {
  AccessManager__factory,
  DynamicRateModel__factory,
  FixedRateModel__factory,
  LiquidationEngine__factory,
  MockERC20__factory,
  MockV3Aggregator__factory,
  OracleAdapter__factory,
  PositionLens__factory,
  ReserveLens__factory,
  RiskLens__factory,
  Settlement__factory,
  SavingsToken__factory,
  BuybackSink__factory,
  ChainlinkSource__factory,
  NavSource__factory,
  RateAdjustedSource__factory,
  Redemptions__factory,
  StabilityModule__factory,
  SyntheticToken__factory,
  Treasury__factory,
  Vault__factory,
  Router__factory,
  PreLiquidation__factory,
  UniswapV3Venue__factory,
  InstrumentVault__factory,
} from "../typechain-types/index.js";
import { formatGas } from "./format.js";
import {
  BUG,
  ERRORS,
  type ErrorArgs,
  type ErrorContext,
  type Helpers,
  PANICS,
  makeHelpers,
} from "../packages/sdk/src/sentences.js";
import { TxFailure, revertData } from "./tx.js";

// the sentences are the SDK package's (packages/sdk/src/sentences.ts): one table for the SDK and the tools
export {
  type AssetInfo,
  type ErrorArgs,
  type ErrorContext,
  type ErrorEntry,
  ERRORS,
  type Helpers,
  type LensReader,
  PRICE_FAILURES,
  type VaultReader,
} from "../packages/sdk/src/sentences.js";

// ----------------------------------------------------------------------------------------------------------------
// The ABIs
// ----------------------------------------------------------------------------------------------------------------

/** The ABIs of every contract the deploy (or a user) can deploy, by contract name: the errors a user can hit. */
export const DEPLOYABLE_ABIS: Record<string, InterfaceAbi> = {
  AccessManager: AccessManager__factory.abi,
  OracleAdapter: OracleAdapter__factory.abi,
  Vault: Vault__factory.abi,
  Treasury: Treasury__factory.abi,
  LiquidationEngine: LiquidationEngine__factory.abi,
  ReserveLens: ReserveLens__factory.abi,
  PositionLens: PositionLens__factory.abi,
  Settlement: Settlement__factory.abi,
  StabilityModule: StabilityModule__factory.abi,
  SavingsToken: SavingsToken__factory.abi,
  BuybackSink: BuybackSink__factory.abi,
  Redemptions: Redemptions__factory.abi,
  ChainlinkSource: ChainlinkSource__factory.abi,
  RateAdjustedSource: RateAdjustedSource__factory.abi,
  NavSource: NavSource__factory.abi,
  RiskLens: RiskLens__factory.abi,
  FixedRateModel: FixedRateModel__factory.abi,
  DynamicRateModel: DynamicRateModel__factory.abi,
  SyntheticToken: SyntheticToken__factory.abi,
  MockERC20: MockERC20__factory.abi,
  MockV3Aggregator: MockV3Aggregator__factory.abi,
  Router: Router__factory.abi,
  PreLiquidation: PreLiquidation__factory.abi,
  UniswapV3Venue: UniswapV3Venue__factory.abi,
  InstrumentVault: InstrumentVault__factory.abi,
};

/** Every custom error of the deployable contracts in one interface (the same selector is kept once). */
export const ERRORS_INTERFACE: Interface = (() => {
  const seen = new Set<string>();
  const fragments: string[] = [];
  for (const abi of Object.values(DEPLOYABLE_ABIS)) {
    new Interface(abi).forEachError((f) => {
      if (seen.has(f.selector)) return;
      seen.add(f.selector);
      fragments.push(f.format("full"));
    });
  }
  return new Interface(fragments);
})();

// ----------------------------------------------------------------------------------------------------------------
// Decoding
// ----------------------------------------------------------------------------------------------------------------

/** Decodes revert `data` with every deployable ABI; undefined when the selector is unknown. */
export function decodeRevert(data: string): ErrorDescription | undefined {
  try {
    return ERRORS_INTERFACE.parseError(data) ?? undefined;
  } catch {
    return undefined;
  }
}

/** The name of the custom error inside `e` (e.g. "AuctionCapReached"), or undefined: for code that branches on it. */
export function errorName(e: unknown): string | undefined {
  const data = revertData(e);
  if (data !== undefined) return decodeRevert(data)?.name;
  const text = `${(e as { message?: string } | null)?.message ?? ""}`;
  return /custom error '([A-Za-z0-9_]+)\(/.exec(text)?.[1];
}

/** The sentence for revert `data` (a custom error, `Error(string)`, `Panic(uint256)` or unknown). */
export async function explainRevertData(data: string, ctx: ErrorContext = {}): Promise<string> {
  if (data.startsWith("0x08c379a0")) {
    const [msg] = new Interface(["error Error(string)"]).decodeErrorResult("Error", data);
    return `reverted: "${String(msg)}"`;
  }
  if (data.startsWith("0x4e487b71")) {
    const [code] = new Interface(["error Panic(uint256)"]).decodeErrorResult("Panic", data);
    const c = Number(code);
    return `reverted with a panic (${PANICS[c] ?? `code 0x${c.toString(16)}`}): ${BUG}`;
  }
  const d = decodeRevert(data);
  if (d === undefined)
    return `reverted with an error this tool does not know (${data.slice(0, 10)}): check the contract`;
  return explainCustomError(d, ctx);
}

/** The sentence of a decoded custom error. */
export async function explainCustomError(d: ErrorDescription, ctx: ErrorContext = {}): Promise<string> {
  const args: ErrorArgs = {};
  d.fragment.inputs.forEach((input, i) => {
    args[input.name] = d.args[i] as bigint | string | boolean;
  });
  const entry = ERRORS[d.name];
  if (entry === undefined) return `reverted with ${d.name}(${d.args.map(String).join(", ")})`;
  try {
    return await entry(args, helpers(ctx));
  } catch {
    return `reverted with ${d.name}(${d.args.map(String).join(", ")})`;
  }
}

/**
 * Any failure of a Ballast command as ONE line that says what happened and what to do: a reverted estimate or
 * simulation (decoded), a `TxFailure` from sdk/tx.ts (out of gas, reverted, replaced, not mined), the node's
 * own errors (no funds for gas, nonce, connection).
 */
export async function explainFailure(e: unknown, ctx: ErrorContext = {}): Promise<string> {
  return oneLine(await explain(e, ctx));
}

async function explain(e: unknown, ctx: ErrorContext): Promise<string> {
  if (e instanceof TxFailure) {
    const tx = e.hash === undefined ? "" : ` (tx ${e.hash})`;
    switch (e.kind) {
      case "out-of-gas":
        return (
          `ran out of gas${tx}: it used all of its ${e.gasLimit === undefined ? "?" : formatGas(e.gasLimit)} gas limit; ` +
          `retry with a higher gas margin (BALLAST_GAS_MARGIN_BPS, or gasMarginBps in deploy/config/networks.ts)`
        );
      case "reverted": {
        const why = e.revertData === undefined ? undefined : await explainRevertData(e.revertData, ctx);
        return why === undefined
          ? `reverted in block ${e.receipt?.blockNumber ?? "?"}${tx}, though it passed when estimated: the state ` +
              `changed in between (someone acted first); check the state and retry`
          : `reverted in block ${e.receipt?.blockNumber ?? "?"}${tx}: ${why}`;
      }
      case "replaced":
        return (
          `replaced${tx}: another transaction of the same account used nonce ${e.nonce ?? "?"}` +
          `${e.replacement === undefined ? "" : ` (${e.replacement})`}; check whether it did what you wanted, then retry`
        );
      case "not-mined":
        return (
          `not mined within ${Math.round((e.waitedMs ?? 0) / 1000)} s${tx}: it may still be pending with nonce ` +
          `${e.nonce ?? "?"}; wait and check the account, or send a replacement with the same nonce and a higher fee`
        );
      case "dropped":
        return `dropped by the node${tx} (nonce ${e.nonce ?? "?"} is still unused): send it again`;
    }
  }
  const err = e as {
    code?: string;
    shortMessage?: string;
    message?: string;
    reason?: string | null;
    revert?: { name?: string; args?: unknown[] } | null;
    error?: { code?: string | number; message?: string };
  };
  const data = revertData(e);
  if (data !== undefined) return explainRevertData(data, ctx);
  const text = `${err.shortMessage ?? ""} ${err.message ?? ""} ${err.error?.message ?? ""}`;
  // a node's own decoding of a custom error (no revert data attached)
  const custom = /custom error '([A-Za-z0-9_]+)\(([^']*)\)'/.exec(text);
  if (custom?.[1] !== undefined) {
    const fragment = ERRORS_INTERFACE.getError(custom[1]);
    if (fragment !== null) {
      try {
        const values = splitArgs(custom[2] ?? "");
        const data2 = ERRORS_INTERFACE.encodeErrorResult(fragment, values);
        return explainRevertData(data2, ctx);
      } catch {
        return `reverted with ${custom[1]}(${custom[2] ?? ""})`;
      }
    }
    return `reverted with ${custom[1]}(${custom[2] ?? ""})`;
  }
  if (err.code === "INSUFFICIENT_FUNDS" || /insufficient funds/i.test(text)) {
    return `${ctx.account ?? "the account"} has too little ETH to pay for gas: fund it, then retry`;
  }
  if (err.code === "NONCE_EXPIRED" || /nonce (too low|has already been used)/i.test(text)) {
    return "the account's nonce was already used (another transaction from it went first): retry";
  }
  if (err.code === "REPLACEMENT_UNDERPRICED" || /replacement (transaction )?underpriced/i.test(text)) {
    return "a transaction with the same nonce is pending with a higher fee: wait for it, or replace it with a higher fee";
  }
  if (/out of gas|gas required exceeds/i.test(text)) {
    return "ran out of gas: retry with a higher gas margin (BALLAST_GAS_MARGIN_BPS)";
  }
  if (err.code === "TIMEOUT") return "the node did not answer in time: check the node, then retry";
  if (/ECONNREFUSED|ECONNRESET|ENOTFOUND|fetch failed|socket hang up|HHE[0-9]+: Cannot connect/i.test(text)) {
    return "cannot reach the node: is it running, and is the network's URL right (LOCALHOST_RPC_URL, *_RPC_URL)?";
  }
  if (err.code === "CALL_EXCEPTION") {
    return `reverted without a reason${err.reason ? ` (${err.reason})` : ""}: check the call's arguments and the state`;
  }
  const first = (err.shortMessage ?? err.message ?? String(e)).split("\n")[0] ?? String(e);
  return first;
}

/** Splits "1, 0xab.., 300" (a node's rendering of error arguments) into values. */
function splitArgs(text: string): string[] {
  return text
    .split(",")
    .map((x) => x.trim().replace(/^"|"$/g, ""))
    .filter((x) => x !== "");
}

/** Collapses whitespace and newlines: every explanation is one line. */
export function oneLine(text: string): string {
  return text
    .replace(/\s*\n\s*/g, " ")
    .replace(/\s{2,}/g, " ")
    .trim();
}

function helpers(ctx: ErrorContext): Helpers {
  const runner = (ctx.vault?.runner ?? null) as ContractRunner | null;
  return makeHelpers(ctx, runner === null ? undefined : (token) => MockERC20__factory.connect(token, runner).symbol());
}
