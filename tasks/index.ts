/**
 * The `ballast` Hardhat tasks, registered in hardhat.config.ts (`tasks: ballastTasks`):
 *
 *   npx hardhat ballast deploy [--dry-run]                      --network <name>
 *   npx hardhat ballast verify                                  --network <name>
 *   npx hardhat ballast open <synth> [--asset WETH --amount 10] [--mint 5000]
 *   npx hardhat ballast deposit|withdraw <id> <token> <units>   (withdraw: units "max" takes all; --to)
 *   npx hardhat ballast mint <id> <units> [--to]   |  repay <id> <units|max>  |  close <id> [--to]
 *   npx hardhat ballast open <synth> --asset WETH --amount 10 --leverage <ltvBps|health>   (through the Router)
 *   npx hardhat ballast deleverage <id> --health 1.6  |  repay <id> <units> --with-collateral WETH  |
 *       close <id> --with-collateral WETH   (one-transaction flows through the Router, tasks/flows.ts)
 *   npx hardhat ballast manager grant <id> <manager|router|pre-liquidation> --permissions deposit,mint [--sign]
 *   npx hardhat ballast manager revoke <id> <manager> [--sign]  |  manager submit <signed-grant.json>
 *   npx hardhat ballast protect on|off <id>   (opt in to or out of pre-liquidation)
 *   npx hardhat ballast health <id>  |  auctions  |  liquidate <id>
 *   npx hardhat ballast take <auction> <units|max> [--max-premium <%> | --max-price <price>]
 *   npx hardhat ballast swap-in <token> <units> [--synth bUSD] [--to]    (reserve in, e.g. USDC; the synthetic out at par)
 *   npx hardhat ballast swap-out <token> <units> [--synth bUSD] [--to]   (the synthetic in; reserve <token> out at par)
 *   npx hardhat ballast savings-deposit|savings-withdraw <synth> <units>   (withdraw: "max" takes all; --to)
 *   npx hardhat ballast redeem <synth> <units> [--positions 3,7] [--max-fee 1.5] [--to]   (face value, at oracle prices)
 *   npx hardhat ballast distribute <synth>   (the Treasury's surplus policy, when due)
 *   npx hardhat ballast reserves  |  faucet <token> <units>  |  set-price <token> <usd>   (the last two: mocks only)
 *   npx hardhat ballast oracle <token>   (how its price is composed, leg by leg, and why it fails)
 *   npx hardhat ballast series create <asset> <call|put|binary-up|binary-down> --strike <usd> --expiry <date|+7d>
 *       [--collateral USDC]  |  series list  |  series write <series> <units> [--long-to --short-to]  |
 *       series burn-pair <series> <units|all>  |  series settle <series>  |
 *       series redeem <series> [units|all] [--side long|short]   (options and binaries, tasks/instruments.ts)
 *   npx hardhat ballast steward [--all]   (the risk steward: open recommendations and why they wait, each parameter's room)
 *   npx hardhat ballast keeper [--poll 12] [--min-profit-bps 100] [--once] ...   (tasks/actions/keeper.ts; Ctrl-C stops it)
 *   npx hardhat ballast watch [--owner 0x..] [--positions 1,2] [--horizon 24] [--json] [--webhook URL] [--once] ...
 *       (liquidation alerts for position owners, tasks/actions/watch.ts; Ctrl-C stops it)
 *
 * Every task takes `--from <index|address>` (the acting account, default 0). Each action is its own file,
 * tasks/actions/<task>.ts, whose default export Hardhat imports only when that task runs (`setAction(() =>
 * import(...))`), so loading the config never needs compiled TypeChain types. A new task is a definition here and one
 * action file. The keeper's and the watch's options are generated from their flag tables (keeper/flags.ts,
 * watch/flags.ts).
 *
 * Positional arguments are named so that their alphabetical order is their order on the command line (id < token <
 * units, auction < units, token < usd): Hardhat's help lists them sorted by name, and then lists them in the order
 * they are typed. test/tasks.test.ts checks it for every task.
 *
 * A negative amount ("repay 1 -5") would reach Hardhat's parser as an unknown option and fail with "Invalid option
 * -5"; `negativeAmount` catches it first, when the config loads, and says what is wrong.
 */
import { emptyTask, task } from "hardhat/config";
import type { NewTaskDefinitionBuilder } from "hardhat/types/tasks";
import { KEEPER_ONCE, keeperFlags, keeperOptionDescription } from "../keeper/flags.js";
import { WATCH_JSON, WATCH_ONCE, watchFlags, watchOptionDescription } from "../watch/flags.js";

