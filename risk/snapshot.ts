/**
 * Reads everything the risk engine needs from a deployed Ballast, once: listed assets and their Vault and engine
 * parameters, synthetics, every position (`nextPositionId`, `positionOf`, `basketOf`, the lens's `normDebtOf`), the engine's
 * liquidation, auction and keeper rules and caps, the live auctions, oracle prices and the Treasury's surplus, the
 * stability modules (`PositionLens.modules`, each module's reserves, debt line and band) and the redeemer's parameters
 * with each position's `exposureOf`. Then the simulation runs in memory, with no RPC call per step.
 *
 * Deployment manifest (found as every command finds it, sdk/manifest.ts `locateManifest`, or
 * `BALLAST_MANIFEST=path/to.json`): a JSON object with at least the Vault, the OracleAdapter, the LiquidationEngine and
 * the PositionLens addresses, either at the top level or under `contracts` or `addresses`, each as a string or as
 * `{ "address": "0x…" }`, under any of these names: vault | Vault; oracle | OracleAdapter | oracleAdapter;
 * engine | LiquidationEngine | liquidationEngine; lens | PositionLens | positionLens. The Treasury is read from the
 * Vault when absent. Example:
 *   { "network": "localhost", "chainId": 31337, "contracts": { "vault": "0x…", "oracle": "0x…", "engine": "0x…",
 *     "lens": "0x…" } }
 */
import { readFileSync } from "node:fs";
import { Contract, type ContractRunner, type Provider } from "ethers";
import {
  ILiquidationEngine__factory,
  IPositionLens__factory,
  IOracleAdapter__factory,
  IRedemptions__factory,
  IStabilityModule__factory,
  IVolatilityObserver__factory,
  ITreasury__factory,
  IVault__factory,
} from "../typechain-types/index.js";
import { readSeries } from "./instruments.js";
import type {
  AssetSnap,
  AuctionSnap,
  ModuleSnap,
  PositionSnap,
  RedemptionsSnap,
  RiskConfig,
  Snapshot,
  SynthSnap,
} from "./model.js";

/** Addresses the snapshot starts from. */
export interface CoreAddresses {
  vault: string;
  oracle: string;
  engine: string;
  /** The deployment's PositionLens (normalized debts). */
  lens: string;
  treasury?: string;
  /** The InstrumentVault, when the deployment has one: its series join the report. */
  instruments?: string;
}

const NAMES: Record<keyof CoreAddresses, string[]> = {
  vault: ["vault", "Vault"],
  oracle: ["oracle", "OracleAdapter", "oracleAdapter"],
  engine: ["engine", "LiquidationEngine", "liquidationEngine"],
  lens: ["lens", "PositionLens", "positionLens"],
  treasury: ["treasury", "Treasury"],
  instruments: ["instruments", "instrumentVault", "InstrumentVault"],
};

/** Parses a deployment manifest (see the file comment). Throws a message naming the file and the missing key. */
export function parseManifest(path: string): CoreAddresses {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new Error(`manifest ${path}: cannot read it as JSON (${(e as Error).message})`);
  }
  if (typeof json !== "object" || json === null) throw new Error(`manifest ${path}: not a JSON object`);
  const root = json as Record<string, unknown>;
  const scopes = [root, root.contracts, root.addresses].filter(
    (s): s is Record<string, unknown> => typeof s === "object" && s !== null,
  );
  const find = (key: keyof CoreAddresses): string | undefined => {
    for (const scope of scopes) {
      for (const name of NAMES[key]) {
        const v = scope[name];
        const a = typeof v === "string" ? v : (v as { address?: unknown } | undefined)?.address;
        if (typeof a === "string") {
          if (!/^0x[0-9a-fA-F]{40}$/.test(a)) throw new Error(`manifest ${path}: ${name} = "${a}" is no address`);
          return a;
        }
      }
    }
    return undefined;
  };
  const out: Partial<CoreAddresses> = {};
  for (const key of ["vault", "oracle", "engine", "lens"] as const) {
    const a = find(key);
    if (a === undefined) {
      throw new Error(
        `manifest ${path}: no ${key} address (expected one of ${NAMES[key].join(", ")} at the top level or ` +
          `under "contracts" or "addresses"; see docs/risk.md)`,
      );
    }
    out[key] = a;
  }
  const treasury = find("treasury");
  const instruments = find("instruments");
  return {
    ...(out as CoreAddresses),
    ...(treasury === undefined ? {} : { treasury }),
    ...(instruments === undefined ? {} : { instruments }),
  };
}

