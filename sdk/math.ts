/** The protocol's exact bigint math lives in the SDK package (one copy): packages/sdk/src/math.ts. */
export * from "../packages/sdk/src/math.js";
