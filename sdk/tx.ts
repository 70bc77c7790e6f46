/**
 * How every Ballast command sends a transaction (tasks, deploy, keeper): with a gas limit above the node's estimate,
 * and a wait that tells what became of it.
 *
 * - **Gas margin.** The limit is the estimate plus `gasMarginBps` (capped at the block gas limit). An estimate is
 *   exact for the state it ran against; a transaction mined a block or more later can need more (interest accrued
 *   for a few more seconds, a storage slot another transaction wrote first), and with a limit equal to the estimate
 *   it runs out of gas. Unused gas is not charged, so the margin costs nothing when it is not needed. The margin is
 *   set per network (`gasMarginBps` in deploy/config/networks.ts, at least 20%; `BALLAST_GAS_MARGIN_BPS` overrides).
 * - **Waiting.** `waitMined` polls for the receipt and classifies a failure as a `TxFailure`: `out-of-gas` (the
 *   transaction used all but 1/64 of its limit), `reverted` (with the revert data, found by replaying the call against
 *   the state before its block), `replaced` (another transaction of the account used the nonce), `not-mined` (still
 *   pending after the timeout) or `dropped` (the node no longer knows it). sdk/errors.ts turns each into one
 *   line with what to do.
 *
 * Units: gas in gas units, `[bps]` 1e4.
 */
import type { Provider, Signer, TransactionReceipt, TransactionRequest } from "ethers";

/** The margin when a network's config sets none [bps]: +25% over the estimate. */
export const DEFAULT_GAS_MARGIN_BPS = 2_500;
/** The least margin a network config may set [bps]: +20%. */
export const MIN_GAS_MARGIN_BPS = 2_000;

export type FailureKind = "out-of-gas" | "reverted" | "replaced" | "not-mined" | "dropped";

/** A sent transaction that did not succeed; sdk/errors.ts `explainFailure` says what to do. */
export class TxFailure extends Error {
  readonly hash?: string;
  readonly nonce?: number;
  readonly gasLimit?: bigint;
  readonly gasUsed?: bigint;
  readonly receipt?: TransactionReceipt;
  /** The revert data found by replaying the call (reverted). */
  readonly revertData?: string;
  /** The transaction that used the nonce instead (replaced). */
  readonly replacement?: string;
  /** [ms] How long the wait lasted (not-mined). */
  readonly waitedMs?: number;

  constructor(
    readonly kind: FailureKind,
    details: {
      hash?: string;
      nonce?: number;
      gasLimit?: bigint;
      gasUsed?: bigint;
      receipt?: TransactionReceipt;
      revertData?: string;
      replacement?: string;
      waitedMs?: number;
    },
  ) {
    super(`transaction ${details.hash ?? ""} ${kind}`);
    this.name = "TxFailure";
    Object.assign(this, details);
  }
}

/** `estimate` plus `marginBps`, at most `cap` (the block gas limit) but never below the estimate. */
export function withGasMargin(estimate: bigint, marginBps: number | bigint, cap?: bigint): bigint {
  const limit = (estimate * (10_000n + BigInt(marginBps)) + 9_999n) / 10_000n;
  if (cap !== undefined && limit > cap) return cap > estimate ? cap : estimate;
  return limit;
}

/**
 * The margin of `network`'s transactions [bps]: `BALLAST_GAS_MARGIN_BPS` when set, else `configured` (the network
 * config's `gasMarginBps`), else the default. Throws on a malformed or too small override.
 */
export function gasMarginFor(configured: number | undefined, env: Record<string, string | undefined>): number {
  const raw = env.BALLAST_GAS_MARGIN_BPS;
  if (raw !== undefined && raw.trim() !== "") {
    const v = Number(raw.trim());
    if (!Number.isInteger(v) || v < 0 || v > 100_000) {
      throw new Error(`BALLAST_GAS_MARGIN_BPS = "${raw}": give the margin over the gas estimate in bps (2500 = +25%)`);
    }
    return v;
  }
  return configured ?? DEFAULT_GAS_MARGIN_BPS;
}

/** `tx` with a gas limit: the estimate from `signer`'s node plus `marginBps` (a revert here throws, undecoded). */
export async function withGasLimit(
  signer: Signer,
  tx: TransactionRequest,
  marginBps: number | bigint,
): Promise<TransactionRequest & { gasLimit: bigint }> {
  const estimate = await signer.estimateGas(tx);
  const block = await signer.provider?.getBlock("latest");
  return { ...tx, gasLimit: withGasMargin(estimate, marginBps, block?.gasLimit ?? undefined) };
}

export interface WaitOptions {
  /** Blocks to wait for after the one that includes it (1: mined). Default 1. */
  confirmations?: number;
  /** [ms] Give up (not-mined) after this long. Default 180,000. */
  timeoutMs?: number;
  /** [ms] Between receipt polls. Default 500. */
  pollMs?: number;
}

export interface SendOptions extends WaitOptions {
  /** [bps] Gas limit over the estimate. */
  gasMarginBps: number | bigint;
  /** Called once the node has accepted it, before the wait. */
  onSent?: (sent: { hash: string; nonce: number; gasLimit: bigint }) => void;
}

/**
 * Estimates `tx` from `signer`, adds the margin, sends it and waits for it (`waitMined`). A revert in the estimate
 * throws as the node reports it (with the revert data: `explainFailure` decodes it); a failure after sending throws
 * a `TxFailure`.
 */
