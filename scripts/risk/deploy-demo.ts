/**
 * Deploys the core with mocks and the demo portfolio to the network it runs against (e.g. a local `hardhat node`)
 * and writes a manifest `npm run risk` reads, so the risk engine can be tried against a live node:
 *
 *   npx hardhat node &                                                     # a local node on :8545
 *   npx hardhat run --network localhost scripts/risk/deploy-demo.ts        # writes reports/demo-localhost.json
 *   BALLAST_MANIFEST=reports/demo-localhost.json npm run risk -- --network localhost
 *
 * The manifest path can be changed with BALLAST_MANIFEST_OUT. Mocks only: never for a real network.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { network } from "hardhat";
import { buildPortfolio } from "./portfolio.js";

const conn = await network.create();
const name = conn.networkName;
const chainId = (await conn.ethers.provider.getNetwork()).chainId;
if (![31337n, 1337n].includes(chainId)) {
  console.error(`deploy-demo: chain ${chainId} is not a local development chain; this deploys mocks only`);
  process.exit(1);
}
const out = process.env.BALLAST_MANIFEST_OUT ?? `reports/demo-${name}.json`;
console.log(`Deploying the core with mocks and the demo portfolio to ${name} (chain ${chainId})`);
const core = await buildPortfolio(conn.ethers, { log: (l) => console.log(`  ${l}`) });
mkdirSync(dirname(out), { recursive: true });
writeFileSync(
  out,
  JSON.stringify({ network: name, chainId: Number(chainId), contracts: core.addresses }, null, 2) + "\n",
);
console.log(`Wrote ${out}: BALLAST_MANIFEST=${out} npm run risk -- --network ${name}`);
