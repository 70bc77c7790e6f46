/**
 * The Ballast tasks as functions over a loaded `System` (scripts/tasks/system.ts): each one checks its inputs, sends
 * what it must (approving first when an allowance is short), prints what it did (transaction hash, gas, the
 * position's new health) and returns the figures, so tests assert on them and the CLI (scripts/tasks/index.ts) only
 * parses arguments. Amounts arrive in human units ("2.5" WETH, "1000" bUSD) and are converted with each token's
 * decimals.
 *
 * Units: `[token]` a token's own decimals, `[wad]` 1e18 (synthetic amounts, USD values, prices), `[bps]` 1e4.
 */
import { MockV3Aggregator__factory, ReserveLens__factory } from "../../typechain-types/index.js";
import { type ReserveReport, printReserves, readReserves } from "../lib/reserves.js";
import { type Align, formatHealth, formatUnitsHuman, formatWad, renderTable } from "../lib/core.js";
import {
  type System,
  type TxReport,
  TaskError,
  assetByAddress,
  assetBySymbol,
  ensureAllowance,
  healthLine,
  parseAmount,
  positionOf,
  revertReason,
  synthById,
  synthBySymbol,
  tokenAmount,
  transact,
} from "./system.js";

const WAD = 10n ** 18n;
const BPS = 10_000n;
const MAX_UINT256 = 2n ** 256n - 1n;

/** What a position-changing task returns. */
export interface PositionResult {
  id: bigint;
  txs: TxReport[];
  /** [wad] Health after the task (type(uint256).max without debt). */
  health: bigint;
}

// ----------------------------------------------------------------------------------------------------------------
// Positions
// ----------------------------------------------------------------------------------------------------------------

/**
 * Opens a position in synthetic `synth`, optionally depositing `amount` of `asset` and minting `mint` [human units of
 * the synthetic] in the same transaction (`Vault.batch`).
 */
export async function openPosition(
  sys: System,
  args: { synth: string; asset?: string; amount?: string; mint?: string },
): Promise<PositionResult> {
  const synth = synthBySymbol(sys, args.synth);
  const hasDeposit = args.asset !== undefined && args.asset !== "";
  if (hasDeposit !== (args.amount !== undefined && args.amount !== "")) {
    throw new TaskError("open: give both --asset and --amount to deposit, or neither");
  }
  const me = sys.signer.address;
  const actions: Array<{ op: bigint; id: bigint; asset: string; amount: bigint; to: string }> = [
    { op: 0n, id: synth.synthId, asset: sys.ethers.ZeroAddress, amount: 0n, to: me },
  ];
  const txs: TxReport[] = [];
  if (hasDeposit) {
    const asset = assetBySymbol(sys, args.asset ?? "");
    const amount = parseAmount(args.amount ?? "", asset.decimals, "--amount");
    await checkBalance(sys, asset, amount);
    const approval = await ensureAllowance(sys, asset.token, asset.symbol, await sys.vault.getAddress(), amount);
    if (approval !== undefined) txs.push(approval);
    actions.push({ op: 1n, id: 0n, asset: asset.address, amount, to: me });
  }
  if (args.mint !== undefined && args.mint !== "") {
    actions.push({
      op: 3n,
      id: 0n,
      asset: sys.ethers.ZeroAddress,
      amount: parseAmount(args.mint, 18, "--mint"),
      to: me,
    });
  }
  const id = await sys.vault.nextPositionId();
  txs.push(await transact(sys, `open position #${id} (${synth.symbol})`, () => sys.vault.batch(actions)));
  return finish(sys, id, txs);
}

