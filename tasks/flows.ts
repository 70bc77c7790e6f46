/**
 * The one-transaction flows through the Router (contracts/periphery/Router.sol) as tasks over a loaded `System`:
 * `open --leverage`, `deleverage`, `repay --with-collateral` and `close --with-collateral` (flags in tasks/index.ts).
 * Each builds its steps and preview with sdk/router.ts, prints the preview (health and amounts in human units), refuses
 * in one line when the Router lacks a right it needs on the position (naming the `manager grant` to run), then sends
 * one `Router.execute`.
 *
 * The venue is the deployment's mock venue for the pair (`venue:<synth>/<asset>` in the manifest, priced by the
 * oracle less its `slippageBps`): the preview states its output from those. Test deployments only, until a reviewed
 * DEX venue is in the config.
 *
 * Units: `[token]` a token's own decimals, `[wad]` 1e18, `[bps]` 1e4.
 */
import { MaxUint256 } from "ethers";
import { MockSwapVenue__factory, type Router, Router__factory } from "../typechain-types/index.js";
import { formatHealth, formatWad } from "../sdk/format.js";
import { WAD } from "../sdk/math.js";
import { PERMISSIONS, describePermissions } from "../sdk/permissions.js";
import {
  type CollateralRepayParams,
  type FlowPreview,
  type LeverageTarget,
  type Quote,
  closeWithCollateral,
  deleverage,
  leverage,
  mockVenueQuote,
  readPositionState,
  repayWithCollateral,
} from "../sdk/router.js";
import {
  type AssetHandle,
  type SynthHandle,
  type System,
  TaskError,
  type TxReport,
  amountArg,
  assetBySymbol,
  ensureAllowance,
  positionOf,
  synthBySymbol,
  tokenAmount,
  transact,
} from "../sdk/system.js";

/** [bps] Debt buffer of `close --with-collateral`: interest accrued between the preview and the block. */
const CLOSE_BUFFER_BPS = 10n;

export interface FlowResult {
  id: bigint;
  preview: FlowPreview;
  tx: TxReport;
}

/**
 * Parses `--leverage`: an integer is a target loan-to-value in bps of the minting limit ("8000" = 80%), a number with
 * a decimal point a target health ("1.5").
 */
export function parseLeverage(text: string): LeverageTarget {
  const t = text.trim();
  if (/^\d+$/.test(t)) {
    const ltvBps = BigInt(t);
    if (ltvBps === 0n || ltvBps > 10_000n) throw new TaskError(`--leverage ${t}: a target LTV is 1 to 10000 bps`);
    return { ltvBps };
  }
  if (/^\d+\.\d+$/.test(t)) {
    const health = amountArg(t, 18, "--leverage");
    if (health <= WAD) throw new TaskError(`--leverage ${t}: a target health is above 1.0`);
    return { health };
  }
  throw new TaskError(
    `--leverage "${text}": give a target LTV in bps of the minting limit (e.g. 8000) or a target health (e.g. 1.5)`,
  );
}

function routerOf(sys: System): Router {
  const address = sys.manifest.contracts.Router?.address;
  if (address === undefined) {
    throw new TaskError(`this deployment has no Router: deploy again (\`npm run deploy -- --network ${sys.network}\`)`);
  }
  return Router__factory.connect(address, sys.signer);
}

/** The mock venue of the pair and its quotes both ways at the oracle's prices less its slippage. */
async function venueOf(
  sys: System,
  synth: SynthHandle,
  asset: AssetHandle,
): Promise<{ address: string; name: string; buy: Quote; sell: Quote }> {
  const name = `venue:${synth.symbol}/${asset.symbol}`;
  const address = sys.manifest.contracts[name]?.address;
  if (address === undefined) {
    throw new TaskError(
      `this deployment has no venue for ${synth.symbol}/${asset.symbol} (venue:${synth.symbol}/${asset.symbol})`,
    );
  }
  const venue = MockSwapVenue__factory.connect(address, sys.signer);
  const slip = await venue.slippageBps();
  const p = await sys.oracle.getPrice(asset.address);
  const ps = synth.priceAsset === "USD" ? WAD : await sys.oracle.getPrice(assetBySymbol(sys, synth.priceAsset).address);
  return {
    address,
    name,
    buy: mockVenueQuote(ps, 18, p, asset.decimals, slip),
    sell: mockVenueQuote(p, asset.decimals, ps, 18, slip),
  };
}

