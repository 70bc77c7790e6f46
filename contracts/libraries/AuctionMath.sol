// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {FixedMath} from "./FixedMath.sol";

/// @title AuctionMath
/// @notice The auction price curves (the liquidation rule itself is `LiquidationMath`).
/// @dev Units: `[wad]` 1e18 fixed point (prices), `[bps]` 1e4, `[s]` seconds. Every rounding is
///      named and goes against the liquidated position or the taker.
library AuctionMath {
    using FixedMath for uint256;

    uint256 internal constant BPS = 1e4;

    /// @notice The price of an auction `elapsed` [s] after it started at `top` [wad].
    /// @dev Linear: top * (duration - elapsed) / duration, 0 from `duration` on. Step exponential:
    ///      top * (cutBps/1e4)^floor(elapsed/step). Both round up (the taker pays the price).
    /// @param linear True for the linear curve, false for the stepped exponential one.
    /// @return price [wad]
    function price(
        uint256 top,
        uint256 elapsed,
        bool linear,
        uint256 duration,
        uint256 step,
        uint256 cutBps
    ) internal pure returns (uint256) {
        if (linear) {
            if (elapsed >= duration) return 0;
            return top.mulDivUp(duration - elapsed, duration);
        }
        uint256 steps = elapsed / step;
        if (steps == 0) return top;
        // [ray] (cutBps / 1e4)^steps, each product rounded up: never below the exact value, never zero
        uint256 factor = FixedMath.rpowUp(cutBps * (FixedMath.RAY / BPS), steps);
        return top.mulDivUp(factor, FixedMath.RAY);
    }
}
