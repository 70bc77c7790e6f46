/**
 * Calldata for every user action: each builder returns `{ to, data, value }`, ready for viem's
 * `walletClient.sendTransaction(tx)` or ethers' `signer.sendTransaction(tx)`. Arguments are typed from the ABIs
 * (./abis.ts); amounts are bigint in the contract's units ([token] for collateral, [wad] for synthetics).
 */
import { encodeFunctionData } from "viem";
import {
  erc20Abi,
  instrumentVaultAbi,
  liquidationEngineAbi,
  preLiquidationAbi,
  redemptionsAbi,
  routerAbi,
  savingsTokenAbi,
  settlementAbi,
  stabilityModuleAbi,
  vaultAbi,
} from "./abis.js";
import type { Address, Hex } from "./addresses.js";
import { MAX_UINT256 } from "./math.js";
import type { Step } from "./router.js";

/** `IRouter.Step` as the encoder types it (a ./router.ts `Step` with hex-typed addresses and data). */
type RouterStepArgs = {
  action: number;
  id: bigint;
  token: Address;
  amount: bigint;
  tokenOut: Address;
  limit: bigint;
  target: Address;
  data: Hex;
};

/** A transaction request: send it with viem (`sendTransaction`) or ethers (`signer.sendTransaction`). */
export interface TxRequest {
  to: Address;
  data: Hex;
  /** [wei] Always 0n: no Ballast action takes ETH. */
  value: bigint;
}

const tx = (to: Address, data: Hex): TxRequest => ({ to, data, value: 0n });
const ZERO: Address = "0x0000000000000000000000000000000000000000";

/** `IVault.Op` by name. */
export const Op = { Open: 0, Deposit: 1, Withdraw: 2, Mint: 3, Repay: 4, Close: 5 } as const;

/** One `IVault.Action` of `batch`: `id` 0n means the position an earlier Open step of the batch opened. */
export interface VaultAction {
  op: (typeof Op)[keyof typeof Op];
  /** The position, or for Open the synthetic id. */
  id: bigint;
  asset: Address;
  /** [token] for Deposit/Withdraw, [wad] for Mint/Repay (MAX_UINT256: all the debt). */
  amount: bigint;
  to: Address;
}

/** Builders for the Vault's user actions at `vault`. */
export function vaultCalls(vault: Address) {
  const enc = (data: Hex): TxRequest => tx(vault, data);
  return {
    /** Opens a position in synthetic `synthId`. */
    open: (synthId: bigint) => enc(encodeFunctionData({ abi: vaultAbi, functionName: "open", args: [synthId] })),
    /** Opens a position, deposits `collateral` [token] of `asset` and mints `debt` [wad] to `to`. */
    openAndMint: (synthId: bigint, asset: Address, collateral: bigint, debt: bigint, to: Address) =>
      enc(
        encodeFunctionData({
          abi: vaultAbi,
          functionName: "openAndMint",
          args: [synthId, asset, collateral, debt, to],
        }),
      ),
    /** Deposits `amount` [token] of `asset` (approve the Vault first: `erc20Calls(asset).approve`). */
    deposit: (id: bigint, asset: Address, amount: bigint) =>
      enc(encodeFunctionData({ abi: vaultAbi, functionName: "deposit", args: [id, asset, amount] })),
    /** Withdraws `amount` [token] of `asset` to `to`. */
    withdraw: (id: bigint, asset: Address, amount: bigint, to: Address) =>
      enc(encodeFunctionData({ abi: vaultAbi, functionName: "withdraw", args: [id, asset, amount, to] })),
    /** Mints `amount` [wad] of the position's synthetic to `to`. */
    mint: (id: bigint, amount: bigint, to: Address) =>
      enc(encodeFunctionData({ abi: vaultAbi, functionName: "mint", args: [id, amount, to] })),
    /** Repays `amount` [wad] (at least the debt, e.g. MAX_UINT256: exactly the debt), burned from the sender. */
    repay: (id: bigint, amount: bigint = MAX_UINT256) =>
      enc(encodeFunctionData({ abi: vaultAbi, functionName: "repay", args: [id, amount] })),
    /** Repays all the debt and sends every collateral asset to `to`. */
    close: (id: bigint, to: Address) =>
      enc(encodeFunctionData({ abi: vaultAbi, functionName: "close", args: [id, to] })),
    /** Runs `actions` in one call; the minting limit is checked once at the end. */
    batch: (actions: readonly VaultAction[]) =>
      enc(encodeFunctionData({ abi: vaultAbi, functionName: "batch", args: [actions] })),
    /** Repays `debt` [wad] and withdraws `amount` [token] of `asset` to `to`; health may not fall. */
    repayAndWithdraw: (id: bigint, debt: bigint, asset: Address, amount: bigint, to: Address) =>
      enc(encodeFunctionData({ abi: vaultAbi, functionName: "repayAndWithdraw", args: [id, debt, asset, amount, to] })),
    /** Grants `manager` the `permissions` bits (./permissions.ts) on position `id` (0n revokes). */
    setManager: (id: bigint, manager: Address, permissions: bigint) =>
      enc(encodeFunctionData({ abi: vaultAbi, functionName: "setManager", args: [id, manager, permissions] })),
    /** Transfers position `id` to `to`. */
    transferPosition: (id: bigint, to: Address) =>
      enc(encodeFunctionData({ abi: vaultAbi, functionName: "transferPosition", args: [id, to] })),
  };
}

