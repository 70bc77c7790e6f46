import { readdirSync } from "node:fs";
import { createRequire } from "node:module";
import "dotenv/config";
import hardhatToolboxMochaEthers from "@nomicfoundation/hardhat-toolbox-mocha-ethers";
import { configVariable, defineConfig } from "hardhat/config";
import { ballastTasks } from "./tasks/index.js";

const require = createRequire(import.meta.url);

/** The compiler comes from the npm `solc` package (pinned exactly in package.json): nothing is downloaded. */
const SOLC_VERSION = "0.8.30";
// One build profile for everything that runs or ships: the Solidity and TypeScript tests, the gas benchmark and the
// deploy use the same settings, so the bytecode tested is the bytecode deployed. The IR pipeline saves gas on every
// Vault operation (docs/gas.md); 1,000 optimizer runs keep every deployable contract at least 2,048 bytes under the
// EIP-170 and EIP-3860 limits. test/sizes.test.ts enforces both, and that no file under contracts/ gets other settings.
const soljson = require.resolve("solc/soljson.js");
const RELEASE_SETTINGS = { optimizer: { enabled: true, runs: 1_000 }, evmVersion: "cancun", viaIR: true };

/**
 * The release settings for the contracts, and the same settings, in separate copies, for some Solidity tests. A
 * compiler job's output must stay below what solc-js can serialize ("Error writing output JSON", HHE910): the shared
 * job (the contracts and most test files) failed at about 90 MB. Two things keep it far below. The tests deploy the
 * protocol's contracts from their build artifacts (test/utils/Artifacts.sol, `vm.getCode`) instead of `new`, so no test
 * contract embeds the Vault's or the engine's creation code (the shared job's output fell from 96 to 72 MB, most of it
 * the sources' ASTs). And the largest test files compile outside it (`SEPARATE_JOBS`): Hardhat gives each overridden
 * file a job of its own, run one after another on a two-core machine, and each job compiles the contracts it imports
 * again, so the list stays short; instrumented for coverage, every test file is its own job ("fine").
 */
/** The test files compiled outside the shared job by the default profile (the largest outputs). */
const SEPARATE_JOBS = [
  "invariant/SystemInvariant.t.sol",
  "invariant/LiquidationInvariant.t.sol",
  "invariant/VaultInvariant.t.sol",
  "adversarial/ReviewFindings.t.sol",
  "periphery/PreLiquidation.t.sol",
  // the largest top-level files (each its own job)
  "LiquidationEngine.t.sol",
  "OracleAdapter.t.sol",
  "RateAccrual.t.sol",
  "RealWorldAssets.t.sol",
  "Redemptions.t.sol",
  "StabilityModule.t.sol",
  "SyntheticToken.t.sol",
  "TreasuryPolicy.t.sol",
  "Vault.t.sol",
];

function releaseProfile(split: "coarse" | "fine" = "coarse") {
  const settings = () => ({ version: SOLC_VERSION, path: soljson, settings: { ...RELEASE_SETTINGS } });
  const groups = new Map<string, ReturnType<typeof settings>>();
  const overrides: Record<string, ReturnType<typeof settings>> = {};
  const testDir = new URL("./test/", import.meta.url);
  const files = readdirSync(testDir, { recursive: true, encoding: "utf8" })
    .map((f) => f.replaceAll("\\", "/"))
    .filter((f) => f.endsWith(".sol"))
    .sort();
  const topLevel = files.filter((f) => !f.includes("/"));
  // overridden files share a settings object per folder (top-level ones per half, in file order); Hardhat 3 still
  // compiles each overridden file in a job of its own
  const separateTop = SEPARATE_JOBS.filter((f) => !f.includes("/")).sort();
  const half = Math.ceil(separateTop.length / 2);
  for (const file of files) {
    if (split === "coarse" && !SEPARATE_JOBS.includes(file)) continue; // the rest: the default job
    const group = file.includes("/")
      ? file.slice(0, file.lastIndexOf("/"))
      : split === "coarse"
        ? `top-${Math.floor(separateTop.indexOf(file) / half)}`
        : `top-${Math.floor(topLevel.indexOf(file) / 4)}`;
    const shared = groups.get(group) ?? settings();
    groups.set(group, shared);
    overrides[`test/${file}`] = shared;
  }
  return { compilers: [settings()], overrides };
}

