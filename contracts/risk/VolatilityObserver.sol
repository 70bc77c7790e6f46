// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IOracleAdapter} from "../interfaces/IOracleAdapter.sol";
import {IVolatilityObserver} from "../interfaces/IVolatilityObserver.sol";
import {LogExpMath} from "../libraries/LogExpMath.sol";

/// @title VolatilityObserver
/// @notice Realized volatility per asset from the OracleAdapter's guarded prices (the estimator is described in
///         `IVolatilityObserver`). Permissionless and immutable: no owner, no parameter to change.
/// @dev What an observer's timing can and cannot do: each observation is the adapter's price at that time, at most one
///      per `minInterval`, so nobody can add samples faster or feed a price of their own. An observer who picks its
///      moments (observing only after large moves, or only after reversals) biases a sample's return, but each sample
///      weighs about `minInterval / window` of the estimate and is capped at MAX_SAMPLE_VARIANCE, and anyone else may
///      observe at the other moments (the keeper observes every interval). A feed that does not move between two
///      observations contributes a zero return for that stretch, and the move it makes later enters with the time since
///      the previous observation: the estimate measures the feed's own granularity.
contract VolatilityObserver is IVolatilityObserver {
    /// @notice [s] Seconds in a year (365 days), the unit of the variance.
    uint256 public constant YEAR = 365 days;
    /// @notice [wad/yr] The largest sample: a variance of 100 a year (a volatility of 1,000%).
    uint256 public constant MAX_SAMPLE_VARIANCE = 100e18;
    /// @notice [s] Bounds of `minInterval` and `window`.
    uint256 public constant MIN_INTERVAL_FLOOR = 1 minutes;
    uint256 public constant MAX_INTERVAL = 1 days;
    uint256 public constant MAX_WINDOW = 90 days;

    IOracleAdapter public immutable oracle;
    uint256 public immutable minInterval; // [s]
    uint256 public immutable window; // [s]

    mapping(address asset => Observation) internal _observations;

    /// @param oracle_ The adapter to read prices from.
    /// @param minInterval_ [s] Least time between two observations of one asset, in [MIN_INTERVAL_FLOOR, MAX_INTERVAL].
    /// @param window_ [s] The averaging window, in [10 * minInterval_, MAX_WINDOW] (each sample then weighs at most
    ///        about a tenth of the estimate).
    constructor(IOracleAdapter oracle_, uint256 minInterval_, uint256 window_) {
        if (address(oracle_) == address(0)) revert InvalidObserverConfig("oracle");
        if (minInterval_ < MIN_INTERVAL_FLOOR || minInterval_ > MAX_INTERVAL)
            revert InvalidObserverConfig("minInterval");
        if (window_ < 10 * minInterval_ || window_ > MAX_WINDOW) revert InvalidObserverConfig("window");
        (oracle, minInterval, window) = (oracle_, minInterval_, window_);
    }

    /// @inheritdoc IVolatilityObserver
    function observe(address asset) external returns (uint256) {
        Observation memory o = _observations[asset];
        if (o.updatedAt != 0 && block.timestamp < o.updatedAt + minInterval) {
            revert ObservedTooSoon(asset, o.updatedAt + minInterval);
        }
        (uint256 price, IOracleAdapter.PriceFailure failure) = oracle.tryGetPrice(asset);
        if (failure != IOracleAdapter.PriceFailure.None) revert ObservationFailed(asset, failure);
        // the adapter's prices are bounded by its feeds' answer bounds, in practice far below 2^128 wad; a larger one
        // reverts rather than wrap
        uint128 reading = SafeCast.toUint128(price);
        uint256 filtered;
        if (o.readings < 2) {
            ++o.readings;
        } else {
            filtered = _median(o.prev, o.latest, reading);
            if (o.readings == 2) {
                o.readings = 3; // the first filtered price: nothing to compare it with yet
            } else {
                uint256 dt = block.timestamp - o.updatedAt;
                o.variance = uint128(_fold(o.variance, o.samples, _sample(filtered, o.last, dt), dt));
                ++o.samples;
            }
            o.last = uint128(filtered);
        }
        (o.prev, o.latest, o.updatedAt) = (o.latest, reading, uint40(block.timestamp));
        _observations[asset] = o;
        emit Observed(asset, price, filtered, o.variance, o.samples);
        return o.variance;
    }

    /// @inheritdoc IVolatilityObserver
    function volatilityOf(
        address asset
    ) external view returns (uint256 volatility, uint256 updatedAt, uint256 samples) {
        Observation storage o = _observations[asset];
        return (Math.sqrt(uint256(o.variance) * LogExpMath.WAD), o.updatedAt, o.samples);
    }

    /// @inheritdoc IVolatilityObserver
    function observationOf(address asset) external view returns (Observation memory) {
        return _observations[asset];
    }

    /// @dev [wad/yr] One sample: r^2 * YEAR / dt for r = ln(price / previous) [wad], capped at MAX_SAMPLE_VARIANCE.
    function _sample(uint256 price, uint256 previous, uint256 dt) internal pure returns (uint256) {
        uint256 ratio = (price * LogExpMath.WAD) / previous; // [wad]; 0 only below 1e-18 of the previous price
        int256 r = LogExpMath.lnWad(ratio == 0 ? 1 : ratio);
        uint256 r2 = (uint256(r * r)) / LogExpMath.WAD; // |r| < 2^128 wad for any ratio of two prices under 2^128
        uint256 s = (r2 * YEAR) / dt;
        return s < MAX_SAMPLE_VARIANCE ? s : MAX_SAMPLE_VARIANCE;
    }

    /// @dev The time-weighted average: the first sample sets it, each later one moves it by w = 1 - exp(-dt / window).
    function _fold(uint256 variance, uint256 samples, uint256 sample, uint256 dt) internal view returns (uint256) {
        if (samples == 0) return sample;
        uint256 w = LogExpMath.WAD - LogExpMath.expNegWad((dt * LogExpMath.WAD) / window);
        return
            sample >= variance
                ? variance + ((sample - variance) * w) / LogExpMath.WAD
                : variance - ((variance - sample) * w) / LogExpMath.WAD;
    }

    /// @dev The median of three.
    function _median(uint256 a, uint256 b, uint256 c) internal pure returns (uint256) {
        if (a > b) (a, b) = (b, a);
        if (b > c) b = c;
        return a > b ? a : b;
    }
}
