/**
 * The long-running keeper's transaction sender (a `TxSender` for keeper/keeper.ts):
 *
 * - **Nonces**: it keeps the account's next nonce itself, so several transactions in one tick get consecutive nonces
 *   without asking the node each time. The nonce is read once (`pending`), advanced after each accepted send, and
 *   re-read when a send fails in a way that may have left it wrong; a "nonce too low / already used" error re-reads
 *   the pending nonce and retries once.
 * - **Gas**: the limit is the node's estimate plus `gasMarginBps` (sdk/tx.ts): an estimate is exact only for
 *   the block it ran against, and a liquidation mined a block later accrues a few more seconds of interest.
 * - **Receipts**: each send waits for its receipt at most `receiptTimeoutMs` (sdk/tx.ts `waitMined`); a
 *   transaction not mined by then, replaced or dropped fails the step (the keeper logs it in one line and goes on)
 *   and the nonce is re-read; one that ran out of gas or reverted is reported as such.
 * - **Fees**: EIP-1559 fees from the provider (`getFeeData`), the max fee cut to the configured cap. When the latest
 *   block's base fee is already above the cap it refuses to send (`FeeCapExceeded`): the keeper logs it as a skip and
 *   tries again next tick.
 *
 * Units: fees in wei per gas.
 */
import type { Provider, Signer, TransactionReceipt, TransactionRequest } from "ethers";
import { formatGwei } from "../sdk/format.js";
import type { TxSender } from "./keeper.js";
import { DEFAULT_GAS_MARGIN_BPS, TxFailure, waitMined, withGasMargin } from "../sdk/tx.js";

/** The base fee is above the keeper's max fee: nothing was sent. */
export class FeeCapExceeded extends Error {
  constructor(
    readonly baseFee: bigint, // [wei/gas]
    readonly cap: bigint, // [wei/gas]
  ) {
    super(`base fee ${formatGwei(baseFee)} gwei is above the max fee cap ${formatGwei(cap)} gwei: not sent`);
    this.name = "FeeCapExceeded";
  }
}

export interface SenderOptions {
  /** [wei/gas] The highest max fee per gas the keeper pays. */
  maxFeePerGas: bigint;
  /** [wei/gas] Priority fee when the provider suggests none. Default 1 gwei (always at most the max fee). */
  defaultPriorityFee?: bigint;
  /** One line per send, nonce recovery and refusal. */
  log?: (line: string) => void;
  /**
   * [ms] How long to wait for a receipt. A transaction not mined by then (underpriced, or stuck behind a dropped one)
   * is reported as failed and the nonce is re-read, so the loop never hangs on it. Default 180,000.
   */
  receiptTimeoutMs?: number;
  /** [ms] Between receipt polls. Default 500. */
  pollMs?: number;
  /** [bps] Gas limit over the estimate. Default 2,500 (+25%). */
  gasMarginBps?: number;
}

/** The fees one send uses. */
export interface Fees {
  baseFee: bigint; // [wei/gas] of the latest block
  maxFeePerGas: bigint; // [wei/gas]
  maxPriorityFeePerGas: bigint; // [wei/gas]
}

export class ManagedSender implements TxSender {
  private next: number | undefined; // the next nonce to use; undefined = read it from the node
  private readonly provider: Provider;
  private readonly log: (line: string) => void;
  /** Sends made, nonce re-reads after an error, and refusals for the fee cap. */
  readonly stats = { sent: 0, nonceResyncs: 0, feeSkips: 0 };

  constructor(
    private readonly signer: Signer,
    private readonly opts: SenderOptions,
  ) {
    if (signer.provider === null) throw new Error("ManagedSender: the signer has no provider");
    this.provider = signer.provider;
    this.log = opts.log ?? (() => {});
  }

  /** The nonce the next send will use (reads the pending nonce the first time). */
  async nonce(): Promise<number> {
    this.next ??= await this.provider.getTransactionCount(await this.signer.getAddress(), "pending");
    return this.next;
  }

  /** Forgets the cached nonce: the next send reads the pending nonce again. */
  resync(): void {
    this.next = undefined;
  }

