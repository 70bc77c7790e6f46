// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";

import {IRateModel} from "./interfaces/IRateModel.sol";
import {IDynamicRateModel} from "./interfaces/IDynamicRateModel.sol";
import {IOracleAdapter} from "./interfaces/IOracleAdapter.sol";
import {RateMath} from "./libraries/RateMath.sol";

/// @title DynamicRateModel
/// @notice Per-synthetic kinked utilization curve plus a peg term; see {IDynamicRateModel} for the formula and units.
/// @dev Governance (the AccessManager authority) sets parameters inside the hard-coded bounds below; anyone reads.
///      Never reverts for a price reason: a missing or failed price zeroes the peg term. Reverts only for an
///      unconfigured synthetic (`SyntheticNotConfigured`) and a gas-starved oracle call (`PegPriceStarved`); the Vault
///      keeps the previous rate in both cases.
contract DynamicRateModel is IDynamicRateModel, AccessManaged {
    /// @notice [wad/yr] Highest base, minimum, maximum rate and peg adjustment: 100% a year, simple.
    uint256 public constant MAX_ANNUAL_RATE = 1e18;
    /// @notice [wad/yr] Steepest slope, per 100% of utilization: beyond a kink at 90%, 1000% reaches 100% at full.
    uint256 public constant MAX_SLOPE = 10e18;
    /// @notice [wad/yr] Highest peg sensitivity, per 100% deviation: a 1% discount adds up to 10% a year.
    uint256 public constant MAX_PEG_SENSITIVITY = 10e18;
    /// @notice [wad] Highest fixed target price (one quintillion USD): keeps every product far inside uint256.
    uint256 public constant MAX_TARGET_PRICE = 1e36;
    /// @notice [ray/s] `MAX_ANNUAL_RATE` per second (= the Vault's `MAX_RATE_PER_SECOND`); no answer exceeds it.
    uint256 public constant MAX_RATE_PER_SECOND = 31_709_791_983_764_586_504;

    /// @inheritdoc IDynamicRateModel
    IOracleAdapter public immutable oracle;

    mapping(address synthetic => RateParams) internal _rateParams;
    mapping(address synthetic => PegParams) internal _pegParams;

    /// @param initialAuthority The AccessManager that governs the setters.
    /// @param oracle_ The oracle that prices the peg term.
    constructor(address initialAuthority, IOracleAdapter oracle_) AccessManaged(initialAuthority) {
        if (address(oracle_) == address(0)) revert ZeroAddress();
        oracle = oracle_;
    }

    // ---------------------------------------------------------------- rates

    /// @inheritdoc IRateModel
    function ratePerSecond(address synthetic, uint256 totalDebt, uint256 debtCeiling) external view returns (uint256) {
        return RateMath.toPerSecondDown(_annualRate(synthetic, totalDebt, debtCeiling));
    }

    /// @inheritdoc IDynamicRateModel
    function annualRate(address synthetic, uint256 totalDebt, uint256 debtCeiling) external view returns (uint256) {
        return _annualRate(synthetic, totalDebt, debtCeiling);
    }

    /// @inheritdoc IDynamicRateModel
    function pegAdjustment(address synthetic) external view returns (int256) {
        return _pegAdjustment(synthetic);
    }

    /// @inheritdoc IDynamicRateModel
    function rateParams(address synthetic) external view returns (RateParams memory) {
        return _rateParams[synthetic];
    }

    /// @inheritdoc IDynamicRateModel
    function pegParams(address synthetic) external view returns (PegParams memory) {
        return _pegParams[synthetic];
    }

    // ---------------------------------------------------------------- governance

    /// @inheritdoc IDynamicRateModel
    function setRateParams(address synthetic, RateParams calldata p) external restricted {
        if (synthetic == address(0)) revert ZeroAddress();
        if (p.baseRate > MAX_ANNUAL_RATE) revert RateTooHigh(p.baseRate, MAX_ANNUAL_RATE);
        if (p.maxRate > MAX_ANNUAL_RATE) revert RateTooHigh(p.maxRate, MAX_ANNUAL_RATE);
        if (p.minRate > p.maxRate) revert RateBoundsInverted(p.minRate, p.maxRate);
        if (p.slopeLow > MAX_SLOPE) revert SlopeTooHigh(p.slopeLow, MAX_SLOPE);
        if (p.slopeHigh > MAX_SLOPE) revert SlopeTooHigh(p.slopeHigh, MAX_SLOPE);
        if (p.kink == 0 || p.kink >= RateMath.WAD) revert KinkOutOfRange(p.kink);
        _rateParams[synthetic] = p;
        emit RateParamsSet(synthetic, p);
    }

    /// @inheritdoc IDynamicRateModel
    function setPegParams(address synthetic, PegParams calldata p) external restricted {
        if (synthetic == address(0)) revert ZeroAddress();
        if (p.marketKey == address(0)) {
            // disabled: nothing else may be set, so a half-written peg cannot look active
            if (p.sensitivity != 0 || p.targetKey != address(0) || p.maxAdjustment != 0 || p.targetPrice != 0) {
                revert InvalidPegTarget(p.marketKey, p.targetKey, p.targetPrice);
            }
        } else {
            if (p.sensitivity > MAX_PEG_SENSITIVITY) revert PegSensitivityTooHigh(p.sensitivity, MAX_PEG_SENSITIVITY);
            if (p.maxAdjustment > MAX_ANNUAL_RATE) revert PegAdjustmentTooHigh(p.maxAdjustment, MAX_ANNUAL_RATE);
            if (p.targetPrice > MAX_TARGET_PRICE) revert TargetPriceTooHigh(p.targetPrice, MAX_TARGET_PRICE);
            // exactly one target, and not the market itself (the deviation would always be 0)
            if ((p.targetKey == address(0)) == (p.targetPrice == 0) || p.targetKey == p.marketKey) {
                revert InvalidPegTarget(p.marketKey, p.targetKey, p.targetPrice);
            }
        }
        _pegParams[synthetic] = p;
        emit PegParamsSet(synthetic, p);
    }

    // ---------------------------------------------------------------- internals

    /// @return [wad/yr] The final annual rate of `synthetic`, in [minRate, maxRate].
    function _annualRate(address synthetic, uint256 totalDebt, uint256 debtCeiling) internal view returns (uint256) {
        RateParams memory p = _rateParams[synthetic];
        if (p.kink == 0) revert SyntheticNotConfigured(synthetic);
        uint256 u = RateMath.utilizationUp(totalDebt, debtCeiling); // [wad]
        uint256 curve = RateMath.curveUp(u, p.baseRate, p.slopeLow, p.slopeHigh, p.kink); // [wad/yr]
        return RateMath.applyAndClamp(curve, _pegAdjustment(synthetic), p.minRate, p.maxRate);
    }

    /// @return [wad/yr] The peg term of `synthetic`; 0 without a peg or when a price is unavailable.
    /// @dev Reads the peg slots lazily: a synthetic without a peg pays one storage read, a target key skips the
    ///      target-price slot.
    function _pegAdjustment(address synthetic) internal view returns (int256) {
        PegParams storage peg = _pegParams[synthetic];
        address marketKey = peg.marketKey;
        if (marketKey == address(0)) return 0;
        (uint256 market, bool ok) = _tryPrice(marketKey); // [wad]
        if (!ok) return 0;
        address targetKey = peg.targetKey;
        uint256 target; // [wad]
        if (targetKey == address(0)) {
            target = peg.targetPrice;
        } else {
            (target, ok) = _tryPrice(targetKey);
            if (!ok) return 0;
        }
        return RateMath.pegAdjustment(market, target, peg.sensitivity, peg.maxAdjustment);
    }

    /// @dev The oracle price of `key` [wad], `ok` false on any reported failure, a zero price, or an oracle revert
    ///      that left gas to spare. Reverts `PegPriceStarved` when the oracle reports starvation or used all but 1/64
    ///      of the gas it got: a caller must not be able to switch the peg term off by sending too little gas.
    function _tryPrice(address key) internal view returns (uint256 price, bool ok) {
        uint256 gasBefore = gasleft(); // [gas]
        try oracle.tryGetPrice(key) returns (uint256 p, IOracleAdapter.PriceFailure failure) {
            return (p, failure == IOracleAdapter.PriceFailure.None && p != 0);
        } catch (bytes memory reason) {
            if (bytes4(reason) == IOracleAdapter.OracleCallStarved.selector || gasleft() <= gasBefore / 64) {
                revert PegPriceStarved(key, gasleft());
            }
            return (0, false);
        }
    }
}
