/**
 * The chain: a viem public client on the configured RPC (JSON-RPC batching on), the signing account (a local test
 * account's key, or the browser wallet through `window.ethereum`), and the reads every page uses, each at one block so
 * that what a page shows is one consistent state (and a test can read the chain at the same block).
 */
import {
  type Account,
  type Address,
  type Chain,
  type EIP1193Provider,
  type PublicClient,
  type WalletClient,
  createPublicClient,
  createWalletClient,
  custom,
  defineChain,
  http,
  zeroAddress,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import {
  liquidationEngineAbi,
  oracleAdapterAbi,
  positionLensAbi,
  reserveLensAbi,
  treasuryAbi,
  vaultAbi,
} from "@ballast/sdk";
import type { AppConfig } from "../config";
import { MAX_HEALTH, WAD } from "../format";

export interface Chainish {
  config: AppConfig;
  chain: Chain;
  client: PublicClient;
  addr: {
    vault: Address;
    engine: Address;
    lens: Address;
    reserveLens: Address;
    treasury: Address;
    oracle: Address;
  };
  /** Token address (lower case) → symbol and decimals, for collateral and synthetics. */
  tokens: Map<string, { symbol: string; decimals: number; synthetic: boolean }>;
  /** synthId → symbol, token and price asset (zero: USD). */
  synths: Map<number, { symbol: string; token: Address; priceAsset: Address }>;
}

export function connect(config: AppConfig): Chainish {
  const chain = defineChain({
    id: config.chainId,
    name: config.network,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [config.rpcUrl] } },
  });
  const client = createPublicClient({ chain, transport: http(config.rpcUrl, { batch: true }) });
  const c = (name: string): Address => {
    const a = config.contracts[name];
    if (a === undefined) throw new Error(`the address book has no ${name}`);
    return a as Address;
  };
  const tokens = new Map<string, { symbol: string; decimals: number; synthetic: boolean }>();
  for (const [symbol, a] of Object.entries(config.assets)) {
    tokens.set(a.token.toLowerCase(), { symbol, decimals: a.decimals, synthetic: false });
  }
  const synths = new Map<number, { symbol: string; token: Address; priceAsset: Address }>();
  for (const [symbol, s] of Object.entries(config.synthetics)) {
    tokens.set(s.token.toLowerCase(), { symbol, decimals: 18, synthetic: true });
    const priceAsset = (
      s.priceAsset === "USD" ? zeroAddress : (config.assets[s.priceAsset]?.token ?? zeroAddress)
    ) as Address;
    synths.set(s.synthId, { symbol, token: s.token as Address, priceAsset });
  }
  return {
    config,
    chain,
    client: client as PublicClient,
    addr: {
      vault: c("Vault"),
      engine: c("LiquidationEngine"),
      lens: c("PositionLens"),
      reserveLens: c("ReserveLens"),
      treasury: c("Treasury"),
      oracle: c("OracleAdapter"),
    },
    tokens,
    synths,
  };
}

export const symbolOf = (ch: Chainish, token: string): string => ch.tokens.get(token.toLowerCase())?.symbol ?? token;
export const decimalsOf = (ch: Chainish, token: string): number => ch.tokens.get(token.toLowerCase())?.decimals ?? 18;

// ------------------------------------------------------------------------------------------------------------------
// Signing
// ------------------------------------------------------------------------------------------------------------------

export interface Signer {
  label: string;
  address: Address;
  wallet: WalletClient;
  account: Account | Address;
}

declare global {
  interface Window {
    ethereum?: EIP1193Provider;
  }
}

export function testSigner(ch: Chainish, key: { label: string; privateKey: string }): Signer {
  const account = privateKeyToAccount(key.privateKey as `0x${string}`);
  const wallet = createWalletClient({ account, chain: ch.chain, transport: http(ch.config.rpcUrl) });
  return { label: key.label, address: account.address, wallet, account };
}

export async function walletSigner(ch: Chainish): Promise<Signer> {
  const eth = window.ethereum;
  if (eth === undefined) throw new Error("no browser wallet (window.ethereum) found");
  const wallet = createWalletClient({ chain: ch.chain, transport: custom(eth) });
  const [address] = await wallet.requestAddresses();
  if (address === undefined) throw new Error("the wallet gave no account");
  const id = await wallet.getChainId();
  if (id !== ch.config.chainId) {
    try {
      await wallet.switchChain({ id: ch.config.chainId });
    } catch {
      throw new Error(`the wallet is on chain ${id}; switch it to chain ${ch.config.chainId}`);
    }
  }
  return { label: "wallet", address, wallet, account: address };
}

// ------------------------------------------------------------------------------------------------------------------
// Reads, at one block
// ------------------------------------------------------------------------------------------------------------------

export interface Health {
  collateralValue: bigint;
  mintLimit: bigint;
  liquidationLimit: bigint;
  debt: bigint;
  debtValue: bigint;
  health: bigint;
}

export interface PositionRow {
  id: bigint;
  owner: Address;
  synthId: number;
  health: Health;
}