const ERC20_ABI = ["function symbol() view returns (string)"];
const MANAGED_ABI = ["function authority() view returns (address)"];

/** Reads the snapshot (see the file comment). `network` names the network in reports. */
export async function readSnapshot(
  runner: ContractRunner & { provider: Provider | null },
  addrs: CoreAddresses,
  network: string,
  log: (line: string) => void = () => {},
): Promise<Snapshot> {
  const provider = runner.provider;
  if (provider === null) throw new Error("readSnapshot: the runner has no provider");
  for (const [name, a] of Object.entries(addrs)) {
    if ((await provider.getCode(a)) === "0x") {
      throw new Error(`${name} ${a} has no code on ${network}: is the manifest for this network?`);
    }
  }
  const vault = IVault__factory.connect(addrs.vault, runner);
  const oracle = IOracleAdapter__factory.connect(addrs.oracle, runner);
  const engine = ILiquidationEngine__factory.connect(addrs.engine, runner);
  const lens = IPositionLens__factory.connect(addrs.lens, runner);
  const treasuryAddr = addrs.treasury ?? (await vault.treasury());
  const treasury = ITreasury__factory.connect(treasuryAddr, runner);
  const block = await provider.getBlock("latest");
  if (block === null) throw new Error("readSnapshot: no latest block");
  const chainId = (await provider.getNetwork()).chainId;
  let authority: string | undefined;
  try {
    authority = (await new Contract(addrs.vault, MANAGED_ABI, runner).getFunction("authority")()) as string;
  } catch {
    authority = undefined;
  }

  const assetAddrs = await vault.assets();
  const assets: AssetSnap[] = [];
  for (const address of assetAddrs) {
    const cfg = await vault.assetConfig(address);
    let symbol: string;
    try {
      symbol = (await new Contract(address, ERC20_ABI, runner).getFunction("symbol")()) as string;
    } catch {
      symbol = address.slice(0, 8);
    }
    assets.push({
      address,
      symbol,
      decimals: Number(cfg.decimals),
      price: await priceOr0(oracle, address),
      maxLtvBps: cfg.maxLtvBps,
      liqThresholdBps: await lens.liquidationThreshold(address), // in force now: a ramp's current value
      lapseFloorBps: await lapseFloor(lens, address),
      liqPenaltyBps: cfg.liqPenaltyBps,
      supplyCap: cfg.supplyCap,
      frozen: cfg.frozen,
      total: cfg.total,
      cap: await engine.assetCap(address),
      dirt: await engine.assetDirt(address),
    });
  }
  const indexOf = new Map(assets.map((a, i) => [a.address.toLowerCase(), i]));

  const synths: SynthSnap[] = [];
  const count = Number(await vault.syntheticCount());
  for (let id = 0; id < count; id++) {
    const s = await lens.synthetic(id);
    const k = await engine.keeperParams(id);
    const priceAsset =
      s.params.priceAsset === "0x0000000000000000000000000000000000000000"
        ? -1
        : indexOf.get(s.params.priceAsset.toLowerCase());
    if (priceAsset === undefined) {
      throw new Error(`synthetic ${id} tracks ${s.params.priceAsset}, which is not a listed collateral asset`);
    }
    let symbol: string;
    try {
      symbol = (await new Contract(s.token, ERC20_ABI, runner).getFunction("symbol")()) as string;
    } catch {
      symbol = `synth${id}`;
    }
    synths.push({
      id,
      address: s.token,
      symbol,
      priceAsset,
      minDebt: s.params.minDebt,
      rateIndex: s.rateIndex,
      ratePerSecond: s.ratePerSecond,
      totalDebt: s.totalDebt,
      auctionDebt: s.auctionDebt,
      badDebt: s.badDebt,
      surplus: await treasury.surplus(id),
      keeper: { tip: k.tip, chipBps: k.chipBps, maxPay: k.maxPay },
    });
  }

  const modules: ModuleSnap[] = [];
  for (const address of await lens.modules()) {
    const m = IStabilityModule__factory.connect(address, runner);
    const [line, config, reserve, reserves] = await Promise.all([
      lens.moduleLine(address),
      m.config(),
      m.reserve(),
      m.reserves(),
    ]);
    const asset = indexOf.get(reserve.toLowerCase());
    if (asset === undefined)
      throw new Error(`stability module ${address} holds ${reserve}, which is not a listed asset`);
    modules.push({
      address,
      synth: Number(line.synthId),
      asset,
      reserves,
      debt: line.debt,
      ceiling: line.ceiling,
      bandBps: config.bandBps,
      feeInBps: config.feeInBps,
      feeOutBps: config.feeOutBps,
      frozenIn: config.frozenIn,
      frozenOut: config.frozenOut,
    });
  }
  const redeemer = await lens.redeemer();
  let redemptions: RedemptionsSnap | undefined;
  const R = IRedemptions__factory.connect(redeemer, runner);
  if (redeemer !== "0x0000000000000000000000000000000000000000") {
    redemptions = {
      address: redeemer,
      params: await Promise.all(
        synths.map(async (s) => {
          const [p, baseRate] = await Promise.all([R.params(s.id), R.baseRate(s.id)]);
          return {
            redeemableHealth: p.redeemableHealth,
            minFeeBps: p.minFeeBps,
            maxFeeBps: p.maxFeeBps,
            halfLife: p.halfLife,
            baseRate,
          };
        }),
      ),
    };
  }

  const next = await vault.nextPositionId();
  const positions: PositionSnap[] = [];
  const BATCH = 25n;
  for (let start = 1n; start < next; start += BATCH) {
    const ids: bigint[] = [];
    for (let id = start; id < next && id < start + BATCH; id++) ids.push(id);
    const rows = await Promise.all(
      ids.map(async (id) => {
        const [owner, synthId] = await vault.positionOf(id);
        const [basket, amounts] = await lens.basketOf(id);
        const normDebt = await lens.normDebtOf(id);
        const x = redemptions === undefined || normDebt === 0n ? undefined : await R.exposureOf(id);
        const redemption =
          x === undefined ? undefined : { redeemable: x.redeemable, maxRedeemable: x.maxRedeemable, feeBps: x.feeBps };
        return { id, owner, synthId, basket, amounts, normDebt, redemption };
      }),
    );
    for (const r of rows) {
      if (r.normDebt === 0n) continue; // no debt: nothing at risk
      const idx = r.basket.map((a) => {
        const i = indexOf.get(a.toLowerCase());
        if (i === undefined) throw new Error(`position ${r.id} holds ${a}, which is not a listed asset`);
        return i;
      });
      positions.push({
        id: r.id,
        owner: r.owner,
        synth: Number(r.synthId),
        assets: idx,
        amounts: [...r.amounts],
        normDebt: r.normDebt,
        ...(r.redemption === undefined ? {} : { redemption: r.redemption }),
      });
    }
    log(`read positions ${start}…${start + BigInt(ids.length) - 1n} of ${next - 1n}`);
  }

  const auctions: AuctionSnap[] = [];
  const live = await engine.auctionCount();
  const nextAuction = live === 0n ? 1n : await engine.nextAuctionId();
  for (let id = 1n; id < nextAuction; id++) {
    const a = await engine.auction(id); // all zero once it has ended
    if (a.tab === 0n) continue;
    const asset = indexOf.get(a.asset.toLowerCase());
    if (asset === undefined) throw new Error(`auction ${id} sells ${a.asset}, which is not a listed asset`);
    auctions.push({
      id,
      asset,
      synth: Number(a.synthId),
      lot: a.lot,
      tab: a.tab,
      debt: a.debt,
      dirt: a.dirt,
      dust: a.dust,
      market: a.market,
      top: a.top,
      floor: a.floor,
      age: BigInt(block.timestamp) - a.startTime,
    });
  }
  if (live > 0n) log(`read ${live} live auctions`);

  const lp = await engine.liquidationParams();
  const ap = await engine.auctionParams();
  const snap: Snapshot = {
    network,
    chainId,
    block: BigInt(block.number),
    timestamp: BigInt(block.timestamp),
    addresses: { vault: addrs.vault, oracle: addrs.oracle, engine: addrs.engine, treasury: treasuryAddr, authority },
    assets,
    synths,
    positions,
    auctions,
    modules,
    redemptions,
    targetHealth: lp.targetHealth,
    fullLiquidationHealth: lp.fullLiquidationHealth,
    auction: {
      startBufferBps: ap.startBufferBps,
      resetBelowBps: ap.resetBelowBps,
      curve: ap.curve,
      duration: ap.duration,
      step: ap.step,
      cutBps: ap.cutBps,
      maxDuration: ap.maxDuration,
    },
    globalCap: await engine.globalCap(),
    globalDirt: await engine.globalDirt(),
  };
  if (addrs.instruments !== undefined) {
    snap.series = await readSeries(runner, addrs.instruments, snap);
    log(`read ${snap.series.length} instrument series`);
  }
  return snap;
}