/** Deposits `amount` [human] of `asset` into position `id` (approving the Vault first if needed). */
export async function deposit(
  sys: System,
  args: { id: bigint; asset: string; amount: string },
): Promise<PositionResult> {
  await positionOf(sys, args.id);
  const asset = assetBySymbol(sys, args.asset);
  const amount = parseAmount(args.amount, asset.decimals, "amount");
  await checkBalance(sys, asset, amount);
  const txs: TxReport[] = [];
  const approval = await ensureAllowance(sys, asset.token, asset.symbol, await sys.vault.getAddress(), amount);
  if (approval !== undefined) txs.push(approval);
  txs.push(
    await transact(sys, `deposit ${tokenAmount(asset, amount)} into #${args.id}`, () =>
      sys.vault.deposit(args.id, asset.address, amount),
    ),
  );
  return finish(sys, args.id, txs);
}

/** Withdraws `amount` [human] of `asset` from position `id` ("max": all of it) to `to` (default: the signer). */
export async function withdraw(
  sys: System,
  args: { id: bigint; asset: string; amount: string; to?: string },
): Promise<PositionResult> {
  await positionOf(sys, args.id);
  const asset = assetBySymbol(sys, args.asset);
  const held = await sys.vault.collateralOf(args.id, asset.address);
  const amount = args.amount === "max" ? held : parseAmount(args.amount, asset.decimals, "amount");
  if (amount === 0n || amount > held) {
    throw new TaskError(`position #${args.id} holds ${tokenAmount(asset, held)}; cannot withdraw ${args.amount}`);
  }
  const to = recipient(sys, args.to);
  const tx = await transact(sys, `withdraw ${tokenAmount(asset, amount)} from #${args.id} to ${to}`, () =>
    sys.vault.withdraw(args.id, asset.address, amount, to),
  );
  return finish(sys, args.id, [tx]);
}

/** Mints `amount` [human] of the position's synthetic to `to` (default: the signer). */
export async function mint(sys: System, args: { id: bigint; amount: string; to?: string }): Promise<PositionResult> {
  const { synth } = await positionOf(sys, args.id);
  const amount = parseAmount(args.amount, 18, "amount");
  const to = recipient(sys, args.to);
  const tx = await transact(sys, `mint ${formatWad(amount)} ${synth.symbol} against #${args.id}`, () =>
    sys.vault.mint(args.id, amount, to),
  );
  return finish(sys, args.id, [tx]);
}

/** Repays `amount` [human] of position `id`'s debt from the signer's balance ("max": all of it). */
export async function repay(sys: System, args: { id: bigint; amount: string }): Promise<PositionResult> {
  const { synth } = await positionOf(sys, args.id);
  const debt = await sys.vault.debtOf(args.id);
  if (debt === 0n) throw new TaskError(`position #${args.id} has no debt to repay`);
  const all = args.amount === "max";
  const amount = all ? debt : parseAmount(args.amount, 18, "amount");
  const balance = await synth.token.balanceOf(sys.signer.address);
  // a full repayment also pays the interest of the block it lands in: leave a little room
  if (balance < amount) {
    throw new TaskError(
      `${sys.signer.address} holds ${exactWad(balance)} ${synth.symbol} but the repayment needs ${exactWad(amount)}: ` +
        `get more ${synth.symbol} (mint against another position or buy it) and retry`,
    );
  }
  const tx = await transact(sys, `repay ${all ? "all" : formatWad(amount)} ${synth.symbol} of #${args.id}`, () =>
    sys.vault.repay(args.id, all ? MAX_UINT256 : amount),
  );
  return finish(sys, args.id, [tx]);
}

/** Closes position `id`: repays all its debt from the signer and sends every asset to `to` (default: the signer). */
export async function close(sys: System, args: { id: bigint; to?: string }): Promise<PositionResult> {
  const { synth } = await positionOf(sys, args.id);
  const debt = await sys.vault.debtOf(args.id);
  const balance = await synth.token.balanceOf(sys.signer.address);
  if (balance < debt) {
    throw new TaskError(
      `closing #${args.id} repays ${exactWad(debt)} ${synth.symbol} but ${sys.signer.address} holds ` +
        `${exactWad(balance)}: get the difference first (debt rounds up and grows with interest every second)`,
    );
  }
  const to = recipient(sys, args.to);
  const tx = await transact(
    sys,
    `close #${args.id} (repay ${formatWad(debt)} ${synth.symbol}, collateral to ${to})`,
    () => sys.vault.close(args.id, to),
  );
  return finish(sys, args.id, [tx]);
}

