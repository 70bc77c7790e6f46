/**
 * The Ballast tasks as functions over a loaded `System` (sdk/system.ts): each one checks its inputs and
 * every rule it can read before sending anything (ownership, balances, supply caps, minting limit, minimum debt, the
 * auction's price against the oracle), approves only once those checks pass, sends with the network's gas margin,
 * prints what it did with the amounts the transactions actually moved (read from their events) and returns the
 * figures, so tests assert on them and the CLI (tasks/index.ts) only parses arguments. Amounts arrive in
 * human units ("2.5" WETH, "1000" bUSD) and are converted with each token's decimals.
 *
 * Units: `[token]` a token's own decimals, `[wad]` 1e18 (synthetic amounts, USD values, prices), `[bps]` 1e4.
 */
import { type PriceExplanation, explainPrice } from "../sdk/oracle.js";
import {
  MockFeed__factory,
  MockV3Aggregator__factory,
  ReserveLens__factory,
  Redemptions__factory,
  type SavingsToken,
  SavingsToken__factory,
  type StabilityModule,
  StabilityModule__factory,
} from "../typechain-types/index.js";
import { type ReserveReport, printReserves, readReserves } from "../sdk/reserves.js";
import { type Align, formatAmount, formatBps, formatHealth, formatUsd, formatWad, renderTable } from "../sdk/format.js";
import { liquidationPrices, quoteTake } from "../sdk/math.js";
import { PERMISSIONS } from "../sdk/permissions.js";
import {
  FINAL_STATUSES,
  type ParameterRoom,
  type RecommendationState,
  type StewardParam,
  explainStatus,
  formatStewardValue,
  recommendations,
  rooms,
  stewardKeys,
} from "../sdk/steward.js";
import {
  type AssetHandle,
  type SynthHandle,
  type System,
  type TxReport,
  TaskError,
  amountArg,
  amountsApart,
  assetByAddress,
  assetBySymbol,
  cmd,
  ensureAllowance,
  eventsOf,
  explain,
  healthLine,
  parseId,
  positionOf,
  requireAuthorized,
  synthAmount,
  synthById,
  synthBySymbol,
  tokenAmount,
  transact,
} from "../sdk/system.js";

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
 * the synthetic] in the same transaction (`Vault.batch`). Balance, supply cap, pause, minimum debt, debt ceiling and
 * the minting limit are checked before the approval.
 */
export async function openPosition(
  sys: System,
  args: { synth: string; asset?: string; amount?: string; mint?: string },
): Promise<PositionResult & { deposited: bigint; minted: bigint }> {
  const synth = synthBySymbol(sys, args.synth);
  const hasDeposit = args.asset !== undefined && args.asset !== "";
  if (hasDeposit !== (args.amount !== undefined && args.amount !== "")) {
    throw new TaskError("open: give both --asset and --amount to deposit, or neither");
  }
  const me = sys.signer.address;
  const actions: Array<{ op: bigint; id: bigint; asset: string; amount: bigint; to: string }> = [
    { op: 0n, id: synth.synthId, asset: sys.ethers.ZeroAddress, amount: 0n, to: me },
  ];
  const mintAmount = args.mint !== undefined && args.mint !== "" ? amountArg(args.mint, 18, "--mint") : 0n;
  if (mintAmount > 0n || hasDeposit) await checkRunning(sys, mintAmount > 0n);
  let asset: AssetHandle | undefined;
  let amount = 0n;
  if (hasDeposit) {
    asset = assetBySymbol(sys, args.asset ?? "");
    amount = amountArg(args.amount ?? "", asset.decimals, "--amount");
    await checkBalance(sys, asset, amount);
    await checkDepositable(sys, asset, amount);
    actions.push({ op: 1n, id: 0n, asset: asset.address, amount, to: me });
  }
  if (mintAmount > 0n) {
    await checkMint(sys, synth, undefined, mintAmount, asset === undefined ? [] : [{ asset, amount }]);
    actions.push({ op: 3n, id: 0n, asset: sys.ethers.ZeroAddress, amount: mintAmount, to: me });
  }
  const txs: TxReport[] = [];
  if (asset !== undefined) {
    const approval = await ensureAllowance(sys, asset.token, asset.symbol, await sys.vault.getAddress(), amount);
    if (approval !== undefined) txs.push(approval);
  }
  const tx = await transact(sys, `open a ${synth.symbol} position`, () => sys.vault.batch.populateTransaction(actions));
  txs.push(tx);
  const opened = eventsOf(tx.receipt, sys.vault, await sys.vault.getAddress(), "PositionOpened")[0];
  if (opened === undefined) throw new TaskError(`open: tx ${tx.hash} opened no position (no PositionOpened event)`);
  const id = opened.args[0] as bigint;
  const deposited = sumEvents(tx, sys, "Deposited", 3);
  const minted = sumEvents(tx, sys, "Minted", 2);
  sys.log(
    `opened position #${id} (${synth.symbol})` +
      (asset === undefined ? "" : `, deposited ${tokenAmount(asset, deposited)}`) +
      (minted === 0n ? "" : `, minted ${synthAmount(synth.symbol, minted)} to ${me}`),
  );
  return { ...(await finish(sys, id, txs)), deposited, minted };
}

/** Deposits `amount` [human] of `asset` into position `id` (approving the Vault first, once the checks pass). */
export async function deposit(
  sys: System,
  args: { id: bigint; asset: string; amount: string },
): Promise<PositionResult & { deposited: bigint }> {
  await requireAuthorized(sys, args.id, "deposit into", PERMISSIONS.deposit);
  const asset = assetBySymbol(sys, args.asset);
  const amount = amountArg(args.amount, asset.decimals, "amount");
  await checkBalance(sys, asset, amount);
  await checkDepositable(sys, asset, amount);
  const txs: TxReport[] = [];
  const approval = await ensureAllowance(sys, asset.token, asset.symbol, await sys.vault.getAddress(), amount);
  if (approval !== undefined) txs.push(approval);
  const tx = await transact(sys, `deposit ${tokenAmount(asset, amount)} into #${args.id}`, () =>
    sys.vault.deposit.populateTransaction(args.id, asset.address, amount),
  );
  txs.push(tx);
  const deposited = sumEvents(tx, sys, "Deposited", 3);
  sys.log(`deposited ${tokenAmount(asset, deposited)} into #${args.id}`);
  return { ...(await finish(sys, args.id, txs)), deposited };
}

/** Withdraws `amount` [human] of `asset` from position `id` ("max": all of it) to `to` (default: the signer). */
export async function withdraw(
  sys: System,
  args: { id: bigint; asset: string; amount: string; to?: string },
): Promise<PositionResult & { withdrawn: bigint }> {
  await requireAuthorized(sys, args.id, "withdraw from", PERMISSIONS.withdraw);
  const asset = assetBySymbol(sys, args.asset);
  const held = await sys.vault.collateralOf(args.id, asset.address);
  if (held === 0n) throw new TaskError(`position #${args.id} holds no ${asset.symbol}: nothing to withdraw`);
  const amount = args.amount === "max" ? held : amountArg(args.amount, asset.decimals, "amount");
  if (amount > held) {
    throw new TaskError(
      `position #${args.id} holds ${tokenAmount(asset, held)}, less than the ${tokenAmount(asset, amount)} asked: ` +
        `withdraw at most that, or all of it with ${cmd(sys, `withdraw ${args.id} ${asset.symbol} max`)}`,
    );
  }
  const debt = await sys.lens.debtOf(args.id);
  if (debt > 0n) {
    await checkRunning(sys, true);
    const { synth } = await positionOf(sys, args.id);
    const after = await limitsAfter(sys, args.id, synth, [{ asset, amount: -amount }], 0n);
    if (after.debtValue > after.mintLimit) {
      const now = await limitsAfter(sys, args.id, synth, [], 0n);
      const room = now.mintLimit > now.debtValue ? now.mintLimit - now.debtValue : 0n; // [wad USD]
      const perToken = (await sys.oracle.getPrice(asset.address)) * (await assetConfig(sys, asset)).maxLtvBps; // [wad·bps]
      const most = (room * BPS * 10n ** BigInt(asset.decimals)) / perToken; // [token]
      throw new TaskError(
        `withdrawing ${tokenAmount(asset, amount)} would lower #${args.id}'s minting limit to ` +
          `${formatUsd(after.mintLimit)}, under its debt of ${formatUsd(after.debtValue)}: withdraw at most ` +
          `${tokenAmount(asset, most < held ? most : held)}, or repay first (${cmd(sys, `repay ${args.id} <units>`)})`,
      );
    }
  }
  const to = recipient(sys, args.to);
  const tx = await transact(sys, `withdraw ${tokenAmount(asset, amount)} from #${args.id} to ${to}`, () =>
    sys.vault.withdraw.populateTransaction(args.id, asset.address, amount, to),
  );
  const withdrawn = sumEvents(tx, sys, "Withdrawn", 3);
  sys.log(`withdrew ${tokenAmount(asset, withdrawn)} from #${args.id} to ${to}`);
  return { ...(await finish(sys, args.id, [tx])), withdrawn };
}

