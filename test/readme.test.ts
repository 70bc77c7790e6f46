/**
 * The README's "On a local node, step by step", "Keeper" and "Options and binaries" sections, run end to end as
 * written, one after the other on the same node (so the later sections run on a node that is not fresh; the options
 * block last, as it moves the node's clock by a week), against anvil mining a block every second
 * as a live network does: every command is taken from README.md's code blocks and run in a shell with
 * `--network localhost` pointed at the test's node (`LOCALHOST_RPC_URL`); the manifest and the keeper's checkpoint go
 * to a temporary folder. Each command must succeed, print no stack trace, and say what the README says it does; the
 * keeper must liquidate the position the Keeper section opens, and stop cleanly on SIGINT.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { type LocalNode, startAnvil } from "./helpers/anvil.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** The commands of the first ```sh block after `heading` (and after `after`, when given), comments removed. */
function commands(readme: string, heading: string, after?: string): string[] {
  let at = readme.indexOf(heading);
  if (at < 0) throw new Error(`README.md has no "${heading}"`);
  if (after !== undefined) at = readme.indexOf(after, at);
  const start = readme.indexOf("```sh\n", at);
  const end = readme.indexOf("```", start + 6);
  return readme
    .slice(start + 6, end)
    .split("\n")
    .map((l) => l.replace(/\s+#\s.*$/, "").trim())
    .filter((l) => l !== "" && !l.startsWith("#"));
}

interface Ran {
  command: string;
  code: number | null;
  out: string;
}

describe("README: the local-node, keeper and options sections, end to end on a node mining every second (anvil)", function () {
  this.timeout(900_000);
  let node: LocalNode | undefined;
  let keeper: ChildProcess | undefined;

  after(async function () {
    // a keeper left running by a failed assertion: stop its process group
    if (keeper?.pid !== undefined && keeper.exitCode === null && keeper.signalCode === null) {
      try {
        process.kill(-keeper.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    await node?.stop();
  });

  it("every command of the three sections works as written, the keeper liquidates the position the Keeper section opens, and each option side redeems its payoff", async function () {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const local = commands(readme, "### On a local node, step by step");
    const keeperSection = commands(readme, "## Keeper", "Against a local node");
    expect(local[0]).to.equal("npx hardhat node");
    expect(keeperSection[0]).to.equal("npx hardhat node");
    expect(local.length).to.be.greaterThan(10);

    node = await startAnvil({ blockTime: 1 });
    const dir = mkdtempSync(join(tmpdir(), "ballast-readme-"));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      LOCALHOST_RPC_URL: node.url,
      BALLAST_MANIFEST_DIR: dir,
      KEEPER_CHECKPOINT: join(dir, "keeper-localhost.json"),
    };
    delete env.BALLAST_MANIFEST;
    const run = (command: string, background = false): Promise<Ran> & { child: ChildProcess; output: () => string } => {
      const child = spawn("bash", ["-c", command], { cwd: ROOT, env, detached: true });
      let out = "";
      child.stdout.on("data", (d: Buffer) => (out += d.toString()));
      child.stderr.on("data", (d: Buffer) => (out += d.toString()));
      const done = new Promise<Ran>((resolve) => child.on("close", (code) => resolve({ command, code, out })));
      if (background) keeper = child;
      return Object.assign(done, { child, output: () => out });
    };
    const clean = (r: Ran): void => {
      expect(r.code, `${r.command}\n${r.out}`).to.equal(0);
      expect(r.out, `${r.command}: a stack trace`).to.not.match(/^\s+at .+:\d+:\d+\)?$/m);
      expect(r.out, r.command).to.not.match(/An unexpected error occurred|Error HHE\d+/);
    };
    const seen: Ran[] = [];
    const step = async (command: string): Promise<Ran> => {
      const r = await run(command);
      seen.push(r);
      clean(r);
      return r;
    };

    // --- On a local node, step by step (a fresh node) ---
    const by = (pattern: RegExp): Ran | undefined => seen.find((r) => pattern.test(r.command));
    for (const command of local.slice(1)) await step(command);
    expect(by(/--dry-run/)?.out).to.match(/dry run: up to \d+ transaction\(s\) would be sent/);
    const deploys = seen.filter((r) => /^npm run deploy -- --network localhost$/.test(r.command));
    expect(deploys).to.have.length(2);
    expect(deploys[0]?.out).to.match(/done: [1-9]\d* transaction\(s\)/);
    expect(deploys[0]?.out).to.match(/gas limit = estimate \+ 25%/);
    expect(deploys[1]?.out).to.match(
      /done: 0 transaction\(s\), 0 gas; 0 change\(s\) need governance; manifest unchanged/,
    );
    expect(readdirSync(dir).filter((f) => /^localhost-31337-[0-9a-f]{8}\.json$/.test(f))).to.have.length(1);
    expect(by(/ballast open bUSD --asset WETH --amount 10 /)?.out).to.match(
      /opened position #1 \(bUSD\), deposited 10 WETH, minted 12,000 bUSD/,
    );
    expect(by(/ballast health 1/)?.out).to.match(/health 1\.41\d/);
    expect(by(/ballast liquidate 1/)?.out).to.match(/liquidated #1: [\d,.]+ bUSD of debt into auctions from #1/);
    expect(by(/ballast auctions/)?.out).to.match(/needs reset|open/);
    const take = by(/ballast take 1 0\.5/)?.out ?? "";
    expect(take).to.match(
      /oracle 1,350\.00: a premium of 1\d(\.\d+)?% over the oracle|oracle 1,350\.00: a premium of 20% over the oracle/,
    );
    expect(take).to.match(/bought 0\.5 WETH for [\d,.]+ bUSD/);
    expect(by(/ballast reserves/)?.out).to.match(/System: backing = all collateral held/);
    for (const r of seen) expect(r.out, r.command).to.match(/\S/);

    // --- Keeper, on the same node: not fresh any more ---
    const before = seen.length;
    let opened: bigint | undefined;
    let keeperRun: (Promise<Ran> & { output: () => string }) | undefined;
    for (const command of keeperSection.slice(1)) {
      if (/^npm run keeper\b/.test(command) && !/--once/.test(command)) {
        keeperRun = run(command, true);
        // wait for its first tick before moving the price
        const t0 = Date.now();
        while (!/ health checked=\d+/.test(keeperRun.output()) && Date.now() - t0 < 120_000) {
          if (keeper?.exitCode !== null) break;
          await new Promise((r) => setTimeout(r, 250));
        }
        expect(keeperRun.output(), keeperRun.output()).to.match(/ health checked=\d+/);
        continue;
      }
      const r = await step(command);
      const m = /opened position #(\d+) \(bUSD\), deposited 10 WETH, minted 14,000 bUSD/.exec(r.out);
      if (m?.[1] !== undefined) opened = BigInt(m[1]);
    }
    expect(seen.length - before).to.equal(keeperSection.length - 2); // all but the node and the keeper
    expect(seen[before]?.out).to.match(/done: 0 transaction\(s\)/); // the deploy: already there
    if (opened === undefined || keeperRun === undefined) throw new Error("the Keeper section opened no position");
    expect(opened).to.be.greaterThan(2n); // not a fresh node's id
    const t0 = Date.now();
    const liquidated = new RegExp(` liquidate #${opened} \\(health 0\\.97\\d\\): `);
    while (!liquidated.test(keeperRun.output()) && Date.now() - t0 < 120_000) {
      await new Promise((r) => setTimeout(r, 250));
    }
    const log = keeperRun.output();
    expect(log, log).to.match(liquidated);
    expect(log).to.match(/ sent tx="liquidate position #\d+" hash=0x[0-9a-f]{64} nonce=\d+ gasLimit=\d+ /);
    expect(log).to.not.match(/tick-error|Cannot read properties/);
    // Ctrl-C: the keeper writes its checkpoint and stops
    if (keeper?.pid !== undefined) process.kill(-keeper.pid, "SIGINT");
    const stopped = await keeperRun;
    expect(stopped.out).to.match(/ stop reason=signal:SIGINT ticks=\d+ lastBlock=\d+ positions=\d+/);
    expect(stopped.out).to.match(/keeper stopped \(signal\) after \d+ tick\(s\), 0 failed/);
    expect(stopped.out).to.not.match(/^\s+at .+:\d+:\d+\)?$/m);

    // --- Options and binaries, on the same node, last (its block moves the node's clock by a week) ---
    const options = commands(readme, "## Options and binaries");
    expect(options.length).to.be.greaterThan(10);
    const optionsFrom = seen.length;
    for (const command of options) await step(command);
    const said = (pattern: RegExp): string =>
      seen
        .slice(optionsFrom)
        .filter((r) => pattern.test(r.command))
        .map((r) => r.out)
        .join("\n");
    expect(said(/series create WETH call/)).to.match(/^series #1: WETH call, strike \$2,500\.00/m);
    expect(said(/series create WETH binary-down/)).to.match(/^series #2: WETH binary-down, strike \$1,500\.00/m);
    expect(said(/series write 1 2/)).to.match(/wrote 2 contract\(s\) of series #1: locked 2 WETH/);
    expect(said(/series write 2 100/)).to.match(/wrote 100 contract\(s\) of series #2: locked 100 USDC/);
    expect(said(/series list/)).to.match(/#\s+terms\s+units\s+locked/);
    expect(said(/"params":\[608400\]/)).to.match(/"result"/);
    expect(said(/series settle 1/)).to.match(/settle at round \d+, \$1,400\.00 .*is the first at or after expiry/);
    expect(said(/series settle 2/)).to.match(/settle at round \d+, \$1,400\.00/);
    const call = said(/series redeem 1 all/);
    expect(call).to.match(/redeemed 2 long of series #1: 0 WETH/);
    expect(call).to.match(/redeemed 2 short of series #1: 2 WETH/);
    const binary = said(/series redeem 2 all/);
    expect(binary).to.match(/redeemed 100 long of series #2: 100 USDC/);
    expect(binary).to.match(/redeemed 100 short of series #2: 0 USDC/);
  });
});
