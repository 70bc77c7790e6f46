/**
 * Every contract that goes on chain (mocks are test-only): the core, the lenses and the rate models. The
 * LiquidationEngineAdmin (its governance module) is created by the LiquidationEngine's constructor.
 */
export const DEPLOYED = [
  "Vault",
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
];