export async function sendTx(signer: Signer, tx: TransactionRequest, opts: SendOptions): Promise<TransactionReceipt> {
  const request = tx.gasLimit != null ? tx : await withGasLimit(signer, tx, opts.gasMarginBps);
  const response = await signer.sendTransaction(request);
  opts.onSent?.({ hash: response.hash, nonce: response.nonce, gasLimit: response.gasLimit });
  const provider = signer.provider;
  if (provider === null) throw new Error("sendTx: the signer has no provider");
  return waitMined(provider, response, request, opts);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Waits for `sent` to be mined (and `confirmations` deep) and returns its receipt; throws a `TxFailure` when it ran
 * out of gas, reverted, was replaced, dropped or not mined in time. `request` is what was sent (to replay a revert).
 */
export async function waitMined(
  provider: Provider,
  sent: { hash: string; nonce: number; from: string; gasLimit: bigint },
  request: TransactionRequest,
  opts: WaitOptions = {},
): Promise<TransactionReceipt> {
  const confirmations = opts.confirmations ?? 1;
  const timeout = opts.timeoutMs ?? 180_000;
  const poll = opts.pollMs ?? 500;
  const started = Date.now();
  const base = { hash: sent.hash, nonce: sent.nonce, gasLimit: sent.gasLimit };
  // when the account's nonce moved past ours while our receipt was still missing
  let nonceUsedAt: number | undefined;
  for (;;) {
    const receipt = await provider.getTransactionReceipt(sent.hash);
    if (receipt !== null) {
      if (receipt.status !== 1) throw await classify(provider, sent, request, receipt);
      if (confirmations <= 1 || (await provider.getBlockNumber()) - receipt.blockNumber + 1 >= confirmations) {
        return receipt;
      }
    } else if ((await provider.getTransactionCount(sent.from, "latest")) > sent.nonce) {
      // The nonce is used: by another transaction (replaced), or by this one whose receipt the node has not indexed
      // yet (a node under load can answer the new nonce before the receipt). Replaced only when the block holding
      // the nonce names another hash, or when no receipt shows for NONCE_GRACE_POLLS polls.
      const replacement = await replacedBy(provider, sent);
      const ours = replacement !== undefined && replacement.toLowerCase() === sent.hash.toLowerCase();
      nonceUsedAt ??= Date.now();
      if ((replacement !== undefined && !ours) || Date.now() - nonceUsedAt > NONCE_GRACE_POLLS * poll) {
        if ((await provider.getTransactionReceipt(sent.hash)) === null) {
          throw new TxFailure("replaced", { ...base, replacement });
        }
        continue;
      }
    }
    const waited = Date.now() - started;
    if (waited >= timeout) {
      const known = await provider.getTransaction(sent.hash).catch(() => null);
      throw new TxFailure(known === null ? "dropped" : "not-mined", { ...base, waitedMs: waited });
    }
    await sleep(poll);
  }
}

/** How many polls a used nonce may go without this transaction's receipt before it counts as replaced. */
const NONCE_GRACE_POLLS = 10;

/** Out of gas when it used all but 1/64 of its limit; else reverted, with the data of a replay at the parent block. */
async function classify(
  provider: Provider,
  sent: { hash: string; nonce: number; from: string; gasLimit: bigint },
  request: TransactionRequest,
  receipt: TransactionReceipt,
): Promise<TxFailure> {
  const base = { hash: sent.hash, nonce: sent.nonce, gasLimit: sent.gasLimit, gasUsed: receipt.gasUsed, receipt };
  if (receipt.gasUsed * 64n >= sent.gasLimit * 63n) return new TxFailure("out-of-gas", base);
  let data: string | undefined;
  try {
    await provider.call({
      to: request.to,
      from: sent.from,
      data: request.data,
      value: request.value,
      gasLimit: sent.gasLimit,
      blockTag: receipt.blockNumber - 1,
    });
  } catch (e) {
    data = revertData(e);
  }
  return new TxFailure("reverted", { ...base, revertData: data });
}

/** The hash of the mined transaction of `sent.from` with `sent.nonce`, searched in the last few blocks. */
async function replacedBy(provider: Provider, sent: { from: string; nonce: number }): Promise<string | undefined> {
  try {
    const head = await provider.getBlockNumber();
    for (let b = head; b >= 0 && b > head - 5; b--) {
      const block = await provider.getBlock(b, true);
      for (const tx of block?.prefetchedTransactions ?? []) {
        if (tx.from.toLowerCase() === sent.from.toLowerCase() && tx.nonce === sent.nonce) return tx.hash;
      }
    }
  } catch {
    // the replacement's hash is a nicety
  }
  return undefined;
}

/** The revert data (hex) inside `e` when there is any: ethers errors, node JSON-RPC errors, nested causes. */
export function revertData(e: unknown): string | undefined {
  const seen = new Set<unknown>();
  const hex = (d: unknown): d is string => typeof d === "string" && /^0x[0-9a-fA-F]{8}/.test(d) && d.length % 2 === 0;
  const walk = (x: unknown, depth: number): string | undefined => {
    if (x === null || typeof x !== "object" || seen.has(x) || depth > 6) return undefined;
    seen.add(x);
    const o = x as Record<string, unknown>;
    for (const key of ["data", "revertData"]) if (hex(o[key])) return o[key] as string;
    for (const key of ["data", "error", "info", "cause", "revert"]) {
      const r = walk(o[key], depth + 1);
      if (r !== undefined) return r;
    }
    return undefined;
  };
  return walk(e, 0);
}