/** [bps] `asset`'s lapse floor when the Vault treats it as attested, else 0 (and 0 from a lens without `lapseOf`). */
async function lapseFloor(
  lens: { lapseOf(asset: string): Promise<{ attested: boolean; params: { floorBps: bigint } }> },
  asset: string,
): Promise<bigint> {
  try {
    const l = await lens.lapseOf(asset);
    return l.attested ? l.params.floorBps : 0n;
  } catch {
    return 0n;
  }
}

/**
 * [wad] `asset`'s guarded price, or 0 when the oracle has none (a stale feed, a written-down asset): the engine values
 * such an asset at 0 too, and a path multiplies 0 by anything.
 */
async function priceOr0(
  oracle: { tryGetPrice(asset: string): Promise<[bigint, bigint] & { price: bigint; failure: bigint }> },
  asset: string,
): Promise<bigint> {
  const [price, failure] = await oracle.tryGetPrice(asset);
  return failure === 0n ? price : 0n;
}

/** One asset's volatility as the risk run takes it: the configured σ, what the observer sees, and the one used. */
export interface VolatilityUsed {
  symbol: string;
  configured: number;
  /** The observer's σ (1 = 100% a year), or undefined with the reason it was not used. */
  observed?: number;
  why?: string;
  used: number;
}

