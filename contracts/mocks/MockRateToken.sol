// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MockERC20} from "./MockERC20.sol";

/// @notice A wstETH-style yield-bearing test token: anyone may mint it and set its exchange rate (`stEthPerToken`, the
///         underlying per whole token in 18 decimals), as a rebase or a slashing would move it. Never deploy to a real
///         network.
contract MockRateToken is MockERC20 {
    /// @notice [1e18] Underlying per whole token.
    uint256 public stEthPerToken;

    constructor(
        string memory name_,
        string memory symbol_,
        uint8 decimals_,
        uint256 rate
    ) MockERC20(name_, symbol_, decimals_) {
        stEthPerToken = rate;
    }

    /// @notice Sets the exchange rate [1e18]; 0 makes the rate unreadable for a rate-adjusted source.
    function setRate(uint256 rate) external {
        stEthPerToken = rate;
    }
}
