// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IDynamicRateModel} from "../interfaces/IDynamicRateModel.sol";
import {ILiquidationEngine} from "../interfaces/ILiquidationEngine.sol";
import {IRiskOracle} from "../interfaces/IRiskOracle.sol";
import {IRiskSteward} from "../interfaces/IRiskSteward.sol";
import {IVault} from "../interfaces/IVault.sol";
import {IVolatilityObserver} from "../interfaces/IVolatilityObserver.sol";
import {FixedMath} from "../libraries/FixedMath.sol";
import {VaultReader} from "../libraries/VaultReader.sol";
import {DynamicRateModel} from "../DynamicRateModel.sol";
import {LiquidationEngineAdmin} from "../LiquidationEngineAdmin.sol";
import {VaultStorage} from "../VaultStorage.sol";

/// @title RiskSteward
/// @notice Applies the risk oracle's recommendations within per-parameter bounds (see `IRiskSteward`). It holds no
///         tokens; its only power is the STEWARD role, which reaches the risk setters it calls.
/// @dev One rule for "may this be applied now": `_status`, which `check` returns and `applyRecommendation` enforces. A
///      target's own limits (the Vault's threshold bound, the engine's MAX_TIP, the rate model's MAX_SLOPE, ...) are
///      read from their contracts' constants, and the cross-field rules the targets enforce (max LTV under the
///      threshold, a debt ceiling over the minimum debt, a tip under the keeper's maximum pay) are checked here too, so
///      that a recommendation `check` calls applicable is one the target accepts.
contract RiskSteward is IRiskSteward, AccessManaged, ReentrancyGuardTransient {
    /// @notice [bps] Largest `maxChangeBps` governance may give a parameter.
    uint256 public constant MAX_CHANGE_BPS = 5_000;
    /// @notice [s] Bounds of `minInterval`.
    uint256 public constant MIN_INTERVAL = 1 hours;
    uint256 public constant MAX_INTERVAL = 365 days;
    /// @notice Returns the observer must have folded in before its volatility can open a loosening.
    uint256 public constant MIN_OBSERVATIONS = 12;
    /// @notice [s] Bounds of `maxObservationAge`.
    uint256 public constant MIN_OBSERVATION_AGE = 10 minutes;
    uint256 public constant MAX_OBSERVATION_AGE = 2 days;

    IVault public immutable vault;
    ILiquidationEngine public immutable engine;
    IRiskOracle public immutable riskOracle;
    IVolatilityObserver public immutable observer;
    uint256 public immutable maxObservationAge; // [s]

    bool public paused;
    mapping(Param param => mapping(address target => Bounds)) internal _bounds;
    mapping(Param param => mapping(address target => uint256)) internal _lastChange; // [s]
    mapping(Param param => mapping(address target => uint256)) internal _lastApplied; // recommendation id

    /// @param maxObservationAge_ [s] In [MIN_OBSERVATION_AGE, MAX_OBSERVATION_AGE].
    constructor(
        address authority,
        IVault vault_,
        ILiquidationEngine engine_,
        IRiskOracle riskOracle_,
        IVolatilityObserver observer_,
        uint256 maxObservationAge_
    ) AccessManaged(authority) {
        if (
            address(vault_) == address(0) ||
            address(engine_) == address(0) ||
            address(riskOracle_) == address(0) ||
            address(observer_) == address(0)
        ) revert InvalidBounds(Param.SupplyCap, address(0), "constructor: zero address");
        if (maxObservationAge_ < MIN_OBSERVATION_AGE || maxObservationAge_ > MAX_OBSERVATION_AGE) {
            revert InvalidBounds(Param.SupplyCap, address(0), "constructor: maxObservationAge");
        }
        (vault, engine, riskOracle, observer) = (vault_, engine_, riskOracle_, observer_);
        maxObservationAge = maxObservationAge_;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Applying
    // ------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IRiskSteward
    function applyRecommendation(uint256 id) external nonReentrant returns (uint256 from, uint256 to) {
        (Status status, uint256 current, uint256 detail) = _status(id);
        if (status != Status.Applicable) revert NotApplicable(id, status, detail);
        IRiskOracle.Recommendation memory r = riskOracle.recommendation(id);
        Param p = Param(r.param);
        (from, to) = (current, r.value);
        _lastChange[p][r.target] = block.timestamp;
        _lastApplied[p][r.target] = id;
        emit RecommendationApplied(id, p, r.target, from, to);
        _write(p, r.target, to);
    }

    /// @inheritdoc IRiskSteward
    function check(uint256 id) external view returns (Status status, uint256 current, uint256 detail) {
        return _status(id);
    }

    /// @inheritdoc IRiskSteward
    function room(
        Param param,
        address target
    ) external view returns (uint256 current, uint256 lowest, uint256 highest, uint256 nextAt) {
        bool known;
        (current, known) = _current(param, target);
        Bounds memory b = _bounds[param][target];
        if (!known || b.minInterval == 0) return (current, current, current, 0);
        uint256 allowed = _allowedChange(b, current);
        lowest = current > allowed ? current - allowed : 0;
        if (lowest < b.minValue) lowest = b.minValue;
        highest = param == Param.LiqThreshold ? current : current + allowed;
        if (highest > b.maxValue) highest = b.maxValue;
        (bool open, ) = looseningOpen(b);
        if (!open) {
            if (_ratesParam(param)) {
                if (lowest < current) lowest = current;
            } else if (highest > current) {
                highest = current;
            }
        }
        uint256 last = _lastChange[param][target];
        if (last != 0 && block.timestamp < last + b.minInterval) nextAt = last + b.minInterval;
    }

    /// @inheritdoc IRiskSteward
    function currentValue(Param param, address target) external view returns (uint256 value) {
        (value, ) = _current(param, target);
    }

    /// @inheritdoc IRiskSteward
    function looseningOpen(Bounds memory b) public view returns (bool open, uint256 volatility) {
        if (b.maxVolatility == 0) return (false, type(uint256).max);
        (uint256 vol, uint256 updatedAt, uint256 samples) = observer.volatilityOf(b.volAsset);
        if (samples < MIN_OBSERVATIONS || block.timestamp > updatedAt + maxObservationAge) {
            return (false, type(uint256).max);
        }
        return (vol <= b.maxVolatility, vol);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Governance
    // ------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IRiskSteward
    function setBounds(Param param, address target, Bounds calldata b) external restricted {
        if (
            b.maxChangeBps == 0 &&
            b.minInterval == 0 &&
            b.maxVolatility == 0 &&
            b.volAsset == address(0) &&
            b.minValue == 0 &&
            b.maxValue == 0 &&
            b.step == 0
        ) {
            delete _bounds[param][target];
            emit BoundsSet(param, target, b);
            return;
        }
        if (b.maxChangeBps == 0 || b.maxChangeBps > MAX_CHANGE_BPS) _invalid(param, target, "maxChangeBps");
        if (b.minInterval < MIN_INTERVAL || b.minInterval > MAX_INTERVAL) _invalid(param, target, "minInterval");
        if (b.maxVolatility != 0 && b.volAsset == address(0)) _invalid(param, target, "volAsset");
        if (b.minValue > b.maxValue) _invalid(param, target, "minValue");
        if (param == Param.LiqThreshold && b.minValue == 0) _invalid(param, target, "minValue");
        if (b.step > b.maxValue - b.minValue) _invalid(param, target, "step");
        (, bool known) = _current(param, target);
        if (!known) _invalid(param, target, "target");
        if (b.maxValue > _limit(param, target)) _invalid(param, target, "maxValue");
        _bounds[param][target] = b;
        emit BoundsSet(param, target, b);
    }

    /// @inheritdoc IRiskSteward
    function setPaused(bool paused_) external restricted {
        paused = paused_;
        emit StewardPausedSet(paused_);
    }

    /// @inheritdoc IRiskSteward
    function boundsOf(Param param, address target) external view returns (Bounds memory) {
        return _bounds[param][target];
    }

    /// @inheritdoc IRiskSteward
    function lastChangeOf(Param param, address target) external view returns (uint256) {
        return _lastChange[param][target];
    }

    /// @inheritdoc IRiskSteward
    function lastAppliedOf(Param param, address target) external view returns (uint256) {
        return _lastApplied[param][target];
    }

    // ------------------------------------------------------------------------------------------------------------
    // The rule
    // ------------------------------------------------------------------------------------------------------------

    /// @dev Whether recommendation `id` may be applied now; the checks in the order `Status` lists them.
    function _status(uint256 id) internal view returns (Status, uint256 current, uint256 detail) {
        if (id == 0 || id > riskOracle.count()) return (Status.Unknown, 0, 0);
        IRiskOracle.Recommendation memory r = riskOracle.recommendation(id);
        uint256 latest = riskOracle.latestOf(r.param, r.target);
        if (latest != id) return (Status.Superseded, 0, latest);
        if (r.param > uint8(type(Param).max)) return (Status.NotStewarded, 0, 0);
        Param p = Param(r.param);
        if (_lastApplied[p][r.target] == id) return (Status.Applied, 0, 0);
        if (block.timestamp > r.validUntil) return (Status.Expired, 0, r.validUntil);
        if (paused) return (Status.Paused, 0, 0);
        Bounds memory b = _bounds[p][r.target];
        if (b.minInterval == 0) return (Status.NotStewarded, 0, 0);
        bool known;
        (current, known) = _current(p, r.target);
        if (!known) return (Status.UnknownTarget, 0, 0);
        uint256 to = r.value;
        if (to == current) return (Status.Unchanged, current, 0);
        if (p == Param.LiqThreshold && to > current) return (Status.ThresholdIncrease, current, 0);
        if (to < b.minValue) return (Status.OutOfBounds, current, b.minValue);
        if (to > b.maxValue) return (Status.OutOfBounds, current, b.maxValue);
        (bool fits, uint256 limit) = _fitsTarget(p, r.target, to);
        if (!fits) return (Status.OutOfBounds, current, limit);
        uint256 allowed = _allowedChange(b, current);
        if ((to > current ? to - current : current - to) > allowed) return (Status.ChangeTooLarge, current, allowed);
        uint256 last = _lastChange[p][r.target];
        if (last != 0 && block.timestamp < last + b.minInterval) {
            return (Status.TooSoon, current, last + b.minInterval);
        }
        if (_ratesParam(p) ? to < current : to > current) {
            (bool open, uint256 vol) = looseningOpen(b);
            if (!open) return (Status.VolatilityGate, current, vol);
        }
        return (Status.Applicable, current, 0);
    }

    /// @dev The change allowed from `current`: its `maxChangeBps` share (rounded down) or `step`, whichever is larger.
    function _allowedChange(Bounds memory b, uint256 current) internal pure returns (uint256) {
        uint256 share = FixedMath.mulDivDown(current, b.maxChangeBps, FixedMath.BPS);
        return share > b.step ? share : b.step;
    }

    /// @dev Rates: a lower value loosens. Every other parameter: a higher value loosens.
    function _ratesParam(Param p) internal pure returns (bool) {
        return p == Param.BaseRate || p == Param.SlopeLow || p == Param.SlopeHigh;
    }

    /// @dev The largest value the target contract accepts for `p` (and that fits its storage type), read from the
    ///      target's own constants: the Vault's threshold bound, the engine module's caps, the rate model's bounds.
    function _limit(Param p, address target) internal view returns (uint256) {
        if (p == Param.SupplyCap) return type(uint48).max;
        if (p == Param.MaxLtv || p == Param.LiqThreshold) {
            return VaultStorage(address(vault)).MAX_LIQ_THRESHOLD_BPS();
        }
        if (p == Param.DebtCeiling) return type(uint96).max;
        LiquidationEngineAdmin admin = LiquidationEngineAdmin(engine.admin());
        if (p == Param.AuctionCap) return admin.MAX_CAP();
        if (p == Param.KeeperTip) return admin.MAX_TIP();
        if (p == Param.KeeperChip) return admin.MAX_CHIP_BPS();
        (, uint256 synthId) = _synthIdOf(target);
        DynamicRateModel model = DynamicRateModel(address(VaultReader.synthetic(vault, synthId).params.rateModel));
        return p == Param.BaseRate ? model.MAX_ANNUAL_RATE() : model.MAX_SLOPE();
    }

    // ------------------------------------------------------------------------------------------------------------
    // Reading and writing the targets
    // ------------------------------------------------------------------------------------------------------------

    /// @dev The current value of (`p`, `target`), and whether the target exists (a listed asset; a synthetic of the
    ///      Vault, with a dynamic rate model for the rate parameters; address(0) for the global auction cap).
    function _current(Param p, address target) internal view returns (uint256, bool) {
        if (p == Param.AuctionCap && target == address(0)) return (engine.globalCap(), true);
        if (p <= Param.LiqThreshold || p == Param.AuctionCap) {
            IVault.AssetConfig memory c = vault.assetConfig(target);
            if (!c.listed) return (0, false);
            if (p == Param.SupplyCap) return (c.supplyCap, true);
            if (p == Param.MaxLtv) return (c.maxLtvBps, true);
            if (p == Param.LiqThreshold) return (c.liqThresholdBps, true);
            return (engine.assetCap(target), true);
        }
        (bool found, uint256 synthId) = _synthIdOf(target);
        if (!found) return (0, false);
        if (p == Param.DebtCeiling) return (VaultReader.synthetic(vault, synthId).params.debtCeiling, true);
        if (p == Param.KeeperTip) return (engine.keeperParams(synthId).tip, true);
        if (p == Param.KeeperChip) return (engine.keeperParams(synthId).chipBps, true);
        (bool dynamic, IDynamicRateModel.RateParams memory rp) = _rateParams(synthId, target);
        if (!dynamic) return (0, false);
        if (p == Param.BaseRate) return (rp.baseRate, true);
        if (p == Param.SlopeLow) return (rp.slopeLow, true);
        return (rp.slopeHigh, true);
    }

    /// @dev Whether the target accepts `to` beside its other fields, and the field's limit when it does not.
    function _fitsTarget(Param p, address target, uint256 to) internal view returns (bool, uint256) {
        if (p == Param.MaxLtv || p == Param.LiqThreshold) {
            IVault.AssetConfig memory c = vault.assetConfig(target);
            if (p == Param.MaxLtv && to > c.liqThresholdBps) return (false, c.liqThresholdBps);
            if (p == Param.LiqThreshold && to < c.maxLtvBps) return (false, c.maxLtvBps);
        } else if (p == Param.DebtCeiling) {
            (, uint256 synthId) = _synthIdOf(target);
            uint256 minDebt = VaultReader.synthetic(vault, synthId).params.minDebt;
            if (to < minDebt) return (false, minDebt);
        } else if (p == Param.KeeperTip) {
            (, uint256 synthId) = _synthIdOf(target);
            uint256 maxPay = engine.keeperParams(synthId).maxPay;
            if (to > maxPay) return (false, maxPay);
        }
        return (true, 0);
    }

    /// @dev Sets (`p`, `target`) to `to` through the target's own setter, every other field unchanged. `to` is within
    ///      `_limit(p)`, which fits the field's type.
    function _write(Param p, address target, uint256 to) internal {
        if (p == Param.AuctionCap) {
            if (target == address(0)) engine.setGlobalCap(to);
            else engine.setAssetCap(target, to);
        } else if (p <= Param.LiqThreshold) {
            IVault.AssetConfig memory c = vault.assetConfig(target);
            IVault.AssetParams memory a = IVault.AssetParams(
                c.maxLtvBps,
                c.liqThresholdBps,
                c.liqPenaltyBps,
                c.supplyCap,
                c.frozen
            );
            if (p == Param.SupplyCap) a.supplyCap = uint48(to);
            else if (p == Param.MaxLtv) a.maxLtvBps = uint16(to);
            else a.liqThresholdBps = uint16(to); // lowered: the Vault ramps it in
            vault.setAssetParams(target, a);
        } else {
            (, uint256 synthId) = _synthIdOf(target);
            if (p == Param.DebtCeiling) {
                IVault.SyntheticParams memory sp = VaultReader.synthetic(vault, synthId).params;
                sp.debtCeiling = uint96(to);
                vault.setSyntheticParams(synthId, sp);
            } else if (p == Param.KeeperTip || p == Param.KeeperChip) {
                ILiquidationEngine.KeeperParams memory k = engine.keeperParams(synthId);
                if (p == Param.KeeperTip) k.tip = uint96(to);
                else k.chipBps = uint16(to);
                engine.setKeeperParams(synthId, k);
            } else {
                (, IDynamicRateModel.RateParams memory rp) = _rateParams(synthId, target);
                if (p == Param.BaseRate) rp.baseRate = uint64(to);
                else if (p == Param.SlopeLow) rp.slopeLow = uint64(to);
                else rp.slopeHigh = uint64(to);
                IDynamicRateModel(address(VaultReader.synthetic(vault, synthId).params.rateModel)).setRateParams(
                    target,
                    rp
                );
            }
        }
    }

    /// @dev The id of synthetic token `token` in the Vault (a scan: the Vault has a handful of synthetics).
    function _synthIdOf(address token) internal view returns (bool found, uint256 synthId) {
        if (token == address(0)) return (false, 0);
        uint256 n = vault.syntheticCount();
        for (uint256 i; i < n; ++i) {
            if (address(VaultReader.token(vault, i)) == token) return (true, i);
        }
        return (false, 0);
    }

    /// @dev The rate parameters of `token` in its synthetic's model, when the model is a configured dynamic one.
    function _rateParams(
        uint256 synthId,
        address token
    ) internal view returns (bool dynamic, IDynamicRateModel.RateParams memory rp) {
        address model = address(VaultReader.synthetic(vault, synthId).params.rateModel);
        try IDynamicRateModel(model).rateParams(token) returns (IDynamicRateModel.RateParams memory got) {
            return (got.kink != 0, got); // a stored kink of 0: not configured
        } catch {
            return (false, rp);
        }
    }

    function _invalid(Param param, address target, string memory field) internal pure {
        revert InvalidBounds(param, target, field);
    }
}
