// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IVault} from "./IVault.sol";
import {ILiquidationEngine} from "./ILiquidationEngine.sol";
import {IRiskOracle} from "./IRiskOracle.sol";
import {IVolatilityObserver} from "./IVolatilityObserver.sol";

/// @title IRiskSteward
/// @notice Bounded risk automation: applies the risk oracle's recommendations to the Vault, the liquidation engine and
///         the dynamic rate models, with no delay but only within per-parameter bounds that governance sets: a largest
///         relative change per application, absolute bounds, a least interval between two changes of one parameter,
///         and a volatility gate on loosening. Anyone may apply a recommendation once it is the newest for its
///         parameter, unexpired and within those bounds.
/// @dev The steward holds the STEWARD role (no delay), which reaches only the risk setters it calls (deploy/roles.ts);
///      governance holds the same role with its own delay. Tightening (a lower cap, ceiling, max LTV, keeper pay or
///      threshold, a higher rate) is allowed at any volatility; loosening (the opposite) only while the observer has
///      at least MIN_OBSERVATIONS returns for the gating asset, its last observation is at most `maxObservationAge`
///      old, and the volatility is at most the parameter's `maxVolatility`. A liquidation threshold only goes down,
///      through the Vault's ramp. The worst a compromised publisher can do in 30 days follows from the bounds:
///      docs/governance.md, "Risk steward".
///      Units of `value`, per parameter: SupplyCap [whole tokens]; MaxLtv, LiqThreshold, KeeperChip [bps];
///      DebtCeiling, KeeperTip [wad] of the synthetic; AuctionCap [wad USD] (target address(0): the global cap);
///      BaseRate, SlopeLow, SlopeHigh [wad/yr] of the synthetic's dynamic rate model.
interface IRiskSteward {
    /// @notice The parameters the steward can move. Targets: an asset (SupplyCap, MaxLtv, LiqThreshold, AuctionCap), a
    ///         synthetic token (DebtCeiling, KeeperTip, KeeperChip, BaseRate, SlopeLow, SlopeHigh) or address(0)
    ///         (AuctionCap: the global cap).
    enum Param {
        SupplyCap,
        MaxLtv,
        LiqThreshold,
        DebtCeiling,
        AuctionCap,
        KeeperTip,
        KeeperChip,
        BaseRate,
        SlopeLow,
        SlopeHigh
    }

    /// @notice One parameter's bounds. A parameter without bounds (`minInterval` 0) is not stewarded.
    /// @param maxChangeBps [bps] Largest change per application, as a share of the current value; at most
    ///        MAX_CHANGE_BPS.
    /// @param minInterval [s] Least time between two applications to this parameter; at least MIN_INTERVAL.
    /// @param maxVolatility [wad] Loosening only while the observed volatility of `volAsset` is at most this; 0:
    ///        never loosen.
    /// @param volAsset The asset whose observed volatility gates loosening (for an asset's parameter, normally the
    ///        asset itself; for a synthetic's, its main collateral).
    /// @param minValue Lowest value the steward may set, in the parameter's unit.
    /// @param maxValue Highest value the steward may set (>= minValue).
    /// @param step Change always allowed whatever the current value (so that a value at 0 can move), in the
    ///        parameter's unit; at most maxValue - minValue.
    struct Bounds {
        uint16 maxChangeBps;
        uint32 minInterval;
        uint64 maxVolatility;
        address volAsset;
        uint256 minValue;
        uint256 maxValue;
        uint256 step;
    }

    /// @notice Whether a recommendation can be applied now, or why not (`check`, `NotApplicable`).
    enum Status {
        Applicable,
        Unknown, // no such recommendation
        Superseded, // a newer recommendation exists for its parameter
        Applied, // already applied
        Expired, // past its validUntil
        Paused, // the guardian paused the steward
        NotStewarded, // the parameter has no bounds
        UnknownTarget, // the asset is not listed, or the token is not a synthetic of the Vault
        Unchanged, // the value is the current one
        ThresholdIncrease, // a liquidation threshold may only go down
        OutOfBounds, // outside [minValue, maxValue]; detail: the bound crossed
        ChangeTooLarge, // more than the allowed change; detail: the allowed change
        TooSoon, // within minInterval of the last change; detail: the time it becomes possible
        VolatilityGate // a loosening with the gate closed; detail: the observed volatility (max uint: stale, too few samples)
    }