/** `batch` steps: `action.deposit(0n, weth, x)` etc. (`id` 0n: the position an earlier Open opened). */
export const action = {
  open: (synthId: bigint): VaultAction => ({ op: Op.Open, id: synthId, asset: ZERO, amount: 0n, to: ZERO }),
  deposit: (id: bigint, asset: Address, amount: bigint): VaultAction => ({
    op: Op.Deposit,
    id,
    asset,
    amount,
    to: ZERO,
  }),
  withdraw: (id: bigint, asset: Address, amount: bigint, to: Address): VaultAction => ({
    op: Op.Withdraw,
    id,
    asset,
    amount,
    to,
  }),
  mint: (id: bigint, amount: bigint, to: Address): VaultAction => ({ op: Op.Mint, id, asset: ZERO, amount, to }),
  repay: (id: bigint, amount: bigint): VaultAction => ({ op: Op.Repay, id, asset: ZERO, amount, to: ZERO }),
  close: (id: bigint, to: Address): VaultAction => ({ op: Op.Close, id, asset: ZERO, amount: 0n, to }),
};

/** ERC-20 calls on `token` (collateral or synthetic). */
export function erc20Calls(token: Address) {
  return {
    /** Lets `spender` pull `amount` [token] (MAX_UINT256: unlimited). */
    approve: (spender: Address, amount: bigint = MAX_UINT256) =>
      tx(token, encodeFunctionData({ abi: erc20Abi, functionName: "approve", args: [spender, amount] })),
    /** Sends `amount` [token] to `to`. */
    transfer: (to: Address, amount: bigint) =>
      tx(token, encodeFunctionData({ abi: erc20Abi, functionName: "transfer", args: [to, amount] })),
  };
}

/** The LiquidationEngine's public actions. */
export function liquidationCalls(engine: Address) {
  const enc = (data: Hex): TxRequest => tx(engine, data);
  return {
    /** Liquidates position `positionId` (below health 1): starts its auctions, pays the caller. */
    liquidate: (positionId: bigint) =>
      enc(encodeFunctionData({ abi: liquidationEngineAbi, functionName: "liquidate", args: [positionId] })),
    /**
     * Buys up to `maxCollateral` [token] of auction `auctionId` at its current price if at most `maxPrice` [wad per
     * whole token]; pays in the synthetic (approve the engine). `data` non-empty: a flash callback to `receiver`.
     */
    take: (auctionId: bigint, maxCollateral: bigint, maxPrice: bigint, receiver: Address, data: Hex = "0x") =>
      enc(
        encodeFunctionData({
          abi: liquidationEngineAbi,
          functionName: "take",
          args: [auctionId, maxCollateral, maxPrice, receiver, data],
        }),
      ),
    /** Restarts an auction that needs it at the oracle price. */
    reset: (auctionId: bigint) =>
      enc(encodeFunctionData({ abi: liquidationEngineAbi, functionName: "reset", args: [auctionId] })),
    /** Claims the caller's keeper pay in synthetic `synthId` to `to`. */
    claimKeeperPay: (synthId: bigint, to: Address) =>
      enc(encodeFunctionData({ abi: liquidationEngineAbi, functionName: "claimKeeperPay", args: [synthId, to] })),
    /** Claims an auction's leftover collateral `asset` owed to the caller, to `to`. */
    claim: (asset: Address, to: Address) =>
      enc(encodeFunctionData({ abi: liquidationEngineAbi, functionName: "claim", args: [asset, to] })),
  };
}

/** Face-value redemptions (`Redemptions.redeem`). */
export function redemptionCalls(redemptions: Address) {
  return {
    /** Redeems `amount` [wad] of synthetic `synthId` against positions `ids`, paying at most `maxFeeBps`. */
    redeem: (synthId: bigint, amount: bigint, ids: readonly bigint[], maxFeeBps: bigint, to: Address) =>
      tx(
        redemptions,
        encodeFunctionData({
          abi: redemptionsAbi,
          functionName: "redeem",
          args: [synthId, amount, ids, maxFeeBps, to],
        }),
      ),
  };
}

/** A stability module's swaps (reserve ⇄ synthetic at par, less fees). */
export function stabilityModuleCalls(module: Address) {
  return {
    /** Swaps `amount` [reserve token] in for at least `minOut` [wad] synthetic to `to`. */
    swapIn: (amount: bigint, minOut: bigint, to: Address) =>
      tx(module, encodeFunctionData({ abi: stabilityModuleAbi, functionName: "swapIn", args: [amount, minOut, to] })),
    /** Swaps `amount` [wad] synthetic in for at least `minOut` [reserve token] to `to`. */
    swapOut: (amount: bigint, minOut: bigint, to: Address) =>
      tx(module, encodeFunctionData({ abi: stabilityModuleAbi, functionName: "swapOut", args: [amount, minOut, to] })),
  };
}

