/**
 * The README's "Options and binaries" block, run as written against anvil mining a block every second (a node that
 * does not mine on demand): the deploy, then every command of the block in a shell with `--network localhost` pointed
 * at the test's node (`LOCALHOST_RPC_URL`, which the block's two RPC calls use too). A covered call and a binary down
 * are created and written, a week passes, the feed's first round after expiry prices WETH at $1,400, both series
 * settle at that round, and after the dispute window each side redeems what the payoff table says.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { type LocalNode, startAnvil } from "./helpers/anvil.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** The commands of the first ```sh block after `heading`, comments removed. */
function commands(readme: string, heading: string): string[] {
  const at = readme.indexOf(heading);
  if (at < 0) throw new Error(`README.md has no "${heading}"`);
  const start = readme.indexOf("```sh\n", at);
  const end = readme.indexOf("```", start + 6);
  return readme
    .slice(start + 6, end)
    .split("\n")
    .map((l) => l.replace(/\s+#\s.*$/, "").trim())
    .filter((l) => l !== "" && !l.startsWith("#"));
}

describe("README: options and binaries, end to end on a node mining every second (anvil)", function () {
  this.timeout(600_000);
  let node: LocalNode | undefined;

  after(async function () {
    await node?.stop();
  });

  it("creates, writes, settles at the first round after expiry and redeems each side its payoff", async function () {
    const block = commands(readFileSync(join(ROOT, "README.md"), "utf8"), "## Options and binaries");
    expect(block.length).to.be.greaterThan(10);
    node = await startAnvil({ blockTime: 1 });
    const dir = mkdtempSync(join(tmpdir(), "ballast-instruments-"));
    const env: NodeJS.ProcessEnv = { ...process.env, LOCALHOST_RPC_URL: node.url, BALLAST_MANIFEST_DIR: dir };
    delete env.BALLAST_MANIFEST;
    const run = (command: string): Promise<{ code: number | null; out: string }> =>
      new Promise((resolve) => {
        const child = spawn("bash", ["-c", command], { cwd: ROOT, env });
        let out = "";
        child.stdout.on("data", (d: Buffer) => (out += d.toString()));
        child.stderr.on("data", (d: Buffer) => (out += d.toString()));
        child.on("close", (code) => resolve({ code, out }));
      });
    const outputs = new Map<string, string>();
    for (const command of ["npm run deploy -- --network localhost", ...block]) {
      const r = await run(command);
      expect(r.code, `${command}\n${r.out}`).to.equal(0);
      expect(r.out, `${command}: a stack trace`).to.not.match(/^\s+at .+:\d+:\d+\)?$/m);
      expect(r.out, command).to.not.match(/An unexpected error occurred|Error HHE\d+/);
      outputs.set(command, r.out);
    }
    const out = (pattern: RegExp): string => {
      for (const [command, text] of outputs) if (pattern.test(command)) return text;
      throw new Error(`no command matches ${pattern}`);
    };
    expect(out(/series create WETH call/)).to.match(/^series #1: WETH call, strike \$2,500\.00/m);
    expect(out(/series create WETH binary-down/)).to.match(/^series #2: WETH binary-down, strike \$1,500\.00/m);
    expect(out(/series write 1 2/)).to.match(/wrote 2 contract\(s\) of series #1: locked 2 WETH/);
    expect(out(/series write 2 100/)).to.match(/wrote 100 contract\(s\) of series #2: locked 100 USDC/);
    expect(out(/series list/)).to.match(/#\s+terms\s+units\s+locked/);
    expect(out(/evm_increaseTime","params":\[604800\]/)).to.match(/"result"/);
    expect(out(/series settle 1/)).to.match(/settle at round \d+, \$1,400\.00 .*is the first at or after expiry/);
    expect(out(/series settle 2/)).to.match(/settle at round \d+, \$1,400\.00/);
    const call = out(/series redeem 1 all/);
    expect(call).to.match(/redeemed 2 long of series #1: 0 WETH/);
    expect(call).to.match(/redeemed 2 short of series #1: 2 WETH/);
    const binary = out(/series redeem 2 all/);
    expect(binary).to.match(/redeemed 100 long of series #2: 100 USDC/);
    expect(binary).to.match(/redeemed 100 short of series #2: 0 USDC/);
  });
});
