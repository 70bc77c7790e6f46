// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IOracleAdapter} from "./IOracleAdapter.sol";

/// @title IVolatilityObserver
/// @notice An on-chain estimate of each asset's realized volatility from the OracleAdapter's guarded prices, which
///         anyone may update (`observe`) at most once per `minInterval` per asset. The risk steward reads it to decide
///         whether a looser parameter may be applied; the watch command and the keeper read it for their alerts.
/// @dev The estimator, per asset (docs/risk.md, "The volatility observer"):
///      1. Readings: the adapter's price at each `observe`, at most one per `minInterval`.
///      2. Filter: the price used is the median of the last three readings, so one outlying reading (a feed glitch, a
///         price held for one update) never enters a return; a real move, which persists, enters one reading late.
///      3. Return: r = ln(m_t / m_{t-1}) of consecutive filtered prices, dt = the time between the two observations;
///         the sample is the annualized variance r^2 * YEAR / dt, capped at MAX_SAMPLE_VARIANCE.
///      4. Time-weighted average: variance += w * (sample - variance) with w = 1 - exp(-dt / window), so that the
///         estimate weighs each stretch of time by its length whoever observes and however often: observing twice as
///         often gives each sample half the weight. The first sample sets the estimate.
///      Units: variance [wad/yr] (0.64e18 = a volatility of 80% a year), volatility [wad] its square root.
interface IVolatilityObserver {
    /// @notice One asset's observation state.
    /// @param variance [wad/yr] The estimate (0 until the first return).
    /// @param updatedAt [s] Time of the last observation (0 before the first).
    /// @param samples Returns folded into the estimate (readings - 3 once there are three).
    /// @param readings Raw readings held: 0 to 2 before the first filtered price, then 3.
    /// @param last [wad] The last filtered (median) price; 0 before the third reading.
    /// @param prev [wad] The reading before the latest. @param latest [wad] The latest reading.
    struct Observation {
        uint128 variance;
        uint40 updatedAt;
        uint32 samples;
        uint8 readings;
        uint128 last;
        uint128 prev;
        uint128 latest;
    }

    /// @notice An observation was recorded: raw `price` [wad], the filtered (median) price `filtered` [wad] (0 while
    ///         fewer than three readings exist), the estimate `variance` [wad/yr] after it, and the `samples` count.
    event Observed(address indexed asset, uint256 price, uint256 filtered, uint256 variance, uint256 samples);

    /// @notice `observe` came within `minInterval` of the last observation; the next one is allowed at `next` [s].
    error ObservedTooSoon(address asset, uint256 next);
    /// @notice The adapter has no valid price for `asset`: nothing is recorded.
    error ObservationFailed(address asset, IOracleAdapter.PriceFailure failure);
    /// @notice A constructor argument is out of its bounds (`field` names it).
    error InvalidObserverConfig(string field);

    /// @notice Anyone: records the adapter's current price of `asset` and folds the return into its estimate.
    /// @dev Reverts ObservedTooSoon within `minInterval` of the last observation and ObservationFailed when the
    ///      adapter reports a failure (the estimate is unchanged in both cases).
    /// @return variance [wad/yr] The estimate after this observation.
    function observe(address asset) external returns (uint256 variance);

    /// @notice The volatility of `asset`: `volatility` [wad] annualized (1e18 = 100% a year, the square root of the
    ///         variance, rounded down), `updatedAt` [s] the last observation, `samples` the returns behind it. A
    ///         reader decides how many samples and how fresh an observation it needs.
    function volatilityOf(address asset) external view returns (uint256 volatility, uint256 updatedAt, uint256 samples);

    /// @notice The full observation state of `asset`.
    function observationOf(address asset) external view returns (Observation memory);

    /// @notice The adapter the prices come from.
    function oracle() external view returns (IOracleAdapter);

    /// @notice [s] The least time between two observations of one asset.
    function minInterval() external view returns (uint256);

    /// @notice [s] The averaging window: a sample taken after `dt` seconds weighs 1 - exp(-dt / window).
    function window() external view returns (uint256);
}
