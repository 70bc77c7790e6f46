/**
 * The SDK package as an integrator gets it: `npm run build -w @ballast/sdk` builds it (dist/, both entries), then its
 * examples (packages/sdk/examples/*.mjs: plain Node scripts that import `@ballast/sdk` and `@ballast/sdk/node`, one
 * with viem, one with ethers) run as subprocesses against a real node (anvil) holding a deployment, and their output
 * must equal the chain's figures.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { expect } from "chai";
import { HDNodeWallet } from "ethers";
import { network } from "hardhat";
import { deploySystem } from "../deploy/deploy.js";
import { configFor } from "../deploy/config/networks.js";
import { MockERC20__factory, PositionLens__factory, Vault__factory } from "../typechain-types/index.js";
import { BUSD, Op } from "../sdk/params.js";
import { wad } from "../sdk/units.js";
import { type LocalNode, startAnvil } from "./helpers/anvil.js";

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const EXAMPLES = join(ROOT, "packages", "sdk", "examples");
/** anvil's (and `hardhat node`'s) account 1: the "test test … junk" mnemonic's second key. */
const ALICE_KEY = HDNodeWallet.fromPhrase(
  "test test test test test test test test test test test junk",
  undefined,
  "m/44'/60'/0'/0/1",
).privateKey;

/** Runs example `name` with `args` and the node's env; returns its parsed JSON line. */
async function example(name: string, args: string[], env: Record<string, string>): Promise<Record<string, unknown>> {
  const { stdout } = await run(process.execPath, [join(EXAMPLES, name), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    timeout: 60_000,
  });
  return JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}") as Record<string, unknown>;
}

