// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {FixedMath} from "./FixedMath.sol";

/// @title RateMath
/// @notice Pure math of the dynamic rate model, with the rounding direction in every name.
/// @dev Units: `[wad]` 1e18 fixed point (utilization, prices, deviations); `[wad/yr]` a simple annual rate, 1e18 =
///      100% a year; `[ray/s]` a per-second rate, 1e27 = 100% a second. Every rounding goes towards the higher rate
///      (against the borrower), except the final conversion to a per-second rate, which rounds down so that 100% a
///      year converts exactly to the Vault's cap.
library RateMath {
    uint256 internal constant WAD = 1e18;
    /// @dev [ray/wad] Scale from wad to ray.
    uint256 internal constant WAD_TO_RAY = 1e9;
    /// @dev [s] The year of a simple annual rate.
    uint256 internal constant YEAR = 365 days;

    /// @notice Utilization min(debt / ceiling, 1) [wad], rounded up; a zero ceiling counts as full.
    /// @param debt [wad] Total debt.
    /// @param ceiling [wad] Debt ceiling.
    function utilizationUp(uint256 debt, uint256 ceiling) internal pure returns (uint256 u) {
        if (debt >= ceiling) return WAD; // also ceiling == 0
        // debt < ceiling: the quotient is < 1e18; mulDiv cannot overflow whatever the magnitudes
        return Math.mulDiv(debt, WAD, ceiling, Math.Rounding.Ceil);
    }

    /// @notice Kinked curve base + slopeLow * min(u, kink) + slopeHigh * max(u - kink, 0) [wad/yr], each product
    ///         rounded up.
    /// @dev Requires u <= 1e18 and kink <= 1e18, slopes < 2^64: the products stay below 2^124. Continuous at the kink:
    ///      both segments give base + slopeLow * kink there.
    /// @param u [wad] Utilization, <= 1e18.
    /// @param base [wad/yr] Rate at zero utilization.
    /// @param slopeLow [wad/yr] Per 100% of utilization up to the kink.
    /// @param slopeHigh [wad/yr] Per 100% of utilization beyond the kink.
    /// @param kink [wad] Utilization where the slope changes.
    function curveUp(
        uint256 u,
        uint256 base,
        uint256 slopeLow,
        uint256 slopeHigh,
        uint256 kink
    ) internal pure returns (uint256 rate) {
        if (u <= kink) return base + FixedMath.mulDivUp(slopeLow, u, WAD);
        return base + FixedMath.mulDivUp(slopeLow, kink, WAD) + FixedMath.mulDivUp(slopeHigh, u - kink, WAD);
    }

    /// @notice The peg term [wad/yr]: sensitivity * (target - market) / target, bounded by +-maxAdjustment. Positive
    ///         (market below target) rounds up, negative (market above) rounds its magnitude down: both towards the
    ///         higher rate. Above the peg the deviation is capped at 100% (a market price of twice the target or
    ///         more counts as twice the target), which keeps the deviation within [-100%, 100%].
    /// @dev Never overflows and never reverts for target > 0 (512-bit mulDiv; the result is at most `sensitivity`).
    /// @param market [wad] Market price.
    /// @param target [wad] Target price, > 0.
    /// @param sensitivity [wad/yr] Rate change per 100% deviation.
    /// @param maxAdjustment [wad/yr] Bound on the result's magnitude, < 2^255.
    function pegAdjustment(
        uint256 market,
        uint256 target,
        uint256 sensitivity,
        uint256 maxAdjustment
    ) internal pure returns (int256) {
        if (market <= target) {
            uint256 up = Math.mulDiv(sensitivity, target - market, target, Math.Rounding.Ceil);
            return int256(Math.min(up, maxAdjustment));
        }
        uint256 down = Math.mulDiv(sensitivity, Math.min(market - target, target), target, Math.Rounding.Floor);
        return -int256(Math.min(down, maxAdjustment));
    }

    /// @notice clamp(max(rate + adjustment, 0), minRate, maxRate) [wad/yr].
    /// @dev Requires minRate <= maxRate and |adjustment| < 2^255.
    function applyAndClamp(
        uint256 rate,
        int256 adjustment,
        uint256 minRate,
        uint256 maxRate
    ) internal pure returns (uint256 r) {
        if (adjustment >= 0) r = rate + uint256(adjustment);
        else r = Math.saturatingSub(rate, uint256(-adjustment));
        if (r < minRate) return minRate;
        if (r > maxRate) return maxRate;
    }

    /// @notice A simple annual rate [wad/yr] as a per-second rate [ray/s]: annual * 1e9 / 365 days, rounded down.
    function toPerSecondDown(uint256 annual) internal pure returns (uint256) {
        return (annual * WAD_TO_RAY) / YEAR;
    }
}
