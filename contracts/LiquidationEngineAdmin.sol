// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";

import {ILiquidationEngine} from "./interfaces/ILiquidationEngine.sol";
import {IBallastErrors} from "./interfaces/IBallastErrors.sol";
import {IVault} from "./interfaces/IVault.sol";
import {FixedMath} from "./libraries/FixedMath.sol";
import {LiquidationEngineStorage} from "./LiquidationEngineStorage.sol";
import {AdminModule} from "./AdminModule.sol";

/// @title LiquidationEngineAdmin
/// @notice The LiquidationEngine's governance code: its bounded setters and the shutdown's `releaseAuction`. Created
///         by the engine's constructor and run only by `delegatecall` from the engine, after the engine's own
///         `restricted` check, in the engine's storage (the layout of `LiquidationEngineStorage`, which both
///         inherit). It keeps the engine's hot paths (liquidate, take, reset) in one contract with room to spare.
///         Immutable: no upgrade path, no proxy; the engine knows one module, the one it created.
/// @dev Called directly (not by `delegatecall`) every entry point reverts `NotDelegated`; its own storage is never
///      used. The entry points are documented in `ILiquidationEngine`.
contract LiquidationEngineAdmin is LiquidationEngineStorage, AdminModule {
    using SafeERC20 for IERC20;
    using FixedMath for uint256;

    // ------------------------------------------------------------------------------------------------------------
    // Hard-coded bounds on governance
    // ------------------------------------------------------------------------------------------------------------

    /// @notice [wad] Highest target health.
    uint256 public constant MAX_TARGET_HEALTH = 2e18;
    /// @notice [wad] Lowest full-liquidation health.
    uint256 public constant MIN_FULL_LIQUIDATION_HEALTH = 0.5e18;
    /// @notice [bps] Highest start buffer above the oracle price (50%).
    uint256 public constant MAX_START_BUFFER_BPS = 5_000;
    /// @notice [bps] Bounds of the floor as a share of the oracle price.
    uint256 public constant MIN_RESET_BELOW_BPS = 1_000;
    uint256 public constant MAX_RESET_BELOW_BPS = 9_500;
    /// @notice [bps] Bounds of the price kept per step of the exponential curve.
    uint256 public constant MIN_CUT_BPS = 5_000;
    uint256 public constant MAX_CUT_BPS = 9_999;
    /// @notice [s] Bounds of the linear duration and of maxDuration.
    uint256 public constant MIN_DURATION = 10 minutes;
    uint256 public constant MAX_DURATION = 7 days;
    /// @notice [s] Longest step of the exponential curve.
    uint256 public constant MAX_STEP = 1 hours;
    /// @notice [wad] Highest flat tip, in the synthetic's units.
    uint256 public constant MAX_TIP = 1_000e18;
    /// @notice [bps] Highest share of the debt paid to a keeper (1%).
    uint256 public constant MAX_CHIP_BPS = 100;
    /// @notice [wad] Highest pay for one call, in the synthetic's units.
    uint256 public constant MAX_KEEPER_PAY = 100_000e18;
    /// @notice [wad USD] Highest cap on debt in auction.
    uint256 public constant MAX_CAP = 1e30;

    // ------------------------------------------------------------------------------------------------------------

    IVault internal immutable _vault;

    /// @param vault_ The engine's Vault.
    constructor(IVault vault_) AccessManaged(address(0)) {
        _vault = vault_;
    }

    /// @dev See `ILiquidationEngine.setLiquidationParams`.
    function setLiquidationParams(ILiquidationEngine.LiquidationParams calldata p) external onlyDelegated {
        if (p.targetHealth <= WAD || p.targetHealth > MAX_TARGET_HEALTH) {
            revert ILiquidationEngine.InvalidParam(ILiquidationEngine.Param.TargetHealth, p.targetHealth);
        }
        if (p.fullLiquidationHealth < MIN_FULL_LIQUIDATION_HEALTH || p.fullLiquidationHealth > WAD) {
            revert ILiquidationEngine.InvalidParam(
                ILiquidationEngine.Param.FullLiquidationHealth,
                p.fullLiquidationHealth
            );
        }
        (_limits.targetHealth, _limits.fullLiquidationHealth) = (p.targetHealth, p.fullLiquidationHealth);
        emit ILiquidationEngine.LiquidationParamsSet(p);
    }

    /// @dev See `ILiquidationEngine.setAuctionParams`.
    function setAuctionParams(ILiquidationEngine.AuctionParams calldata p) external onlyDelegated {
        if (p.startBufferBps > MAX_START_BUFFER_BPS)
            _invalid(ILiquidationEngine.Param.StartBufferBps, p.startBufferBps);
        if (p.resetBelowBps < MIN_RESET_BELOW_BPS || p.resetBelowBps > MAX_RESET_BELOW_BPS) {
            _invalid(ILiquidationEngine.Param.ResetBelowBps, p.resetBelowBps);
        }
        if (p.duration < MIN_DURATION || p.duration > MAX_DURATION) {
            _invalid(ILiquidationEngine.Param.Duration, p.duration);
        }
        if (p.step == 0 || p.step > MAX_STEP) _invalid(ILiquidationEngine.Param.Step, p.step);
        if (p.cutBps < MIN_CUT_BPS || p.cutBps > MAX_CUT_BPS) _invalid(ILiquidationEngine.Param.CutBps, p.cutBps);
        if (p.maxDuration < MIN_DURATION || p.maxDuration > MAX_DURATION) {
            _invalid(ILiquidationEngine.Param.MaxDuration, p.maxDuration);
        }
        // the curve must reach the oracle price before an auction expires
        uint256 top = WAD.mulDivUp(BPS + p.startBufferBps, BPS);
        if (_price(top, p.maxDuration, p) > WAD) _invalid(ILiquidationEngine.Param.MaxDuration, p.maxDuration);
        _auctionParams = p;
        emit ILiquidationEngine.AuctionParamsSet(p);
    }

    /// @dev See `ILiquidationEngine.setKeeperParams`.
    function setKeeperParams(uint256 synthId, ILiquidationEngine.KeeperParams calldata params) external onlyDelegated {
        if (params.tip > MAX_TIP) _invalid(ILiquidationEngine.Param.Tip, params.tip);
        if (params.chipBps > MAX_CHIP_BPS) _invalid(ILiquidationEngine.Param.ChipBps, params.chipBps);
        if (params.maxPay > MAX_KEEPER_PAY || params.maxPay < params.tip) {
            _invalid(ILiquidationEngine.Param.MaxPay, params.maxPay);
        }
        if (synthId >= _vault.syntheticCount()) _invalid(ILiquidationEngine.Param.SynthId, synthId);
        _keeperParams[synthId] = params;
        emit ILiquidationEngine.KeeperParamsSet(synthId, params);
    }

    /// @dev See `ILiquidationEngine.setGlobalCap`.
    function setGlobalCap(uint256 cap) external onlyDelegated {
        if (cap > MAX_CAP) _invalid(ILiquidationEngine.Param.GlobalCap, cap);
        _limits.globalCap = uint128(cap); // <= MAX_CAP < 2^128
        emit ILiquidationEngine.GlobalCapSet(cap);
    }

    /// @dev See `ILiquidationEngine.setAssetCap`.
    function setAssetCap(address asset, uint256 cap) external onlyDelegated {
        if (cap > MAX_CAP) _invalid(ILiquidationEngine.Param.AssetCap, cap);
        if (!_vault.assetConfig(asset).listed) _invalid(ILiquidationEngine.Param.Asset, uint256(uint160(asset)));
        _assetLimits[asset].cap = uint128(cap); // <= MAX_CAP < 2^128
        emit ILiquidationEngine.AssetCapSet(asset, cap);
    }

    /// @dev See `ILiquidationEngine.releaseAuction`.
    function releaseAuction(
        uint256 auctionId
    )
        external
        onlyDelegated
        nonReentrant
        returns (uint256 positionId, uint256 synthId, address asset, uint256 lot, uint256 debt)
    {
        if (_vault.shutdownAt() == 0) revert IBallastErrors.NotShutdown();
        StoredAuction memory a = _auctions[auctionId];
        if (a.tab == 0) revert ILiquidationEngine.AuctionNotFound(auctionId);
        (positionId, synthId, asset, lot, debt) = (a.positionId, a.synthId, a.asset, a.lot, a.debt);
        uint256 dirt = _dirt(auctionId, a); // [wad USD]
        Counters memory c = _counters;
        --c.live;
        c.globalDirt -= uint128(dirt);
        _counters = c;
        _assetLimits[asset].dirt -= uint128(dirt);
        delete _auctions[auctionId];
        if (a.separateDirt) delete _dirtOf[auctionId];
        emit ILiquidationEngine.AuctionReleased(auctionId, msg.sender, lot, debt);
        _vault.releaseAuctionDebt(synthId, debt);
        IERC20(asset).safeTransfer(msg.sender, lot);
    }

    function _invalid(ILiquidationEngine.Param field, uint256 value) private pure {
        revert ILiquidationEngine.InvalidParam(field, value);
    }
}
