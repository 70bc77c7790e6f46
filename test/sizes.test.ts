import { expect } from "chai";
import hre from "hardhat";
import { DEPLOYED } from "./lib/deployed.js";

/** EIP-170: the most runtime bytecode a contract may deploy. */
const MAX_RUNTIME_BYTES = 24_576;
/** EIP-3860: the most initcode a creation transaction may carry (twice the runtime limit). */
const MAX_INITCODE_BYTES = 49_152;

/** @returns the number of bytes of a 0x-prefixed hex string. */
function byteLength(hex: string): number {
  return (hex.length - 2) / 2;
}

describe("contract sizes", function () {
  for (const name of DEPLOYED) {
    it(`${name}: runtime fits EIP-170 (${MAX_RUNTIME_BYTES} bytes) and initcode fits EIP-3860 (${MAX_INITCODE_BYTES})`, async function () {
      const artifact = await hre.artifacts.readArtifact(name);
      const runtime = byteLength(artifact.deployedBytecode);
      const initcode = byteLength(artifact.bytecode);
      expect(runtime, `${name} has no runtime bytecode`).to.be.greaterThan(0);
      expect(runtime, `${name} is ${runtime} bytes, over the EIP-170 limit`).to.be.at.most(MAX_RUNTIME_BYTES);
      // the initcode holds the runtime plus the constructor
      expect(initcode, `${name}'s initcode is shorter than its runtime`).to.be.greaterThan(runtime);
      expect(initcode, `${name}'s initcode is ${initcode} bytes, over the EIP-3860 limit`).to.be.at.most(
        MAX_INITCODE_BYTES,
      );
    });
  }

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