/** Mints `amount` [human] of the position's synthetic to `to` (default: the signer), once the limits allow it. */
export async function mint(
  sys: System,
  args: { id: bigint; amount: string; to?: string },
): Promise<PositionResult & { minted: bigint }> {
  await requireAuthorized(sys, args.id, "mint against", PERMISSIONS.mint);
  const { synth } = await positionOf(sys, args.id);
  const amount = amountArg(args.amount, 18, "amount");
  await checkRunning(sys, true);
  await checkMint(sys, synth, args.id, amount, []);
  const to = recipient(sys, args.to);
  const tx = await transact(sys, `mint ${synthAmount(synth.symbol, amount)} against #${args.id}`, () =>
    sys.vault.mint.populateTransaction(args.id, amount, to),
  );
  const minted = sumEvents(tx, sys, "Minted", 2);
  sys.log(`minted ${synthAmount(synth.symbol, minted)} to ${to}`);
  return { ...(await finish(sys, args.id, [tx])), minted };
}

/**
 * Repays `amount` [human] of position `id`'s debt from the signer's balance ("max": all of it, as it stands when the
 * transaction is mined). An amount above the debt, or one that would leave less than the minimum debt, is refused
 * with the command that repays everything. Prints what was burned (the `Repaid` event).
 */
export async function repay(
  sys: System,
  args: { id: bigint; amount: string },
): Promise<PositionResult & { repaid: bigint }> {
  const { synth } = await positionOf(sys, args.id);
  const debt = await sys.lens.debtOf(args.id);
  if (debt === 0n) throw new TaskError(`position #${args.id} has no debt to repay`);
  const all = args.amount === "max";
  const amount = all ? debt : amountArg(args.amount, 18, "amount");
  const repayAll = cmd(sys, `repay ${args.id} max`);
  if (!all && amount > debt) {
    throw new TaskError(
      `position #${args.id} owes ${synthAmount(synth.symbol, debt)}, less than the ${synthAmount(synth.symbol, amount)} ` +
        `asked: to repay all of it use ${repayAll} (it repays the debt as it stands when mined)`,
    );
  }
  const minDebt = (await sys.lens.synthetic(synth.synthId)).params.minDebt;
  if (!all && debt - amount > 0n && debt - amount < minDebt) {
    throw new TaskError(
      `repaying ${synthAmount(synth.symbol, amount)} would leave #${args.id} owing ${synthAmount(synth.symbol, debt - amount)}, ` +
        `below the minimum debt of ${synthAmount(synth.symbol, minDebt)}: repay at most ` +
        `${synthAmount(synth.symbol, debt - minDebt)}, or all of it with ${repayAll}`,
    );
  }
  const balance = await synth.token.balanceOf(sys.signer.address);
  if (balance < amount) {
    const [have, need] = amountsApart(balance, amount, 18);
    throw new TaskError(
      `${sys.signer.address} holds ${have} ${synth.symbol} but the repayment needs ${need} ${synth.symbol}` +
        `${all ? " (the whole debt, which grows with interest every second)" : ""}: get the difference first (mint ` +
        `against another position or buy it), or repay less`,
    );
  }
  const tx = await transact(
    sys,
    `repay ${all ? "all the debt" : synthAmount(synth.symbol, amount)} of #${args.id}`,
    () => sys.vault.repay.populateTransaction(args.id, all ? MAX_UINT256 : amount),
  );
  const repaid = sumEvents(tx, sys, "Repaid", 2);
  sys.log(`repaid ${synthAmount(synth.symbol, repaid)} of #${args.id} (burned from ${sys.signer.address})`);
  return { ...(await finish(sys, args.id, [tx])), repaid };
}

/**
 * Closes position `id`: repays all its debt from the signer and sends every asset to `to` (default: the signer).
 * Only the owner or a manager may; that is checked first.
 */
