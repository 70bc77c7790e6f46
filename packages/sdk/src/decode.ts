/**
 * Decoders: every Ballast event from the ABIs into a typed object (`decodeLogs`, `decodeLog`), and revert data (or a
 * thrown viem/ethers error that carries it) into the custom error's name, its arguments by name and the one-line
 * sentence of ./sentences.ts (`decodeError`).
 */
import { type Abi, type DecodeEventLogReturnType, decodeErrorResult, decodeEventLog, toEventSelector } from "viem";
import {
  ballastErrorsAbi,
  erc20Abi,
  instrumentVaultAbi,
  liquidationEngineAbi,
  oracleAdapterAbi,
  preLiquidationAbi,
  redemptionsAbi,
  routerAbi,
  savingsTokenAbi,
  settlementAbi,
  stabilityModuleAbi,
  syntheticTokenAbi,
  treasuryAbi,
  vaultAbi,
} from "./abis.js";
import type { Address, Hex } from "./addresses.js";
import { BUG, ERRORS, type ErrorArgs, type ErrorContext, PANICS, makeHelpers } from "./sentences.js";

type EventsOf<A extends readonly unknown[]> = Extract<A[number], { type: "event" }>;

/** Every event item of the Ballast ABIs. */
export type BallastEventAbiItem =
  | EventsOf<typeof vaultAbi>
  | EventsOf<typeof liquidationEngineAbi>
  | EventsOf<typeof oracleAdapterAbi>
  | EventsOf<typeof syntheticTokenAbi>
  | EventsOf<typeof treasuryAbi>
  | EventsOf<typeof settlementAbi>
  | EventsOf<typeof redemptionsAbi>
  | EventsOf<typeof stabilityModuleAbi>
  | EventsOf<typeof savingsTokenAbi>
  | EventsOf<typeof instrumentVaultAbi>
  | EventsOf<typeof routerAbi>
  | EventsOf<typeof preLiquidationAbi>
  | EventsOf<typeof erc20Abi>;

