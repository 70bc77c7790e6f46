// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IRateModel} from "./interfaces/IRateModel.sol";

/// @title FixedRateModel
/// @notice A rate model that returns one constant per-second rate, whatever the debt and ceiling.
/// @dev To express a simple annual rate `apr` [ray] (e.g. 5% = 0.05e27), deploy with `apr / 365 days` (round down).
///      The Vault compounds it every second, so the effective yearly growth is about `exp(apr)`: 5% simple gives
///      ~5.13% compounded; the bound `MAX_RATE_PER_SECOND` (100% simple) gives ~171.8% compounded.
contract FixedRateModel is IRateModel {
    /// @notice [ray/s] Largest accepted rate: 100% simple annual, `1e27 / 365 days` rounded down.
    uint256 public constant MAX_RATE_PER_SECOND = 31_709_791_983_764_586_504;

    /// @notice [ray/s] The rate returned for every synthetic and every state.
    uint256 public immutable rate;

    /// @param ratePerSecond_ [ray/s] The constant rate, at most `MAX_RATE_PER_SECOND`.
    constructor(uint256 ratePerSecond_) {
        if (ratePerSecond_ > MAX_RATE_PER_SECOND) revert RateTooHigh(ratePerSecond_, MAX_RATE_PER_SECOND);
        rate = ratePerSecond_;
    }

    /// @inheritdoc IRateModel
    function ratePerSecond(address, uint256, uint256) external view returns (uint256) {
        return rate;
    }
}
