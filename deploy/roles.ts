/**
 * Who may call what: the one table of Ballast's restricted functions and the AccessManager role each is assigned to
 * (docs/governance.md explains each row's bounds). The deploy (`deploy/deploy.ts`) applies it with
 * `AccessManager.setTargetFunctionRole` to every deployed contract of each kind; `test/deploy.test.ts` checks that every
 * function marked `restricted` in `contracts/` has a row here and that every row names a real function. Adding a
 * restricted function to a deployed contract means adding one row below.
 *
 * Roles (ids are what the AccessManager stores; holders and delays come from each network's config):
 * - ADMIN (0, the AccessManager's own `ADMIN_ROLE`): grants and revokes roles, assigns functions to roles. The
 *   deployer at first; handed to the configured admin (a multisig on mainnet) at the end of the deploy.
 * - CRITICAL (1): what can move value without a position's consent (listing, feeds, treasury, engine, shutdown);
 *   the longest delay (7 days on mainnet).
 * - GOVERNOR (2): risk and economic parameters, each inside its bounds (2 days on mainnet, 1 hour on Sepolia).
 * - GUARDIAN (3): pauses of risk-increasing actions, no delay; never repay, deposit, liquidation or settlement. Also
 *   corrects an option series' settlement price inside its dispute window, by at most `maxCorrectionBps` of the round.
 * - SETTLEMENT (4): held by the `Settlement` contract only: the Vault's and the engine's shutdown hooks.
 * - STEWARD (5): the risk setters a bounded steward may move (asset and synthetic parameters, auction caps, keeper
 *   pay, rate curves). Held by the GOVERNOR account with GOVERNOR's delay, and, where the risk automation is
 *   deployed, by the `RiskSteward` contract with none: its code bounds every change (docs/governance.md, "Risk
 *   steward").
 * - PUBLISHER (6): posts recommendations to the `RiskOracle` (the risk team's key); changes nothing by itself.
 * Locally every delay is 0 and the deployer holds every role but SETTLEMENT.
 */

/** AccessManager role ids. */
export const ROLE_IDS = {
  ADMIN: 0n,
  CRITICAL: 1n,
  GOVERNOR: 2n,
  GUARDIAN: 3n,
  SETTLEMENT: 4n,
  STEWARD: 5n,
  PUBLISHER: 6n,
} as const;
export type RoleName = keyof typeof ROLE_IDS;

/** The contract kinds the table covers: artifact names of contracts the deploy creates with an AccessManager. */
export type ManagedContract =
  | "OracleAdapter"
  | "Vault"
  | "SyntheticToken"
  | "LiquidationEngine"
  | "DynamicRateModel"
  | "Settlement"
  | "StabilityModule"
  | "Treasury"
  | "Redemptions"
  | "RiskOracle"
  | "RiskSteward"
  | "InstrumentVault";

/**
 * Contract kind → function (name, or full signature when overloaded) → role. A kind applies to every deployed
 * instance (every SyntheticToken, for instance). "ADMIN" keeps a function with the AccessManager admin (the default for
 * any function without a row, but a row documents it and keeps the completeness test in test/deploy.test.ts green).
 */
export const ROLE_TABLE: Record<ManagedContract, Record<string, RoleName>> = {
  OracleAdapter: {
    setFeeds: "CRITICAL",
    removeFeeds: "CRITICAL",
    setReserveFeed: "CRITICAL",
    setSource: "CRITICAL",
    writeDown: "CRITICAL",
  },
  Vault: {
    listAsset: "CRITICAL",
    addSynthetic: "CRITICAL",
    setTreasury: "CRITICAL",
    setLiquidationEngine: "CRITICAL",
    addModule: "CRITICAL",
    setRedeemer: "CRITICAL",
    setAssetParams: "STEWARD",
    setSyntheticParams: "STEWARD",
    setRampDuration: "GOVERNOR",
    setAssetKind: "GOVERNOR",
    setModuleCeiling: "GOVERNOR",
    setLapseParams: "GOVERNOR",
    cure: "GOVERNOR",
    setPaused: "GUARDIAN",
    setAssetPaused: "GUARDIAN",
    shutdown: "SETTLEMENT",
    releasePosition: "SETTLEMENT",
    releaseModule: "SETTLEMENT",
  },
  SyntheticToken: {
    setFlashParams: "GOVERNOR",
  },
  LiquidationEngine: {
    setLiquidationParams: "GOVERNOR",
    setAuctionParams: "GOVERNOR",
    setKeeperParams: "STEWARD",
    setGlobalCap: "STEWARD",
    setAssetCap: "STEWARD",
    releaseAuction: "SETTLEMENT",
  },
  DynamicRateModel: {
    setRateParams: "STEWARD",
    setPegParams: "GOVERNOR",
  },
  Settlement: {
    shutdown: "CRITICAL",
    setTriggerParams: "GOVERNOR",
    setFallbackPrice: "GOVERNOR",
    retireAsset: "GOVERNOR",
    sweepPool: "GOVERNOR",
  },
  Redemptions: {
    setParams: "GOVERNOR",
  },
  Treasury: {
    setPolicy: "GOVERNOR",
    setSinks: "CRITICAL",
    recover: "CRITICAL",
  },
  RiskOracle: {
    publish: "PUBLISHER",
  },
  RiskSteward: {
    setBounds: "GOVERNOR",
    setPaused: "GUARDIAN",
  },
  InstrumentVault: {
    setUnderlying: "GOVERNOR",
    setQuote: "GOVERNOR",
    setSettlementParams: "GOVERNOR",
    correctPrice: "GUARDIAN",
  },
  StabilityModule: {
    setFees: "GOVERNOR",
    setBand: "GOVERNOR",
    setFrozen: "GUARDIAN",
  },
};