// ----------------------------------------------------------------------------------------------------------------
// Health and liquidation prices
// ----------------------------------------------------------------------------------------------------------------

/** One basket asset in the health report. */
export interface BasketLine {
  symbol: string;
  amount: bigint; // [token]
  price: bigint; // [wad] USD per whole token
  value: bigint; // [wad]
  /**
   * [wad] The price of this asset at which the position reaches health 1.0, the other prices unchanged; undefined when
   * no price of this asset alone makes it liquidatable. `rising` is true when it becomes liquidatable above that price
   * (the synthetic tracks this asset and the debt outgrows the collateral).
   */
  liquidationPrice: bigint | undefined;
  rising: boolean;
}

export interface HealthReport {
  id: bigint;
  owner: string;
  synth: string;
  debt: bigint; // [wad]
  debtValue: bigint; // [wad]
  collateralValue: bigint; // [wad]
  mintLimit: bigint; // [wad]
  liquidationLimit: bigint; // [wad]
  health: bigint; // [wad]
  basket: BasketLine[];
}

/** Prints position `id`: owner, debt, basket with values and liquidation prices, limits, health. */
export async function health(sys: System, args: { id: bigint }): Promise<HealthReport> {
  const { owner, synth } = await positionOf(sys, args.id);
  let h;
  try {
    h = await sys.vault.healthOf(args.id);
  } catch (e) {
    throw new TaskError(
      `position #${args.id}: a price is unavailable, so health cannot be computed (${revertReason(e)})`,
    );
  }
  const [assets, amounts] = await sys.vault.basketOf(args.id);
  const lines: Array<BasketLine & { threshold: bigint; decimals: number }> = [];
  for (let i = 0; i < assets.length; i++) {
    const address = assets[i] ?? "";
    const amount = amounts[i] ?? 0n;
    const a = assetByAddress(sys, address);
    const config = await sys.vault.assetConfig(address);
    const price = await sys.oracle.getPrice(address);
    const decimals = Number(config.decimals);
    const value = (amount * price) / 10n ** BigInt(decimals);
    lines.push({
      symbol: a?.symbol ?? address,
      amount,
      price,
      value,
      threshold: await sys.vault.liquidationThreshold(address), // in force (a lowered threshold ramps in)
      decimals,
      liquidationPrice: undefined,
      rising: false,
    });
  }
  // liquidation price of asset i: solve  L_others + amount_i * p * t_i / (10^dec * BPS) = debtValue(p)
  const synthPriceAsset = synth.priceAsset === "USD" ? undefined : assetBySymbol(sys, synth.priceAsset).address;
  for (const [i, l] of lines.entries()) {
    const others = lines.reduce((s, x, j) => (j === i ? s : s + (x.value * x.threshold) / BPS), 0n); // [wad]
    const scale = 10n ** BigInt(l.decimals);
    const tracks = synthPriceAsset !== undefined && synthPriceAsset.toLowerCase() === assets[i]?.toLowerCase();
    if (l.amount === 0n || h.debt === 0n) continue;
    if (!tracks) {
      // debt value fixed: p = (debtValue - others) * 10^dec * BPS / (amount * t)
      if (h.debtValue <= others) continue;
      l.liquidationPrice = ((h.debtValue - others) * scale * BPS) / (l.amount * l.threshold);
    } else {
      // debt value = debt * p / WAD: p * (debt * 10^dec * BPS - amount * t * WAD) = others * WAD * 10^dec * BPS
      const denom = h.debt * scale * BPS - l.amount * l.threshold * WAD;
      if (denom <= 0n) continue;
      l.liquidationPrice = (others * WAD * scale * BPS) / denom;
      l.rising = true;
    }
  }
  const align: Record<string, Align> = { asset: "left" };
  const rows = lines.map((l) => [
    l.symbol,
    formatUnitsHuman(l.amount, l.decimals, Math.min(l.decimals, 6)),
    `$${formatWad(l.price)}`,
    `$${formatWad(l.value)}`,
    l.liquidationPrice === undefined ? "none" : `${l.rising ? "above" : "below"} $${formatWad(l.liquidationPrice)}`,
  ]);
  sys.log(`position #${args.id} (${synth.symbol}), owner ${owner}`);
  sys.log(renderTable(["asset", "amount", "price", "value", "liquidation price"], rows, { align }));
  sys.log(
    `debt ${formatWad(h.debt)} ${synth.symbol} ($${formatWad(h.debtValue)}); collateral $${formatWad(h.collateralValue)}; ` +
      `mint limit $${formatWad(h.mintLimit)}; liquidation limit $${formatWad(h.liquidationLimit)}; health ${formatHealth(h.health)}` +
      (h.health < WAD ? " — LIQUIDATABLE" : ""),
  );
  sys.log("(each liquidation price moves one asset's price with the others unchanged)");
  return {
    id: args.id,
    owner,
    synth: synth.symbol,
    debt: h.debt,
    debtValue: h.debtValue,
    collateralValue: h.collateralValue,
    mintLimit: h.mintLimit,
    liquidationLimit: h.liquidationLimit,
    health: h.health,
    basket: lines.map(({ symbol, amount, price, value, liquidationPrice, rising }) => ({
      symbol,
      amount,
      price,
      value,
      liquidationPrice,
      rising,
    })),
  };
}

