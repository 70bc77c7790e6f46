/**
 * The one thing the SDK needs from a node: a tiny reader (`Reader`: `eth_call`, the latest block, the chain id). Make
 * one from a viem public client (`fromViem`) or an ethers v6 provider or signer (`fromEthers`); nothing else in the
 * SDK knows which library you use. Neither adapter imports its library: viem and ethers are seen only through the
 * shapes below, so the ethers peer dependency stays optional.
 */
import type { Hex } from "./addresses.js";

/** A block as the SDK reads it: number and timestamp [s]. */
export interface BlockInfo {
  number: bigint;
  /** [s] */
  timestamp: bigint;
}

/** What the SDK reads through: `eth_call` at the latest block, the latest block, the chain id (and storage). */
export interface Reader {
  /** `eth_call` of `data` on `to` at the latest block; resolves to the returned bytes, rejects on a revert. */
  call(tx: { to: Hex; data: Hex }): Promise<Hex>;
  /** The latest block's number and timestamp [s]. */
  latestBlock(): Promise<BlockInfo>;
  /** The chain id. */
  chainId(): Promise<bigint>;
  /** `eth_getStorageAt(address, slot)` at the latest block, as a 32-byte word (needed by `savingsState` only). */
  storageAt?(address: Hex, slot: bigint): Promise<Hex>;
}

/** The part of a viem `PublicClient` the adapter uses (any client made by `createPublicClient` fits). */
export interface ViemPublicClientLike {
  call(args: { to: Hex; data: Hex }): Promise<{ data?: Hex | undefined }>;
  getBlock(args?: { blockTag?: "latest" }): Promise<{ number: bigint | null; timestamp: bigint }>;
  getChainId(): Promise<number>;
  getStorageAt?(args: { address: Hex; slot: Hex }): Promise<Hex | undefined>;
}

/** The part of an ethers v6 `Provider` the adapter uses (`JsonRpcProvider`, `BrowserProvider`, Hardhat's). */
export interface EthersProviderLike {
  call(tx: { to: string; data: string }): Promise<string>;
  getBlock(tag: "latest"): Promise<{ number: number; timestamp: number } | null>;
  getNetwork(): Promise<{ chainId: bigint }>;
  getStorage?(address: string, slot: bigint): Promise<string>;
}

/** An ethers v6 `Signer` (or a contract runner) with a provider. */
export interface EthersSignerLike {
  readonly provider: EthersProviderLike | null;
}

/** A `Reader` over a viem public client: `fromViem(createPublicClient({ transport: http(url) }))`. */
export function fromViem(client: ViemPublicClientLike): Reader {
  return {
    call: async ({ to, data }) => (await client.call({ to, data })).data ?? "0x",
    latestBlock: async () => {
      const b = await client.getBlock({ blockTag: "latest" });
      if (b.number === null) throw new Error("fromViem: the latest block has no number");
      return { number: b.number, timestamp: b.timestamp };
    },
    chainId: async () => BigInt(await client.getChainId()),
    storageAt: async (address, slot) => {
      if (client.getStorageAt === undefined) throw new Error("fromViem: the client cannot read storage");
      return (await client.getStorageAt({ address, slot: `0x${slot.toString(16)}` })) ?? "0x0";
    },
  };
}

/** A `Reader` over an ethers v6 provider, or a signer's provider: `fromEthers(new JsonRpcProvider(url))`. */
export function fromEthers(providerOrSigner: EthersProviderLike | EthersSignerLike): Reader {
  const provider: EthersProviderLike | null =
    "call" in providerOrSigner && "getNetwork" in providerOrSigner
      ? providerOrSigner
      : (providerOrSigner as EthersSignerLike).provider;
  if (provider === null) throw new Error("fromEthers: the signer has no provider");
  return {
    call: async ({ to, data }) => (await provider.call({ to, data })) as Hex,
    latestBlock: async () => {
      const b = await provider.getBlock("latest");
      if (b === null) throw new Error("fromEthers: no latest block");
      return { number: BigInt(b.number), timestamp: BigInt(b.timestamp) };
    },
    chainId: async () => (await provider.getNetwork()).chainId,
    storageAt: async (address, slot) => {
      if (provider.getStorage === undefined) throw new Error("fromEthers: the provider cannot read storage");
      return (await provider.getStorage(address, slot)) as Hex;
    },
  };
}
