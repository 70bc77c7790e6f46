/**
 * `npm run reserves`: Ballast's proof-of-reserves report for any network, from the on-chain `ReserveLens`.
 *
 *   npm run reserves                                                        # embedded network: demo portfolio
 *   BALLAST_MANIFEST=deployments/localhost.json npm run reserves -- --network localhost
 *
 * With `BALLAST_MANIFEST` it reads the deployment's `ReserveLens` (`contracts.ReserveLens.address`, as `npm run
 * deploy` writes it). On the embedded network without a manifest it builds the demo portfolio and deploys a lens over
 * it. Prints three tables (collateral, synthetics, system) and writes `reports/reserves-<network>.json` (every on-chain
 * number as an exact decimal string). Set `RESERVES_OUT` to write elsewhere.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { network } from "hardhat";
import { Contract } from "ethers";
import { ReserveLens__factory } from "../typechain-types/index.js";
import { buildPortfolio } from "./risk/portfolio.js";
import { printReserves, readReserves, reserveJson } from "./lib/reserves.js";

function fail(message: string): never {
  console.error(`\nreserves: ${message}`);
  process.exit(1);
}

/** The ReserveLens address recorded in a deploy manifest. */
function lensFromManifest(path: string): string {
  if (!existsSync(path)) fail(`BALLAST_MANIFEST=${path}: no such file (run npm run deploy -- --network <name> first)`);
  let json: { contracts?: Record<string, { address?: string } | undefined> };
  try {
    json = JSON.parse(readFileSync(path, "utf8")) as typeof json;
  } catch (e) {
    fail(`BALLAST_MANIFEST=${path}: not valid JSON (${(e as Error).message})`);
  }
  const address = json.contracts?.ReserveLens?.address;
  if (address === undefined || !/^0x[0-9a-fA-F]{40}$/.test(address))
    fail(`BALLAST_MANIFEST=${path}: no contracts.ReserveLens.address (redeploy with npm run deploy to add the lens)`);
  return address;
}

const conn = await network.create();
const { ethers } = conn;
const [signer] = await ethers.getSigners();
const runner = signer ?? ethers.provider;
let lensAddress: string;
const manifest = process.env.BALLAST_MANIFEST;
if (manifest !== undefined && manifest !== "") {
  lensAddress = lensFromManifest(manifest);
} else if (conn.networkConfig.type === "edr-simulated") {
  console.log("no BALLAST_MANIFEST: building the demo portfolio on the embedded network");
  const core = await buildPortfolio(ethers);
  const lens = await ethers.deployContract("ReserveLens", [await core.vault.getAddress()]);
  lensAddress = await lens.getAddress();
} else {
  fail(`network ${conn.networkName} needs a manifest: BALLAST_MANIFEST=deployments/${conn.networkName}.json`);
}
if ((await ethers.provider.getCode(lensAddress)) === "0x")
  fail(`no contract at the ReserveLens address ${lensAddress}`);

const erc20 = ["function symbol() view returns (string)", "function decimals() view returns (uint8)"];
const report = await readReserves(ReserveLens__factory.connect(lensAddress, runner), async (address) => {
  const token = new Contract(address, erc20, runner);
  return {
    symbol: String(await token.getFunction("symbol")()),
    decimals: Number(await token.getFunction("decimals")()),
  };
});
printReserves(report);
const dir = process.env.RESERVES_OUT ?? "reports";
mkdirSync(dir, { recursive: true });
const file = join(dir, `reserves-${conn.networkName}.json`);
writeFileSync(file, reserveJson(report));
console.log(`\nWrote ${file}`);