// ----------------------------------------------------------------------------------------------------------------
// Liquidations and auctions
// ----------------------------------------------------------------------------------------------------------------

/** One live auction as listed. */
export interface AuctionLine {
  id: bigint;
  positionId: bigint;
  asset: string;
  synth: string;
  lot: bigint; // [token]
  tab: bigint; // [wad]
  price: bigint; // [wad]
  floor: bigint; // [wad]
  needsReset: boolean;
}

/** Lists the live auctions (all of them, in pages of 100). */
export async function auctions(sys: System): Promise<AuctionLine[]> {
  const lines: AuctionLine[] = [];
  for (let offset = 0n; ; offset += 100n) {
    const page = await sys.lens.getAuctions(offset, 100n);
    for (const a of page) {
      const asset = assetByAddress(sys, a.asset);
      lines.push({
        id: a.id,
        positionId: a.positionId,
        asset: asset?.symbol ?? a.asset,
        synth: synthById(sys, a.synthId).symbol,
        lot: a.lot,
        tab: a.tab,
        price: a.price,
        floor: a.floor,
        needsReset: a.needsReset,
      });
    }
    if (page.length < 100) break;
  }
  if (lines.length === 0) {
    sys.log("no live auctions");
    return lines;
  }
  const rows = lines.map((l) => {
    const decimals = assetBySymbol(sys, l.asset).decimals;
    return [
      String(l.id),
      `#${l.positionId}`,
      l.asset,
      formatUnitsHuman(l.lot, decimals, Math.min(decimals, 6)),
      `${formatWad(l.tab)} ${l.synth}`,
      formatWad(l.price),
      formatWad(l.floor),
      l.needsReset ? "needs reset" : "open",
    ];
  });
  sys.log(
    renderTable(["auction", "position", "asset", "lot", "tab", "price", "floor", "status"], rows, {
      align: { auction: "left", position: "left", asset: "left", status: "left" },
    }),
  );
  return lines;
}

