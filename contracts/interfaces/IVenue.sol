// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IVenue
/// @notice A place that swaps one token for another: an adapter over a DEX (or, in tests, a mock with a set rate).
///         Ballast's callers bound every swap by an oracle price (`minOut`) and measure what arrived; a venue is
///         trusted for nothing but trying.
/// @dev Units: amounts in each token's own decimals.
interface IVenue {
    /// @notice Swaps `amountIn` of `tokenIn`, pulled from the caller, for at least `minOut` of `tokenOut`, sent to `to`.
    /// @return amountOut What `to` received. Reverts when it would be below `minOut`.
    function swap(
        address tokenIn,
        address tokenOut,
        uint256 amountIn,
        uint256 minOut,
        address to
    ) external returns (uint256 amountOut);
}