/**
 * Refuses when the mock venue cannot pay `needed` [wad] of the synthetic (it pays the synthetic from what it holds),
 * naming the commands that fund it.
 */
async function requireVenuePays(
  sys: System,
  venue: string,
  name: string,
  synth: SynthHandle,
  needed: bigint,
): Promise<void> {
  const held = await synth.token.balanceOf(venue);
  const mock = MockSwapVenue__factory.connect(venue, sys.signer);
  const fromInventory = await mock.fromInventory(await synth.token.getAddress());
  if (fromInventory && held >= needed) return;
  const short = needed - (fromInventory ? held : 0n); // [wad]
  const units = ((short + WAD - 1n) / WAD).toString(); // whole units, rounded up
  throw new TaskError(
    `the venue ${venue} pays ${synth.symbol} from what it holds (${formatWad(held)} ${synth.symbol}` +
      `${fromInventory ? "" : ", and it is not set to pay from inventory: deploy again"}), and this flow needs ` +
      `${formatWad(needed)} ${synth.symbol}: on a test deployment fund it with \`npx hardhat ballast faucet USDC ` +
      `${units}\` and \`npx hardhat ballast swap-in USDC ${units} --to ${name}\``,
  );
}

/** Refuses when the Router lacks `needed` on position `id`, naming the grant to run. */
async function requireRouterRight(
  sys: System,
  router: string,
  id: bigint,
  needed: bigint,
  what: string,
): Promise<void> {
  const held = await sys.lens.permissionsOf(id, router);
  if ((held & needed) !== needed) {
    throw new TaskError(
      `the Router ${router} may not ${what} position #${id} (it holds: ${describePermissions(held)}): grant it first ` +
        `with \`npx hardhat ballast manager grant ${id} ${router} --permissions ${describePermissions(needed)}\``,
    );
  }
}

async function stateOf(sys: System, id: bigint, synth: SynthHandle, asset: AssetHandle) {
  const block = await sys.ethers.provider.getBlock("latest");
  const t = BigInt(block?.timestamp ?? 0) + 1n;
  return readPositionState(
    { vault: sys.vault, lens: sys.lens, oracle: sys.oracle, runner: sys.signer },
    id,
    synth.synthId,
    [asset.address],
    t,
  );
}

function printPreview(sys: System, what: string, p: FlowPreview, synth: SynthHandle, asset: AssetHandle): void {
  const s = synth.symbol;
  const a = p.amounts;
  const held = p.after.basket.find((x) => x.asset === asset.address)?.amount ?? 0n;
  sys.log(
    `${what} preview: health ${formatHealth(p.before.health)} → ${formatHealth(p.figures.health)}; debt ` +
      `${formatWad(p.before.debt)} → ${formatWad(p.figures.debt)} ${s}; collateral ${tokenAmount(asset, held)} ` +
      `($${formatWad(p.figures.collateralValue)})`,
  );
  sys.log(
    `  flash ${formatWad(a.flash)} ${s} (fee ${formatWad(a.fee)}); swap ${a.swapIn === 0n ? "nothing" : a.swapIn === a.flash ? `${formatWad(a.swapIn)} ${s} → ${tokenAmount(asset, a.swapOut)}` : `${tokenAmount(asset, a.swapIn)} → ${formatWad(a.swapOut)} ${s}`}` +
      `; minted ${formatWad(a.minted)} ${s}; repaid ${formatWad(a.repaid)} ${s}; back to you ` +
      `${formatWad(a.returnedSynthetic)} ${s} and ${tokenAmount(asset, a.returnedCollateral)}`,
  );
}

async function send(sys: System, router: Router, what: string, p: FlowPreview): Promise<TxReport> {
  return transact(sys, what, () => router.execute.populateTransaction(p.steps, MaxUint256));
}

