/**
 * The Ballast client: reads a deployment through a `Reader` (./reader.ts: viem or ethers) and previews with the one
 * math. `createBallast({ reader: fromViem(publicClient), addresses: addressBook(manifest) })`.
 *
 * Reads are `eth_call`s at the latest block. A position's state (`positionState`) is brought to a block timestamp
 * `at` [s] (default: the latest block's): the rate index grown as the Vault will book it and a running threshold
 * ramp's value at `at`; prices are the oracle's at the latest block. Previews of that state hold for a transaction
 * mined at `at` while prices stay (on a chain that mines one block per transaction, the next block's timestamp).
 */
import { type Abi, encodeAbiParameters, encodeFunctionData, decodeFunctionResult, keccak256, toHex } from "viem";
import {
  instrumentVaultAbi,
  liquidationEngineAbi,
  oracleAdapterAbi,
  positionLensAbi,
  preLiquidationAbi,
  redemptionsAbi,
  savingsTokenAbi,
  stabilityModuleAbi,
  syntheticTokenAbi,
  vaultAbi,
} from "./abis.js";
import type { Address, AddressBook, Hex } from "./addresses.js";
import { type HealthFigures, type PreLiquidationPolicy, WAD } from "./math.js";
import {
  type ActionsPreview,
  type AssetState,
  type AuctionRules,
  type AuctionView,
  type Operation,
  type PositionState,
  type TakePreview,
  liquidationPricesOf,
  maxMint,
  maxWithdraw,
  previewActions,
  previewTake,
  rampedThreshold,
  rateIndexAt,
} from "./preview.js";
import type { Reader } from "./reader.js";
import type { RedemptionState, SavingsState, StabilityModuleState } from "./peg.js";
import { type SeriesInfo, type SeriesReader, listSeries, readSeries } from "./instruments.js";

/** SavingsToken's storage: `_accounted` and the packed `_stream` (unvested 128 bits, lastUpdate 64, end 64). */
const SAVINGS_ACCOUNTED_SLOT = 8n;
const SAVINGS_STREAM_SLOT = 9n;
/** Redemptions' storage: `_state` (base 128 bits, lastUpdate 40) is the mapping at slot 2, after AccessManaged's
 *  slot and `_params`. */
const REDEMPTIONS_STATE_SLOT = 2n;
/** `VaultReader.SYNTHS_SLOT` and `SYNTH_WORDS`: where the Vault stores its synthetics (word 1: index, rate, time). */
const SYNTHS_SLOT = 11n;
const SYNTH_WORDS = 6n;
const SYNTHS_BASE = BigInt(keccak256(encodeAbiParameters([{ type: "uint256" }], [SYNTHS_SLOT])));
/** `Valuation` / `VaultStorage` asset flags. */
const FLAG_PAUSED = 1;
const FLAG_RAMP = 2;
const FLAG_ATTESTED = 16;
const FLAG_LAPSED = 32;
/** `IOracleAdapter.PriceFailure.WrittenDown`. */
const WRITTEN_DOWN = 13;
/** `Vault.TOTAL_MAX`: the 120-bit field of an asset's total. */
const TOTAL_MAX = 2n ** 120n - 1n;
const ZERO: Address = "0x0000000000000000000000000000000000000000";

/** The Vault's configuration of one collateral asset (`IVault.AssetConfig`) and its threshold ramp. */
export interface AssetParameters {
  asset: Address;
  id: number;
  decimals: number;
  listed: boolean;
  frozen: boolean;
  flags: number;
  /** [bps] */
  maxLtvBps: bigint;
  /** [bps] The configured threshold (a ramp's target while one runs). */
  liqThresholdBps: bigint;
  /** [bps] */
  liqPenaltyBps: bigint;
  /** [whole tokens] */
  supplyCap: bigint;
  /** [token] credited to positions. */
  total: bigint;
}

/** One synthetic's parameters and totals (`PositionLens.synthetic`). */
export interface SyntheticParameters {
  synthId: bigint;
  token: Address;
  /** The asset whose price the synthetic tracks (zero: USD). */
  priceAsset: Address;
  rateModel: Address;
  /** [wad] */
  debtCeiling: bigint;
  /** [wad] */
  minDebt: bigint;
  /** [ray] The rate index at the latest block. */
  rateIndex: bigint;
  /** [ray/s] */
  ratePerSecond: bigint;
  /** [wad] at the latest block. */
  totalDebt: bigint;
  /** [wad] */
  totalNormDebt: bigint;
}

