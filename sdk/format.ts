/** Human formatting of bigint figures lives in the SDK package: packages/sdk/src/format.ts. */
export * from "../packages/sdk/src/format.js";