/** Liquidates position `id` (after printing the engine's preview); returns the first auction id and the debt taken. */
export async function liquidate(
  sys: System,
  args: { id: bigint },
): Promise<{ tx: TxReport; firstAuctionId: bigint; debt: bigint; keeperPay: bigint }> {
  const { synth } = await positionOf(sys, args.id);
  const h = await sys.vault
    .healthOf(args.id)
    .then((x) => x.health)
    .catch((e: unknown) => {
    throw new TaskError(
      `position #${args.id}: health unavailable (${revertReason(e)}); liquidation waits for the price`,
    );
  });
  if (h >= WAD) {
    throw new TaskError(`position #${args.id} is healthy (health ${formatHealth(h)} ≥ 1.0): nothing to liquidate`);
  }
  const plan = await sys.engine.previewLiquidation(args.id);
  sys.log(
    `liquidating #${args.id}: ${plan.full ? "all" : "part"} of the debt, ${formatWad(plan.debt)} ${synth.symbol} ` +
      `+ penalty ${formatWad(plan.penalty)}${plan.capped ? " (cut down by an auction cap)" : ""}; keeper pay ` +
      `${formatWad(plan.keeperPay)} ${synth.symbol}`,
  );
  const firstAuctionId = await sys.engine.auctionCount().then((n) => n + 1n);
  const tx = await transact(sys, `liquidate #${args.id}`, () => sys.engine.liquidate(args.id));
  const events = await sys.engine.queryFilter(
    sys.engine.filters.LiquidationStarted(args.id),
    tx.blockNumber,
    tx.blockNumber,
  );
  const started = events.at(-1)?.args;
  sys.log(await healthLine(sys, args.id));
  return {
    tx,
    firstAuctionId: started?.firstAuctionId ?? firstAuctionId,
    debt: started?.debt ?? plan.debt,
    keeperPay: started?.keeperPay ?? plan.keeperPay,
  };
}

/**
 * Buys `amount` [human, of the auction's collateral] ("max": the whole lot) from auction `auction` at the current
 * price, or at most `maxPrice` [human synthetic per whole token]. Approves the engine for the synthetic it pays.
 */
export async function take(
  sys: System,
  args: { auction: bigint; amount: string; maxPrice?: string },
): Promise<{ tx: TxReport; collateral: bigint; owe: bigint; price: bigint }> {
  const a = await sys.engine.auction(args.auction);
  if (a.lot === 0n)
    throw new TaskError(`auction ${args.auction} does not exist or has ended; list them with \`ballast auctions\``);
  const asset = assetByAddress(sys, a.asset);
  if (asset === undefined)
    throw new TaskError(`auction ${args.auction} sells ${a.asset}, which is not in the manifest`);
  const synth = synthById(sys, a.synthId);
  const [price, needsReset] = await sys.engine.auctionStatus(args.auction);
  if (needsReset)
    throw new TaskError(`auction ${args.auction} must be reset before anyone can take (engine.reset(${args.auction}))`);
  const maxPrice =
    args.maxPrice === undefined || args.maxPrice === "" ? price : parseAmount(args.maxPrice, 18, "--max-price");
  if (price > maxPrice) {
    throw new TaskError(
      `auction ${args.auction} is at ${formatWad(price)} ${synth.symbol}, above --max-price ${formatWad(maxPrice)}: wait for it to fall`,
    );
  }
  const amount = args.amount === "max" ? a.lot : parseAmount(args.amount, asset.decimals, "amount");
  const want = amount > a.lot ? a.lot : amount;
  const scale = 10n ** BigInt(asset.decimals);
  let owe = (want * price + scale - 1n) / scale; // rounded up, as the engine charges
  if (owe > a.tab) owe = a.tab;
  const balance = await synth.token.balanceOf(sys.signer.address);
  if (balance < owe) {
    throw new TaskError(
      `taking ${tokenAmount(asset, want)} costs about ${formatWad(owe)} ${synth.symbol}, but ${sys.signer.address} ` +
        `holds ${formatWad(balance)}: take less or get more ${synth.symbol}`,
    );
  }
  await ensureAllowance(sys, synth.token, synth.symbol, await sys.engine.getAddress(), owe);
  const me = sys.signer.address;
  const tx = await transact(
    sys,
    `take ${tokenAmount(asset, want)} from auction ${args.auction} at ≤ ${formatWad(maxPrice)} ${synth.symbol}`,
    () => sys.engine.take(args.auction, want, maxPrice, me, "0x"),
  );
  const events = await sys.engine.queryFilter(sys.engine.filters.Take(args.auction), tx.blockNumber, tx.blockNumber);
  const e = events.at(-1)?.args;
  if (e === undefined) throw new TaskError(`take in tx ${tx.hash}: no Take event found`);
  sys.log(
    `bought ${tokenAmount(asset, e.collateral)} for ${formatWad(e.owe)} ${synth.symbol} at ${formatWad(e.price)}; ` +
      `auction ${args.auction}: tab left ${formatWad(e.tabLeft)}, lot left ${tokenAmount(asset, e.lotLeft)}`,
  );
  return { tx, collateral: e.collateral, owe: e.owe, price: e.price };
}