export async function close(
  sys: System,
  args: { id: bigint; to?: string },
): Promise<PositionResult & { repaid: bigint; returned: Array<{ symbol: string; amount: bigint }> }> {
  await requireAuthorized(sys, args.id, "close", PERMISSIONS.close);
  const { synth } = await positionOf(sys, args.id);
  const debt = await sys.lens.debtOf(args.id);
  const balance = await synth.token.balanceOf(sys.signer.address);
  if (balance < debt) {
    const [need, have] = amountsApart(debt, balance, 18);
    throw new TaskError(
      `closing #${args.id} repays ${need} ${synth.symbol} but ${sys.signer.address} holds ${have} ${synth.symbol}: ` +
        `get the difference first (debt rounds up and grows with interest every second), or repay part with ` +
        cmd(sys, `repay ${args.id} <units>`),
    );
  }
  const to = recipient(sys, args.to);
  const tx = await transact(sys, `close #${args.id} (collateral to ${to})`, () =>
    sys.vault.close.populateTransaction(args.id, to),
  );
  const repaid = sumEvents(tx, sys, "Repaid", 2);
  const returned = eventsOf(tx.receipt, sys.vault, await sys.vault.getAddress(), "Withdrawn").map((e) => {
    const a = assetByAddress(sys, String(e.args[1]));
    return { symbol: a?.symbol ?? String(e.args[1]), amount: e.args[3] as bigint, decimals: a?.decimals ?? 18 };
  });
  sys.log(
    `closed #${args.id}: repaid ${synthAmount(synth.symbol, repaid)}; returned ` +
      (returned.length === 0
        ? "nothing"
        : returned.map((r) => `${formatAmount(r.amount, r.decimals)} ${r.symbol}`).join(", ")) +
      ` to ${to}`,
  );
  return {
    ...(await finish(sys, args.id, [tx])),
    repaid,
    returned: returned.map(({ symbol, amount }) => ({ symbol, amount })),
  };
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
    h = await sys.lens.healthOf(args.id);
  } catch (e) {
    throw new TaskError(
      `position #${args.id}: a price is unavailable, so health cannot be computed (${await explain(sys, e)})`,
    );
  }
  const [assets, amounts] = await sys.lens.basketOf(args.id);
  const lines: Array<BasketLine & { threshold: bigint; decimals: number }> = [];
  for (let i = 0; i < assets.length; i++) {
    const address = assets[i] ?? "";
    const amount = amounts[i] ?? 0n;
    const a = assetByAddress(sys, address);
    const config = await sys.vault.assetConfig(address);
    // a written-down asset counts for nothing (the lens valued it at 0 above); any other failure stopped the lens
    const [tried, failure] = await sys.oracle.tryGetPrice(address);
    const price = failure === 0n ? tried : 0n;
    const decimals = Number(config.decimals);
    const value = (amount * price) / 10n ** BigInt(decimals);
    lines.push({
      symbol: a?.symbol ?? address,
      amount,
      price,
      value,
      threshold: await sys.lens.liquidationThreshold(address), // in force (a lowered threshold ramps in)
      decimals,
      liquidationPrice: undefined,
      rising: false,
    });
  }
  // each asset's liquidation price, the others unchanged: the one rule in sdk/math.ts
  const synthPriceAsset = synth.priceAsset === "USD" ? undefined : assetBySymbol(sys, synth.priceAsset).address;
  const prices = liquidationPrices(
    lines.map((l, i) => ({
      amount: l.amount,
      decimals: l.decimals,
      price: l.price,
      liqThresholdBps: l.threshold,
      tracksDebt: synthPriceAsset !== undefined && synthPriceAsset.toLowerCase() === assets[i]?.toLowerCase(),
    })),
    h.debt,
    h.debtValue,
  );
  for (const [i, l] of lines.entries()) {
    l.liquidationPrice = prices[i]?.price;
    l.rising = prices[i]?.rising ?? false;
  }
  const align: Record<string, Align> = { asset: "left" };
  const rows = lines.map((l) => [
    l.symbol,
    formatAmount(l.amount, l.decimals),
    formatUsd(l.price),
    formatUsd(l.value),
    l.liquidationPrice === undefined ? "none" : `${l.rising ? "above" : "below"} $${formatWad(l.liquidationPrice)}`,
  ]);
  sys.log(`position #${args.id} (${synth.symbol}), owner ${owner}`);
  sys.log(renderTable(["asset", "amount", "price", "value", "liquidation price"], rows, { align }));
  for (const address of assets) {
    const l = await sys.lens.lapseOf(address);
    const symbol = assetByAddress(sys, address)?.symbol ?? address;
    if (l.writtenDown) sys.log(`${symbol} is written down: it counts for nothing (\`ballast oracle ${symbol}\`)`);
    else if (l.attested && l.ltvBps === 0n) {
      sys.log(
        `${symbol}'s attestation has lapsed: it counts for nothing towards new debt or withdrawals with debt, ` +
          `but keeps its value for health (\`ballast oracle ${symbol}\`)`,
      );
    }
  }
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
      formatAmount(l.lot, decimals),
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
  let h: bigint;
  try {
    h = (await sys.lens.healthOf(args.id)).health;
  } catch (e) {
    throw new TaskError(`position #${args.id}: health unavailable (${await explain(sys, e)})`);
  }
  if (h >= WAD) {
    throw new TaskError(`position #${args.id} is healthy (health ${formatHealth(h)} ≥ 1.0): nothing to liquidate`);
  }
  let plan;
  try {
    plan = await sys.engine.previewLiquidation(args.id);
  } catch (e) {
    throw new TaskError(`position #${args.id} cannot be liquidated now: ${await explain(sys, e)}`);
  }
  sys.log(
    `liquidating #${args.id} (health ${formatHealth(h)}): ${plan.full ? "all" : "part"} of the debt, ` +
      `${synthAmount(synth.symbol, plan.debt)} + penalty ${synthAmount(synth.symbol, plan.penalty)}` +
      `${plan.capped ? " (cut down by an auction cap)" : ""}; keeper pay ${synthAmount(synth.symbol, plan.keeperPay)}`,
  );
  const tx = await transact(sys, `liquidate #${args.id}`, () => sys.engine.liquidate.populateTransaction(args.id));
  const started = eventsOf(tx.receipt, sys.engine, await sys.engine.getAddress(), "LiquidationStarted").at(-1);
  if (started === undefined) throw new TaskError(`liquidate: tx ${tx.hash} started no liquidation`);
  const ev = started.args as unknown as { firstAuctionId: bigint; debt: bigint; keeperPay: bigint };
  sys.log(
    `liquidated #${args.id}: ${synthAmount(synth.symbol, ev.debt)} of debt into auctions from #${ev.firstAuctionId}; ` +
      `keeper pay ${synthAmount(synth.symbol, ev.keeperPay)} credited to ${sys.signer.address} (claimKeeperPay)`,
  );
  sys.log(await healthLine(sys, args.id));
  return { tx, firstAuctionId: ev.firstAuctionId, debt: ev.debt, keeperPay: ev.keeperPay };
}

/** What a take did, with the premium (> 0) or discount (< 0) of its price against the oracle [bps]. */
export interface TakeResult {
  tx: TxReport;
  collateral: bigint; // [token] bought
  owe: bigint; // [wad] paid
  price: bigint; // [wad] synthetic per whole token
  oracle: bigint; // [wad] the oracle's price, synthetic per whole token, when the take was checked
  premiumBps: bigint;
}

/**
 * Buys `amount` [human, of the auction's collateral] ("max": the whole lot) from auction `auction` at its current
 * price. Price protection by default: it pays no more than the oracle price per whole token, or than `maxPremium` [%]
 * over it, or than `maxPrice` [human synthetic per whole token] when given. Before anything is sent it prints the
 * price's premium or discount against the oracle, and refuses a price above the limit, an amount above the lot
 * (unless "max"), a take that would leave dust, and a balance that cannot pay; only then it approves the engine.
 */
