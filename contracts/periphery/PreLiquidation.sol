// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IPreLiquidation} from "../interfaces/IPreLiquidation.sol";
import {IVault} from "../interfaces/IVault.sol";
import {IOracleAdapter} from "../interfaces/IOracleAdapter.sol";
import {FixedMath} from "../libraries/FixedMath.sol";
import {Valuation} from "../libraries/Valuation.sol";
import {VaultReader} from "../libraries/VaultReader.sol";

/// @title PreLiquidation
/// @notice Opt-in protection from a full liquidation. See `IPreLiquidation`.
/// @dev Immutable: its band, close factors and incentives are fixed at construction (a new policy is a new contract,
///      which owners opt into anew). It values the position as the liquidation engine does (`VaultReader`,
///      `liquidationState`), so the band's lower edge is exactly the engine's trigger, and has the Vault move the
///      debt and the collateral (`IVault.repayAndWithdraw`), which re-checks that health did not fall and that the
///      collateral taken is within the repaid value plus 10%. Holds a caller's synthetic only during its call.
contract PreLiquidation is IPreLiquidation, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using FixedMath for uint256;
    using VaultReader for IVault;

    /// @notice [wad] Highest band top: pre-liquidation starts at health 1.5 at the earliest.
    uint256 public constant MAX_PRE_HEALTH = 1.5e18;
    /// @notice [bps] Highest close factor: one block's pre-liquidations repay at most half the debt.
    uint256 public constant MAX_CLOSE_FACTOR_BPS = 5_000;
    /// @notice [bps] Highest incentive: the Vault's cap on a repay with collateral's bonus.
    uint256 public constant MAX_INCENTIVE_BPS = 1_000;

    /// @inheritdoc IPreLiquidation
    IVault public immutable vault;
    IOracleAdapter internal immutable _oracle;
    /// @inheritdoc IPreLiquidation
    uint256 public immutable preHealth;
    /// @inheritdoc IPreLiquidation
    uint256 public immutable closeFactorTop;
    /// @inheritdoc IPreLiquidation
    uint256 public immutable closeFactorBottom;
    /// @inheritdoc IPreLiquidation
    uint256 public immutable incentiveTop;
    /// @inheritdoc IPreLiquidation
    uint256 public immutable incentiveBottom;

    /// @dev Per position: the block of its last pre-liquidation (bits 0-63) and what may still be repaid in that
    ///      block [wad] (bits 64-255). Bounds one block's pre-liquidations to the close factor of the debt the first
    ///      one found, so a caller cannot split a larger close into many small ones, and dust cannot block others.
    mapping(uint256 id => uint256) internal _windows;

    /// @param vault_ The Vault. @param preHealth_ [wad] The band's top, in (1e18, MAX_PRE_HEALTH].
    /// @param closeFactors [bps] At the top and at health 1: 0 < top <= bottom <= MAX_CLOSE_FACTOR_BPS.
    /// @param incentives [bps] At the top and at health 1: top <= bottom <= MAX_INCENTIVE_BPS. Set them below the
    ///        assets' liquidation penalties, so that a pre-liquidation is the gentler outcome for the owner.
    constructor(IVault vault_, uint256 preHealth_, uint256[2] memory closeFactors, uint256[2] memory incentives) {
        if (
            preHealth_ <= FixedMath.WAD ||
            preHealth_ > MAX_PRE_HEALTH ||
            closeFactors[0] == 0 ||
            closeFactors[0] > closeFactors[1] ||
            closeFactors[1] > MAX_CLOSE_FACTOR_BPS ||
            incentives[0] > incentives[1] ||
            incentives[1] > MAX_INCENTIVE_BPS
        ) revert InvalidParams();
        vault = vault_;
        _oracle = vault_.oracle();
        preHealth = preHealth_;
        (closeFactorTop, closeFactorBottom) = (closeFactors[0], closeFactors[1]);
        (incentiveTop, incentiveBottom) = (incentives[0], incentives[1]);
    }

    /// @inheritdoc IPreLiquidation
    function quote(uint256 id, uint256 repay, address asset) external view returns (Quote memory q) {
        (q, , ) = _quote(id, repay, asset);
    }

    /// @inheritdoc IPreLiquidation
    function preLiquidate(
        uint256 id,
        uint256 repay,
        address asset,
        uint256 minSeized
    ) external nonReentrant returns (uint256 repaid, uint256 seized) {
        (Quote memory q, address token, uint256 window) = _quote(id, repay, asset);
        if (q.seized < minSeized) revert SeizedBelowMinimum(id, q.seized, minSeized);
        _windows[id] = window - (q.repay << 64); // what is left of this block's close factor
        IERC20(token).safeTransferFrom(msg.sender, address(this), q.repay);
        repaid = vault.repayAndWithdraw(id, q.repay, asset, q.seized, msg.sender);
        seized = q.seized;
        // the Vault burns at most the debt; the close factor keeps the request below it, so nothing is left here
        emit PreLiquidated(id, msg.sender, asset, repaid, seized, q.health, q.closeFactor, q.incentive);
    }

    /// @return q The quote; @return token The synthetic; @return window This block's window after the quote's
    ///         start (block | allowance << 64), before the repay is taken off it.
    function _quote(
        uint256 id,
        uint256 repay,
        address asset
    ) internal view returns (Quote memory q, address token, uint256 window) {
        IVault.LiquidationState memory st = vault.liquidationState(_oracle, id);
        uint256 k = _indexOf(st, id, asset); // and every basket price is valid
        token = st.token;
        q.health = Valuation.healthDown(st.liquidationLimit, st.debtValue);
        uint256 top = preHealth;
        if (q.health < FixedMath.WAD || q.health >= top) revert OutsideBand(id, q.health, top);
        // t = (top - health) / (top - 1) in (0, 1] [wad]; each term rounded down
        uint256 t = (top - q.health).mulDivDown(FixedMath.WAD, top - FixedMath.WAD);
        q.closeFactor = closeFactorTop + (closeFactorBottom - closeFactorTop).mulDivDown(t, FixedMath.WAD);
        q.incentive = incentiveTop + (incentiveBottom - incentiveTop).mulDivDown(t, FixedMath.WAD);

        window = _windows[id];
        if (uint64(window) != block.number) {
            window = block.number | (st.debt.mulDivDown(q.closeFactor, FixedMath.BPS) << 64);
        }
        q.maxRepay = window >> 64;
        if (q.maxRepay == 0) revert NothingToRepay(id);
        q.repay = repay < q.maxRepay ? repay : q.maxRepay;

        // [wad] the repaid debt's value plus the incentive, then [token] at the asset's price: both rounded down
        uint256 value = q.repay.mulDivDown(
            st.synthPrice * (FixedMath.BPS + q.incentive),
            FixedMath.WAD * FixedMath.BPS
        );
        q.seized = value.mulDivDown(10 ** st.decimals[k], st.prices[k]);
        if (q.seized > st.amounts[k]) revert SeizeExceedsCollateral(id, asset, q.seized, st.amounts[k]);
    }

    /// @return k The index of `asset` in the basket. Reverts with the oracle's own error when any basket price is
    ///         unavailable: the engine would value that asset at 0, the Vault cannot value it at all.
    function _indexOf(IVault.LiquidationState memory st, uint256 id, address asset) internal view returns (uint256 k) {
        k = type(uint256).max;
        for (uint256 j; j < st.assets.length; ++j) {
            if (st.prices[j] == 0) _oracle.getPrice(st.assets[j]);
            if (st.assets[j] == asset) k = j;
        }
        if (k == type(uint256).max) revert AssetNotInBasket(id, asset);
    }
}
