// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IBallastErrors
/// @notice The errors several Ballast contracts raise, declared once. Each contract's interface inherits them, so
///         `IVault.ZeroAddress`, `ISettlement.ZeroAddress` and the others are one error with one selector.
interface IBallastErrors {
    /// @notice An address given is the zero address.
    error ZeroAddress();
    /// @notice An amount given is zero.
    error ZeroAmount();
    /// @notice Only after the Vault's shutdown.
    error NotShutdown();
    /// @notice Refused: the Vault shut down at `at` [s].
    error SystemShutdown(uint256 at);
    /// @notice Only the Vault's liquidation engine may call this; `caller` did.
    error CallerNotLiquidationEngine(address caller);
    /// @notice An admin module's entry point was called directly instead of through its Vault or engine.
    error NotDelegated();
}