export async function take(
  sys: System,
  args: { auction: bigint; amount: string; maxPrice?: string; maxPremium?: string },
): Promise<TakeResult> {
  const a = await sys.engine.auction(args.auction);
  if (a.lot === 0n || a.tab === 0n) {
    throw new TaskError(
      `auction ${args.auction} does not exist or has ended; list the live ones with ${cmd(sys, "auctions")}`,
    );
  }
  const asset = assetByAddress(sys, a.asset);
  if (asset === undefined)
    throw new TaskError(`auction ${args.auction} sells ${a.asset}, which is not in the manifest`);
  const synth = synthById(sys, a.synthId);
  const [price, needsReset] = await sys.engine.auctionStatus(args.auction);
  if (needsReset) {
    throw new TaskError(
      `auction ${args.auction} must be reset before anyone can take (LiquidationEngine.reset(${args.auction}), which ` +
        "the keeper does): retry after the reset",
    );
  }
  const per = `${synth.symbol} per ${asset.symbol}`;
  let oracle: bigint;
  try {
    oracle = await oraclePriceIn(sys, asset, synth);
  } catch (e) {
    throw new TaskError(`no oracle price to compare the auction with: ${await explain(sys, e)}`);
  }
  const premiumBps = ((price - oracle) * BPS) / oracle;
  sys.log(
    `auction ${args.auction} (position #${a.positionId}): ${tokenAmount(asset, a.lot)} left, price ` +
      `${formatWad(price)} ${per}, oracle ${formatWad(oracle)}: ${premiumText(premiumBps)}`,
  );
  // the limit: --max-price, else the oracle price plus --max-premium (default 0%)
  let maxPrice: bigint;
  let limitText: string;
  if (args.maxPrice !== undefined && args.maxPrice !== "") {
    if (args.maxPremium !== undefined && args.maxPremium !== "")
      throw new TaskError("take: give --max-price or --max-premium, not both");
    maxPrice = amountArg(args.maxPrice, 18, "--max-price");
    limitText = `--max-price ${formatWad(maxPrice)}`;
  } else {
    const premium =
      args.maxPremium === undefined || args.maxPremium === "" ? 0n : amountArg(args.maxPremium, 2, "--max-premium");
    maxPrice = (oracle * (BPS + premium)) / BPS;
    limitText =
      premium === 0n
        ? `the oracle price ${formatWad(oracle)} (the default limit)`
        : `the oracle price + ${formatAmount(premium, 2)}% = ${formatWad(maxPrice)}`;
  }
  if (price > maxPrice) {
    throw new TaskError(
      `auction ${args.auction} asks ${formatWad(price)} ${per}, ${premiumText(premiumBps)}, above your limit of ` +
        `${limitText}: wait for the price to fall (it decays every step; ${cmd(sys, "auctions")} shows it), or ` +
        `accept more with --max-premium <percent> or --max-price <${synth.symbol} per ${asset.symbol}>`,
    );
  }
  let want: bigint;
  if (args.amount === "max") want = a.lot;
  else {
    want = amountArg(args.amount, asset.decimals, "amount");
    if (want > a.lot) {
      throw new TaskError(
        `auction ${args.auction} has ${tokenAmount(asset, a.lot)} left, less than the ${tokenAmount(asset, want)} ` +
          `asked: ask for at most that, or "max" to buy the whole lot (${cmd(sys, `take ${args.auction} max`)})`,
      );
    }
  }
  const q = quoteTake(
    { lot: a.lot, tab: a.tab, debt: a.debt, dirt: a.dirt, decimals: a.decimals, dust: a.dust },
    want,
    price,
  );
  if ("refused" in q) {
    throw new TaskError(
      q.refused === "TakeLeavesDust"
        ? `taking ${tokenAmount(asset, want)} would leave auction ${args.auction} with a tab or lot worth less than ` +
            `its dust (${synthAmount(synth.symbol, a.dust)}): take less, or the whole lot with ` +
            cmd(sys, `take ${args.auction} max`)
        : `taking ${tokenAmount(asset, want)} buys nothing at this price: take more`,
    );
  }
  const balance = await synth.token.balanceOf(sys.signer.address);
  if (balance < q.owe) {
    throw new TaskError(
      `taking ${tokenAmount(asset, q.collateral)} costs ${synthAmount(synth.symbol, q.owe)}, but ${sys.signer.address} ` +
        `holds ${synthAmount(synth.symbol, balance)}: take less, or get more ${synth.symbol} (mint it against a position)`,
    );
  }
  const txs: TxReport[] = [];
  // the price only falls until the take is mined (a reset would exceed maxPrice and revert): q.owe is the most it costs
  const approval = await ensureAllowance(sys, synth.token, synth.symbol, await sys.engine.getAddress(), q.owe);
  if (approval !== undefined) txs.push(approval);
  const me = sys.signer.address;
  const tx = await transact(
    sys,
    `take ${tokenAmount(asset, want)} from auction ${args.auction} at ≤ ${formatWad(maxPrice)} ${per}`,
    () => sys.engine.take.populateTransaction(args.auction, want, maxPrice, me, "0x"),
  );
  const ev = eventsOf(tx.receipt, sys.engine, await sys.engine.getAddress(), "Take").at(-1);
  if (ev === undefined) throw new TaskError(`take in tx ${tx.hash}: no Take event found`);
  const e = ev.args as unknown as { collateral: bigint; owe: bigint; price: bigint; tabLeft: bigint; lotLeft: bigint };
  const paidBps = ((e.price - oracle) * BPS) / oracle;
  sys.log(
    `bought ${tokenAmount(asset, e.collateral)} for ${synthAmount(synth.symbol, e.owe)} at ${formatWad(e.price)} ${per} ` +
      `(${premiumText(paidBps)}); auction ${args.auction}: tab left ${synthAmount(synth.symbol, e.tabLeft)}, lot left ` +
      `${tokenAmount(asset, e.lotLeft)}`,
  );
  return { tx, collateral: e.collateral, owe: e.owe, price: e.price, oracle, premiumBps: paidBps };
}

/** "a premium of 20.00% over the oracle" / "a discount of 3.10% under the oracle" / "at the oracle price". */
function premiumText(bps: bigint): string {
  if (bps === 0n) return "at the oracle price";
  const abs = bps < 0n ? -bps : bps;
  return `a ${bps > 0n ? "premium" : "discount"} of ${formatAmount(abs, 2, 2)}% ${bps > 0n ? "over" : "under"} the oracle`;
}

/** [wad] The oracle price of one whole `asset` in units of `synth` (USD for a USD synthetic), as the engine values it. */
async function oraclePriceIn(sys: System, asset: AssetHandle, synth: SynthHandle): Promise<bigint> {
  const usd = await sys.oracle.getPrice(asset.address);
  if (synth.priceAsset === "USD") return usd;
  const unit = await sys.oracle.getPrice(assetBySymbol(sys, synth.priceAsset).address);
  return (usd * WAD) / unit;
}

// ----------------------------------------------------------------------------------------------------------------
// The stability modules: swaps at par
// ----------------------------------------------------------------------------------------------------------------

/** What a swap through a stability module returns. */
export interface SwapResult {
  tx: TxReport;
  /** [token or wad] What the caller handed in: reserve for `swap-in`, synthetic for `swap-out`. */
  amountIn: bigint;
  /** [wad or token] What `to` received (the event's figure). */
  amountOut: bigint;
  /** [wad] Units that went to the Treasury. */
  fee: bigint;
}

/** The stability module whose reserve is `reserve` (and whose synthetic is `synth`, when given), from the manifest. */
function moduleFor(
  sys: System,
  reserve: string,
  synth?: string,
): { module: StabilityModule; synth: SynthHandle; asset: AssetHandle } {
  const asset = assetBySymbol(sys, reserve);
  const names = Object.keys(sys.manifest.contracts).filter((k) => k.startsWith("StabilityModule:"));
  const matches = names.filter((k) => {
    const [s, r] = k.slice("StabilityModule:".length).split("/");
    return r === asset.symbol && (synth === undefined || synth === "" || s?.toLowerCase() === synth.toLowerCase());
  });
  const name = matches[0];
  if (name === undefined || matches.length > 1) {
    const known = names.map((k) => k.slice("StabilityModule:".length)).join(", ") || "none";
    throw new TaskError(
      matches.length > 1
        ? `several stability modules hold ${asset.symbol} (${known}): name the synthetic with --synth`
        : `no stability module holds ${asset.symbol} on "${sys.network}" (modules: ${known})`,
    );
  }
  const symbol = name.slice("StabilityModule:".length).split("/")[0] ?? "";
  const address = sys.manifest.contracts[name]?.address ?? "";
  return { module: StabilityModule__factory.connect(address, sys.signer), synth: synthBySymbol(sys, symbol), asset };
}

/** Refuses a swap the module would refuse now: frozen, off peg (or unpriced, swapping in), paused or shut down. */
async function checkSwap(sys: System, module: StabilityModule, asset: AssetHandle, swapIn: boolean): Promise<void> {
  const c = await module.config();
  if (swapIn ? c.frozenIn : c.frozenOut) {
    throw new TaskError(
      `the guardian has frozen swaps ${swapIn ? "in" : "out"} on the ${asset.symbol} module: ` +
        `${swapIn ? "swapping out" : "swapping in"} may still work; wait for the freeze to end`,
    );
  }
  const [ratio, priced] = await module.pegRatio();
  const band = BigInt(c.bandBps) * 10n ** 14n;
  if (swapIn && !priced) {
    throw new TaskError(
      `${asset.symbol} has no price now, so the module cannot check its peg: swapping out still works; retry once the feed answers`,
    );
  }
  if (swapIn && ratio < WAD - band) {
    throw new TaskError(
      `${asset.symbol} is priced at ${formatWad(ratio)} of par, below the module's band of ${formatWad(WAD - band)}: ` +
        `a depegged reserve cannot buy units at par (swapping out still works)`,
    );
  }
  if (!swapIn && priced && ratio > WAD + band) {
    throw new TaskError(
      `${asset.symbol} is priced at ${formatWad(ratio)} of par, above the module's band of ${formatWad(WAD + band)}: ` +
        `the reserve cannot leave at par now (swapping in still works)`,
    );
  }
  await checkRunning(sys, swapIn);
  if (!swapIn && (await sys.vault.shutdownAt()) !== 0n) {
    throw new TaskError("the system was shut down: the module's reserves belong to the settlement; redeem through it");
  }
}

/**
 * Swaps `amount` [human] of reserve `reserve` for its module's synthetic at par less the entry fee, minted to `to`
 * (default: the signer). Checks the balance, the freeze, the peg band and the ceiling's room first; the minimum out is
 * the preview, so a fee change between preview and mining reverts instead of paying less.
 */
