// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IVault} from "./IVault.sol";
import {ILiquidationEngine} from "./ILiquidationEngine.sol";

/// @title ILiquidationPlanner
/// @notice The one implementation of a liquidation's valuation and plan, deployed once by its liquidation engine and
///         called by it, by `IPositionLens` and by `IRiskLens`: whatever answers a preview is what a liquidation does.
///         Stateless; it reads the Vault's ledger (`VaultReader`), the oracle, and the engine's caps and parameters.
/// @dev Units: `[token]`, `[wad]`, `[bps]` as in `IVault`. The rule itself is written out in `ILiquidationEngine`.
interface ILiquidationPlanner {
    /// @notice What a liquidation needs of the valuation to start its auctions (`IVault.LiquidationState`, trimmed).
    /// @param minDebt [wad] @param synthPrice [wad] USD per synthetic unit. @param prices [wad] USD per whole token of
    ///        each basket asset (0: unavailable, never seized). @param decimals each token's.
    struct Start {
        address owner;
        uint256 synthId;
        address token;
        uint256 minDebt;
        uint256 synthPrice;
        address[] assets;
        uint256[] prices;
        uint8[] decimals;
    }

    /// @notice The Vault whose positions it values (immutable).
    function vault() external view returns (IVault);

    /// @notice The engine that deployed it, whose caps and parameters a plan obeys (immutable).
    function engine() external view returns (ILiquidationEngine);

    /// @notice Position `id` valued as a liquidation values it (`IVault.LiquidationState`): at current prices and the
    ///         current rate index, an asset whose price is unavailable (any oracle failure) at 0 and left out of
    ///         `pricedMask`, so it is never sold at a failed price.
    /// @dev Reverts: PositionNotFound; the oracle's PriceUnavailable when the synthetic's own price fails, or when the
    ///      basket is not empty and no asset in it has a price (nothing could be sold: no liquidation).
    function liquidationState(uint256 id) external view returns (IVault.LiquidationState memory);

    /// @notice What `ILiquidationEngine.liquidate(id)` would do now, without keeper pay (the engine adds it): the
    ///         plan under the engine's caps and liquidation parameters, and the figures of the valuation the engine
    ///         starts the auctions with.
    /// @dev Reverts SystemShutdown after the Vault's shutdown, as `liquidationState`, and PositionHealthy,
    ///      AuctionCapReached or PricedLotTooSmall as the rule says.
    function plan(uint256 id) external view returns (Start memory start, ILiquidationEngine.LiquidationPlan memory p);

    /// @notice The plan for a position valued as `st` (any valuation: `IRiskLens` passes shocked prices), with
    ///         `rooms` [wad USD] left under each basket asset's cap (`st.assets` order) and `globalRoom` [wad USD]
    ///         under the global cap, under parameters `lp`. Keeper pay 0.
    function planFor(
        IVault.LiquidationState calldata st,
        uint256[] calldata rooms,
        uint256 globalRoom,
        ILiquidationEngine.LiquidationParams calldata lp,
        uint256 id
    ) external pure returns (ILiquidationEngine.LiquidationPlan memory);
}