/** `open <synth> --asset A --amount N --leverage <ltvBps|health>`: a new leveraged position in one transaction. */
export async function openLeveraged(
  sys: System,
  args: { synth: string; asset: string; amount: string; leverage: string },
): Promise<FlowResult> {
  const synth = synthBySymbol(sys, args.synth);
  if (args.asset === "" || args.amount === "") throw new TaskError("open --leverage: give --asset and --amount");
  const asset = assetBySymbol(sys, args.asset);
  const amount = amountArg(args.amount, asset.decimals, "--amount");
  const target = parseLeverage(args.leverage);
  const router = routerOf(sys);
  const venue = await venueOf(sys, synth, asset);
  let preview: FlowPreview;
  try {
    preview = leverage({
      state: await stateOf(sys, 0n, synth, asset),
      asset: asset.address,
      deposit: amount,
      target,
      quote: venue.buy,
      venue: venue.address,
      synthId: synth.synthId,
    });
  } catch (e) {
    throw new TaskError((e as Error).message);
  }
  printPreview(sys, "open --leverage", preview, synth, asset);
  const balance = await asset.token.balanceOf(sys.signer.address);
  if (balance < amount) {
    throw new TaskError(
      `${sys.signer.address} holds ${tokenAmount(asset, balance)}, less than ${tokenAmount(asset, amount)}`,
    );
  }
  const id = await sys.vault.nextPositionId();
  await ensureAllowance(sys, asset.token, asset.symbol, await router.getAddress(), amount);
  const tx = await send(sys, router, `open #${id} with leverage`, preview);
  return { id, preview, tx };
}

/**
 * A flow that sells the position's collateral (`deleverage`, `repay --with-collateral`, `close --with-collateral`):
 * checks the Router's right, previews with `build` over the position's state and the venue's sell quote, prints the
 * preview, checks the venue can pay, then sends.
 */
async function sellingFlow(
  sys: System,
  id: bigint,
  assetSymbol: string,
  right: { bit: bigint; what: string },
  label: string,
  build: (p: CollateralRepayParams) => FlowPreview,
): Promise<FlowResult> {
  const { synth } = await positionOf(sys, id);
  const asset = assetBySymbol(sys, assetSymbol);
  const router = routerOf(sys);
  await requireRouterRight(sys, await router.getAddress(), id, right.bit, right.what);
  const venue = await venueOf(sys, synth, asset);
  let preview: FlowPreview;
  try {
    const state = await stateOf(sys, id, synth, asset);
    preview = build({ state, asset: asset.address, quote: venue.sell, venue: venue.address });
  } catch (e) {
    throw new TaskError((e as Error).message);
  }
  const what = label.replace("<asset>", asset.symbol);
  printPreview(sys, what, preview, synth, asset);
  await requireVenuePays(sys, venue.address, venue.name, synth, preview.amounts.swapOut);
  const tx = await send(sys, router, what, preview);
  return { id, preview, tx };
}

const REPAY_RIGHT = { bit: PERMISSIONS.repayWithCollateral, what: "repay with collateral for" };

/** `deleverage <id> --health <h>`: repays from collateral until the health is at least `h`. */
export async function deleveragePosition(
  sys: System,
  args: { id: bigint; health: string; asset: string },
): Promise<FlowResult> {
  const health = amountArg(args.health, 18, "--health");
  return sellingFlow(
    sys,
    args.id,
    args.asset === "" ? "WETH" : args.asset,
    REPAY_RIGHT,
    `deleverage #${args.id}`,
    (p) => deleverage({ ...p, health }),
  );
}

/** `repay <id> <units> --with-collateral <asset>`: repays `units` of debt from the position's collateral. */
export async function repayWithCollateralTask(
  sys: System,
  args: { id: bigint; amount: string; asset: string },
): Promise<FlowResult> {
  const debt = amountArg(args.amount, 18, "amount");
  return sellingFlow(sys, args.id, args.asset, REPAY_RIGHT, `repay #${args.id} with <asset>`, (p) =>
    repayWithCollateral({ ...p, debt }),
  );
}

/** `close <id> --with-collateral <asset>`: repays everything from collateral and closes, the rest to the caller. */
export async function closeWithCollateralTask(sys: System, args: { id: bigint; asset: string }): Promise<FlowResult> {
  return sellingFlow(
    sys,
    args.id,
    args.asset,
    { bit: PERMISSIONS.close, what: "close" },
    `close #${args.id} with <asset>`,
    (p) => closeWithCollateral({ ...p, bufferBps: CLOSE_BUFFER_BPS }),
  );
}