/** What Solidity tests may read: test/FixtureWiring.t.sol compares the fixture with the local deploy's wiring. */
const FS_PERMISSIONS = { readFile: ["./test/wiring/local.json"] };

/** The mainnet block the fork tests pin (12 Jan 2024); MAINNET_FORK_BLOCK overrides it. */
const MAINNET_FORK_BLOCK = 19_000_000;

export default defineConfig({
  plugins: [hardhatToolboxMochaEthers],
  // `npx hardhat ballast <deploy|verify|open|deposit|...>`: see tasks/index.ts and the README
  tasks: ballastTasks,
  solidity: {
    // npm contracts the TypeScript side deploys: artifacts and TypeChain types are generated for them too
    npmFilesToBuild: [
      "@openzeppelin/contracts/access/manager/AccessManager.sol",
      "@chainlink/contracts/src/v0.8/tests/MockV3Aggregator.sol",
    ],
    profiles: {
      default: releaseProfile(),
      production: releaseProfile(),
      coverage: releaseProfile("fine"),
    },
  },
  typechain: { outDir: "typechain-types" },
  // `npm run coverage`: mocks are test scaffolding, not protocol code; test files are never instrumented
  coverage: { skipFiles: ["contracts/mocks/**"] },
  test: {
    solidity: {
      profiles: {
        // Sized for CI: the whole Solidity suite runs in a few minutes on two cores.
        default: {
          fsPermissions: FS_PERMISSIONS,
          fuzz: { runs: 256, seed: "0xba11a57" },
          invariant: { runs: 32, depth: 64, failOnRevert: true },
        },
        // `npm run test:deep`: long invariant and fuzz campaigns for a person to run.
        // The runner gives every `invariant_*` function its own campaign of runs x depth handler calls. There are
        // 11 of them: VaultInvariant 3, LiquidationInvariant 7 (3 inherited + 4), SystemInvariant 1 (all its checks
        // grouped). 250 runs x 400 calls = 100,000 calls per campaign, x 11 = 1,100,000 handler calls in total,
        // each followed by the campaign's invariant check. `npm run test:deep:invariants` runs only those.
        deep: {
          fsPermissions: FS_PERMISSIONS,
          fuzz: { runs: 20_000 },
          invariant: { runs: 250, depth: 400, failOnRevert: true },
        },
      },
    },
  },
  networks: {
    // `npm run test:fork`: Ethereum mainnet forked at a pinned block (test/fork/), only when MAINNET_RPC_URL is set
    // (an archive node); the fork keeps chain id 1 so the mainnet deploy config applies
    mainnetFork: {
      type: "edr-simulated",
      chainType: "l1",
      chainId: 1,
      forking: {
        enabled: (process.env.MAINNET_RPC_URL ?? "") !== "",
        url: configVariable("MAINNET_RPC_URL"),
        blockNumber: Number(process.env.MAINNET_FORK_BLOCK || MAINNET_FORK_BLOCK),
      },
    },
    // a local `npx hardhat node`; LOCALHOST_RPC_URL points it at another port
    localhost: { type: "http", chainType: "l1", url: process.env.LOCALHOST_RPC_URL || "http://127.0.0.1:8545" },
    sepolia: {
      type: "http",
      chainType: "l1",
      url: configVariable("SEPOLIA_RPC_URL"),
      accounts: [configVariable("DEPLOYER_PRIVATE_KEY")],
    },
    mainnet: {
      type: "http",
      chainType: "l1",
      url: configVariable("MAINNET_RPC_URL"),
      accounts: [configVariable("DEPLOYER_PRIVATE_KEY")],
    },
  },
  // `npx hardhat ballast verify --network <sepolia|mainnet>` submits every contract of the manifest
  verify: { etherscan: { apiKey: configVariable("ETHERSCAN_API_KEY") } },
});
