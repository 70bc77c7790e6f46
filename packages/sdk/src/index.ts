/**
 * `@ballast/sdk`: everything an integrator needs to read and drive a Ballast deployment from a plain Node script or a
 * browser, with viem or ethers v6 and without Hardhat.
 */
export * from "./abis.js";
