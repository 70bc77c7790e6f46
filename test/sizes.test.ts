import { expect } from "chai";
import hre from "hardhat";

/** EIP-170: the most runtime bytecode a contract may deploy. */
const MAX_RUNTIME_BYTES = 24_576;
/** The contracts that go on chain (mocks are test-only). */
const DEPLOYED = [
  "Vault",
  "LiquidationEngine",
  "Treasury",
  "OracleAdapter",
  "SyntheticToken",
  "FixedRateModel",
  "DynamicRateModel",
];

describe("contract sizes", function () {
  for (const name of DEPLOYED) {
    it(`${name}: runtime bytecode fits the ${MAX_RUNTIME_BYTES}-byte limit`, async function () {
      const artifact = await hre.artifacts.readArtifact(name);
      const bytes = (artifact.deployedBytecode.length - 2) / 2;
      expect(bytes, `${name} is ${bytes} bytes`).to.be.greaterThan(0);
      expect(bytes, `${name} is ${bytes} bytes, over the EIP-170 limit`).to.be.at.most(MAX_RUNTIME_BYTES);
    });
  }
});
