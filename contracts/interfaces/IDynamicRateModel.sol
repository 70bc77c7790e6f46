// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IRateModel} from "./IRateModel.sol";
import {IOracleAdapter} from "./IOracleAdapter.sol";
import {IBallastErrors} from "./IBallastErrors.sol";

/// @title IDynamicRateModel
/// @notice Borrowing rate of each synthetic from a kinked utilization curve plus a peg term, inside governance bounds.
/// @dev Units: `[wad/yr]` = a simple annual rate, 1e18 = 100% a year; `[wad]` = utilization (1e18 = 100%) or a USD
///      price; `[ray/s]` = the per-second rate the Vault compounds.
///
///      Representation: every rate parameter is stored and computed as a simple annual rate [wad/yr]; the one
///      conversion to the per-second rate happens last: `ratePerSecond = annual * 1e9 / 365 days`, rounded down
///      (the Vault then compounds it every second, so 5% simple gives about 5.127% a year). `MAX_ANNUAL_RATE` (100%)
///      converts exactly to the Vault's `MAX_RATE_PER_SECOND`.
///
///      Formula, for a synthetic with utilization `u = min(totalDebt / debtCeiling, 1)` [wad] (rounded up; a zero
///      ceiling counts as full utilization):
///        curve  = baseRate + slopeLow * min(u, kink) + slopeHigh * max(u - kink, 0)        [wad/yr], rounded up
///        dev    = (target - market) / target, capped at -100% above the peg                [wad], signed
///        peg    = clamp(pegSensitivity * dev, -maxPegAdjustment, +maxPegAdjustment)         [wad/yr]
///                 (rounded up when it raises the rate, down when it lowers it: both towards the higher rate)
///        annual = clamp(max(curve + peg, 0), minRate, maxRate)                              [wad/yr]
///        rate   = annual * 1e9 / 365 days                                                   [ray/s], rounded down
///      The rate is non-decreasing in utilization, continuous at the kink (no jump: the two segments meet) and
///      non-increasing in the market price.
///
///      Peg: the market price is the oracle price of `marketKey`; the target is either a fixed `targetPrice` (a USD
///      synthetic: 1e18) or the oracle price of `targetKey` (a synthetic that tracks an asset, e.g. bETH -> WETH).
///      When either price is unavailable (any `PriceFailure`, or a price of 0), or the oracle call reverts for a
///      reason other than gas, the peg term is 0 and the curve alone sets the rate: the model degrades, it does not
///      stop. One exception, on purpose: when the oracle call failed for lack of gas (`OracleCallStarved`, or the
///      call used all but 1/64 of the gas it was given), the model reverts `PegPriceStarved`. Otherwise a caller
///      could switch the peg term off by sending too little gas; the Vault turns that revert into "keep the previous
///      rate" (or `RateModelStarved` when its own caller starved it).
///
///      Gas: a rate with a peg reads the oracle once (fixed target) or twice (target key); all of it must fit in the
///      Vault's `RATE_MODEL_GAS` (100k). Measured cold with 8-decimal mock feeds (default build): 13.4k without a
///      peg, 34.6k with a fixed target, 46.4k with a target key. A Chainlink proxy costs more than the mock (one more
///      cold account and slots), and a sequencer or second feed adds a read each: measure heavy set-ups before use.
interface IDynamicRateModel is IRateModel, IBallastErrors {
    /// @notice The utilization curve and the final bounds of one synthetic. Two storage slots.
    /// @param baseRate [wad/yr] Rate at zero utilization. <= MAX_ANNUAL_RATE.
    /// @param slopeLow [wad/yr] Rate added per 100% of utilization up to the kink. <= MAX_SLOPE.
    /// @param slopeHigh [wad/yr] Rate added per 100% of utilization beyond the kink. <= MAX_SLOPE.
    /// @param kink [wad] Utilization where the slope changes; strictly between 0 and 1e18. A stored kink of 0 means
    ///        "not configured".
    /// @param minRate [wad/yr] Floor of the final rate (after the peg term). <= maxRate.
    /// @param maxRate [wad/yr] Cap of the final rate. <= MAX_ANNUAL_RATE.
    struct RateParams {
        uint64 baseRate;
        uint64 slopeLow;
        uint64 slopeHigh;
        uint64 kink;
        uint64 minRate;
        uint64 maxRate;
    }

