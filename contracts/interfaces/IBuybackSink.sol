// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {IVenue} from "./IVenue.sol";
import {IOracleAdapter} from "./IOracleAdapter.sol";
import {IBallastErrors} from "./IBallastErrors.sol";

/// @title IBuybackSink
/// @notice A sink of the Treasury's surplus policy: spends synthetic units on a configured asset through a venue, at
///         no worse than the oracle's price less a bounded slippage, and sends what it bought to a fixed recipient.
/// @dev Units: `[wad]` synthetic amounts and prices, `[token]` the bought asset's decimals, `[bps]` the slippage.
///      Everything is immutable: a different configuration is a different sink, set by governance in the Treasury.
interface IBuybackSink is IBallastErrors {
    /// @notice The venue paid `got` [token], less than the oracle floor `minOut` [token] (the venue's own check failed
    ///         or it lied about its output).
    error BuybackBelowOracle(uint256 got, uint256 minOut);
    /// @notice The slippage bound is above MAX_SLIPPAGE_BPS.
    error InvalidSlippage(uint256 slippageBps);

    /// @notice `amount` [wad] of `synthetic` bought `bought` [token] of the asset, sent to the recipient; the oracle
    ///         floor was `minOut` [token].
    event BoughtBack(address indexed synthetic, uint256 amount, uint256 bought, uint256 minOut);

    /// @notice Pulls `amount` [wad] of `synthetic` from the caller and buys the asset with it through the venue, at
    ///         least `amount × synthPrice / assetPrice × (1 − slippage)` (oracle prices, rounded up), sent to the
    ///         recipient. Reverts when a price is unavailable or the venue pays less.
    /// @param synthPrice [wad] USD per synthetic unit, as the caller values it (1e18 for a USD synthetic).
    /// @return bought [token] What the recipient received.
    function buy(IERC20 synthetic, uint256 amount, uint256 synthPrice) external returns (uint256 bought);

    /// @notice The asset bought (immutable).
    function asset() external view returns (IERC20);

    /// @notice Who receives what is bought (immutable).
    function recipient() external view returns (address);

    /// @notice The venue (immutable).
    function venue() external view returns (IVenue);

    /// @notice The oracle the floor is priced with (immutable).
    function oracle() external view returns (IOracleAdapter);

    /// @notice [bps] The most below the oracle price a buyback may pay (immutable).
    function slippageBps() external view returns (uint256);
}
