// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {FixedMath} from "./FixedMath.sol";

/// @title AuctionMath
/// @notice Pure math of the liquidation engine: the closed-form partial liquidation and the auction price curves.
/// @dev Units: `[wad]` 1e18 fixed point (USD values, health, prices), `[bps]` 1e4, `[s]` seconds. Every rounding is
///      named and goes against the liquidated position or the taker.
library AuctionMath {
    using FixedMath for uint256;

    uint256 internal constant WAD = 1e18;
    uint256 internal constant BPS = 1e4;

    /// @notice The debt value to liquidate so that the position ends at `target` health, or type(uint256).max when no
    ///         partial liquidation can reach it (liquidate fully).
    /// @dev Seizing the same fraction f of every asset removes f*CV of value and f*LL of liquidation limit; covering
    ///      debt value D plus the penalty needs f*CV = D*(1+p), with p = penaltyValue/CV the value-weighted average
    ///      penalty. Solving (LL - D*(1+p)*LL/CV) = H*(DV - D) for D gives
    ///          D = (H*DV - LL) / (H - (1+p)*LL/CV),   when the denominator is positive.
    ///      Rounding: the numerator rounds up and the denominator down, so D rounds up (more is liquidated, against
    ///      the position, and the health after is at or above the target whenever the basket covers debt+penalty).
    /// @param cv [wad] Collateral value. @param ll [wad] Liquidation limit. @param dv [wad] Debt value.
    /// @param penaltyValue [wad] Sum over assets of value * liqPenaltyBps / 1e4 (rounded up by the caller).
    /// @param target [wad] Target health, > 1e18.
    /// @return d [wad] USD debt value to liquidate, rounded up; type(uint256).max for "all".
    function partialDebtValue(
        uint256 cv,
        uint256 ll,
        uint256 dv,
        uint256 penaltyValue,
        uint256 target
    ) internal pure returns (uint256 d) {
        if (cv == 0) return type(uint256).max;
        uint256 wanted = target.mulDivUp(dv, WAD); // [wad] H * DV, rounded up
        if (wanted <= ll) return 0; // already at target: nothing to take (the caller only calls below 1e18)
        // [wad] (1+p) * LL / CV = (CV + penaltyValue) * LL / CV^2, rounded up (so the denominator rounds down)
        uint256 k = (cv + penaltyValue).mulDivUp(ll, cv).mulDivUp(WAD, cv);
        if (k >= target) return type(uint256).max;
        d = (wanted - ll).mulDivUp(WAD, target - k);
    }

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