/** Every open position (ids 1 .. nextPositionId - 1 with an owner) with its health. */
export async function readPositions(ch: Chainish, blockNumber: bigint): Promise<PositionRow[]> {
  const { client, addr } = ch;
  const next = await client.readContract({
    address: addr.vault,
    abi: vaultAbi,
    functionName: "nextPositionId",
    blockNumber,
  });
  const ids = Array.from({ length: Number(next) - 1 }, (_, i) => BigInt(i + 1));
  const rows = await Promise.all(
    ids.map(async (id): Promise<PositionRow | undefined> => {
      const [owner, synthId] = await client.readContract({
        address: addr.vault,
        abi: vaultAbi,
        functionName: "positionOf",
        args: [id],
        blockNumber,
      });
      if (owner === zeroAddress) return undefined;
      const health = await client.readContract({
        address: addr.lens,
        abi: positionLensAbi,
        functionName: "healthOf",
        args: [id],
        blockNumber,
      });
      return { id, owner, synthId: Number(synthId), health };
    }),
  );
  return rows.filter((r): r is PositionRow => r !== undefined);
}

export interface BasketEntry {
  asset: Address;
  symbol: string;
  decimals: number;
  amount: bigint;
  /** [wad] USD per whole token. */
  price: bigint;
  /** [bps] */
  threshold: bigint;
  /**
   * [wad] The price of this asset at which the health reaches 1, the other prices unchanged; null when the rest of
   * the basket covers the debt at any price of this one.
   */
  liquidationPrice: bigint | null;
}

export interface PositionDetail extends PositionRow {
  basket: BasketEntry[];
}

export async function readPosition(ch: Chainish, id: bigint, blockNumber: bigint): Promise<PositionDetail | null> {
  const { client, addr } = ch;
  const [owner, synthId] = await client.readContract({
    address: addr.vault,
    abi: vaultAbi,
    functionName: "positionOf",
    args: [id],
    blockNumber,
  });
  if (owner === zeroAddress) return null;
  const [health, [assets, amounts]] = await Promise.all([
    client.readContract({
      address: addr.lens,
      abi: positionLensAbi,
      functionName: "healthOf",
      args: [id],
      blockNumber,
    }),
    client.readContract({
      address: addr.lens,
      abi: positionLensAbi,
      functionName: "basketOf",
      args: [id],
      blockNumber,
    }),
  ]);
  const basket = await Promise.all(
    assets.map(async (asset, i): Promise<BasketEntry> => {
      const amount = amounts[i] ?? 0n;
      const decimals = decimalsOf(ch, asset);
      const [price, threshold] = await Promise.all([
        client.readContract({
          address: addr.oracle,
          abi: oracleAdapterAbi,
          functionName: "getPrice",
          args: [asset],
          blockNumber,
        }),
        client.readContract({
          address: addr.lens,
          abi: positionLensAbi,
          functionName: "liquidationThreshold",
          args: [asset],
          blockNumber,
        }),
      ]);
      return {
        asset,
        symbol: symbolOf(ch, asset),
        decimals,
        amount,
        price,
        threshold,
        liquidationPrice: liquidationPrice(health, amount, decimals, price, threshold),
      };
    }),
  );
  return { id, owner, synthId: Number(synthId), health, basket };
}

/**
 * [wad] The price of one basket asset at which the liquidation limit equals the debt value, the other prices (and
 * the debt's value) unchanged: (debtValue − the rest's limit) / (amount × threshold). Null when not positive.
 */
export function liquidationPrice(
  h: Health,
  amount: bigint,
  decimals: number,
  price: bigint,
  thresholdBps: bigint,
): bigint | null {
  if (amount === 0n || thresholdBps === 0n || h.debtValue === 0n) return null;
  const scale = 10n ** BigInt(decimals);
  const own = (((amount * price) / scale) * thresholdBps) / 10_000n;
  const rest = h.liquidationLimit > own ? h.liquidationLimit - own : 0n;
  if (h.debtValue <= rest) return null;
  return ((h.debtValue - rest) * 10_000n * scale) / (amount * thresholdBps);
}

export interface AuctionRow {
  id: bigint;
  positionId: bigint;
  asset: Address;
  symbol: string;
  decimals: number;
  synthId: number;
  lot: bigint;
  tab: bigint;
  debt: bigint;
  /** [wad] synthetic per whole token. */
  price: bigint;
  floor: bigint;
  startTime: bigint;
  needsReset: boolean;
  /** [wad] The oracle's price of the asset in the synthetic's units. */
  oracle: bigint;
}