/** The system's parameters: pause and shutdown, every asset's terms, every synthetic, the auction rules. */
export interface SystemParameters {
  paused: boolean;
  /** [s] 0 while running. */
  shutdownAt: bigint;
  assets: AssetParameters[];
  synthetics: SyntheticParameters[];
  auctionRules: AuctionRules;
}

/** Options of `createBallast`. */
export interface BallastOptions {
  /** How to reach the node: `fromViem(publicClient)` or `fromEthers(provider)`. */
  reader: Reader;
  /** The deployment's addresses: `addressBook(manifest)` (at least the core contracts). */
  addresses: Pick<AddressBook, "vault" | "oracleAdapter" | "positionLens" | "liquidationEngine"> & Partial<AddressBook>;
}

/** The client `createBallast` returns. */
export type Ballast = ReturnType<typeof createBallast>;

/**
 * A client over one deployment: typed reads (`systemParameters`, `positionState`, `health`, `auction`) and the
 * previews of ./preview.ts computed from what it reads (`previewActions`, `maxMint`, `maxWithdraw`,
 * `liquidationPrices`, `previewTake`).
 */
export function createBallast(opts: BallastOptions) {
  const { reader, addresses } = opts;

  async function read<T>(to: Address, abi: Abi, functionName: string, args: readonly unknown[] = []): Promise<T> {
    const data = encodeFunctionData({ abi, functionName, args } as never) as Hex;
    const out = await reader.call({ to, data });
    return decodeFunctionResult({ abi, functionName, data: out } as never) as T;
  }
  const vault = <T>(fn: string, ...args: unknown[]) => read<T>(addresses.vault, vaultAbi, fn, args);
  const lens = <T>(fn: string, ...args: unknown[]) => read<T>(addresses.positionLens, positionLensAbi, fn, args);
  const oracle = <T>(fn: string, ...args: unknown[]) => read<T>(addresses.oracleAdapter, oracleAdapterAbi, fn, args);
  const engine = <T>(fn: string, ...args: unknown[]) =>
    read<T>(addresses.liquidationEngine, liquidationEngineAbi, fn, args);

  async function assetParameters(asset: Address): Promise<AssetParameters> {
    const c = await vault<{
      listed: boolean;
      id: number;
      decimals: number;
      frozen: boolean;
      flags: number;
      maxLtvBps: number;
      liqThresholdBps: number;
      liqPenaltyBps: number;
      supplyCap: bigint | number;
      total: bigint;
    }>("assetConfig", asset);
    return {
      asset,
      id: c.id,
      decimals: c.decimals,
      listed: c.listed,
      frozen: c.frozen,
      flags: c.flags,
      maxLtvBps: BigInt(c.maxLtvBps),
      liqThresholdBps: BigInt(c.liqThresholdBps),
      liqPenaltyBps: BigInt(c.liqPenaltyBps),
      supplyCap: BigInt(c.supplyCap),
      total: c.total,
    };
  }

  async function syntheticParameters(synthId: bigint): Promise<SyntheticParameters> {
    const s = await lens<{
      token: Address;
      params: { priceAsset: Address; rateModel: Address; debtCeiling: bigint; minDebt: bigint };
      rateIndex: bigint;
      ratePerSecond: bigint;
      totalDebt: bigint;
      totalNormDebt: bigint;
    }>("synthetic", synthId);
    return {
      synthId,
      token: s.token,
      priceAsset: s.params.priceAsset,
      rateModel: s.params.rateModel,
      debtCeiling: s.params.debtCeiling,
      minDebt: s.params.minDebt,
      rateIndex: s.rateIndex,
      ratePerSecond: s.ratePerSecond,
      totalDebt: s.totalDebt,
      totalNormDebt: s.totalNormDebt,
    };
  }

  async function auctionRules(): Promise<AuctionRules> {
    const p = await engine<{
      startBufferBps: number;
      resetBelowBps: number;
      curve: number;
      duration: number;
      step: number;
      cutBps: number;
      maxDuration: number;
    }>("auctionParams");
    return {
      startBufferBps: BigInt(p.startBufferBps),
      resetBelowBps: BigInt(p.resetBelowBps),
      curve: BigInt(p.curve),
      duration: BigInt(p.duration),
      step: BigInt(p.step),
      cutBps: BigInt(p.cutBps),
      maxDuration: BigInt(p.maxDuration),
    };
  }

  /** [wad] USD per synthetic unit: WAD for a USD synthetic, else the oracle price of the tracked asset. */
  async function synthPriceOf(priceAsset: Address): Promise<bigint> {
    return priceAsset === ZERO ? WAD : oracle<bigint>("getPrice", priceAsset);
  }

  /** One asset as the Vault values it at `at`: price and LTV in force (attested assets), threshold (ramps). */
  async function assetState(p: AssetParameters, amount: bigint, at: bigint): Promise<AssetState> {
    let price: bigint;
    let ltv = p.maxLtvBps;
    if ((p.flags & FLAG_ATTESTED) !== 0) {
      const [attested, failure, lapsed] = await oracle<[bigint, number, boolean]>("tryGetAttestedPrice", p.asset);
      if (failure === WRITTEN_DOWN) [price, ltv] = [0n, 0n];
      else if (failure !== 0)
        throw new Error(`positionState: the price of ${p.asset} is unavailable (failure ${failure})`);
      else {
        price = attested;
        if (lapsed || (p.flags & FLAG_LAPSED) !== 0) ltv = 0n;
      }
    } else {
      price = await oracle<bigint>("getPrice", p.asset);
    }
    let threshold = p.liqThresholdBps;
    if ((p.flags & FLAG_RAMP) !== 0) {
      const r = await lens<{ fromBps: number; start: number; end: number }>("rampOf", p.asset);
      threshold = rampedThreshold(
        p.liqThresholdBps,
        { fromBps: BigInt(r.fromBps), start: BigInt(r.start), end: BigInt(r.end) },
        at,
      );
    }
    const cap = p.supplyCap * 10n ** BigInt(p.decimals);
    return {
      asset: p.asset,
      decimals: p.decimals,
      amount,
      price,
      maxLtvBps: ltv,
      liqThresholdBps: threshold,
      listed: p.listed,
      frozen: p.frozen,
      paused: (p.flags & FLAG_PAUSED) !== 0,
      total: p.total,
      cap: cap > TOTAL_MAX ? TOTAL_MAX : cap,
    };
  }

  return {
    reader,
    addresses,

    /** The system's parameters: pause and shutdown, every listed asset's terms, every synthetic, the auction rules. */
    async systemParameters(): Promise<SystemParameters> {
      const [paused, shutdownAt, list, count, rules] = await Promise.all([
        vault<boolean>("paused"),
        vault<number>("shutdownAt"),
        vault<readonly Address[]>("assets"),
        vault<bigint>("syntheticCount"),
        auctionRules(),
      ]);
      const assets = await Promise.all(list.map((a) => assetParameters(a)));
      const synthetics = await Promise.all(
        Array.from({ length: Number(count) }, (_, i) => syntheticParameters(BigInt(i))),
      );
      return { paused, shutdownAt: BigInt(shutdownAt), assets, synthetics, auctionRules: rules };
    },

    assetParameters,
    syntheticParameters,
    auctionRules,

    /** The figures `PositionLens.healthOf(id)` returns at the latest block (the chain's own computation). */
    async health(id: bigint): Promise<HealthFigures> {
      return lens<HealthFigures>("healthOf", id);
    },

    /**
     * Position `id`'s state at block timestamp `at` [s] (default: the latest block's): owner, synthetic, basket (plus
     * any `assets` a preview may deposit), normalized debt, the rate index `at` as the Vault will book it, prices, the
     * synthetic's limits. `id` 0n with `synthId`: a position not opened yet (owner zero, empty basket).
     */
    async positionState(
      id: bigint,
      o: { assets?: readonly Address[]; at?: bigint; synthId?: bigint } = {},
    ): Promise<PositionState> {
      const at = o.at ?? (await reader.latestBlock()).timestamp;
      let owner: Address = ZERO;
      let synthId = o.synthId ?? 0n;
      let held: { asset: Address; amount: bigint }[] = [];
      let normDebt = 0n;
      if (id !== 0n) {
        const [pos, basket, norm] = await Promise.all([
          vault<readonly [Address, bigint, bigint]>("positionOf", id),
          lens<readonly [readonly Address[], readonly bigint[]]>("basketOf", id),
          lens<bigint>("normDebtOf", id),
        ]);
        [owner, synthId] = [pos[0], pos[1]];
        if (owner === ZERO) throw new Error(`positionState: position ${id} does not exist`);
        held = basket[0].map((asset, i) => ({ asset, amount: basket[1][i] ?? 0n }));
        normDebt = norm;
      }
      for (const a of o.assets ?? []) {
        if (!held.some((h) => h.asset.toLowerCase() === a.toLowerCase())) held.push({ asset: a, amount: 0n });
      }
      const slot = toHex(SYNTHS_BASE + synthId * SYNTH_WORDS + 1n, { size: 32 });
      const [synth, word, paused, shutdownAt] = await Promise.all([
        syntheticParameters(synthId),
        vault<Hex>("extSload", slot),
        vault<boolean>("paused"),
        vault<number>("shutdownAt"),
      ]);
      const w = BigInt(word);
      const index = rateIndexAt(w & (2n ** 128n - 1n), (w >> 128n) & (2n ** 88n - 1n), w >> 216n, at);
      const flashFeeBps = await read<bigint>(synth.token, syntheticTokenAbi, "flashFeeBps");
      const basket = await Promise.all(held.map(async (h) => assetState(await assetParameters(h.asset), h.amount, at)));
      return {
        id,
        owner,
        synthId,
        synthetic: synth.token,
        timestamp: at,
        normDebt,
        index,
        synthPrice: await synthPriceOf(synth.priceAsset),
        minDebt: synth.minDebt,
        debtCeiling: synth.debtCeiling,
        totalNormDebt: synth.totalNormDebt,
        running: !paused && shutdownAt === 0,
        flashFeeBps: BigInt(flashFeeBps),
        basket,
      };
    },

    /** Reads position `id` at `at` (with the assets `ops` deposit) and previews `ops` (see `previewActions`). */
    async previewActions(
      id: bigint,
      ops: readonly Operation[],
      o: { at?: bigint; mode?: "batch" | "calls"; synthId?: bigint } = {},
    ): Promise<ActionsPreview> {
      const assets = ops.flatMap((x) => (x.op === "deposit" || x.op === "withdraw" ? [x.asset] : []));
      const state = await this.positionState(id, { assets, at: o.at, synthId: o.synthId });
      return previewActions(state, ops, { mode: o.mode });
    },

    /** [wad] The most position `id` can mint in a transaction mined at `at` (see `maxMint`). */
    async maxMint(id: bigint, o: { at?: bigint } = {}): Promise<bigint> {
      return maxMint(await this.positionState(id, o));
    },

    /** [token] The most of `asset` position `id` can withdraw in a transaction mined at `at` (see `maxWithdraw`). */
    async maxWithdraw(id: bigint, asset: Address, o: { at?: bigint } = {}): Promise<bigint> {
      return maxWithdraw(await this.positionState(id, o), asset);
    },

    /** [wad USD] Each basket asset's liquidation price (see `liquidationPricesOf`); the synthetic's tracked asset rises. */
    async liquidationPrices(id: bigint, o: { at?: bigint } = {}) {
      const state = await this.positionState(id, o);
      const synth = await syntheticParameters(state.synthId);
      return liquidationPricesOf(state, synth.priceAsset === ZERO ? undefined : synth.priceAsset);
    },

    /** Auction `auctionId` (`LiquidationEngine.auction`), or undefined when it is not live. */
    async auction(auctionId: bigint): Promise<AuctionView | undefined> {
      const a = await engine<{
        asset: Address;
        synthId: number;
        startTime: number;
        decimals: number;
        positionId: number;
        lot: bigint;
        tab: bigint;
        debt: bigint;
        dirt: bigint;
        market: bigint;
        top: bigint;
        floor: bigint;
        dust: bigint;
      }>("auction", auctionId);
      if (a.tab === 0n) return undefined;
      return {
        auctionId,
        asset: a.asset,
        synthId: BigInt(a.synthId),
        startTime: BigInt(a.startTime),
        decimals: a.decimals,
        lot: a.lot,
        tab: a.tab,
        debt: a.debt,
        dirt: a.dirt,
        market: a.market,
        top: a.top,
        floor: a.floor,
        dust: a.dust,
      };
    },

    /**
     * What a take of up to `maxCollateral` [token] of auction `auctionId` mined at `at` [s] (default: the latest
     * block's timestamp) buys and pays, and its cost against the oracle price (see `previewTake`).
     */
    async previewTake(
      auctionId: bigint,
      maxCollateral: bigint,
      o: { at?: bigint; maxPrice?: bigint } = {},
    ): Promise<TakePreview> {
      const a = await this.auction(auctionId);
      if (a === undefined) throw new Error(`previewTake: auction ${auctionId} is not live`);
      const [rules, at, synth] = await Promise.all([
        auctionRules(),
        o.at === undefined ? reader.latestBlock().then((b) => b.timestamp) : Promise.resolve(o.at),
        syntheticParameters(a.synthId),
      ]);
      const [assetPrice, synthPrice] = await Promise.all([
        oracle<bigint>("getPrice", a.asset),
        synthPriceOf(synth.priceAsset),
      ]);
      return previewTake(a, rules, at, maxCollateral, { assetPrice, synthPrice }, o.maxPrice);
    },

    /**
     * The InstrumentVault's views (`addresses.instrumentVault` by default) in the shape `readSeries` and `listSeries`
     * take: `readSeries(ballast.instrumentViews(), id)`.
     */
    instrumentViews(at: Address | undefined = addresses.instrumentVault): SeriesReader {
      if (at === undefined) throw new Error("instrumentViews: no InstrumentVault address");
      const get = <T>(fn: string, ...args: unknown[]) => read<T>(at, instrumentVaultAbi, fn, args);
      return {
        seriesCount: () => get<bigint>("seriesCount"),
        series: (id) => get("series", id),
        seriesState: (id) => get("seriesState", id),
        exposure: (id) => get<readonly bigint[]>("exposure", id),
      };
    },

    /** Series `id` of the InstrumentVault: terms, balances, settlement (`payoffAt(s, poolStateOf(s), …)` previews). */
    async series(id: bigint): Promise<SeriesInfo> {
      return readSeries(this.instrumentViews(), id);
    },

    /** Every series of the InstrumentVault, in id order. */
    async listSeries(): Promise<SeriesInfo[]> {
      return listSeries(this.instrumentViews());
    },

    /** A PreLiquidation contract's policy (`addresses.preLiquidation` by default). */
    async preLiquidationPolicy(at: Address | undefined = addresses.preLiquidation): Promise<PreLiquidationPolicy> {
      if (at === undefined) throw new Error("preLiquidationPolicy: no PreLiquidation address");
      const get = (fn: string) => read<bigint>(at, preLiquidationAbi, fn);
      const [preHealth, closeFactorTop, closeFactorBottom, incentiveTop, incentiveBottom] = await Promise.all([
        get("preHealth"),
        get("closeFactorTop"),
        get("closeFactorBottom"),
        get("incentiveTop"),
        get("incentiveBottom"),
      ]);
      return { preHealth, closeFactorTop, closeFactorBottom, incentiveTop, incentiveBottom };
    },

    /**
     * A StabilityModule's state at the latest block, for `previewSwapIn` / `previewSwapOut` (./peg.ts): fees, band,
     * freezes, both oracle prices (or the failing asset), the Vault's module line, pause and shutdown, the reserves.
     */
    async stabilityModuleState(module: Address): Promise<StabilityModuleState> {
      const psm = <T>(fn: string) => read<T>(module, stabilityModuleAbi, fn);
      const [reserve, reserveDecimals, synthId, config, reserves, line, paused, shutdownAt] = await Promise.all([
        psm<Address>("reserve"),
        psm<number>("reserveDecimals"),
        psm<bigint>("synthId"),
        psm<{ feeInBps: number; feeOutBps: number; bandBps: number; frozenIn: boolean; frozenOut: boolean }>("config"),
        psm<bigint>("reserves"),
        lens<{ active: boolean; ceiling: bigint; debt: bigint }>("moduleLine", module),
        vault<boolean>("paused"),
        vault<number>("shutdownAt"),
      ]);
      const { priceAsset } = await syntheticParameters(synthId);
      // StabilityModule._prices: the reserve first, then the synthetic's price asset (none: 1e18)
      let prices: StabilityModuleState["prices"];
      let failedAsset: Address | undefined;
      let failure: number | undefined;
      const [rp, rf] = await oracle<[bigint, number]>("tryGetPrice", reserve);
      if (rf !== 0) [failedAsset, failure] = [reserve, rf];
      else if (priceAsset === ZERO) prices = { reserve: rp, synthetic: WAD };
      else {
        const [sp, sf] = await oracle<[bigint, number]>("tryGetPrice", priceAsset);
        if (sf !== 0) [failedAsset, failure] = [priceAsset, sf];
        else prices = { reserve: rp, synthetic: sp };
      }
      return {
        module,
        reserve,
        reserveDecimals,
        feeInBps: BigInt(config.feeInBps),
        feeOutBps: BigInt(config.feeOutBps),
        bandBps: BigInt(config.bandBps),
        frozenIn: config.frozenIn,
        frozenOut: config.frozenOut,
        prices,
        ...(failedAsset === undefined ? {} : { failedAsset, failure }),
        active: line.active,
        debt: line.debt,
        ceiling: line.ceiling,
        reserves,
        paused,
        shutdownAt: BigInt(shutdownAt),
      };
    },

    /**
     * A SavingsToken's books at the latest block, for the savings previews (./peg.ts), with `owner`'s share balance
     * when given. The stream is read from storage (the reader's `storageAt`), checked against `accountedAssets()`.
     */
    async savingsState(savings: Address, o: { owner?: Address } = {}): Promise<SavingsState> {
      if (reader.storageAt === undefined) throw new Error("savingsState: the reader cannot read storage");
      const token = <T>(fn: string, ...args: unknown[]) => read<T>(savings, savingsTokenAbi, fn, args);
      const [accountedWord, streamWord, accounted, totalSupply, minVestingShares, ownerShares] = await Promise.all([
        reader.storageAt(savings, SAVINGS_ACCOUNTED_SLOT),
        reader.storageAt(savings, SAVINGS_STREAM_SLOT),
        token<bigint>("accountedAssets"),
        token<bigint>("totalSupply"),
        token<bigint>("minVestingShares"),
        o.owner === undefined ? undefined : token<bigint>("balanceOf", o.owner),
      ]);
      if (BigInt(accountedWord) !== accounted)
        throw new Error(`savingsState: ${savings} does not have the SavingsToken storage layout`);
      const stream = BigInt(streamWord);
      const mask64 = (1n << 64n) - 1n;
      return {
        savings,
        accounted,
        unvested: stream & ((1n << 128n) - 1n),
        lastUpdate: (stream >> 128n) & mask64,
        end: (stream >> 192n) & mask64,
        totalSupply,
        minVestingShares,
        ...(o.owner === undefined || ownerShares === undefined ? {} : { owner: o.owner, ownerShares }),
      };
    },

    /**
     * What `previewRedeem` (./peg.ts) needs for a redemption of synthetic `synthId` against positions `ids` mined at
     * block timestamp `at` [s] (default: the latest block's): the Redemptions parameters, the fee's base as stored
     * (read from storage through the reader's `storageAt`), the supply without flash-minted units, and each position
     * at `at` (`positionState`).
     */
    async redemptionState(synthId: bigint, ids: readonly bigint[], o: { at?: bigint } = {}): Promise<RedemptionState> {
      const at = addresses.redemptions;
      if (at === undefined) throw new Error("redemptionState: the address book has no Redemptions");
      if (reader.storageAt === undefined) throw new Error("redemptionState: the reader cannot read storage");
      const { token } = await syntheticParameters(synthId);
      const slot = BigInt(
        keccak256(encodeAbiParameters([{ type: "uint256" }, { type: "uint256" }], [synthId, REDEMPTIONS_STATE_SLOT])),
      );
      const [p, word, total, flash, positions] = await Promise.all([
        read<{ redeemableHealth: bigint; minFeeBps: number; maxFeeBps: number; halfLife: number }>(
          at,
          redemptionsAbi,
          "params",
          [synthId],
        ),
        reader.storageAt(at, slot),
        read<bigint>(token, syntheticTokenAbi, "totalSupply"),
        read<bigint>(token, syntheticTokenAbi, "flashMinted"),
        Promise.all(ids.map((id) => this.positionState(id, o.at === undefined ? {} : { at: o.at }))),
      ]);
      const packed = BigInt(word);
      return {
        synthId,
        params: {
          redeemableHealth: BigInt(p.redeemableHealth),
          minFeeBps: BigInt(p.minFeeBps),
          maxFeeBps: BigInt(p.maxFeeBps),
          halfLife: BigInt(p.halfLife),
        },
        base: packed & ((1n << 128n) - 1n),
        lastUpdate: (packed >> 128n) & ((1n << 40n) - 1n),
        supply: total - flash,
        positions,
      };
    },
  };
}