  /** EIP-1559 fees for the next send, or `FeeCapExceeded` when the base fee is above the cap. */
  async fees(): Promise<Fees> {
    const block = await this.provider.getBlock("latest");
    const baseFee = block?.baseFeePerGas ?? 0n;
    const cap = this.opts.maxFeePerGas;
    if (baseFee > cap) throw new FeeCapExceeded(baseFee, cap);
    const data = await this.provider.getFeeData();
    let priority = data.maxPriorityFeePerGas ?? this.opts.defaultPriorityFee ?? 10n ** 9n;
    let maxFee = data.maxFeePerGas ?? baseFee * 2n + priority;
    if (maxFee > cap) maxFee = cap;
    if (priority > maxFee - baseFee) priority = maxFee - baseFee; // the tip never pushes the fee over the cap
    return { baseFee, maxFeePerGas: maxFee, maxPriorityFeePerGas: priority };
  }

  async send(label: string, tx: TransactionRequest): Promise<TransactionReceipt | null> {
    let fees: Fees;
    try {
      fees = await this.fees();
    } catch (e) {
      if (e instanceof FeeCapExceeded) {
        this.stats.feeSkips++;
        this.log(`fee-skip tx="${label}" baseFee=${e.baseFee} cap=${e.cap}`);
      }
      throw e;
    }
    const from = await this.signer.getAddress();
    // the estimate runs before a nonce is taken: a revert here sends nothing
    const gasLimit =
      tx.gasLimit != null
        ? BigInt(tx.gasLimit)
        : withGasMargin(
            await this.provider.estimateGas({ ...tx, from }),
            this.opts.gasMarginBps ?? DEFAULT_GAS_MARGIN_BPS,
            (await this.provider.getBlock("latest"))?.gasLimit ?? undefined,
          );
    for (let attempt = 0; ; attempt++) {
      const nonce = await this.nonce();
      let response;
      const request: TransactionRequest = {
        ...tx,
        gasLimit,
        nonce,
        type: 2,
        maxFeePerGas: fees.maxFeePerGas,
        maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
      };
      try {
        response = await this.signer.sendTransaction(request);
      } catch (e) {
        if (isNonceError(e) && attempt === 0) {
          this.stats.nonceResyncs++;
          this.resync();
          this.log(`nonce-resync tx="${label}" nonce=${nonce} pending=${await this.nonce()} retrying`);
          continue;
        }
        // a failed estimate or simulation sends nothing and keeps the nonce; anything else may have, so re-read it
        if (!isRevert(e)) this.resync();
        throw e;
      }
      this.next = nonce + 1;
      this.stats.sent++;
      this.log(
        `sent tx="${label}" hash=${response.hash} nonce=${nonce} gasLimit=${gasLimit} maxFee=${fees.maxFeePerGas} ` +
          `tip=${fees.maxPriorityFeePerGas} baseFee=${fees.baseFee}`,
      );
      try {
        return await waitMined(this.provider, response, request, {
          timeoutMs: this.opts.receiptTimeoutMs ?? 180_000,
          pollMs: this.opts.pollMs ?? 500,
        });
      } catch (e) {
        if (e instanceof TxFailure && e.kind !== "out-of-gas" && e.kind !== "reverted") {
          this.resync();
          this.log(
            `${e.kind === "not-mined" ? "timeout" : e.kind} tx="${label}" hash=${response.hash} nonce=${nonce}: ` +
              `${e.kind === "not-mined" ? "not mined in time" : `${e.kind}`}, nonce re-read next send`,
          );
        }
        throw e;
      }
    }
  }
}

/** Whether `e` says the nonce was already used or too low (ethers' NONCE_EXPIRED, or the node's message). */
export function isNonceError(e: unknown): boolean {
  const err = e as { code?: string; message?: string; shortMessage?: string };
  if (err.code === "NONCE_EXPIRED" || err.code === "REPLACEMENT_UNDERPRICED") return true;
  return /nonce (too low|has already been used|is too low)|nonce.*lower than/i.test(
    `${err.shortMessage ?? ""} ${err.message ?? ""}`,
  );
}

function isRevert(e: unknown): boolean {
  const err = e as { code?: string; data?: unknown; revert?: unknown };
  return err.code === "CALL_EXCEPTION" || err.revert !== undefined || typeof err.data === "string";
}