export async function swapIn(
  sys: System,
  args: { reserve: string; amount: string; synth?: string; to?: string },
): Promise<SwapResult> {
  const { module, synth, asset } = moduleFor(sys, args.reserve, args.synth);
  const amount = amountArg(args.amount, asset.decimals, "amount");
  const to = recipient(sys, args.to);
  await checkBalance(sys, asset, amount);
  await checkSwap(sys, module, asset, true);
  const room = await module.maxSwapIn();
  if (amount > room) {
    throw new TaskError(
      `the ${asset.symbol} module can take ${tokenAmount(asset, room)} more before its ceiling, not ` +
        `${tokenAmount(asset, amount)}: swap in at most that`,
    );
  }
  const [minted] = await module.previewSwapIn(amount);
  if (minted === 0n)
    throw new TaskError(`${tokenAmount(asset, amount)} is less than one wei of ${synth.symbol} after the fee`);
  const txs: TxReport[] = [];
  const moduleAddress = await module.getAddress();
  const approval = await ensureAllowance(sys, asset.token, asset.symbol, moduleAddress, amount);
  if (approval !== undefined) txs.push(approval);
  const tx = await transact(sys, `swap ${tokenAmount(asset, amount)} for ${synth.symbol}`, () =>
    module.swapIn.populateTransaction(amount, minted, to),
  );
  const [event] = eventsOf(tx.receipt, module, moduleAddress, "SwappedIn");
  const out = (event?.args[3] as bigint | undefined) ?? 0n;
  const paid = (event?.args[4] as bigint | undefined) ?? 0n;
  sys.log(
    `swapped ${tokenAmount(asset, amount)} for ${synthAmount(synth.symbol, out)} to ${to} ` +
      `(fee ${synthAmount(synth.symbol, paid)} to the Treasury)`,
  );
  return { tx, amountIn: amount, amountOut: out, fee: paid };
}

/**
 * Swaps `amount` [human] of the synthetic for reserve `reserve` at par less the exit fee, sent to `to` (default: the
 * signer). Checks the balance, the freeze, the band, the shutdown and the module's room first; the minimum out is the
 * preview.
 */
export async function swapOut(
  sys: System,
  args: { reserve: string; amount: string; synth?: string; to?: string },
): Promise<SwapResult> {
  const { module, synth, asset } = moduleFor(sys, args.reserve, args.synth);
  const amount = amountArg(args.amount, 18, "amount");
  const to = recipient(sys, args.to);
  const balance = await synth.token.balanceOf(sys.signer.address);
  if (balance < amount) {
    const [have, need] = amountsApart(balance, amount, 18);
    throw new TaskError(`${sys.signer.address} holds ${have} ${synth.symbol}, less than ${need} ${synth.symbol}`);
  }
  await checkSwap(sys, module, asset, false);
  const max = await module.maxSwapOut();
  if (amount > max) {
    throw new TaskError(
      `the ${asset.symbol} module can pay out for at most ${synthAmount(synth.symbol, max)} now (its reserves and ` +
        `its debt), not ${synthAmount(synth.symbol, amount)}: swap out at most that`,
    );
  }
  const [reserveOut] = await module.previewSwapOut(amount);
  if (reserveOut === 0n) {
    throw new TaskError(
      `${synthAmount(synth.symbol, amount)} is worth less than one unit of ${asset.symbol} after the fee`,
    );
  }
  const txs: TxReport[] = [];
  const moduleAddress = await module.getAddress();
  const approval = await ensureAllowance(sys, synth.token, synth.symbol, moduleAddress, amount);
  if (approval !== undefined) txs.push(approval);
  const tx = await transact(sys, `swap ${synthAmount(synth.symbol, amount)} for ${asset.symbol}`, () =>
    module.swapOut.populateTransaction(amount, reserveOut, to),
  );
  const [event] = eventsOf(tx.receipt, module, moduleAddress, "SwappedOut");
  const out = (event?.args[3] as bigint | undefined) ?? 0n;
  const paid = (event?.args[4] as bigint | undefined) ?? 0n;
  sys.log(
    `swapped ${synthAmount(synth.symbol, amount)} for ${tokenAmount(asset, out)} to ${to} ` +
      `(fee ${synthAmount(synth.symbol, paid)} to the Treasury)`,
  );
  return { tx, amountIn: amount, amountOut: out, fee: paid };
}

// ----------------------------------------------------------------------------------------------------------------
// Redemptions
// ----------------------------------------------------------------------------------------------------------------

/**
 * Redeems `amount` [human] of synthetic `synth` at face value against `positions` (comma-separated ids; default: every
 * position the Redemptions contract says is exposed now, lowest health first), at no more than `maxFee` percent
 * (default: the fee now), the collateral to `to` (default: the signer). What is not redeemed comes back.
 */
export async function redeem(
  sys: System,
  args: { synth: string; amount: string; positions?: string; maxFee?: string; to?: string },
): Promise<{ tx: TxReport; redeemed: bigint; feeBps: bigint; ids: bigint[] }> {
  const address = sys.manifest.contracts.Redemptions?.address;
  if (address === undefined) throw new TaskError(`redemptions are not deployed on "${sys.network}"`);
  const r = Redemptions__factory.connect(address, sys.signer);
  const synth = synthBySymbol(sys, args.synth);
  const amount = amountArg(args.amount, 18, "amount");
  const to = recipient(sys, args.to);
  if ((await r.params(synth.synthId)).redeemableHealth === 0n) {
    throw new TaskError(`redemptions of ${synth.symbol} are off on "${sys.network}"`);
  }
  const balance = await synth.token.balanceOf(sys.signer.address);
  if (balance < amount) {
    const [have, need] = amountsApart(balance, amount, 18);
    throw new TaskError(`${sys.signer.address} holds ${have} ${synth.symbol}, less than ${need} ${synth.symbol}`);
  }
  let ids: bigint[];
  if (args.positions !== undefined && args.positions !== "") {
    ids = args.positions.split(",").map((x) => parseId(x.trim()));
  } else {
    const found: { id: bigint; health: bigint }[] = [];
    const next = await sys.vault.nextPositionId();
    const BATCH = 25n; // reads in flight at once: a node's rate limit, not a block, is the bound
    for (let start = 1n; start < next; start += BATCH) {
      const ids: bigint[] = [];
      for (let id = start; id < next && id < start + BATCH; id++) ids.push(id);
      const rows = await Promise.all(
        ids.map(async (id) => {
          const [owner, synthId] = await sys.vault.positionOf(id);
          if (owner === sys.ethers.ZeroAddress || synthId !== synth.synthId) return undefined;
          const x = await r.exposureOf(id);
          return x.redeemable ? { id, health: x.health } : undefined;
        }),
      );
      for (const row of rows) if (row !== undefined) found.push(row);
    }
    found.sort((a, b) => (a.health < b.health ? -1 : a.health > b.health ? 1 : 0));
    ids = found.map((f) => f.id);
  }
  if (ids.length === 0) {
    throw new TaskError(`no ${synth.symbol} position is exposed to redemption now (all are healthier than the bound)`);
  }
  const fee = await r.feeFor(synth.synthId, amount);
  const maxFee = args.maxFee === undefined || args.maxFee === "" ? fee : amountArg(args.maxFee, 2, "max fee");
  if (fee > maxFee) {
    throw new TaskError(
      `the redemption fee for ${synthAmount(synth.symbol, amount)} is ${formatAmount(fee, 2)}% now, above your ` +
        `--max-fee of ${formatAmount(maxFee, 2)}%: redeem less, or wait for the fee to decay`,
    );
  }
  await ensureAllowance(sys, synth.token, synth.symbol, address, amount);
  const tx = await transact(sys, `redeem ${synthAmount(synth.symbol, amount)} against #${ids.join(", #")}`, () =>
    r.redeem.populateTransaction(synth.synthId, amount, ids, maxFee, to),
  );
  const [ev] = eventsOf(tx.receipt, r, address, "Redemption");
  const redeemed = (ev?.args[3] as bigint | undefined) ?? 0n;
  sys.log(
    `redeemed ${synthAmount(synth.symbol, redeemed)} at a ${formatAmount(fee, 2)}% fee; the collateral went to ${to}` +
      (redeemed < amount ? `; ${synthAmount(synth.symbol, amount - redeemed)} came back` : ""),
  );
  return { tx, redeemed, feeBps: fee, ids };
}

