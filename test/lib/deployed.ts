/** Every contract that goes on chain (mocks are test-only): the core, the lenses and the rate models. */
export const DEPLOYED = [
  "Vault",
  "LiquidationEngine",
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