/** The savings token (ERC-4626 over a synthetic). */
export function savingsCalls(savings: Address) {
  return {
    /** Deposits `assets` [wad] of the synthetic for shares to `receiver`. */
    deposit: (assets: bigint, receiver: Address) =>
      tx(savings, encodeFunctionData({ abi: savingsTokenAbi, functionName: "deposit", args: [assets, receiver] })),
    /** Withdraws `assets` [wad] of the synthetic to `receiver`, burning `owner`'s shares. */
    withdraw: (assets: bigint, receiver: Address, owner: Address) =>
      tx(
        savings,
        encodeFunctionData({ abi: savingsTokenAbi, functionName: "withdraw", args: [assets, receiver, owner] }),
      ),
    /** Redeems `shares` [wad] of `owner` for the synthetic to `receiver`. */
    redeem: (shares: bigint, receiver: Address, owner: Address) =>
      tx(
        savings,
        encodeFunctionData({ abi: savingsTokenAbi, functionName: "redeem", args: [shares, receiver, owner] }),
      ),
  };
}

/** The Router (`execute(steps, deadline)` [s]), one transaction of the caller's steps. */
export function routerCalls(router: Address) {
  return {
    /** Runs `steps` (./router.ts: `step`, the flows' `steps`) before `deadline` [s]. */
    execute: (steps: readonly Step[], deadline: bigint) =>
      tx(
        router,
        encodeFunctionData({
          abi: routerAbi,
          functionName: "execute",
          args: [steps as readonly RouterStepArgs[], deadline],
        }),
      ),
  };
}

/** Opt-in pre-liquidation: repays `repay` [wad] of position `id` for at least `minSeized` [token] of `asset`. */
export function preLiquidationCalls(preLiquidation: Address) {
  return {
    preLiquidate: (id: bigint, repay: bigint, asset: Address, minSeized: bigint) =>
      tx(
        preLiquidation,
        encodeFunctionData({
          abi: preLiquidationAbi,
          functionName: "preLiquidate",
          args: [id, repay, asset, minSeized],
        }),
      ),
  };
}

/** Options and binaries (`InstrumentVault`). */
export function instrumentCalls(instruments: Address) {
  const enc = (data: Hex): TxRequest => tx(instruments, data);
  return {
    /** Creates a series (`kind` 0 call, 1 put, 2 binary up, 3 binary down; `strike` [wad]; `expiry` [s]). */
    createSeries: (underlying: Address, collateral: Address, kind: number, strike: bigint, expiry: bigint) =>
      enc(
        encodeFunctionData({
          abi: instrumentVaultAbi,
          functionName: "createSeries",
          args: [underlying, collateral, kind, strike, expiry],
        }),
      ),
    /** Writes `units` [wad], which locks the maximum payoff (`lockFor`), mints longs to `longTo`, shorts to `shortTo`. */
    write: (seriesId: bigint, units: bigint, longTo: Address, shortTo: Address) =>
      enc(
        encodeFunctionData({
          abi: instrumentVaultAbi,
          functionName: "write",
          args: [seriesId, units, longTo, shortTo],
        }),
      ),
    /** Burns `units` [wad] of both sides for their share of the lock (`pairRelease`). */
    burnPair: (seriesId: bigint, units: bigint, to: Address) =>
      enc(encodeFunctionData({ abi: instrumentVaultAbi, functionName: "burnPair", args: [seriesId, units, to] })),
    /** Settles an expired series with feed round `roundId` and the round before it. */
    settle: (seriesId: bigint, roundId: bigint, previousRoundId: bigint) =>
      enc(
        encodeFunctionData({
          abi: instrumentVaultAbi,
          functionName: "settle",
          args: [seriesId, roundId, previousRoundId],
        }),
      ),
    /** Settles with the last round before expiry, when no round follows it in time. */
    settleFallback: (seriesId: bigint, roundId: bigint) =>
      enc(encodeFunctionData({ abi: instrumentVaultAbi, functionName: "settleFallback", args: [seriesId, roundId] })),
    /** Redeems `units` [wad] of one side after settlement (`payoffAt`). */
    redeem: (seriesId: bigint, short: boolean, units: bigint, to: Address) =>
      enc(encodeFunctionData({ abi: instrumentVaultAbi, functionName: "redeem", args: [seriesId, short, units, to] })),
  };
}

/** The emergency settlement's public actions (after shutdown). */
export function settlementCalls(settlement: Address) {
  return {
    settlePosition: (id: bigint) =>
      tx(settlement, encodeFunctionData({ abi: settlementAbi, functionName: "settlePosition", args: [id] })),
    claim: (asset: Address, to: Address) =>
      tx(settlement, encodeFunctionData({ abi: settlementAbi, functionName: "claim", args: [asset, to] })),
  };
}
