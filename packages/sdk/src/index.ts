/**
 * `@ballast/sdk`: everything an integrator needs to read and drive a Ballast deployment from a plain Node script or a
 * browser, with viem or ethers v6 and without Hardhat: typed ABIs, the address book, the protocol's exact bigint math,
 * previews, calldata builders and decoders. File access (reading a manifest from disk) is in `@ballast/sdk/node`.
 *
 * Units throughout: `[token]` a token's own decimals, `[wad]` 1e18, `[ray]` 1e27, `[bps]` 1e4, `[s]` seconds.
 */
export * from "./abis.js";
export * from "./addresses.js";
export * from "./reader.js";
export * from "./math.js";
export * from "./units.js";
export * from "./format.js";
export * from "./permissions.js";
export * from "./instruments.js";
export * from "./preview.js";
export * from "./peg.js";
export * from "./client.js";
export * from "./router.js";
export * from "./calldata.js";
export * from "./decode.js";
export * from "./sentences.js";