describe("@ballast/sdk as a package: it builds, and its examples run against a node", function () {
  this.timeout(240_000);
  let node: LocalNode | undefined;

  after(async function () {
    await node?.stop();
  });

  it("npm run build -w @ballast/sdk; read-position.mjs (viem) and mint-ethers.mjs (ethers) print the chain's figures", async function () {
    // build and start the node at once: the build is CPU, the node's start is waiting
    const [, started] = await Promise.all([
      run("npm", ["run", "build", "-w", "@ballast/sdk"], { cwd: ROOT, timeout: 120_000 }),
      startAnvil(),
    ]);
    node = started;
    const pkg = JSON.parse(readFileSync(join(ROOT, "packages", "sdk", "package.json"), "utf8")) as {
      exports: Record<string, { default: string }>;
    };
    for (const entry of Object.values(pkg.exports)) {
      expect(() => readFileSync(join(ROOT, "packages", "sdk", entry.default))).to.not.throw();
    }
    // the main entry is browser-safe: only the node entry touches Node's modules
    const dist = join(ROOT, "packages", "sdk", "dist");
    for (const file of readdirSync(dist).filter((f) => f.endsWith(".js") && f !== "node.js")) {
      expect(readFileSync(join(dist, file), "utf8"), file).to.not.match(/from "node:|require\(/);
    }

    const { ethers } = await network.create({ network: "localhost", override: { url: node.url } });
    const manifestPath = join(mkdtempSync(join(tmpdir(), "ballast-sdk-")), "localhost.json");
    const { manifest } = await deploySystem(ethers, "localhost", configFor("localhost"), {
      manifestPath,
      log: () => {},
    });
    const [, alice] = await ethers.getSigners();
    if (alice === undefined) throw new Error("needs a signer");
    const vault = Vault__factory.connect(manifest.contracts.Vault?.address ?? "", alice);
    const lens = PositionLens__factory.connect(manifest.contracts.PositionLens?.address ?? "", alice);
    const weth = MockERC20__factory.connect(manifest.assets.WETH?.token ?? "", alice);
    await (await weth.mint(alice.address, wad("10"))).wait();
    await (await weth.approve(vault, wad("10"))).wait();
    await (
      await vault.batch([
        { op: Op.Open, id: BUSD, asset: ethers.ZeroAddress, amount: 0n, to: ethers.ZeroAddress },
        { op: Op.Deposit, id: 0n, asset: weth, amount: wad("7.5"), to: ethers.ZeroAddress },
        { op: Op.Mint, id: 0n, asset: ethers.ZeroAddress, amount: wad("4000"), to: alice.address },
      ])
    ).wait();
    const id = (await vault.nextPositionId()) - 1n;
    const env = { BALLAST_RPC_URL: node.url, BALLAST_MANIFEST: manifestPath };

    // viem: the SDK's preview of the position equals PositionLens.healthOf at the same block
    const read = await example("read-position.mjs", [String(id)], env);
    const chain = read.chain as Record<string, string>;
    const preview = read.preview as Record<string, string>;
    expect(preview).to.deep.equal(chain);
    const h = await lens.healthOf(id);
    expect(BigInt(chain.collateralValue ?? "")).to.equal(h.collateralValue);
    expect(BigInt(chain.mintLimit ?? "")).to.equal(h.mintLimit);
    expect(BigInt(read.maxMint as string)).to.be.greaterThan(0n);
    expect(BigInt(read.maxMint as string)).to.be.at.most(h.mintLimit - h.debtValue);
    expect(Object.keys(read.maxWithdraw as object)).to.deep.equal(["WETH"]);
    expect(BigInt((read.liquidationPrices as Record<string, string>).WETH ?? "0")).to.be.greaterThan(0n);
    expect((read.mintHalf as { ok: boolean }).ok).to.equal(true);
    expect(read.owner).to.equal(alice.address);

    // the README's quick start, as written
    const readme = readFileSync(join(ROOT, "packages", "sdk", "README.md"), "utf8");
    const at = readme.indexOf("```js\n", readme.indexOf("## Quick start (viem)"));
    const quickstart = join(EXAMPLES, ".readme-quickstart.mjs");
    const code = readme.slice(at + 6, readme.indexOf("```", at + 6));
    // the root README shows the same script to integrators
    const root = readFileSync(join(ROOT, "README.md"), "utf8");
    const rootAt = root.indexOf("```js\n", root.indexOf("### Use the SDK from a plain Node script"));
    expect(root.slice(rootAt + 6, root.indexOf("```", rootAt + 6)), "README.md's SDK script").to.equal(code);
    writeFileSync(quickstart, code);
    try {
      const { stdout } = await run(process.execPath, [quickstart, String(id)], {
        cwd: ROOT,
        env: { ...process.env, ...env },
        timeout: 60_000,
      });
      expect(stdout).to.match(/^health \d+\.\d+, can mint [\d,]+\.\d+\nminting half of it leaves health \d+\.\d+\n$/);
    } finally {
      rmSync(quickstart, { force: true });
    }

    // ethers: a preview, the calldata sent with a Wallet, the receipt's events decoded
    const debtBefore = await lens.debtOf(id);
    const sent = await example("mint-ethers.mjs", [String(id), "5000"], { ...env, BALLAST_PRIVATE_KEY: ALICE_KEY });
    expect(sent.ok, JSON.stringify(sent)).to.equal(true);
    expect(sent.status, JSON.stringify(sent)).to.equal(1);
    const amount = BigInt(sent.amount as string);
    const events = sent.events as { event: string; args: Record<string, string> }[];
    const minted = events.find((e) => e.event === "Minted");
    expect(minted?.args.amount).to.equal(amount.toString());
    expect(minted?.args.id).to.equal(id.toString());
    expect(events.some((e) => e.event === "Transfer")).to.equal(true);
    const debtAfter = await lens.debtOf(id);
    expect(debtAfter - debtBefore >= amount).to.equal(true); // plus a few seconds of interest
    expect(debtAfter - debtBefore - amount < wad("0.01")).to.equal(true);
    expect((sent.tx as { to: string }).to.toLowerCase()).to.equal((await vault.getAddress()).toLowerCase());

    // twice the room: the preview refuses it, and the node's revert comes back decoded with its sentence
    const over = await example("mint-ethers.mjs", [String(id), "20000"], { ...env, BALLAST_PRIVATE_KEY: ALICE_KEY });
    expect(over.ok).to.equal(false);
    expect(over.failure).to.equal("MintLimitExceeded");
    expect(over.status).to.equal(0);
    const error = over.error as { name: string; sentence: string };
    expect(error.name).to.equal("MintLimitExceeded");
    expect(error.sentence).to.match(/position #\d+/);
  });
});