/**
 * The larger of the configured and the observed volatility per asset of `snap`: the observer's σ counts when it has
 * at least `minSamples` returns and is at most `maxAge` seconds old at the snapshot's time (the risk steward's own
 * test for loosening: 12 returns). A calmer observation never lowers the configured σ, so the run can only become more
 * cautious. Returns the config to run with and one line per asset.
 */
export async function withObservedVolatility(
  runner: ContractRunner,
  observer: string,
  snap: Snapshot,
  cfg: RiskConfig,
  opts: { minSamples?: number; maxAge?: number } = {},
): Promise<{ cfg: RiskConfig; used: VolatilityUsed[] }> {
  const minSamples = BigInt(opts.minSamples ?? 12);
  const maxAge = BigInt(opts.maxAge ?? 3_600);
  const o = IVolatilityObserver__factory.connect(observer, runner);
  const vol = { ...cfg.vol };
  const used: VolatilityUsed[] = [];
  for (const a of snap.assets) {
    const configured = cfg.vol[a.symbol] ?? 0;
    const [sigma, updatedAt, samples] = await o.volatilityOf(a.address);
    const observed = Number(sigma) / 1e18;
    let why: string | undefined;
    if (samples < minSamples) why = `${samples} returns observed, fewer than ${minSamples}`;
    else if (snap.timestamp > updatedAt + maxAge)
      why = `last observed ${snap.timestamp - updatedAt} s before the snapshot`;
    const use = why === undefined ? Math.max(configured, observed) : configured;
    vol[a.symbol] = use;
    used.push(
      why === undefined
        ? { symbol: a.symbol, configured, observed, used: use }
        : { symbol: a.symbol, configured, why, used: use },
    );
  }
  return { cfg: { ...cfg, vol }, used };
}
