import { readFileSync } from "node:fs";
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

/** @returns runtime bytecode (0x-prefixed hex) without its CBOR metadata trailer (whose length its last two bytes give):
 *  the metadata hashes the compiler job's settings, which an incremental build may give a job of fewer files. */
function withoutMetadata(hex: string): string {
  const trailer = (parseInt(hex.slice(-4), 16) + 2) * 2;
  return trailer < hex.length - 2 ? hex.slice(0, -trailer) : hex;
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

  it("the Solidity tests' compiler jobs compile every deployable contract to the deployed code (metadata aside)", async function () {
    this.timeout(120_000);
    // the jobs the current artifacts come from (the contracts' and each group of test files'): a per-file override
    // only splits the tests into jobs with the same settings, and this checks that they give the same bytecode
    const jobs = new Set<string>();
    for (const fqn of await hre.artifacts.getAllFullyQualifiedNames()) {
      const id = (await hre.artifacts.readArtifact(fqn)).buildInfoId;
      if (id !== undefined) jobs.add(id);
    }
    const deployed = new Map<string, string>();
    for (const name of DEPLOYED) deployed.set(name, (await hre.artifacts.readArtifact(name)).deployedBytecode);
    let compared = 0;
    for (const id of jobs) {
      const inputPath = await hre.artifacts.getBuildInfoPath(id);
      const path = await hre.artifacts.getBuildInfoOutputPath(id);
      if (inputPath === undefined || path === undefined) continue;
      // a job an incremental build left behind for files that did not change may hold older copies of other
      // contracts: compare only jobs whose every contract source is the one on disk now
      const input = JSON.parse(readFileSync(inputPath, "utf8")) as {
        input: { sources: Record<string, { content?: string }> };
      };
      const current = Object.entries(input.input.sources)
        .filter(([source]) => source.startsWith("project/contracts/"))
        .every(([source, s]) => s.content === readFileSync(source.slice("project/".length), "utf8"));
      if (!current) continue;
      const out = JSON.parse(readFileSync(path, "utf8")) as {
        output: { contracts?: Record<string, Record<string, { evm?: { deployedBytecode?: { object?: string } } }>> };
      };
      for (const [source, contracts] of Object.entries(out.output.contracts ?? {})) {
        for (const [name, c] of Object.entries(contracts)) {
          const want = deployed.get(name);
          if (want === undefined || !source.endsWith(`/${name}.sol`) || source.includes("/mocks/")) continue;
          const got = `0x${c.evm?.deployedBytecode?.object ?? ""}`;
          expect(
            withoutMetadata(got),
            `${name} compiles differently in job ${id} (run a full \`hardhat build\` first)`,
          ).to.equal(withoutMetadata(want));
          compared++;
        }
      }
    }
    // the contracts' own job and at least one test job (a clean build has five: the contracts', the shared test job
    // and the jobs of their own, SEPARATE_JOBS, in hardhat.config.ts)
    expect(compared, "no test job to compare: run a full `hardhat build` first").to.be.at.least(DEPLOYED.length * 2);
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