// ----------------------------------------------------------------------------------------------------------------
// Reserves
// ----------------------------------------------------------------------------------------------------------------

export interface ReservesReport {
  /** The ReserveLens report as scripts/lib/reserves.ts reads it (what `npm run reserves` prints). */
  lens: ReserveReport;
  assets: Array<{
    symbol: string;
    held: bigint; // [token] the Vault's balance
    credited: bigint; // [token] credited to positions
    inAuctions: bigint; // [token] held by the liquidation engine
    price: bigint | undefined; // [wad]
    value: bigint | undefined; // [wad] credited + in auctions, at the price
  }>;
  synthetics: Array<{
    symbol: string;
    supply: bigint;
    totalDebt: bigint;
    auctionDebt: bigint;
    badDebt: bigint;
    unmintedFees: bigint;
    surplus: bigint;
    debtValue: bigint | undefined; // [wad] the lens's liability value: (supply + unminted fees) at the price
  }>;
  /** [wad] Collateral value over liability value (undefined without liabilities or when a price is missing). */
  collateralRatio: bigint | undefined;
}

/**
 * Prints the proof-of-reserves report of the deployment's `ReserveLens` (one `report()` call, through `readReserves`
 * of scripts/lib/reserves.ts, the same report `npm run reserves` prints): per asset what the Vault and the engine hold
 * and what is credited, per synthetic supply, debts, bad debt and treasury surplus, and the system backing.
 */
export async function reserves(sys: System): Promise<ReservesReport> {
  const lensAddress = sys.manifest.contracts.ReserveLens?.address;
  if (lensAddress === undefined) {
    throw new TaskError(
      `the manifest of "${sys.network}" has no ReserveLens: run \`npm run deploy -- --network ${sys.network}\` to add it`,
    );
  }
  const lens = ReserveLens__factory.connect(lensAddress, sys.signer);
  const meta = async (address: string): Promise<{ symbol: string; decimals: number }> => {
    const a = sys.assets.find((x) => x.address.toLowerCase() === address.toLowerCase());
    if (a !== undefined) return { symbol: a.symbol, decimals: a.decimals };
    const s = sys.synthetics.find((x) => x.address.toLowerCase() === address.toLowerCase());
    if (s !== undefined) return { symbol: s.symbol, decimals: 18 };
    return { symbol: address.slice(0, 10), decimals: 18 };
  };
  const lensReport = await readReserves(lens, meta);
  printReserves(lensReport);
  const complete = lensReport.system.complete;
  return {
    lens: lensReport,
    assets: lensReport.assets.map((a) => ({
      symbol: a.symbol,
      held: a.held - a.inAuctions,
      credited: a.credited,
      inAuctions: a.inAuctions,
      price: a.price ?? undefined,
      value: a.price === null ? undefined : a.value,
    })),
    synthetics: lensReport.synthetics.map((s) => ({
      symbol: s.symbol,
      supply: s.supply,
      totalDebt: s.positionDebt,
      auctionDebt: s.auctionDebt,
      badDebt: s.badDebt,
      unmintedFees: s.unmintedFees,
      surplus: s.treasurySurplus,
      debtValue: s.price === null ? undefined : s.liabilityValue,
    })),
    collateralRatio:
      complete && lensReport.system.liabilityValue > 0n
        ? (lensReport.system.collateralValue * WAD) / lensReport.system.liabilityValue
        : undefined,
  };
}