export async function readAuctions(ch: Chainish, blockNumber: bigint): Promise<AuctionRow[]> {
  const { client, addr } = ch;
  const list = await client.readContract({
    address: addr.lens,
    abi: positionLensAbi,
    functionName: "getAuctions",
    args: [0n, 200n],
    blockNumber,
  });
  return Promise.all(
    list.map(async (a) => {
      const synthId = Number(a.synthId);
      const priceAsset = ch.synths.get(synthId)?.priceAsset ?? zeroAddress;
      const [assetPrice, synthPrice] = await Promise.all([
        client.readContract({
          address: addr.oracle,
          abi: oracleAdapterAbi,
          functionName: "getPrice",
          args: [a.asset],
          blockNumber,
        }),
        priceAsset === zeroAddress
          ? Promise.resolve(WAD)
          : client.readContract({
              address: addr.oracle,
              abi: oracleAdapterAbi,
              functionName: "getPrice",
              args: [priceAsset],
              blockNumber,
            }),
      ]);
      return {
        id: a.id,
        positionId: a.positionId,
        asset: a.asset,
        symbol: symbolOf(ch, a.asset),
        decimals: decimalsOf(ch, a.asset),
        synthId,
        lot: a.lot,
        tab: a.tab,
        debt: a.debt,
        price: a.price,
        floor: a.floor,
        startTime: a.startTime,
        needsReset: a.needsReset,
        oracle: (assetPrice * WAD) / synthPrice,
      };
    }),
  );
}

export interface TreasuryFigures {
  synthId: number;
  symbol: string;
  surplus: bigint;
  deficit: bigint;
  penalties: bigint;
  keeperPay: bigint;
  badDebt: bigint;
  absorbed: bigint;
}

export interface CapUse {
  label: string;
  cap: bigint;
  inUse: bigint;
}

export interface SystemState {
  assets: readonly {
    asset: Address;
    held: bigint;
    credited: bigint;
    inAuctions: bigint;
    inModules: bigint;
    exposure: bigint;
    price: bigint;
    priced: boolean;
    value: bigint;
    proven: bigint;
    hasProof: boolean;
    tokenSupply: bigint;
  }[];
  synthetics: readonly {
    synthId: bigint;
    token: Address;
    supply: bigint;
    positionDebt: bigint;
    auctionDebt: bigint;
    badDebt: bigint;
    moduleDebt: bigint;
    treasurySurplus: bigint;
    price: bigint;
    liabilityValue: bigint;
  }[];
  system: { collateralValue: bigint; liabilityValue: bigint; backingBps: bigint; complete: boolean };
  treasury: TreasuryFigures[];
  caps: CapUse[];
}

export async function readSystem(ch: Chainish, blockNumber: bigint): Promise<SystemState> {
  const { client, addr } = ch;
  const [assets, synthetics, system] = await client.readContract({
    address: addr.reserveLens,
    abi: reserveLensAbi,
    functionName: "report",
    blockNumber,
  });
  const treasury = await Promise.all(
    [...ch.synths.entries()].map(async ([synthId, s]): Promise<TreasuryFigures> => {
      const id = BigInt(synthId);
      const [surplus, deficit, h] = await Promise.all([
        client.readContract({
          address: addr.treasury,
          abi: treasuryAbi,
          functionName: "surplus",
          args: [id],
          blockNumber,
        }),
        client.readContract({
          address: addr.treasury,
          abi: treasuryAbi,
          functionName: "deficit",
          args: [id],
          blockNumber,
        }),
        client.readContract({
          address: addr.treasury,
          abi: treasuryAbi,
          functionName: "history",
          args: [id],
          blockNumber,
        }),
      ]);
      return {
        synthId,
        symbol: s.symbol,
        surplus,
        deficit,
        penalties: h.penalties,
        keeperPay: h.keeperPay,
        badDebt: h.badDebt,
        absorbed: h.absorbed,
      };
    }),
  );
  const [globalCap, globalDirt] = await Promise.all([
    client.readContract({ address: addr.engine, abi: liquidationEngineAbi, functionName: "globalCap", blockNumber }),
    client.readContract({ address: addr.engine, abi: liquidationEngineAbi, functionName: "globalDirt", blockNumber }),
  ]);
  const perAsset = await Promise.all(
    assets.map(async (a): Promise<CapUse> => {
      const [cap, inUse] = await Promise.all([
        client.readContract({
          address: addr.engine,
          abi: liquidationEngineAbi,
          functionName: "assetCap",
          args: [a.asset],
          blockNumber,
        }),
        client.readContract({
          address: addr.engine,
          abi: liquidationEngineAbi,
          functionName: "assetDirt",
          args: [a.asset],
          blockNumber,
        }),
      ]);
      return { label: symbolOf(ch, a.asset), cap, inUse };
    }),
  );
  return {
    assets,
    synthetics,
    system,
    treasury,
    caps: [{ label: "global", cap: globalCap, inUse: globalDirt }, ...perAsset],
  };
}

/** [bps] The system backing ratio at `blockNumber` (null when the node has no state there). */
export async function readBacking(ch: Chainish, blockNumber: bigint): Promise<bigint | null> {
  try {
    const s = await ch.client.readContract({
      address: ch.addr.reserveLens,
      abi: reserveLensAbi,
      functionName: "systemReserve",
      blockNumber,
    });
    return s.backingBps;
  } catch {
    return null;
  }
}

export const isInfinite = (h: bigint): boolean => h >= MAX_HEALTH;
