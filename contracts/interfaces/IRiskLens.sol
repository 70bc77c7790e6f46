// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IVault} from "./IVault.sol";
import {ILiquidationEngine} from "./ILiquidationEngine.sol";

/// @title IRiskLens
/// @notice An on-chain stress view anyone can call: given a price shock per collateral asset, which positions would
///         become liquidatable and how much debt that would send to auction. Stateless: it reads only the public
///         views of the Vault it is given (`positionOf`, `basketOf`, `debtOf`, `assetConfig`, `synthetic`,
///         `oracle`, `liquidationEngine`), the Vault's oracle (`getPrice`) and its liquidation engine
///         (`liquidationParams`, `globalCap`, `globalDirt`, `assetCap`, `assetDirt`). It writes nothing and holds
///         nothing.
/// @dev Units: `[wad]` 18-decimal fixed point (USD values, prices in USD per whole unit, health), `[bps]` 1e4 = 100%,
///      `[token]` a collateral token's own decimals.
///      A shock is a multiplier in bps applied to the oracle price: 10_000 leaves it, 4_000 is a 60% fall, 15_000 a 50%
///      rise; a shocked price is `price * multiplierBps / 1e4` rounded down. Assets not listed in the shock keep their
///      oracle price. A synthetic that tracks a shocked asset (bETH tracks WETH) has its debt value shocked too, so a
///      hedged position stays hedged.
///      Health at shocked prices is computed exactly as `VaultReader.healthOf` computes it (each asset's value rounded down,
///      limits rounded down, debt value rounded up, health rounded down), at the current rate index. The debt sent to
///      auction is what `ILiquidationEngine.liquidate` would take from each position on its own (the closed-form partial
///      amount to the target health, the full-liquidation rules and the minimum debt), before the auction caps: caps
///      depend on the order liquidations arrive in, so the summary reports the room left under the global cap beside
///      the total.
///      Reverts: the oracle's `PriceUnavailable` when a price the answer needs is unavailable (a stress test at a
///      failed price is meaningless), and the errors below.
interface IRiskLens {
    /// @notice One position under the shock.
    /// @param id Position id. @param exists False for an id the Vault does not know (every other field 0).
    /// @param synthId The position's synthetic.
    /// @param healthNow [wad] Health at current prices (type(uint256).max without debt).
    /// @param healthShocked [wad] Health at shocked prices.
    /// @param collateralValue [wad USD] Basket value at shocked prices.
    /// @param debtValue [wad USD] Debt value at shocked prices.
    /// @param liquidatable healthShocked < 1e18.
    /// @param auctionDebt [wad] Synthetic debt a liquidation would take into auction (0 when not liquidatable).
    /// @param auctionDebtValue [wad USD] Its value at shocked prices, rounded up.
    /// @param cappedAuctionDebtValue [wad USD] The same under the auction caps as they stand now (the engine's rooms
    ///        left under each asset's cap and the global cap): what a liquidation of this position alone, next, would
    ///        send to auction at shocked prices (0 when the caps leave less than one minimum debt of room).
    struct PositionStress {
        uint256 id;
        bool exists;
        uint256 synthId;
        uint256 healthNow;
        uint256 healthShocked;
        uint256 collateralValue;
        uint256 debtValue;
        bool liquidatable;
        uint256 auctionDebt;
        uint256 auctionDebtValue;
        uint256 cappedAuctionDebtValue;
    }

    /// @notice Totals over the positions asked about.
    /// @param positions Positions that exist. @param liquidatable Of which liquidatable under the shock.
    /// @param newlyLiquidatable Of which healthy now.
    /// @param debtValue [wad USD] Debt value of the liquidatable positions at shocked prices.
    /// @param auctionDebtValue [wad USD] Debt value their liquidations would send to auction, before caps.
    /// @param capRoom [wad USD] Room left under the engine's global cap now (globalCap - globalDirt, 0 if none).
    /// @param cappedAuctionDebtValue [wad USD] The sum of the positions' `cappedAuctionDebtValue`, each as if it were
    ///        the next liquidation (an upper bound on what the caps let into auction at once: the rooms are shared).
    struct StressSummary {
        uint256 positions;
        uint256 liquidatable;
        uint256 newlyLiquidatable;
        uint256 debtValue;
        uint256 auctionDebtValue;
        uint256 capRoom;
        uint256 cappedAuctionDebtValue;
    }

    /// @notice `assets` and `multipliersBps` differ in length.
    error ShockLengthMismatch(uint256 assets, uint256 multipliers);
    /// @notice A multiplier above `max` [bps].
    error ShockTooLarge(address asset, uint256 multiplierBps, uint256 max);
    /// @notice An asset appears twice in the shock.
    error DuplicateShock(address asset);
    /// @notice A shocked asset the Vault does not list.
    error ShockedAssetNotListed(address asset);
    /// @notice `fromId > toId`, or a range longer than `maxLength` positions.
    error InvalidRange(uint256 fromId, uint256 toId, uint256 maxLength);

    /// @notice The largest multiplier a shock may use [bps] (100x).
    function MAX_MULTIPLIER_BPS() external view returns (uint256);

    /// @notice The longest range `stressRange` takes in one call.
    function MAX_RANGE() external view returns (uint256);

    /// @notice The debt [wad] the engine's plan (`LiquidationMath.plan`) moves for valuation `st` under `rooms` and
    ///         `globalRoom`: the lens calls itself so that a plan that cannot move one minimum debt (a cap, collateral
    ///         without a price) reads as 0 instead of reverting the whole report.
    function plannedDebt(
        IVault.LiquidationState calldata st,
        uint256[] calldata rooms,
        uint256 globalRoom,
        ILiquidationEngine.LiquidationParams calldata lp,
        uint256 id
    ) external pure returns (uint256 debt);

    /// @notice Stresses positions `ids` of `vault` under `multipliersBps[i]` applied to `assets[i]`.
    function stress(
        IVault vault,
        uint256[] calldata ids,
        address[] calldata assets,
        uint256[] calldata multipliersBps
    ) external view returns (PositionStress[] memory positions, StressSummary memory summary);

    /// @notice `stress` over ids `fromId` … `toId` (inclusive; ids the Vault does not know yet are reported with
    ///         `exists = false`). At most `MAX_RANGE` ids per call: page through larger books.
    function stressRange(
        IVault vault,
        uint256 fromId,
        uint256 toId,
        address[] calldata assets,
        uint256[] calldata multipliersBps
    ) external view returns (PositionStress[] memory positions, StressSummary memory summary);
}