    /// @notice The peg term of one synthetic. All zero: no peg term. Three storage slots.
    /// @param marketKey Oracle key whose price [wad] is the synthetic's market price in USD; 0 disables the peg term
    ///        (every other field must then be 0).
    /// @param sensitivity [wad/yr] Rate change per 100% deviation from the target (1e18: a 1% discount adds 1% a
    ///        year). <= MAX_PEG_SENSITIVITY.
    /// @param targetKey Oracle key whose price [wad] is the target; 0 = use `targetPrice`. Exactly one of
    ///        `targetKey`, `targetPrice` is set, and `targetKey != marketKey`.
    /// @param maxAdjustment [wad/yr] Bound on the peg term in either direction. <= MAX_ANNUAL_RATE.
    /// @param targetPrice [wad] Fixed target in USD (1e18 for a USD synthetic). <= MAX_TARGET_PRICE.
    struct PegParams {
        address marketKey;
        uint64 sensitivity;
        address targetKey;
        uint64 maxAdjustment;
        uint128 targetPrice;
    }

    /// @notice `ratePerSecond` was asked for a synthetic whose rate parameters were never set.
    error SyntheticNotConfigured(address synthetic);
    /// @notice A slope above `max` [wad/yr].
    error SlopeTooHigh(uint256 slope, uint256 max);
    /// @notice The kink [wad] is not strictly between 0 and 1e18.
    error KinkOutOfRange(uint256 kink);
    /// @notice minRate > maxRate [wad/yr].
    error RateBoundsInverted(uint256 minRate, uint256 maxRate);
    /// @notice A peg sensitivity above `max` [wad/yr].
    error PegSensitivityTooHigh(uint256 sensitivity, uint256 max);
    /// @notice A maximum peg adjustment above `max` [wad/yr].
    error PegAdjustmentTooHigh(uint256 maxAdjustment, uint256 max);
    /// @notice A fixed target price above `max` [wad].
    error TargetPriceTooHigh(uint256 targetPrice, uint256 max);
    /// @notice The peg target is malformed: not exactly one of `targetKey` / `targetPrice` set, the target key equals
    ///         the market key, or (with `marketKey == 0`) a disabled peg carries non-zero fields.
    error InvalidPegTarget(address marketKey, address targetKey, uint256 targetPrice);
    /// @notice The oracle call for `key` failed for lack of gas; the peg term cannot be told apart from starvation.
    error PegPriceStarved(address key, uint256 gasLeft);

    /// @notice Emitted when governance sets the rate parameters of `synthetic`.
    event RateParamsSet(address indexed synthetic, RateParams params);
    /// @notice Emitted when governance sets (or, with an all-zero `params`, removes) the peg term of `synthetic`.
    event PegParamsSet(address indexed synthetic, PegParams params);

    /// @notice The oracle that prices the peg term (immutable).
    function oracle() external view returns (IOracleAdapter);

    /// @notice The rate parameters of `synthetic` (all zero when not configured).
    function rateParams(address synthetic) external view returns (RateParams memory);

    /// @notice The peg parameters of `synthetic` (all zero when it has no peg term).
    function pegParams(address synthetic) external view returns (PegParams memory);

    /// @notice The final annual rate before the per-second conversion (see the formula above).
    /// @param totalDebt [wad] As in `ratePerSecond`.
    /// @param debtCeiling [wad] As in `ratePerSecond`.
    /// @return annual [wad/yr] In [minRate, maxRate].
    /// @dev Reverts `SyntheticNotConfigured` when no rate parameters were set, `PegPriceStarved` as described above.
    function annualRate(
        address synthetic,
        uint256 totalDebt,
        uint256 debtCeiling
    ) external view returns (uint256 annual);

    /// @notice The current peg term of `synthetic`: positive raises the rate (market below target), negative lowers it.
    /// @return adjustment [wad/yr] In [-maxAdjustment, +maxAdjustment]; 0 without a peg or when a price is unavailable.
    /// @dev Reverts `PegPriceStarved` as described above; never for a configuration or price reason.
    function pegAdjustment(address synthetic) external view returns (int256 adjustment);

    /// @notice Sets the utilization curve and rate bounds of `synthetic`. Governance only (AccessManager, time-locked).
    /// @dev Bounds: baseRate, maxRate <= MAX_ANNUAL_RATE; minRate <= maxRate; slopes <= MAX_SLOPE; 0 < kink < 1e18.
    ///      Takes effect at the Vault's next accrual of `synthetic` (the Vault asks the model once per accrual).
    function setRateParams(address synthetic, RateParams calldata params) external;

    /// @notice Sets, or with an all-zero `params` removes, the peg term of `synthetic`. Governance only.
    /// @dev Bounds: sensitivity <= MAX_PEG_SENSITIVITY; maxAdjustment <= MAX_ANNUAL_RATE; targetPrice <=
    ///      MAX_TARGET_PRICE; exactly one of targetKey, targetPrice; targetKey != marketKey. Does not read the oracle:
    ///      a key without a feed simply yields a zero peg term.
    function setPegParams(address synthetic, PegParams calldata params) external;
}
