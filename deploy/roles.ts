/**
 * Who may call what: the one table of Ballast's restricted functions and the AccessManager role each is assigned to.
 * The deploy (`deploy/deploy.ts`) applies it with `AccessManager.setTargetFunctionRole` to every deployed contract of
 * each kind; `test/deploy.test.ts` checks that every function marked `restricted` in `contracts/` has a row here and
 * that every row names a real function. Adding a restricted function to a contract means adding one row below.
 *
 * Roles (ids are what the AccessManager stores):
 * - ADMIN (0, the AccessManager's own `ADMIN_ROLE`): grants and revokes roles, assigns functions to roles. The
 *   deployer at first; handed to the configured admin (a multisig on mainnet) at the end of the deploy.
 * - GOVERNOR (1): every parameter setter, each call subject to the network's execution delay (0 locally, 1 hour on
 *   Sepolia, 2 days on mainnet): calls are scheduled on the AccessManager, then executed after the delay.
 * - GUARDIAN (2): pause functions only, without delay. It can stop risk-increasing actions, never repay, deposit or
 *   liquidation (the contracts enforce that; this table only routes the calls).
 */

/** AccessManager role ids. */
export const ROLE_IDS = { ADMIN: 0n, GOVERNOR: 1n, GUARDIAN: 2n } as const;
export type RoleName = keyof typeof ROLE_IDS;

/** The contract kinds the table covers: artifact names of contracts the deploy creates with an AccessManager. */
export type ManagedContract = "OracleAdapter" | "Vault" | "SyntheticToken" | "LiquidationEngine" | "DynamicRateModel";

/**
 * Contract kind → function (name, or full signature when overloaded) → role. A kind applies to every deployed
 * instance (every SyntheticToken, for instance). "ADMIN" keeps a function with the AccessManager admin (the default for
 * any function without a row, but a row documents it and keeps the completeness test in test/deploy.test.ts green).
 */
export const ROLE_TABLE: Record<ManagedContract, Record<string, RoleName>> = {
  OracleAdapter: {
    setFeeds: "GOVERNOR",
    removeFeeds: "GOVERNOR",
  },
  Vault: {
    listAsset: "GOVERNOR",
    setAssetParams: "GOVERNOR",
    addSynthetic: "GOVERNOR",
    setSyntheticParams: "GOVERNOR",
    setLiquidationEngine: "GOVERNOR",
    setTreasury: "GOVERNOR",
  },
  SyntheticToken: {
    setFlashParams: "GOVERNOR",
  },
  LiquidationEngine: {
    setLiquidationParams: "GOVERNOR",
    setAuctionParams: "GOVERNOR",
    setKeeperParams: "GOVERNOR",
    setGlobalCap: "GOVERNOR",
    setAssetCap: "GOVERNOR",
  },
  DynamicRateModel: {
    setRateParams: "GOVERNOR",
    setPegParams: "GOVERNOR",
  },
};
