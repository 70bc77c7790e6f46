// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IRateModel
/// @notice Borrowing rate of one synthetic's debt.
/// @dev The Vault calls `ratePerSecond` at most once per block per synthetic (when it accrues interest), inside
///      try/catch: a model that reverts keeps the previous rate, it never blocks repay. The Vault clamps the answer to
///      its own `MAX_RATE_PER_SECOND`.
interface IRateModel {
    /// @notice A rate [ray per s] above the model's bound `max` [ray per s].
    error RateTooHigh(uint256 rate, uint256 max);

    /// @notice The per-second borrowing rate for `synthetic` given its current debt and ceiling.
    /// @param synthetic The synthetic token whose debt accrues.
    /// @param totalDebt [wad] The synthetic's total debt (interest included), in synthetic units.
    /// @param debtCeiling [wad] The synthetic's debt ceiling.
    /// @return rate [ray] Per-second rate: debt grows by the factor (1 + rate / 1e27) each second.
    function ratePerSecond(
        address synthetic,
        uint256 totalDebt,
        uint256 debtCeiling
    ) external view returns (uint256 rate);
}
