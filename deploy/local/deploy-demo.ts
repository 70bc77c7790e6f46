/**
 * Deploys the core with mocks (`deployCore`: the local config through `deploySystem`, `MockFeed` feeds) and the demo
 * portfolio to the network it runs against (e.g. a local `hardhat node`), and writes the deploy's manifest where every
 * command looks for it (sdk/manifest.ts `locateManifest`: `deployments/<network>-<chain id>-<genesis>.json`), so the
 * risk engine, the reserves report, the tasks and the keeper find it with `--network` alone:
 *
 *   npx hardhat node &                                                     # a local node on :8545
 *   npx hardhat run --network localhost deploy/local/deploy-demo.ts        # writes the chain's manifest
 *   npm run risk -- --network localhost
 *
 * It refuses to overwrite a manifest this chain already has (from `npm run deploy`, say): `BALLAST_MANIFEST_OUT`
 * names another file (then pass it to the commands as `BALLAST_MANIFEST`). Mocks only: never for a real network.
 */
import { existsSync } from "node:fs";
import { network } from "hardhat";
import { type Manifest, locateManifest, writeManifest } from "../../sdk/manifest.js";
import { buildPortfolio } from "./portfolio.js";

const conn = await network.create();
const name = conn.networkName;
const { ethers } = conn;
const chainId = (await ethers.provider.getNetwork()).chainId;
if (![31337n, 1337n].includes(chainId)) {
  console.error(`deploy-demo: chain ${chainId} is not a local development chain; this deploys mocks only`);
  process.exit(1);
}
const location = await locateManifest(ethers.provider, name);
const override = process.env.BALLAST_MANIFEST_OUT;
const out = override !== undefined && override !== "" ? override : location.path;
if (out === location.path && existsSync(out)) {
  console.error(
    `deploy-demo: ${out} already holds this chain's deployment; set BALLAST_MANIFEST_OUT to write the demo's ` +
      "elsewhere (and BALLAST_MANIFEST to read it), or restart the node",
  );
  process.exit(1);
}
console.log(`Deploying the core with mocks and the demo portfolio to ${name} (chain ${chainId})`);
const core = await buildPortfolio(ethers, { log: (l) => console.log(`  ${l}`) });
// the deploy's own manifest (deployCore keeps it in memory), under this network's name
const manifest: Manifest = { ...core.manifest, network: name };
writeManifest(out, manifest);
console.log(
  `Wrote ${out}: ${out === location.path ? "" : `BALLAST_MANIFEST=${out} `}npm run risk -- --network ${name}`,
);
