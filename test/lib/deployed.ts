/**
 * Every contract that goes on chain (mocks are test-only): the core, the lenses, the rate models, the price sources and
 * the risk automation (observer, risk oracle, steward). The
 * LiquidationEngineAdmin and VaultAdmin (their governance modules) are created by the LiquidationEngine's and the
 * Vault's constructors.
 */
export const DEPLOYED = [
  "Vault",
  "VaultAdmin",
  "LiquidationEngine",
  "LiquidationEngineAdmin",
  "OracleAdapter",
  "SyntheticToken",
  "Treasury",
  "Settlement",
  "ReserveLens",
  "PositionLens",
  "RiskLens",
  "FixedRateModel",
  "DynamicRateModel",
  "StabilityModule",
  "SavingsToken",
  "BuybackSink",
  "Redemptions",
  "ChainlinkSource",
  "RateAdjustedSource",
  "NavSource",
  "VolatilityObserver",
  "RiskOracle",
  "RiskSteward",
  "Router",
  "UniswapV3Venue",
  "PreLiquidation",
  "InstrumentVault",
];
