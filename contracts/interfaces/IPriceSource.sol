// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IOracleAdapter} from "./IOracleAdapter.sol";

/// @title IPriceSource
/// @notice One asset's USD price, composed by a small immutable contract (contracts/sources/): a Chainlink feed pair, a
///         base price times an exchange rate, or an attested net asset value. The OracleAdapter calls `price` with a
///         gas cap and applies the L2 sequencer check and the asset's lifecycle (written down) on top.
/// @dev Units: `price` [wad] USD per whole unit of the asset (1e18 = $1); `updatedAt` [s] the time of the oldest leg
///      the price depends on (for an attested source, the attestation time). A source never returns a stale, zero or
///      unbounded number: it returns a named failure instead (`price` and `updatedAt` are then 0).
interface IPriceSource {
    /// @notice The source's current price, or why there is none.
    /// @return price [wad] USD per whole unit, rounded down; 0 on failure.
    /// @return updatedAt [s] when the oldest leg was last updated; 0 on failure.
    /// @return failure `None` when the price is valid.
    /// @dev Reverts only with `IOracleAdapter.OracleCallStarved`, when the caller starved one of its calls of gas.
    function price() external view returns (uint256 price, uint256 updatedAt, IOracleAdapter.PriceFailure failure);

    /// @notice [s] How long an attestation stays in force (a net asset value's time-to-live); 0 when the source is not
    ///         attested. Once `block.timestamp - updatedAt > attestationTtl()`, the asset's attestation has lapsed: the
    ///         price still serves for liquidations and settlement, and the Vault refuses new risk against it.
    function attestationTtl() external view returns (uint256);

    /// @notice What kind of source this is ("chainlink", "rate-adjusted", "nav"), for tooling that explains a price.
    function sourceKind() external pure returns (string memory);
}
