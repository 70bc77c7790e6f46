/** Position manager permissions and the EIP-712 grant live in the SDK package: packages/sdk/src/permissions.ts. */
export * from "../packages/sdk/src/permissions.js";
