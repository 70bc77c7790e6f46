/**
 * The transactions the pages send: each simulated first (a revert shows the contract's error by name, decoded with
 * the SDK's ABIs), then sent and waited for. Token approvals are sent when the allowance falls short.
 */
import { type Abi, type Address, BaseError, ContractFunctionRevertedError, erc20Abi, maxUint256 } from "viem";
import { liquidationEngineAbi, vaultAbi } from "@ballast/sdk";
import type { Chainish, Signer } from "./chain";

async function send(
  ch: Chainish,
  s: Signer,
  address: Address,
  abi: Abi,
  functionName: string,
  args: readonly unknown[],
): Promise<`0x${string}`> {
  const { request } = await ch.client.simulateContract({
    address,
    abi,
    functionName,
    args,
    account: s.account,
    chain: ch.chain,
  });
  const hash = await s.wallet.writeContract(request);
  const receipt = await ch.client.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success") throw new Error(`${functionName} reverted (${hash})`);
  return hash;
}

async function approve(ch: Chainish, s: Signer, token: Address, spender: Address, amount: bigint): Promise<void> {
  const allowance = await ch.client.readContract({
    address: token,
    abi: erc20Abi,
    functionName: "allowance",
    args: [s.address, spender],
  });
  if (allowance >= amount) return;
  await send(ch, s, token, erc20Abi, "approve", [spender, maxUint256]);
}

const vault = vaultAbi as Abi;
const engine = liquidationEngineAbi as Abi;

export async function openAndMint(
  ch: Chainish,
  s: Signer,
  synthId: number,
  asset: Address,
  amount: bigint,
  debt: bigint,
): Promise<bigint> {
  await approve(ch, s, asset, ch.addr.vault, amount);
  const id = await ch.client.readContract({ address: ch.addr.vault, abi: vaultAbi, functionName: "nextPositionId" });
  await send(ch, s, ch.addr.vault, vault, "openAndMint", [BigInt(synthId), asset, amount, debt, s.address]);
  return id;
}

export async function deposit(ch: Chainish, s: Signer, id: bigint, asset: Address, amount: bigint): Promise<void> {
  await approve(ch, s, asset, ch.addr.vault, amount);
  await send(ch, s, ch.addr.vault, vault, "deposit", [id, asset, amount]);
}

export async function withdraw(ch: Chainish, s: Signer, id: bigint, asset: Address, amount: bigint): Promise<void> {
  await send(ch, s, ch.addr.vault, vault, "withdraw", [id, asset, amount, s.address]);
}

export async function mint(ch: Chainish, s: Signer, id: bigint, amount: bigint): Promise<void> {
  await send(ch, s, ch.addr.vault, vault, "mint", [id, amount, s.address]);
}

export async function repay(ch: Chainish, s: Signer, id: bigint, amount: bigint): Promise<void> {
  await send(ch, s, ch.addr.vault, vault, "repay", [id, amount]);
}

export async function close(ch: Chainish, s: Signer, id: bigint): Promise<void> {
  await send(ch, s, ch.addr.vault, vault, "close", [id, s.address]);
}

/** Buys up to `maxCollateral` of auction `auctionId` at no more than `maxPrice` [wad], paying in its synthetic. */
export async function take(
  ch: Chainish,
  s: Signer,
  auctionId: bigint,
  synthToken: Address,
  maxCollateral: bigint,
  maxPrice: bigint,
  budget: bigint,
): Promise<void> {
  await approve(ch, s, synthToken, ch.addr.engine, budget);
  await send(ch, s, ch.addr.engine, engine, "take", [auctionId, maxCollateral, maxPrice, s.address, "0x"]);
}

/** A failed transaction's reason, with the contract's error name and arguments when it reverted with one. */
export function explain(e: unknown): string {
  if (e instanceof BaseError) {
    const revert = e.walk((x) => x instanceof ContractFunctionRevertedError);
    if (revert instanceof ContractFunctionRevertedError && revert.data !== undefined) {
      const args = (revert.data.args ?? []).map((a) => String(a)).join(", ");
      return `${revert.data.errorName}(${args})`;
    }
    return e.shortMessage;
  }
  return e instanceof Error ? e.message : String(e);
}
