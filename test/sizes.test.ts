import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import hre from "hardhat";
import { DEPLOYED } from "./lib/deployed.js";

/** EIP-170: the most runtime bytecode a contract may deploy. */
const MAX_RUNTIME_BYTES = 24_576;
/** EIP-3860: the most initcode a creation transaction may carry (twice the runtime limit). */
const MAX_INITCODE_BYTES = 49_152;
/** Room every deployable contract keeps under both limits, so the next entry point fits without a redesign. */
const HEADROOM_BYTES = 2_048;
/** The one build profile's optimizer floor: tests, the gas benchmark and the deploy all run this bytecode. */
const MIN_RUNS = 1_000;

/** @returns Solidity source without its comments (so prose that mentions `new Vault(...)` is not code). */
function withoutComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/[^\n]*/g, "");
}

/** @returns the number of bytes of a 0x-prefixed hex string. */
function byteLength(hex: string): number {
  return (hex.length - 2) / 2;
}

interface CompilerSettings {
  version: string;
  settings?: { optimizer?: { enabled?: boolean; runs?: number }; viaIR?: boolean };
}
interface Profile {
  compilers: CompilerSettings[];
  overrides: Record<string, CompilerSettings>;
}

describe("contract sizes", function () {
  for (const name of DEPLOYED) {
    it(`${name}: runtime and initcode keep ${HEADROOM_BYTES} bytes under EIP-170 (${MAX_RUNTIME_BYTES}) and EIP-3860 (${MAX_INITCODE_BYTES})`, async function () {
      const artifact = await hre.artifacts.readArtifact(name);
      const runtime = byteLength(artifact.deployedBytecode);
      const initcode = byteLength(artifact.bytecode);
      expect(runtime, `${name} has no runtime bytecode`).to.be.greaterThan(0);
      expect(
        runtime,
        `${name} is ${runtime} bytes: less than ${HEADROOM_BYTES} bytes under the EIP-170 limit; move code out`,
      ).to.be.at.most(MAX_RUNTIME_BYTES - HEADROOM_BYTES);
      // the initcode holds the runtime plus the constructor
      expect(initcode, `${name}'s initcode is shorter than its runtime`).to.be.greaterThan(runtime);
      expect(
        initcode,
        `${name}'s initcode is ${initcode} bytes: less than ${HEADROOM_BYTES} bytes under the EIP-3860 limit`,
      ).to.be.at.most(MAX_INITCODE_BYTES - HEADROOM_BYTES);
    });
  }

  it(`one build profile: IR, at least ${MIN_RUNS} optimizer runs, no contract compiled with other settings`, function () {
    const profiles = hre.config.solidity.profiles as unknown as Record<string, Profile>;
    const names = Object.keys(profiles);
    expect(names).to.include("default");
    const reference = JSON.stringify(profiles.default?.compilers);
    const settings = JSON.stringify(profiles.default?.compilers[0]);
    for (const name of names) {
      const profile = profiles[name];
      if (profile === undefined) throw new Error(`no profile ${name}`);
      // overrides only split the Solidity tests into smaller compiler jobs, with the very same settings
      for (const [file, override] of Object.entries(profile.overrides)) {
        expect(file.startsWith("test/"), `profile ${name} compiles ${file} with its own settings`).to.equal(true);
        expect(JSON.stringify(override), `profile ${name} compiles ${file} with other settings`).to.equal(settings);
      }
      expect(JSON.stringify(profile.compilers), `profile ${name} differs from the default profile`).to.equal(reference);
      for (const c of profile.compilers) {
        expect(c.settings?.viaIR, `profile ${name} compiles without the IR pipeline`).to.equal(true);
        expect(c.settings?.optimizer?.enabled, `profile ${name} has the optimizer off`).to.equal(true);
        expect(c.settings?.optimizer?.runs ?? 0, `profile ${name} runs the optimizer fewer times`).to.be.at.least(
          MIN_RUNS,
        );
      }
    }
  });

  it("the Solidity tests deploy every deployable contract from its build artifact, never from a copy compiled inside a test", async function () {
    // test/utils/Artifacts.sol deploys with vm.getCode: the artifact the deploy scripts ship. A test contract that wrote
    // `new Vault(...)` would deploy the copy compiled in its own compiler job (which another grouping of test files
    // can lay out differently) and carry that copy's creation code in its own bytecode
    const files = readdirSync("test", { recursive: true, encoding: "utf8" })
      .map((f) => f.replaceAll("\\", "/"))
      .filter((f) => f.endsWith(".sol"));
    expect(files.length, "no Solidity test files found").to.be.greaterThan(10);
    const created = new RegExp(`\\bnew\\s+(${DEPLOYED.join("|")})\\s*[({]`, "g");
    const offenders: string[] = [];
    const deployedByName = new Set<string>();
    for (const file of files) {
      const source = withoutComments(readFileSync(join("test", file), "utf8"));
      for (const m of source.matchAll(created)) offenders.push(`test/${file}: new ${m[1]}`);
      for (const m of source.matchAll(/Artifacts\.deploy\(\s*"(\w+)\.sol:(\w+)"/g)) {
        expect(m[1], `test/${file} names ${m[1]}.sol:${m[2]}: the file and the contract differ`).to.equal(m[2]);
        deployedByName.add(m[2]!);
      }
    }
    expect(offenders, "deploy these with Artifacts.deploy (test/utils/Artifacts.sol)").to.deep.equal([]);
    // what the tests deploy by name is a deployable contract with an artifact of that one name
    for (const name of deployedByName) {
      expect(DEPLOYED, `${name} is deployed by the tests but is not in test/lib/deployed.ts`).to.include(name);
      expect(byteLength((await hre.artifacts.readArtifact(name)).bytecode)).to.be.greaterThan(0);
    }
    for (const core of ["Vault", "LiquidationEngine", "PositionLens", "SyntheticToken", "OracleAdapter", "Treasury"]) {
      expect([...deployedByName], `the tests no longer deploy ${core} from its artifact`).to.include(core);
    }
  });

  it("every deployable contract under contracts/ (not an interface, library, abstract or mock) is in the list", async function () {
    const names = await hre.artifacts.getAllFullyQualifiedNames();
    const deployable: string[] = [];
    for (const fqn of names) {
      const colon = fqn.lastIndexOf(":");
      const source = fqn.slice(0, colon);
      const name = fqn.slice(colon + 1);
      if (!source.startsWith("contracts/") || source.startsWith("contracts/mocks/")) continue;
      const artifact = await hre.artifacts.readArtifact(fqn);
      if (byteLength(artifact.deployedBytecode) === 0) continue; // interfaces and abstract contracts
      if (source.startsWith("contracts/libraries/")) continue; // internal libraries are inlined, never deployed
      deployable.push(name);
    }
    expect(deployable.sort()).to.deep.equal([...DEPLOYED].sort());
  });
});
