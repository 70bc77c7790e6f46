// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IBallastTakeCallback
/// @notice Implemented by a keeper that wants to sell auctioned collateral before paying for it (flash-style take).
/// @dev `LiquidationEngine.take` sends the collateral to `receiver`, then, when `data` is non-empty, calls
///      `IBallastTakeCallback(receiver).onTake(...)`, then pulls `owe` of the synthetic from the taker
///      (`transferFrom(taker, engine, owe)`): the taker must hold and have approved `owe` by the time `onTake` returns.
interface IBallastTakeCallback {
    /// @notice Called by the liquidation engine during `take`, after the collateral was sent to this contract.
    /// @param taker The caller of `take` (who pays `owe`).
    /// @param collateral [token] Collateral sent to this contract.
    /// @param owe [wad] Synthetic the engine pulls from `taker` right after this call returns.
    /// @param data The `data` passed to `take`, unchanged.
    function onTake(address taker, uint256 collateral, uint256 owe, bytes calldata data) external;
}