// ----------------------------------------------------------------------------------------------------------------
// Savings and the Treasury's surplus policy
// ----------------------------------------------------------------------------------------------------------------

/** The savings token over synthetic `synth` (from the manifest's `SavingsToken:*` entries). */
async function savingsFor(
  sys: System,
  synth: string,
): Promise<{ savings: SavingsToken; synth: SynthHandle; symbol: string }> {
  const handle = synthBySymbol(sys, synth);
  for (const [name, c] of Object.entries(sys.manifest.contracts)) {
    if (!name.startsWith("SavingsToken:")) continue;
    const savings = SavingsToken__factory.connect(c.address, sys.signer);
    if ((await savings.asset()).toLowerCase() === handle.address.toLowerCase()) {
      return { savings, synth: handle, symbol: name.slice("SavingsToken:".length) };
    }
  }
  throw new TaskError(`no savings token holds ${handle.symbol} on "${sys.network}"`);
}

/** What a savings deposit or withdrawal returns. */
export interface SavingsResult {
  tx: TxReport;
  /** [wad] Synthetic units moved. */
  assets: bigint;
  /** Shares minted or burned (the savings token's own decimals). */
  shares: bigint;
}

/**
 * Deposits `amount` [human] of synthetic `synth` into its savings token for shares (ERC-4626 `deposit`, shares rounded
 * down), to `to` (default: the signer). Prints the shares and the current savings rate.
 */
export async function savingsDeposit(
  sys: System,
  args: { synth: string; amount: string; to?: string },
): Promise<SavingsResult> {
  const { savings, synth, symbol } = await savingsFor(sys, args.synth);
  const amount = amountArg(args.amount, 18, "amount");
  const to = recipient(sys, args.to);
  const balance = await synth.token.balanceOf(sys.signer.address);
  if (balance < amount) {
    const [have, need] = amountsApart(balance, amount, 18);
    throw new TaskError(`${sys.signer.address} holds ${have} ${synth.symbol}, less than ${need} ${synth.symbol}`);
  }
  const shares = await savings.previewDeposit(amount);
  if (shares === 0n) throw new TaskError(`${synthAmount(synth.symbol, amount)} buys no ${symbol} share: deposit more`);
  const approval = await ensureAllowance(sys, synth.token, synth.symbol, await savings.getAddress(), amount);
  const tx = await transact(sys, `deposit ${synthAmount(synth.symbol, amount)} into ${symbol}`, () =>
    savings.deposit.populateTransaction(amount, to),
  );
  void approval;
  sys.log(
    `deposited ${synthAmount(synth.symbol, amount)} into ${symbol} for ${formatAmount(shares, Number(await savings.decimals()))} ` +
      `shares to ${to}; savings rate now ${formatWad((await savings.apr()) * 100n)}% a year (simple, from the stream)`,
  );
  return { tx, assets: amount, shares };
}

/**
 * Withdraws `amount` [human] of synthetic `synth` ("max": everything the signer's shares are worth) from its savings
 * token to `to` (default: the signer), burning the shares it costs (rounded up).
 */
export async function savingsWithdraw(
  sys: System,
  args: { synth: string; amount: string; to?: string },
): Promise<SavingsResult> {
  const { savings, synth, symbol } = await savingsFor(sys, args.synth);
  const to = recipient(sys, args.to);
  const me = sys.signer.address;
  const max = await savings.maxWithdraw(me);
  const all = args.amount === "max";
  if (all && max === 0n) throw new TaskError(`${me} holds no ${symbol}`);
  const amount = all ? max : amountArg(args.amount, 18, "amount");
  if (amount > max) {
    throw new TaskError(
      `${me}'s ${symbol} shares are worth ${synthAmount(synth.symbol, max)}, less than ` +
        `${synthAmount(synth.symbol, amount)}: withdraw at most that (or "max")`,
    );
  }
  const shares = all ? await savings.balanceOf(me) : await savings.previewWithdraw(amount);
  const tx = await transact(sys, `withdraw ${synthAmount(synth.symbol, amount)} from ${symbol}`, () =>
    all ? savings.redeem.populateTransaction(shares, to, me) : savings.withdraw.populateTransaction(amount, to, me),
  );
  sys.log(
    `withdrew ${synthAmount(synth.symbol, amount)} from ${symbol} to ${to}, burning ${formatAmount(shares, Number(await savings.decimals()))} shares`,
  );
  return { tx, assets: amount, shares };
}

/**
 * Runs the Treasury's surplus policy for synthetic `synth` once: distributes when due; otherwise says why not and when
 * (below the buffer, a deficit open, the clock not started or not run out), poking the clock when the surplus is above
 * the buffer and no poke has seen it yet.
 */
export async function distribute(
  sys: System,
  args: { synth: string },
): Promise<{ tx: TxReport; toSavings: bigint; toBuyback: bigint }> {
  const synth = synthBySymbol(sys, args.synth);
  const t = sys.treasury;
  const policy = await t.policy(synth.synthId);
  if (policy.maxShareBps === 0n) {
    throw new TaskError(`${synth.symbol} has no surplus policy on "${sys.network}": nothing is distributed`);
  }
  if ((await sys.vault.shutdownAt()) !== 0n)
    throw new TaskError("the system was shut down: the surplus stays for the settlement");
  const deficit = await t.deficit(synth.synthId);
  if (deficit !== 0n) {
    throw new TaskError(
      `${synth.symbol} has ${synthAmount(synth.symbol, deficit)} of bad debt not covered: nothing is distributed ` +
        `while a deficit is open`,
    );
  }
  const surplus = await t.surplus(synth.synthId);
  if (surplus <= policy.buffer) {
    throw new TaskError(
      `the Treasury holds ${synthAmount(synth.symbol, surplus)} of ${synth.symbol}, not above its buffer of ` +
        `${synthAmount(synth.symbol, policy.buffer)}: nothing to distribute`,
    );
  }
  const [due, toSavings, toBuyback, allowedAt] = await t.previewDistribution(synth.synthId);
  if (!due) {
    if ((await t.clock(synth.synthId)).aboveSince === 0n) {
      await transact(sys, `poke the Treasury's clock for ${synth.symbol}`, () =>
        t.poke.populateTransaction(synth.synthId),
      );
    }
    throw new TaskError(
      `the next distribution of ${synth.symbol} is allowed from ${new Date(Number(allowedAt) * 1000).toISOString()} ` +
        `(the surplus must stay above the buffer that long, and distributions keep their interval): retry then`,
    );
  }
  const tx = await transact(sys, `distribute ${synth.symbol} surplus`, () =>
    t.distribute.populateTransaction(synth.synthId),
  );
  sys.log(
    `distributed ${synthAmount(synth.symbol, toSavings)} to savers (streamed) and ${synthAmount(synth.symbol, toBuyback)} ` +
      `to the buyback; the Treasury keeps ${synthAmount(synth.symbol, await t.surplus(synth.synthId))}`,
  );
  return { tx, toSavings, toBuyback };
}

// ----------------------------------------------------------------------------------------------------------------
// Reserves
// ----------------------------------------------------------------------------------------------------------------

export interface ReservesReport {
  /** The ReserveLens report as sdk/reserves.ts reads it (what `npm run reserves` prints). */
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
 * of sdk/reserves.ts, the same report `npm run reserves` prints): per asset what the Vault and the engine hold
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