/** Every event of the Ballast contracts, each signature once (the first ABI declaring it wins). */
export const ballastEventsAbi: readonly BallastEventAbiItem[] = (() => {
  const seen = new Set<string>();
  const out: BallastEventAbiItem[] = [];
  const all = [
    vaultAbi,
    liquidationEngineAbi,
    oracleAdapterAbi,
    syntheticTokenAbi,
    treasuryAbi,
    settlementAbi,
    redemptionsAbi,
    stabilityModuleAbi,
    savingsTokenAbi,
    instrumentVaultAbi,
    routerAbi,
    preLiquidationAbi,
    erc20Abi,
  ] as const;
  for (const abi of all) {
    for (const item of abi as readonly { type: string }[]) {
      if (item.type !== "event") continue;
      const e = item as BallastEventAbiItem;
      const key = `${toEventSelector(e as never)}/${e.inputs.filter((i) => i.indexed).length}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(e);
    }
  }
  return out;
})();

/** A decoded Ballast event: its name and arguments (typed by name from the ABIs), and where it was emitted. */
export type BallastEvent = DecodeEventLogReturnType<readonly BallastEventAbiItem[]> & {
  /** The emitting contract. */
  address: Address;
  blockNumber?: bigint;
  transactionHash?: Hex;
  logIndex?: number;
};

/** The raw log fields the decoder reads (a viem `Log`, or an ethers `Log` with `topics` and `data`). */
export interface RawLog {
  address: string;
  data: string;
  topics: readonly Hex[] | readonly string[];
  blockNumber?: bigint | number | null;
  transactionHash?: string | null;
  logIndex?: number | null;
  index?: number;
}

/** The Ballast event in `log`, or undefined when no Ballast ABI declares its signature (or it does not decode). */
export function decodeLog(log: RawLog): BallastEvent | undefined {
  if (log.topics.length === 0) return undefined;
  try {
    const d = decodeEventLog({
      abi: ballastEventsAbi,
      data: log.data as Hex,
      topics: log.topics as [Hex, ...Hex[]],
    });
    return {
      ...d,
      address: log.address as Address,
      blockNumber: log.blockNumber === null || log.blockNumber === undefined ? undefined : BigInt(log.blockNumber),
      transactionHash: (log.transactionHash ?? undefined) as Hex | undefined,
      logIndex: log.logIndex ?? log.index ?? undefined,
    };
  } catch {
    return undefined;
  }
}

/** Every Ballast event of `logs` (a receipt's logs, or `getLogs`' result), in order; other logs are skipped. */
export function decodeLogs(logs: readonly RawLog[]): BallastEvent[] {
  const out: BallastEvent[] = [];
  for (const log of logs) {
    const e = decodeLog(log);
    if (e !== undefined) out.push(e);
  }
  return out;
}

/** A decoded revert. */
export interface DecodedError {
  /** The custom error's name (`MintLimitExceeded`), or `Error` / `Panic` for Solidity's own. */
  name: string;
  /** Its arguments by name (`Error`: `message`; `Panic`: `code`). */
  args: ErrorArgs;
  /** One line: what happened, in human units, and what to do. */
  sentence: string;
  /** The 4-byte selector. */
  selector: Hex;
}

/** The revert data inside a thrown viem or ethers error (or the hex string itself), or undefined. */
export function revertDataOf(e: unknown): Hex | undefined {
  const seen = new Set<unknown>();
  const walk = (x: unknown, depth: number): Hex | undefined => {
    if (typeof x === "string") return /^0x[0-9a-fA-F]{8}/.test(x) && x.length % 2 === 0 ? (x as Hex) : undefined;
    if (x === null || typeof x !== "object" || depth > 6 || seen.has(x)) return undefined;
    seen.add(x);
    for (const k of ["data", "raw", "cause", "error", "info", "revert"]) {
      const found = walk((x as Record<string, unknown>)[k], depth + 1);
      if (found !== undefined) return found;
    }
    return undefined;
  };
  return walk(e, 0);
}

/**
 * Decodes revert data (`0x…`) or a thrown error carrying it: the error's name, arguments and sentence. `ctx` gives the
 * sentences names and decimals (`assets`, `synthetics`) and, with `symbolOf`, a way to name other tokens. Undefined
 * when there is no revert data or its selector belongs to no Ballast contract.
 */
export async function decodeError(
  dataOrError: unknown,
  ctx: ErrorContext & { symbolOf?: (token: string) => Promise<string> } = {},
): Promise<DecodedError | undefined> {
  const data = revertDataOf(dataOrError);
  if (data === undefined) return undefined;
  let d: { errorName: string; args: readonly unknown[] | undefined; abiItem: { inputs: readonly { name?: string }[] } };
  try {
    d = decodeErrorResult({ abi: ballastErrorsAbi as Abi, data }) as unknown as typeof d;
  } catch {
    return undefined;
  }
  const values = d.args ?? [];
  const args: ErrorArgs = {};
  d.abiItem.inputs.forEach((input, i) => {
    args[input.name ?? String(i)] = values[i] as bigint | string | boolean;
  });
  const selector = data.slice(0, 10) as Hex;
  const plain = `reverted with ${d.errorName}(${values.map(String).join(", ")})`;
  if (d.errorName === "Error") return { name: "Error", args, sentence: `reverted: "${String(values[0])}"`, selector };
  if (d.errorName === "Panic") {
    const c = Number(values[0]);
    const sentence = `reverted with a panic (${PANICS[c] ?? `code 0x${c.toString(16)}`}): ${BUG}`;
    return { name: "Panic", args, sentence, selector };
  }
  const entry = ERRORS[d.errorName];
  let sentence = plain;
  if (entry !== undefined) {
    try {
      sentence = oneLine(await entry(args, makeHelpers(ctx, ctx.symbolOf)));
    } catch {
      sentence = plain;
    }
  }
  return { name: d.errorName, args, sentence, selector };
}

function oneLine(text: string): string {
  return text
    .replace(/\s*\n\s*/g, " ")
    .replace(/\s{2,}/g, " ")
    .trim();
}