/**
 * The problem with a negative number among the arguments of a `ballast` task in `argv` (Hardhat would read "-5" as
 * an option), or undefined.
 */
export function negativeAmount(argv: readonly string[]): string | undefined {
  const start = argv.indexOf("ballast");
  if (start < 0) return undefined;
  for (const a of argv.slice(start + 1)) {
    if (a === "--") return undefined;
    if (/^-\.?\d/.test(a)) {
      return (
        `"${a}" is a negative amount: amounts are positive (to lower a debt use \`ballast repay\`, to take ` +
        `collateral out \`ballast withdraw\`)`
      );
    }
  }
  return undefined;
}

const negative = negativeAmount(process.argv);
if (negative !== undefined) {
  console.error(`error: ${negative}`);
  process.exit(1);
}

const FROM = { name: "from", description: "Acting account: signer index or address", defaultValue: "0" } as const;
const TO = { name: "to", description: "Recipient (default: the acting account)", defaultValue: "" } as const;

/** The `ballast keeper` task: one option per row of the keeper's flag table, then `--once` and `--from`. */
function keeperTask() {
  let t: NewTaskDefinitionBuilder = task(
    ["ballast", "keeper"],
    "Run the liquidation keeper until Ctrl-C (see tasks/actions/keeper.ts and the README)",
  );
  for (const k of keeperFlags()) {
    t = t.addOption({ name: k, description: keeperOptionDescription(k), defaultValue: "" });
  }
  return t
    .addFlag(KEEPER_ONCE)
    .addOption(FROM)
    .setAction(() => import("./actions/keeper.js"))
    .build();
}

/** The `ballast watch` task: one option per row of the watch's flag table, then `--json` and `--once`. */
function watchTask() {
  let t: NewTaskDefinitionBuilder = task(
    ["ballast", "watch"],
    "Warn position owners before a liquidation: health, liquidation prices, probability (see the README)",
  );
  for (const k of watchFlags()) {
    t = t.addOption({ name: k, description: watchOptionDescription(k), defaultValue: "" });
  }
  return t
    .addFlag(WATCH_JSON)
    .addFlag(WATCH_ONCE)
    .setAction(() => import("./actions/watch.js"))
    .build();
}