/**
 * How `asset`'s price is composed now (sdk/oracle.ts `explainPrice`): the adapter's built-in feeds or the price source,
 * each leg's value and failure, a rate's cap and floor, an attestation's time-to-live and lapse; and, for an asset the
 * Vault treats as attested, where it stands in the lapse lifecycle.
 */
export async function oracle(sys: System, args: { asset: string }): Promise<PriceExplanation> {
  const asset = assetBySymbol(sys, args.asset);
  const out = await explainPrice(sys.signer, await sys.oracle.getAddress(), asset.address, asset.symbol);
  for (const l of out.lines) sys.log(l);
  const lapse = await sys.lens.lapseOf(asset.address);
  if (lapse.attested) {
    const t = (s: bigint): string => new Date(Number(s) * 1000).toISOString();
    sys.log(
      `  lifecycle: loan-to-value in force ${formatBps(lapse.ltvBps)}; lapse floor ${formatBps(lapse.params.floorBps)} ` +
        `after ${Number(lapse.params.grace) / 86_400} days of grace` +
        (lapse.lapseRamp
          ? `; LAPSE RAMP started: new risk refused until governance cures it (Vault.cure)`
          : lapse.rampDueAt !== 0n
            ? `; anyone may start the lapse ramp from ${t(lapse.rampDueAt)} (Vault.startLapsedRamp)`
            : ""),
    );
  }
  return out;
}

/** What `ballast steward` read: the recommendations still open, and every stewarded parameter's room. */
export interface StewardView {
  pending: RecommendationState[];
  rooms: ParameterRoom[];
}

/**
 * The risk steward's state: each published recommendation that is not final yet (with why it waits: its clock, the
 * volatility gate, its bounds), then each stewarded parameter's value, its bounds, the room one application has now,
 * its clock and its volatility gate. `--all` lists the final recommendations too.
 */
export async function steward(sys: System, args: { all?: boolean } = {}): Promise<StewardView> {
  const risk = sys.risk;
  if (risk === undefined) {
    throw new TaskError("this deployment has no risk steward (the network config's `risk` section deploys one)");
  }
  const now = BigInt((await sys.signer.provider?.getBlock("latest"))?.timestamp ?? 0);
  const when = (t: bigint): string => (t === 0n || t <= now ? "now" : new Date(Number(t) * 1000).toISOString());
  const nameOf = (a: string): string => {
    if (a === sys.ethers.ZeroAddress) return "global";
    const asset = sys.assets.find((x) => x.address.toLowerCase() === a.toLowerCase());
    if (asset !== undefined) return asset.symbol;
    return sys.synthetics.find((x) => x.address.toLowerCase() === a.toLowerCase())?.symbol ?? a;
  };
  const unitOf = (param: StewardParam, target: string): string =>
    param === "SupplyCap" ? nameOf(target) : param === "DebtCeiling" || param === "KeeperTip" ? nameOf(target) : "";
  const all = await recommendations(risk.riskOracle, risk.steward);
  const pending = all.filter((r) => args.all === true || !FINAL_STATUSES.includes(r.status));
  sys.log(
    `Risk steward ${await risk.steward.getAddress()}${(await risk.steward.paused()) ? " (PAUSED by the guardian)" : ""}`,
  );
  sys.log(`Recommendations: ${all.length} published, ${pending.length} ${args.all === true ? "listed" : "open"}`);
  for (const r of pending) {
    const unit = unitOf(r.param, r.target);
    const why = explainStatus(r.param, r.status, r.detail, unit);
    sys.log(
      `  #${r.id} ${nameOf(r.target)} ${r.param} → ${formatStewardValue(r.param, r.value, unit)} ` +
        `(now ${formatStewardValue(r.param, r.current, unit)}; valid until ${when(r.validUntil)}): ` +
        (r.status === "Applicable" ? "applicable now (anyone may apply it; the keeper does)" : why),
    );
  }
  const keys = stewardKeys(
    sys.assets.map((a) => a.address),
    sys.synthetics.map((s) => s.address),
  );
  const list = await rooms(risk.steward, keys);
  sys.log(`Parameters (${list.length} stewarded): value, room now, bounds, clock, gate`);
  for (const p of list) {
    const unit = unitOf(p.param, p.target);
    const f = (v: bigint) => formatStewardValue(p.param, v, unit);
    const gate =
      p.maxVolatility === 0n
        ? "never loosens"
        : `loosens under ${(Number(p.maxVolatility) / 1e16).toFixed(0)}% of ${nameOf(p.volAsset)}: ` +
          (p.volatility === 2n ** 256n - 1n
            ? "no fresh observation (closed)"
            : `observed ${(Number(p.volatility) / 1e16).toFixed(0)}% (${p.looseningOpen ? "open" : "closed"})`);
    sys.log(
      `  ${nameOf(p.target)} ${p.param}: ${f(p.current)}; room ${f(p.lowest)} … ${f(p.highest)}; bounds ${f(p.minValue)} … ` +
        `${f(p.maxValue)}, ${(Number(p.maxChangeBps) / 100).toFixed(0)}% a step, every ${Number(p.minInterval) / 3_600} h ` +
        `(next ${when(p.nextAt)}); ${gate}`,
    );
  }
  return { pending, rooms: list };
}

// ----------------------------------------------------------------------------------------------------------------
// Test networks only: mock tokens and feeds
// ----------------------------------------------------------------------------------------------------------------

/** Mints `amount` [human] of mock asset `asset` to the signer (test deployments only). */
export async function faucet(sys: System, args: { asset: string; amount: string }): Promise<TxReport> {
  const asset = assetBySymbol(sys, args.asset);
  if (!asset.mock) throw new TaskError(`${asset.symbol} is a real token on this network: the faucet only mints mocks`);
  const amount = amountArg(args.amount, asset.decimals, "amount");
  const tx = await transact(sys, `faucet: mint ${tokenAmount(asset, amount)} to ${sys.signer.address}`, () =>
    asset.token.mint.populateTransaction(sys.signer.address, amount),
  );
  sys.log(`balance: ${tokenAmount(asset, await asset.token.balanceOf(sys.signer.address))}`);
  return tx;
}

/**
 * Publishes `usd` [human USD] as the new answer of the mock feed of `asset` (test deployments only: a Chainlink
 * `MockV3Aggregator`, or the project's `MockFeed` where the config says so, as in deploy/local/deploy-demo.ts).
 */
export async function setPrice(sys: System, args: { asset: string; usd: string }): Promise<TxReport> {
  const asset = assetBySymbol(sys, args.asset);
  const feedEntry = sys.manifest.contracts[`feed:${asset.symbol}`];
  const kind = feedEntry?.contract.split(":").at(-1);
  if (feedEntry === undefined || (kind !== "MockV3Aggregator" && kind !== "MockFeed")) {
    throw new TaskError(
      `${asset.symbol} is priced by a real Chainlink feed on this network: only mock feeds can be set`,
    );
  }
  const what = (answer: bigint, decimals: number): string =>
    `set ${asset.symbol} price to $${formatAmount(answer, decimals)}`;
  if (kind === "MockFeed") {
    const feed = MockFeed__factory.connect(feedEntry.address, sys.signer);
    const decimals = Number(await feed.decimals());
    const answer = amountArg(args.usd, decimals, "price");
    return transact(sys, what(answer, decimals), () => feed.setAnswer.populateTransaction(answer));
  }
  const feed = MockV3Aggregator__factory.connect(feedEntry.address, sys.signer);
  const decimals = Number(await feed.decimals());
  const answer = amountArg(args.usd, decimals, "price");
  return transact(sys, what(answer, decimals), () => feed.updateAnswer.populateTransaction(answer));
}

// ----------------------------------------------------------------------------------------------------------------
// Internals: the checks made before anything is sent
// ----------------------------------------------------------------------------------------------------------------