// ----------------------------------------------------------------------------------------------------------------
// Test networks only: mock tokens and feeds
// ----------------------------------------------------------------------------------------------------------------

/** Mints `amount` [human] of mock asset `asset` to the signer (test deployments only). */
export async function faucet(sys: System, args: { asset: string; amount: string }): Promise<TxReport> {
  const asset = assetBySymbol(sys, args.asset);
  if (!asset.mock) throw new TaskError(`${asset.symbol} is a real token on this network: the faucet only mints mocks`);
  const amount = parseAmount(args.amount, asset.decimals, "amount");
  const tx = await transact(sys, `faucet: mint ${tokenAmount(asset, amount)} to ${sys.signer.address}`, () =>
    asset.token.mint(sys.signer.address, amount),
  );
  sys.log(`balance: ${tokenAmount(asset, await asset.token.balanceOf(sys.signer.address))}`);
  return tx;
}

/** Publishes `usd` [human USD] as the new answer of mock feed of `asset` (test deployments only). */
export async function setPrice(sys: System, args: { asset: string; usd: string }): Promise<TxReport> {
  const asset = assetBySymbol(sys, args.asset);
  const feedEntry = sys.manifest.contracts[`feed:${asset.symbol}`];
  if (feedEntry === undefined || !feedEntry.contract.endsWith(":MockV3Aggregator")) {
    throw new TaskError(
      `${asset.symbol} is priced by a real Chainlink feed on this network: only mock feeds can be set`,
    );
  }
  const feed = MockV3Aggregator__factory.connect(feedEntry.address, sys.signer);
  const decimals = Number(await feed.decimals());
  const answer = parseAmount(args.usd, decimals, "price");
  return transact(sys, `set ${asset.symbol} price to $${args.usd}`, () => feed.updateAnswer(answer));
}

// ----------------------------------------------------------------------------------------------------------------
// Internals
// ----------------------------------------------------------------------------------------------------------------

async function finish(sys: System, id: bigint, txs: TxReport[]): Promise<PositionResult> {
  sys.log(await healthLine(sys, id));
  const h = await sys.vault
    .healthOf(id)
    .then((x) => x.health)
    .catch(() => 0n);
  return { id, txs, health: h };
}

async function checkBalance(
  sys: System,
  asset: { symbol: string; decimals: number; mock: boolean; token: { balanceOf(a: string): Promise<bigint> } },
  amount: bigint,
): Promise<void> {
  const balance = await asset.token.balanceOf(sys.signer.address);
  if (balance >= amount) return;
  const hint = asset.mock
    ? `mint test tokens with \`npx hardhat ballast faucet ${asset.symbol} <amount> --network ${sys.network}\``
    : `fund the account with ${asset.symbol}`;
  throw new TaskError(
    `${sys.signer.address} holds ${tokenAmount(asset, balance)}, less than ${tokenAmount(asset, amount)}: ${hint}`,
  );
}

/** A [wad] amount with every significant decimal ("10.000000000000000001"), for shortfalls smaller than a cent. */
function exactWad(x: bigint): string {
  const frac = (x % WAD).toString().padStart(18, "0").replace(/0+$/, "");
  return formatUnitsHuman(x, 18, 0).replace(/\.$/, "") + (frac === "" ? "" : `.${frac}`);
}

function recipient(sys: System, to: string | undefined): string {
  if (to === undefined || to === "") return sys.signer.address;
  if (!sys.ethers.isAddress(to)) throw new TaskError(`--to "${to}" is not an address`);
  return sys.ethers.getAddress(to);
}
