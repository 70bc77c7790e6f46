/**
 * Deploys the core with mocks and the demo portfolio to the network it runs against (e.g. a local `hardhat node`),
 * with a ReserveLens, and writes its manifest where every command looks for it (sdk/manifest.ts
 * `locateManifest`: `deployments/<network>-<chain id>-<genesis>.json`), so the risk engine, the reserves report, the
 * tasks and the keeper find it with `--network` alone:
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
import { type Manifest, gitCommit, locateManifest, writeManifest } from "../../sdk/manifest.js";
import { ARTIFACTS } from "../deploy.js";
import { ASSETS, ASSET_KEYS, SYNTHETICS } from "../../sdk/params.js";
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
const [deployer] = await ethers.getSigners();
if (deployer === undefined) throw new Error("deploy-demo: no account");
const startBlock = (await ethers.provider.getBlockNumber()) + 1;
console.log(`Deploying the core with mocks and the demo portfolio to ${name} (chain ${chainId})`);
const core = await buildPortfolio(ethers, { log: (l) => console.log(`  ${l}`) });
const lens = await ethers.deployContract("ReserveLens", [await core.vault.getAddress()]);
await lens.waitForDeployment();
const a = core.addresses;
const entry = (address: string | undefined, contract: string) => ({
  address: address ?? "",
  contract,
  args: [],
  block: startBlock,
  tx: "",
});
const manifest: Manifest = {
  network: name,
  chainId: Number(chainId),
  genesisHash: location.key.genesisHash,
  deployer: deployer.address,
  commit: gitCommit(),
  startBlock,
  contracts: {
    AccessManager: entry(a.manager, ARTIFACTS.AccessManager),
    OracleAdapter: entry(a.oracle, ARTIFACTS.OracleAdapter),
    Vault: entry(a.vault, ARTIFACTS.Vault),
    Treasury: entry(a.treasury, ARTIFACTS.Treasury),
    LiquidationEngine: entry(a.engine, ARTIFACTS.LiquidationEngine),
    ReserveLens: entry(await lens.getAddress(), ARTIFACTS.ReserveLens),
    ...Object.fromEntries(
      ASSET_KEYS.flatMap((k) => [
        [`token:${ASSETS[k].symbol}`, entry(a[k], ARTIFACTS.MockERC20)],
        [`feed:${ASSETS[k].symbol}`, entry(a[`${k}Feed`], "contracts/mocks/MockFeed.sol:MockFeed")],
      ]),
    ),
  },
  assets: Object.fromEntries(
    ASSET_KEYS.map((k) => [
      ASSETS[k].symbol,
      { token: a[k] ?? "", decimals: ASSETS[k].decimals, feed: a[`${k}Feed`] ?? "", mock: true },
    ]),
  ),
  synthetics: {
    [SYNTHETICS.busd.symbol]: { token: a.busd ?? "", synthId: 0, priceAsset: "USD" },
    [SYNTHETICS.beth.symbol]: { token: a.beth ?? "", synthId: 1, priceAsset: ASSETS.weth.symbol },
  },
  roles: {
    admin: deployer.address,
    critical: deployer.address,
    governor: deployer.address,
    guardian: deployer.address,
    settlement: "",
  },
};
writeManifest(out, manifest);
console.log(
  `Wrote ${out}: ${out === location.path ? "" : `BALLAST_MANIFEST=${out} `}npm run risk -- --network ${name}`,
);