async function finish(sys: System, id: bigint, txs: TxReport[]): Promise<PositionResult> {
  sys.log(await healthLine(sys, id));
  const h = await sys.lens
    .healthOf(id)
    .then((x) => x.health)
    .catch(() => 0n);
  return { id, txs, health: h };
}

/** The sum of field `index` of every Vault event `name` in the task's transaction (what was actually moved). */
function sumEvents(tx: TxReport, sys: System, name: string, index: number): bigint {
  const address = sys.manifest.contracts.Vault?.address ?? "";
  return eventsOf(tx.receipt, sys.vault, address, name).reduce((s, e) => s + (e.args[index] as bigint), 0n);
}

/** Refuses when the signer holds less than `amount` of `asset`, with the faucet command (keeping `--from`) on mocks. */
async function checkBalance(sys: System, asset: AssetHandle, amount: bigint): Promise<void> {
  const balance = await asset.token.balanceOf(sys.signer.address);
  if (balance >= amount) return;
  const hint = asset.mock
    ? `mint test tokens with ${cmd(sys, `faucet ${asset.symbol} ${formatAmount(amount - balance, asset.decimals)}`)}`
    : `fund the account with ${asset.symbol}`;
  const [have, need] = amountsApart(balance, amount, asset.decimals);
  throw new TaskError(
    `${sys.signer.address} holds ${have} ${asset.symbol}, less than ${need} ${asset.symbol}: ${hint}`,
  );
}

async function assetConfig(sys: System, asset: AssetHandle) {
  return sys.vault.assetConfig(asset.address);
}

/** Refuses a deposit the Vault would refuse: a frozen asset, or one past the asset's supply cap. */
async function checkDepositable(sys: System, asset: AssetHandle, amount: bigint): Promise<void> {
  const c = await assetConfig(sys, asset);
  if (c.frozen) throw new TaskError(`${asset.symbol} is frozen by governance: no new deposits; use another asset`);
  const cap = c.supplyCap * 10n ** BigInt(asset.decimals);
  if (c.total + amount > cap) {
    const room = cap > c.total ? cap - c.total : 0n;
    throw new TaskError(
      `the Vault holds ${tokenAmount(asset, c.total)} of its ${tokenAmount(asset, cap)} supply cap: ` +
        `deposit at most ${tokenAmount(asset, room)}, or another asset`,
    );
  }
}

/** Refuses risk-increasing actions while the guardian pauses them (`risky`: minting or withdrawing with debt). */
async function checkRunning(sys: System, risky: boolean): Promise<void> {
  const shutdown = await sys.vault.shutdownAt();
  if (shutdown !== 0n && risky) {
    throw new TaskError(
      `the system was shut down at ${new Date(Number(shutdown) * 1000).toISOString()}: no new debt; repay and ` +
        "close still work, holders redeem through the Settlement",
    );
  }
  if (risky && (await sys.vault.paused())) {
    throw new TaskError(
      "the guardian has paused opening, minting and withdrawing with debt: deposit and repay still work; wait for the pause to end",
    );
  }
}

/** [wad] Minting limit and debt value of position `id` (undefined: a new one) after `changes` and `mint` more debt. */
async function limitsAfter(
  sys: System,
  id: bigint | undefined,
  synth: SynthHandle,
  changes: Array<{ asset: AssetHandle; amount: bigint }>,
  mint: bigint,
): Promise<{ mintLimit: bigint; debtValue: bigint; debt: bigint; synthPrice: bigint }> {
  const basket = new Map<string, bigint>();
  if (id !== undefined) {
    const [assets, amounts] = await sys.lens.basketOf(id);
    assets.forEach((a, i) => basket.set(a.toLowerCase(), amounts[i] ?? 0n));
  }
  for (const c of changes) {
    const k = c.asset.address.toLowerCase();
    basket.set(k, (basket.get(k) ?? 0n) + c.amount);
  }
  let mintLimit = 0n;
  try {
    for (const [address, amount] of basket) {
      if (amount <= 0n) continue;
      const c = await sys.vault.assetConfig(address);
      const value = (amount * (await sys.oracle.getPrice(address))) / 10n ** c.decimals; // [wad] rounded down
      mintLimit += (value * c.maxLtvBps) / BPS;
    }
  } catch (e) {
    throw new TaskError(`a price is unavailable, so the minting limit cannot be checked: ${await explain(sys, e)}`);
  }
  const debt = (id === undefined ? 0n : await sys.lens.debtOf(id)) + mint;
  const synthPrice =
    synth.priceAsset === "USD" ? WAD : await sys.oracle.getPrice(assetBySymbol(sys, synth.priceAsset).address);
  const debtValue = (debt * synthPrice + WAD - 1n) / WAD; // rounded up, as the Vault
  return { mintLimit, debtValue, debt, synthPrice };
}

/**
 * Refuses a mint of `amount` [wad] against position `id` (undefined: the one being opened, with `deposits`) that the
 * Vault would refuse: past the minting limit (saying how much can be minted, or to deposit first), below the minimum
 * debt, or past the debt ceiling.
 */
async function checkMint(
  sys: System,
  synth: SynthHandle,
  id: bigint | undefined,
  amount: bigint,
  deposits: Array<{ asset: AssetHandle; amount: bigint }>,
): Promise<void> {
  const state = await sys.lens.synthetic(synth.synthId);
  const after = await limitsAfter(sys, id, synth, deposits, amount);
  const target = id === undefined ? "the new position" : `#${id}`;
  if (after.debtValue > after.mintLimit) {
    const before = after.debtValue - (amount * after.synthPrice) / WAD; // [wad USD] without this mint
    const room = after.mintLimit > before ? ((after.mintLimit - before) * WAD) / after.synthPrice : 0n; // [wad]
    const what =
      id === undefined
        ? deposits.length === 0
          ? "a position with no collateral"
          : `${deposits.map((d) => tokenAmount(d.asset, d.amount)).join(" + ")} (minting limit $${formatWad(after.mintLimit)})`
        : `#${id} (minting limit $${formatWad(after.mintLimit)}, debt $${formatWad(before)})`;
    throw new TaskError(
      room === 0n
        ? `${what} cannot back ${synthAmount(synth.symbol, amount)}: deposit collateral first` +
            (id === undefined ? " (--asset and --amount)" : ` (${cmd(sys, `deposit ${id} <token> <units>`)})`)
        : `with ${what} you can mint at most ${synthAmount(synth.symbol, room)}, not ` +
            `${synthAmount(synth.symbol, amount)}: mint less, or deposit collateral first` +
            (id === undefined ? "" : ` (${cmd(sys, `deposit ${id} <token> <units>`)})`),
    );
  }
  const minDebt = state.params.minDebt;
  if (after.debt < minDebt) {
    throw new TaskError(
      `${target} would owe ${synthAmount(synth.symbol, after.debt)}, below the minimum debt of ` +
        `${synthAmount(synth.symbol, minDebt)}: mint at least ${synthAmount(synth.symbol, minDebt - after.debt + amount)}`,
    );
  }
  if (state.totalDebt + amount > state.params.debtCeiling) {
    const room = state.params.debtCeiling > state.totalDebt ? state.params.debtCeiling - state.totalDebt : 0n;
    throw new TaskError(
      `${synth.symbol}'s debt ceiling of ${synthAmount(synth.symbol, state.params.debtCeiling)} leaves room for ` +
        `${synthAmount(synth.symbol, room)}: mint at most that`,
    );
  }
}

/** `--to`: an address, or the name of a contract in the manifest (e.g. `venue:bUSD/WETH`); the signer by default. */
function recipient(sys: System, to: string | undefined): string {
  if (to === undefined || to === "") return sys.signer.address;
  const named = sys.manifest.contracts[to]?.address;
  if (named !== undefined) return sys.ethers.getAddress(named);
  if (!sys.ethers.isAddress(to)) {
    throw new TaskError(`--to "${to}" is neither an address nor a contract of the manifest (${sys.manifestPath})`);
  }
  return sys.ethers.getAddress(to);
}