    /// @notice Recommendation `id` moved `param` of `target` from `from` to `to`.
    event RecommendationApplied(
        uint256 indexed id,
        Param indexed param,
        address indexed target,
        uint256 from,
        uint256 to
    );
    /// @notice The bounds of (`param`, `target`) were set.
    event BoundsSet(Param indexed param, address indexed target, Bounds bounds);
    /// @notice The guardian paused or resumed the steward.
    event StewardPausedSet(bool paused);

    /// @notice Recommendation `id` cannot be applied now: `status` says why, `detail` carries the value behind it.
    error NotApplicable(uint256 id, Status status, uint256 detail);
    /// @notice Bounds for (`param`, `target`) are malformed: `field` names what is wrong.
    error InvalidBounds(Param param, address target, string field);

    /// @notice Anyone: applies recommendation `id` (reverts NotApplicable with the reason otherwise).
    /// @return from The value before. @return to The value after.
    function applyRecommendation(uint256 id) external returns (uint256 from, uint256 to);

    /// @notice Whether recommendation `id` can be applied now, with the current value of its parameter and the detail
    ///         of a refusal (see `Status`). Never reverts.
    function check(uint256 id) external view returns (Status status, uint256 current, uint256 detail);

    /// @notice The room of (`param`, `target`) now: its `current` value, the range [`lowest`, `highest`] an
    ///         application could set now (one step either way, within the bounds; `highest` is `current` on the side
    ///         the volatility gate closes and for a threshold, `lowest` is `current` for a rate under a closed gate),
    ///         and `nextAt` [s], the earliest time of the next change (0: now). When `current` lies outside the bounds
    ///         (governance moved it), the range may leave it out or be empty (`lowest > highest`).
    function room(
        Param param,
        address target
    ) external view returns (uint256 current, uint256 lowest, uint256 highest, uint256 nextAt);

    /// @notice The current value of (`param`, `target`) on chain, in the parameter's unit.
    function currentValue(Param param, address target) external view returns (uint256);

    /// @notice Whether loosening gated by `bounds` is allowed now, and the observed volatility [wad] it saw (max uint
    ///         when the observation is too old or has too few samples).
    function looseningOpen(Bounds memory bounds) external view returns (bool open, uint256 volatility);

    /// @notice GOVERNOR: sets the bounds of (`param`, `target`); all zero removes them (the parameter is no longer
    ///         stewarded).
    function setBounds(Param param, address target, Bounds calldata bounds) external;

    /// @notice GUARDIAN: pauses or resumes every application (publishing goes on; nothing is applied while paused).
    function setPaused(bool paused) external;

    /// @notice The bounds of (`param`, `target`).
    function boundsOf(Param param, address target) external view returns (Bounds memory);

    /// @notice [s] When (`param`, `target`) was last changed by the steward (0: never).
    function lastChangeOf(Param param, address target) external view returns (uint256);

    /// @notice The id of the last recommendation applied to (`param`, `target`) (0: none).
    function lastAppliedOf(Param param, address target) external view returns (uint256);

    /// @notice Whether the guardian paused the steward.
    function paused() external view returns (bool);

    /// @notice The contracts the steward reads and writes.
    function vault() external view returns (IVault);

    function engine() external view returns (ILiquidationEngine);

    function riskOracle() external view returns (IRiskOracle);

    function observer() external view returns (IVolatilityObserver);

    /// @notice [s] How old the gating asset's last observation may be for loosening.
    function maxObservationAge() external view returns (uint256);
}
