// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IVault} from "./IVault.sol";

/// @title IPreLiquidation
/// @notice Opt-in protection from a full liquidation. An owner who grants this contract the Vault's narrow
///         repay-with-collateral right (`Permissions.REPAY_WITH_COLLATERAL`, `IVault.setManager`) lets anyone, while
///         the position's health is in the band [1, `preHealth`), repay part of its debt and take collateral worth
///         that part plus a small incentive. The close factor and the incentive are interpolated linearly over the
///         band: `closeFactorTop` and `incentiveTop` at its top, `closeFactorBottom` and `incentiveBottom` at health 1,
///         where the liquidation engine takes over. No penalty to the Treasury, no auction; the Vault refuses any
///         pre-liquidation that would lower the position's health, and it touches no other position. Revoking the
///         right (setManager(id, this, 0)) opts out at once.
/// @dev Units: `[wad]` 1e18 (health, USD values, synthetic amounts, prices), `[token]` the collateral's decimals,
///      `[bps]` 1e4. Health is the liquidation engine's: liquidation limit over debt value (`IVault.LiquidationState`).
///      Rounding is against the caller: the close factor, the incentive and the collateral taken round down.
interface IPreLiquidation {
    /// @notice What one pre-liquidation would do now (`quote`).
    /// @param health [wad] The position's health now. @param closeFactor [bps] and @param incentive [bps] in force at
    ///        that health. @param maxRepay [wad] The most the caller may repay now (the close factor of the debt, less
    ///        what earlier pre-liquidations of this position repaid in this block). @param repay [wad] What the call
    ///        would repay (the request, capped). @param seized [token] The collateral it would take.
    struct Quote {
        uint256 health;
        uint256 closeFactor;
        uint256 incentive;
        uint256 maxRepay;
        uint256 repay;
        uint256 seized;
    }

    /// @notice The position's health is outside the band [1e18, `upper`) [wad].
    error OutsideBand(uint256 id, uint256 health, uint256 upper);
    /// @notice `asset` is not in position `id`'s basket.
    error AssetNotInBasket(uint256 id, address asset);
    /// @notice The collateral to take, `seized` [token], exceeds what the position holds of it, `held`: repay less or
    ///         take another asset.
    error SeizeExceedsCollateral(uint256 id, address asset, uint256 seized, uint256 held);
    /// @notice The caller would receive `seized` [token], less than its `minSeized`.
    error SeizedBelowMinimum(uint256 id, uint256 seized, uint256 minSeized);
    /// @notice This block's pre-liquidations of position `id` already repaid its close factor (`maxRepay` left, 0).
    error NothingToRepay(uint256 id);
    /// @notice Constructor bounds: the band's top and the close factors and incentives must be ordered and bounded.
    error InvalidParams();

    /// @param repaid [wad] synthetic burned from the caller; @param seized [token] of `asset` sent to the caller;
    ///        @param health [wad] before; @param closeFactor and @param incentive [bps] applied.
    event PreLiquidated(
        uint256 indexed id,
        address indexed caller,
        address indexed asset,
        uint256 repaid,
        uint256 seized,
        uint256 health,
        uint256 closeFactor,
        uint256 incentive
    );

    function vault() external view returns (IVault);

    /// @notice [wad] The band's top: above it (or at it) no pre-liquidation applies.
    function preHealth() external view returns (uint256);

    /// @notice [bps] Close factor at the band's top and at health 1.
    function closeFactorTop() external view returns (uint256);

    function closeFactorBottom() external view returns (uint256);

    /// @notice [bps] Incentive at the band's top and at health 1.
    function incentiveTop() external view returns (uint256);

    function incentiveBottom() external view returns (uint256);

    /// @notice What `preLiquidate(id, repay, asset, 0)` would do now; reverts as it would (outside the band, unknown
    ///         asset, too much to take). Does not check that the owner opted in (`IPositionLens.permissionsOf`).
    function quote(uint256 id, uint256 repay, address asset) external view returns (Quote memory);

    /// @notice Repays up to `repay` [wad] of position `id`'s debt from the caller (capped at the close factor; pass
    ///         type(uint256).max for the most) and sends the caller `asset` collateral worth the repaid value plus the
    ///         incentive, at the oracle's prices. Needs the owner's opt-in and the caller's approval of the synthetic.
    /// @param minSeized [token] The least collateral the caller accepts (prices may move before the call lands).
    /// @return repaid [wad] Synthetic burned. @return seized [token] Collateral received.
    function preLiquidate(
        uint256 id,
        uint256 repay,
        address asset,
        uint256 minSeized
    ) external returns (uint256 repaid, uint256 seized);
}