/** Every `ballast` task definition. */
export const ballastTasks = [
  emptyTask("ballast", "Deploy and drive Ballast: deploy, verify, positions, liquidations, reserves").build(),

  task(["ballast", "deploy"], "Deploy and wire Ballast from deploy/config/networks.ts (idempotent)")
    .addFlag({ name: "dryRun", description: "Print the plan without sending anything" })
    .setAction(() => import("./actions/deploy.js"))
    .build(),
  task(["ballast", "verify"], "Verify every contract of the manifest on the network's explorer")
    .setAction(() => import("./actions/verify.js"))
    .build(),

  task(["ballast", "open"], "Open a position, optionally depositing and minting in the same transaction")
    .addPositionalArgument({ name: "synth", description: "Synthetic symbol, e.g. bUSD" })
    .addOption({ name: "asset", description: "Collateral symbol to deposit", defaultValue: "" })
    .addOption({ name: "amount", description: "Collateral amount, in whole units", defaultValue: "" })
    .addOption({ name: "mint", description: "Synthetic to mint, in whole units", defaultValue: "" })
    .addOption({
      name: "leverage",
      description: "Lever up through the Router: a target LTV in bps of the minting limit (8000) or a health (1.5)",
      defaultValue: "",
    })
    .addOption(FROM)
    .setAction(() => import("./actions/open.js"))
    .build(),
  task(["ballast", "deposit"], "Deposit collateral into a position (approves the Vault if needed)")
    .addPositionalArgument({ name: "id", description: "1st: position id" })
    .addPositionalArgument({ name: "token", description: "2nd: collateral symbol, e.g. WETH" })
    .addPositionalArgument({ name: "units", description: "3rd: amount in whole units, e.g. 2.5" })
    .addOption(FROM)
    .setAction(() => import("./actions/deposit.js"))
    .build(),
  task(["ballast", "withdraw"], "Withdraw collateral from a position")
    .addPositionalArgument({ name: "id", description: "1st: position id" })
    .addPositionalArgument({ name: "token", description: "2nd: collateral symbol, e.g. WETH" })
    .addPositionalArgument({ name: "units", description: '3rd: amount in whole units, or "max"' })
    .addOption(TO)
    .addOption(FROM)
    .setAction(() => import("./actions/withdraw.js"))
    .build(),
  task(["ballast", "mint"], "Mint the position's synthetic")
    .addPositionalArgument({ name: "id", description: "1st: position id" })
    .addPositionalArgument({ name: "units", description: "2nd: amount in whole units of the synthetic" })
    .addOption(TO)
    .addOption(FROM)
    .setAction(() => import("./actions/mint.js"))
    .build(),
  task(["ballast", "repay"], "Repay a position's debt from the acting account")
    .addPositionalArgument({ name: "id", description: "1st: position id" })
    .addPositionalArgument({ name: "units", description: '2nd: amount in whole units, or "max" for all the debt' })
    .addOption({
      name: "withCollateral",
      description: "Repay from this collateral of the position through the Router (flash mint and swap)",
      defaultValue: "",
    })
    .addOption(FROM)
    .setAction(() => import("./actions/repay.js"))
    .build(),
  task(["ballast", "close"], "Repay everything and take all collateral back")
    .addPositionalArgument({ name: "id", description: "Position id" })
    .addOption({
      name: "withCollateral",
      description: "Repay everything from this collateral through the Router; the rest comes back to you",
      defaultValue: "",
    })
    .addOption(TO)
    .addOption(FROM)
    .setAction(() => import("./actions/close.js"))
    .build(),
  task(["ballast", "deleverage"], "Repay from collateral through the Router until the position reaches a health")
    .addPositionalArgument({ name: "id", description: "Position id" })
    .addOption({ name: "health", description: "Target health, e.g. 1.6", defaultValue: "" })
    .addOption({ name: "asset", description: "Collateral to sell (default WETH)", defaultValue: "" })
    .addOption(FROM)
    .setAction(() => import("./actions/deleverage.js"))
    .build(),
  task(["ballast", "health"], "Show a position's basket, health and liquidation prices")
    .addPositionalArgument({ name: "id", description: "Position id" })
    .addOption(FROM)
    .setAction(() => import("./actions/health.js"))
    .build(),
  task(["ballast", "auctions"], "List the live auctions")
    .addOption(FROM)
    .setAction(() => import("./actions/auctions.js"))
    .build(),
  task(["ballast", "liquidate"], "Start the liquidation of an unhealthy position")
    .addPositionalArgument({ name: "id", description: "Position id" })
    .addOption(FROM)
    .setAction(() => import("./actions/liquidate.js"))
    .build(),
  task(["ballast", "take"], "Buy collateral from an auction, by default at no more than the oracle price")
    .addPositionalArgument({ name: "auction", description: "1st: auction id" })
    .addPositionalArgument({ name: "units", description: '2nd: collateral in whole units, or "max" for the whole lot' })
    .addOption({
      name: "maxPremium",
      description: "Most to pay over the oracle price, in percent (default 0: at most the oracle price)",
      defaultValue: "",
    })
    .addOption({
      name: "maxPrice",
      description: "Highest price to pay, synthetic per whole token (instead of --max-premium)",
      defaultValue: "",
    })
    .addOption(FROM)
    .setAction(() => import("./actions/take.js"))
    .build(),
  task(["ballast", "swap-in"], "Swap a reserve token for its synthetic at par through the stability module")
    .addPositionalArgument({ name: "token", description: "1st: reserve symbol, e.g. USDC" })
    .addPositionalArgument({ name: "units", description: "2nd: reserve amount in whole units" })
    .addOption({ name: "synth", description: "The synthetic, when several modules hold the reserve", defaultValue: "" })
    .addOption(TO)
    .addOption(FROM)
    .setAction(() => import("./actions/swap-in.js"))
    .build(),
  task(["ballast", "swap-out"], "Swap a synthetic for a reserve token at par through the stability module")
    .addPositionalArgument({ name: "token", description: "1st: reserve symbol to receive, e.g. USDC" })
    .addPositionalArgument({ name: "units", description: "2nd: synthetic amount in whole units" })
    .addOption({ name: "synth", description: "The synthetic, when several modules hold the reserve", defaultValue: "" })
    .addOption(TO)
    .addOption(FROM)
    .setAction(() => import("./actions/swap-out.js"))
    .build(),
  task(["ballast", "savings-deposit"], "Deposit a synthetic into its savings token for shares")
    .addPositionalArgument({ name: "synth", description: "1st: synthetic symbol, e.g. bUSD" })
    .addPositionalArgument({ name: "units", description: "2nd: amount in whole units" })
    .addOption(TO)
    .addOption(FROM)
    .setAction(() => import("./actions/savings-deposit.js"))
    .build(),
  task(["ballast", "savings-withdraw"], "Withdraw a synthetic from its savings token")
    .addPositionalArgument({ name: "synth", description: "1st: synthetic symbol, e.g. bUSD" })
    .addPositionalArgument({ name: "units", description: '2nd: amount in whole units, or "max"' })
    .addOption(TO)
    .addOption(FROM)
    .setAction(() => import("./actions/savings-withdraw.js"))
    .build(),
  task(["ballast", "redeem"], "Redeem a synthetic at face value for collateral from exposed positions")
    .addPositionalArgument({ name: "synth", description: "1st: synthetic symbol, e.g. bUSD" })
    .addPositionalArgument({ name: "units", description: "2nd: amount in whole units" })
    .addOption({
      name: "positions",
      description: "Position ids, comma-separated (default: every exposed one)",
      defaultValue: "",
    })
    .addOption({
      name: "maxFee",
      description: "Highest fee accepted, in percent (default: the fee now)",
      defaultValue: "",
    })
    .addOption(TO)
    .addOption(FROM)
    .setAction(() => import("./actions/redeem.js"))
    .build(),
  task(["ballast", "distribute"], "Distribute the Treasury's surplus of a synthetic by its policy, when due")
    .addPositionalArgument({ name: "synth", description: "Synthetic symbol, e.g. bUSD" })
    .addOption(FROM)
    .setAction(() => import("./actions/distribute.js"))
    .build(),
  task(
    ["ballast", "oracle"],
    "Show how an asset's price is composed (feeds, source, rate cap, attestation) and why it fails",
  )
    .addPositionalArgument({ name: "token", description: "Collateral symbol, e.g. wstETH" })
    .addOption(FROM)
    .setAction(() => import("./actions/oracle.js"))
    .build(),
  task(
    ["ballast", "steward"],
    "Show the risk steward: open recommendations and why each waits, every stewarded parameter's room and clock",
  )
    .addFlag({ name: "all", description: "List applied, superseded and expired recommendations too" })
    .addOption(FROM)
    .setAction(() => import("./actions/steward.js"))
    .build(),
  emptyTask(["ballast", "manager"], "Grant, revoke or submit a manager's rights on a position").build(),
  task(["ballast", "manager", "grant"], "Give a manager exactly these rights on a position (or sign the grant)")
    .addPositionalArgument({ name: "id", description: "Position id" })
    .addPositionalArgument({ name: "manager", description: "Manager address, or router / pre-liquidation" })
    .addOption({
      name: "permissions",
      description: "Rights: deposit, withdraw, mint, close, repayWithCollateral (comma-separated), or all",
      defaultValue: "",
    })
    .addFlag({ name: "sign", description: "Sign the grant (EIP-712) instead of sending it; anyone may submit it" })
    .addOption({ name: "deadline", description: "With --sign: minutes the signature stays valid", defaultValue: "60" })
    .addOption({ name: "out", description: "With --sign: the file to write", defaultValue: "" })
    .addOption(FROM)
    .setAction(() => import("./actions/manager-grant.js"))
    .build(),
  task(["ballast", "manager", "revoke"], "Take every right of a manager on a position away (or sign that)")
    .addPositionalArgument({ name: "id", description: "Position id" })
    .addPositionalArgument({ name: "manager", description: "Manager address, or router / pre-liquidation" })
    .addFlag({ name: "sign", description: "Sign the revocation instead of sending it; anyone may submit it" })
    .addOption({ name: "deadline", description: "With --sign: minutes the signature stays valid", defaultValue: "60" })
    .addOption({ name: "out", description: "With --sign: the file to write", defaultValue: "" })
    .addOption(FROM)
    .setAction(() => import("./actions/manager-revoke.js"))
    .build(),
  task(["ballast", "manager", "submit"], "Submit an owner's signed grant (any account may)")
    .addPositionalArgument({ name: "file", description: "The file manager grant --sign wrote" })
    .addOption(FROM)
    .setAction(() => import("./actions/manager-submit.js"))
    .build(),
  emptyTask(["ballast", "protect"], "Opt a position in to or out of pre-liquidation").build(),
  task(["ballast", "protect", "on"], "Opt in: anyone may pre-liquidate it gently inside the band above health 1")
    .addPositionalArgument({ name: "id", description: "Position id" })
    .addOption(FROM)
    .setAction(() => import("./actions/protect-on.js"))
    .build(),
  task(["ballast", "protect", "off"], "Opt out of pre-liquidation")
    .addPositionalArgument({ name: "id", description: "Position id" })
    .addOption(FROM)
    .setAction(() => import("./actions/protect-off.js"))
    .build(),
  emptyTask(
    ["ballast", "series"],
    "Fully backed options and binaries: create, list, write, burn, settle, redeem",
  ).build(),
  task(["ballast", "series", "create"], "Create a series (or find the one with these terms)")
    .addPositionalArgument({ name: "asset", description: "1st: underlying symbol, e.g. WETH" })
    .addPositionalArgument({ name: "kind", description: "2nd: call, put, binary-up or binary-down" })
    .addOption({ name: "strike", description: "Strike in USD per whole underlying, e.g. 2500", defaultValue: "" })
    .addOption({
      name: "expiry",
      description: "ISO date (2027-01-29T08:00:00Z) or from now (+7d, +12h)",
      defaultValue: "",
    })
    .addOption({
      name: "collateral",
      description: "Collateral symbol (default: the underlying for a call, else the first quote asset, e.g. USDC)",
      defaultValue: "",
    })
    .addOption(FROM)
    .setAction(() => import("./actions/series-create.js"))
    .build(),
  task(["ballast", "series", "list"], "List every series: terms, units, locked, max payoff, state, payoff now")
    .addOption(FROM)
    .setAction(() => import("./actions/series-list.js"))
    .build(),
  task(["ballast", "series", "write"], "Write contracts: lock their maximum payoff for long and short tokens")
    .addPositionalArgument({ name: "series", description: "1st: series id" })
    .addPositionalArgument({ name: "units", description: "2nd: contracts, e.g. 2.5" })
    .addOption({ name: "longTo", description: "Recipient of the long tokens (default: you)", defaultValue: "" })
    .addOption({ name: "shortTo", description: "Recipient of the short tokens (default: you)", defaultValue: "" })
    .addOption(FROM)
    .setAction(() => import("./actions/series-write.js"))
    .build(),
  task(["ballast", "series", "burn-pair"], "Before expiry: burn long and short together for their collateral")
    .addPositionalArgument({ name: "series", description: "1st: series id" })
    .addPositionalArgument({ name: "units", description: '2nd: pairs, or "all"' })
    .addOption(TO)
    .addOption(FROM)
    .setAction(() => import("./actions/series-burn-pair.js"))
    .build(),
  task(["ballast", "series", "settle"], "Settle an expired series at the first feed round at or after expiry")
    .addPositionalArgument({ name: "series", description: "Series id" })
    .addOption(FROM)
    .setAction(() => import("./actions/series-settle.js"))
    .build(),
  task(["ballast", "series", "redeem"], "After the dispute window: redeem long or short tokens for their payoff")
    .addPositionalArgument({ name: "series", description: "1st: series id" })
    .addPositionalArgument({ name: "units", description: '2nd: contracts, or "all" (default)', defaultValue: "all" })
    .addOption({ name: "side", description: "long or short (default: every side you hold)", defaultValue: "" })
    .addOption(TO)
    .addOption(FROM)
    .setAction(() => import("./actions/series-redeem.js"))
    .build(),
  task(["ballast", "reserves"], "Show collateral held and credited, synthetic supply and debt, collateral ratio")
    .addOption(FROM)
    .setAction(() => import("./actions/reserves.js"))
    .build(),
  keeperTask(),
  watchTask(),
  task(["ballast", "faucet"], "Mint mock collateral to the acting account (test deployments only)")
    .addPositionalArgument({ name: "token", description: "1st: collateral symbol, e.g. WETH" })
    .addPositionalArgument({ name: "units", description: "2nd: amount in whole units" })
    .addOption(FROM)
    .setAction(() => import("./actions/faucet.js"))
    .build(),
  task(["ballast", "set-price"], "Set a mock feed's USD price (test deployments only)")
    .addPositionalArgument({ name: "token", description: "1st: collateral symbol, e.g. WETH" })
    .addPositionalArgument({ name: "usd", description: "2nd: price in USD, e.g. 1500" })
    .addOption(FROM)
    .setAction(() => import("./actions/set-price.js"))
    .build(),
];
