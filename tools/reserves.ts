/**
 * `npm run reserves`: Ballast's proof-of-reserves report for any network, from the on-chain `ReserveLens`.
 *
 *   npm run reserves                                   # embedded network: demo portfolio
 *   npm run reserves -- --network localhost            # the deployment on that node (its manifest, found by chain)
 *
 * It reads the deployment's `ReserveLens` (`contracts.ReserveLens.address`) from the manifest every command finds
 * (sdk/manifest.ts `locateManifest`: `BALLAST_MANIFEST` when set, else the chain's
 * `deployments/<network>-<chain id>-<genesis>.json`). On the embedded network without `BALLAST_MANIFEST` it builds the
 * demo portfolio and reads the lens its deploy includes. Prints three tables (collateral, synthetics, system, each saying what it
 * measures) and writes `reports/reserves-<network>.json` (every on-chain number as an exact decimal string). Set
 * `RESERVES_OUT` to write elsewhere.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { network } from "hardhat";
import { Contract } from "ethers";
import { ReserveLens__factory } from "../typechain-types/index.js";
import { locateManifest } from "../sdk/manifest.js";
import { buildPortfolio } from "../deploy/local/portfolio.js";
import { printReserves, readReserves, reserveJson } from "../sdk/reserves.js";

function fail(message: string): never {
  console.error(`\nreserves: ${message}`);
  process.exit(1);
}

/** The ReserveLens address recorded in a deploy manifest. */
function lensFromManifest(path: string): string {
  if (!existsSync(path)) fail(`${path}: no such file (run npm run deploy -- --network <name> first)`);
  let json: { contracts?: Record<string, { address?: string } | undefined> };
  try {
    json = JSON.parse(readFileSync(path, "utf8")) as typeof json;
  } catch (e) {
    fail(`${path}: not valid JSON (${(e as Error).message})`);
  }
  const address = json.contracts?.ReserveLens?.address;
  if (address === undefined || !/^0x[0-9a-fA-F]{40}$/.test(address))
    fail(`${path}: no contracts.ReserveLens.address (redeploy with npm run deploy to add the lens)`);
  return address;
}

const conn = await network.create();
const { ethers } = conn;
const [signer] = await ethers.getSigners();
const runner = signer ?? ethers.provider;
let lensAddress: string;
const override = process.env.BALLAST_MANIFEST;
if (conn.networkConfig.type === "edr-simulated" && (override === undefined || override === "")) {
  console.log("embedded network: building the demo portfolio (its deploy includes the ReserveLens)");
  const core = await buildPortfolio(ethers);
  lensAddress = await core.reserveLens.getAddress();
} else {
  const location = await locateManifest(ethers.provider, conn.networkName);
  if (!existsSync(location.path)) {
    fail(
      `no deployment manifest for "${conn.networkName}" on this chain (${location.path}): run ` +
        `npm run deploy -- --network ${conn.networkName} first, or set BALLAST_MANIFEST to the file`,
    );
  }
  lensAddress = lensFromManifest(location.path);
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
